"""Sweeps: a grid or a Latin hypercube of parameter values, evaluated block by block.

Every value a sweep puts into a recipe is checked as a written value would be before anything
is evaluated (an amount ≥ 0, a yield or fraction in [0, 1]); evaluation then goes block by block
through the compiled route (:mod:`lca.fused`), or the builders where it does not compile, so a
sweep written to a file (:func:`write_sweep`) holds one block in memory, whatever its size.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from lca.arrays import Floats
from lca.blocks import BLOCK, OUTPUTS, RouteRun, builder_piece, evaluate, not_assessed
from lca.draws import Sampler
from lca.errors import OutputError
from lca.factors import FactorSet, as_factor_set
from lca.fused import SAMPLES, compile_route
from lca.limits import FLOAT_BYTES, check_memory
from lca.parameters import Parameter, resolve
from lca.recipe import Recipe, read_recipe
from lca.uncertainty import Streams
from lca.units import check_override
from lca.validation import check_recipe

SOURCE = "the sweep"


def resolve_paths(recipe: Recipe, paths: Sequence[str]) -> list[Parameter]:
    """The parameters of a recipe named by paths (errors suggest close names)."""
    return [resolve(recipe, path) for path in paths]


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
    """(rows, bytes of memory) of a sweep held in memory: the points, their outputs and the
    table of both.

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
    # the points, the outputs block by block, the table, and one copy while building it
    return rows, 3 * rows * columns * FLOAT_BYTES


class _Sweep:
    """A checked sweep: its parameters, its points block by block, and how to evaluate them."""

    def __init__(self, recipe, vary, lhs, seed, factors):
        self.recipe = recipe if isinstance(recipe, Recipe) else read_recipe(recipe)
        self.factors = as_factor_set(factors)
        written = check_recipe(self.recipe, self.factors).inventory
        self.parameters = resolve_paths(self.recipe, [path for path, *_ in vary])
        self.ranges = [(start, stop, count) for _, start, stop, count in vary]
        self.rows, self.memory = sweep_size(vary, lhs)
        self.lhs = _latin_hypercube(self.ranges, lhs, seed) if lhs else None
        # the whole sweep is checked before the first block is evaluated: a grid by its axes
        # (its points are combinations of them), a hypercube point by point
        axes = self.lhs.T if self.lhs is not None else [np.linspace(*r) for r in self.ranges]
        for parameter, values in zip(self.parameters, axes, strict=True):
            where = f"{self.recipe.origin}: {parameter.where}"
            check_override(values, where, parameter.unit or None, SOURCE)
        bounds = [(float(np.min(values)), float(np.max(values))) for values in axes]
        sample = self.points(0, min(self.rows, SAMPLES))
        if len(sample) < SAMPLES:
            sample = np.resize(sample, (SAMPLES, len(self.parameters)))
        fused = compile_route(
            self.recipe,
            self.factors,
            list(zip(self.parameters, bounds, strict=True)),
            {p.where: sample[:, i] for i, p in enumerate(self.parameters)},
            set(),
            with_gaps=False,
            source=SOURCE,
        )
        empty = Sampler((), (), Streams(seed))
        self.run = RouteRun(
            self.recipe,
            self.factors,
            empty,
            fused,
            False,
            OUTPUTS,
            builder_piece(self.recipe),
            blank=not_assessed(written, [p.where for p in self.parameters]),
        )

    def points(self, start: int, stop: int) -> Floats:
        """Rows ``start`` to ``stop`` of the sweep's points (grid rows in C order)."""
        if self.lhs is not None:
            return self.lhs[start:stop]
        counts = [count for *_, count in self.ranges]
        index = np.unravel_index(np.arange(start, stop), counts)
        axes = [np.linspace(*r) for r in self.ranges]
        return np.column_stack([axis[i] for axis, i in zip(axes, index, strict=True)])

    def blocks(self, progress=None) -> Iterator[tuple[Floats, dict[str, Floats]]]:
        """(points, outputs) block by block."""
        run = self.run
        piece = run.piece
        local = _Local()
        for start in range(0, self.rows, BLOCK):
            stop = min(self.rows, start + BLOCK)
            points = self.points(start, stop)
            out = {name: np.empty(stop - start) for name in OUTPUTS}
            for begin in range(0, len(points), piece):
                part = points[begin : begin + piece]
                columns = {p.where: part[:, i] for i, p in enumerate(self.parameters)}
                result = None
                if run.fused is not None:
                    work = local.work(run)
                    result = run.fused.evaluate(columns, {}, work, len(part))
                if result is None:
                    result = evaluate(
                        self.recipe, self.factors, columns, size=len(part), source=SOURCE
                    )
                for name in OUTPUTS:
                    out[name][begin : begin + len(part)] = result[name]
            for name in run.blank:
                out[name].fill(np.nan)
            if progress:
                progress(stop, self.rows)
            yield points, out


class _Local:
    """A work buffer for the compiled route of one sweep."""

    def __init__(self):
        self.buffer: Floats | None = None

    def work(self, run: RouteRun) -> Floats:
        if self.buffer is None:
            assert run.fused is not None
            self.buffer = np.empty((run.fused.program.rows, run.piece))
        return self.buffer


def sweep(
    recipe: Recipe | str | Path,
    vary: Sequence[tuple[str, float, float, int]],
    lhs: int | None = None,
    seed: int = 0,
    factors: FactorSet | Sequence[str | Path] | None = None,
    chunk: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    max_memory: int | None = None,
):
    """Evaluate a grid (or a Latin hypercube of ``lhs`` points) of parameter values, in memory.

    Every value is checked as a value written in the recipe would be (an amount ≥ 0, a yield
    or fraction in [0, 1], a step that still makes product, no mass created), before anything
    is evaluated; a sweep too large for memory is refused with its estimate
    (:func:`write_sweep` writes one of any size to a file).

    Parameters
    ----------
    vary : sequence of (path, start, stop, count)
        Parameters to vary, with values in the unit the recipe writes them in.
    chunk : int, optional
        Unused: blocks are sized by memory (kept for callers that pass it).
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

    rows, memory = sweep_size(vary, lhs)
    check_memory(
        memory,
        f"a sweep of {rows:,} points × {len(vary) + len(OUTPUTS)} columns",
        "use fewer points (the N of --vary PATH=START:STOP:N, or --lhs), write it to a file "
        "(--out), or raise --max-memory",
        max_memory,
    )
    plan = _Sweep(recipe, vary, lhs, seed, factors)
    points: list[Floats] = []
    outputs: dict[str, list[Floats]] = {name: [] for name in OUTPUTS}
    for block, out in plan.blocks(progress):
        points.append(block)
        for name in OUTPUTS:
            outputs[name].append(out[name])
    columns = [p.path for p in plan.parameters]
    frame = pd.DataFrame(np.concatenate(points), columns=columns)
    for name, parts in outputs.items():
        frame[name] = np.concatenate(parts)
    frame.attrs["units"] = {p.path: p.unit for p in plan.parameters}
    return frame


def write_sweep(
    recipe: Recipe | str | Path,
    vary: Sequence[tuple[str, float, float, int]],
    target: Path,
    fmt: str = "csv",
    lhs: int | None = None,
    seed: int = 0,
    factors: FactorSet | Sequence[str | Path] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write a sweep to ``target`` block by block as ``fmt`` (``csv``, or ``parquet`` with
    pyarrow): the table of :func:`sweep`, in the memory of one block. Returns its rows.

    ``target`` is written as it is (callers write to a temporary file and move it into place,
    :func:`lca.reporting.output.write_atomically`). The CSV's text (its header) is kept from
    being read as formulas; numbers are written exactly (they read back to the same floats),
    by pyarrow when it is installed (ten times faster than pandas).
    """
    plan = _Sweep(recipe, vary, lhs, seed, factors)
    names = [p.path for p in plan.parameters] + list(OUTPUTS)
    write = _parquet_writer if fmt == "parquet" else _csv_writer
    with write(Path(target), names) as append:
        for points, out in plan.blocks(progress):
            append([points[:, i] for i in range(points.shape[1])] + [out[n] for n in OUTPUTS])
    return plan.rows


@contextlib.contextmanager
def _csv_writer(path: Path, names: list[str]):
    import csv

    from lca.reporting.safe import csv_cell

    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([csv_cell(str(name)) for name in names])
    with path.open("wb") as handle:
        handle.write(header.getvalue().encode("utf-8"))
        try:
            import pyarrow as pa
            import pyarrow.csv as pc
        except ImportError:
            pa = None

        def append(columns: list[Floats]) -> None:
            if pa is not None:
                # NaN (a category not assessed) as an empty cell, as pandas writes it
                table = pa.table(
                    {str(i): pa.array(column, from_pandas=True) for i, column in enumerate(columns)}
                )
                pc.write_csv(table, handle, pc.WriteOptions(include_header=False))
                return
            import pandas as pd

            frame = pd.DataFrame({str(i): column for i, column in enumerate(columns)})
            text = frame.to_csv(header=False, index=False, lineterminator="\n")
            handle.write(text.encode("utf-8"))

        yield append


@contextlib.contextmanager
def _parquet_writer(path: Path, names: list[str]):
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise OutputError(
            "writing .parquet needs pyarrow: pip install 'greenroute[parquet]'"
        ) from None
    schema = pa.schema([(name, pa.float64()) for name in names])
    with pq.ParquetWriter(str(path), schema) as writer:

        def append(columns: list[Floats]) -> None:
            writer.write_table(pa.table(dict(zip(names, columns, strict=True)), schema=schema))

        yield append
