"""Every parameter a recipe declares reaches a number: one field path for the recipe, the
parameters, overrides and Monte Carlo draws (lca.fieldpath).

``lca parameters`` lists a recipe's numbers by path; a sweep or a Monte Carlo draw overrides the
field the path names (:class:`lca.units.Values`). A parameter whose override reached no field
would sweep a flat line; one whose override broke the evaluation would stop a Monte Carlo run.
Both happened: drawing a recovered fraction, a run time or a transport distance raised (the
footprint's sums and a continuous step's productive share assumed that only the inventory's
entries could vary).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT

from lca.factors import load_factor_set
from lca.fieldpath import FieldPath, input_path, step_path
from lca.montecarlo import OUTPUTS, evaluate
from lca.parameters import recipe_parameters
from lca.recipe import read_recipe
from lca.units import Values

EXAMPLES = sorted((ROOT / "processes").glob("*.toml"))


def varied(name: str, value: float, fraction: bool) -> float:
    """A value a recipe may hold, near the written one: fractions by 0.05 inside [0, 1];
    outputs (product, co-products) and concentrations lower, so that no mass is created and
    no solution holds more solute than it weighs; every other amount 10 % higher."""
    if fraction:
        return value - 0.05 if value >= 0.5 else value + 0.05
    if ".product." in name or ".coproducts." in name or name.endswith("concentration"):
        return 0.9 * value
    return 1.1 * value


@pytest.fixture(scope="module")
def factors():
    return load_factor_set()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_declared_parameter_moves_pmi_or_the_footprint(path, factors):
    recipe = read_recipe(path)
    parameters = recipe_parameters(recipe)
    assert parameters
    still = []
    for name, parameter in parameters.items():
        values = np.array([parameter.value, varied(name, parameter.value, not parameter.unit)])
        out = evaluate(recipe, factors, {parameter.where: values}, source="the test")
        moved = [k for k in OUTPUTS if not np.isclose(out[k][0], out[k][1], rtol=1e-12, atol=0)]
        if not moved:
            still.append(name)
    assert still == [], f"{path.stem}: parameters that reach no number: {still}"


def test_a_path_is_equal_by_field_not_by_label():
    recipe = read_recipe(ROOT / "processes" / "lidocaine-batch.toml")
    built = input_path(recipe, 1, 0) / "amount"
    again = (step_path(recipe, 1) / "inputs").item(0, "another label") / "amount"
    assert built == again and hash(built) == hash(again)
    assert str(built) == f"steps[1] ({recipe.steps[1].id}).inputs[0] " \
        f"({recipe.steps[1].inputs[0].material}).amount"  # fmt: skip
    assert built.canonical == "steps[1].inputs[0].amount"
    assert built != (step_path(recipe, 1) / "inputs").item(1) / "amount"


def test_a_parameter_names_the_field_the_inventory_reads():
    recipe = read_recipe(ROOT / "processes" / "lidocaine-flow.toml")
    parameter = recipe_parameters(recipe)["amination.product.yield"]
    assert isinstance(parameter.where, FieldPath)
    assert str(parameter.where) == "steps[1] (amination).product.yield"
    drawn = Values({parameter.where: np.array([0.5, 0.6])})
    assert drawn.fraction(0.86, parameter.where).tolist() == [0.5, 0.6]
    # the wording of a message is no key: an override is found by its field
    worded = Values({str(parameter.where): np.array([0.5, 0.6])})
    assert worded.fraction(0.86, parameter.where) == 0.86
