"""Solution feeds: the dissolving liquid's role, solute-only reaction metrics, multi-solute streams.

Issue 12, defects 1-3, with hand-computed figures.
"""

from __future__ import annotations

import pytest
from helpers import route
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.assessment import assess
from lca.inventory import build_inventory

# 2,6-dimethylaniline C8H11N = 8*12.011 + 11*1.008 + 14.007 = 121.183 g/mol
# chloroacetyl chloride C2H2Cl2O = 2*12.011 + 2*1.008 + 2*35.45 + 15.999 = 112.937 g/mol
# 2-chloro-N-(2,6-dimethylphenyl)acetamide C10H12ClNO
#   = 10*12.011 + 12*1.008 + 35.45 + 14.007 + 15.999 = 197.662 g/mol
ACYLATION = {
    "dma": {"formula": "C8H11N"},
    "cac": {"formula": "C2H2Cl2O"},
    "amide": {"formula": "C10H12ClNO"},
}


def kg_by(inventory, *keys):
    """kg on the campaign basis, summed by the named Flow attributes."""
    totals: dict = {}
    for flow, kg in zip(inventory.flows, inventory.charge_kg, strict=True):
        key = tuple(getattr(flow, k) for k in keys)
        totals[key] = totals.get(key, 0.0) + float(kg)
    return totals


def one_step(inputs, product, materials=None, **step):
    return route(
        [{"id": "s", "inputs": inputs, "product": product, **step}],
        product=product["material"],
        materials=materials,
    )


# --- defect 1: the liquid of a solution feed has its own role ---------------------------------


def aqueous_naoh(**extra):
    # 10 L of 2 mol/L NaOH (39.997 g/mol), solution density 1.08 g/mL:
    #   solution = 10 L * 1.08 kg/L = 10.8 kg; NaOH = 2 * 10 mol * 39.997 g/mol = 0.79994 kg;
    #   water = 10.8 - 0.79994 = 10.00006 kg
    return {
        "material": "sodium-hydroxide",
        "amount": "10 L",
        "concentration": "2 mol/L",
        "solvent": "water",
        "solution_density": "1.08 g/mL",
        "role": "reagent",
        **extra,
    }


def test_aqueous_feed_counts_its_water_as_water():
    recipe = one_step(
        [
            {"material": "sm", "amount": "5 kg", "role": "reactant"},
            aqueous_naoh(solvent_role="water"),
        ],
        {"material": "api", "amount": "4 kg"},
        materials={"sm": {}, "api": {}},
    )
    result = assess(recipe)
    totals = kg_by(result.inventory, "material", "role")
    assert totals[("water", "water")] == pytest.approx(10.00006)
    assert ("water", "solvent") not in totals
    # per kg of product (4 kg): water 10.00006 / 4; solvent 0
    assert result.value("water_intensity") == pytest.approx(10.00006 / 4)
    assert result.value("solvent_intensity") == 0.0
    # PMI does not change with the role: (5 + 10.8) / 4
    assert result.value("pmi") == pytest.approx(15.8 / 4)


def test_a_feed_dissolved_in_water_is_water_by_default():
    recipe = one_step(
        [{"material": "sm", "amount": "5 kg", "role": "reactant"}, aqueous_naoh()],
        {"material": "api", "amount": "4 kg"},
        materials={"sm": {}, "api": {}},
    )
    totals = kg_by(build_inventory(recipe), "material", "role")
    assert totals[("water", "water")] == pytest.approx(10.00006)


def test_the_liquid_may_be_given_another_role():
    # methanol as the liquid of a feed, and a reactant of the step (an esterification medium)
    recipe = one_step(
        [
            {
                "material": "sm",
                "amount": "10 kg",
                "concentration": "20 %",
                "solvent": "methanol",
                "solvent_role": "reactant",
                "role": "reactant",
            }
        ],
        {"material": "api", "amount": "1 kg"},
        materials={"sm": {}, "api": {}},
    )
    totals = kg_by(build_inventory(recipe), "material", "role")
    assert totals[("methanol", "reactant")] == pytest.approx(8.0)
    assert totals[("sm", "reactant")] == pytest.approx(2.0)


# --- defect 2: RME and carbon efficiency count only the reactant's own mass --------------------


def acylation(feed_as_solution: bool):
    # 10 mol of dma: as a 1.0 mol/L solution in toluene (10 L at 0.89 g/mL = 8.9 kg, of which
    # 1.21183 kg dma and 7.68817 kg toluene), or neat (1.21183 kg) plus 7.68817 kg toluene.
    dma = (
        {
            "material": "dma",
            "amount": "10 L",
            "concentration": "1.0 mol/L",
            "solvent": "toluene",
            "solution_density": "0.89 g/mL",
            "role": "reactant",
            "limiting": True,
        }
        if feed_as_solution
        else {"material": "dma", "amount": "1.21183 kg", "role": "reactant", "limiting": True}
    )
    inputs = [dma, {"material": "cac", "amount": "1.05 equiv", "role": "reactant"}]
    if not feed_as_solution:
        inputs.append({"material": "toluene", "amount": "7.68817 kg", "role": "solvent"})
    return one_step(inputs, {"material": "amide", "yield": 0.92}, materials=ACYLATION)


@pytest.mark.parametrize("feed_as_solution", [True, False], ids=["solution", "neat"])
def test_rme_and_carbon_efficiency_use_the_solute_only(feed_as_solution):
    result = assess(acylation(feed_as_solution))
    # reactants: dma 10 mol * 121.183 = 1.21183 kg; cac 10.5 mol * 112.937 = 1.1858385 kg
    # product: 0.92 * 10 mol * 197.662 = 1.8184904 kg
    # RME = 1.8184904 / (1.21183 + 1.1858385) * 100 = 75.84...
    assert result.value("reaction_mass_efficiency", "s") == pytest.approx(
        1.8184904 / (1.21183 + 1.1858385) * 100
    )
    # CE = 9.2 mol * 10 C / (10 mol * 8 C + 10.5 mol * 2 C) * 100 = 92 / 101 * 100
    assert result.value("carbon_efficiency", "s") == pytest.approx(92 / 101 * 100)
    # PMI = (8.9 + 1.1858385) / 1.8184904
    assert result.value("pmi") == pytest.approx((8.9 + 1.1858385) / 1.8184904)


# --- defect 3: several solutes in one stream ----------------------------------------------------


def stream(solutes, **extra):
    # 10 L of an aqueous stream at 1.05 g/mL = 10.5 kg
    return {
        "material": "water",
        "amount": "10 L",
        "role": "water",
        "solution_density": "1.05 g/mL",
        "solutes": solutes,
        **extra,
    }


NAOH = {"material": "sodium-hydroxide", "concentration": "1 mol/L", "role": "reagent"}
NACL = {"material": "sodium-chloride", "concentration": "50 g/L", "role": "workup"}
NA2CO3 = {"material": "sodium-carbonate", "concentration": "2 %", "role": "reagent"}


def wash(solutes):
    return one_step(
        [{"material": "sm", "amount": "3 kg", "role": "reactant"}, stream(solutes)],
        {"material": "api", "amount": "2 kg"},
        materials={"sm": {}, "api": {}},
    )


def test_multi_solute_stream_counts_its_liquid_once():
    # NaOH 1 mol/L * 10 L * 39.997 g/mol = 0.39997 kg; NaCl 50 g/L * 10 L = 0.5 kg;
    # Na2CO3 2 % of 10.5 kg = 0.21 kg; water = 10.5 - 0.39997 - 0.5 - 0.21 = 9.39003 kg
    result = assess(wash([NAOH, NACL, NA2CO3]))
    totals = kg_by(result.inventory, "material", "role", "origin")
    assert totals[("sodium-hydroxide", "reagent", "feed")] == pytest.approx(0.39997)
    assert totals[("sodium-chloride", "workup", "feed")] == pytest.approx(0.5)
    assert totals[("sodium-carbonate", "reagent", "feed")] == pytest.approx(0.21)
    assert totals[("water", "water", "feed solvent")] == pytest.approx(9.39003)
    # the stream weighs 10.5 kg whatever it carries: PMI = (3 + 10.5) / 2
    assert result.value("pmi") == pytest.approx(13.5 / 2)
    assert result.value("water_intensity") == pytest.approx(9.39003 / 2)


def test_multi_solute_stream_does_not_depend_on_solute_order():
    forward = assess(wash([NAOH, NACL, NA2CO3]))
    backward = assess(wash([NA2CO3, NACL, NAOH]))
    for metric in ("pmi", "pmi_reactants", "pmi_water", "pmi_workup", "water_intensity"):
        assert forward.value(metric) == pytest.approx(backward.value(metric), rel=1e-12)


def test_two_feeds_of_one_stream_are_flagged():
    # the old way to write a two-solute stream: two solution feeds that share their solvent
    # and amount; the stream's water is counted twice, so the recipe is warned about
    feed = {"amount": "10 L", "solvent": "water", "solution_density": "1.05 g/mL"}
    recipe = one_step(
        [
            {"material": "sm", "amount": "3 kg", "role": "reactant"},
            {"material": "sodium-hydroxide", "concentration": "1 mol/L", "role": "reagent", **feed},
            {"material": "sodium-chloride", "concentration": "50 g/L", "role": "workup", **feed},
        ],
        {"material": "api", "amount": "2 kg"},
        materials={"sm": {}, "api": {}},
    )
    warnings = build_inventory(recipe).warnings
    assert len(warnings) == 1
    assert "inputs[1] (sodium-hydroxide)" in warnings[0]
    assert "inputs[2] (sodium-chloride)" in warnings[0]
    assert "solutes" in warnings[0]


# --- properties ---------------------------------------------------------------------------------

kilograms = st.floats(min_value=0.01, max_value=1e3, allow_nan=False, allow_infinity=False)
liquids = st.sampled_from([("toluene", "solvent"), ("water", "water"), ("methanol", "solvent")])


@settings(max_examples=50, deadline=None)
@given(
    solute=kilograms, liquid=kilograms, other=kilograms, which=liquids, fraction=st.floats(0.01, 1)
)
def test_pmi_does_not_depend_on_how_a_solution_feed_is_written(
    solute, liquid, other, which, fraction
):
    name, role = which
    product = {"material": "api", "amount": f"{(solute + other) * fraction!r} kg"}
    materials = {"sm": {}, "other": {}, "api": {}}
    neat = one_step(
        [
            {"material": "sm", "amount": f"{solute!r} kg", "role": "reactant"},
            {"material": name, "amount": f"{liquid!r} kg", "role": role},
            {"material": "other", "amount": f"{other!r} kg", "role": "reactant"},
        ],
        product,
        materials,
    )
    as_feed = one_step(
        [
            {
                "material": "sm",
                "amount": f"{solute + liquid!r} kg",
                "concentration": f"{100 * solute / (solute + liquid)!r} %",
                "solvent": name,
                "solvent_role": role,
                "role": "reactant",
            },
            {"material": "other", "amount": f"{other!r} kg", "role": "reactant"},
        ],
        product,
        materials,
    )
    a, b = assess(neat, with_mode_effects=False), assess(as_feed, with_mode_effects=False)
    for metric in ("pmi", "pmi_reactants", "pmi_solvents", "pmi_water"):
        assert a.value(metric) == pytest.approx(b.value(metric), rel=1e-9, abs=1e-12)
    # the reactant's own mass is what RME sees, whichever way it is written
    assert a.value("reaction_mass_efficiency", "s") == pytest.approx(
        b.value("reaction_mass_efficiency", "s"), rel=1e-9
    )


@settings(max_examples=50, deadline=None)
@given(
    # fractions of zero or of a size greenroute computes with (below 1e-100 is refused as read)
    feeds=st.lists(
        st.tuples(kilograms, st.floats(0.0, 0.9).filter(lambda x: x == 0 or x >= 1e-100), liquids),
        min_size=1,
        max_size=4,
    ),
    lines=st.lists(st.tuples(kilograms, liquids), max_size=3),
)
def test_solvent_and_water_intensity_add_up_to_their_liquids(feeds, lines):
    # every liquid (of a feed or charged on its own) is counted once, under its own role
    inputs = [{"material": "sm", "amount": "10 kg", "role": "reactant"}]
    liquid_kg = 0.0
    for k, (total, fraction, (name, role)) in enumerate(feeds):
        inputs.append(
            {
                "material": f"solute-{k}",
                "amount": f"{total!r} kg",
                "concentration": f"{100 * fraction!r} %",
                "solvent": name,
                "solvent_role": role,
                "role": "reagent",
            }
        )
        liquid_kg += total - total * fraction
    for kg, (name, role) in lines:
        inputs.append({"material": name, "amount": f"{kg!r} kg", "role": role})
        liquid_kg += kg
    recipe = one_step(
        inputs,
        {"material": "api", "amount": "5 kg"},
        {**{f"solute-{k}": {} for k in range(len(feeds))}, "sm": {}, "api": {}},
    )
    result = assess(recipe, with_mode_effects=False)
    total = result.value("solvent_intensity") + result.value("water_intensity")
    assert total == pytest.approx(liquid_kg / 5, rel=1e-9)


SOLUTES = [
    NAOH,
    NACL,
    NA2CO3,
    {"material": "sodium-sulfate", "concentration": "0.1 mol/L", "role": "workup"},
]


@settings(max_examples=30, deadline=None)
@given(order=st.permutations(SOLUTES), count=st.integers(1, 4))
def test_a_stream_is_the_same_whatever_the_order_of_its_solutes(order, count):
    chosen = [s for s in SOLUTES if s in order[:count]]
    reference = kg_by(build_inventory(wash(chosen)), "material", "role")
    shuffled = kg_by(build_inventory(wash(list(order[:count]))), "material", "role")
    assert shuffled.keys() == reference.keys()
    for key, value in reference.items():
        assert shuffled[key] == pytest.approx(value, rel=1e-12)


def test_stream_problems_name_the_field():
    from lca.errors import RecipeError

    cases = [
        (stream([NAOH], concentration="1 mol/L"), "in a stream with `solutes`, `material` is"),
        (stream([NAOH, {**NACL, "material": "sodium-hydroxide"}]), "appears twice in the stream"),
        (stream([{**NACL, "concentration": "1100 g/L"}, NA2CO3]), "put more solute in the feed"),
        (stream([NAOH], limiting=True), "mark the limiting solute"),
    ]
    for feed, message in cases:
        recipe = one_step(
            [{"material": "sm", "amount": "3 kg", "role": "reactant"}, feed],
            {"material": "api", "amount": "2 kg"},
            materials={"sm": {}, "api": {}},
        )
        with pytest.raises(RecipeError, match=message):
            build_inventory(recipe)


def test_a_solute_of_a_stream_can_be_the_limiting_reagent():
    # 10 L of 1 mol/L dma in toluene (with 0.5 mol/L triethylamine): 10 mol of dma is the
    # basis of the 1.05 equiv of acid chloride: 10.5 mol * 112.937 g/mol = 1.1858385 kg
    recipe = one_step(
        [
            {
                "material": "toluene",
                "amount": "10 L",
                "role": "solvent",
                "solution_density": "0.89 g/mL",
                "solutes": [
                    {
                        "material": "dma",
                        "concentration": "1 mol/L",
                        "role": "reactant",
                        "limiting": True,
                    },
                    {"material": "triethylamine", "concentration": "0.5 mol/L", "role": "reagent"},
                ],
            },
            {"material": "cac", "amount": "1.05 equiv", "role": "reactant"},
        ],
        {"material": "amide", "yield": 0.92},
        materials=ACYLATION,
    )
    result = assess(recipe)
    totals = kg_by(result.inventory, "material")
    assert totals[("cac",)] == pytest.approx(1.1858385)
    # same chemistry as the one-solute feed above: RME 75.84 %, isolated yield 92 %
    assert result.value("reaction_mass_efficiency", "s") == pytest.approx(
        1.8184904 / (1.21183 + 1.1858385) * 100
    )
    assert result.value("isolated_yield", "s") == pytest.approx(92.0)


def test_solute_concentrations_are_parameters():
    import numpy as np

    from lca.parameters import recipe_parameters
    from lca.units import Values

    recipe = wash([NAOH, NACL])
    parameter = recipe_parameters(recipe)["s.inputs.water.solutes.sodium-chloride.concentration"]
    assert (parameter.value, parameter.unit) == (50.0, "gram / liter")
    variants = build_inventory(recipe, values=Values({parameter.where: np.array([50.0, 100.0])}))
    columns = {f.material: k for k, f in enumerate(variants.flows)}
    # NaCl 0.5 kg -> 1.0 kg; the water falls by the same 0.5 kg (10.5 - 0.39997 - NaCl)
    np.testing.assert_allclose(variants.charge_kg[:, columns["sodium-chloride"]], [0.5, 1.0])
    np.testing.assert_allclose(variants.charge_kg[:, columns["water"]], [9.60003, 9.10003])
