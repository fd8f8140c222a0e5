"""A synthetic 10-step linear route with development-stage uncertainty, for the benchmarks."""

from __future__ import annotations

from lca.recipe import Recipe, parse_recipe


def ten_step_route(steps: int = 10) -> Recipe:
    """A linear route of ``steps`` steps; every step has a yield, solvent and water volumes
    and energy, and carries triangular/uniform distributions on yield, solvent and recovery."""
    materials = {"sm": {"formula": "C8H9NO"}}
    recipe_steps = []
    uncertainty = []
    for index in range(steps):
        product = "api" if index == steps - 1 else f"int-{index}"
        materials[product] = {"formula": "C8H9NO2" if product == "api" else "C8H9NO"}
        feed = "sm" if index == 0 else f"int-{index - 1}"
        recipe_steps.append(
            {
                "id": f"s{index}",
                "inputs": [
                    {"material": feed, "amount": "100 kg", "role": "reactant", "limiting": True},
                    {"material": "methanol", "amount": "1.2 equiv", "role": "reagent"},
                    {
                        "material": "toluene",
                        "amount": "8 vol",
                        "role": "solvent",
                        "recovered": 0.8,
                        "recovery_energy": [
                            {"carrier": "steam", "per_kg": "0.55 kg", "source": "benchmark"}
                        ],
                    },
                    {"material": "water", "amount": "5 vol", "role": "water"},
                    {"material": "sodium-hydroxide", "amount": "0.3 equiv", "role": "reagent"},
                ],
                "product": {"material": product, "yield": 0.85},
                "energy": [
                    {"carrier": "electricity", "power": "10 kW", "duration": "8 h"},
                    {"carrier": "steam", "amount": "200 kg"},
                ],
            }
        )
        uncertainty += [
            {
                "parameter": f"s{index}.product.yield",
                "distribution": "triangular",
                "min": 0.75,
                "max": 0.92,
            },
            {
                "parameter": f"s{index}.inputs.toluene.amount",
                "distribution": "uniform",
                "min": "6 vol",
                "max": "10 vol",
            },
            {
                "parameter": f"s{index}.inputs.toluene.recovered",
                "distribution": "triangular",
                "min": 0.7,
                "max": 0.9,
            },
        ]
    return parse_recipe(
        {
            "schema_version": 1,
            "route": {
                "name": f"{steps}-step benchmark route",
                "product": "api",
                "source": "synthetic benchmark route (illustrative)",
                "region": "GB",
            },
            "materials": materials,
            "steps": recipe_steps,
            "uncertainty": uncertainty,
        },
        source="benchmark",
    )
