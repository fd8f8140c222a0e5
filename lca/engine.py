"""The array core: demand propagation through a compiled route for one or many variants.

A compiled route is the route graph reduced to index arrays. Every evaluation takes arrays with a
leading variant axis ``N`` (``N = 1`` for a deterministic assessment), so the same code path serves
one recipe and millions of Monte Carlo draws or sweep points.

Demand propagation solves ``(I - Q_int) x = e_final`` (REFERENCE.md §4.2; the system the ACS GCI PR
/ BMS PMI calculators solve), where ``Q_int[r, s]`` is kg of the product of step ``r`` charged per
kg of the product of step ``s`` and ``x_s`` is kg of step ``s``'s product needed per kg of final
product. Because a valid route is acyclic, the system is triangular in topological order and is
solved exactly by substitution from the final step backwards: one vectorised operation per
intermediate charge, no per-variant Python loop and no matrix factorisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from lca.arrays import Flags, Floats, Indices, Variable


@dataclass(frozen=True)
class LineSum:
    """Lines → the steps they belong to, as a sparse one-hot ``(F, S)`` matrix.

    ``values @ line_sum`` is the ``(N, S)`` sum of ``(N, F)`` values by step; ``line_sum[mask]``
    keeps the lines of ``mask`` (rows of the matrix), as ``onehot[mask]`` would.
    """

    step: Indices
    n_steps: int
    __array_ufunc__ = None  # numpy defers ``array @ line_sum`` to __rmatmul__

    def __getitem__(self, lines) -> LineSum:
        return LineSum(self.step[lines], self.n_steps)

    def __rmatmul__(self, values) -> Floats:
        values = np.atleast_2d(np.asarray(values, dtype=float))
        n = values.shape[0]
        if values.shape[1] != len(self.step):
            raise ValueError(f"{values.shape[1]} values for {len(self.step)} lines")
        # one bincount over all rows: row r's lines go to bins r·S + step
        bins = (np.arange(n)[:, None] * self.n_steps + self.step[None, :]).ravel()
        sums = np.bincount(bins, weights=values.ravel(), minlength=n * self.n_steps)
        return np.asarray(sums, dtype=float).reshape(n, self.n_steps)


@dataclass(frozen=True)
class CompiledRoute:
    """Index arrays describing a route graph.

    Attributes
    ----------
    n_steps : int
        Number of steps ``S``.
    final_step : int
        Index of the step that makes the final product.
    order : numpy.ndarray
        Step indices in reverse topological order (the final step first, every consumer before
        the step that feeds it).
    flow_step : numpy.ndarray
        ``(F,)`` index of the step each input line is charged to.
    flow_producer : numpy.ndarray
        ``(F,)`` index of the step that makes the material of each input line, ``-1`` for a raw
        material.
    energy_step : numpy.ndarray
        ``(E,)`` index of the step each energy line belongs to.
    """

    n_steps: int
    final_step: int
    order: Indices
    flow_step: Indices
    flow_producer: Indices
    energy_step: Indices

    @cached_property
    def charged_by(self) -> dict[int, list[int]]:
        """Step → the input lines that charge its product (its consumers' lines)."""
        lines: dict[int, list[int]] = {step: [] for step in range(self.n_steps)}
        for line, producer in enumerate(self.flow_producer.tolist()):
            if producer >= 0:
                lines[producer].append(line)
        return lines

    @property
    def flow_to_step(self) -> LineSum:
        """Input line → the step it is charged to: ``values @ route.flow_to_step`` adds ``(N, F)``
        values up by step, ``(N, S)``, as the one-hot ``(F, S)`` matrix would, in time linear in
        the lines (a dense matrix of a 10,000-step route would take gigabytes)."""
        return LineSum(self.flow_step, self.n_steps)

    @property
    def is_raw(self) -> Flags:
        """``(F,)`` True for input lines that are raw materials (not intermediates)."""
        return self.flow_producer < 0


@dataclass(frozen=True)
class Evaluation:
    """Results per kg of final product, each with a leading variant axis ``N``.

    Attributes
    ----------
    step_scale : numpy.ndarray
        ``(N, S)`` kg of each step's product needed per kg of final product.
    flow_per_step_product : numpy.ndarray
        ``(N, F)`` kg of each input line per kg of its own step's product.
    flow : numpy.ndarray
        ``(N, F)`` kg of each input line per kg of final product (intermediates included).
    energy : numpy.ndarray
        ``(N, E)`` each energy line per kg of final product, in the line's canonical unit.
    step_pmi : numpy.ndarray
        ``(N, S)`` step PMI: all inputs, intermediates included, per kg of the step's product.
    """

    step_scale: Floats
    flow_per_step_product: Floats
    flow: Floats
    energy: Floats
    step_pmi: Floats


@dataclass(frozen=True)
class Columns:
    """Results per kg of final product, one entry per step, input line and energy line.

    Each entry is a float when it is the same in every variant, else an ``(N,)`` array: a
    Monte Carlo run pays only for the numbers that vary.
    """

    step_scale: list[Variable]
    flow_per_step_product: list[Variable]
    flow: list[Variable]
    energy: list[Variable]


def evaluate_columns(
    route: CompiledRoute,
    charges: Sequence[Variable],
    products: Sequence[Variable],
    energies: Sequence[Variable],
) -> Columns:
    """Normalise charges per kg of each step's product and propagate demand from 1 kg of
    final product: ``(I - Q_int) x = e_final`` solved by substitution in reverse topological
    order (exact for an acyclic route), one vectorised operation per input line.

    Parameters
    ----------
    charges, products, energies
        Per input line, per step and per energy line: kg charged, kg of isolated product and
        the energy amount on the same basis (batch or campaign); floats or ``(N,)`` arrays.
    """
    q = [charge / products[step] for charge, step in zip(charges, route.flow_step, strict=True)]
    x: list = [0.0] * route.n_steps
    x[route.final_step] = 1.0
    charged_by = route.charged_by
    for step in route.order[1:]:
        x[step] = sum(q[f] * x[route.flow_step[f]] for f in charged_by[step])
    flow = [q[f] * x[step] for f, step in enumerate(route.flow_step)]
    energy = [
        amount / products[step] * x[step]
        for amount, step in zip(energies, route.energy_step, strict=True)
    ]
    return Columns(x, q, flow, energy)


def stack(entries: Sequence[Variable], n: int) -> Floats:
    """Floats and (n,) arrays as one ``(n, len(entries))`` array."""
    if not entries:
        return np.zeros((n, 0))
    return np.column_stack([np.broadcast_to(np.asarray(e, dtype=float), (n,)) for e in entries])


def evaluate(
    route: CompiledRoute,
    charge_kg: Floats,
    product_kg: Floats,
    energy_amount: Floats,
) -> Evaluation:
    """:func:`evaluate_columns` on ``(N, ·)`` arrays, with the results as ``(N, ·)`` arrays.

    Parameters
    ----------
    route : CompiledRoute
    charge_kg : numpy.ndarray
        ``(N, F)`` kg of each input line as charged (per batch or campaign).
    product_kg : numpy.ndarray
        ``(N, S)`` kg of each step's isolated product on the same basis as its charges.
    energy_amount : numpy.ndarray
        ``(N, E)`` each energy line on the same basis, in its canonical unit.
    """
    charge_kg = np.atleast_2d(np.asarray(charge_kg, dtype=float))
    product_kg = np.atleast_2d(np.asarray(product_kg, dtype=float))
    energy_amount = np.atleast_2d(np.asarray(energy_amount, dtype=float))
    n = charge_kg.shape[0]
    columns = evaluate_columns(route, list(charge_kg.T), list(product_kg.T), list(energy_amount.T))
    q = stack(columns.flow_per_step_product, n)
    return Evaluation(
        step_scale=stack(columns.step_scale, n),
        flow_per_step_product=q,
        flow=stack(columns.flow, n),
        energy=stack(columns.energy, n),
        # each step's column sum of q, as one matrix product
        step_pmi=q @ route.flow_to_step,
    )
