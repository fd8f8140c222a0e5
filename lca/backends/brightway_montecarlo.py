"""Brightway's own Monte Carlo on a route, to compare with greenroute's (benchmark (b)).

The route is the in-memory datapackage of :mod:`lca.backends.brightway_memory` with one change:
footprint terms are grouped into one characterised flow per uncertain factor (plus one flow for
everything fixed), and each uncertain factor's characterisation factor carries the factor's
distribution as a multiplier of 1. bw2calc then draws one value per factor per iteration, as
greenroute does (one named stream per factor), so both run the same model.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from lca.backends.brightway_memory import RouteNodes, _indices, technosphere_entries
from lca.backends.brightway_project import brightway
from lca.errors import FactorError
from lca.factors import FactorSet
from lca.footprint import build_footprint_model, factor_id
from lca.inventory import build_inventory
from lca.montecarlo import factor_uncertainties, simulate
from lca.recipe import Recipe

# stats_arrays uncertainty type ids
NORMAL, LOGNORMAL, NO_UNCERTAINTY = 3, 2, 0


def _multiplier(uncertain) -> tuple:
    """(type, loc, scale) of an uncertain factor's value ÷ its value as written."""
    if len(uncertain.rows) != 1:
        raise FactorError(f"{uncertain.id}: several uncertain components are not supported here")
    _, value, distribution = uncertain.rows[0]
    fixed = uncertain.factor.value - value
    if distribution.kind == "normal":
        return (
            NORMAL,
            (fixed + distribution.params["mean"]) / uncertain.factor.value,
            distribution.params["sd"] / uncertain.factor.value,
        )
    if distribution.kind == "lognormal" and fixed == 0:
        return (
            LOGNORMAL,
            float(np.log(distribution.params["median"] / uncertain.factor.value)),
            float(np.log(distribution.params["gsd"])),
        )
    raise FactorError(f"{uncertain.id}: {distribution.kind} factor uncertainty is not supported")


def monte_carlo_benchmark(
    recipe: Recipe, factors: FactorSet, n: int, seed: int = 1, greenroute_draws: int = 200_000
) -> dict:
    """Draws per second and mean footprint of greenroute's and Brightway's Monte Carlo.

    Only factor uncertainty is sampled (a recipe's yields act on many matrix entries at once,
    which Brightway's independent sampling of matrix entries cannot express).
    """
    bc, bwp = brightway("bw2calc", "bw_processing")
    recipe = recipe.model_copy(update={"uncertainty": []})
    inventory = build_inventory(recipe)
    model = build_footprint_model(inventory, factors)
    uncertain = {u.id: u for u in factor_uncertainties(model)}
    groups = ["fixed", *uncertain]
    nodes = RouteNodes.of(inventory)
    rows, cols, data, flip = technosphere_entries(inventory, nodes)
    package = bwp.create_datapackage(name="greenroute-mc", sequential=False, seed=seed)
    package.add_persistent_vector(
        matrix="technosphere_matrix",
        name="technosphere",
        indices_array=_indices(bwp, rows, cols),
        data_array=np.array(data, dtype=float),
        flip_array=np.array(flip, dtype=bool),
    )
    flows = [
        groups.index(factor_id(t.factor))
        if t.factor is not None and factor_id(t.factor) in uncertain
        else 0
        for t in model.terms
    ]
    package.add_persistent_vector(
        matrix="biosphere_matrix",
        name="terms",
        indices_array=_indices(bwp, flows, [nodes.entry(t.array, t.index) for t in model.terms]),
        data_array=np.array([t.coefficient for t in model.terms], dtype=float),
    )
    distributions = np.zeros(len(groups), dtype=bwp.UNCERTAINTY_DTYPE)
    distributions["minimum"] = distributions["maximum"] = np.nan
    distributions[0] = (NO_UNCERTAINTY, 1.0, np.nan, np.nan, np.nan, np.nan, False)
    for k, key in enumerate(groups[1:], start=1):
        kind, loc, scale = _multiplier(uncertain[key])
        distributions[k] = (kind, loc, scale, np.nan, np.nan, np.nan, False)
    package.add_persistent_vector(
        matrix="characterization_matrix",
        name="factors",
        indices_array=_indices(bwp, range(len(groups)), range(len(groups))),
        data_array=np.ones(len(groups)),
        distributions_array=distributions,
    )
    final = int(nodes.steps[inventory.route.final_step])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lca = bc.LCA({final: 1.0}, data_objs=[package], use_distributions=True, seed_override=seed)
        lca.lci()
        lca.lcia()
        start = time.perf_counter()
        scores = []
        for _ in range(n):
            next(lca)
            scores.append(lca.score)
        bw_seconds = time.perf_counter() - start
    scores = np.array(scores)
    start = time.perf_counter()
    ours = simulate(
        recipe, greenroute_draws, seed=seed, factors=factors, outputs=("carbon_footprint",)
    )["carbon_footprint"]
    gr_seconds = time.perf_counter() - start
    standard_error = np.hypot(
        scores.std(ddof=1) / np.sqrt(n), ours.std(ddof=1) / np.sqrt(len(ours))
    )
    return {
        "route": recipe.route.name,
        "uncertain_factors": list(uncertain),
        "bw_draws": n,
        "gr_draws": greenroute_draws,
        "bw_per_s": n / bw_seconds,
        "gr_per_s": greenroute_draws / gr_seconds,
        "ratio": (greenroute_draws / gr_seconds) / (n / bw_seconds),
        "bw_mean": float(scores.mean()),
        "gr_mean": float(ours.mean()),
        "mean_difference_in_se": float(abs(scores.mean() - ours.mean()) / standard_error),
        "bw2calc": __import__("bw2calc").__version__,
    }
