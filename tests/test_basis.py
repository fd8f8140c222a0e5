"""Relative amounts ('vol', 'wt', 'equiv') referring to a named material (``Input.basis``), and
solution feeds charged in relative amounts. Hand-computed."""

from __future__ import annotations

import pytest
from helpers import route

from lca.errors import RecipeError
from lca.inventory import build_inventory

MATERIALS = {
    "sm": {"molar_mass": 100},
    "int": {"molar_mass": 200, "density": "1.1 g/mL"},
    "api": {"molar_mass": 250},
}


def step(*inputs, product=None):
    return route(
        [
            {
                "id": "s",
                "inputs": [
                    {"material": "sm", "amount": "10 kg", "role": "reactant", "limiting": True},
                    {"material": "int", "amount": "20 kg", "role": "reactant"},
                    *inputs,
                ],
                "product": product or {"material": "api", "amount": "25 kg"},
            }
        ],
        materials=MATERIALS,
    )


def kg(recipe, material):
    inventory = build_inventory(recipe)
    return sum(
        float(c)
        for f, c in zip(inventory.flows, inventory.charge_kg, strict=True)
        if f.material == material
    )


def test_volumes_relative_to_a_named_input():
    # 5 L per kg of int: 5 * 20 kg = 100 L of toluene * 0.866 kg/L = 86.6 kg
    # (relative to the limiting sm it would be 50 L = 43.3 kg)
    recipe = step({"material": "toluene", "amount": "5 vol", "role": "solvent", "basis": "int"})
    assert kg(recipe, "toluene") == pytest.approx(86.6)


def test_weights_and_equivalents_relative_to_a_named_input():
    # 0.1 wt of int = 2 kg of celite; 1.5 equiv of int: 20 kg / 200 g/mol = 100 mol * 1.5 =
    # 150 mol of triethylamine * 101.193 g/mol = 15.17895 kg
    recipe = step(
        {"material": "celite", "amount": "0.1 wt", "role": "workup", "basis": "int"},
        {"material": "triethylamine", "amount": "1.5 equiv", "role": "reagent", "basis": "int"},
    )
    assert kg(recipe, "celite") == pytest.approx(2.0)
    assert kg(recipe, "triethylamine") == pytest.approx(15.17895)


def test_volumes_relative_to_the_product():
    # crystallisation from 4 vol of heptane on the 25 kg of product: 100 L * 0.6795 = 67.95 kg
    recipe = step(
        {
            "material": "heptane",
            "amount": "4 vol",
            "role": "solvent",
            "basis": "api",
            "stage": "purification",
        }
    )
    assert kg(recipe, "heptane") == pytest.approx(67.95)


def test_a_basis_may_itself_be_relative_to_the_limiting_reagent():
    # water 2 vol on sm = 20 L = 19.964 kg; methanol 1 vol on that water = 19.964 L * 0.7915
    recipe = step(
        {"material": "water", "amount": "2 vol", "role": "water"},
        {"material": "methanol", "amount": "1 vol", "role": "solvent", "basis": "water"},
    )
    assert kg(recipe, "methanol") == pytest.approx(20 * 0.9982 * 0.7915)


def test_solution_feeds_in_vol_and_equiv():
    # 2 vol (on int: 40 L) of a 20 % NaOH solution in water at 1.22 g/mL: 48.8 kg of solution,
    # 9.76 kg NaOH, 39.04 kg water.
    # 1.1 equiv (on sm: 100 mol * 1.1 = 110 mol) of 2 mol/L HCl in water at 1.03 g/mL:
    # 55 L = 56.65 kg of solution; HCl = 110 mol * 36.458 g/mol = 4.01038 kg;
    # water = 56.65 - 4.01038 = 52.63962 kg
    recipe = step(
        {
            "material": "sodium-hydroxide",
            "amount": "2 vol",
            "basis": "int",
            "concentration": "20 %",
            "solvent": "water",
            "solution_density": "1.22 g/mL",
            "role": "reagent",
        },
        {
            "material": "hydrogen-chloride",
            "amount": "1.1 equiv",
            "concentration": "2 mol/L",
            "solvent": "water",
            "solution_density": "1.03 g/mL",
            "role": "reagent",
        },
    )
    assert kg(recipe, "sodium-hydroxide") == pytest.approx(9.76)
    assert kg(recipe, "hydrogen-chloride") == pytest.approx(4.01038)
    assert kg(recipe, "water") == pytest.approx(39.04 + 52.63962)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            [{"material": "toluene", "amount": "5 vol", "role": "solvent", "basis": "thf"}],
            "inputs[2] (toluene).basis: 'thf' is neither charged to step 's' nor its product",
        ),
        (
            [
                {"material": "water", "amount": "5 kg", "role": "water"},
                {"material": "water", "amount": "3 kg", "role": "water"},
                {"material": "celite", "amount": "0.1 wt", "role": "workup", "basis": "water"},
            ],
            "inputs[4] (celite).basis: 'water' is charged in 2 lines of step 's' (inputs 2, 3)",
        ),
        (
            [{"material": "toluene", "amount": "5 vol", "role": "solvent", "basis": "toluene"}],
            "inputs[2] (toluene).basis: an input cannot be relative to itself",
        ),
        (
            [
                {"material": "water", "amount": "2 vol", "role": "water", "basis": "methanol"},
                {"material": "methanol", "amount": "1 vol", "role": "solvent", "basis": "water"},
            ],
            "relative amounts form a loop",
        ),
    ],
)
def test_basis_problems_name_the_field(extra, message):
    with pytest.raises(RecipeError) as caught:
        build_inventory(step(*extra))
    assert message in str(caught.value)
    assert len(caught.value.problems) == 1


def test_the_limiting_reagent_has_no_basis():
    recipe = route(
        [
            {
                "id": "s",
                "inputs": [
                    {
                        "material": "sm",
                        "amount": "10 kg",
                        "role": "reactant",
                        "limiting": True,
                        "basis": "int",
                    },
                    {"material": "int", "amount": "20 kg", "role": "reactant"},
                ],
                "product": {"material": "api", "amount": "25 kg"},
            }
        ],
        materials=MATERIALS,
    )
    with pytest.raises(RecipeError, match=r"inputs\[0\] \(sm\)\.basis: the limiting reagent"):
        build_inventory(recipe)
