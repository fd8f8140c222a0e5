"""PMI by stage (reaction, work-up, purification), step PMI net of recovery, isolated yields of
steps and routes, and atom economy and RME across telescoped steps. Hand-computed."""

from __future__ import annotations

import pytest
from helpers import route
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.assessment import assess
from lca.recipe import STAGES

STAGED_INPUTS = [
    {"material": "sm", "amount": "10 kg", "role": "reactant", "stage": "reaction"},
    {"material": "reagent", "amount": "2 kg", "role": "reagent"},  # default stage: reaction
    {"material": "toluene", "amount": "30 kg", "role": "solvent", "stage": "reaction"},
    {"material": "water", "amount": "20 kg", "role": "water", "stage": "workup"},
    {"material": "sodium-chloride", "amount": "1 kg", "role": "workup", "stage": "workup"},
    {
        "material": "ethanol",
        "amount": "15 kg",
        "role": "solvent",
        "stage": "purification",
        "recovered": 0.8,
    },
]


def staged_route():
    # step 1: 83 kg charged (42 reaction, 21 work-up, 15 purification, 5 cleaning) -> 8 kg int
    # step 2: 4 kg int (reaction) + 6 kg water (work-up) -> 3 kg api; x_int = 4/3
    return route(
        [
            {
                "id": "one",
                "inputs": STAGED_INPUTS,
                "cleaning": [{"material": "acetone", "amount": "5 kg", "per": "batch"}],
                "product": {"material": "int", "amount": "8 kg"},
            },
            {
                "id": "two",
                "inputs": [
                    {"material": "int", "amount": "4 kg", "role": "reactant"},
                    {"material": "water", "amount": "6 kg", "role": "water", "stage": "workup"},
                ],
                "product": {"material": "api", "amount": "3 kg"},
            },
        ],
        materials={"sm": {}, "reagent": {}, "int": {}, "api": {}},
    )


def test_step_pmi_by_stage_and_cumulatively():
    result = assess(staged_route())
    value = lambda metric: result.value(metric, "one")  # noqa: E731
    assert value("step_pmi") == pytest.approx(83 / 8)
    assert value("pmi_stage:reaction") == pytest.approx(42 / 8)  # 10 + 2 + 30
    assert value("pmi_stage:workup") == pytest.approx(21 / 8)  # 20 + 1
    assert value("pmi_stage:purification") == pytest.approx(15 / 8)
    assert value("pmi_through:workup") == pytest.approx(63 / 8)
    assert value("pmi_through:purification") == pytest.approx(78 / 8)  # step PMI less cleaning
    # step two: the intermediate is part of its reaction stage, as in the step PMI
    assert result.value("pmi_stage:reaction", "two") == pytest.approx(4 / 3)
    assert result.value("pmi_stage:workup", "two") == pytest.approx(6 / 3)


def test_route_pmi_by_stage():
    result = assess(staged_route())
    x = 4 / 3  # kg of int per kg of api
    assert result.value("pmi_stage:reaction") == pytest.approx(42 / 8 * x)  # = 7
    assert result.value("pmi_stage:workup") == pytest.approx(21 / 8 * x + 6 / 3)  # = 5.5
    assert result.value("pmi_stage:purification") == pytest.approx(15 / 8 * x)  # = 2.5
    assert result.value("pmi_through:purification") == pytest.approx(15.0)
    # the stages and the cleaning add up to the PMI: 15 + 5/8 * 4/3 = 15.8333
    assert result.value("pmi") == pytest.approx(15.0 + 5 / 8 * x)
    assert result.value("pmi_from:cleaning_per_batch") == pytest.approx(5 / 8 * x)


def test_step_pmi_net_of_recovery():
    result = assess(staged_route())
    # (83 - 0.8 * 15) / 8 = 71 / 8
    assert result.value("step_pmi_net_of_recovery", "one") == pytest.approx(71 / 8)
    with pytest.raises(KeyError):  # step two recovers nothing: absent, not 0
        result.value("step_pmi_net_of_recovery", "two")


def test_stage_metrics_are_absent_when_nothing_is_tagged():
    recipe = route(
        [
            {
                "id": "s",
                "inputs": [{"material": "sm", "amount": "3 kg", "role": "reactant"}],
                "product": {"material": "api", "amount": "1 kg"},
            }
        ],
        materials={"sm": {}, "api": {}},
    )
    metrics = {row.metric for row in assess(recipe).metrics}
    assert not {m for m in metrics if m.startswith(("pmi_stage:", "pmi_through:"))}


@settings(max_examples=40, deadline=None)
@given(
    charges=st.lists(
        st.tuples(st.floats(0.01, 100.0), st.sampled_from(STAGES)), min_size=1, max_size=6
    ),
    # zero, or a size greenroute computes with (below 1e-100 is refused as read)
    cleaning=st.floats(0.0, 10.0).filter(lambda x: x == 0 or x >= 1e-100),
)
def test_stages_and_mode_lines_add_up_to_the_pmi(charges, cleaning):
    inputs = [
        {"material": f"m{k}", "amount": f"{kg!r} kg", "role": "solvent", "stage": stage}
        for k, (kg, stage) in enumerate(charges)
    ]
    recipe = route(
        [
            {
                "id": "s",
                "inputs": inputs,
                "cleaning": [{"material": "acetone", "amount": f"{cleaning!r} kg", "per": "batch"}],
                "product": {"material": "api", "amount": f"{charges[0][0]!r} kg"},
            }
        ],
        materials={**{f"m{k}": {} for k in range(len(charges))}, "api": {}},
    )
    result = assess(recipe, with_mode_effects=False)
    parts = result.value("pmi_through:purification") + result.value("pmi_from:cleaning_per_batch")
    assert parts == pytest.approx(result.value("pmi"), rel=1e-12)


# --- isolated yield ------------------------------------------------------------------------

MOLAR = {"a": {"molar_mass": 100}, "b": {"molar_mass": 50}, "c": {"molar_mass": 40}}


def test_isolated_yield_from_an_amount_and_the_coefficients():
    # 2 A -> P: 1 kmol of A (100 kg) can give 0.5 kmol of P (M = 120); 45 kg isolated =
    # 0.375 kmol: yield = 0.375 / 0.5 = 75 %
    recipe = route(
        [
            {
                "id": "s",
                "inputs": [
                    {
                        "material": "a",
                        "amount": "100 kg",
                        "role": "reactant",
                        "limiting": True,
                        "coefficient": 2,
                    }
                ],
                "product": {"material": "p", "amount": "45 kg"},
            }
        ],
        product="p",
        materials={**MOLAR, "p": {"molar_mass": 120}},
    )
    result = assess(recipe)
    assert result.value("isolated_yield", "s") == pytest.approx(75.0)
    assert result.value("isolated_yield") == pytest.approx(75.0)


def chain_step(step_id, limiting, product, yield_fraction, isolated=True, extra=()):
    return {
        "id": step_id,
        "inputs": [
            {"material": limiting, "amount": "100 kg", "role": "reactant", "limiting": True},
            *extra,
        ],
        "product": {"material": product, "yield": yield_fraction, "isolated": isolated},
    }


def test_route_yield_follows_the_longest_linear_sequence():
    # a -> i1 (90 %) -> c (60 %); b -> j1 (80 %) -> j2 (70 %) -> c: the longest linear
    # sequence is b -> j1 -> j2 -> c: 0.8 * 0.7 * 0.6 = 33.6 %
    materials = {m: {"molar_mass": 100} for m in ("a", "b", "i1", "j1", "j2", "api")}
    recipe = route(
        [
            chain_step("i", "a", "i1", 0.9),
            chain_step("j", "b", "j1", 0.8),
            chain_step("k", "j1", "j2", 0.7),
            chain_step(
                "c",
                "j2",
                "api",
                0.6,
                extra=[{"material": "i1", "amount": "1 equiv", "role": "reactant"}],
            ),
        ],
        materials=materials,
    )
    result = assess(recipe)
    assert result.value("isolated_yield") == pytest.approx(0.8 * 0.7 * 0.6 * 100)
    note = next(
        r.note for r in result.metrics if r.metric == "isolated_yield" and r.scope == "route"
    )
    assert note == "longest linear sequence: j → k → c"


def test_isolated_yield_needs_a_limiting_reagent():
    recipe = route(
        [
            {
                "id": "s",
                "inputs": [{"material": "a", "amount": "100 kg", "role": "reactant"}],
                "product": {"material": "api", "amount": "50 kg"},
            }
        ],
        materials={**MOLAR, "api": {"molar_mass": 100}},
    )
    result = assess(recipe)
    assert result.value("isolated_yield", "s") is None
    notes = {(r.scope, r.metric): r.note for r in result.metrics}
    assert notes[("s", "isolated_yield")] == "no limiting reagent marked"
    assert result.value("isolated_yield") is None


# --- telescoped steps ----------------------------------------------------------------------


def telescoped(coefficient=1.0, isolated=False):
    # t: A (100 kg, 1 kmol, limiting) + B (1.2 equiv = 60 kg) -> I (M 130), 90 %: 117 kg, kept
    #    in solution; s: I (117 kg = 0.9 kmol, limiting) + C (1.5 equiv = 54 kg) -> P (M 150),
    #    80 % on I: 0.72 kmol / coefficient of I = 108 kg (coefficient 1)
    return route(
        [
            {
                "id": "t",
                "inputs": [
                    {"material": "a", "amount": "100 kg", "role": "reactant", "limiting": True},
                    {"material": "b", "amount": "1.2 equiv", "role": "reactant"},
                    {"material": "toluene", "amount": "500 kg", "role": "solvent"},
                ],
                "product": {"material": "i", "yield": 0.9, "isolated": isolated},
            },
            {
                "id": "s",
                "inputs": [
                    {
                        "material": "i",
                        "amount": "117 kg",
                        "role": "reactant",
                        "limiting": True,
                        "coefficient": coefficient,
                    },
                    {"material": "c", "amount": "1.5 equiv", "role": "reactant"},
                ],
                "product": {"material": "p", "yield": 0.8},
            },
        ],
        product="p",
        materials={**MOLAR, "i": {"molar_mass": 130}, "p": {"molar_mass": 150}},
    )


def test_atom_economy_and_rme_across_a_telescoped_step():
    result = assess(telescoped())
    # overall equation A + B + C -> P: AE = 150 / (100 + 50 + 40) = 78.947 %
    assert result.value("atom_economy_telescoped", "s") == pytest.approx(150 / 190 * 100)
    # RME = 108 kg P / (100 kg A + 60 kg B + 54 kg C) = 50.467 %
    assert result.value("reaction_mass_efficiency_telescoped", "s") == pytest.approx(
        108 / 214 * 100
    )
    notes = {(r.scope, r.metric): r.note for r in result.metrics}
    assert notes[("s", "atom_economy_telescoped")] == "telescoped sequence t → s"
    assert "not isolated" in notes[("t", "isolated_yield")]
    assert result.value("isolated_yield") == pytest.approx(72.0)  # 0.9 * 0.8


def test_telescoped_atom_economy_scales_each_equation():
    # 2 I + C -> P: step t runs twice per equation of s: AE = 150 / (2 * (100 + 50) + 40)
    result = assess(telescoped(coefficient=2.0))
    assert result.value("atom_economy_telescoped", "s") == pytest.approx(150 / 340 * 100)


def test_isolated_steps_have_no_telescoped_metrics():
    result = assess(telescoped(isolated=True))
    with pytest.raises(KeyError):
        result.value("atom_economy_telescoped", "s")


def test_the_route_product_must_be_isolated():
    from lca.errors import RecipeError

    recipe = route(
        [chain_step("s", "a", "api", 0.9, isolated=False)],
        materials={"a": {"molar_mass": 100}, "api": {"molar_mass": 100}},
    )
    with pytest.raises(
        RecipeError, match=r"steps\[0\] \(s\)\.product\.isolated: the route product"
    ):
        assess(recipe)
