"""Material properties: formula, molar mass, density and class of each material.

The bundled table is ``factors/materials.csv`` (every row cites its source); a recipe may add
materials of its own or override properties under ``[materials.<id>]``.
"""

from __future__ import annotations

import csv
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lca import elements
from lca import units as u
from lca.elements import FormulaError, carbon_atoms, carbon_mass_fraction, molar_mass
from lca.errors import Problem, RecipeError, UnitError
from lca.fieldpath import material_path
from lca.resources import data_dir
from lca.units import parse_property

if TYPE_CHECKING:
    from lca.recipe import Recipe

COLUMNS = (
    "id", "name", "cas", "formula", "molar_mass", "density", "density_temp_c", "class", "source",
    "notes",
)  # fmt: skip


@dataclass(frozen=True)
class Material:
    """Properties of one material. ``molar_mass`` is in g/mol and ``density`` in g/mL."""

    id: str
    name: str = ""
    cas: str = ""
    formula: str = ""
    molar_mass: float | None = None
    density: float | None = None
    material_class: str = ""
    source: str = ""
    composition: tuple[tuple[str, float], ...] = ()

    @property
    def molar_mass_g_per_mol(self) -> float | None:
        """Stated molar mass, else the one computed from the formula, else ``None``."""
        if self.molar_mass is not None:
            return self.molar_mass
        if self.formula:
            return molar_mass(self.formula)
        return None

    @property
    def carbon_atoms(self) -> int | None:
        """Carbon atoms per formula unit, ``None`` when no formula is known."""
        return carbon_atoms(self.formula) if self.formula else None

    @property
    def carbon_fraction(self) -> float | None:
        """Carbon mass fraction [kg C / kg] from the formula, ``None`` when no formula is known."""
        return carbon_mass_fraction(self.formula) if self.formula else None


def parse_composition(text: str, where: str) -> tuple[tuple[str, float], ...]:
    """``'hydrogen-chloride:0.37 water:0.63'`` → ``(("hydrogen-chloride", 0.37), ("water", 0.63))``.

    Raises
    ------
    RecipeError
        If a pair is malformed, a fraction is outside (0, 1] or the fractions do not sum to 1.
    """
    pairs = []
    for item in text.split():
        name, _, fraction = item.partition(":")
        try:
            value = float(fraction)
        except ValueError:
            raise RecipeError(f"{where}: '{item}' is not of the form id:fraction") from None
        if not name or not 0 < value <= 1:
            raise RecipeError(f"{where}: '{item}' needs an id and a mass fraction in (0, 1]")
        pairs.append((name, value))
    if pairs and abs(sum(v for _, v in pairs) - 1.0) > 1e-6:
        raise RecipeError(f"{where}: mass fractions sum to {sum(v for _, v in pairs):g}, not 1")
    return tuple(pairs)


def _optional_float(text: str, where: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise RecipeError(f"{where}: '{text}' is not a number") from None
    if value <= 0:
        raise RecipeError(f"{where}: {value} must be positive")
    return value


def read_materials(path: Path) -> dict[str, Material]:
    """Read a materials table in the ``factors/materials.csv`` format.

    Raises
    ------
    RecipeError
        Naming the file and row of a missing column, duplicate id, bad formula or number, or a
        row without a source.
    """
    problems = []
    table: dict[str, Material] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise RecipeError(f"{path}: missing column(s) {', '.join(missing)}")
        for row_number, row in enumerate(reader, start=2):
            where = f"{path}:{row_number}"
            try:
                material = Material(
                    id=row["id"].strip(),
                    name=row["name"].strip(),
                    cas=row["cas"].strip(),
                    formula=row["formula"].strip(),
                    molar_mass=_optional_float(row["molar_mass"], f"{where} molar_mass"),
                    density=_optional_float(row["density"], f"{where} density"),
                    material_class=row["class"].strip(),
                    source=row["source"].strip(),
                    composition=parse_composition(
                        row.get("composition") or "", f"{where} composition"
                    ),
                )
                if material.formula:
                    molar_mass(material.formula)
            except (RecipeError, FormulaError) as exc:
                problems.append(str(exc) if isinstance(exc, RecipeError) else f"{where}: {exc}")
                continue
            if not material.id:
                problems.append(f"{where}: empty id")
            elif material.id in table:
                problems.append(f"{where}: duplicate id '{material.id}'")
            elif not material.source:
                problems.append(f"{where}: material '{material.id}' has no source")
            else:
                table[material.id] = material
    if problems:
        raise RecipeError("\n".join(problems))
    return table


@lru_cache(maxsize=1)
def bundled_materials() -> Mapping[str, Material]:
    """The bundled material table (read once, on first use)."""
    return read_materials(data_dir("factors") / "materials.csv")


def suggest(name: str, known: list[str] | set[str] | Mapping[str, object]) -> str:
    """A ``; did you mean 'x'?`` hint for a misspelt id, or an empty string."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f"; did you mean '{close[0]}'?" if close else ""


def merge_material(base: Material | None, material_id: str, **overrides: Any) -> Material:
    """Recipe-local properties laid over the bundled ones (or over nothing)."""
    start = base if base is not None else Material(id=material_id, source="recipe")
    given = {key: value for key, value in overrides.items() if value is not None}
    return replace(start, **given)


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
        where = material_path(material_id)
        overrides: dict[str, object] = {
            "name": props.name, "cas": props.cas, "material_class": props.material_class,
            "source": props.source,
        }  # fmt: skip
        if props.composition is not None:
            try:
                overrides["composition"] = parse_composition(props.composition, "")
            except RecipeError as exc:
                problems.append(Problem(f"{where}.composition", after_where(exc)))
        if props.formula is not None:
            try:
                elements.molar_mass(props.formula)
            except elements.FormulaError as exc:
                problems.append(Problem(f"{where}.formula", str(exc)))
            else:
                overrides["formula"] = props.formula
        for name, unit, dimension in (
            ("molar_mass", "g/mol", u.MOLAR_MASS),
            ("density", "g/mL", u.DENSITY),
        ):
            value = getattr(props, name)
            if value is None:
                continue
            try:
                overrides[name] = parse_property(value, unit, dimension, f"{where / name}")
            except UnitError as exc:
                problems.append(Problem(str(where / name), after_where(exc)))
        material = merge_material(table.get(material_id), material_id, **overrides)
        if props.formula is not None and props.molar_mass is None:
            # a new formula replaces the bundled molar mass unless one is given with it
            material = replace(material, molar_mass=None)
        merged[material_id] = material
    return merged, problems


def after_where(exc: Exception) -> str:
    """The message of an error whose text starts with ``<where>: ``."""
    return str(exc).split(": ", 1)[-1]
