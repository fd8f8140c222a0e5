"""Solution feeds: the dissolving liquid's role, solute-only reaction metrics, multi-solute streams.

Issue 12, defects 1-3, with hand-computed figures.
"""

from __future__ import annotations

import pytest
from helpers import route

from lca.compare import assess
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
