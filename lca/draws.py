"""The uncertain numbers of a route and their Monte Carlo draws, block by block.

A route's uncertain numbers are its recipe's ``[[uncertainty]]`` parameters and the components
(rows) of the factors its footprint uses, uncovered materials included (drawn from the broadest
class proxy, :func:`gap_terms`). Each draws from its own named stream (:class:`lca.uncertainty.
Streams`): a parameter's name is its path, a factor row's ``factor:<key@region>:<scope>``, so the
same parameter or factor sees the same draws in every route of a comparison.

Variant ``i`` of every stream comes from the stream's block ``i // BLOCK``: blocks are
independent generators of one seed, drawn by several threads at once, and a block is drawn in
order, piece after piece, so the draws depend neither on the number of threads nor on how the
work is cut (:class:`BlockDraws`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from lca.arrays import Floats
from lca.factors import Factor, FactorSet
from lca.fieldpath import FieldPath
from lca.footprint import ROOT_CLASS, FootprintModel, Term
from lca.inventory import Inventory
from lca.parameters import Parameter
from lca.recipe import Recipe
from lca.uncertainty import BLOCK, Distribution, Streams, factor_distribution
from lca.validation import check_recipe


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
        total = draws[0] + fixed
        for more in draws[1:]:
            total += more
        return total * (1.0 / self.factor.value)


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
        rows = tuple(
            (
                f"factor:{term.stream}:{row.scope or index}",
                row.kg_co2e_per_unit,
                row_distribution(row, term.tier),
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


def add_gap_terms(model: FootprintModel, gaps: bool = True) -> FootprintModel:
    """The model with the Monte Carlo stand-ins of uncovered materials (:func:`gap_terms`)."""
    if not gaps:
        return model
    return replace(model, terms=model.terms + gap_terms(model))


@dataclass(frozen=True)
class Sampler:
    """Named streams for a route's uncertain parameters and factors."""

    parameters: tuple[tuple[Parameter, Distribution], ...]
    factors: tuple[FactorUncertainty, ...]
    streams: Streams
    written: Inventory | None = None
    """The route as written, as :func:`sampler` checked it (``None``: not at hand)."""

    def block(self, index: int) -> BlockDraws:
        """The draws of block ``index`` (variants ``index × BLOCK`` onwards)."""
        return BlockDraws(self, index)

    def draw(self, start: int, m: int) -> tuple[dict[FieldPath, Floats], dict[str, Floats]]:
        """Draws of the variants ``start`` to ``start + m``: columns by field, factor scales
        by stream (the builders' inputs, :func:`lca.montecarlo.evaluate`)."""
        parts: list[tuple[dict[FieldPath, Floats], dict[str, Floats]]] = []
        end = start + m
        while start < end:
            index, offset = divmod(start, BLOCK)
            size = min(end - start, BLOCK - offset)
            block = self.block(index)
            if offset:
                block.draw(offset)
            parts.append(block.draw(size))
            start += size
        if len(parts) == 1:
            return parts[0]
        columns = {k: np.concatenate([p[0][k] for p in parts]) for k in parts[0][0]}
        scales = {k: np.concatenate([p[1][k] for p in parts]) for k in parts[0][1]}
        return columns, scales


class BlockDraws:
    """One block of every stream of a :class:`Sampler`, drawn in order piece by piece."""

    def __init__(self, sampler: Sampler, index: int):
        self.sampler = sampler
        streams = sampler.streams
        self.parameters = [(p, d, streams.block(p.path, index)) for p, d in sampler.parameters]
        self.factors = [
            (f, [(d, streams.block(name, index)) for name, _, d in f.rows]) for f in sampler.factors
        ]

    def states(self) -> np.ndarray:
        """The state of each stream's generator (SFC64's four words), in the order of
        :class:`lca.kernels.Plan`: the parameters', then each factor's rows'. The compiled
        loops draw from these states in place of the generators."""
        generators = [g for _, _, g in self.parameters]
        generators += [g for _, rows in self.factors for _, g in rows]
        return np.array(
            [g.bit_generator.state["state"]["state"] for g in generators], dtype=np.uint64
        ).reshape(len(generators), 4)

    def split(
        self, draws: Floats, m: int, rows: Sequence[int], with_scales: bool = True
    ) -> tuple[dict[FieldPath, Floats], dict[str, Floats]]:
        """Columns by field and (``with_scales``) factor scales by stream of final draws held
        in rows of ``draws``: stream ``k`` (in the order of :meth:`states`) in row ``rows[k]``."""
        columns = {p.where: draws[rows[k], :m] for k, (p, _, _) in enumerate(self.parameters)}
        scales: dict[str, Floats] = {}
        if not with_scales:
            return columns, scales
        k = len(self.parameters)
        for f, members in self.factors:
            scales[f.id] = f.scale([draws[rows[k + j], :m] for j in range(len(members))])
            k += len(members)
        return columns, scales

    def draw(self, m: int) -> tuple[dict[FieldPath, Floats], dict[str, Floats]]:
        """The next ``m`` draws: parameters by field, factor scales by stream."""
        columns = {p.where: d.sample(generator, m) for p, d, generator in self.parameters}
        scales = {
            f.id: f.scale([d.sample(generator, m) for d, generator in rows])
            for f, rows in self.factors
        }
        return columns, scales


def sampler(recipe: Recipe, factors: FactorSet, seed: int, with_factors: bool = True) -> Sampler:
    """The uncertain parameters of a recipe (its ``[[uncertainty]]``) and of its factors
    (uncovered materials included, drawn from the broadest class proxy)."""
    checked = check_recipe(recipe, factors)
    parameters = tuple((p, d) for p, d, _ in checked.distributions)
    uncertain: tuple[FactorUncertainty, ...] = ()
    if with_factors:
        uncertain = tuple(factor_uncertainties(add_gap_terms(checked.model)))
    return Sampler(parameters, uncertain, Streams(seed), checked.inventory)
