"""Compiled loops of Monte Carlo runs (numba): draws and evaluation without numpy's per-call
and per-pass costs.

A compiled route (:class:`lca.fused.FusedRoute`) replayed with numpy passes over memory once
per operation, and numpy draws a standard normal in about 8 ns here (a call per element
through its bit generator), where its generator's arithmetic alone takes under 3. These loops
draw a piece of every stream and evaluate the route on it in cache-sized passes, in two calls
that release the interpreter lock, so threads run side by side.

Draws are numpy's, bit for bit: the same generator (SFC64: the state of each stream's
:class:`numpy.random.SFC64`, stepped as numpy's ``sfc64.h`` steps it) and the same
algorithms (``random``: the top 53 bits × 2⁻⁵³; ``standard_normal``: numpy's 256-layer
ziggurat with its own tables, taken from numba, which ships them to replay numpy's
generators; uniform and triangular draws by the arithmetic of
:meth:`lca.uncertainty.Distribution.sample`). The log-normal's exponential is numpy's own
(vectorised, and the C library's ``exp``, which a compiled loop would call, may differ in the
last bit). Tests check the equality against numpy on every kind of draw.

The evaluation adds the same terms in another order than numpy's matrix product, so outputs
agree with :meth:`lca.fused.FusedRoute.evaluate` to within a few units in the last place.

Compiling takes a few seconds the first time; the machine code is then kept in numba's cache
(``__pycache__`` beside this module, or numba's user cache folder where that is read-only),
and importing numba and loading it takes about 0.35 s: runs use these loops from
:data:`lca.blocks.COMPILED_FROM` variants on.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from numba.np.random._constants import (  # numpy's ziggurat tables (BSD-3, numpy authors)
    fi_double,
    ki_double,
    wi_double,
    ziggurat_nor_inv_r,
    ziggurat_nor_r,
)

from lca.tape import UFUNCS, operand_key
from lca.uncertainty import BLOCK

UNIFORM, TRIANGULAR, NORMAL, LOG_NORMAL = 0, 1, 2, 3
"""Kinds of draws (``range`` draws as ``uniform``; ``LOG_NORMAL`` gives the exponent,
``ln median + z ln gsd``, which :func:`fill` exponentiates)."""
_TO_DOUBLE = 1.0 / 9007199254740992.0  # 2**-53
_U1, _U3, _U8, _U11, _U24, _U40 = (np.uint64(k) for k in (1, 3, 8, 11, 24, 40))
_LOW_BYTE, _MANTISSA = np.uint64(0xFF), np.uint64(0x000FFFFFFFFFFFFF)


@njit(inline="always")
def _sfc64(a, b, c, w):  # pragma: no cover - compiled
    """One step of SFC64 (numpy's ``sfc64_next``): (output, a, b, c, counter)."""
    out = a + b + w
    return out, b ^ (b >> _U11), c + (c << _U3), ((c << _U24) | (c >> _U40)) + out, w + _U1


@njit(nogil=True, cache=True, error_model="numpy")
def draw_piece(states, kinds, params, draws, m):  # pragma: no cover - compiled
    """The next ``m`` draws of every stream: row ``k`` of ``draws`` from ``states[k]`` (four
    words, advanced in place) by ``kinds[k]`` with ``params[k]`` = ``(a, b, c)``: uniform
    ``(min, max - min, -)``, triangular ``(min, max, mode)``, normal ``(mean, sd, -)``,
    log-normal exponent ``(ln median, ln gsd, -)``."""
    for k in range(states.shape[0]):
        a, b, c, w = states[k, 0], states[k, 1], states[k, 2], states[k, 3]
        kind = kinds[k]
        p0, p1, p2 = params[k, 0], params[k, 1], params[k, 2]
        row = draws[k]
        if kind in (UNIFORM, TRIANGULAR):
            for i in range(m):
                out, a, b, c, w = _sfc64(a, b, c, w)
                row[i] = float(out >> _U11) * _TO_DOUBLE
            if kind == UNIFORM:
                for i in range(m):
                    row[i] = row[i] * p1 + p0
            else:
                left, right, mode = p0, p1, p2
                base = right - left
                left_product = (mode - left) * base
                right_product = (right - mode) * base
                split = (mode - left) / base
                # one square root per draw, chosen without a branch the processor must guess
                for i in range(m):
                    u = row[i]
                    upper = u > split
                    root = math.sqrt((1.0 - u) * right_product if upper else u * left_product)
                    row[i] = right - root if upper else root + left
        else:
            for i in range(m):
                while True:  # numpy's random_standard_normal
                    r, a, b, c, w = _sfc64(a, b, c, w)
                    idx = r & _LOW_BYTE
                    r >>= _U8
                    rabs = (r >> _U1) & _MANTISSA
                    x = float(rabs) * wi_double[idx]
                    if r & _U1:
                        x = -x
                    if rabs < ki_double[idx]:
                        break
                    if idx == 0:
                        while True:
                            u1, a, b, c, w = _sfc64(a, b, c, w)
                            u2, a, b, c, w = _sfc64(a, b, c, w)
                            xx = -ziggurat_nor_inv_r * math.log1p(-(float(u1 >> _U11) * _TO_DOUBLE))
                            yy = -math.log1p(-(float(u2 >> _U11) * _TO_DOUBLE))
                            if yy + yy > xx * xx:
                                break
                        x = -(ziggurat_nor_r + xx) if (rabs >> _U8) & _U1 else ziggurat_nor_r + xx
                        break
                    u, a, b, c, w = _sfc64(a, b, c, w)
                    if (fi_double[idx - 1] - fi_double[idx]) * (
                        float(u >> _U11) * _TO_DOUBLE
                    ) + fi_double[idx] < math.exp(-0.5 * x * x):
                        break
                row[i] = x * p1 + p0
        states[k, 0], states[k, 1], states[k, 2], states[k, 3] = a, b, c, w


OPCODES = {name: code for code, name in enumerate(UFUNCS)}
"""Code of each operation of :class:`lca.tape.Program` in :func:`_operate` (all of them, in
the order of :data:`lca.tape.UFUNCS`)."""
DRAW_BYTES = 6 << 20
"""The draws of one piece [bytes]: drawn, then read by :func:`run_piece` while still in the
processor's caches. Measured on the 10-step route (47 streams, one thread, ns per variant for
drawing + evaluating): pieces of 4,096 variants 236 + 90, 16,384 175 + 96 (6 MiB of draws),
65,536 187 + 127; smaller pieces pay numba's unpacking of each stream's generator (about 6 µs
per call)."""
SUB_BLOCK = 512
"""Variants per pass of :func:`run_piece`: the program's rows for them stay in the level-2
cache (41 rows × 512 × 8 bytes = 164 KiB for the 10-step route)."""


@njit(nogil=True, cache=True, error_model="numpy")
def _operate(op, x, y, out, n):  # pragma: no cover - compiled
    # numpy's semantics on float rows: comparisons and logical operations give 1.0 or 0.0,
    # a NaN is true, minimum and maximum propagate NaN
    if op == 0:
        for i in range(n):
            out[i] = x[i] + y[i]
    elif op == 1:
        for i in range(n):
            out[i] = x[i] - y[i]
    elif op == 2:
        for i in range(n):
            out[i] = x[i] * y[i]
    elif op == 3:
        for i in range(n):
            out[i] = x[i] / y[i]
    elif op == 4:
        for i in range(n):
            out[i] = -x[i]
    elif op == 5:
        for i in range(n):
            out[i] = abs(x[i])
    elif op == 6:
        for i in range(n):
            out[i] = math.sqrt(x[i])
    elif op == 7:
        for i in range(n):
            out[i] = math.exp(x[i])
    elif op == 8:
        for i in range(n):
            out[i] = math.log(x[i])
    elif op == 9:
        for i in range(n):
            out[i] = x[i] ** y[i]
    elif op == 10 or op == 11:
        for i in range(n):
            a, b = x[i], y[i]
            if a != a or b != b:
                out[i] = math.nan
            elif op == 10:
                out[i] = a if a <= b else b
            else:
                out[i] = a if a >= b else b
    elif op == 12:
        for i in range(n):
            out[i] = 1.0 if x[i] < y[i] else 0.0
    elif op == 13:
        for i in range(n):
            out[i] = 1.0 if x[i] <= y[i] else 0.0
    elif op == 14:
        for i in range(n):
            out[i] = 1.0 if x[i] > y[i] else 0.0
    elif op == 15:
        for i in range(n):
            out[i] = 1.0 if x[i] >= y[i] else 0.0
    elif op == 16:
        for i in range(n):
            out[i] = 1.0 if x[i] == y[i] else 0.0
    elif op == 17:
        for i in range(n):
            out[i] = 1.0 if x[i] != y[i] else 0.0
    elif op == 18:
        for i in range(n):
            out[i] = 1.0 if (x[i] != 0.0 and y[i] != 0.0) else 0.0
    elif op == 19:
        for i in range(n):
            out[i] = 1.0 if (x[i] != 0.0 or y[i] != 0.0) else 0.0
    elif op == 20:
        for i in range(n):
            out[i] = 1.0 if x[i] == 0.0 else 0.0
    else:
        for i in range(n):
            out[i] = 1.0 if (x[i] - x[i]) == 0.0 else 0.0


@njit(nogil=True, cache=True, error_model="numpy")
def run_piece(
    draws, m, leaf_rows, leaf_draws, clip_rows, clip_low, clip_high,
    scale_first, scale_rows, scale_fixed, scale_inverse,
    ops, outs, a_rows, b_rows,
    guard_steps, guard_rows, guard_any, guard_outcomes,
    term_columns, term_rows, term_weights, constants, column_scales, column_outputs,
    work, out,
):  # fmt: skip
    """Evaluate ``m`` variants of a compiled route (:class:`lca.fused.FusedRoute`) from their
    raw draws, in passes of :data:`SUB_BLOCK`; ``False`` if a guard of the program fails.

    ``draws`` ``(streams, m)``: the draws of :func:`fill`, clipped here to their bounds;
    ``work`` ``(rows, SUB_BLOCK)``: the program's rows, then rows holding its constants;
    ``out`` ``(outputs + 1, m)``: each output of :data:`lca.fused.OUTPUT_NAMES`, then the
    footprint's total. See :class:`Plan`.
    """
    n_guards = guard_steps.shape[0]
    seen_true = np.zeros(n_guards, dtype=np.bool_)
    seen_false = np.zeros(n_guards, dtype=np.bool_)
    n_scales = scale_first.shape[0] - 1
    n_columns = constants.shape[0]
    scales = np.empty((max(n_scales, 1), SUB_BLOCK))
    totals = np.empty((max(n_columns, 1), SUB_BLOCK))
    for start in range(0, m, SUB_BLOCK):
        n = min(SUB_BLOCK, m - start)
        stop = start + n
        for j in range(clip_rows.shape[0]):
            k, low, high = clip_rows[j], clip_low[j], clip_high[j]
            for i in range(start, stop):
                v = draws[k, i]
                draws[k, i] = low if v < low else (high if v > high else v)
        for j in range(leaf_rows.shape[0]):
            row, k = leaf_rows[j], leaf_draws[j]
            for i in range(n):
                work[row, i] = draws[k, start + i]
        for s in range(n_scales):
            first, last = scale_first[s], scale_first[s + 1]
            fixed, inverse = scale_fixed[s], scale_inverse[s]
            for i in range(n):
                total = draws[scale_rows[first], start + i] + fixed
                for r in range(first + 1, last):
                    total += draws[scale_rows[r], start + i]
                scales[s, i] = total * inverse
        g = 0
        for step in range(ops.shape[0]):
            _operate(ops[step], work[a_rows[step]], work[b_rows[step]], work[outs[step]], n)
            while g < n_guards and guard_steps[g] == step:
                row = work[guard_rows[g]]
                for i in range(n):
                    if row[i] != 0.0:
                        seen_true[g] = True
                    else:
                        seen_false[g] = True
                g += 1
        for c in range(n_columns):
            for i in range(n):
                totals[c, i] = 0.0
        for t in range(term_columns.shape[0]):
            c, row, w = term_columns[t], term_rows[t], term_weights[t]
            for i in range(n):
                totals[c, i] += w * work[row, i]
        for o in range(out.shape[0]):
            for i in range(start, stop):
                out[o, i] = 0.0
        last = out.shape[0] - 1
        for c in range(n_columns):
            s, o, constant = column_scales[c], column_outputs[c], constants[c]
            for i in range(n):
                value = totals[c, i] + constant
                if s >= 0:
                    value *= scales[s, i]
                out[o, start + i] += value
                if o > 0:
                    out[last, start + i] += value
    for g in range(n_guards):
        # the guard's np.any / np.all over the whole piece, as the recorded path decided it
        decided = seen_true[g] if guard_any[g] else not seen_false[g]
        if decided != guard_outcomes[g]:
            return False
    return True


class Plan:
    """A compiled route and its streams as the arrays :func:`draw_piece` and
    :func:`run_piece` read.

    Streams are numbered as :meth:`lca.draws.BlockDraws.states` gives them (the recipe's
    parameters, then each uncertain factor's rows) and drawn into the rows of ``order``:
    log-normal streams last, so one numpy call exponentiates them all.
    """

    def __init__(self, fused, sampler):
        from lca.fused import OUTPUT_NAMES

        program = fused.program
        streams = [d for _, d in sampler.parameters]
        members: list[list[int]] = []
        fixed, inverse = [], []
        for f in sampler.factors:
            members.append(list(range(len(streams), len(streams) + len(f.rows))))
            streams.extend(d for _, _, d in f.rows)
            fixed.append(f.factor.value - sum(value for _, value, _ in f.rows))
            inverse.append(1.0 / f.factor.value)
        self.streams = len(streams)
        fitting = DRAW_BYTES // (8 * max(1, self.streams)) // SUB_BLOCK * SUB_BLOCK
        self.piece = max(SUB_BLOCK, min(BLOCK, fitting))
        """Variants drawn and evaluated at once."""
        kinds = [_kind(d) for d in streams]
        self.order = np.array(
            sorted(range(self.streams), key=lambda k: kinds[k][0] == LOG_NORMAL), dtype=np.int64
        )
        """Stream of each row of the draws."""
        row_of = np.empty(self.streams, dtype=np.int64)
        row_of[self.order] = np.arange(self.streams)
        self.row_of = row_of
        """Row of the draws holding each stream."""
        self.kinds = np.array([kinds[k][0] for k in self.order], dtype=np.int64)
        self.params = np.array([kinds[k][1:] for k in self.order], dtype=float).reshape(-1, 3)
        self.lognormal_from = int(np.sum(self.kinds != LOG_NORMAL))
        """First row of the log-normal streams."""
        first = [0]
        rows: list[int] = []
        for member in members:
            rows.extend(int(row_of[k]) for k in member)
            first.append(len(rows))
        stream_of = {p.where: int(row_of[k]) for k, (p, _) in enumerate(sampler.parameters)}
        leaves = sorted(fused.inputs.items())
        clipped = [
            (int(row_of[k]), d.low, d.high)
            for k, d in enumerate(streams)
            if d.support[0] < d.low or d.support[1] > d.high
        ]
        constants: dict[tuple, tuple[int, float]] = {}

        def row(operand) -> int:
            if isinstance(operand, int):
                return operand
            value = float(operand)
            held = (program.rows + len(constants), value)
            return constants.setdefault(operand_key(value), held)[0]

        steps = program.steps
        a_rows = [row(operands[0]) for _, operands, _ in steps]
        b_rows = [row(operands[-1]) for _, operands, _ in steps]
        self.constants = np.array([value for _, value in constants.values()], dtype=float)
        self.rows = program.rows + len(constants)
        scale_index = {f.id: s for s, f in enumerate(sampler.factors)}
        terms = np.nonzero(fused.coefficients)
        ints = np.int64
        self.arrays = (
            np.array([r for r, _ in leaves], dtype=ints),
            np.array([stream_of[where] for _, where in leaves], dtype=ints),
            np.array([k for k, _, _ in clipped], dtype=ints),
            np.array([low for _, low, _ in clipped], dtype=float),
            np.array([high for _, _, high in clipped], dtype=float),
            np.array(first, dtype=ints),
            np.array(rows, dtype=ints),
            np.array(fixed, dtype=float),
            np.array(inverse, dtype=float),
            np.array([OPCODES[name] for name, _, _ in steps], dtype=ints),
            np.array([out for _, _, out in steps], dtype=ints),
            np.array(a_rows, dtype=ints),
            np.array(b_rows, dtype=ints),
            np.array([step for step, _, _, _ in program.guards], dtype=ints),
            np.array([r for _, r, _, _ in program.guards], dtype=ints),
            np.array([kind == "any" for _, _, kind, _ in program.guards], dtype=np.bool_),
            np.array([outcome for _, _, _, outcome in program.guards], dtype=np.bool_),
            terms[0].astype(ints),
            terms[1].astype(ints),
            fused.coefficients[terms].astype(float),
            np.asarray(fused.constants, dtype=float),
            np.array([scale_index.get(stream, -1) for _, stream in fused.columns], dtype=ints),
            np.array([OUTPUT_NAMES.index(output) for output, _ in fused.columns], dtype=ints),
        )
        self.names = (*OUTPUT_NAMES, "carbon_footprint")

    def buffers(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(draws, work, outputs) buffers of one thread, reused piece after piece."""
        work = np.empty((self.rows, SUB_BLOCK))
        work[self.rows - len(self.constants) :] = self.constants[:, None]
        return np.empty((self.streams, self.piece)), work, np.empty((len(self.names), self.piece))

    def run(self, buffers: tuple[np.ndarray, np.ndarray, np.ndarray], m: int) -> dict | None:
        """The outputs of ``m`` variants whose draws :func:`fill` put in ``buffers`` (views
        of the buffers; ``None``: a guard failed). The draws are left clipped to their bounds."""
        draws, work, out = buffers
        if not run_piece(draws, m, *self.arrays, work, out):
            return None
        return {name: values[:m] for name, values in zip(self.names, out, strict=True)}


def _kind(distribution) -> tuple[int, float, float, float]:
    """(kind, a, b, c) of :func:`draw_piece` for a distribution."""
    p = distribution.params
    kind = distribution.kind
    if kind in ("uniform", "range"):
        return (UNIFORM, p["min"], p["max"] - p["min"], 0.0)
    if kind == "triangular":
        return (TRIANGULAR, p["min"], p["max"], p["mode"])
    if kind == "normal":
        return (NORMAL, p["mean"], p["sd"], 0.0)
    return (LOG_NORMAL, math.log(p["median"]), math.log(p["gsd"]), 0.0)


def fill(plan: Plan, states: np.ndarray, draws: np.ndarray, m: int) -> None:
    """The next ``m`` draws of every stream of ``plan`` (generator ``states`` in the order of
    :attr:`Plan.order`, advanced in place) into the first ``m`` columns of ``draws``, before
    clipping (:func:`run_piece` clips)."""
    draw_piece(states, plan.kinds, plan.params, draws, m)
    if plan.lognormal_from < plan.streams:
        # numpy's vectorised exponential, as Distribution.sample takes it
        exponents = draws[plan.lognormal_from :, :m]
        np.exp(exponents, out=exponents)
