"""Synthetic linear routes with development-stage uncertainty, for the benchmarks."""

from __future__ import annotations

from pathlib import Path

from lca.recipe import Recipe, parse_recipe


def chain_data(steps: int = 10, final_first: bool = False, yield_: float = 0.85) -> dict:
    """The recipe document of a linear route of ``steps`` steps; every step has a yield,
    solvent and water volumes and energy, and carries triangular/uniform distributions on
    yield, solvent and recovery. ``final_first`` writes the steps from the final step back to
    the first (the order a route graph must not depend on). Long chains need a ``yield_`` near
    1: the kg of the first intermediate per kg of product grow as ``yield_ ** -steps``."""
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
                "product": {"material": product, "yield": yield_},
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
                "min": round(yield_ - 0.10, 6),
                "max": round(min(1.0, yield_ + 0.07), 6),
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
    if final_first:
        recipe_steps.reverse()
    return {
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
    }


def ten_step_route(steps: int = 10, final_first: bool = False) -> Recipe:
    """The benchmark route as a recipe (see :func:`chain_data`)."""
    return parse_recipe(chain_data(steps, final_first), source="benchmark")


def write_chain(path: Path, steps: int, final_first: bool = False, yield_: float = 0.85) -> Path:
    """The benchmark route of ``steps`` steps written as a TOML recipe file."""
    import tomli_w

    document = chain_data(steps, final_first, yield_)
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return path
