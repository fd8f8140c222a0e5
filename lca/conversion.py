"""Amounts → kg: units, densities, molar masses, the limiting reagent, run times.

A :class:`StepConverter` turns one step's amounts into kg (energies into kWh, kg of steam or m³),
knowing the step's limiting reagent and, for a continuous step, its run time (flow rates are
multiplied by it). Problems are raised as :class:`~lca.errors.UnitError` naming the field; an
amount that depends on a problem already reported raises :class:`Skip` instead, so each mistake
is reported once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pint

from lca import units as u
from lca.errors import Problem, UnitError
from lca.graph import step_label
from lca.materials import Material
from lca.modes import Campaign
from lca.recipe import Energy, Input, Recipe, Step
from lca.units import WRITTEN, Values, magnitude

ENERGY_UNITS = {u.ENERGY: "kWh", u.MASS: "kg", u.VOLUME: "m**3"}
FLOW_RATES = (u.VOLUME_FLOW, u.MASS_FLOW, (u.ureg.mol / u.ureg.hour).dimensionality)


@dataclass(frozen=True)
class RecoveryLine:
    """Energy per kg of recovered material, in the carrier's canonical unit."""

    carrier: str
    per_kg: float
    unit: str
    source: str


def after_where(exc: Exception) -> str:
    """The message of an error whose text starts with ``<where>: ``."""
    return str(exc).split(": ", 1)[-1]


def parse_property(value: float | str, unit: str, dimension, where: str) -> float:
    if isinstance(value, bool):
        raise UnitError(f"{where}: expected a number or a string with units, got {value!r}")
    if isinstance(value, int | float):
        quantity = u.Q_(float(value), unit)
    else:
        quantity = u.parse_quantity(value, where)
    if quantity.dimensionality != dimension:
        raise UnitError(f"{where}: '{value}' is not in {unit} (or another unit of the same kind)")
    in_unit = float(quantity.m_as(unit))
    if in_unit <= 0:
        raise UnitError(f"{where}: '{value}' must be positive")
    return in_unit


class Skip(Exception):
    """A value depends on a property or amount whose problem is already reported."""


class StepConverter:
    """Converts one step's amounts to kg, knowing its limiting reagent.

    ``limiting_state`` is ``"none"`` (no input marked), ``"ok"``, or ``"broken"`` (marked more
    than once, or its own amount could not be read: that problem is reported once, and amounts
    relative to it are skipped rather than reported again).
    """

    def __init__(
        self,
        recipe: Recipe,
        index: int,
        materials: Mapping[str, Material],
        broken: set[str],
        plan: Campaign | None = None,
        values: Values = WRITTEN,
    ):
        self.values = values
        self.plan = plan or Campaign(recipe.steps[index].mode)
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
        quantity = self.values.quantity(item.amount, where)
        if quantity.dimensionality in (u.EQUIVALENT, u.VOLUME_PER_MASS, u.MASS_RATIO):
            raise UnitError(
                f"{where}: the limiting reagent's amount '{item.amount}' is relative to itself; "
                "give it as a mass, volume or amount of substance"
            )
        self.limiting_kg = self.input_parts(position, item)[0][2]
        self.limiting_state = "ok"
        molar_mass = self.molar_mass(item.material)
        if molar_mass is not None:
            self.limiting_mol = self.limiting_kg * 1000.0 / molar_mass

    def input_parts(self, position: int, item: Input) -> list[tuple[str, str, float, str]]:
        """``(material, role, kg, origin)`` of one input: itself, or a solute and its solvent."""
        where = self.where(position, item)
        if item.concentration is None:
            for name in ("solvent", "solution_density"):
                if getattr(item, name) is not None:
                    raise UnitError(
                        f"{self.where(position, item, name)}: only a solution feed "
                        "(with `concentration`) has a solvent and solution density"
                    )
            quantity = self.values.quantity(item.amount, where)
            return [
                (
                    item.material,
                    item.role,
                    self.to_kg(quantity, item.material, where, item.amount),
                    "charge",
                )
            ]
        return self._solution(position, item)

    def _solution(self, position: int, item: Input) -> list[tuple[str, str, float, str]]:
        """Split a solution feed into solute and solvent masses."""
        where = self.where(position, item)
        if item.solvent is None:
            raise UnitError(
                f"{self.where(position, item, 'solvent')}: a solution feed needs the "
                'id of its solvent, e.g. solvent = "thf"'
            )
        total = self._over_run(self.values.quantity(item.amount, where), where, item.amount)
        if item.solution_density is not None:
            density = parse_property(
                item.solution_density,
                "g/mL",
                u.DENSITY,
                self.where(position, item, "solution_density"),
            )
        else:
            density = self.density(item.solvent)
        if total.dimensionality == u.VOLUME:
            if density is None:
                raise UnitError(
                    f"{self.where(position, item, 'solution_density')}: the density "
                    f"of the solution (or of its solvent '{item.solvent}') is unknown: "
                    "give solution_density"
                )
            litres = magnitude(total, "L")
            solution_kg = litres * density
        elif total.dimensionality == u.MASS:
            solution_kg = magnitude(total, "kg")
            litres = None if density is None else solution_kg / density
        else:
            raise UnitError(
                f"{where}: a solution feed is a volume or mass (or a rate of one), "
                f"not {u.dimension_name(total)}"
            )
        cwhere = self.where(position, item, "concentration")
        concentration = (
            self.values.quantity(item.concentration, cwhere)
            if not str(item.concentration).strip().endswith("%")
            else None
        )
        if concentration is None:
            solute_kg = self.values.fraction(item.concentration, cwhere) * solution_kg
        else:
            if litres is None:
                raise UnitError(
                    f"{cwhere}: '{item.concentration}' is per volume, but the feed is "
                    "a mass and the solution density is unknown: give "
                    "solution_density"
                )
            dim = concentration.dimensionality
            if dim == (u.ureg.mol / u.ureg.L).dimensionality:
                molar_mass = self.need_molar_mass(item.material, cwhere, item.concentration)
                solute_kg = magnitude(concentration, "mol/L") * litres * molar_mass / 1000.0
            elif dim == u.DENSITY:
                solute_kg = magnitude(concentration, "kg/L") * litres
            else:
                raise UnitError(
                    f"{cwhere}: '{item.concentration}' is not a concentration: give "
                    "mol/L, g/L or a mass fraction in %"
                )
        solvent_kg = solution_kg - solute_kg
        if np.any(solvent_kg < 0):
            raise UnitError(
                f"{cwhere}: '{item.concentration}' puts more solute in the feed than "
                f"the solution weighs ({solution_kg:.4g} kg); check the concentration "
                "and the solution density"
            )
        return [
            (item.material, item.role, solute_kg, "feed"),
            (item.solvent, "solvent", solvent_kg, "feed solvent"),
        ]

    def _over_run(self, quantity, where: str, text: str):
        """A flow rate × the run time of a continuous step; other amounts unchanged."""
        if quantity.dimensionality not in FLOW_RATES:
            return quantity
        if self.plan.run_time_h is None:
            raise UnitError(
                f"{where}: '{text}' is {u.dimension_name(quantity)}; flow rates belong to "
                'continuous steps (mode = "continuous" with run_time); in a batch step give '
                "the amount charged per batch"
            )
        return quantity * u.Q_(self.plan.run_time_h, "h")

    def _limiting(self, where: str, text: str) -> None:
        if self.limiting_state == "broken":
            raise Skip
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
                raise Skip
            raise UnitError(
                f"{where}: '{text}' needs the moles of the limiting reagent '{material}', whose "
                f"molar mass is unknown: add `formula` or `molar_mass` under [materials.{material}]"
            )
        return self.limiting_mol

    def to_kg(self, quantity: pint.Quantity, material_id: str, where: str, text: str) -> float:
        """Convert one amount (``text`` as written) to kg of ``material_id``."""
        quantity = self._over_run(quantity, where, text)
        dim = quantity.dimensionality
        if dim == u.MASS:
            return magnitude(quantity, "kg")
        if dim == u.VOLUME:
            return self._volume_to_kg(quantity, material_id, where, text)
        if dim == u.SUBSTANCE:
            molar_mass = self.need_molar_mass(material_id, where, text)
            return magnitude(quantity, "mol") * molar_mass / 1000.0
        if dim == u.EQUIVALENT:
            moles = self.limiting_moles(where, text)
            molar_mass = self.need_molar_mass(material_id, where, text)
            return magnitude(quantity, "equiv") * moles * molar_mass / 1000.0
        if dim == u.VOLUME_PER_MASS:
            self._limiting(where, text)
            volume = quantity * u.Q_(self.limiting_kg, "kg")
            return self._volume_to_kg(volume, material_id, where, text)
        if dim == u.MASS_RATIO:
            self._limiting(where, text)
            return magnitude(quantity, "wt") * self.limiting_kg
        raise UnitError(
            f"{where}: '{text}' is {u.dimension_name(quantity)}; a charge must be a mass, "
            "volume, amount of substance (mol), 'equiv', 'vol' (L/kg) or 'wt' (kg/kg)"
        )

    def _volume_to_kg(self, volume, material_id: str, where: str, text: str) -> float:
        density = self.density(material_id)
        if density is None:
            if material_id in self.broken:
                raise Skip
            raise UnitError(
                f"{where}: '{text}' is a volume, but the density of '{material_id}' is unknown: "
                f'add `density = "... g/mL"` under [materials.{material_id}] or give a mass'
            )
        return magnitude(volume, "mL") * density / 1000.0

    def need_molar_mass(self, material_id: str, where: str, text: str) -> float:
        molar_mass = self.molar_mass(material_id)
        if molar_mass is None:
            if material_id in self.broken:
                raise Skip
            raise UnitError(
                f"{where}: '{text}' needs the molar mass of '{material_id}', which is unknown: "
                f"add `formula` or `molar_mass` under [materials.{material_id}], or give a mass"
            )
        return molar_mass


def energy_amount(
    where: str, line: Energy, run_time_h: float | None = None, values: Values = WRITTEN
) -> tuple[float, str]:
    """An energy line in its canonical unit; ``power`` alone runs for ``run_time_h``."""
    if line.amount is not None and (line.power is not None or line.duration is not None):
        raise UnitError(f"{where}: give either `amount` or `power` with `duration`, not both")
    if line.amount is not None:
        quantity = values.quantity(line.amount, f"{where}.amount")
    elif line.power is not None and line.duration is not None:
        power = values.quantity(line.power, f"{where}.power")
        duration = values.quantity(line.duration, f"{where}.duration")
        if power.dimensionality != u.POWER:
            raise UnitError(f"{where}.power: '{line.power}' is not a power (e.g. '15 kW')")
        if duration.dimensionality != u.TIME:
            raise UnitError(f"{where}.duration: '{line.duration}' is not a time (e.g. '6 h')")
        quantity = power * duration
    elif line.power is not None and run_time_h is not None:
        power = values.quantity(line.power, f"{where}.power")
        if power.dimensionality != u.POWER:
            raise UnitError(f"{where}.power: '{line.power}' is not a power (e.g. '15 kW')")
        quantity = power * u.Q_(run_time_h, "h")
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
    return magnitude(quantity, unit), unit


def recovery_lines(where: str, item: Input, recovered: float) -> tuple[RecoveryLine, ...]:
    if item.recovery_energy and np.all(np.asarray(recovered) == 0):
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


def set_limiting(convert: StepConverter, problems: list[Problem]) -> None:
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
        except Skip:
            pass


def product_kg(convert: StepConverter) -> float:
    product = convert.step.product
    where = f"{convert.label}.product"
    if product.amount is not None and product.yield_ is not None:
        raise UnitError(f"{where}: give the isolated `amount` or the `yield`, not both")
    if product.amount is not None:
        quantity = convert.values.quantity(product.amount, f"{where}.amount")
        if quantity.dimensionality in FLOW_RATES and convert.plan.run_time_h is not None:
            # collected only after start-up: rate × (run time − start-up time)
            productive_h = convert.plan.run_time_h - convert.plan.startup_h
            quantity = quantity * u.Q_(productive_h, "h")
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
    fraction = convert.values.fraction(product.yield_, f"{where}.yield")
    text = f"yield {product.yield_}"
    limiting_mol = convert.limiting_moles(f"{where}.yield", text)
    molar_mass = convert.need_molar_mass(product.material, f"{where}.yield", text)
    limiting_coefficient = convert.limiting.coefficient or 1.0
    # a continuous step's output before steady state is diverted: collected share of the run
    moles = (
        fraction
        * limiting_mol
        * product.coefficient
        / limiting_coefficient
        * convert.plan.productive_fraction
    )
    return moles * molar_mass / 1000.0
