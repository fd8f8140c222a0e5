"""Where a number stands in a recipe: one structured path for messages, parameters and draws.

A :class:`FieldPath` is a sequence of field names, each optionally with the position of a list
item and that item's label: ``steps[1] (amination).inputs[0] (water).amount``. It is built here
and only here (:func:`step_path`, :func:`input_path`, :func:`route_path`...), by the inventory
when it reads a field, and by :mod:`lca.parameters` when it lists the numbers that may vary, so
the two name a field with the same value, not with the same text:

- error messages write it (``str(path)``), as they always wrote locations;
- :class:`lca.units.Values` looks an override up by it (a Monte Carlo draw or a sweep point
  reaches the field the inventory reads, whatever the labels);
- a workbook recipe finds its cell from it (:attr:`FieldPath.canonical`,
  :mod:`lca.recipe_io.locate`).

Equality and hashing use the names and positions alone: the labels (a step id, a material) are
for people, and a path built twice for the same field is equal however it was labelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from lca.recipe import Recipe


@dataclass(frozen=True)
class Segment:
    """One step of a path: a field ``name``, and for a list item its ``index`` and ``label``."""

    name: str
    index: int | None = None
    label: str = field(default="", compare=False)

    def __str__(self) -> str:
        if self.index is None:
            return self.name
        text = f"{self.name}[{self.index}]"
        return f"{text} ({self.label})" if self.label else text

    @property
    def canonical(self) -> str:
        return self.name if self.index is None else f"{self.name}[{self.index}]"


@dataclass(frozen=True)
class FieldPath:
    """A field of a recipe (see the module docstring)."""

    segments: tuple[Segment, ...] = ()

    def __truediv__(self, name: str) -> FieldPath:
        """The field ``name`` of this one: ``path / "amount"``."""
        return FieldPath((*self.segments, Segment(name)))

    def item(self, index: int, label: str = "") -> FieldPath:
        """Item ``index`` (labelled ``label``) of the list this path names."""
        *head, last = self.segments
        return FieldPath((*head, Segment(last.name, index, label)))

    def __str__(self) -> str:
        return ".".join(str(segment) for segment in self.segments)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @property
    def canonical(self) -> str:
        """The path without labels: ``steps[1].inputs[0].amount``."""
        return ".".join(segment.canonical for segment in self.segments)


Location: TypeAlias = "FieldPath | str"
"""Where a message points: a field path, or text (a file and line, a cell)."""

ROOT = FieldPath()
ROUTE = ROOT / "route"
FACILITY = ROOT / "facility"


def step_path(recipe: Recipe, index: int) -> FieldPath:
    """``steps[index] (step id)``."""
    return (ROOT / "steps").item(index, recipe.steps[index].id)


def item_path(parent: FieldPath, field_name: str, index: int, label: str) -> FieldPath:
    """Item ``index`` of the list ``field_name`` of ``parent``: ``inputs[2] (water)``."""
    return (parent / field_name).item(index, label)


def input_path(recipe: Recipe, step: int, position: int) -> FieldPath:
    """``steps[s] (id).inputs[k] (material)``."""
    item = recipe.steps[step].inputs[position]
    return item_path(step_path(recipe, step), "inputs", position, item.material)


def material_path(material: str) -> FieldPath:
    """``materials.<id>``: a material's own table in the recipe."""
    return ROOT / "materials" / material


def transport_path(recipe: Recipe, position: int) -> FieldPath:
    """``transport[k] (material)``."""
    return item_path(ROOT, "transport", position, recipe.transport[position].material)
