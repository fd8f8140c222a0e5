"""Many variants of routes, block by block on several threads.

A run of N variants is cut into the blocks of the random streams (:data:`lca.uncertainty.BLOCK`
variants each); threads take blocks, and each block is drawn and evaluated piece by piece:

- by the compiled route (:mod:`lca.fused`) in pieces that keep its work rows within
  :data:`CACHE_BYTES`, where the route compiles; in a run of at least :data:`COMPILED_FROM`
  variants, drawn and evaluated by numba's compiled loops (:mod:`lca.kernels`: the same
  draws, outputs equal to within rounding), in pieces of :data:`lca.kernels.DRAW_BYTES`;
- by the inventory and footprint builders (:func:`evaluate`) in pieces whose arrays take at
  most :data:`BUILDER_BYTES`, where it does not, and for any piece on which a guard of the
  compiled route fails (they then give the same figures, or the same error, as ever).

Results reach the caller block by block, in block order, whatever the number of threads: a
run gives the same numbers on one thread or eight, in pieces of any size.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lca.arrays import Floats
from lca.draws import BlockDraws, Sampler, add_gap_terms
from lca.factors import FactorSet
from lca.fieldpath import FieldPath
from lca.footprint import CATEGORIES, build_footprint_model
from lca.footprint.result import category_assessed
from lca.fused import SAMPLES, FusedRoute, compile_route
from lca.inventory import Inventory, build_inventory
from lca.limits import FLOAT_BYTES
from lca.recipe import Recipe
from lca.uncertainty import BLOCK
from lca.units import Values

OUTPUTS = ("pmi", "carbon_footprint", *(f"footprint:{c.replace(' ', '_')}" for c in CATEGORIES))
CACHE_BYTES = 32 << 20
"""Work rows of one piece of the compiled route [bytes]: a whole block (65,536 variants) of the
10-step benchmark route. Each piece costs dozens of Python calls made holding the interpreter
lock, so small pieces keep a second thread waiting: measured on 2 threads, 0.83 M variants/s
with 1 MiB pieces, 1.20 with 2 MiB (a level-2 cache), 1.99 with 8 MiB, 2.42 with 32 MiB (one
thread: 1.50 with 8 MiB, 1.32 with 32 MiB)."""
COMPILED_FROM = 1 << 20
"""Variants (of all routes) from which a run is drawn and evaluated by :mod:`lca.kernels`:
importing numba and loading its compiled loops costs about 0.25 s (a few seconds the first
time on a machine), which about 350 ns saved per variant of the 10-step route gains back
after about a million. The draws are the same either way; outputs agree to within rounding
(a few units in the last place: terms are added in another order)."""
BUILDER_BYTES = 256 << 20
"""The builders' arrays for one piece (a route of 1,000 steps: a few thousand variants)."""


def evaluate(
    recipe: Recipe,
    factors: FactorSet,
    columns: Mapping[FieldPath, Floats] | None = None,
    factor_scales: Mapping[str, Floats] | None = None,
    size: int | None = None,
    with_gaps: bool = False,
    source: str = "the Monte Carlo draws",
) -> dict[str, Floats]:
    """PMI and footprint (total and by category) of ``size`` variants, each an ``(size,)`` array,
    through the inventory and footprint builders.

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
        (:func:`lca.draws.gap_terms`), as a Monte Carlo run of the footprint does.
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


def not_assessed(written: Inventory, varied: Sequence[FieldPath] = ()) -> tuple[str, ...]:
    """Outputs of categories the route as written does not model
    (:func:`lca.footprint.result.category_assessed`), left empty (NaN) in every variant as an
    assessment reports them 'not assessed'; credits stay when a recovered fraction is varied."""
    recovery_varied = any(where.segments[-1].name == "recovered" for where in varied)
    return tuple(
        f"footprint:{category.replace(' ', '_')}"
        for category in CATEGORIES
        if not category_assessed(written, category)
        and not (category == "credits" and recovery_varied)
    )


def builder_memory(recipe: Recipe, rows: int) -> int:
    """Bytes of the builders' arrays for ``rows`` variants: every step, input and energy line
    of the route, and as many again for the footprint's sums."""
    entries = sum(1 + len(s.inputs) + len(s.energy) + len(s.cleaning) for s in recipe.steps)
    return 2 * (entries + len(OUTPUTS)) * rows * FLOAT_BYTES


def builder_piece(recipe: Recipe, budget: int = BUILDER_BYTES) -> int:
    """Variants the builders evaluate at once within ``budget`` bytes (at least 256)."""
    return int(max(256, min(BLOCK, budget // builder_memory(recipe, 1))))


@dataclass
class RouteRun:
    """One route's part of a run: its streams, its compiled form if it has one, what to keep."""

    recipe: Recipe
    factors: FactorSet
    sampler: Sampler
    fused: FusedRoute | None
    with_gaps: bool
    outputs: tuple[str, ...]
    chunk: int
    source: str = "the Monte Carlo draws"
    blank: tuple[str, ...] = ()
    """Outputs left NaN: categories the recipe does not assess (:func:`not_assessed`)."""
    _kernel_plan: Any = field(default=None, compare=False, repr=False)

    @property
    def piece(self) -> int:
        """Variants evaluated at once."""
        if self.fused is None:
            return self.chunk
        rows = self.fused.program.rows + len(self.fused.columns) + len(self.sampler.parameters)
        return int(max(256, min(BLOCK, CACHE_BYTES // (rows * FLOAT_BYTES))) // 256 * 256)

    @property
    def work_bytes(self) -> int:
        """Memory one thread needs for a piece of this route [bytes]."""
        if self.fused is None:
            return builder_memory(self.recipe, self.chunk)
        rows = self.fused.program.rows + 2 * len(self.fused.columns) + len(OUTPUTS)
        draws = len(self.sampler.parameters) + sum(len(f.rows) for f in self.sampler.factors)
        return (rows + draws) * self.piece * FLOAT_BYTES

    def evaluate_block(
        self, index: int, size: int, local: threading.local, compiled: bool = False
    ) -> dict[str, Floats]:
        """The outputs of the first ``size`` variants of block ``index`` (``compiled``: drawn
        and evaluated by :mod:`lca.kernels`, where the route compiles)."""
        draws = self.sampler.block(index)
        out = {name: np.empty(size) for name in self.outputs}
        plan = self._plan() if compiled else None
        piece = self.piece if plan is None else plan.piece
        states = draws.states()[plan.order] if plan is not None else None
        for start in range(0, size, piece):
            m = min(piece, size - start)
            result = None
            if plan is not None:
                result, columns, scales = self._run_plan(plan, draws, states, m, local)
            else:
                columns, scales = draws.draw(m)
                if self.fused is not None:
                    result = self.fused.evaluate(columns, scales, self._work(local, piece), m)
            if result is None:
                result = evaluate(
                    self.recipe, self.factors, columns, scales, m, self.with_gaps, self.source
                )
            for name in self.outputs:
                out[name][start : start + m] = result[name]
        for name in self.blank:
            if name in out:
                out[name].fill(np.nan)
        return out

    def _plan(self):
        """The compiled route as :mod:`lca.kernels` runs it (``None``: it has none)."""
        if self.fused is None:
            return None
        if self._kernel_plan is None:
            from lca.kernels import Plan

            self._kernel_plan = Plan(self.fused, self.sampler)
        return self._kernel_plan

    def _run_plan(self, plan, draws: BlockDraws, states, m: int, local: threading.local):
        """(outputs or ``None`` if a guard failed, columns, scales) of the next ``m`` variants
        of ``draws`` (whose generators' ``states`` are advanced), drawn and evaluated by
        :mod:`lca.kernels`."""
        from lca.kernels import fill

        assert self.fused is not None
        buffers = local.__dict__.setdefault("kernel", {})
        held = buffers.get(id(self))
        if held is None:
            held = buffers[id(self)] = plan.buffers()
        fill(plan, states, held[0], m)
        result = plan.run(held, m)
        columns, scales = draws.split(held[0], m, plan.row_of, with_scales=result is None)
        self.fused.check(columns)
        return result, columns, scales

    def _work(self, local: threading.local, piece: int) -> Floats:
        buffers = local.__dict__.setdefault("work", {})
        work = buffers.get(id(self))
        if work is None:
            assert self.fused is not None
            work = buffers[id(self)] = np.empty((self.fused.program.rows, piece))
        return work


def prepare(
    recipe: Recipe,
    factors: FactorSet,
    sampler: Sampler,
    outputs: Sequence[str] = OUTPUTS,
    with_gaps: bool = True,
    chunk: int | None = None,
    compiled: bool = True,
) -> RouteRun:
    """A route ready to run: compiled (unless ``compiled`` is false, or it does not compile)."""
    fused = None
    if compiled:
        sample, _ = sampler.block(0).draw(SAMPLES)
        fused = compile_route(
            recipe,
            factors,
            [(p, d.bounds) for p, d in sampler.parameters],
            sample,
            {f.id for f in sampler.factors},
            with_gaps,
        )
    largest = builder_piece(recipe)
    return RouteRun(
        recipe,
        factors,
        sampler,
        fused,
        with_gaps,
        tuple(outputs),
        min(chunk or largest, largest),
        blank=not_assessed(
            sampler.written or build_inventory(recipe), [p.where for p, _ in sampler.parameters]
        ),
    )


def kernels_available() -> bool:
    """Whether :mod:`lca.kernels` compiles here (numba installed and working)."""
    try:
        import lca.kernels  # noqa: F401
    except ImportError:
        return False
    return True


def default_workers() -> int:
    """Threads of a run: one per processor this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run_blocks(
    runs: Sequence[RouteRun],
    n: int,
    consume: Callable[[int, list[dict[str, Floats]]], None],
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Evaluate ``n`` variants of every route, handing ``consume(start, results)`` each block
    (``results``: one dict of outputs per route) in block order."""
    workers = workers or default_workers()
    local = threading.local()
    blocks = [(index, min(BLOCK, n - index * BLOCK)) for index in range(-(-n // BLOCK))]
    compiled = n * len(runs) >= COMPILED_FROM and kernels_available()
    if compiled:
        for run in runs:
            run._plan()  # once, before the threads ask for it

    def job(index: int, size: int) -> list[dict[str, Floats]]:
        return [run.evaluate_block(index, size, local, compiled) for run in runs]

    done = 0
    if workers == 1 or len(blocks) == 1:
        for index, size in blocks:
            consume(index * BLOCK, job(index, size))
            done += size
            if progress:
                progress(done, n)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: list[tuple[int, int, Future]] = []
        upcoming = iter(blocks)
        while True:
            # a few blocks ahead of the one consumed next: bounded memory, busy threads
            while len(pending) < 2 * workers:
                following = next(upcoming, None)
                if following is None:
                    break
                pending.append((*following, pool.submit(job, *following)))
            if not pending:
                break
            index, size, future = pending.pop(0)
            consume(index * BLOCK, future.result())
            done += size
            if progress:
                progress(done, n)
