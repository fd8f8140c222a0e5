"""Recording the arithmetic of one evaluation of a route, to replay it on many blocks of variants.

A Monte Carlo run or a sweep evaluates the same route with different numbers. The inventory
and footprint code (:mod:`lca.inventory`, :mod:`lca.footprint`) does that with arrays, but it is
Python that walks the recipe, so each evaluation costs milliseconds whatever the number of
variants, and its hundreds of array operations each pass over memory. Here that code runs once
on :class:`Traced` values: each holds the values of a few sample variants and records, on a
:class:`Tape`, the operation that made it. The tape is then a program (:class:`Program`) of a
few hundred array operations that :mod:`lca.fused` replays on block after block of variants,
small enough to stay in the processor's cache, without the Python of the builders.

Replaying is exact only where the code took the same path for every variant. Decisions the
code takes on the values themselves go through ``np.any`` / ``np.all`` (a step that makes no
product, a fraction at 1): each such call becomes a *guard* that the replay checks on every
block, and a block on which a guard comes out otherwise is evaluated by the builders instead
(which then raise the same error, or take the other path). Anything else that would turn a
traced value into plain numbers (``float()``, ``np.asarray``, a reduction, indexing) marks the
tape *broken*: the whole run then goes through the builders, as it did before tapes existed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import numpy as np

from lca.arrays import Floats

UFUNCS: dict[str, Callable] = {
    "add": np.add,
    "subtract": np.subtract,
    "multiply": np.multiply,
    "divide": np.divide,
    "negative": np.negative,
    "absolute": np.absolute,
    "sqrt": np.sqrt,
    "exp": np.exp,
    "log": np.log,
    "power": np.power,
    "minimum": np.minimum,
    "maximum": np.maximum,
    "less": np.less,
    "less_equal": np.less_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
    "equal": np.equal,
    "not_equal": np.not_equal,
    "logical_and": np.logical_and,
    "logical_or": np.logical_or,
    "logical_not": np.logical_not,
    "isfinite": np.isfinite,
}
"""The operations a tape records, by name."""
_BY_UFUNC = {ufunc: name for name, ufunc in UFUNCS.items()}
_BY_UFUNC[np.true_divide] = "divide"
_BY_UFUNC[np.bitwise_and] = "logical_and"
_BY_UFUNC[np.bitwise_or] = "logical_or"
_BY_UFUNC[np.invert] = "logical_not"
BOOLEAN = frozenset(
    {
        "less",
        "less_equal",
        "greater",
        "greater_equal",
        "equal",
        "not_equal",
        "logical_and",
        "logical_or",
        "logical_not",
        "isfinite",
    }
)

Operand = int | float
"""A node of the tape (int) or a constant (float)."""


@dataclass
class Tape:
    """The operations recorded while code ran on :class:`Traced` values.

    Attributes
    ----------
    size : int
        Number of sample variants each traced value holds.
    nodes : list
        ``(operation, operands)`` per node; a leaf is ``("leaf", (name,))``.
    guards : list
        ``(node, kind, outcome)``: ``np.any`` (``kind = "any"``) or ``np.all`` of a boolean node
        came out ``outcome`` on the samples.
    broken : str
        Why the tape cannot be replayed (empty if it can).
    """

    size: int
    nodes: list[tuple[str, tuple]] = field(default_factory=list)
    samples: list[np.ndarray] = field(default_factory=list)
    guards: list[tuple[int, str, bool]] = field(default_factory=list)
    broken: str = ""
    _memo: dict[tuple, int] = field(default_factory=dict)

    def leaf(self, name: str, values: Floats) -> Traced:
        """A traced input: ``values`` are its sample variants."""
        values = np.asarray(values, dtype=float)
        if values.shape != (self.size,):
            raise ValueError(f"a leaf needs {self.size} sample values, got {values.shape}")
        return self._node(("leaf", (name,)), values)

    def breaks(self, reason: str) -> None:
        if not self.broken:
            self.broken = reason

    def _node(self, key: tuple[str, tuple], values: np.ndarray) -> Traced:
        index = len(self.nodes)
        self.nodes.append(key)
        self.samples.append(values)
        return Traced(self, index)

    def apply(self, name: str, *operands: Any) -> Any:
        """Record ``name`` applied to ``operands`` (traced values and numbers)."""
        converted: list[Operand] = []
        for operand in operands:
            if isinstance(operand, Traced):
                if operand.tape is not self:
                    self.breaks("values of two tapes were combined")
                    return _eager(name, operands)
                converted.append(operand.node)
            elif _is_number(operand):
                converted.append(float(operand))
            else:
                self.breaks(f"an array of plain values entered '{name}'")
                return _eager(name, operands)
        result = self._op(name, converted)
        return Traced(self, result) if _is_node(result) else result

    def _op(self, name: str, operands: list[Operand]) -> Operand:
        """The node (or constant) of ``name`` applied to ``operands``, rewritten first into
        fewer operations where that is an identity of real numbers:

        - constants are combined: ``(x × a) × b`` is ``x × (a b)``, ``(x + a) + b`` is
          ``x + (a + b)``, and pulled out of products: ``(x × a) × y`` is ``(x y) × a``;
        - a division is a product with a reciprocal, shared by every division by the same
          value: ``c / x`` is ``(1 / x) × c``, ``y / x`` is ``y × (1 / x)``;
        - ``x + 0``, ``x - 0``, ``x × 1`` and ``x / 1`` are ``x``.

        So the charges of a step divided by its product, and those multiplied by the step's
        scale, become one product per step that its lines share, the constants left for
        :mod:`lca.fused` to fold into its coefficients. Results can differ from the
        step-by-step ones in the last bits, far below any figure greenroute reports.
        """
        if len(operands) == 2:
            a, b = operands
            if not _is_node(a) and not _is_node(b):
                return float(_eager(name, [a, b]))
            if name in ("add", "multiply") and (not _is_node(a) or (_is_node(b) and b < a)):
                a, b = b, a  # constants right, nodes in order: x·y and y·x are one node
            if name == "subtract" and not _is_node(b):
                return self._op("add", [a, -b])  # exactly the same number
            if name == "divide":
                if not _is_node(b):
                    return (
                        a
                        if b == 1.0
                        else self._op("multiply", [a, 1.0 / b])
                        if b
                        else (self._record(name, [a, b]))
                    )
                reciprocal = self._reciprocal(int(b))
                return (
                    reciprocal
                    if a == 1.0 and not _is_node(a)
                    else (self._op("multiply", [reciprocal, a]))
                )
            if name == "multiply" and not _is_node(b):
                if b == 1.0:
                    return a
                x, c = self.scaled(int(a))
                if c != 1.0:
                    return self._op("multiply", [x, c * b])
            elif name == "multiply":
                for left, right in ((a, b), (b, a)):
                    x, c = self.scaled(int(left))
                    if c != 1.0:
                        return self._op("multiply", [self._op("multiply", [x, right]), c])
            if name == "add" and not _is_node(b):
                if b == 0.0:
                    return a
                inner, (x, c) = self.nodes[int(a)][0], (self.nodes[int(a)][1] + (None,))[:2]
                if inner == "add" and c is not None and not _is_node(c):
                    return self._op("add", [x, c + b])
            operands = [a, b]
        return self._record(name, operands)

    def _record(self, name: str, operands: list[Operand]) -> int:
        key = (name, tuple(operands))
        memo = (name, tuple(operand_key(o) for o in operands))
        known = self._memo.get(memo)
        if known is not None:
            return known
        values = _eager(name, [self.samples[o] if _is_node(o) else o for o in operands])
        index = self._node(key, np.asarray(values)).node
        self._memo[memo] = index
        return index

    def scaled(self, node: int) -> tuple[Operand, float]:
        """``(x, c)`` if ``node`` is ``x × c`` with a constant ``c``, else ``(node, 1)``."""
        name, operands = self.nodes[node]
        if name == "multiply" and len(operands) == 2 and not _is_node(operands[1]):
            return operands[0], float(operands[1])
        return node, 1.0

    def _reciprocal(self, node: int) -> Operand:
        """``1 / node``; ``1 / (x × c)`` is ``(1 / x) × (1 / c)``."""
        x, c = self.scaled(node)
        if c not in (0.0, 1.0):
            return self._op("multiply", [self._reciprocal(int(x)), 1.0 / c])
        return self._record("divide", [1.0, node])

    def guard(self, node: int, kind: str) -> bool:
        """``np.any`` (or ``np.all``) of a traced value: the outcome on the samples, recorded."""
        sample = self.samples[node]
        outcome = bool(np.any(sample) if kind == "any" else np.all(sample))
        self.guards.append((node, kind, outcome))
        return outcome


def _is_node(operand: Operand) -> TypeGuard[int]:
    return isinstance(operand, int)


def operand_key(operand: Operand) -> tuple:
    """What tells operands apart: a node from a constant of the same value (``1 == 1.0`` in
    Python: ``a + 1.0`` was once taken for ``a + b``, node 1), and ``-0.0`` from ``0.0``
    (``1 / -0.0`` is ``-inf``)."""
    if _is_node(operand):
        return ("node", operand)
    return ("constant", operand, math.copysign(1.0, operand))


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float | np.floating | np.integer):
        return True
    return isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "fiu"


def _eager(name: str, operands) -> Any:
    values = [o.values if isinstance(o, Traced) else o for o in operands]
    with np.errstate(all="ignore"):
        return UFUNCS[name](*values)


class Traced:
    """A value of N variants whose arithmetic is recorded on a :class:`Tape`.

    It behaves like the 1-D float array of its samples for the operations the tape records
    (arithmetic, comparisons, ``np.any``/``np.all``, ``np.ndim``, ``np.size``, ``np.clip``,
    ``np.broadcast_to`` to its own shape); anything else marks the tape broken and works on the
    samples.
    """

    __slots__ = ("node", "tape")
    __array_priority__ = 1000

    def __init__(self, tape: Tape, node: int):
        self.tape = tape
        self.node = node

    @property
    def values(self) -> np.ndarray:
        return self.tape.samples[self.node]

    # -- what numpy and the builders ask of an array -----------------------------------------
    @property
    def shape(self) -> tuple[int]:
        return (self.tape.size,)

    @property
    def ndim(self) -> int:
        return 1

    @property
    def size(self) -> int:
        return self.tape.size

    @property
    def dtype(self):
        return self.values.dtype

    def __len__(self) -> int:
        return self.tape.size

    def __array__(self, dtype=None, copy=None):
        self.tape.breaks("a traced value was turned into a plain array")
        return np.asarray(self.values, dtype=dtype)

    def __float__(self) -> float:
        self.tape.breaks("a traced value was turned into a number")
        raise TypeError("only length-1 arrays can be converted to Python scalars")

    def __bool__(self) -> bool:
        self.tape.breaks("a traced value was used as a truth value")
        raise ValueError(
            "The truth value of an array with more than one element is ambiguous. "
            "Use a.any() or a.all()"
        )

    def __getitem__(self, item):
        self.tape.breaks("a traced value was indexed")
        return self.values[item]

    def __hash__(self) -> int:
        return id(self)

    def any(self) -> bool:
        return self.tape.guard(self.node, "any")

    def all(self) -> bool:
        return self.tape.guard(self.node, "all")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        name = _BY_UFUNC.get(ufunc)
        if method != "__call__" or kwargs or name is None:
            self.tape.breaks(f"numpy's {ufunc.__name__}.{method} on a traced value")
            plain = [i.values if isinstance(i, Traced) else i for i in inputs]
            return getattr(ufunc, method)(*plain, **kwargs)
        return self.tape.apply(name, *inputs)

    def __array_function__(self, func, types, args, kwargs):
        if func in (np.any, np.all) and len(args) == 1 and not kwargs:
            return np.bool_(self.tape.guard(self.node, func.__name__))
        if func is np.ndim:
            return 1
        if func is np.size and len(args) == 1:
            return self.tape.size
        if func is np.shape:
            return self.shape
        if func is np.broadcast_to and tuple(np.atleast_1d(args[1])) == self.shape:
            return args[0]
        if func is np.clip and len(args) == 3 and not kwargs:
            value, low, high = args
            if low is not None:
                value = np.maximum(value, low)
            return value if high is None else np.minimum(value, high)
        self.tape.breaks(f"numpy's {func.__name__} on a traced value")
        plain_args = [a.values if isinstance(a, Traced) else a for a in args]
        return func(*plain_args, **kwargs)

    # -- arithmetic -------------------------------------------------------------------------
    def __add__(self, other):
        return self.tape.apply("add", self, other)

    def __radd__(self, other):
        return self.tape.apply("add", other, self)

    def __sub__(self, other):
        return self.tape.apply("subtract", self, other)

    def __rsub__(self, other):
        return self.tape.apply("subtract", other, self)

    def __mul__(self, other):
        return self.tape.apply("multiply", self, other)

    def __rmul__(self, other):
        return self.tape.apply("multiply", other, self)

    def __truediv__(self, other):
        return self.tape.apply("divide", self, other)

    def __rtruediv__(self, other):
        return self.tape.apply("divide", other, self)

    def __pow__(self, other):
        return self.tape.apply("power", self, other)

    def __rpow__(self, other):
        return self.tape.apply("power", other, self)

    def __neg__(self):
        return self.tape.apply("negative", self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self.tape.apply("absolute", self)

    def __lt__(self, other):
        return self.tape.apply("less", self, other)

    def __le__(self, other):
        return self.tape.apply("less_equal", self, other)

    def __gt__(self, other):
        return self.tape.apply("greater", self, other)

    def __ge__(self, other):
        return self.tape.apply("greater_equal", self, other)

    def __eq__(self, other):
        return self.tape.apply("equal", self, other)

    def __ne__(self, other):
        return self.tape.apply("not_equal", self, other)

    def __and__(self, other):
        return self.tape.apply("logical_and", self, other)

    __rand__ = __and__

    def __or__(self, other):
        return self.tape.apply("logical_or", self, other)

    __ror__ = __or__

    def __invert__(self):
        return self.tape.apply("logical_not", self)


Interval = tuple[float, float]
"""Bounds ``(low, high)`` every variant of a value lies within."""
UNKNOWN: Interval = (-math.inf, math.inf)
_WIDEN = 1e-12  # bounds computed in floating point are widened by this share (rounding)


def _widen(low: float, high: float) -> Interval:
    if math.isnan(low) or math.isnan(high):
        return UNKNOWN
    if math.isfinite(low):
        low -= abs(low) * _WIDEN
    if math.isfinite(high):
        high += abs(high) * _WIDEN
    return (low, high)


def _bounds(name: str, args: list[Interval]) -> Interval:
    """Bounds of an operation's result from its operands' (comparisons: (1, 1) when always
    true, (0, 0) when always false, (0, 1) when it depends)."""
    with np.errstate(all="ignore"):
        if name in ("add", "subtract", "multiply", "divide"):
            (a, b), (c, d) = args
            if name == "add":
                return _widen(a + c, b + d)
            if name == "subtract":
                return _widen(a - d, b - c)
            if name == "divide":
                if c <= 0.0 <= d:
                    return UNKNOWN
                c, d = 1.0 / d, 1.0 / c
                if not (math.isfinite(c) and math.isfinite(d)):
                    return UNKNOWN  # 1 / a subnormal overflows: the replay's product is inf
            corners = [float(np.multiply(x, y)) for x in (a, b) for y in (c, d)]
            if any(map(math.isnan, corners)):
                return UNKNOWN
            return _widen(min(corners), max(corners))
        if name == "negative":
            return (-args[0][1], -args[0][0])
        if name in ("sqrt", "exp", "log"):
            low, high = args[0]
            if name != "exp" and low < 0:
                return UNKNOWN
            return _widen(float(UFUNCS[name](low)), float(UFUNCS[name](high)))
        if name in ("minimum", "maximum"):
            (a, b), (c, d) = args
            pick = min if name == "minimum" else max
            return (pick(a, c), pick(b, d))
        if name in ("less", "less_equal", "greater", "greater_equal"):
            (a, b), (c, d) = args
            if name in ("greater", "greater_equal"):
                (a, b), (c, d) = (c, d), (a, b)
                name = "less" if name == "greater" else "less_equal"
            if (b < c) if name == "less" else (b <= c):
                return (1.0, 1.0)
            if (a >= d) if name == "less" else (a > d):
                return (0.0, 0.0)
            return (0.0, 1.0)
        if name in ("equal", "not_equal"):
            (a, b), (c, d) = args
            disjoint = b < c or d < a
            if disjoint:
                return (0.0, 0.0) if name == "equal" else (1.0, 1.0)
            return (0.0, 1.0)
        if name == "logical_not":
            low, high = args[0]
            return (1.0 - high, 1.0 - low) if 0.0 <= low <= high <= 1.0 else (0.0, 1.0)
        if name in ("logical_and", "logical_or"):
            (a, b), (c, d) = args
            if not (0.0 <= a <= b <= 1.0 and 0.0 <= c <= d <= 1.0):
                return (0.0, 1.0)
            return (min(a, c), min(b, d)) if name == "logical_and" else (max(a, c), max(b, d))
        if name == "isfinite":
            low, high = args[0]
            return (1.0, 1.0) if math.isfinite(low) and math.isfinite(high) else (0.0, 1.0)
    return UNKNOWN


@dataclass(frozen=True)
class Program:
    """The operations of a tape that some output or guard needs, in order, with buffer rows.

    Attributes
    ----------
    steps : tuple
        ``(operation, operands, row)``: operands are rows (int) or constants (float); the result
        goes to ``row`` of the work buffer.
    guards : tuple
        ``(step, row, kind, outcome)``: checked once step ``step`` has run.
    outputs : dict
        node → row holding its values after the run.
    leaf_rows : dict
        leaf name → the row its values are put in.
    rows : int
        Rows of the work buffer.
    pruned : int
        Guards dropped because the bounds of the inputs decide them.
    """

    steps: tuple[tuple[str, tuple[Operand, ...], int], ...]
    guards: tuple[tuple[int, int, str, bool], ...]
    outputs: dict[int, int]
    leaf_rows: dict[str, int]
    rows: int
    pruned: int = 0

    def bind(self, work: Floats) -> Callable[[], bool]:
        """A function running the program on the columns of ``work`` (whose leaf rows the
        caller fills), ``False`` as soon as a guard comes out otherwise than on the samples:
        the block must then be evaluated by the builders. Every output is in its row after a
        run that returns ``True``."""
        views = list(work)
        calls = []
        for name, operands, row in self.steps:
            args = tuple(views[o] if isinstance(o, int) else o for o in operands)
            calls.append((UFUNCS[name], args, views[row]))
        checks: dict[int, list[tuple[np.ndarray, bool, bool]]] = {}
        for step, row, kind, outcome in self.guards:
            checks.setdefault(step, []).append((views[row], kind == "any", outcome))
        plan = [(function, args, out, checks.get(index, ())) for index, (function, args, out)
                in enumerate(calls)]  # fmt: skip
        any_, all_ = np.any, np.all

        def run() -> bool:
            with np.errstate(all="ignore"):
                for function, args, out, guards in plan:
                    function(*args, out=out)
                    for values, is_any, outcome in guards:
                        if bool(any_(values) if is_any else all_(values)) != outcome:
                            return False
            return True

        return run


def compile_tape(
    tape: Tape, outputs: list[int], bounds: dict[str, Interval] | None = None
) -> Program:
    """The program computing ``outputs`` (nodes) and checking the tape's guards.

    Only the operations some output or guard depends on are kept (in recording order, which
    puts operands first). A guard that the ``bounds`` of the leaves (by name) decide is
    dropped: a recovered fraction drawn between 0.7 and 0.9 is always above zero. Rows of the
    work buffer are reused once a value is no longer needed, except for outputs.
    """
    bounds = bounds or {}
    known: list[Interval] = []
    for name, operands in tape.nodes:
        if name == "leaf":
            known.append(bounds.get(str(operands[0]), UNKNOWN))
        else:
            known.append(
                _bounds(name, [known[o] if isinstance(o, int) else (o, o) for o in operands])
            )
    guards: list[tuple[int, str, bool]] = []
    pruned = 0
    for node, kind, outcome in tape.guards:
        low, high = known[node]
        decided = 1.0 if low == high == 1.0 else 0.0 if low == high == 0.0 else None
        if decided is not None and bool(decided) == outcome:
            pruned += 1  # the same outcome on every variant the inputs can take
        else:
            guards.append((node, kind, outcome))
    needed = set(outputs) | {node for node, _, _ in guards}
    for index in range(len(tape.nodes) - 1, -1, -1):
        if index in needed:
            needed.update(o for o in tape.nodes[index][1] if isinstance(o, int))
    order = sorted(needed)
    last_use: dict[int, int] = {}
    for index in order:
        name, operands = tape.nodes[index]
        if name != "leaf":
            for operand in operands:
                if isinstance(operand, int):
                    last_use[operand] = index
    held = set(outputs) | {node for node, _, _ in guards}
    free: list[int] = []
    rows = 0
    row_of: dict[int, int] = {}
    leaf_rows: dict[str, int] = {}
    steps: list[tuple[str, tuple[Operand, ...], int]] = []
    guard_of: dict[int, list[tuple[str, bool]]] = {}
    for node, kind, outcome in guards:
        guard_of.setdefault(node, []).append((kind, outcome))
    placed: list[tuple[int, int, str, bool]] = []

    def take() -> int:
        nonlocal rows
        if free:
            return free.pop()
        rows += 1
        return rows - 1

    for index in order:
        name, operands = tape.nodes[index]
        row = take()
        row_of[index] = row
        if name == "leaf":
            leaf_rows[str(operands[0])] = row
            continue
        steps.append((name, tuple(row_of[o] if isinstance(o, int) else o for o in operands), row))
        for kind, outcome in guard_of.get(index, ()):
            placed.append((len(steps) - 1, row, kind, outcome))
        for operand in {o for o in operands if isinstance(o, int)}:
            if last_use.get(operand) == index and operand not in held:
                free.append(row_of[operand])
    return Program(
        steps=tuple(steps),
        guards=tuple(placed),
        outputs={node: row_of[node] for node in outputs},
        leaf_rows=leaf_rows,
        rows=rows,
        pruned=pruned,
    )
