"""Many variants of a route at once: Monte Carlo comparison, sensitivity and sweeps.

Every evaluation goes through the inventory and footprint code of a single assessment, with the
varied numbers passed as arrays (:class:`lca.units.Values`): one build per chunk of variants, no
Python loop per variant. Chunks keep memory bounded for any number of variants.

Common random numbers: a recipe parameter draws from the stream named by its path, a factor from
the stream named by its key and region, so identical parameters in two routes see identical
draws and a route compared with a copy of itself differs by exactly zero on every draw.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from lca.arrays import Floats
from lca.errors import OutputError
from lca.factors import Factor, FactorSet, as_factor_set
from lca.fieldpath import FieldPath
from lca.footprint import CATEGORIES, ROOT_CLASS, FootprintModel, Term, build_footprint_model
from lca.inventory import build_inventory
from lca.limits import FLOAT_BYTES, check_memory
from lca.parameters import Parameter, resolve
from lca.recipe import Recipe, read_recipe
from lca.uncertainty import Distribution, Streams, factor_distribution, sobol_indices, tornado
from lca.units import Values, check_override
from lca.validation import check_recipe

OUTPUTS = ("pmi", "carbon_footprint", *(f"footprint:{c.replace(' ', '_')}" for c in CATEGORIES))
DEFAULT_CHUNK = 100_000
DEFAULT_THRESHOLD = 0.05


def _as_recipe(recipe: Recipe | str | Path) -> Recipe:
    return recipe if isinstance(recipe, Recipe) else read_recipe(recipe)


def evaluate(
    recipe: Recipe,
    factors: FactorSet,
    columns: Mapping[FieldPath, Floats] | None = None,
    factor_scales: Mapping[str, Floats] | None = None,
    size: int | None = None,
    with_gaps: bool = False,
    source: str = "the Monte Carlo draws",
) -> dict[str, Floats]:
    """PMI and footprint (total and by category) of ``size`` variants, each an ``(size,)`` array.

    Parameters
    ----------
    columns : mapping, optional
        Field (:attr:`Parameter.where`, a :class:`lca.fieldpath.FieldPath`) → values in the
        parameter's unit. They get the checks of written values (an error names the field and
        ``source``).
    factor_scales : mapping, optional
        Stream name (:attr:`lca.footprint.Term.stream`) → multipliers of the factor's value.
    with_gaps : bool
        Count uncovered materials with a draw from the broadest class proxy
        (:func:`gap_terms`), as a Monte Carlo run of the footprint does.
    """
    columns = dict(columns or {})
    inventory = build_inventory(recipe, values=Values(columns, source))
    model = add_gap_terms(build_footprint_model(inventory, factors), with_gaps)
    evaluation = inventory.columns()
    n = size or max(
        [len(v) for v in (*columns.values(), *(factor_scales or {}).values())], default=1
    )
    sums = model.totals(evaluation, factor_scales)
    raw = inventory.route.is_raw
    out = {
        "pmi": sum(flow for flow, is_raw in zip(evaluation.flow, raw, strict=True) if is_raw),
        "carbon_footprint": sums["total"],
    }
    for category in CATEGORIES:
        out[f"footprint:{category.replace(' ', '_')}"] = sums[category]
    return {name: np.broadcast_to(values, (n,)).copy() for name, values in out.items()}


@dataclass(frozen=True)
class FactorUncertainty:
    """The distributions of one stream's factor components (rows).

    A stream is a factor shared by every route (``key@region``) or, for a class proxy and for
    an uncovered material, one material's own draw (see :attr:`lca.footprint.Term.stream`).
    """

    id: str
    factor: Factor
    rows: tuple[tuple[str, float, Distribution], ...]  # (stream name, row value, distribution)

    def scale(self, draws: Sequence[Floats]) -> Floats:
        """The factor's value in each variant ÷ its value as written."""
        fixed = self.factor.value - sum(value for _, value, _ in self.rows)
        return (fixed + np.sum(draws, axis=0)) / self.factor.value


def _rescaled(distribution: Distribution, scale: float) -> Distribution:
    """A distribution in the row's own unit, expressed in kg CO2e per canonical unit."""
    params = {
        name: value * scale if name != "gsd" else value
        for name, value in distribution.params.items()
    }
    return Distribution(
        distribution.kind, params, distribution.low * scale, distribution.high * scale
    )


def row_distribution(row, tier: str) -> Distribution:
    """A factor row's distribution in kg CO2e per canonical unit: its stated uncertainty, else
    the documented default of its tier (a lognormal around the value, :mod:`lca.tiers`)."""
    from lca.tiers import TIERS

    stated = factor_distribution(row.uncertainty, row.value, row.where)
    if stated is not None:
        return _rescaled(stated, row.kg_co2e_per_unit / row.value if row.value else 1.0)
    gsd = TIERS[tier].default_gsd if tier in TIERS else TIERS["cited"].default_gsd
    return Distribution("lognormal", {"median": row.kg_co2e_per_unit, "gsd": gsd})


def factor_uncertainties(model: FootprintModel) -> list[FactorUncertainty]:
    """The distribution of every factor a footprint uses, by stream.

    Rows that state an uncertainty keep it; rows that do not get their tier's default. A factor
    of zero (a 100 % renewable supply contract) stays zero.
    """
    result = []
    seen: set[str] = set()
    for term in model.terms:
        factor = term.factor
        if factor is None or term.stream in seen or not factor.value:
            continue
        seen.add(term.stream)
        tier = term.tier if term.tier != "spend-based" else "spend-based"
        rows = tuple(
            (
                f"factor:{term.stream}:{row.scope or index}",
                row.kg_co2e_per_unit,
                row_distribution(row, tier),
            )
            for index, row in enumerate(factor.rows)
            if row.kg_co2e_per_unit > 0 and not row.biogenic
        )
        if rows:
            result.append(FactorUncertainty(term.stream, factor, rows))
    return result


def gap_terms(model: FootprintModel) -> tuple[Term, ...]:
    """Monte Carlo stand-ins for uncovered materials: each drawn from the broadest class
    proxy (all chemicals), so a comparison's probabilities include the data gap.

    The deterministic footprint leaves these flows out (a lower bound); only draws use them.
    """
    root = model.root_proxy
    if root is None:
        return ()
    basis = f"UNCOVERED: drawn from class '{ROOT_CLASS}' in Monte Carlo only"
    return tuple(
        gap.with_factor(root, basis=basis, tier="proxy", stream=f"gap:{gap.material or gap.flow}")
        for gap in model.gaps
        if gap.category == "materials" and gap.amount_unit == "kg"
    )


@dataclass
class Sampler:
    """Named streams for a route's uncertain parameters and factors, drawn chunk by chunk."""

    parameters: list[tuple[Parameter, Distribution]]
    factors: list[FactorUncertainty]
    streams: Streams
    _generators: dict[str, np.random.Generator] = field(default_factory=dict)

    def _generator(self, name: str) -> np.random.Generator:
        if name not in self._generators:
            self._generators[name] = self.streams.generator(name)
        return self._generators[name]

    def draw(self, m: int) -> tuple[dict[FieldPath, Floats], dict[str, Floats]]:
        """``m`` draws of every parameter (by field) and factor stream (by name)."""
        columns = {p.where: d.sample(self._generator(p.path), m) for p, d in self.parameters}
        scales = {
            f.id: f.scale([d.sample(self._generator(name), m) for name, _, d in f.rows])
            for f in self.factors
        }
        return columns, scales


def add_gap_terms(model: FootprintModel, gaps: bool = True) -> FootprintModel:
    """The model with the Monte Carlo stand-ins of uncovered materials (:func:`gap_terms`)."""
    if not gaps:
        return model
    return replace(model, terms=model.terms + gap_terms(model))


def sampler(recipe: Recipe, factors: FactorSet, seed: int, with_factors: bool = True) -> Sampler:
    """The uncertain parameters of a recipe (its ``[[uncertainty]]``) and of its factors
    (uncovered materials included, drawn from the broadest class proxy)."""
    checked = check_recipe(recipe, factors)
    parameters = [(p, d) for p, d, _ in checked.distributions]
    uncertain_factors: list[FactorUncertainty] = []
    if with_factors:
        uncertain_factors = factor_uncertainties(add_gap_terms(checked.model))
    return Sampler(parameters, uncertain_factors, Streams(seed))


def simulate(
    recipe: Recipe | str | Path,
    n: int,
    seed: int = 0,
    factors: FactorSet | Sequence[str | Path] | None = None,
    chunk: int = DEFAULT_CHUNK,
    with_factors: bool = True,
    progress: Callable[[int, int], None] | None = None,
    outputs: Sequence[str] = OUTPUTS,
    workers: int = 2,
    max_memory: int | None = None,
) -> dict[str, Floats]:
    """``n`` Monte Carlo draws of a route's PMI and footprint, reproducible from ``seed``.

    Draws come chunk by chunk from named streams, so the result does not depend on ``chunk``;
    memory is the chunk's work arrays plus ``n`` values per kept output (``outputs``). A run
    that would need more than ``max_memory`` bytes (default: the memory available) is refused
    before it starts (:class:`lca.errors.LimitError`).
    """
    recipe, factors = _as_recipe(recipe), as_factor_set(factors)
    draws = sampler(recipe, factors, seed, with_factors)
    check_memory(
        monte_carlo_memory(n, 1, len(outputs)) + chunk_memory(recipe, min(n, chunk), workers),
        f"{n:,} Monte Carlo draws",
        "use fewer draws (--mc N)",
        max_memory,
    )
    parts: dict[str, list[Floats]] = {name: [] for name in outputs}

    def run(columns, scales, m):
        results = evaluate(recipe, factors, columns, scales, size=m, with_gaps=with_factors)
        return {name: results[name] for name in parts}

    # Draws are made in order in this thread (reproducible); chunks are evaluated by two
    # workers, since numpy releases the GIL in the array arithmetic that dominates a chunk.
    done = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: list[tuple[Future, int]] = []
        while done < n or pending:
            while done < n and len(pending) < workers + 1:
                m = min(chunk, n - done)
                pending.append((pool.submit(run, *draws.draw(m), m), m))
                done += m
            future, m = pending.pop(0)
            for name, values in future.result().items():
                parts[name].append(values)
            if progress:
                progress(sum(len(v) for v in next(iter(parts.values()), [])), n)
    return {
        name: np.concatenate(values) if values else np.zeros(0) for name, values in parts.items()
    }


@dataclass(frozen=True)
class MonteCarloComparison:
    """Monte Carlo draws of several routes with common random numbers."""

    labels: tuple[str, ...]
    draws: tuple[dict[str, Floats], ...]
    n: int
    seed: int
    threshold: float = DEFAULT_THRESHOLD
    uncovered: tuple[tuple[str, ...], ...] = ()

    def summary(self, metric: str) -> list[dict]:
        """Mean, standard deviation and 5th/50th/95th percentiles of each route."""
        rows = []
        for label, draws in zip(self.labels, self.draws, strict=True):
            values = draws[metric]
            p5, p50, p95 = np.percentile(values, [5, 50, 95])
            rows.append(
                {
                    "route": label,
                    "mean": float(values.mean()),
                    "sd": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
                    "p5": float(p5),
                    "p50": float(p50),
                    "p95": float(p95),
                }
            )
        return rows

    def probability_lower(self, metric: str, threshold: float = 0.0) -> Floats:
        """``P[i, j]``: share of draws in which route i is lower (better) than route j by more
        than ``threshold`` of route j's value (0: lower at all)."""
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
                        "relative_p5": float(r5), "relative_p95": float(r95),
                    }
                )  # fmt: skip
        return rows


def monte_carlo_memory(n: int, routes: int, outputs: int = len(OUTPUTS)) -> int:
    """Bytes the kept draws take: ``n`` values per output and route."""
    return n * routes * outputs * FLOAT_BYTES


def chunk_memory(recipe: Recipe, rows: int, workers: int = 2) -> int:
    """Bytes of the work arrays of the chunks in flight: every step, input and energy line of
    the route (and as many again for the footprint's sums) for each of ``rows`` variants."""
    entries = sum(1 + len(s.inputs) + len(s.energy) + len(s.cleaning) for s in recipe.steps) + len(
        OUTPUTS
    )
    return 2 * entries * rows * (workers + 1) * FLOAT_BYTES


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
) -> MonteCarloComparison:
    """Draw every route with the same seed: shared parameters share their draws.

    ``threshold`` is the practical significance of a difference: a route counts as lower than
    another by it only when it is lower by more than that share (default 5 %).

    Raises
    ------
    lca.errors.LimitError
        If the draws of all routes would need more than ``max_memory`` bytes (default: the
        memory available), before any is drawn.
    """
    factors = as_factor_set(factors)
    routes = [_as_recipe(r) for r in recipes]
    largest = max((chunk_memory(r, min(n, chunk)) for r in routes), default=0)
    check_memory(
        monte_carlo_memory(n, len(routes)) + largest,
        f"{n:,} Monte Carlo draws of {len(routes)} route(s)",
        "use fewer draws (--mc N) or compare fewer routes at once",
        max_memory,
    )
    draws = tuple(
        simulate(r, n, seed, factors, chunk, progress=progress, max_memory=max_memory)
        for r in routes
    )
    uncovered = tuple(
        tuple(t.flow for t in gap_terms(build_footprint_model(build_inventory(r), factors)))
        for r in routes
    )
    return MonteCarloComparison(tuple(labels), draws, n, seed, threshold, uncovered)


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
        3 * n * inputs * FLOAT_BYTES + chunk_memory(recipe, n, workers=0),
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


def _grid(ranges: Sequence[tuple[float, float, int]]) -> Floats:
    axes = [np.linspace(start, stop, count) for start, stop, count in ranges]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.column_stack([m.reshape(-1) for m in mesh])


def _latin_hypercube(ranges: Sequence[tuple[float, float, int]], n: int, seed: int) -> Floats:
    """n points, each parameter's range cut into n equal strata, one point per stratum."""
    rng = np.random.default_rng(seed)
    columns = []
    for start, stop, _ in ranges:
        strata = (rng.permutation(n) + rng.uniform(size=n)) / n
        columns.append(start + strata * (stop - start))
    return np.column_stack(columns)


def sweep_size(
    vary: Sequence[tuple[str, float, float, int]], lhs: int | None = None
) -> tuple[int, int]:
    """(rows, bytes of memory) of a sweep: the points, their outputs and the table of both.

    Raises
    ------
    lca.errors.OutputError
        If a count is below 1.
    """
    for path, _, _, count in vary:
        if count < 1:
            raise OutputError(f"--vary {path}: the number of points must be at least 1")
    rows = lhs if lhs else math.prod(count for *_, count in vary)
    columns = len(vary) + len(OUTPUTS)
    # the points, the outputs chunk by chunk, the table, and one copy while concatenating
    return rows, 3 * rows * columns * FLOAT_BYTES


def sweep(
    recipe: Recipe | str | Path,
    vary: Sequence[tuple[str, float, float, int]],
    lhs: int | None = None,
    seed: int = 0,
    factors: FactorSet | Sequence[str | Path] | None = None,
    chunk: int = DEFAULT_CHUNK,
    progress: Callable[[int, int], None] | None = None,
    max_memory: int | None = None,
):
    """Evaluate a grid (or a Latin hypercube of ``lhs`` points) of parameter values.

    Every value is checked as a value written in the recipe would be (an amount ≥ 0, a yield
    or fraction in [0, 1], a step that still makes product, no mass created), before anything
    is evaluated; a sweep too large for memory is refused with its estimate.

    Parameters
    ----------
    vary : sequence of (path, start, stop, count)
        Parameters to vary, with values in the unit the recipe writes them in.
    max_memory : int, optional
        Refuse a sweep whose table would need more memory than this [bytes] (default: the
        memory available).

    Returns
    -------
    pandas.DataFrame
        One row per variant: the varied parameters (named by path) and the outputs.

    Raises
    ------
    lca.errors.LimitError
        If the sweep needs more memory than ``max_memory`` (or than is available).
    lca.errors.UnitError
        If a value of the sweep is not one a recipe may hold (naming the field and the value).
    """
    import pandas as pd

    recipe, factors = _as_recipe(recipe), as_factor_set(factors)
    check_recipe(recipe, factors)
    parameters = resolve_paths(recipe, [path for path, *_ in vary])
    ranges = [(start, stop, count) for _, start, stop, count in vary]
    rows, memory = sweep_size(vary, lhs)
    check_memory(
        memory,
        f"a sweep of {rows:,} points × {len(vary) + len(OUTPUTS)} columns",
        "use fewer points (the N of --vary PATH=START:STOP:N, or --lhs), or raise --max-memory",
        max_memory,
    )
    points = _latin_hypercube(ranges, lhs, seed) if lhs else _grid(ranges)
    for i, parameter in enumerate(parameters):
        # the whole sweep is checked before the first chunk is evaluated
        where = f"{recipe.origin}: {parameter.where}"
        check_override(points[:, i], where, parameter.unit or None, "the sweep")
    parts: dict[str, list[Floats]] = {name: [] for name in OUTPUTS}
    for begin in range(0, len(points), chunk):
        block = points[begin : begin + chunk]
        columns = {p.where: block[:, i] for i, p in enumerate(parameters)}
        results = evaluate(recipe, factors, columns, size=len(block), source="the sweep")
        for name, values in results.items():
            parts[name].append(values)
        if progress:
            progress(min(begin + chunk, len(points)), len(points))
    frame = pd.DataFrame(points, columns=[p.path for p in parameters])
    for name, chunks in parts.items():
        frame[name] = np.concatenate(chunks)
    frame.attrs["units"] = {p.path: p.unit for p in parameters}
    return frame


def resolve_paths(recipe: Recipe, paths: Sequence[str]) -> list[Parameter]:
    """The parameters of a recipe named by paths (errors suggest close names)."""
    return [resolve(recipe, path) for path in paths]
