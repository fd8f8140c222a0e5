"""The compiled footprint: linear terms over the evaluated inventory, and flows no factor covers.

The footprint is linear in the inventory, so it is compiled once into *terms*: each term takes
one entry of the evaluated inventory (an input line in kg, an energy line in its unit, or a
step's product in kg), multiplies it by ``multiplier`` to get an amount in ``amount_unit``, by
``conversion`` to get the factor's own unit, and by ``value`` [kg CO2e per factor unit]. The
three numbers are kept apart so that a report can show them (the Excel workbook writes
``amount × multiplier × factor`` as a live formula) and a Monte Carlo draw can scale the factor
value alone. Contributions of one or many variants are then one multiplication; the
deterministic assessment is the case ``N = 1``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from lca.arrays import Floats, Variable
from lca.engine import Columns, Evaluation
from lca.factors import Factor
from lca.steam import SteamHeat

if TYPE_CHECKING:
    from lca.site import MarketInstrument

CATEGORIES = ("materials", "energy", "waste treatment", "transport", "credits")
ROOT_CLASS = "chemical"
"""The broadest class proxy: what an uncovered material is drawn from in Monte Carlo, and the
range against which a comparison asks whether its ranking could flip."""
Array = Literal["flow", "energy", "step"]


@dataclass(frozen=True, kw_only=True)
class Entry:
    """An amount of one inventory entry, where it belongs: what a term and a gap share.

    Attributes
    ----------
    array, index : the inventory entry (``flow``: input line [kg], ``energy``: energy line in its
        unit, ``step``: a step's product [kg]).
    multiplier : entry → amount in ``amount_unit`` (a share of a solution, a recovered fraction,
        kg of steam per kg recovered...); a float or an (N,) array of variants.
    step, category, flow : the step it is charged to, its footprint category, what it is.
    """

    array: Array
    index: int
    multiplier: Variable = 1.0
    amount_unit: str
    step: str
    category: str
    flow: str

    def at(self, **changes: Any) -> Entry:
        """The same entry with other fields (``category="credits"``, another multiplier)."""
        return replace(self, **changes)

    def with_factor(
        self, factor: Factor, *, tier: str | None = None, stream: str | None = None, **fields: Any
    ) -> Term:
        """A term of this entry at a library factor: its value, tier and Monte Carlo stream
        (by default the factor's own, :func:`factor_id`)."""
        return self.term(
            value=factor.value,
            factor=factor,
            tier=factor.tier if tier is None else tier,
            stream=factor_id(factor) if stream is None else stream,
            **fields,
        )

    def term(self, **fields: Any) -> Term:
        """A term of this entry with ``fields`` (``value``, ``tier``...)."""
        return Term(**self._fields(), **fields)

    def missing(self, reason: str, **fields: Any) -> Gap:
        """A gap: this entry has no factor, for ``reason``."""
        return Gap(**self._fields(), reason=reason, **fields)

    def _fields(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclass_fields(Entry)}


@dataclass(frozen=True, kw_only=True)
class Term(Entry):
    """One linear contribution: ``entry × multiplier × allocation × conversion × value``.

    Attributes
    ----------
    conversion : ``amount_unit`` → the factor's unit (m³ per kg through a density, kWh of heat
        per kg of steam, t·km per kg through a distance...).
    value : kg CO2e per factor unit: the factor's value, or a computed figure (kg CO2 per kg C).
    sign : -1 for a credit (recovered solvent replacing virgin make-up): the amount shown is the
        recovered mass, positive, and the contribution negative.
    allocation : the share of its step's burden the product bears when the step has co-products
        (:mod:`lca.footprint.allocation`); the amount shown is the physical one.
    tier : how ``value`` was obtained (:mod:`lca.tiers`).
    stream : the name of the Monte Carlo stream that scales ``value`` (shared by every term of
        the same factor, in every route; a class proxy draws once per material).
    """

    conversion: float = 1.0
    value: float
    sign: float = 1.0
    allocation: Variable = 1.0
    basis: str = "factor"
    factor: Factor | None = None
    tier: str
    stream: str = ""
    note: str = ""
    carrier: str = ""

    @property
    def factor_units(self) -> Variable:
        """Units of the factor (or of ``value``'s denominator) per unit of the inventory entry,
        signed and allocated: ``sign × multiplier × allocation × conversion``."""
        return self.sign * self.multiplier * self.allocation * self.conversion

    @property
    def coefficient(self) -> Variable:
        """kg CO2e per unit of the inventory entry: :attr:`factor_units` × ``value``."""
        return self.factor_units * self.value


@dataclass(frozen=True, kw_only=True)
class Gap(Entry):
    """A flow that no factor covers: shown with its amount, counted as missing, never as zero."""

    reason: str
    carrier: str = ""
    material: str = ""


@dataclass(frozen=True, kw_only=True)
class Apart:
    """A term reported beside the footprint, not in it: biogenic CO2, or emissions the
    incineration cut-off gives to the user of the recovered energy."""

    term: Term
    reason: str


@dataclass(frozen=True)
class FootprintModel:
    """Compiled terms and gaps of one route under one factor set and GWP basis."""

    region: str
    gwp_set: str
    terms: tuple[Term, ...]
    gaps: tuple[Gap, ...]
    steam: SteamHeat
    apart: tuple[Apart, ...] = ()
    market: MarketInstrument | None = None
    warnings: tuple[str, ...] = field(default=())
    root_proxy: Factor | None = None
    """the factor set's proxy of the broadest class (:data:`ROOT_CLASS`), if it has one"""

    @property
    def steam_kwh_per_kg(self) -> float:
        return self.steam.kwh_per_kg

    @staticmethod
    def _entries(ev: Evaluation | Columns) -> dict[str, list]:
        if isinstance(ev, Evaluation):
            return {
                "flow": list(ev.flow.T),
                "energy": list(ev.energy.T),
                "step": list(ev.step_scale.T),
            }
        return {"flow": ev.flow, "energy": ev.energy, "step": ev.step_scale}

    @staticmethod
    def _size(entries: dict[str, list], extra: Mapping[str, Floats] | None) -> int:
        sizes = [np.size(v) for values in entries.values() for v in values]
        sizes += [np.size(v) for v in (extra or {}).values()]
        return max([1, *sizes])

    def _matrix(self, ev, items, weight) -> Floats:
        """``(N, len(items))``: each item's inventory entry × ``weight(item)``.

        N is the number of variants of the inventory or of the weights: a term's multiplier
        varies on its own when a recovered fraction or a transport distance is drawn.
        """
        entries = self._entries(ev)
        columns = [
            np.asarray(entries[item.array][item.index] * weight(item), dtype=float)
            for item in items
        ]
        n = max([self._size(entries, None), *(column.size for column in columns)])
        if not columns:
            return np.zeros((n, 0))
        return np.column_stack([np.broadcast_to(column, (n,)) for column in columns])

    def contributions(
        self, ev: Evaluation | Columns, scales: Mapping[str, Floats] | None = None
    ) -> Floats:
        """``(N, T)`` kg CO2e per kg of final product of every term.

        ``scales`` maps a stream name (:attr:`Term.stream`) to N multipliers of the value
        (Monte Carlo draws of a factor ÷ its value).
        """
        scales = scales or {}
        matrix = self._matrix(ev, self.terms, lambda t: t.coefficient)
        n = max(matrix.shape[0], *(np.size(v) for v in scales.values()), 1)
        matrix = np.broadcast_to(matrix, (n, matrix.shape[1])).copy()
        for column, term in enumerate(self.terms):
            if term.stream in scales:
                matrix[:, column] *= scales[term.stream]
        return matrix

    def totals(
        self, ev: Evaluation | Columns, scales: Mapping[str, Floats] | None = None
    ) -> dict[str, Floats]:
        """``(N,)`` footprint by category and in total, without forming the (N, T) matrix.

        The same sums as :meth:`contributions`, accumulated term by term, so memory stays at a
        few arrays of N values whatever the number of terms (Monte Carlo and sweeps).
        """
        scales = scales or {}
        entries = self._entries(ev)
        n = self._size(entries, scales)
        # terms with plain coefficients on the same entry and category add up first
        fixed: dict[tuple[str, str, int], float] = {}
        varying = []
        for term in self.terms:
            scale = scales.get(term.stream)
            coefficient = term.coefficient
            if np.ndim(coefficient) == 0 and scale is None:
                key = (term.category, term.array, term.index)
                fixed[key] = fixed.get(key, 0.0) + float(coefficient)
            else:
                varying.append((term, coefficient, scale))
                n = max(n, np.size(coefficient))  # a multiplier drawn on its own
        sums = {category: np.zeros(n) for category in CATEGORIES}
        for (category, array, index), coefficient in fixed.items():
            sums[category] += entries[array][index] * coefficient
        for term, coefficient, scale in varying:
            if scale is not None:
                coefficient = coefficient * scale
            sums[term.category] += entries[term.array][term.index] * coefficient
        sums["total"] = np.sum([sums[category] for category in CATEGORIES], axis=0)
        return sums

    def amounts(self, ev: Evaluation | Columns, items=None) -> Floats:
        """``(N, T)`` amount of each term (or of ``items``) in its ``amount_unit``."""
        return self._matrix(ev, self.terms if items is None else items, lambda t: t.multiplier)

    def gap_amounts(self, ev: Evaluation | Columns) -> Floats:
        return self._matrix(ev, self.gaps, lambda g: g.multiplier)

    def factors_used(self) -> dict[str, Factor]:
        """Every factor a term uses, by stream name."""
        return {t.stream: t.factor for t in self.terms if t.factor is not None}


def factor_id(factor: Factor) -> str:
    """``key@region``: the name a factor's Monte Carlo draws go by, shared by every route."""
    return f"{factor.key}@{factor.region}"
