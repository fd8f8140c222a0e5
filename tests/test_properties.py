"""Invariants of the mass metrics (hypothesis): scale, units, order, E-factor, PMI >= 1."""

from __future__ import annotations

import pytest
from helpers import route
from hypothesis import given, settings
from hypothesis import strategies as st

from lca.assessment import assess
from lca.recipe import ROLES

masses = st.floats(min_value=0.01, max_value=1e4, allow_nan=False, allow_infinity=False)
roles = st.sampled_from(ROLES)


@st.composite
def linear_routes(draw):
    """A linear route of 1-4 steps: each step charges the previous product plus 1-4 raw inputs."""
    n_steps = draw(st.integers(1, 4))
    steps = []
    for index in range(n_steps):
        inputs = [
            {"material": f"raw-{index}-{k}", "amount": draw(masses), "role": draw(roles)}
            for k in range(draw(st.integers(1, 4)))
        ]
        if index:
            inputs.append({"material": f"p{index - 1}", "amount": draw(masses), "role": "reactant"})
        total = sum(item["amount"] for item in inputs)
        yield_fraction = draw(st.floats(min_value=0.01, max_value=1.0))
        steps.append(
            {
                "id": f"s{index}",
                "inputs": inputs,
                "product": {
                    "material": "api" if index == n_steps - 1 else f"p{index}",
                    "amount": total * yield_fraction,
                },
            }
        )
    return steps


def as_recipe(steps, mass_unit="kg", scale=1.0):
    factor = {"kg": 1.0, "g": 1000.0, "t": 0.001}[mass_unit]
    converted = [
        {
            **s,
            "inputs": [
                {**i, "amount": f"{i['amount'] * scale * factor!r} {mass_unit}"}
                for i in s["inputs"]
            ],
            "product": {
                **s["product"],
                "amount": f"{s['product']['amount'] * scale * factor!r} {mass_unit}",
            },
        }
        for s in steps
    ]
    return route(converted)


@settings(max_examples=60, deadline=None)
@given(linear_routes(), st.floats(min_value=1e-3, max_value=1e3))
def test_pmi_is_invariant_to_batch_scale(steps, scale):
    base = assess(as_recipe(steps))
    scaled = assess(as_recipe(steps, scale=scale))
    for row in base.metrics:
        if row.value is not None:
            assert scaled.value(row.metric, row.scope) == pytest.approx(
                row.value, rel=1e-9, abs=1e-9
            )


@settings(max_examples=60, deadline=None)
@given(linear_routes(), st.sampled_from(["g", "t"]))
def test_pmi_is_invariant_to_mass_units(steps, unit):
    base = assess(as_recipe(steps)).value("pmi")
    assert assess(as_recipe(steps, mass_unit=unit)).value("pmi") == pytest.approx(base, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.floats(min_value=0.1, max_value=1e3), st.floats(min_value=0.5, max_value=1.5))
def test_pmi_is_invariant_to_volume_units(litres, density):
    def recipe(amount):
        return route(
            [
                {
                    "id": "s",
                    "inputs": [
                        {"material": "a", "amount": "1 kg", "role": "reactant"},
                        {"material": "liq", "amount": amount, "role": "solvent"},
                    ],
                    "product": {"material": "api", "amount": "0.5 kg"},
                }
            ],
            materials={"liq": {"density": f"{density!r} g/mL"}},
        )

    in_litres = assess(recipe(f"{litres!r} L")).value("pmi")
    in_millilitres = assess(recipe(f"{litres * 1000!r} mL")).value("pmi")
    assert in_millilitres == pytest.approx(in_litres, rel=1e-9)
    # 1 kg + litres * density kg, per 0.5 kg of product
    assert in_litres == pytest.approx((1 + litres * density) / 0.5, rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(linear_routes())
def test_complete_e_factor_is_pmi_minus_one_and_pmi_at_least_one(steps):
    result = assess(as_recipe(steps))
    pmi = result.value("pmi")
    assert pmi >= 1.0 - 1e-12
    assert result.value("complete_e_factor") == pytest.approx(pmi - 1.0)
    groups = ("pmi_reactants", "pmi_solvents", "pmi_water", "pmi_workup")
    assert sum(result.value(g) for g in groups) == pytest.approx(pmi, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(linear_routes(), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_input_or_step_order(steps, rng):
    shuffled = [{**s, "inputs": rng.sample(s["inputs"], len(s["inputs"]))} for s in steps]
    shuffled = rng.sample(shuffled, len(shuffled))
    base = assess(as_recipe(steps))
    other = assess(as_recipe(shuffled))
    for row in base.metrics:
        if row.value is not None:
            assert other.value(row.metric, row.scope) == pytest.approx(
                row.value, rel=1e-9, abs=1e-9
            )
