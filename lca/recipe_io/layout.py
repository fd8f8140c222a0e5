"""The layout of a recipe workbook, derived from the recipe schema in :mod:`lca.recipe`.

Nothing here names a recipe field: the layout is found by walking the pydantic models, so a field
added to the schema gets its column (and round-trips) without a change here.

- The root model's own fields and the fields of models nested in it (``route``, ``facility``)
  are rows of the vertical sheet ``route``: ``field | value | unit | about``.
- A list of models (``steps``, ``steps.inputs``, ``facility.overheads``...) is a table sheet, one
  item per row. Its rows name the item they belong to by one key column per enclosing list: the
  enclosing item's ``id`` if its model has one (``step``), else its position, 1 for the first
  (``input``). The order of rows is the order of the list.
- A mapping of models (``materials``) is a table sheet whose ``id`` column holds the key.
- A scalar field is a column; a field of a nested model is a column named by its dotted path
  (``product.yield``); an amount with units (:data:`lca.recipe.Amount`) is two columns, the
  number and its unit (``amount``, ``amount unit``).
- Lists and mappings of scalars get a sheet of their own with a ``value`` (and ``key``) column.

Headers use the names the TOML format uses (the field aliases: ``yield``, ``class``).
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import BaseModel

ROOT_SHEET = "route"
HELP_SHEET = "help"
UNIT_SUFFIX = " unit"
ROOT_HEADERS = ("field", "value", "unit", "about")
MAX_SHEET_NAME = 31  # Excel's limit
# Offered in the unit columns' drop-down lists after the units a field's description quotes;
# any unit pint reads is accepted (lca.units).
COMMON_UNITS = (
    "kg", "g", "t", "L", "mL", "mol", "equiv", "vol", "wt", "%", "mol/L", "g/L", "kWh", "MJ",
    "kW", "h", "min", "d", "km", "mL/min", "L/h", "kg/h", "g/h", "MJ/kg", "USD/kg",
)  # fmt: skip


@dataclass(frozen=True)
class Column:
    """One column of a table sheet (or one row of the route sheet).

    ``kind`` is how a cell is read: ``text``, ``choice`` (one of ``choices``), ``integer``,
    ``number``, ``number-or-text``, ``bool``, ``amount`` (a number whose unit is in the column
    ``header + ' unit'``, or a text with its unit), ``unit``, ``any``; and for key columns
    ``key-id``, ``key-position`` and ``key`` (the key of a mapping).
    """

    header: str
    path: tuple[str, ...]
    kind: str
    required: bool = False
    choices: tuple[Any, ...] = ()
    default: Any = None
    description: str = ""
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class Key:
    """A key column naming the enclosing item of a row: by ``id``, by position or by map key."""

    header: str
    by: Literal["id", "position", "key"]
    sheet: str


@dataclass(frozen=True)
class Sheet:
    """A sheet of the workbook: the route sheet (``container == 'root'``) or a table."""

    name: str
    path: tuple[str, ...]
    container: Literal["root", "list", "dict"]
    parent: str | None = None
    within: tuple[str, ...] = ()
    keys: tuple[Key, ...] = ()
    own_key: str | None = None
    item_key: Key | None = None
    columns: tuple[Column, ...] = ()
    required: bool = False
    scalar: bool = False
    description: str = ""

    @property
    def field_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.kind.startswith("key"))

    def column(self, header: str) -> Column | None:
        return next((c for c in self.columns if c.header == header), None)


@dataclass(frozen=True)
class Layout:
    sheets: tuple[Sheet, ...]

    def sheet(self, name: str) -> Sheet:
        return next(s for s in self.sheets if s.name == name)

    @property
    def root(self) -> Sheet:
        return self.sheets[0]

    def children(self, name: str) -> tuple[Sheet, ...]:
        return tuple(s for s in self.sheets if s.parent == name)


class LayoutError(TypeError):
    """The recipe schema has a field the workbook layout cannot represent (a programming error)."""


def _strip_annotated(annotation: Any) -> tuple[Any, list[Any]]:
    metadata: list[Any] = []
    while get_origin(annotation) is Annotated:
        annotation, *extra = get_args(annotation)
        metadata += extra
    return annotation, metadata


def _members(annotation: Any) -> tuple[list[Any], bool]:
    """The members of a (nested) union, stripped of ``Annotated``; and whether None is one."""
    annotation, _ = _strip_annotated(annotation)
    if get_origin(annotation) not in (typing.Union, types.UnionType):
        return ([] if annotation is type(None) else [annotation]), annotation is type(None)
    members: list[Any] = []
    optional = False
    for arg in get_args(annotation):
        inner, inner_optional = _members(arg)
        members += [m for m in inner if m not in members]
        optional = optional or inner_optional
    return members, optional


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_amount(annotation: Any) -> bool:
    from lca.recipe import Amount

    raw = annotation
    if get_origin(raw) in (typing.Union, types.UnionType):
        return any(a is Amount or a == Amount for a in get_args(raw))
    return raw is Amount or raw == Amount


def _scalar_kind(members: list[Any]) -> tuple[str, tuple[Any, ...]]:
    """How cells of a scalar type are read, and its allowed values for a choice."""
    if len(members) == 1 and get_origin(members[0]) is Literal:
        choices = get_args(members[0])
        if all(isinstance(c, str) for c in choices):
            return "choice", choices
        if all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
            return "integer", choices
        return "any", choices
    kinds = set()
    for member in members:
        if member is bool:
            kinds.add("bool")
        elif member is int:
            kinds.add("integer")
        elif member is float:
            kinds.add("number")
        elif member is str:
            kinds.add("text")
        else:
            raise LayoutError(f"no workbook cell type for {member!r}")
    if kinds == {"bool"}:
        return "bool", ()
    if kinds == {"integer"}:
        return "integer", ()
    if kinds <= {"integer", "number"}:
        return "number", ()
    if kinds == {"text"}:
        return "text", ()
    if kinds <= {"integer", "number", "text"}:
        return "number-or-text", ()
    return "any", ()


def _units_in(text: str) -> tuple[str, ...]:
    """Units quoted in a field's description: ``'6.2 kg', '15 kW'`` gives ``kg, kW``."""
    import re

    found = re.findall(r"'[-+]?[0-9.]+\s*([^'0-9][^']*)'", text or "")
    return tuple(dict.fromkeys(u.strip() for u in found if u.strip()))


def singular(name: str) -> str:
    """``steps`` → ``step``: the key column naming an item of the list ``name``."""
    return name[:-1] if name.endswith("s") and len(name) > 1 else name


def _sheet_name(path: tuple[str, ...], taken: set[str]) -> str:
    # the steps are the backbone of a recipe: their lists are 'inputs', not 'steps.inputs'
    short = ".".join(path[1:] if path[0] == "steps" and len(path) > 1 else path)
    name = short if short not in taken else ".".join(path)
    if len(name) > MAX_SHEET_NAME or name in taken or name in (ROOT_SHEET, HELP_SHEET):
        raise LayoutError(f"no sheet name for the recipe field {'.'.join(path)}")
    return name


def _walk_model(
    model: type[BaseModel],
    prefix: tuple[str, ...],
    required: bool,
    owner: Sheet,
    out: list[Any],
) -> list[Column]:
    """Columns of ``model``'s fields (prefixed by ``prefix``); list fields go to ``out``."""
    hints = typing.get_type_hints(model, include_extras=True)
    columns: list[Column] = []
    for name, info in model.model_fields.items():
        alias = info.alias or name
        path = (*prefix, alias)
        header = ".".join(path)
        annotation = hints[name]
        members, _ = _members(annotation)
        needed = required and info.is_required()
        description = info.description or ""
        if len(members) == 1 and _is_model(members[0]):
            columns += _walk_model(members[0], path, needed, owner, out)
            continue
        origin = get_origin(members[0]) if len(members) == 1 else None
        if origin in (list, dict):
            args = get_args(members[0])
            item = _strip_annotated(args[-1])[0]
            min_length = any(getattr(m, "min_length", 0) for m in info.metadata)
            out.append((path, origin, item, bool(min_length), description))
            continue
        if any(_is_model(m) or get_origin(m) in (list, dict) for m in members):
            raise LayoutError(f"{model.__name__}.{name}: a union with a model or a list")
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        if _is_amount(annotation):
            quoted = _units_in(description) or _units_in(str(info.examples or ""))
            order = {unit: n for n, unit in enumerate(COMMON_UNITS)}
            quoted = tuple(sorted(quoted, key=lambda unit: order.get(unit, len(order))))
            units = tuple(dict.fromkeys(quoted + COMMON_UNITS))
            columns.append(Column(header, path, "amount", needed, (), default, description, units))
            columns.append(Column(header + UNIT_SUFFIX, path, "unit", False, (), None, "", units))
            continue
        kind, choices = _scalar_kind(members)
        columns.append(Column(header, path, kind, needed, choices, default, description))
    return columns


def _doc(model: Any) -> str:
    doc = (getattr(model, "__doc__", "") or "").strip().replace("``", "")
    return doc.splitlines()[0] if doc else ""


def _table(
    path: tuple[str, ...],
    container: Any,
    item: Any,
    parent: Sheet,
    within: tuple[str, ...],
    required: bool,
    description: str,
    taken: set[str],
) -> list[Sheet]:
    name = _sheet_name(path, taken)
    taken.add(name)
    keys = parent.keys + ((parent.item_key,) if parent.item_key else ())
    kind: Literal["list", "dict"] = "dict" if container is dict else "list"
    key_columns = [Column(k.header, (), f"key-{k.by}", True) for k in keys]
    own_key = None
    if kind == "dict":
        own_key = "id" if not _is_model(item) or "id" not in item.model_fields else "key"
        key_columns.append(Column(own_key, (), "key", True, description="The key of this entry."))
    pending: list[Any] = []
    if _is_model(item):
        columns = _walk_model(item, (), True, parent, pending)
        by: Literal["id", "position", "key"] = (
            "key" if kind == "dict" else ("id" if "id" in item.model_fields else "position")
        )
        scalar = False
        description = description or _doc(item)
    else:
        kind_, choices = _scalar_kind(_members(item)[0])
        columns = [Column("value", (), kind_, True, choices)]
        by, scalar = "position", True
    headers = [c.header for c in key_columns + columns]
    for key in key_columns:
        if headers.count(key.header) > 1:
            raise LayoutError(f"sheet '{name}': the key column '{key.header}' is also a field")
    sheet = Sheet(
        name=name,
        path=path,
        container=kind,
        parent=parent.name,
        within=within,
        keys=keys,
        own_key=own_key,
        item_key=Key(singular(path[-1]), by, name),
        columns=tuple(key_columns + columns),
        required=required,
        scalar=scalar,
        description=description,
    )
    sheets = [sheet]
    for sub_path, sub_container, sub_item, sub_required, sub_description in pending:
        sheets += _table(
            (*path, *sub_path),
            sub_container,
            sub_item,
            sheet,
            sub_path,
            sub_required,
            sub_description,
            taken,
        )
    return sheets


@cache
def recipe_layout(model: type[BaseModel] | None = None) -> Layout:
    """The workbook layout of :class:`lca.recipe.Recipe` (or of ``model``), computed once.

    Raises
    ------
    LayoutError
        If the schema has a field of a shape the layout cannot hold (a union of a model with
        something else, a list of lists): the test suite walks every field to catch this.
    """
    if model is None:
        from lca.recipe import Recipe

        model = Recipe
    root = Sheet(name=ROOT_SHEET, path=(), container="root", required=True)
    pending: list[Any] = []
    columns = _walk_model(model, (), True, root, pending)
    root = Sheet(
        name=ROOT_SHEET,
        path=(),
        container="root",
        columns=tuple(columns),
        required=True,
        description="Route metadata and the fields of the recipe's single tables.",
    )
    sheets = [root]
    taken: set[str] = set()
    for path, container, item, required, description in pending:
        sheets += _table(path, container, item, root, path, required, description, taken)
    return Layout(tuple(sheets))
