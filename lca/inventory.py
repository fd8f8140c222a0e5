"""Recipe → inventory: every flow in kg (energy in kWh, kg of steam, ...) per kg of final product.

Each step's charges are converted to kg with pint (volumes through the density, amounts of
substance through the molar mass, ``equiv``/``vol``/``wt`` through the step's limiting reagent),
normalised per kg of the step's isolated product and propagated from 1 kg of final product
through the route graph by :func:`lca.engine.evaluate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pint

from lca import elements
from lca import units as u
from lca.engine import CompiledRoute, Evaluation, evaluate
from lca.errors import Problem, RecipeError, UnitError
from lca.graph import check_graph, step_label
from lca.materials import (
    Material,
    bundled_materials,
    merge_material,
    parse_composition,
    suggest,
)
from lca.recipe import Energy, Input, Recipe, Step

ENERGY_UNITS = {u.ENERGY: "kWh", u.MASS: "kg", u.VOLUME: "m**3"}


@dataclass(frozen=True)
class RecoveryLine:
    """Energy per kg of recovered material, in the carrier's canonical unit."""

    carrier: str
    per_kg: float
    unit: str
    source: str


@dataclass(frozen=True)
class Flow:
    """One input line of one step."""

    step: str
    material: str
    role: str
    intermediate: bool
    recovered: float
    amount: str
    recovery_energy: tuple[RecoveryLine, ...] = ()


@dataclass(frozen=True)
class EnergyLine:
    """One energy line of one step, in its canonical unit (kWh, kg or m³)."""

    step: str
    carrier: str
    unit: str


@dataclass(frozen=True)
class Reaction:
    """What a step's reaction needs for atom economy, RME and carbon efficiency.

    Reactants are the inputs with role ``reactant``. Molar masses are g/mol, masses kg per batch;
    ``None`` where the property is unknown.
    """

    reactant_kg: tuple[float, ...]
    reactant_molar_mass: tuple[float | None, ...]
    reactant_coefficient: tuple[float, ...]
    reactant_carbon: tuple[int | None, ...]
    reactant_names: tuple[str, ...]
    product_kg: float
    product_molar_mass: float | None
    product_coefficient: float
    product_carbon: int | None
    product_name: str


@dataclass(frozen=True)
class Inventory:
    """A route reduced to arrays, evaluated per kg of final product (see :mod:`lca.engine`)."""

    recipe: Recipe
    materials: Mapping[str, Material]
    route: CompiledRoute
    flows: tuple[Flow, ...]
    energy_lines: tuple[EnergyLine, ...]
    charge_kg: np.ndarray
    product_kg: np.ndarray
    energy_amount: np.ndarray
    reactions: tuple[Reaction | None, ...]
    warnings: tuple[str, ...] = field(default=())

    @cached_property
    def result(self) -> Evaluation:
        """The deterministic evaluation (variant axis of length 1)."""
        return evaluate(
            self.route,
            self.charge_kg[None, :],
            self.product_kg[None, :],
            self.energy_amount[None, :],
        )

    @property
    def step_ids(self) -> tuple[str, ...]:
        return tuple(step.id for step in self.recipe.steps)

    @property
    def roles(self) -> np.ndarray:
        return np.array([flow.role for flow in self.flows])

    @property
    def recovered(self) -> np.ndarray:
        return np.array([flow.recovered for flow in self.flows])

    def raw_materials(self) -> dict[tuple[str, str], float]:
        """kg of each raw material (by material and role) per kg of final product."""
        totals: dict[tuple[str, str], float] = {}
        for flow, amount in zip(self.flows, self.result.flow[0], strict=True):
            if not flow.intermediate:
                key = (flow.material, flow.role)
                totals[key] = totals.get(key, 0.0) + float(amount)
        return totals

    def energy_totals(self) -> dict[tuple[str, str], float]:
        """Each energy carrier (and unit) per kg of final product, solvent recovery included."""
        totals: dict[tuple[str, str], float] = {}
        for line, amount in zip(self.energy_lines, self.result.energy[0], strict=True):
            key = (line.carrier, line.unit)
            totals[key] = totals.get(key, 0.0) + float(amount)
        for flow, amount in zip(self.flows, self.result.flow[0], strict=True):
            for line in flow.recovery_energy:
                key = (line.carrier, line.unit)
                totals[key] = totals.get(key, 0.0) + float(amount) * flow.recovered * line.per_kg
        return totals

    def to_frame(self):
        """Tidy table of every flow: one row per input or energy line."""
        import pandas as pd

        rows = [
            {
                "step": flow.step,
                "kind": "intermediate" if flow.intermediate else "material",
                "name": flow.material,
                "role": flow.role,
                "per_batch": float(charge),
                "per_kg_step_product": float(q),
                "per_kg_product": float(y),
                "recovered_per_kg_product": float(y) * flow.recovered,
                "unit": "kg",
            }
            for flow, charge, q, y in zip(
                self.flows,
                self.charge_kg,
                self.result.flow_per_step_product[0],
                self.result.flow[0],
                strict=True,
            )
        ]
        scale = self.result.step_scale[0]
        index = {step_id: i for i, step_id in enumerate(self.step_ids)}
        rows += [
            {
                "step": line.step,
                "kind": "energy",
                "name": line.carrier,
                "role": "energy",
                "per_batch": float(amount),
                "per_kg_step_product": float(y / scale[index[line.step]]),
                "per_kg_product": float(y),
                "recovered_per_kg_product": 0.0,
                "unit": line.unit,
            }
            for line, amount, y in zip(
                self.energy_lines, self.energy_amount, self.result.energy[0], strict=True
            )
        ]
        return pd.DataFrame(rows)


def resolve_materials(
    recipe: Recipe, table: Mapping[str, Material] | None = None
) -> tuple[dict[str, Material], list[Problem]]:
    """Bundled material properties with the recipe's ``[materials.*]`` overrides laid on top.

    Each problem's ``where`` starts with ``materials.<id>``, so callers can tell which materials
    have unreadable properties.
    """
    table = bundled_materials() if table is None else table
    merged = dict(table)
    problems: list[Problem] = []
    for material_id, props in recipe.materials.items():
        where = f"materials.{material_id}"
        overrides: dict[str, object] = {
            "name": props.name, "cas": props.cas, "material_class": props.material_class,
            "source": props.source,
        }  # fmt: skip
        if props.composition is not None:
            try:
                overrides["composition"] = parse_composition(props.composition, "")
            except RecipeError as exc:
                problems.append(Problem(f"{where}.composition", _after_where(exc)))
        if props.formula is not None:
            try:
                elements.molar_mass(props.formula)
            except elements.FormulaError as exc:
                problems.append(Problem(f"{where}.formula", str(exc)))
            else:
                overrides["formula"] = props.formula
        if props.molar_mass is not None:
            try:
                overrides["molar_mass"] = _property(
                    props.molar_mass, "g/mol", u.MOLAR_MASS, f"{where}.molar_mass"
                )
            except UnitError as exc:
                problems.append(Problem(f"{where}.molar_mass", _after_where(exc)))
        if props.density is not None:
            try:
                overrides["density"] = _property(
                    props.density, "g/mL", u.DENSITY, f"{where}.density"
                )
            except UnitError as exc:
                problems.append(Problem(f"{where}.density", _after_where(exc)))
        material = merge_material(table.get(material_id), material_id, **overrides)
        if props.formula is not None and props.molar_mass is None:
            # a new formula replaces the bundled molar mass unless one is given with it
            material = replace(material, molar_mass=None)
        merged[material_id] = material
    return merged, problems


def _after_where(exc: Exception) -> str:
    """The message of an error whose text starts with ``<where>: ``."""
    return str(exc).split(": ", 1)[-1]


def _property(value: float | str, unit: str, dimension, where: str) -> float:
    if isinstance(value, bool):
        raise UnitError(f"{where}: expected a number or a string with units, got {value!r}")
    if isinstance(value, int | float):
        quantity = u.Q_(float(value), unit)
    else:
        quantity = u.parse_quantity(value, where)
    if quantity.dimensionality != dimension:
        raise UnitError(f"{where}: '{value}' is not in {unit} (or another unit of the same kind)")
    magnitude = quantity.m_as(unit)
    if magnitude <= 0:
        raise UnitError(f"{where}: '{value}' must be positive")
    return float(magnitude)


class _Skip(Exception):
    """A value depends on a property or amount whose problem is already reported."""


class _StepConverter:
    """Converts one step's amounts to kg, knowing its limiting reagent.

    ``limiting_state`` is ``"none"`` (no input marked), ``"ok"``, or ``"broken"`` (marked more
    than once, or its own amount could not be read: that problem is reported once, and amounts
    relative to it are skipped rather than reported again).
    """

    def __init__(
        self, recipe: Recipe, index: int, materials: Mapping[str, Material], broken: set[str]
    ):
        self.step: Step = recipe.steps[index]
        self.label = step_label(recipe, index)
        self.materials = materials
        self.broken = broken
        self.limiting: Input | None = None
        self.limiting_position: int | None = None
        self.limiting_state = "none"
        self.limiting_kg: float | None = None
        self.limiting_mol: float | None = None

    def where(self, position: int, item: Input, field_name: str = "amount") -> str:
        return f"{self.label}.inputs[{position}] ({item.material}).{field_name}"

    def molar_mass(self, material_id: str) -> float | None:
        material = self.materials.get(material_id)
        return material.molar_mass_g_per_mol if material else None

    def density(self, material_id: str) -> float | None:
        material = self.materials.get(material_id)
        return material.density if material else None

    def set_limiting(self, position: int, item: Input) -> None:
        """Record the limiting reagent; on failure mark it broken and re-raise."""
        self.limiting, self.limiting_position, self.limiting_state = item, position, "broken"
        where = self.where(position, item)
        quantity = u.parse_quantity(item.amount, where)
        if quantity.dimensionality in (u.EQUIVALENT, u.VOLUME_PER_MASS, u.MASS_RATIO):
            raise UnitError(
                f"{where}: the limiting reagent's amount '{item.amount}' is relative to itself; "
                "give it as a mass, volume or amount of substance"
            )
        self.limiting_kg = self.to_kg(quantity, item.material, where, item.amount)
        self.limiting_state = "ok"
        molar_mass = self.molar_mass(item.material)
        if molar_mass is not None:
            self.limiting_mol = self.limiting_kg * 1000.0 / molar_mass

    def _limiting(self, where: str, text: str) -> None:
        if self.limiting_state == "broken":
            raise _Skip
        if self.limiting_state == "none":
            raise UnitError(
                f"{where}: '{text}' is relative to the limiting reagent, but step "
                f"'{self.step.id}' has none: mark one input with limiting = true"
            )

    def limiting_moles(self, where: str, text: str) -> float:
        self._limiting(where, text)
        if self.limiting_mol is None:
            material = self.limiting.material
            if material in self.broken:
                raise _Skip
            raise UnitError(
                f"{where}: '{text}' needs the moles of the limiting reagent '{material}', whose "
                f"molar mass is unknown: add `formula` or `molar_mass` under [materials.{material}]"
            )
        return self.limiting_mol

    def to_kg(self, quantity: pint.Quantity, material_id: str, where: str, text: str) -> float:
        """Convert one amount (``text`` as written) to kg of ``material_id``."""
        dim = quantity.dimensionality
        if dim == u.MASS:
            return float(quantity.m_as("kg"))
        if dim == u.VOLUME:
            return self._volume_to_kg(quantity, material_id, where, text)
        if dim == u.SUBSTANCE:
            molar_mass = self.need_molar_mass(material_id, where, text)
            return float(quantity.m_as("mol")) * molar_mass / 1000.0
        if dim == u.EQUIVALENT:
            moles = self.limiting_moles(where, text)
            molar_mass = self.need_molar_mass(material_id, where, text)
            return float(quantity.m_as("equiv")) * moles * molar_mass / 1000.0
        if dim == u.VOLUME_PER_MASS:
            self._limiting(where, text)
            volume = quantity * u.Q_(self.limiting_kg, "kg")
            return self._volume_to_kg(volume, material_id, where, text)
        if dim == u.MASS_RATIO:
            self._limiting(where, text)
            return float(quantity.m_as("wt")) * self.limiting_kg
        hint = (
            "; give the total charged instead (flow rate × run time)"
            if dim in (u.VOLUME_FLOW, u.MASS_FLOW)
            else ""
        )
        raise UnitError(
            f"{where}: '{text}' is {u.dimension_name(quantity)}; a charge must be a mass, "
            f"volume, amount of substance (mol), 'equiv', 'vol' (L/kg) or 'wt' (kg/kg){hint}"
        )

    def _volume_to_kg(self, volume, material_id: str, where: str, text: str) -> float:
        density = self.density(material_id)
        if density is None:
            if material_id in self.broken:
                raise _Skip
            raise UnitError(
                f"{where}: '{text}' is a volume, but the density of '{material_id}' is unknown: "
                f'add `density = "... g/mL"` under [materials.{material_id}] or give a mass'
            )
        return float(volume.m_as("mL")) * density / 1000.0

    def need_molar_mass(self, material_id: str, where: str, text: str) -> float:
        molar_mass = self.molar_mass(material_id)
        if molar_mass is None:
            if material_id in self.broken:
                raise _Skip
            raise UnitError(
                f"{where}: '{text}' needs the molar mass of '{material_id}', which is unknown: "
                f"add `formula` or `molar_mass` under [materials.{material_id}], or give a mass"
            )
        return molar_mass


def _energy_amount(step_label_: str, position: int, line: Energy) -> tuple[float, str]:
    where = f"{step_label_}.energy[{position}] ({line.carrier})"
    if line.amount is not None and (line.power is not None or line.duration is not None):
        raise UnitError(f"{where}: give either `amount` or `power` with `duration`, not both")
    if line.amount is not None:
        quantity = u.parse_quantity(line.amount, f"{where}.amount")
    elif line.power is not None and line.duration is not None:
        power = u.parse_quantity(line.power, f"{where}.power")
        duration = u.parse_quantity(line.duration, f"{where}.duration")
        if power.dimensionality != u.POWER:
            raise UnitError(f"{where}.power: '{line.power}' is not a power (e.g. '15 kW')")
        if duration.dimensionality != u.TIME:
            raise UnitError(f"{where}.duration: '{line.duration}' is not a time (e.g. '6 h')")
        quantity = power * duration
    elif line.power is not None:
        raise UnitError(f'{where}: `power` needs a `duration` (e.g. duration = "6 h")')
    else:
        raise UnitError(f"{where}: give `amount` (e.g. '120 kWh') or `power` and `duration`")
    unit = ENERGY_UNITS.get(quantity.dimensionality)
    if unit is None:
        text = line.amount if line.amount is not None else f"{line.power} × {line.duration}"
        raise UnitError(
            f"{where}: '{text}' is {u.dimension_name(quantity)}; energy is given as "
            "energy (kWh, MJ), power × duration, a mass (kg of steam) or a volume (m³ of gas)"
        )
    return float(quantity.m_as(unit)), unit


def build_inventory(recipe: Recipe, materials: Mapping[str, Material] | None = None) -> Inventory:
    """Convert a recipe's amounts and propagate demand from 1 kg of final product.

    Raises
    ------
    RecipeError
        With every problem found (graph, units, missing properties), each naming the recipe file
        and the field.
    """
    table, problems = resolve_materials(recipe, materials)
    graph, graph_problems = check_graph(recipe)
    problems += graph_problems
    warnings: list[str] = []
    flows: list[Flow] = []
    charges: list[float] = []
    flow_step: list[int] = []
    energy_lines: list[EnergyLine] = []
    energy_amounts: list[float] = []
    energy_step: list[int] = []
    energy_where: list[str] = []
    product_kg = np.zeros(len(recipe.steps))
    reactions: list[Reaction | None] = []
    producer = (
        graph.producer
        if graph
        else {s.product.material: i for i, s in enumerate(recipe.steps) if s.product is not None}
    )
    known = set(table) | set(producer)

    broken = {p.where.split(".")[1] for p in problems if p.where.startswith("materials.")}
    for index, step in enumerate(recipe.steps):
        convert = _StepConverter(recipe, index, table, broken)
        _set_limiting(convert, problems)
        step_masses: dict[int, float] = {}
        for position, item in enumerate(step.inputs):
            if position == convert.limiting_position and convert.limiting_state == "broken":
                continue  # its problem is reported once, by _set_limiting
            where = convert.where(position, item)
            try:
                quantity = u.parse_quantity(item.amount, where)
                kg = convert.to_kg(quantity, item.material, where, item.amount)
                recovered = (
                    0.0
                    if item.recovered is None
                    else u.parse_fraction(
                        item.recovered, convert.where(position, item, "recovered")
                    )
                )
                recovery = _recovery_lines(
                    convert.where(position, item, "recovery_energy"), item, recovered
                )
            except UnitError as exc:
                problems.append(Problem("", str(exc)))
                continue
            except _Skip:
                continue
            if item.material not in known:
                warnings.append(
                    f"{recipe.origin}: {convert.where(position, item, 'material')}: material "
                    f"'{item.material}' is not in factors/materials.csv and the recipe gives no "
                    f"[materials.{item.material}]{suggest(item.material, known)}"
                )
            intermediate = item.material in producer
            if intermediate and recovered > 0:
                problems.append(
                    Problem(
                        convert.where(position, item, "recovered"),
                        f"'{item.material}' is an intermediate (made by step "
                        f"'{recipe.steps[producer[item.material]].id}'); `recovered` applies to "
                        "raw materials such as solvents: remove it",
                    )
                )
            flows.append(
                Flow(
                    step.id,
                    item.material,
                    item.role,
                    intermediate,
                    recovered,
                    item.amount,
                    recovery,
                )
            )
            charges.append(kg)
            flow_step.append(index)
            step_masses[position] = kg
        for position, line in enumerate(step.energy):
            try:
                amount, unit = _energy_amount(convert.label, position, line)
            except UnitError as exc:
                problems.append(Problem("", str(exc)))
                continue
            energy_lines.append(EnergyLine(step.id, line.carrier, unit))
            energy_where.append(f"{convert.label}.energy[{position}] ({line.carrier})")
            energy_amounts.append(amount)
            energy_step.append(index)
        reaction = None
        if step.product is not None:
            try:
                product_kg[index] = _product_kg(convert)
            except UnitError as exc:
                problems.append(Problem("", str(exc)))
            except _Skip:
                pass
            else:
                complete = len(step_masses) == len(step.inputs)
                problems += _product_problems(convert, product_kg[index], step_masses, complete)
                if complete:
                    reaction = _reaction(step, convert, step_masses, product_kg[index])
        reactions.append(reaction)

    recovery_lines = [
        (
            EnergyLine(flow.step, line.carrier, line.unit),
            f"steps ({flow.step}).inputs ({flow.material}).recovery_energy ({line.carrier})",
        )
        for flow in flows
        for line in flow.recovery_energy
    ]
    problems += _mixed_energy_units(
        [*energy_lines, *(line for line, _ in recovery_lines)],
        [*energy_where, *(where for _, where in recovery_lines)],
    )
    if problems:
        raise RecipeError(problems, source=recipe.origin)
    route = CompiledRoute(
        n_steps=len(recipe.steps),
        final_step=graph.final_step,
        order=np.array(graph.order),
        flow_step=np.array(flow_step, dtype=int),
        flow_producer=np.array(
            [producer.get(f.material, -1) if f.intermediate else -1 for f in flows], dtype=int
        ),
        energy_step=np.array(energy_step, dtype=int),
    )
    return Inventory(
        recipe=recipe,
        materials=table,
        route=route,
        flows=tuple(flows),
        energy_lines=tuple(energy_lines),
        charge_kg=np.array(charges, dtype=float),
        product_kg=product_kg,
        energy_amount=np.array(energy_amounts, dtype=float),
        reactions=tuple(reactions),
        warnings=tuple(warnings),
    )


def _recovery_lines(where: str, item: Input, recovered: float) -> tuple[RecoveryLine, ...]:
    if item.recovery_energy and recovered == 0:
        raise UnitError(
            f"{where}: recovery energy is given but `recovered` is not: add the "
            "recovered fraction (e.g. recovered = 0.85)"
        )
    lines = []
    for index, line in enumerate(item.recovery_energy):
        quantity = u.parse_quantity(line.per_kg, f"{where}[{index}].per_kg")
        unit = ENERGY_UNITS.get(quantity.dimensionality)
        if unit is None:
            raise UnitError(
                f"{where}[{index}].per_kg: '{line.per_kg}' is {u.dimension_name(quantity)}; give "
                "the energy per kg recovered as an energy (kWh, MJ), a mass (kg of steam) or a "
                "volume (m³ of gas)"
            )
        lines.append(RecoveryLine(line.carrier, float(quantity.m_as(unit)), unit, line.source))
    return tuple(lines)


def _mixed_energy_units(lines: list[EnergyLine], where: list[str]) -> list[Problem]:
    """One carrier must be given in one kind of unit: kg of steam and MJ of steam do not add."""
    first: dict[str, EnergyLine] = {}
    problems = []
    for line, location in zip(lines, where, strict=True):
        seen = first.setdefault(line.carrier, line)
        if seen.unit != line.unit:
            problems.append(
                Problem(
                    location,
                    f"'{line.carrier}' is given as {line.unit} here and as {seen.unit} in step "
                    f"'{seen.step}'; give one carrier in one kind of unit throughout the route",
                )
            )
            first[line.carrier] = line
    return problems


def _set_limiting(convert: _StepConverter, problems: list[Problem]) -> None:
    step = convert.step
    limiting = [(p, item) for p, item in enumerate(step.inputs) if item.limiting]
    if len(limiting) > 1:
        convert.limiting_state = "broken"
        names = ", ".join(f"'{item.material}'" for _, item in limiting)
        problems.append(
            Problem(
                f"{convert.label}.inputs",
                f"step '{step.id}' marks {len(limiting)} inputs as limiting ({names}); mark one",
            )
        )
    elif limiting:
        try:
            convert.set_limiting(*limiting[0])
        except UnitError as exc:
            problems.append(Problem("", str(exc)))
        except _Skip:
            pass


def _product_problems(
    convert: _StepConverter, product_kg: float, input_kg: dict[int, float], complete: bool
) -> list[Problem]:
    step = convert.step
    where = f"{convert.label}.product"
    if product_kg <= 0:
        return [
            Problem(
                where,
                f"step '{step.id}' makes no product (0 kg); give its isolated amount "
                "or a yield above zero",
            )
        ]
    total = sum(input_kg.values())
    if complete and total < product_kg * (1 - 1e-9):
        return [
            Problem(
                where,
                f"step '{step.id}' isolates {product_kg:.6g} kg of '{step.product.material}' "
                f"from {total:.6g} kg of inputs; mass cannot be created: check the product "
                "amount or yield and the charges",
            )
        ]
    return []


def _product_kg(convert: _StepConverter) -> float:
    product = convert.step.product
    where = f"{convert.label}.product"
    if product.amount is not None and product.yield_ is not None:
        raise UnitError(f"{where}: give the isolated `amount` or the `yield`, not both")
    if product.amount is not None:
        quantity = u.parse_quantity(product.amount, f"{where}.amount")
        if quantity.dimensionality not in (u.MASS, u.VOLUME, u.SUBSTANCE):
            raise UnitError(
                f"{where}.amount: '{product.amount}' is {u.dimension_name(quantity)}; "
                "give the isolated mass"
            )
        return convert.to_kg(quantity, product.material, f"{where}.amount", product.amount)
    if product.yield_ is None:
        raise UnitError(
            f"{where}: give the isolated `amount` (e.g. '5.1 kg') or the molar "
            "`yield` on the limiting reagent"
        )
    fraction = u.parse_fraction(product.yield_, f"{where}.yield")
    text = f"yield {product.yield_}"
    limiting_mol = convert.limiting_moles(f"{where}.yield", text)
    molar_mass = convert.need_molar_mass(product.material, f"{where}.yield", text)
    limiting_coefficient = convert.limiting.coefficient or 1.0
    moles = fraction * limiting_mol * product.coefficient / limiting_coefficient
    return moles * molar_mass / 1000.0


def _reaction(
    step: Step, convert: _StepConverter, input_kg: dict[int, float], product_kg: float
) -> Reaction:
    positions = [p for p, item in enumerate(step.inputs) if item.role == "reactant"]
    reactants = [step.inputs[p] for p in positions]
    kg = [input_kg[p] for p in positions]
    material = convert.materials.get(step.product.material)
    return Reaction(
        reactant_kg=tuple(kg),
        reactant_molar_mass=tuple(convert.molar_mass(i.material) for i in reactants),
        reactant_coefficient=tuple(i.coefficient or 1.0 for i in reactants),
        reactant_carbon=tuple(
            convert.materials[i.material].carbon_atoms if i.material in convert.materials else None
            for i in reactants
        ),
        reactant_names=tuple(i.material for i in reactants),
        product_kg=product_kg,
        product_molar_mass=convert.molar_mass(step.product.material),
        product_coefficient=step.product.coefficient,
        product_carbon=material.carbon_atoms if material else None,
        product_name=step.product.material,
    )
