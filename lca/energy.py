"""Energy lines of a step and of solvent recovery, in their canonical units.

An energy line is an amount of a carrier (kWh, MJ, kg of steam, m³ of gas) or power × duration;
power alone runs for the run time of a continuous step. Each is converted to kWh (energies),
kg (masses) or m³ (volumes), so lines of one carrier add up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lca import units as u
from lca.arrays import Variable
from lca.errors import Problem, UnitError
from lca.fieldpath import FieldPath, Location
from lca.recipe import Energy, Input
from lca.units import WRITTEN, Values, magnitude

if TYPE_CHECKING:
    from lca.inventory import EnergyLine

ENERGY_UNITS = {u.ENERGY: "kWh", u.MASS: "kg", u.VOLUME: "m**3"}
# Carriers that only exist as energy: a mass or volume of them is a typing slip, not a unit choice.
ENERGY_ONLY = ("electricity", "heat", "cooling")


@dataclass(frozen=True)
class RecoveryLine:
    """Energy per kg of recovered material, in the carrier's canonical unit."""

    carrier: str
    per_kg: float
    unit: str
    source: str


def energy_amount(
    where: FieldPath, line: Energy, run_time_h: Variable | None = None, values: Values = WRITTEN
) -> tuple[Variable, str]:
    """An energy line in its canonical unit; ``power`` alone runs for ``run_time_h``."""
    if line.amount is not None and (line.power is not None or line.duration is not None):
        raise UnitError(f"{where}: give either `amount` or `power` with `duration`, not both")
    if line.amount is not None:
        quantity = values.quantity(line.amount, where / "amount")
    elif line.power is not None and line.duration is not None:
        power = values.quantity(line.power, where / "power")
        duration = values.quantity(line.duration, where / "duration")
        if power.dimensionality != u.POWER:
            raise UnitError(f"{where}.power: '{line.power}' is not a power (e.g. '15 kW')")
        if duration.dimensionality != u.TIME:
            raise UnitError(f"{where}.duration: '{line.duration}' is not a time (e.g. '6 h')")
        quantity = power * duration
    elif line.power is not None and run_time_h is not None:
        power = values.quantity(line.power, where / "power")
        if power.dimensionality != u.POWER:
            raise UnitError(f"{where}.power: '{line.power}' is not a power (e.g. '15 kW')")
        quantity = power * u.quantity(run_time_h, "h")
    elif line.power is not None:
        raise UnitError(f'{where}: `power` needs a `duration` (e.g. duration = "6 h")')
    else:
        raise UnitError(f"{where}: give `amount` (e.g. '120 kWh') or `power` and `duration`")
    unit = ENERGY_UNITS.get(quantity.dimensionality)
    text = line.amount if line.amount is not None else f"{line.power} × {line.duration}"
    if unit is None:
        raise UnitError(
            f"{where}: '{text}' is {u.dimension_name(quantity)}; energy is given as "
            "energy (kWh, MJ), power × duration, a mass (kg of steam) or a volume (m³ of gas)"
        )
    if line.carrier in ENERGY_ONLY and unit != "kWh":
        raise UnitError(
            f"{where}: '{text}' is {u.dimension_name(quantity)}, but {line.carrier} is given as "
            "energy (kWh, MJ) or power × duration"
        )
    return magnitude(quantity, unit), unit


def recovery_lines(where: FieldPath, item: Input, recovered: Variable) -> tuple[RecoveryLine, ...]:
    if item.recovery_energy and np.all(recovered == 0):
        raise UnitError(
            f"{where}: recovery energy is given but `recovered` is not: add the "
            "recovered fraction (e.g. recovered = 0.85)"
        )
    lines = []
    for index, line in enumerate(item.recovery_energy):
        quantity = u.parse_quantity(line.per_kg, where.item(index) / "per_kg")
        unit = ENERGY_UNITS.get(quantity.dimensionality)
        if unit is None:
            raise UnitError(
                f"{where}[{index}].per_kg: '{line.per_kg}' is {u.dimension_name(quantity)}; give "
                "the energy per kg recovered as an energy (kWh, MJ), a mass (kg of steam) or a "
                "volume (m³ of gas)"
            )
        per_kg = float(u.magnitude(quantity, unit))
        lines.append(RecoveryLine(line.carrier, per_kg, unit, line.source))
    return tuple(lines)


def mixed_energy_units(lines: list[EnergyLine], where: Sequence[Location]) -> list[Problem]:
    """One carrier must be given in one kind of unit: kg of steam and MJ of steam do not add."""
    first: dict[str, EnergyLine] = {}
    problems = []
    for line, location in zip(lines, where, strict=True):
        seen = first.setdefault(line.carrier, line)
        if seen.unit != line.unit:
            problems.append(
                Problem(
                    str(location),
                    f"'{line.carrier}' is given as {line.unit} here and as {seen.unit} in step "
                    f"'{seen.step}'; give one carrier in one kind of unit throughout the route",
                )
            )
            first[line.carrier] = line
    return problems
