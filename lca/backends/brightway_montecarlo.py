"""Brightway's own Monte Carlo on a route, to compare with greenroute's (benchmark (b)).

The route is the in-memory datapackage of :mod:`lca.backends.brightway_memory` with one change:
footprint terms are grouped into one characterised flow per uncertain factor component (plus one
flow for everything fixed), and each such flow's characterisation factor carries the component's
distribution as a multiplier of 1. bw2calc then draws one value per component per iteration, as
greenroute does (one named stream per component), so both run the same model: the *factor-only*
problem (the recipe's own ``[[uncertainty]]`` is left out, see :func:`factor_problem`).

Two ways of running it with Brightway's libraries are measured (:class:`FactorProblem`):

- :meth:`FactorProblem.loop`: the Monte Carlo loop as Brightway users write it, ``next(lca)``
  and ``lca.score`` per iteration (bw2calc re-samples and rebuilds its matrices each time);
- :meth:`FactorProblem.vectorised`: the best use of the same libraries for this problem: the
  technosphere is solved once (``lci``), the inventory is summed by characterised flow, and all
  characterisation draws come in one call of stats_arrays' ``MCRandomNumberGenerator.generate``
  (the generator bw2calc itself uses), scored with one matrix product.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass
class FactorProblem:
    """A route's factor-only Monte Carlo problem, built for bw2calc (see the module docstring)."""

    recipe: Recipe
    uncertain: dict
    components: list
    package: object
    final: int
    distributions: np.ndarray
    seed: int

    @property
    def clipped_components(self) -> int:
        """Components whose draws greenroute clips at zero and Brightway does not (a normal
        distribution): when not 0, the means may differ by the clipped tail."""
        return sum(1 for _, _, d in self.components if d.kind == "normal")

    def _lca(self):
        bc = brightway("bw2calc")[0]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lca = bc.LCA(
                {self.final: 1.0},
                data_objs=[self.package],
                use_distributions=True,
                seed_override=self.seed,
            )
            lca.lci()
            lca.lcia()
        return lca

    def loop(self, n: int) -> tuple[float, np.ndarray]:
        """(seconds, scores) of ``n`` iterations of ``next(lca)``, ``lca.score``."""
        lca = self._lca()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            drawn = []
            for _ in range(n):
                next(lca)
                drawn.append(lca.score)
            seconds = time.perf_counter() - start
        return seconds, np.array(drawn)

    def vectorised(
        self, n: int, chunk: int = 1_000_000, generator: str = "stats_arrays"
    ) -> tuple[float, np.ndarray]:
        """(seconds, scores) of ``n`` draws scored at once: one ``lci``, the inventory by
        characterised flow, all draws in chunks of ``chunk`` (so they fit in memory), one
        matrix product per chunk.

        ``generator``: ``"stats_arrays"`` draws with ``MCRandomNumberGenerator.generate`` (what
        bw2calc uses; numpy's legacy ``RandomState``), ``"numpy"`` draws the same lognormal
        parameters with numpy's current ``Generator`` (PCG64, ziggurat normals), the fastest
        single-threaded way numpy offers.
        """
        from stats_arrays import MCRandomNumberGenerator

        lca = self._lca()
        start = time.perf_counter()
        by_flow = np.asarray(lca.inventory.sum(axis=1)).ravel()
        # characterisation rows are numbered as the flows are (index_pairs(k, k)); keep the
        # matrix order bw2calc gave them
        order = [lca.dicts.biosphere[k] for k in range(len(self.distributions))]
        weights = by_flow[order]
        scores = np.empty(n)
        draw: Callable[[int], np.ndarray]
        if generator == "stats_arrays":
            stats = MCRandomNumberGenerator(_stats_params(self.distributions), seed=self.seed)
            draw = stats.generate
        else:
            rng = np.random.default_rng(self.seed)
            rows = self.distributions
            fixed = rows["uncertainty_type"] == NO_UNCERTAINTY
            if not np.all((rows["uncertainty_type"] == LOGNORMAL) | fixed):
                raise FactorError("the numpy generator here draws lognormal components only")
            loc = np.where(fixed, 0.0, rows["loc"])[:, None]
            scale = np.where(fixed, 0.0, rows["scale"])[:, None]

            def lognormal(m: int) -> np.ndarray:
                values = rng.standard_normal((len(rows), m))
                values *= scale
                values += loc
                return np.exp(values, out=values)

            draw = lognormal

        for first in range(0, n, chunk):
            m = min(chunk, n - first)
            scores[first : first + m] = weights @ draw(m)
        return time.perf_counter() - start, scores


def _stats_params(distributions: np.ndarray) -> np.ndarray:
    """bw_processing's uncertainty rows as the parameter array stats_arrays reads."""
    from stats_arrays import UncertaintyBase

    return UncertaintyBase.from_dicts(
        *(
            {
                name: float(row[name]) if name != "uncertainty_type" else int(row[name])
                for name in ("uncertainty_type", "loc", "scale", "shape", "minimum", "maximum")
            }
            for row in distributions
        )
    )


def factor_problem(recipe: Recipe, factors: FactorSet, seed: int = 1) -> FactorProblem:
    """The factor-only Monte Carlo problem of a route as a bw_processing datapackage.

    Only factor uncertainty is sampled (a recipe's yields act on many matrix entries at once,
    which Brightway's independent sampling of matrix entries cannot express).
    """
    bwp = brightway("bw_processing")[0]
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
    return FactorProblem(recipe, uncertain, components, package, final, distributions, seed)


def mean_difference_in_se(first: np.ndarray, second: np.ndarray) -> float:
    """|mean(first) − mean(second)| in standard errors of that difference."""
    error = np.hypot(
        first.std(ddof=1) / np.sqrt(len(first)), second.std(ddof=1) / np.sqrt(len(second))
    )
    return float(abs(first.mean() - second.mean()) / error)


def monte_carlo_benchmark(
    recipe: Recipe, factors: FactorSet, n: int, seed: int = 1, greenroute_draws: int = 200_000
) -> dict:
    """Draws per second and mean footprint of greenroute's and Brightway's Monte Carlo loop on
    the factor-only problem (one run of each; benchmarks/run.py repeats and adds the
    vectorised use of Brightway's libraries)."""
    problem = factor_problem(recipe, factors, seed)
    bw_seconds, scores = problem.loop(n)
    start = time.perf_counter()
    ours = simulate(
        problem.recipe, greenroute_draws, seed=seed, factors=factors, outputs=("carbon_footprint",)
    )["carbon_footprint"]
    gr_seconds = time.perf_counter() - start
    return {
        "route": recipe.route.name,
        "uncertain_factors": list(problem.uncertain),
        "bw_draws": n,
        "gr_draws": greenroute_draws,
        "bw_per_s": n / bw_seconds,
        "gr_per_s": greenroute_draws / gr_seconds,
        "ratio": (greenroute_draws / gr_seconds) / (n / bw_seconds),
        "bw_mean": float(scores.mean()),
        "gr_mean": float(ours.mean()),
        "mean_difference_in_se": mean_difference_in_se(scores, ours),
        "bw2calc": __import__("bw2calc").__version__,
    }
