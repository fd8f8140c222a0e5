"""Brightway's own Monte Carlo on a route, to compare with greenroute's (benchmark (b)).

The route is the in-memory datapackage of :mod:`lca.backends.brightway_memory` with one change:
footprint terms are grouped into one characterised flow per uncertain factor component (plus one
flow for everything fixed), and each such flow's characterisation factor carries the component's
distribution as a multiplier of 1. bw2calc then draws one value per component per iteration, as
greenroute does (one named stream per component), so both run the same model.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from lca.arrays import Variable
from lca.backends.brightway_memory import add_technosphere, index_pairs
from lca.backends.brightway_project import brightway
from lca.errors import FactorError
from lca.factors import FactorSet
from lca.footprint import build_footprint_model
from lca.inventory import build_inventory
from lca.montecarlo import add_gap_terms, factor_uncertainties, simulate
from lca.recipe import Recipe

# stats_arrays uncertainty type ids
NORMAL, LOGNORMAL, NO_UNCERTAINTY = 3, 2, 0


def _multiplier(value: float, distribution) -> tuple:
    """(type, loc, scale) of an uncertain component's value ÷ its value as written."""
    if distribution.kind == "normal":
        return NORMAL, distribution.params["mean"] / value, distribution.params["sd"] / value
    if distribution.kind == "lognormal":
        return (
            LOGNORMAL,
            float(np.log(distribution.params["median"] / value)),
            float(np.log(distribution.params["gsd"])),
        )
    raise FactorError(f"{distribution.kind} factor uncertainty is not supported by this benchmark")


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
    # the same model greenroute's Monte Carlo draws: uncovered materials included
    model = add_gap_terms(build_footprint_model(inventory, factors))
    uncertain = {u.id: u for u in factor_uncertainties(model)}
    # flow 0 carries every fixed part; each uncertain component row has a flow of its own,
    # with the term's coefficient shared out by the row's share of the factor's value
    components = [(u, value, d) for u in uncertain.values() for _, value, d in u.rows]
    package = bwp.create_datapackage(name="greenroute-mc", sequential=False, seed=seed)
    nodes = add_technosphere(bwp, package, inventory)
    flows: list[tuple[int, int, Variable]] = []  # (characterised flow, activity, amount)
    for term in model.terms:
        node = nodes.entry(term.array, term.index)
        owner = uncertain.get(term.stream) if term.factor is not None else None
        fixed_share = 1.0
        for k, (u, value, _) in enumerate(components, start=1):
            if u is owner:
                share = value / u.factor.value
                flows.append((k, node, term.coefficient * share))
                fixed_share -= share
        flows.append((0, node, term.coefficient * fixed_share))
    bio_rows, bio_cols, amounts = zip(*flows, strict=True) if flows else ((), (), ())
    package.add_persistent_vector(
        matrix="biosphere_matrix",
        name="terms",
        indices_array=index_pairs(bwp, bio_rows, bio_cols),
        data_array=np.array(amounts, dtype=float),
    )
    distributions = np.zeros(len(components) + 1, dtype=bwp.UNCERTAINTY_DTYPE)
    distributions[0] = (NO_UNCERTAINTY, 1.0, np.nan, np.nan, np.nan, np.nan, False)
    for k, (_, value, distribution) in enumerate(components, start=1):
        kind, loc, scale = _multiplier(value, distribution)
        distributions[k] = (kind, loc, scale, np.nan, np.nan, np.nan, False)
    package.add_persistent_vector(
        matrix="characterization_matrix",
        name="factors",
        indices_array=index_pairs(bwp, range(len(components) + 1), range(len(components) + 1)),
        data_array=np.ones(len(components) + 1),
        distributions_array=distributions,
    )
    final = int(nodes.steps[inventory.route.final_step])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lca = bc.LCA({final: 1.0}, data_objs=[package], use_distributions=True, seed_override=seed)
        lca.lci()
        lca.lcia()
        start = time.perf_counter()
        drawn = []
        for _ in range(n):
            next(lca)
            drawn.append(lca.score)
        bw_seconds = time.perf_counter() - start
    scores = np.array(drawn)
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
