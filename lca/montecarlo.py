"""Many variants of a route at once: Monte Carlo comparison, sensitivity and sweeps.

A run goes through the inventory and footprint code of a single assessment: compiled once into
a program of array operations (:mod:`lca.fused`, :mod:`lca.tape`) that threads replay on block
after block of draws (:mod:`lca.blocks`), or, where a route does not compile, through the
builders themselves with the varied numbers as arrays (:class:`lca.units.Values`). Either way
the same figures come out, and memory stays bounded for any number of variants.

Common random numbers: a recipe parameter draws from the stream named by its path, a factor from
the stream named by its key and region (:mod:`lca.draws`), so identical parameters in two routes
see identical draws and a route compared with a copy of itself differs by exactly zero on every
draw. A comparison keeps what it reports, not every draw: moments and the probabilities of one
route beating another over all draws, percentiles and paired differences from the first
``keep`` draws (all of them up to :data:`KEEP` draws).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lca.arrays import Floats
from lca.blocks import (
    BLOCK,
    OUTPUTS,
    builder_memory,
    default_workers,
    evaluate,
    prepare,
    run_blocks,
)
from lca.draws import (
    FactorUncertainty,
    Sampler,
    add_gap_terms,
    factor_uncertainties,
    gap_terms,
    row_distribution,
    sampler,
)
from lca.factors import FactorSet, as_factor_set
from lca.footprint import build_footprint_model
from lca.inventory import build_inventory
from lca.limits import FLOAT_BYTES, check_memory
from lca.recipe import Recipe, read_recipe
from lca.sweeps import resolve_paths, sweep, sweep_size
from lca.uncertainty import Streams, sobol_indices, tornado

__all__ = [
    "KEEP",
    "OUTPUTS",
    "FactorUncertainty",
    "MonteCarloComparison",
    "Sampler",
    "add_gap_terms",
    "compare_monte_carlo",
    "evaluate",
    "factor_uncertainties",
    "gap_terms",
    "monte_carlo_memory",
    "resolve_paths",
    "row_distribution",
    "sampler",
    "sensitivity",
    "simulate",
    "sweep",
    "sweep_size",
]

DEFAULT_CHUNK = 100_000
DEFAULT_THRESHOLD = 0.05
KEEP = 1 << 23
"""Draws per route and metric a comparison keeps for percentiles and paired differences
(8,388,608: 128 MiB for two routes and two metrics); moments and probabilities use all."""
REPORTED = ("pmi", "carbon_footprint")
"""The metrics a comparison reports."""


def _as_recipe(recipe: Recipe | str | Path) -> Recipe:
    return recipe if isinstance(recipe, Recipe) else read_recipe(recipe)


def simulate(
    recipe: Recipe | str | Path,
    n: int,
    seed: int = 0,
    factors: FactorSet | Sequence[str | Path] | None = None,
    chunk: int = DEFAULT_CHUNK,
    with_factors: bool = True,
    progress: Callable[[int, int], None] | None = None,
    outputs: Sequence[str] = OUTPUTS,
    workers: int | None = None,
    max_memory: int | None = None,
    compiled: bool = True,
) -> dict[str, Floats]:
    """``n`` Monte Carlo draws of a route's PMI and footprint, reproducible from ``seed``.

    Draws come block by block from named streams (:mod:`lca.draws`), so the result depends
    neither on ``chunk`` (the most variants the builders evaluate at once, where the route
    does not compile) nor on ``workers`` (threads; default: one per processor). Memory is
    ``n`` values per kept output (``outputs``) and each thread's work arrays. A run that
    would need more than ``max_memory`` bytes (default: the memory available) is refused
    before it starts (:class:`lca.errors.LimitError`). ``compiled=False`` evaluates every
    block with the builders (the reference the compiled route is tested against).
    """
    recipe, factors = _as_recipe(recipe), as_factor_set(factors)
    draws = sampler(recipe, factors, seed, with_factors)
    run = prepare(recipe, factors, draws, outputs, with_factors, chunk, compiled)
    workers = workers or default_workers()
    check_memory(
        monte_carlo_memory(n, 1, len(outputs)) + workers * _thread_memory([run]),
        f"{n:,} Monte Carlo draws",
        "use fewer draws (--mc N)",
        max_memory,
    )
    results = {name: np.empty(n) for name in outputs}

    def keep(start: int, blocks: list[dict[str, Floats]]) -> None:
        for name, values in blocks[0].items():
            results[name][start : start + len(values)] = values

    run_blocks([run], n, keep, workers, progress)
    return results


def _thread_memory(runs) -> int:
    """Bytes one thread holds: its pieces' work arrays and a block of outputs per route, and
    the blocks waiting to be consumed (two per thread)."""
    return sum(run.work_bytes + 3 * len(run.outputs) * BLOCK * FLOAT_BYTES for run in runs)


def monte_carlo_memory(n: int, routes: int, outputs: int = len(OUTPUTS)) -> int:
    """Bytes the kept draws take: ``n`` values per output and route."""
    return n * routes * outputs * FLOAT_BYTES


@dataclass
class _Moments:
    """Count, mean and sum of squared deviations, merged block by block (Chan, Golub and
    LeVeque, "Algorithms for computing the sample variance", Am. Stat. 37 (1983) 242-247,
    doi:10.1080/00031305.1983.10483115)."""

    n: int = 0
    mean: float = 0.0
    m2: float = 0.0

    def add(self, values: Floats) -> None:
        count = len(values)
        if not count:
            return
        mean = float(values.mean())
        m2 = float(np.sum((values - mean) ** 2))
        total = self.n + count
        delta = mean - self.mean
        self.mean += delta * count / total
        self.m2 += m2 + delta * delta * self.n * count / total
        self.n = total

    @property
    def sd(self) -> float:
        return float(np.sqrt(self.m2 / (self.n - 1))) if self.n > 1 else 0.0


@dataclass(frozen=True)
class MonteCarloComparison:
    """Monte Carlo draws of several routes with common random numbers.

    ``draws`` holds the first ``keep`` draws of each route (every draw when ``n`` is at most
    ``keep``): percentiles and paired differences come from them. Means, standard deviations
    and the probabilities of :meth:`probability_lower` at 0 and at ``threshold`` count every
    one of the ``n`` draws (``moments``, ``lower``, ``lower_by_threshold``); without them (a
    comparison built from draws alone) everything comes from ``draws``.
    """

    labels: tuple[str, ...]
    draws: tuple[dict[str, Floats], ...]
    n: int
    seed: int
    threshold: float = DEFAULT_THRESHOLD
    uncovered: tuple[tuple[str, ...], ...] = ()
    moments: tuple[Mapping[str, tuple[float, float]], ...] = ()
    """per route, metric → (mean, standard deviation) of all draws"""
    lower: Mapping[str, np.ndarray] = field(default_factory=dict)
    """metric → (routes, routes) count of draws in which route i is lower than route j"""
    lower_by_threshold: Mapping[str, np.ndarray] = field(default_factory=dict)
    """the same, lower by more than ``threshold`` of route j's value"""

    @property
    def kept(self) -> int:
        """Draws per route the percentiles and paired differences come from."""
        return len(next(iter(self.draws[0].values()))) if self.draws and self.draws[0] else 0

    @property
    def sample_note(self) -> str:
        """What percentiles and paired differences come from, when not from every draw."""
        if self.kept >= self.n:
            return ""
        return (
            f"percentiles and paired differences from the first {self.kept:,} draws of each "
            f"route; means and probabilities from all {self.n:,}"
        )

    def _of(self) -> dict:
        """How many draws percentiles come from, when not from all (said in every row)."""
        return {} if self.kept >= self.n else {"percentiles_of": self.kept}

    def summary(self, metric: str) -> list[dict]:
        """Mean, standard deviation and 5th/50th/95th percentiles of each route."""
        rows = []
        for index, (label, draws) in enumerate(zip(self.labels, self.draws, strict=True)):
            values = draws[metric]
            p5, p50, p95 = np.percentile(values, [5, 50, 95])
            if self.moments and metric in self.moments[index]:
                mean, sd = self.moments[index][metric]
            else:
                mean = float(values.mean())
                sd = float(values.std(ddof=1)) if len(values) > 1 else 0.0
            rows.append(
                {
                    "route": label,
                    "mean": mean,
                    "sd": sd,
                    "p5": float(p5),
                    "p50": float(p50),
                    "p95": float(p95),
                    **self._of(),
                }
            )
        return rows

    def probability_lower(self, metric: str, threshold: float = 0.0) -> Floats:
        """``P[i, j]``: share of draws in which route i is lower (better) than route j by more
        than ``threshold`` of route j's value (0: lower at all)."""
        counted = self.lower if threshold == 0.0 else None
        if threshold and threshold == self.threshold:
            counted = self.lower_by_threshold
        if counted and metric in counted:
            return np.asarray(counted[metric], dtype=float) / self.n
        values = [d[metric] for d in self.draws]
        # pair by pair: a routes × routes × draws array would not fit for many routes
        return np.array([[np.mean(a < b * (1.0 - threshold)) for b in values] for a in values])

    def deltas(self, metric: str) -> list[dict]:
        """Each pair's paired difference (route i − route j, draw by draw): median and 5-95 %
        interval, absolute and relative to route j."""
        rows = []
        for i, a in enumerate(self.labels):
            for j, b in enumerate(self.labels):
                if i == j:
                    continue
                first, second = self.draws[i][metric], self.draws[j][metric]
                difference = first - second
                with np.errstate(divide="ignore", invalid="ignore"):
                    relative = np.where(second != 0, difference / second, np.nan)
                p5, p50, p95 = np.percentile(difference, [5, 50, 95])
                r5, r50, r95 = np.nanpercentile(relative, [5, 50, 95])
                rows.append(
                    {
                        "route": a, "versus": b, "median": float(p50), "p5": float(p5),
                        "p95": float(p95), "relative_median": float(r50),
                        "relative_p5": float(r5), "relative_p95": float(r95), **self._of(),
                    }
                )  # fmt: skip
        return rows


def compare_monte_carlo(
    recipes: Sequence[Recipe | str | Path],
    labels: Sequence[str],
    n: int,
    seed: int = 0,
    factors: FactorSet | Sequence[str | Path] | None = None,
    chunk: int = DEFAULT_CHUNK,
    progress: Callable[[int, int], None] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    max_memory: int | None = None,
    keep: int = KEEP,
    workers: int | None = None,
) -> MonteCarloComparison:
    """Draw every route with the same seed: shared parameters share their draws.

    All routes are evaluated on the same block of draws before the next block; what is
    reported is accumulated block by block (see the module docstring), so memory is the first
    ``keep`` draws of each route's PMI and footprint and the threads' work arrays, whatever
    ``n``. ``threshold`` is the practical significance of a difference: a route counts as lower
    than another by it only when it is lower by more than that share (default 5 %).

    Raises
    ------
    lca.errors.LimitError
        If the run would need more than ``max_memory`` bytes (default: the memory available),
        before any draw is made.
    """
    factors = as_factor_set(factors)
    routes = [_as_recipe(r) for r in recipes]
    runs = [prepare(r, factors, sampler(r, factors, seed), REPORTED, True, chunk) for r in routes]
    kept = min(n, keep)
    workers = workers or default_workers()
    check_memory(
        # kept draws, and three arrays of them while the paired differences are computed
        monte_carlo_memory(kept, len(routes), len(REPORTED))
        + 3 * kept * FLOAT_BYTES
        + workers * _thread_memory(runs),
        f"{n:,} Monte Carlo draws of {len(routes)} route(s)",
        "use fewer draws (--mc N) or compare fewer routes at once",
        max_memory,
    )
    samples = tuple({name: np.empty(kept) for name in REPORTED} for _ in routes)
    moments = [{name: _Moments() for name in REPORTED} for _ in routes]
    lower = {name: np.zeros((len(routes), len(routes)), dtype=np.int64) for name in REPORTED}
    beyond = {name: np.zeros((len(routes), len(routes)), dtype=np.int64) for name in REPORTED}

    def consume(start: int, blocks: list[dict[str, Floats]]) -> None:
        for route, block in enumerate(blocks):
            for name in REPORTED:
                values = block[name]
                moments[route][name].add(values)
                if start < kept:
                    stop = min(kept, start + len(values))
                    samples[route][name][start:stop] = values[: stop - start]
        for name in REPORTED:
            for i, a in enumerate(blocks):
                for j, b in enumerate(blocks):
                    if i != j:
                        lower[name][i, j] += np.count_nonzero(a[name] < b[name])
                        beyond[name][i, j] += np.count_nonzero(
                            a[name] < b[name] * (1.0 - threshold)
                        )

    run_blocks(runs, n, consume, workers, progress)
    uncovered = tuple(
        tuple(t.flow for t in gap_terms(build_footprint_model(build_inventory(r), factors)))
        for r in routes
    )
    return MonteCarloComparison(
        tuple(labels),
        samples,
        n,
        seed,
        threshold,
        uncovered,
        moments=tuple({k: (m.mean, m.sd) for k, m in route.items()} for route in moments),
        lower=lower,
        lower_by_threshold=beyond,
    )


def sensitivity(
    recipe: Recipe | str | Path,
    n: int = 2_000,
    seed: int = 0,
    factors: FactorSet | Sequence[str | Path] | None = None,
    metric: str = "carbon_footprint",
    max_memory: int | None = None,
) -> list[dict]:
    """Tornado swings (5th-95th percentile, one at a time) and Sobol indices per input.

    Inputs are the recipe's uncertain parameters and every uncertain factor row (a factor with
    several uncertain components has one input per component).
    """
    recipe, factors = _as_recipe(recipe), as_factor_set(factors)
    draws = sampler(recipe, factors, seed)
    rows = [(f, name, value, d) for f in draws.factors for name, value, d in f.rows]
    inputs = len(draws.parameters) + len(rows)
    check_memory(
        # matrices A, B and one A_B at a time (n × inputs each), and one evaluation of n rows
        3 * n * inputs * FLOAT_BYTES + builder_memory(recipe, n),
        f"a Sobol design of n = {n:,} for {inputs} inputs",
        "use a smaller --n",
        max_memory,
    )
    names = [p.path for p, _ in draws.parameters] + [name for _, name, _, _ in rows]
    if not names:
        return []
    distributions = [d for _, d in draws.parameters] + [d for *_, d in rows]
    base = [p.value for p, _ in draws.parameters] + [value for _, _, value, _ in rows]
    k = len(draws.parameters)

    def model(x: Floats) -> Floats:
        columns = {p.where: x[:, i] for i, (p, _) in enumerate(draws.parameters)}
        scales: dict[str, Floats] = {}
        for uncertain in draws.factors:
            picked = [x[:, k + j] for j, row in enumerate(rows) if row[0] is uncertain]
            scales[uncertain.id] = uncertain.scale(picked)
        results = evaluate(
            recipe,
            factors,
            columns,
            scales,
            size=len(x),
            with_gaps=True,
            source="the sensitivity design",
        )
        return results[metric]

    swings = tornado(model, distributions, base)
    indices = sobol_indices(model, distributions, n, Streams(seed), names)
    return [
        {
            "parameter": name,
            "low": low,
            "high": high,
            "swing": abs(high - low),
            "first_order": float(indices["first"][i]),
            "total": float(indices["total"][i]),
            # 95 % bootstrap intervals of the indices (lca.uncertainty.sobol_indices)
            "first_order_ci": (float(indices["first_low"][i]), float(indices["first_high"][i])),
            "total_ci": (float(indices["total_low"][i]), float(indices["total_high"][i])),
        }
        for i, (name, (low, high)) in enumerate(zip(names, swings, strict=True))
    ]
