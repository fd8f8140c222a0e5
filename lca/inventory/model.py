"""The inventory of a route: its lines, and their amounts per kg of final product.

An :class:`Inventory` is the route reduced to arrays (:mod:`lca.engine`): input lines
(:class:`Flow`), energy lines, co-products and each step's reaction, with their amounts on the
steps' campaign basis; :attr:`Inventory.result` evaluates them per kg of final product, and
the derived quantities reports read (raw-material totals, each step's mass balance) are
computed here once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from lca.arrays import Floats, Labels, Variable
from lca.energy import RecoveryLine
from lca.engine import Columns, CompiledRoute, Evaluation, evaluate, evaluate_columns, stack
from lca.materials import Material
from lca.prices import Price
from lca.reaction import Reaction
from lca.recipe import Recipe
from lca.units import WRITTEN, Values


@dataclass(frozen=True)
class Flow:
    """One input line of one step."""

    step: str
    material: str
    role: str
    intermediate: bool
    recovered: Variable
    amount: str
    recovery_energy: tuple[RecoveryLine, ...] = ()
    origin: str = "charge"
    stage: str | None = None
    """reaction, workup or purification for input lines; None for cleaning and changeover"""


@dataclass(frozen=True)
class CoproductLine:
    """One co-product of one step (its kg are :attr:`Inventory.coproduct_kg`).

    ``price`` is the value per kg for economic allocation, ``displaces`` the material it replaces
    for system expansion (the co-product itself unless the recipe says otherwise).
    """

    step: str
    material: str
    coefficient: float = 1.0
    price: Price | None = None
    displaces: str = ""
    notes: str = ""


@dataclass(frozen=True)
class EnergyLine:
    """One energy line of one step, in its canonical unit (kWh, kg or m³)."""

    step: str
    carrier: str
    unit: str
    origin: str = "utilities"


@dataclass(frozen=True)
class StepBalance:
    """Each step's mass balance per kg of final product [kg/kg], one entry per step:
    ``inflow = product + coproducts + recovered + waste``.

    ``inflow`` is everything charged (intermediates included), ``raw`` its raw materials,
    ``product`` the step's isolated product (``x_s``), ``recovered`` what is recovered for
    reuse and ``waste`` the rest (:func:`lca.metrics.step_waste`). Computed once, here; the
    step metrics, the Sankey and every report read it.
    """

    inflow: Floats
    raw: Floats
    product: Floats
    coproducts: Floats
    recovered: Floats
    waste: Floats


@dataclass(frozen=True)
class Inventory:
    """A route reduced to arrays, evaluated per kg of final product (see :mod:`lca.engine`)."""

    recipe: Recipe
    materials: Mapping[str, Material]
    route: CompiledRoute
    flows: tuple[Flow, ...]
    energy_lines: tuple[EnergyLine, ...]
    charge_columns: tuple
    product_columns: tuple
    energy_columns: tuple
    reactions: tuple[Reaction | None, ...]
    warnings: tuple[str, ...] = field(default=())
    variants: int = 1
    values: Values = WRITTEN
    coproducts: tuple[CoproductLine, ...] = ()
    coproduct_columns: tuple = ()
    allocation: tuple[str | None, ...] = ()
    """per step: "mass", "economic", "system-expansion" or None (the product bears it all)"""
    product_price: tuple[Price | None, ...] = ()
    """per step: the value of its product per kg, if the recipe gives one"""

    @cached_property
    def charge_kg(self) -> Floats:
        """kg of each input line on its step's basis: ``(F,)``, or ``(N, F)`` for variants."""
        return stack_columns(self.charge_columns, self.variants)

    @cached_property
    def product_kg(self) -> Floats:
        """kg of each step's product on the same basis: ``(S,)`` or ``(N, S)``."""
        return stack_columns(self.product_columns, self.variants)

    @cached_property
    def coproduct_kg(self) -> Floats:
        """kg of each co-product on its step's basis (campaign totals, like ``product_kg``):
        ``(C,)``, or ``(N, C)`` for variants."""
        return stack_columns(self.coproduct_columns, self.variants)

    @cached_property
    def coproduct_step(self) -> Floats:
        """``(C,)`` index of the step that makes each co-product."""
        index = {step_id: i for i, step_id in enumerate(self.step_ids)}
        return np.array([index[line.step] for line in self.coproducts], dtype=int)

    @cached_property
    def coproduct_result(self) -> Floats:
        """kg of each co-product per kg of final product, ``(N, C)``: made alongside the
        ``step_scale`` kg of its step's product that 1 kg of final product needs."""
        return self.coproduct_flow(self.result.step_scale, np.atleast_2d(self.product_kg))

    def coproduct_flow(self, step_scale, products) -> Floats:
        """Co-products per kg of final product from a step scale ``(N, S)`` and the steps'
        products on their own basis ``(N, S)`` (for evaluations other than :attr:`result`)."""
        steps = self.coproduct_step
        kg = np.atleast_2d(self.coproduct_kg)
        if not len(steps):
            return np.zeros((np.shape(step_scale)[0], 0))
        return kg / np.asarray(products)[:, steps] * np.asarray(step_scale)[:, steps]

    def coproduct_columns_per_kg(self, columns: Columns) -> list:
        """Co-products per kg of final product on the fast path of :meth:`columns`: one entry
        per co-product, a float or an ``(N,)`` array (Monte Carlo runs and sweeps)."""
        return [
            kg / self.product_columns[step] * columns.step_scale[step]
            for kg, step in zip(self.coproduct_columns, self.coproduct_step, strict=True)
        ]

    def coproducts_per_step_product(self) -> Floats:
        """``(N, S)`` kg of co-products per kg of each step's product."""
        products = np.atleast_2d(self.product_kg)
        totals = np.zeros_like(products)
        for column, step in enumerate(self.coproduct_step):
            totals[:, step] += np.atleast_2d(self.coproduct_kg)[:, column] / products[:, step]
        return totals

    @cached_property
    def stages(self) -> Labels:
        """``(F,)`` the stage of each input line ("" for cleaning and changeover)."""
        return np.array([flow.stage or "" for flow in self.flows])

    @property
    def stages_tagged(self) -> bool:
        """Whether the recipe tags any input with a stage (then stage PMIs are reported)."""
        return any("stage" in item.model_fields_set for s in self.recipe.steps for item in s.inputs)

    @cached_property
    def energy_amount(self) -> Floats:
        """Each energy line on the same basis: ``(E,)`` or ``(N, E)``."""
        return stack_columns(self.energy_columns, self.variants)

    def columns(self) -> Columns:
        """The evaluation as per-line entries (floats where nothing varies): the fast path of
        Monte Carlo runs and sweeps, which never build ``(N, F)`` matrices."""
        return evaluate_columns(
            self.route, self.charge_columns, self.product_columns, self.energy_columns
        )

    @cached_property
    def result(self) -> Evaluation:
        """The evaluation per kg of final product, with a leading variant axis.

        ``charge_kg``, ``product_kg`` and ``energy_amount`` are 1-D for a recipe as written
        (one variant) and 2-D ``(N, ·)`` for N variants built with overridden values.
        """
        return evaluate(
            self.route,
            np.atleast_2d(self.charge_kg),
            np.atleast_2d(self.product_kg),
            np.atleast_2d(self.energy_amount),
        )

    @cached_property
    def site(self):
        """The route-level numbers the footprint needs (:class:`lca.site.Site`)."""
        from lca.site import read_site

        return read_site(self.recipe, self.values)

    @cached_property
    def step_ids(self) -> tuple[str, ...]:
        return tuple(step.id for step in self.recipe.steps)

    @cached_property
    def lines_of_step(self) -> tuple[tuple[int, ...], ...]:
        """For each step, the input lines charged to it (in line order)."""
        lines: list[list[int]] = [[] for _ in self.recipe.steps]
        for line, step in enumerate(self.route.flow_step.tolist()):
            lines[step].append(line)
        return tuple(tuple(found) for found in lines)

    @cached_property
    def roles(self) -> Labels:
        return np.array([flow.role for flow in self.flows])

    @cached_property
    def recovered(self) -> Floats:
        return np.array([flow.recovered for flow in self.flows])

    def raw_totals(self, *fields: str) -> dict[tuple, float]:
        """kg of raw materials per kg of final product, added up by the :class:`Flow`
        attributes named (``raw_totals("material", "role")``, ``raw_totals("step")``).

        The one sum of raw-material lines that reports read: intermediates are left out, as in
        the PMI.
        """
        totals: dict[tuple, float] = {}
        for flow, amount in zip(self.flows, self.result.flow[0], strict=True):
            if not flow.intermediate:
                key = tuple(getattr(flow, name) for name in fields)
                totals[key] = totals.get(key, 0.0) + float(amount)
        return totals

    @cached_property
    def step_balance(self) -> StepBalance:
        """Each step's mass balance per kg of final product (the recipe as written)."""
        from lca import metrics

        ev = self.result
        onehot = self.route.flow_to_step
        raw = self.route.is_raw
        coproducts = self.coproducts_per_step_product()
        return StepBalance(
            inflow=(ev.flow @ onehot)[0],
            raw=(ev.flow[:, raw] @ onehot[raw])[0],
            product=ev.step_scale[0],
            coproducts=(ev.step_scale * coproducts)[0],
            recovered=metrics.step_recovered(ev, onehot, self.recovered)[0],
            waste=metrics.step_waste(ev, coproducts, onehot, self.recovered)[0],
        )

    def energy_totals(self) -> dict[tuple[str, str], float]:
        """Each energy carrier (and unit) per kg of final product, solvent recovery included."""
        totals: dict[tuple[str, str], float] = {}
        for line, amount in zip(self.energy_lines, self.result.energy[0], strict=True):
            key = (line.carrier, line.unit)
            totals[key] = totals.get(key, 0.0) + float(amount)
        for flow, amount in zip(self.flows, self.result.flow[0], strict=True):
            for recovery in flow.recovery_energy:
                key = (recovery.carrier, recovery.unit)
                spent = float(amount * flow.recovered * recovery.per_kg)
                totals[key] = totals.get(key, 0.0) + spent
        return totals

    def to_frame(self):
        """Tidy table of every flow: one row per input line, energy line and co-product.

        Input lines carry their ``origin`` (charge, feed, feed solvent, cleaning, ...) and
        ``stage`` (reaction, workup, purification; empty for cleaning and energy).
        """
        import pandas as pd

        return pd.DataFrame(self.to_records())

    def to_records(self) -> list[dict]:
        """The rows of :meth:`to_frame` as dicts of Python numbers and text (without pandas,
        whose import takes a fifth of a second)."""
        batches = {
            step.id: step.batches if step.mode == "batch" else 1 for step in self.recipe.steps
        }

        def row(step, kind, name, role, campaign, per_step_product, per_kg, unit, origin,
                recovered=0.0, stage=""):  # fmt: skip
            return {
                "step": step, "kind": kind, "name": name, "role": role,
                "per_batch": float(campaign) / batches[step], "per_campaign": float(campaign),
                "per_kg_step_product": float(per_step_product), "per_kg_product": float(per_kg),
                "recovered_per_kg_product": float(recovered), "unit": unit, "origin": origin,
                "stage": stage,
            }  # fmt: skip

        ev, index = self.result, {step_id: i for i, step_id in enumerate(self.step_ids)}
        scale, products = ev.step_scale[0], self.product_kg
        # fmt: off
        rows = [
            row(flow.step, "intermediate" if flow.intermediate else "material", flow.material,
                flow.role, charge, q, y, "kg", flow.origin, y * flow.recovered, flow.stage or "")
            for flow, charge, q, y in zip(
                self.flows, self.charge_kg, ev.flow_per_step_product[0], ev.flow[0], strict=True
            )
        ]
        rows += [
            row(line.step, "energy", line.carrier, "energy", amount, y / scale[index[line.step]],
                y, line.unit, line.origin)
            for line, amount, y in zip(
                self.energy_lines, self.energy_amount, ev.energy[0], strict=True
            )
        ]
        rows += [
            row(line.step, "coproduct", line.material, "coproduct", kg,
                kg / products[index[line.step]], y, "kg", "coproduct")
            for line, kg, y in zip(
                self.coproducts, self.coproduct_kg, self.coproduct_result[0], strict=True
            )
        ]
        # fmt: on
        return rows


def stack_columns(values: Sequence, n: int) -> Floats:
    """Scalars and (n,) arrays as one array: (len(values),) for n == 1, else (n, len(values))."""
    if n == 1:
        return np.array([float(np.asarray(v).reshape(-1)[0]) for v in values], dtype=float)
    return stack(values, n)
