"""Solution feeds and multi-solute streams: how much solute and how much liquid a feed brings.

A one-solute feed names the solute in ``material`` and the liquid in ``solvent``; a stream with
``solutes`` names the liquid in ``material``. Either way the solution's amount (volume, mass, a
rate of either, or ``vol``/``wt`` of a basis; a one-solute feed also in ``equiv`` of its solute)
gives its mass m and volume V through its density ρ (``solution_density``, else the liquid's):

- solute, mol/L: m_i = c_i · V · M_i; g/L: m_i = c_i · V; mass %: m_i = w_i · m;
- liquid: m − Σ m_i, once for the whole stream, whatever the order of its solutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lca import units as u
from lca.errors import UnitError
from lca.fieldpath import FieldPath, Location
from lca.recipe import Input, Step
from lca.units import magnitude, parse_property

PER_VOLUME = {
    u.CONCENTRATION: "mol/L",
    u.DENSITY: "kg/L",
}


@dataclass(frozen=True)
class SoluteSpec:
    """A solute as the converter reads it, from ``Input`` (one solute) or ``Input.solutes``."""

    material: str
    concentration: str
    role: str
    coefficient: float | None
    limiting: bool
    where: FieldPath


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


def split_solution(convert, position: int, item: Input):
    """Split a solution feed (one solute) or a stream (``solutes``) into its solutes and liquid.

    Returns ``([(solute, kg), ...], liquid id, liquid role, liquid kg)``, kg on the line's basis.
    ``convert`` is the step's :class:`lca.conversion.StepConverter`.
    """
    where = convert.where(position, item)
    solutes = _solutes(convert, position, item)
    liquid = item.material if item.solutes else item.solvent
    role = item.role if item.solutes else liquid_role(item)
    total = convert._over_run(convert.values.quantity(item.amount, where), where, item.amount)
    if item.solution_density is not None:
        density = parse_property(
            item.solution_density,
            "g/mL",
            u.DENSITY,
            convert.where(position, item, "solution_density"),
        )
    else:
        density = convert.density(liquid)
    dim = total.dimensionality
    if dim == u.EQUIVALENT:
        solute_kg, solution_kg = _solution_from_equiv(
            convert, position, item, solutes[0], total, density
        )
        solute_kgs = [solute_kg]
    else:
        if dim == u.VOLUME_PER_MASS:
            total = total * u.quantity(convert.basis_kg(item.basis, where, item.amount), "kg")
        elif dim == u.MASS_RATIO:
            total = u.quantity(
                magnitude(total, "wt") * convert.basis_kg(item.basis, where, item.amount), "kg"
            )
        if total.dimensionality == u.VOLUME:
            if density is None:
                raise UnitError(
                    f"{convert.where(position, item, 'solution_density')}: the density of the "
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
        solute_kgs = [_solute_kg(convert, s, solution_kg, litres) for s in solutes]
    liquid_kg = solution_kg - sum(solute_kgs)
    if np.any(liquid_kg < 0):
        texts = ", ".join(f"'{s.concentration}'" for s in solutes)
        at = solutes[0].where if len(solutes) == 1 else convert.where(position, item, "solutes")
        raise UnitError(
            f"{at}: {texts} put more solute in the feed than the solution weighs "
            f"({np.min(solution_kg):.4g} kg); check the concentrations and the solution "
            "density"
        )
    return list(zip(solutes, solute_kgs, strict=True)), liquid, role, liquid_kg


def _solutes(convert, position: int, item: Input) -> list[SoluteSpec]:
    """The solutes of a feed, after checking that the feed is written in one form."""
    if not item.solutes:
        if item.solvent is None:
            raise UnitError(
                f"{convert.where(position, item, 'solvent')}: a solution feed needs the "
                'id of its solvent (the dissolving liquid), e.g. solvent = "thf"'
            )
        if item.solvent == item.material:
            raise UnitError(
                f"{convert.where(position, item, 'solvent')}: '{item.material}' cannot be "
                "dissolved in itself"
            )
        where = convert.where(position, item, "concentration")
        if item.concentration is None:
            raise UnitError(f"{where}: a solution feed needs the concentration of its solute")
        return [
            SoluteSpec(
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
                f"{convert.where(position, item, name)}: in a stream with `solutes`, "
                "`material` is the dissolving liquid and `role` its role; give each solute's "
                f"concentration in `solutes` and remove `{name}`"
            )
    if item.limiting:
        raise UnitError(
            f"{convert.where(position, item, 'limiting')}: the liquid of a stream is not the "
            "limiting reagent; mark the limiting solute (solutes[k].limiting = true)"
        )
    seen = {item.material}
    solutes = []
    for k, solute in enumerate(item.solutes):
        where = convert.where(position, item, "solutes").item(k, solute.material)
        if solute.material in seen:
            raise UnitError(
                f"{where}.material: '{solute.material}' appears twice in the stream; give "
                "each solute once, with its total concentration"
            )
        seen.add(solute.material)
        solutes.append(
            SoluteSpec(
                solute.material,
                solute.concentration,
                solute.role,
                solute.coefficient,
                solute.limiting,
                where / "concentration",
            )
        )
    return solutes


def _solute_kg(convert, solute: SoluteSpec, solution_kg, litres) -> float:
    """kg of one solute from its concentration and the solution's mass and volume."""
    text, where = solute.concentration, solute.where
    if str(text).strip().endswith("%"):
        return convert.values.fraction(text, where) * solution_kg
    concentration = convert.values.quantity(text, where)
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
    return per_litre * convert.need_molar_mass(solute.material, where, text) / 1000.0


def _solution_from_equiv(convert, position, item, solute: SoluteSpec, total, density):
    """A one-solute feed charged in 'equiv' of its solute: solute kg and solution kg."""
    where = convert.where(position, item)
    if item.solutes:
        raise UnitError(
            f"{where}: '{item.amount}' is in equivalents, which cannot say how much of a "
            "stream with several solutes is charged; give the stream as a volume or mass "
            "(or in 'vol' or 'wt')"
        )
    moles = magnitude(total, "equiv") * convert.basis_moles(item.basis, where, item.amount)
    solute_kg = moles * convert.need_molar_mass(solute.material, where, item.amount) / 1000.0
    text, cwhere = solute.concentration, solute.where
    if str(text).strip().endswith("%"):
        fraction = convert.values.fraction(text, cwhere)
        if np.any(fraction <= 0):
            raise UnitError(f"{cwhere}: a feed charged in equiv needs a concentration above 0")
        return solute_kg, solute_kg / fraction
    concentration = convert.values.quantity(text, cwhere)
    unit = PER_VOLUME.get(concentration.dimensionality)
    if unit is None:
        raise UnitError(
            f"{cwhere}: '{text}' is not a concentration: give mol/L, g/L or a mass fraction in %"
        )
    per_litre = magnitude(concentration, unit)
    if np.any(per_litre <= 0):
        raise UnitError(f"{cwhere}: a feed charged in equiv needs a concentration above 0")
    litres = (moles if unit == "mol/L" else solute_kg) / per_litre
    if density is None:
        raise UnitError(
            f"{convert.where(position, item, 'solution_density')}: the density of the solution "
            f"(or of its liquid '{item.solvent}') is unknown: give solution_density"
        )
    return solute_kg, litres * density


def one_stream_twice(origin: str, label: Location, step: Step) -> list[str]:
    """Solution feeds of one step that share their liquid and amount: probably one stream whose
    liquid the recipe counts once per solute."""
    groups: dict[tuple, list[int]] = {}
    for position, item in enumerate(step.inputs):
        if item.concentration is not None and item.solvent is not None:
            key = (item.solvent, item.amount, item.solution_density)
            groups.setdefault(key, []).append(position)
    warnings = []
    for (liquid, amount, _), positions in groups.items():
        if len(positions) > 1:
            names = " and ".join(f"inputs[{p}] ({step.inputs[p].material})" for p in positions)
            warnings.append(
                f"{origin}: {label}.inputs: {names} are solution feeds of the same amount "
                f"'{amount}' in the same liquid '{liquid}': if they are one stream, its liquid is "
                "counted once per solute; write the stream as one input with its liquid as "
                "`material` and solutes = [...]"
            )
    return warnings
