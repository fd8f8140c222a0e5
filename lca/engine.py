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

from dataclasses import dataclass

import numpy as np


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
    order: np.ndarray
    flow_step: np.ndarray
    flow_producer: np.ndarray
    energy_step: np.ndarray

    @property
    def is_raw(self) -> np.ndarray:
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

    step_scale: np.ndarray
    flow_per_step_product: np.ndarray
    flow: np.ndarray
    energy: np.ndarray
    step_pmi: np.ndarray


def propagate_demand(route: CompiledRoute, q: np.ndarray) -> np.ndarray:
    """Solve ``(I - Q_int) x = e_final`` for every variant.

    Parameters
    ----------
    route : CompiledRoute
    q : numpy.ndarray
        ``(N, F)`` kg of each input line per kg of its step's product.

    Returns
    -------
    numpy.ndarray
        ``(N, S)`` step scale ``x`` [kg step product / kg final product].
    """
    n = q.shape[0]
    x = np.zeros((n, route.n_steps))
    x[:, route.final_step] = 1.0
    for step in route.order[1:]:
        charged = np.flatnonzero(route.flow_producer == step)
        x[:, step] = (q[:, charged] * x[:, route.flow_step[charged]]).sum(axis=1)
    return x


def evaluate(
    route: CompiledRoute,
    charge_kg: np.ndarray,
    product_kg: np.ndarray,
    energy_amount: np.ndarray,
) -> Evaluation:
    """Normalise per-batch charges and propagate demand from 1 kg of final product.

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
    q = charge_kg / product_kg[:, route.flow_step]
    x = propagate_demand(route, q)
    flow = q * x[:, route.flow_step]
    energy = energy_amount / product_kg[:, route.energy_step] * x[:, route.energy_step]
    step_pmi = np.zeros((q.shape[0], route.n_steps))
    np.add.at(step_pmi.T, route.flow_step, q.T)
    return Evaluation(
        step_scale=x, flow_per_step_product=q, flow=flow, energy=energy, step_pmi=step_pmi
    )
