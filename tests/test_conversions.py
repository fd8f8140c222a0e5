"""Charges written as volumes, moles, equivalents, 'vol' and 'wt' become kg (hand-computed)."""

from __future__ import annotations

import pytest
from helpers import route

from lca.errors import RecipeError
from lca.inventory import build_inventory

MATERIALS = {
    "sm": {"formula": "C6H6O"},  # phenol: 6*12.011 + 6*1.008 + 15.999 = 94.113 g/mol
    "reagent": {"molar_mass": "50 g/mol"},
    "liquid": {"density": "0.8 g/mL", "molar_mass": 100},
    "api": {"molar_mass": "200 g/mol"},
}


def charges(*inputs, product=None, materials=MATERIALS):
    recipe = route(
        [
            {
                "id": "s",
                "inputs": list(inputs),
                "product": product or {"material": "api", "amount": "1 g"},
            }
        ],
        materials=materials,
    )
    inventory = build_inventory(recipe, {})
    return dict(
        zip(
            [f.material + ":" + f.amount for f in inventory.flows], inventory.charge_kg, strict=True
        )
    ), inventory


def test_mass_units():
    result, _ = charges(
        {"material": "sm", "amount": "2500 g", "role": "reactant"},
        {"material": "x", "amount": "0.5 t", "role": "solvent"},
        {"material": "y", "amount": "3 lb", "role": "solvent"},
    )
    assert result["sm:2500 g"] == pytest.approx(2.5)
    assert result["x:0.5 t"] == pytest.approx(500.0)  # metric tonne
    assert result["y:3 lb"] == pytest.approx(3 * 0.45359237)


def test_volume_uses_density():
    # 12.5 L * 0.8 g/mL = 10 kg
    result, _ = charges({"material": "liquid", "amount": "12.5 L", "role": "solvent"})
    assert result["liquid:12.5 L"] == pytest.approx(10.0)


def test_moles_use_molar_mass_from_formula():
    # 2 mol phenol * 94.113 g/mol = 188.226 g
    result, _ = charges({"material": "sm", "amount": "2 mol", "role": "reactant"})
    assert result["sm:2 mol"] == pytest.approx(0.188226)


def test_equiv_vol_and_wt_are_relative_to_the_limiting_reagent():
    # limiting: 9.4113 kg phenol = 100 mol.
    # 1.5 equiv reagent: 150 mol * 50 g/mol = 7.5 kg
    # 10 vol liquid: 10 L/kg * 9.4113 kg = 94.113 L * 0.8 kg/L = 75.2904 kg
    # 10 L/kg is the same thing; 0.1 wt = 0.94113 kg
    result, _ = charges(
        {"material": "sm", "amount": "9.4113 kg", "role": "reactant", "limiting": True},
        {"material": "reagent", "amount": "1.5 equiv", "role": "reagent"},
        {"material": "liquid", "amount": "10 vol", "role": "solvent"},
        {"material": "liquid", "amount": "10 L/kg", "role": "solvent"},
        {"material": "aid", "amount": "0.1 wt", "role": "workup"},
    )
    assert result["reagent:1.5 equiv"] == pytest.approx(7.5)
    assert result["liquid:10 vol"] == pytest.approx(75.2904)
    assert result["liquid:10 L/kg"] == pytest.approx(75.2904)
    assert result["aid:0.1 wt"] == pytest.approx(0.94113)


def test_yield_with_stoichiometry():
    # 94.113 g phenol = 1 mol; product coefficient 2 per 1 limiting; yield 80 %:
    # 0.8 * 1 mol * 2 * 200 g/mol = 320 g ... but mass cannot exceed inputs, so add solvent.
    _, inventory = charges(
        {"material": "sm", "amount": "94.113 g", "role": "reactant", "limiting": True},
        {"material": "x", "amount": "1 kg", "role": "solvent"},
        product={"material": "api", "yield": "80 %", "coefficient": 2},
    )
    assert inventory.product_kg[0] == pytest.approx(0.32)


def test_limiting_coefficient_divides_the_yield():
    # 2 mol of limiting per 1 mol of product: 1 mol phenol * 0.5 * 1.0 yield * 200 g/mol = 100 g
    _, inventory = charges(
        {
            "material": "sm",
            "amount": "94.113 g",
            "role": "reactant",
            "limiting": True,
            "coefficient": 2,
        },
        {"material": "x", "amount": "1 kg", "role": "solvent"},
        product={"material": "api", "yield": 1.0},
    )
    assert inventory.product_kg[0] == pytest.approx(0.1)


def test_energy_lines_power_times_duration_and_units():
    recipe = route(
        [
            {
                "id": "s",
                "inputs": [{"material": "a", "amount": "10 kg", "role": "reactant"}],
                "product": {"material": "api", "amount": "5 kg"},
                "energy": [
                    {"carrier": "electricity", "power": "15 kW", "duration": "2 h"},  # 30 kWh
                    {"carrier": "electricity", "amount": "36 MJ"},  # 10 kWh
                    {"carrier": "steam", "amount": "0.1 t"},  # 100 kg
                ],
            }
        ]
    )
    inventory = build_inventory(recipe, {})
    # per kg of product: (30 + 10) / 5 = 8 kWh; steam 100 / 5 = 20 kg
    assert inventory.energy_totals() == {
        ("electricity", "kWh"): pytest.approx(8.0),
        ("steam", "kg"): pytest.approx(20.0),
    }


@pytest.mark.parametrize(
    ("item", "fragment"),
    [
        (
            {"material": "unknown-liquid", "amount": "5 L", "role": "solvent"},
            "density of 'unknown-liquid' is unknown",
        ),
        (
            {"material": "unknown-solid", "amount": "5 mol", "role": "reagent"},
            "needs the molar mass of 'unknown-solid'",
        ),
        (
            {"material": "reagent", "amount": "1.2 equiv", "role": "reagent"},
            "has none: mark one input with limiting = true",
        ),
        (
            {"material": "x", "amount": "12 mL/min", "role": "solvent"},
            "flow rates belong to continuous steps",
        ),
        ({"material": "x", "amount": "2 ton", "role": "solvent"}, "US short ton"),
    ],
)
def test_missing_properties_name_step_material_and_what_is_missing(item, fragment):
    recipe = route(
        [
            {
                "id": "s1",
                "inputs": [{"material": "a", "amount": "1 kg", "role": "reactant"}, item],
                "product": {"material": "api", "amount": "0.5 kg"},
            }
        ],
        materials=MATERIALS,
    )
    with pytest.raises(RecipeError) as info:
        build_inventory(recipe, {})
    message = str(info.value)
    assert fragment in message
    assert "steps[0] (s1).inputs[1]" in message
    assert message.startswith("test.toml")


def test_recipe_formula_replaces_the_bundled_molar_mass():
    # The bundled lithium-hydroxide row is LiOH (23.947 g/mol). A recipe that says it charges
    # the monohydrate by formula LiOH·H2O must get 6.94 + 2*15.999 + 3*1.008 = 41.962 g/mol.
    from lca.materials import bundled_materials

    assert bundled_materials()["lithium-hydroxide"].molar_mass_g_per_mol == pytest.approx(23.947)
    recipe = route(
        [
            {
                "id": "s",
                "inputs": [
                    {"material": "lithium-hydroxide", "amount": "2 mol", "role": "reagent"},
                    {"material": "x", "amount": "1 kg", "role": "solvent"},
                ],
                "product": {"material": "api", "amount": "0.5 kg"},
            }
        ],
        materials={"lithium-hydroxide": {"formula": "LiOH·H2O"}},
    )
    inventory = build_inventory(recipe)
    assert inventory.charge_kg[0] == pytest.approx(2 * 41.962 / 1000)
