"""The one validation path: every command checks a recipe here before using it.

``lca validate`` used to check less than ``lca assess`` needed (a price without a formula passed
validate and failed assess) and ``assess`` less than ``validate`` (an uncertainty mode outside
[min, max] failed validate while assess, compare and report exited 0). :func:`check_recipe` is
now what ``validate``, ``assess``, ``compare``, ``report``, ``sweep``, Monte Carlo, sensitivity
and the Brightway commands all start from: schema, route graph, units and properties (the
inventory), the ``[[uncertainty]]`` tables, and what the footprint needs from the recipe (spend
sectors, steam heat, transport legs). Values that sweeps and Monte Carlo draws put into a recipe
get the same checks as written ones in :class:`lca.units.Values`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lca.errors import LcaError, Problem, RecipeError
from lca.factors import FactorSet, as_factor_set
from lca.footprint import FootprintModel, build_footprint_model
from lca.inventory import Inventory, build_inventory
from lca.parameters import recipe_distributions
from lca.recipe import Recipe, read_recipe
from lca.regions import region_problem


@dataclass(frozen=True)
class CheckedRecipe:
    """A recipe that passed every check, with what the checks built on the way."""

    recipe: Recipe
    inventory: Inventory
    distributions: tuple
    model: FootprintModel

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.inventory.warnings


def check_recipe(
    recipe: Recipe | str | Path, factors: FactorSet | Sequence[str | Path] | None = None
) -> CheckedRecipe:
    """Check a recipe (or read and check a recipe file) as every command uses it.

    Parameters
    ----------
    recipe : Recipe or path
    factors : FactorSet or paths, optional
        Factor libraries; paths are user libraries laid over the bundled one.

    Raises
    ------
    lca.errors.RecipeError
        With every problem of the inventory, the uncertainty tables and the site region
        (:mod:`lca.regions`) together.
    lca.errors.FactorError
        If a factor library is invalid or the recipe gives the footprint something it cannot
        use (a price without a spend sector and no formula, a transport leg of no material).
    """
    if not isinstance(recipe, Recipe):
        recipe = read_recipe(recipe)
    factors = as_factor_set(factors)
    problems: list[Problem] = []
    inventory: Inventory | None = None
    distributions: tuple | None = None
    try:
        inventory = build_inventory(recipe)
    except RecipeError as exc:
        problems += exc.problems
    try:
        distributions = tuple(recipe_distributions(recipe))
    except RecipeError as exc:
        problems += exc.problems
    except LcaError:
        # the parameters are the recipe's own amounts: a broken one is reported by the inventory
        if not problems:
            raise
    declared = {
        r for layer in factors.layers for pair in layer.region_parents.items() for r in pair
    }
    declared |= {row.region for layer in factors.layers for row in layer.rows}
    region = region_problem(recipe.route.region, declared)
    if region:
        problems.append(Problem(f"{recipe.origin}: route.region", region))
    if problems or inventory is None or distributions is None:  # none without a problem
        raise RecipeError(list(dict.fromkeys(problems)))
    _check_finite(inventory)
    model = build_footprint_model(inventory, factors)
    return CheckedRecipe(recipe, inventory, distributions, model)


def _check_finite(inventory: Inventory) -> None:
    """Refuse a route whose numbers overflow (every input is in range; their products need not)."""
    result = inventory.result
    flows = [f.material for f in inventory.flows]
    energy = [e.carrier for e in inventory.energy_lines]
    for name, values, labels in (
        ("kg of product needed", result.step_scale[0], inventory.step_ids),
        ("kg charged per kg of final product", result.flow[0], flows),
        ("energy per kg of final product", result.energy[0], energy),
    ):
        bad = [label for label, value in zip(labels, values, strict=True) if not np.isfinite(value)]
        if bad:
            raise RecipeError(
                f"{inventory.recipe.origin}: the {name} of {', '.join(bad[:3])} is not a finite "
                "number (the amounts span too many orders of magnitude); check amounts and yields"
            )
