"""The numbers of a recipe as named parameters, and the distributions a recipe puts on them.

A parameter path names one number of a recipe: ``<step>.inputs.<material>.amount``,
``<step>.inputs.<material>.recovered``, ``<step>.product.yield``, ``<step>.product.amount``,
``<step>.energy.<carrier>.amount|power|duration``, ``<step>.run_time``, ``<step>.startup.time``,
``<step>.failure_rate``, ``<step>.cleaning.<material>.amount``,
``<step>.inputs.<liquid>.solutes.<solute>.concentration`` (a stream with several solutes),
``<step>.coproducts.<material>.amount|yield``,
``facility.overheads.<carrier>.power``, ``facility.campaign_time``,
``transport.<material>.distance``
(a material or carrier that appears twice in one list is ``name#2`` the second time). Each path
maps to the field the inventory reads it at (:class:`lca.fieldpath.FieldPath`, built by the same
functions the inventory uses), so overriding it with N values builds N variants through the
recipe's own code path (:class:`lca.units.Values`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from lca import units as u
from lca.errors import Problem, RecipeError, UnitError
from lca.fieldpath import FACILITY, ROOT, FieldPath, item_path, step_path
from lca.materials import suggest
from lca.recipe import Recipe, Uncertainty
from lca.uncertainty import Distribution, parse_distribution

FRACTIONS = ("recovered", "yield", "failure_rate")


@dataclass(frozen=True)
class Parameter:
    """One number of a recipe: its path (its name, ``amination.product.yield``), the field the
    inventory reads it at (``where``), and its written value."""

    path: str
    where: FieldPath
    value: float
    unit: str
    low: float = 0.0
    high: float = math.inf

    def to_unit(self, value: float | str, where: str) -> float:
        """A number in the parameter's unit from a number or a string with units."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        if not self.unit:
            return u.parse_fraction(value, where)
        quantity = u.parse_quantity(value, where)
        try:
            return float(quantity.m_as(self.unit))
        except Exception:  # pint DimensionalityError
            raise UnitError(f"{where}: '{value}' is not in {self.unit} or a unit like it") from None


def _names(items, attribute: str) -> list[str]:
    """Labels of list items, ``name#2`` for the second item of the same name."""
    seen: dict[str, int] = {}
    names = []
    for item in items:
        name = getattr(item, attribute)
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return names


def _add(found: dict, path: str, where: FieldPath, text, fraction: bool = False) -> None:
    if text is None:
        return
    if fraction or (isinstance(text, str) and text.strip().endswith("%")):
        found[path] = Parameter(path, where, u.parse_fraction(text, where), "", 0.0, 1.0)
    else:
        quantity = u.parse_quantity(text, where)
        found[path] = Parameter(path, where, float(quantity.magnitude), _unit_text(quantity.units))


@lru_cache(maxsize=1024)
def _unit_text(units) -> str:
    """A unit as text (pint formats it anew on every call)."""
    return str(units)


ENERGY_FIELDS = (("amount", False), ("power", False), ("duration", False))
CLEANING_FIELDS = (("amount", False), ("recovered", True))
INPUT_FIELDS = (("amount", False), ("recovered", True), ("concentration", False))


def _add_list(found: dict, items, key: str, path: str, where: FieldPath, fields) -> None:
    """The fields of each item of the list at ``where``, named ``<path>.<item name>.<field>``."""
    for position, (item, name) in enumerate(zip(items, _names(items, key), strict=True)):
        base = where.item(position, getattr(item, key))
        for field_name, fraction in fields:
            _add(
                found,
                f"{path}.{name}.{field_name}",
                base / field_name,
                getattr(item, "yield_" if field_name == "yield" else field_name),
                fraction=fraction,
            )


def _step_parameters(found: dict, recipe: Recipe, index: int) -> None:
    step, label = recipe.steps[index], step_path(recipe, index)
    sid = step.id
    _add_list(found, step.inputs, "material", f"{sid}.inputs", label / "inputs", INPUT_FIELDS)
    for position, (item, name) in enumerate(
        zip(step.inputs, _names(step.inputs, "material"), strict=True)
    ):
        solutes = item_path(label, "inputs", position, item.material) / "solutes"
        fields = (("concentration", False),)
        _add_list(found, item.solutes, "material", f"{sid}.inputs.{name}.solutes", solutes, fields)
    coproduct_fields = (("amount", False), ("yield", True))
    _add_list(
        found, step.coproducts, "material", f"{sid}.coproducts", label / "coproducts",
        coproduct_fields,
    )  # fmt: skip
    if step.product is not None:
        product = label / "product"
        _add(found, f"{sid}.product.amount", product / "amount", step.product.amount)
        _add(found, f"{sid}.product.yield", product / "yield", step.product.yield_, True)
    _add_list(found, step.energy, "carrier", f"{sid}.energy", label / "energy", ENERGY_FIELDS)
    _add(found, f"{sid}.run_time", label / "run_time", step.run_time)
    _add(found, f"{sid}.cycle_time", label / "cycle_time", step.cycle_time)
    _add(found, f"{sid}.failure_rate", label / "failure_rate", step.failure_rate, True)
    if step.startup is not None:
        _add(found, f"{sid}.startup.time", label / "startup" / "time", step.startup.time)
    _add_list(
        found, step.cleaning, "material", f"{sid}.cleaning", label / "cleaning", CLEANING_FIELDS
    )


def recipe_parameters(recipe: Recipe) -> dict[str, Parameter]:
    """Every number of a recipe that can vary, by path (the recipe must be valid)."""
    found: dict[str, Parameter] = {}
    for index in range(len(recipe.steps)):
        _step_parameters(found, recipe, index)
    facility = recipe.facility
    if facility is not None:
        _add_list(
            found, facility.overheads, "carrier", "facility.overheads", FACILITY / "overheads",
            ENERGY_FIELDS,
        )  # fmt: skip
        for name in ("campaign_time", "other_products_time"):
            _add(found, f"facility.{name}", FACILITY / name, getattr(facility, name))
        _add_list(
            found, facility.changeover, "material", "facility.changeover",
            FACILITY / "changeover", CLEANING_FIELDS,
        )  # fmt: skip
    _add_list(
        found, recipe.transport, "material", "transport", ROOT / "transport", (("distance", False),)
    )
    return found


def resolve(
    recipe: Recipe, path: str, parameters: dict[str, Parameter] | None = None, where: str = ""
) -> Parameter:
    """The parameter a path names (``<step>.yield`` is short for ``<step>.product.yield``).

    Raises
    ------
    RecipeError
        If the recipe has no such parameter; the message suggests the closest paths.
    """
    parameters = recipe_parameters(recipe) if parameters is None else parameters
    short = path[: -len(".yield")] + ".product.yield" if path.endswith(".yield") else path
    for candidate in (path, short):
        if candidate in parameters:
            return parameters[candidate]
    # the message quotes the path as the user wrote it, and the paths that end the same way
    hint = suggest(path, parameters)
    tails = {"." + text.split(".", 1)[1] for text in (path, short) if "." in text}
    alike = [p for p in parameters if any(p.endswith(tail) for tail in tails)][:3]
    if not hint and alike:
        hint = f" (e.g. {', '.join(alike)})"
    raise RecipeError(
        recipe.locate(
            [
                Problem(
                    where,
                    f"'{path}' is not a parameter of this recipe{hint}; "
                    "`lca parameters RECIPE` lists them",
                )
            ]
        ),
        source=recipe.origin,
    )


def recipe_distributions(recipe: Recipe) -> list[tuple[Parameter, Distribution, Uncertainty]]:
    """The recipe's ``[[uncertainty]]`` tables, resolved and checked.

    Raises
    ------
    RecipeError
        With every problem: unknown parameter, bad or inconsistent distribution parameters.
    """
    parameters = recipe_parameters(recipe)
    problems: list[Problem] = []
    result = []
    seen: set[str] = set()
    for index, spec in enumerate(recipe.uncertainty):
        where = f"uncertainty[{index}] ({spec.parameter})"
        try:
            parameter = resolve(recipe, spec.parameter, parameters, where)
        except RecipeError as exc:
            problems += [Problem(p.where.split(": ", 1)[-1], p.message) for p in exc.problems]
            continue
        if parameter.path in seen:
            problems.append(Problem(where, f"'{parameter.path}' has two distributions"))
            continue
        seen.add(parameter.path)
        try:
            numbers: dict[str, float | str] = {
                name: parameter.to_unit(value, f"{where}.{name}")
                for name in ("min", "max", "mode", "mean", "sd", "median")
                if (value := getattr(spec, name)) is not None
            }
            if spec.gsd is not None:
                numbers["gsd"] = spec.gsd
            distribution = parse_distribution(
                {"distribution": spec.distribution, **numbers},
                parameter.value,
                where,
                parameter.low,
                parameter.high,
            )
        except UnitError as exc:
            problems.append(Problem("", str(exc)))
            continue
        result.append((parameter, distribution, spec))
    if problems:
        raise RecipeError(recipe.locate(problems), source=recipe.origin)
    return result
