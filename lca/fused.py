"""A route compiled for Monte Carlo runs and sweeps: one pass of array operations per block.

:func:`compile_route` runs the inventory and footprint builders once on traced values
(:mod:`lca.tape`) and keeps what they computed as a program: for the 10-step benchmark route,
about 70 array operations (one reciprocal and a few products per step) and one matrix product.
The footprint is linear in the inventory entries, so its terms become a coefficient matrix
``C`` (output column × program row): each term's constant factors (the amount's multiplier,
its allocation, the factor's value) are folded into ``C``, and each column belongs to one
footprint category (or the PMI) and to one Monte Carlo stream whose draws scale it.

A block of ``m`` variants is then: fill the input rows with the draws, run the program (in
blocks small enough for the processor's cache), ``Y = C @ rows``, scale each column by its
stream's draws and add the columns of each output. When a guard of the program fails on a
block (a draw the recorded path did not cover), :meth:`FusedRoute.evaluate` says so and the
caller evaluates that block with the builders, which give the same figures or the same error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from lca.arrays import Floats
from lca.draws import add_gap_terms
from lca.factors import FactorSet
from lca.fieldpath import FieldPath
from lca.footprint import CATEGORIES, build_footprint_model
from lca.inventory import build_inventory
from lca.parameters import Parameter
from lca.recipe import Recipe
from lca.tape import Interval, Program, Tape, Traced, compile_tape
from lca.units import SMALLEST, Values, check_override

SAMPLES = 8
"""Variants the builders run on while they are traced (any number above one would do)."""
OUTPUT_NAMES = ("pmi", *(f"footprint:{c.replace(' ', '_')}" for c in CATEGORIES))


@dataclass(frozen=True)
class FusedRoute:
    """A compiled route (see the module docstring).

    Attributes
    ----------
    program : Program
        The array operations, with a row per input (``inputs``: row → field) and per value
        the footprint or PMI reads.
    coefficients : numpy.ndarray
        ``(K, rows)``: column ``k`` of the outputs per unit of each row's values.
    constants : numpy.ndarray
        ``(K,)``: the part of each column that does not vary.
    columns : tuple
        ``(output, stream)`` of each column: an output of :data:`OUTPUT_NAMES`, and the stream
        whose draws multiply it (``""``: none).
    checks : tuple
        ``(row, parameter)`` of inputs whose draws are checked block by block as a written
        value would be (the bounds of the others leave nothing to check).
    """

    program: Program
    inputs: dict[int, FieldPath]
    coefficients: Floats
    constants: Floats
    columns: tuple[tuple[str, str], ...]
    checks: tuple[tuple[FieldPath, Parameter], ...]
    source: str
    _runners: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def _slice(self) -> int:
        """Variants per matrix product: below OpenBLAS's threshold for using threads (m·n·k
        under 4 × 65536), at least 256."""
        size = max(1, self.coefficients.size)
        return max(256, (4 * 65536 // size) // 64 * 64)

    @property
    def operations(self) -> int:
        return len(self.program.steps)

    def evaluate(
        self,
        columns: Mapping[FieldPath, Floats],
        scales: Mapping[str, Floats],
        work: Floats,
        m: int,
    ) -> dict[str, Floats] | None:
        """PMI and footprint (total and by category) of ``m`` variants: ``columns`` by field,
        factor ``scales`` by stream, each of ``m`` values.

        ``work`` is a buffer of at least ``(program.rows, m)`` values, owned by the caller
        (one per thread). Returns ``None`` if a guard of the program fails on these variants:
        the caller evaluates them with the builders (:func:`lca.blocks.evaluate`).

        Raises
        ------
        lca.errors.UnitError
            If a draw is not a value a recipe may hold (as the builders would).
        """
        rows = work[: self.program.rows, :m]
        self.check(columns)
        for row, where in self.inputs.items():
            rows[row] = columns[where]
        if not self._runner(rows)():
            return None
        totals = np.empty((len(self.columns), m))
        # in slices small enough for OpenBLAS to use the calling thread alone: its own
        # threads, woken for every product of a few thousand variants, cost far more than
        # the product on a busy machine (measured: 2.6 µs per variant against 0.05)
        width = self._slice
        for start in range(0, m, width):
            np.matmul(
                self.coefficients,
                rows[:, start : start + width],
                out=totals[:, start : start + width],
            )
        totals += self.constants[:, None]
        sums: dict[str, Floats] = {}
        for k, (output, stream) in enumerate(self.columns):
            if stream:
                totals[k] *= scales[stream]
            if output in sums:
                sums[output] += totals[k]
            else:
                sums[output] = totals[k]
        out = {name: sums.get(name, np.zeros(m)) for name in OUTPUT_NAMES}
        total = np.zeros(m)
        for name in OUTPUT_NAMES[1:]:
            total += out[name]
        out["carbon_footprint"] = total
        return out

    def check(self, columns: Mapping[FieldPath, Floats]) -> None:
        """The checks of written values on the draws that need them (:attr:`checks`).

        Raises
        ------
        lca.errors.UnitError
            If a draw is not a value a recipe may hold.
        """
        for where, parameter in self.checks:
            check_override(columns[where], where, parameter.unit or None, self.source)

    def _runner(self, rows: Floats):
        key = (rows.__array_interface__["data"][0], rows.shape)
        runner = self._runners.get(key)
        if runner is None:
            if len(self._runners) > 16:
                self._runners.clear()
            runner = self._runners[key] = self.program.bind(rows)
        return runner


def compile_route(
    recipe: Recipe,
    factors: FactorSet,
    parameters: Sequence[tuple[Parameter, Interval]],
    sample: Mapping[FieldPath, Floats],
    scaled: set[str],
    with_gaps: bool = True,
    source: str = "the Monte Carlo draws",
) -> FusedRoute | None:
    """Compile ``recipe`` for variants of ``parameters`` (each with the bounds of its values:
    those of its distribution, or of a sweep) and of the factor streams ``scaled``; their
    fields take the values of ``sample`` (:data:`SAMPLES` of them) while the builders run.

    Returns ``None`` when the builders do something the tape cannot replay (:mod:`lca.tape`)
    or raise an error on the sample: the caller then evaluates every block with the builders
    (which raise the error, if it is one, on the block holding the sample).
    """
    tape = Tape(SAMPLES)
    leaves = {p.where: tape.leaf(p.path, sample[p.where][:SAMPLES]) for p, _ in parameters}
    try:
        inventory = build_inventory(recipe, values=Values(leaves, source, checked=True))
        model = add_gap_terms(build_footprint_model(inventory, factors), with_gaps)
        evaluation = inventory.columns()
        entries = {
            "flow": evaluation.flow,
            "energy": evaluation.energy,
            "step": evaluation.step_scale,
        }
        terms = []
        for term in model.terms:
            base = entries[term.array][term.index]
            units = term.factor_units
            if isinstance(units, Traced):
                base = base * units  # a multiplier or allocation drawn per variant
                units = 1.0
            stream = term.stream if term.stream in scaled else ""
            category = f"footprint:{term.category.replace(' ', '_')}"
            terms.append((category, stream, base, float(units) * term.value))
        raw = inventory.route.is_raw
        flows = zip(evaluation.flow, raw, strict=True)
        terms += [("pmi", "", flow, 1.0) for flow, is_raw in flows if is_raw]
    except Exception:  # the builders raise it again on the block holding the sample
        return None
    if tape.broken:
        return None
    columns: dict[tuple[str, str], int] = {}
    weights: dict[tuple[int, int], float] = {}  # (column, node) → coefficient
    constants: dict[int, float] = {}
    for output, stream, base, weight in terms:
        column = columns.setdefault((output, stream), len(columns))
        if isinstance(base, Traced):
            node, scale = tape.scaled(base.node)
            node = int(node)
            weights[(column, node)] = weights.get((column, node), 0.0) + weight * scale
        else:
            constants[column] = constants.get(column, 0.0) + float(base) * weight
    nodes = sorted({node for _, node in weights})
    bounds: dict[str, Interval] = {p.path: interval for p, interval in parameters}
    program = compile_tape(tape, nodes, bounds)
    coefficients = np.zeros((len(columns), program.rows))
    for (column, node), weight in weights.items():
        coefficients[column, program.outputs[node]] += weight
    by_path = {p.path: p for p, _ in parameters}
    checks = tuple(
        (by_path[name].where, by_path[name])
        for name in program.leaf_rows
        if not _valid(bounds[name], by_path[name])
    )
    return FusedRoute(
        program=program,
        inputs={row: by_path[name].where for name, row in program.leaf_rows.items()},
        coefficients=coefficients,
        constants=np.array([constants.get(k, 0.0) for k in range(len(columns))]),
        columns=tuple(columns),
        checks=checks,
        source=source,
    )


def _valid(bounds: Interval, parameter: Parameter) -> bool:
    """Whether every value within ``bounds`` passes the checks of a written value (then the
    draws need none): finite, at least 0, at most 1 for a fraction, and (unless 0) within
    [1e-100, 1e100] in SI base units."""
    from lca.units import LARGEST, Q_

    low, high = bounds
    if not (np.isfinite(low) and np.isfinite(high)) or low < 0:
        return False
    if not parameter.unit:
        return high <= 1.0 and (low >= SMALLEST or low == high == 0.0)
    factor = float(Q_(1.0, parameter.unit).to_base_units().magnitude)
    return low * factor >= SMALLEST and high * factor <= LARGEST
