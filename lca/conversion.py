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
from lca.recipe import Coproduct, Energy, Input, Product, Recipe, Step
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


class LoopError(UnitError):
    """Relative amounts refer to each other in a loop; reported once, at ``position``."""

    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.position = position


RELATIVE = (u.EQUIVALENT, u.VOLUME_PER_MASS, u.MASS_RATIO)
PER_VOLUME = {
    (u.ureg.mol / u.ureg.L).dimensionality: "mol/L",
    u.DENSITY: "kg/L",
}


@dataclass(frozen=True)
class Part:
    """One material of one input line, in kg on the line's basis (per batch or per run).

    A plain charge has one part (``origin = "charge"``); a solution feed or stream has one part
    per solute (``"feed"``) and one for its dissolving liquid (``"feed solvent"``).
    """

    material: str
    role: str
    kg: float | np.ndarray
    origin: str = "charge"
    coefficient: float | None = None
    limiting: bool = False


@dataclass(frozen=True)
class _Solute:
    """A solute as the converter reads it, from ``Input`` (one solute) or ``Input.solutes``."""

    material: str
    concentration: str
    role: str
    coefficient: float | None
    limiting: bool
    where: str


def liquid_role(item: Input) -> str:
    """Role of the dissolving liquid of a one-solute feed: as given, else water for water."""
    if item.solvent_role is not None:
        return item.solvent_role
    return "water" if item.solvent == "water" else "solvent"


def part_materials(item: Input) -> tuple[str, ...]:
    """The materials an input line brings, without converting anything."""
    if item.solutes:
        return (*(s.material for s in item.solutes), item.material)
    if item.concentration is not None and item.solvent is not None:
        return (item.material, item.solvent)
    return (item.material,)


class StepConverter:
    """Converts one step's amounts to kg, knowing its limiting reagent.

    ``limiting_state`` is ``"none"`` (no input marked), ``"ok"``, or ``"broken"`` (marked more
    than once, or its own amount could not be read: that problem is reported once, and amounts
    relative to it are skipped rather than reported again). Input lines are converted once
    (:meth:`parts` remembers each result or problem), so an amount relative to another input
    (``basis``) reuses that input's conversion.
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
        self.limiting: Part | None = None
        self.limiting_position: int | None = None
        self.limiting_state = "none"
        self.limiting_kg: float | None = None
        self.limiting_mol: float | None = None
        self._parts: dict[int, list[Part] | Exception] = {}
        self._resolving: list[int] = []
        self._product: float | Exception | None = None

    @property
    def limiting_coefficient(self) -> float:
        return (self.limiting.coefficient if self.limiting else None) or 1.0

    def where(self, position: int, item: Input, field_name: str = "amount") -> str:
        return f"{self.label}.inputs[{position}] ({item.material}).{field_name}"

    def molar_mass(self, material_id: str) -> float | None:
        material = self.materials.get(material_id)
        return material.molar_mass_g_per_mol if material else None

    def density(self, material_id: str) -> float | None:
        material = self.materials.get(material_id)
        return material.density if material else None

    def set_limiting(self, position: int, solute: int | None = None) -> None:
        """Record the limiting reagent; on failure mark it broken and re-raise."""
        item = self.step.inputs[position]
        self.limiting_position, self.limiting_state = position, "broken"
        where = self.where(position, item)
        if item.basis is not None:
            raise UnitError(
                f"{self.where(position, item, 'basis')}: the limiting reagent's amount is "
                "absolute, so it has no basis: remove `basis`"
            )
        quantity = self.values.quantity(item.amount, where)
        if quantity.dimensionality in RELATIVE:
            raise UnitError(
                f"{where}: the limiting reagent's amount '{item.amount}' is relative to itself; "
                "give it as a mass, volume or amount of substance"
            )
        parts = self.parts(position)
        self.limiting = next(p for p in parts if p.limiting) if solute is not None else parts[0]
        self.limiting_kg = self.limiting.kg
        self.limiting_state = "ok"
        molar_mass = self.molar_mass(self.limiting.material)
        if molar_mass is not None:
            self.limiting_mol = self.limiting_kg * 1000.0 / molar_mass

    def parts(self, position: int) -> list[Part]:
        """The parts of input line ``position``, converted once; its problem raised each time."""
        cached = self._parts.get(position)
        if isinstance(cached, Exception):
            raise cached
        if cached is not None:
            return cached
        if position in self._resolving:
            chain = [*self._resolving[self._resolving.index(position) :], position]
            names = " → ".join(f"inputs[{p}] ({self.step.inputs[p].material})" for p in chain)
            raise LoopError(
                f"{self.label}.inputs[{position}] ({self.step.inputs[position].material}).basis: "
                f"relative amounts form a loop ({names}); give one of them as an absolute amount",
                position,
            )
        self._resolving.append(position)
        try:
            parts = self.input_parts(position, self.step.inputs[position])
        except LoopError as exc:
            # the loop is reported at the input where it was found; the others in it are skipped
            self._parts[position] = exc if exc.position == position else Skip()
            raise
        except (UnitError, Skip) as exc:
            self._parts[position] = exc
            raise
        finally:
            self._resolving.pop()
        self._parts[position] = parts
        return parts

    def input_parts(self, position: int, item: Input) -> list[Part]:
        """The parts of one input: itself, or the solutes and the liquid of a solution."""
        where = self.where(position, item)
        if item.basis is not None:
            self._check_basis(position, item)
        if item.concentration is None and not item.solutes:
            for name in ("solvent", "solvent_role", "solution_density"):
                if getattr(item, name) is not None:
                    raise UnitError(
                        f"{self.where(position, item, name)}: only a solution feed (with "
                        "`concentration` or `solutes`) has a dissolving liquid and a density"
                    )
            quantity = self.values.quantity(item.amount, where)
            kg = self.to_kg(quantity, item.material, where, item.amount, item.basis)
            return [Part(item.material, item.role, kg, "charge", item.coefficient, item.limiting)]
        return self._solution(position, item)

    def _check_basis(self, position: int, item: Input) -> None:
        """The basis must be the product or a material of exactly one other input line."""
        where = self.where(position, item, "basis")
        if self.step.product is not None and item.basis == self.step.product.material:
            return
        lines = [
            p
            for p, other in enumerate(self.step.inputs)
            if item.basis in part_materials(other) and p != position
        ]
        if item.basis in part_materials(item):
            raise UnitError(f"{where}: an input cannot be relative to itself; remove `basis`")
        if not lines:
            raise UnitError(
                f"{where}: '{item.basis}' is neither charged to step '{self.step.id}' nor its "
                "product; name an input, a solute or the product of this step"
            )
        if len(lines) > 1:
            raise UnitError(
                f"{where}: '{item.basis}' is charged in {len(lines)} lines of step "
                f"'{self.step.id}' (inputs {', '.join(map(str, lines))}); relative amounts need "
                "one: merge the lines or refer to another material"
            )

    def _basis_part(self, basis: str) -> Part | float:
        """kg of a named basis: the part of the input line that charges it, or the product."""
        if self.step.product is not None and basis == self.step.product.material:
            return self._product_basis()
        position = next(p for p, i in enumerate(self.step.inputs) if basis in part_materials(i))
        try:
            parts = self.parts(position)
        except LoopError:
            raise
        except UnitError:
            raise Skip from None
        return next(p for p in parts if p.material == basis)

    def _product_basis(self) -> float:
        if self._product is None:
            try:
                self._product = output_kg(self, self.step.product, f"{self.label}.product")
            except (UnitError, Skip) as exc:
                self._product = exc
        if isinstance(self._product, Exception):
            raise Skip
        return self._product

    def basis_kg(self, basis: str | None, where: str, text: str) -> float:
        """kg of the material relative amounts refer to (default: the limiting reagent)."""
        if basis is None:
            self._limiting(where, text)
            return self.limiting_kg
        found = self._basis_part(basis)
        return found.kg if isinstance(found, Part) else found

    def basis_moles(self, basis: str | None, where: str, text: str) -> float:
        """mol of the material ``equiv`` refer to (default: the limiting reagent)."""
        if basis is None:
            return self.limiting_moles(where, text)
        kg = self.basis_kg(basis, where, text)
        return kg * 1000.0 / self.need_molar_mass(basis, where, text)

    def _solution(self, position: int, item: Input) -> list[Part]:
        """Split a solution feed (one solute) or a stream (``solutes``) into its parts."""
        where = self.where(position, item)
        solutes = self._solutes(position, item)
        liquid = item.material if item.solutes else item.solvent
        role = item.role if item.solutes else liquid_role(item)
        total = self._over_run(self.values.quantity(item.amount, where), where, item.amount)
        if item.solution_density is not None:
            density = parse_property(
                item.solution_density,
                "g/mL",
                u.DENSITY,
                self.where(position, item, "solution_density"),
            )
        else:
            density = self.density(liquid)
        dim = total.dimensionality
        if dim == u.EQUIVALENT:
            solute_kg, solution_kg = self._solution_from_equiv(
                position, item, solutes[0], total, density
            )
            solute_kgs = [solute_kg]
        else:
            if dim == u.VOLUME_PER_MASS:
                total = total * u.Q_(self.basis_kg(item.basis, where, item.amount), "kg")
            elif dim == u.MASS_RATIO:
                total = u.Q_(
                    magnitude(total, "wt") * self.basis_kg(item.basis, where, item.amount), "kg"
                )
            if total.dimensionality == u.VOLUME:
                if density is None:
                    raise UnitError(
                        f"{self.where(position, item, 'solution_density')}: the density of the "
                        f"solution (or of its liquid '{liquid}') is unknown: give "
                        "solution_density"
                    )
                litres = magnitude(total, "L")
                solution_kg = litres * density
            elif total.dimensionality == u.MASS:
                solution_kg = magnitude(total, "kg")
                litres = None if density is None else solution_kg / density
            else:
                raise UnitError(
                    f"{where}: a solution feed is a volume or mass (or a rate of one, or 'vol', "
                    f"'wt' or, with one solute, 'equiv'), not {u.dimension_name(total)}"
                )
            solute_kgs = [self._solute_kg(s, solution_kg, litres) for s in solutes]
        liquid_kg = solution_kg - sum(solute_kgs)
        if np.any(liquid_kg < 0):
            texts = ", ".join(f"'{s.concentration}'" for s in solutes)
            at = solutes[0].where if len(solutes) == 1 else self.where(position, item, "solutes")
            raise UnitError(
                f"{at}: {texts} put more solute in the feed than the solution weighs "
                f"({np.min(solution_kg):.4g} kg); check the concentrations and the solution "
                "density"
            )
        liquid_coefficient = item.coefficient if item.solutes else None
        return [
            *(
                Part(s.material, s.role, kg, "feed", s.coefficient, s.limiting)
                for s, kg in zip(solutes, solute_kgs, strict=True)
            ),
            Part(liquid, role, liquid_kg, "feed solvent", liquid_coefficient),
        ]

    def _solutes(self, position: int, item: Input) -> list[_Solute]:
        """The solutes of a feed, after checking that the feed is written in one form."""
        if not item.solutes:
            if item.solvent is None:
                raise UnitError(
                    f"{self.where(position, item, 'solvent')}: a solution feed needs the "
                    'id of its solvent (the dissolving liquid), e.g. solvent = "thf"'
                )
            if item.solvent == item.material:
                raise UnitError(
                    f"{self.where(position, item, 'solvent')}: '{item.material}' cannot be "
                    "dissolved in itself"
                )
            where = self.where(position, item, "concentration")
            return [
                _Solute(
                    item.material,
                    item.concentration,
                    item.role,
                    item.coefficient,
                    item.limiting,
                    where,
                )
            ]
        for name in ("concentration", "solvent", "solvent_role"):
            if getattr(item, name) is not None:
                raise UnitError(
                    f"{self.where(position, item, name)}: in a stream with `solutes`, "
                    "`material` is the dissolving liquid and `role` its role; give each solute's "
                    f"concentration in `solutes` and remove `{name}`"
                )
        if item.limiting:
            raise UnitError(
                f"{self.where(position, item, 'limiting')}: the liquid of a stream is not the "
                "limiting reagent; mark the limiting solute (solutes[k].limiting = true)"
            )
        seen = {item.material}
        solutes = []
        for k, solute in enumerate(item.solutes):
            where = f"{self.where(position, item, 'solutes')}[{k}] ({solute.material})"
            if solute.material in seen:
                raise UnitError(
                    f"{where}.material: '{solute.material}' appears twice in the stream; give "
                    "each solute once, with its total concentration"
                )
            seen.add(solute.material)
            solutes.append(
                _Solute(
                    solute.material,
                    solute.concentration,
                    solute.role,
                    solute.coefficient,
                    solute.limiting,
                    f"{where}.concentration",
                )
            )
        return solutes

    def _solute_kg(self, solute: _Solute, solution_kg, litres) -> float:
        """kg of one solute from its concentration and the solution's mass and volume."""
        text, where = solute.concentration, solute.where
        if str(text).strip().endswith("%"):
            return self.values.fraction(text, where) * solution_kg
        concentration = self.values.quantity(text, where)
        unit = PER_VOLUME.get(concentration.dimensionality)
        if unit is None:
            raise UnitError(
                f"{where}: '{text}' is not a concentration: give mol/L, g/L or a mass fraction in %"
            )
        if litres is None:
            raise UnitError(
                f"{where}: '{text}' is per volume, but the feed is a mass and the solution "
                "density is unknown: give solution_density"
            )
        per_litre = magnitude(concentration, unit) * litres
        if unit == "kg/L":
            return per_litre
        return per_litre * self.need_molar_mass(solute.material, where, text) / 1000.0

    def _solution_from_equiv(self, position, item, solute: _Solute, total, density):
        """A one-solute feed charged in 'equiv' of its solute: solute kg and solution kg."""
        where = self.where(position, item)
        if item.solutes:
            raise UnitError(
                f"{where}: '{item.amount}' is in equivalents, which cannot say how much of a "
                "stream with several solutes is charged; give the stream as a volume or mass "
                "(or in 'vol' or 'wt')"
            )
        moles = magnitude(total, "equiv") * self.basis_moles(item.basis, where, item.amount)
        solute_kg = moles * self.need_molar_mass(solute.material, where, item.amount) / 1000.0
        text, cwhere = solute.concentration, solute.where
        if str(text).strip().endswith("%"):
            fraction = self.values.fraction(text, cwhere)
            if np.any(fraction <= 0):
                raise UnitError(f"{cwhere}: a feed charged in equiv needs a concentration above 0")
            return solute_kg, solute_kg / fraction
        concentration = self.values.quantity(text, cwhere)
        unit = PER_VOLUME.get(concentration.dimensionality)
        if unit is None:
            raise UnitError(
                f"{cwhere}: '{text}' is not a concentration: give mol/L, g/L or a mass fraction "
                "in %"
            )
        per_litre = magnitude(concentration, unit)
        if np.any(per_litre <= 0):
            raise UnitError(f"{cwhere}: a feed charged in equiv needs a concentration above 0")
        litres = (moles if unit == "mol/L" else solute_kg) / per_litre
        if density is None:
            raise UnitError(
                f"{self.where(position, item, 'solution_density')}: the density of the solution "
                f"(or of its liquid '{item.solvent}') is unknown: give solution_density"
            )
        return solute_kg, litres * density

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
                f"'{self.step.id}' has none: mark one input with limiting = true (or give "
                "`basis`)"
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

    def to_kg(
        self,
        quantity: pint.Quantity,
        material_id: str,
        where: str,
        text: str,
        basis: str | None = None,
    ) -> float:
        """Convert one amount (``text`` as written) to kg of ``material_id``.

        Relative amounts (``equiv``, ``vol``, ``wt``) refer to ``basis``, a material of the same
        step, or by default to the limiting reagent.
        """
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
            moles = self.basis_moles(basis, where, text)
            molar_mass = self.need_molar_mass(material_id, where, text)
            return magnitude(quantity, "equiv") * moles * molar_mass / 1000.0
        if dim == u.VOLUME_PER_MASS:
            volume = quantity * u.Q_(self.basis_kg(basis, where, text), "kg")
            return self._volume_to_kg(volume, material_id, where, text)
        if dim == u.MASS_RATIO:
            return magnitude(quantity, "wt") * self.basis_kg(basis, where, text)
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
    """Find the step's limiting reagent (an input or a solute of a stream) and convert it."""
    step = convert.step
    marked = [(p, None, item.material) for p, item in enumerate(step.inputs) if item.limiting]
    marked += [
        (p, k, solute.material)
        for p, item in enumerate(step.inputs)
        for k, solute in enumerate(item.solutes)
        if solute.limiting
    ]
    if len(marked) > 1:
        convert.limiting_state = "broken"
        names = ", ".join(f"'{name}'" for _, _, name in marked)
        problems.append(
            Problem(
                f"{convert.label}.inputs",
                f"step '{step.id}' marks {len(marked)} inputs as limiting ({names}); mark one",
            )
        )
    elif marked:
        position, solute, _ = marked[0]
        try:
            convert.set_limiting(position, solute)
        except UnitError as exc:
            problems.append(Problem("", str(exc)))
        except Skip:
            pass


def output_kg(convert: StepConverter, output: Product | Coproduct, where: str) -> float:
    """kg of a step's product or co-product: an amount, or a molar yield on the limiting reagent.

    A rate is collected over the productive time of a continuous step (run time − start-up);
    a yield is collected over the same share of the run.
    """
    if output.amount is not None and output.yield_ is not None:
        raise UnitError(f"{where}: give the isolated `amount` or the `yield`, not both")
    if output.amount is not None:
        quantity = convert.values.quantity(output.amount, f"{where}.amount")
        if quantity.dimensionality in FLOW_RATES and convert.plan.run_time_h is not None:
            # collected only after start-up: rate × (run time − start-up time)
            productive_h = convert.plan.run_time_h - convert.plan.startup_h
            quantity = quantity * u.Q_(productive_h, "h")
        if quantity.dimensionality not in (u.MASS, u.VOLUME, u.SUBSTANCE):
            raise UnitError(
                f"{where}.amount: '{output.amount}' is {u.dimension_name(quantity)}; "
                "give the isolated mass"
            )
        return convert.to_kg(quantity, output.material, f"{where}.amount", output.amount)
    if output.yield_ is None:
        raise UnitError(
            f"{where}: give the isolated `amount` (e.g. '5.1 kg') or the molar "
            "`yield` on the limiting reagent"
        )
    fraction = convert.values.fraction(output.yield_, f"{where}.yield")
    text = f"yield {output.yield_}"
    limiting_mol = convert.limiting_moles(f"{where}.yield", text)
    molar_mass = convert.need_molar_mass(output.material, f"{where}.yield", text)
    # a continuous step's output before steady state is diverted: collected share of the run
    moles = (
        fraction
        * limiting_mol
        * output.coefficient
        / convert.limiting_coefficient
        * convert.plan.productive_fraction
    )
    return moles * molar_mass / 1000.0


def product_kg(convert: StepConverter) -> float:
    """kg of the step's product on the step's basis (per batch, or collected over the run)."""
    return output_kg(convert, convert.step.product, f"{convert.label}.product")


@dataclass(frozen=True)
class Price:
    """A value per kg in one currency, e.g. 0.6 USD per kg."""

    per_kg: float
    currency: str


CURRENCIES = ("USD", "EUR", "GBP")


def parse_price(text: str, where: str) -> Price:
    """Read a price such as ``'0.6 USD/kg'`` or ``'600 EUR/t'`` as currency per kg.

    Raises
    ------
    UnitError
        If the text is not a currency per mass.
    """
    quantity = u.parse_quantity(text, where)
    for currency in CURRENCIES:
        if quantity.dimensionality == (u.ureg(currency) / u.ureg.kg).dimensionality:
            return Price(float(quantity.m_as(f"{currency}/kg")), currency)
    raise UnitError(
        f"{where}: '{text}' is not a price per mass; write e.g. '0.6 USD/kg' or '600 EUR/t' "
        f"(currencies: {', '.join(CURRENCIES)})"
    )
