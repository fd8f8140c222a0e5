"""Reading a recipe from an Excel workbook laid out as :mod:`lca.recipe_io.layout` says.

The workbook is turned into the mapping a TOML recipe parses to, then validated by the same
schema; every problem names the sheet, row and column it comes from. Formulas are never
calculated: a formula cell is read by the result Excel saved with it, or refused when there is
none. Hidden sheets are ignored, and so is the ``help`` sheet.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lca.errors import Problem, RecipeError
from lca.recipe import Recipe, validate_recipe
from lca.recipe_io.layout import (
    HELP_SHEET,
    ROOT_HEADERS,
    UNIT_SUFFIX,
    Column,
    Layout,
    Sheet,
    recipe_layout,
)
from lca.recipe_io.locate import Locator, Place
from lca.recipe_io.xlsx_open import load_book, read_workbook_bytes

MAX_ROWS = 10_000
MAX_COLUMNS = 200
NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#SPILL!")


def _unusable(value: Any, kind: str) -> str:
    """Why a cell's value cannot be a recipe's (an Excel error, a date, a time), or ``""``."""
    if kind == "e" or (isinstance(value, str) and value in EXCEL_ERRORS):
        return f"the Excel error value {value}; give the value itself"
    if isinstance(value, dt.datetime | dt.date):
        return (
            f"a date ({value:%Y-%m-%d}) where a value is expected: Excel turns entries such as "
            "'1/2' or '3-4' into dates; format the cell as Text and type the value again"
        )
    if isinstance(value, dt.time | dt.timedelta):
        return (
            f"a time of day or duration ({value}); write a number and its unit, e.g. 6 h, in a "
            "cell formatted as a number or text"
        )
    return ""


class _Blank:
    """No value (an empty cell, or one whose problem was already reported)."""


BLANK = _Blank()
BAD = _Blank()  # a cell whose problem is reported: read as empty, without follow-on problems


def number_text(value: int | float) -> str:
    """A cell's number as recipe text: ``6.2``, ``10``, ``1e-05`` (Python's shortest form)."""
    return str(value) if isinstance(value, int) else repr(value)


def join_amount(raw: Any, unit: Any, header: str = "amount") -> tuple[Any, str | None]:
    """An amount's text from its cell and its unit cell: ``(text or None, problem or None)``.

    A number takes the unit beside it (``6.2`` and ``kg`` → ``'6.2 kg'``); a text that is a
    number too (``'0.50'``, kept as text so that it comes back as written); a text with its unit
    (``'6.2 kg'``) is taken whole when the unit cell is empty.
    """
    unit_column = header + UNIT_SUFFIX
    if unit is not BLANK and not isinstance(unit, str):
        return None, f"the unit {unit!r} in '{unit_column}' is not a unit; write it as text"
    unit = unit.strip() if isinstance(unit, str) else ""
    if raw is BLANK:
        return None, (f"a unit ({unit}) without an amount in '{header}'" if unit else None)
    if isinstance(raw, bool):
        return None, f"{raw} is not an amount; write a number and its unit"
    if isinstance(raw, int | float):
        text, bare = number_text(raw), True
    else:
        text, bare = raw, NUMBER.fullmatch(raw.strip()) is not None
    if bare and not unit:
        return None, (
            f"{text} has no unit: give it in column '{unit_column}', or write the number with "
            f"its unit in '{header}' ('{text} kg', '{text} h')"
        )
    if bare:
        return f"{text} {unit}", None
    if unit:
        return None, (
            f"'{text}' already has its unit and column '{unit_column}' gives '{unit}' too; keep "
            "the unit in one place"
        )
    return text, None


def _suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


@dataclass
class _Entry:
    """An item read from a row: its mapping, its canonical path and the rows below it."""

    item: Any
    path: str
    counts: dict[str, int] = field(default_factory=dict)


class WorkbookReader:
    """Reads one workbook into the recipe mapping, collecting every problem with its cell."""

    def __init__(self, book, data: bytes, source: str, layout: Layout):
        self.book, self.data, self.source, self.layout = book, data, source, layout
        self.problems: list[Problem] = []
        self.locator = Locator()
        self._cached: Any = None  # the workbook read again for saved formula results

    # -- cells ---------------------------------------------------------------------------------
    def problem(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))

    def cached_value(self, ws, coordinate: str) -> tuple[Any, str]:
        """The value Excel saved for a formula cell, from the workbook read with data_only."""
        if self._cached is None:
            self._cached = load_book(self.data, self.source, data_only=True)
        cell = self._cached[ws.title][coordinate]
        return cell.value, cell.data_type

    def value(self, ws, row: int, column: int, where: str) -> Any:
        """The value of a cell, or BLANK (reporting a problem if the value cannot be used)."""
        cell = ws.cell(row=row, column=column)
        value, kind = cell.value, cell.data_type
        if kind == "f" or type(value).__name__ in ("ArrayFormula", "DataTableFormula"):
            formula = getattr(value, "text", value)
            value, kind = self.cached_value(ws, cell.coordinate)
            if value is None:
                self.problem(
                    where,
                    f"a formula ({formula}) with no saved result: greenroute never calculates "
                    "formulas; type the value, or open and save the workbook in Excel so that it "
                    "stores the result",
                )
                return BAD
        if value is None or value == "":
            return BLANK
        unusable = _unusable(value, kind)
        if unusable:
            self.problem(where, unusable)
            return BAD
        return value

    def convert(self, column: Column, raw: Any, unit: Any, where: str) -> Any:
        """A cell value as the recipe field takes it (amounts joined with their unit)."""
        if raw is BAD or unit is BAD:
            return BLANK
        if column.kind == "amount":
            return self._amount(column, raw, unit, where)
        if raw is BLANK:
            return BLANK
        if column.kind in ("text", "choice", "key", "key-id"):
            if isinstance(raw, bool):
                self.problem(where, f"{raw} where text is expected")
                return BLANK
            return number_text(raw) if isinstance(raw, int | float) else raw
        if column.kind == "integer" and isinstance(raw, float) and raw.is_integer():
            return int(raw)
        return raw

    def _amount(self, column: Column, raw: Any, unit: Any, where: str) -> Any:
        text, message = join_amount(raw, unit, column.header)
        if message:
            self.problem(where, message)
        return BLANK if text is None else text

    # -- sheets --------------------------------------------------------------------------------
    def sheets(self) -> dict[str, Any]:
        """The visible sheets by layout name; unknown and missing sheets are problems."""
        names = {s.name.lower(): s.name for s in self.layout.sheets}
        found: dict[str, Any] = {}
        hidden: set[str] = set()
        for ws in self.book.worksheets:
            key = ws.title.strip().lower()
            if ws.sheet_state != "visible":
                hidden.add(names.get(key, ""))
                continue
            if key == HELP_SHEET:
                continue
            if key not in names:
                self.problem(
                    f"sheet '{ws.title}'",
                    f"not a sheet of a recipe workbook{_suggest(key, names)}; rename it, or hide "
                    "it to keep it in the file (hidden sheets are not read)",
                )
                continue
            found[names[key]] = ws
        for sheet in self.layout.sheets:
            if sheet.required and sheet.name not in found:
                why = " (a hidden sheet of that name is not read: unhide it)"
                self.problem(
                    f"sheet '{sheet.name}'",
                    "missing; every recipe workbook has it (`lca template` writes one)"
                    + (why if sheet.name in hidden else ""),
                )
        return found

    def header(self, ws, sheet: Sheet) -> dict[str, int] | None:
        """Column numbers by header; None (with problems reported) if the sheet is unusable."""
        before = len(self.problems)
        if ws.merged_cells.ranges:
            merged = sorted(str(r) for r in ws.merged_cells.ranges)
            self.problem(
                f"sheet '{sheet.name}' cells {merged[0]}",
                "merged cells; unmerge them (Home > Merge > Unmerge Cells): each row of a "
                "recipe sheet holds its own values",
            )
        if ws.max_row > MAX_ROWS + 1 or ws.max_column > MAX_COLUMNS:
            self.problem(
                f"sheet '{sheet.name}'",
                f"has cells down to row {ws.max_row} and across to column "
                f"{_letter(ws.max_column)}; a recipe sheet holds at most {MAX_ROWS} rows and "
                f"{MAX_COLUMNS} columns (delete the rows and columns below and beside the table, "
                "even empty formatted ones)",
            )
        if len(self.problems) > before:
            return None
        allowed = ROOT_HEADERS if sheet.container == "root" else [c.header for c in sheet.columns]
        lookup = {h.lower(): h for h in allowed}
        columns: dict[str, int] = {}
        for number in range(1, ws.max_column + 1):
            where = f"sheet '{sheet.name}' column {_letter(number)} ({_letter(number)}1)"
            text = self.value(ws, 1, number, where)
            if text is BLANK:
                continue
            if not isinstance(text, str):
                self.problem(where, f"the header {text!r} is not a column name")
                continue
            name = lookup.get(text.strip().lower())
            if name is None:
                self.problem(
                    where,
                    f"'{text}' is not a column of sheet '{sheet.name}'{_suggest(text, allowed)}; "
                    f"its columns are: {', '.join(allowed)}",
                )
            elif name in columns:
                self.problem(where, f"a second column '{name}'; keep one")
            else:
                columns[name] = number
        required = (
            ("field", "value")
            if sheet.container == "root"
            else [c.header for c in sheet.columns if c.required]
        )
        unknown = len(self.problems) > before  # a misspelt header: not also 'missing'
        for name in required:
            if name not in columns and not unknown:
                self.problem(
                    f"sheet '{sheet.name}' row 1",
                    f"the header has no column '{name}'; add it (`lca template` shows the layout)",
                )
        return None if len(self.problems) > before else columns

    def rows(self, ws, sheet: Sheet, columns: dict[str, int]):
        """``(row number, {header: value})`` of the non-empty rows below the header."""
        named = set(columns.values())
        for row in range(2, ws.max_row + 1):
            values = {
                h: self.value(
                    ws, row, n, f"sheet '{sheet.name}' row {row} column '{h}' ({_letter(n)}{row})"
                )
                for h, n in columns.items()
            }
            for number in range(1, ws.max_column + 1):
                if number not in named and ws.cell(row=row, column=number).value is not None:
                    self.problem(
                        f"sheet '{sheet.name}' row {row} column {_letter(number)} "
                        f"({_letter(number)}{row})",
                        f"a value under no header; name the column in {_letter(number)}1 or "
                        "clear the cell",
                    )
            if any(v is not BLANK for v in values.values()):
                yield row, values

    # -- the recipe ----------------------------------------------------------------------------
    def cell_text(self, sheet: Sheet, columns: dict[str, int], row: int, header: str) -> str:
        number = columns[header]
        unit = columns.get(header + UNIT_SUFFIX)
        if sheet.container == "root":
            value = f"column 'value' ({_letter(number)}{row})"
            if unit:
                value = f"columns 'value' and 'unit' ({_letter(number)}{row}, {_letter(unit)}{row})"
            return f"row {row} {value}"
        if unit:
            return (
                f"columns '{header}' and '{header}{UNIT_SUFFIX}' "
                f"({_letter(number)}{row}, {_letter(unit)}{row})"
            )
        return f"column '{header}' ({_letter(number)}{row})"

    def read(self) -> dict[str, Any]:
        """The recipe mapping; raises RecipeError with every problem found."""
        found = self.sheets()
        headers: dict[str, dict[str, int]] = {}
        for sheet in self.layout.sheets:
            if sheet.name in found:
                columns = self.header(found[sheet.name], sheet)
                if columns is not None:
                    headers[sheet.name] = columns
        if self.problems:
            raise RecipeError(self.problems, source=self.source)
        root: dict[str, Any] = {}
        entries: dict[str, dict[tuple, _Entry]] = {}
        for sheet in self.layout.sheets:
            if sheet.container == "root":
                self.read_root(found[sheet.name], sheet, headers[sheet.name], root)
                entries[sheet.name] = {(): _Entry(root, "")}
            elif sheet.name in found:
                entries[sheet.name] = self.read_table(
                    found[sheet.name], sheet, headers[sheet.name], entries
                )
            else:
                entries[sheet.name] = {}
        if self.problems:
            raise RecipeError(self.problems, source=self.source)
        return root

    def read_root(self, ws, sheet: Sheet, columns: dict[str, int], root: dict) -> None:
        fields = {c.header: c for c in sheet.columns if c.kind != "unit"}
        place = Place(sheet.name, None, known=frozenset(fields), children=self.children(sheet))
        self.locator.places[""] = place
        seen: dict[str, int] = {}
        for row, values in self.rows(ws, sheet, columns):
            at = f"sheet '{sheet.name}' row {row}"
            name = values.get("field", BLANK)
            if all(values.get(h, BLANK) is BLANK for h in ("field", "value", "unit")):
                continue  # a remark in the 'about' column only
            if name is BAD:
                continue
            if name is BLANK or not isinstance(name, str):
                self.problem(f"{at} column 'field'", "a value without a field name")
                continue
            name = name.strip()
            column = fields.get(name)
            if column is None:
                self.problem(
                    f"{at} column 'field'",
                    f"'{name}' is not a field of the route sheet{_suggest(name, fields)}",
                )
                continue
            if name in seen:
                self.problem(f"{at} column 'field'", f"'{name}' is also on row {seen[name]}")
                continue
            seen[name] = row
            cell = f"column 'value' ({_letter(columns['value'])}{row})"
            unit = values.get("unit", BLANK)
            if column.kind == "amount" and "unit" in columns:
                cell = (
                    f"columns 'value' and 'unit' ({_letter(columns['value'])}{row}, "
                    f"{_letter(columns['unit'])}{row})"
                )
            elif unit is not BLANK:
                self.problem(f"{at} column 'unit'", f"'{name}' takes no unit; clear the cell")
                continue
            value = self.convert(column, values.get("value", BLANK), unit, f"{at} {cell}")
            place.cells[name] = f"row {row} {cell}"
            if value is not BLANK:
                _set(root, column.path, value)

    def children(self, sheet: Sheet) -> dict[str, str]:
        return {".".join(c.within): c.name for c in self.layout.children(sheet.name)}

    def read_table(self, ws, sheet: Sheet, columns, entries) -> dict[tuple, _Entry]:
        index: dict[tuple, _Entry] = {}
        parents = entries[sheet.parent]
        fields = [c for c in sheet.field_columns if c.kind != "unit" and c.header in columns]
        letters = {".".join(c.path): _letter(columns[c.header]) for c in fields}
        known = frozenset(".".join(c.path) for c in sheet.field_columns if c.kind != "unit")
        seen: dict[Any, int] = {}
        for row, values in self.rows(ws, sheet, columns):
            at = f"sheet '{sheet.name}' row {row}"
            keys = []
            for key in sheet.keys:
                where = f"{at} column '{key.header}' ({_letter(columns[key.header])}{row})"
                keys.append(self.key(key.by, values[key.header], where, key.header))
            if any(k is BLANK for k in keys):
                continue
            parent = parents.get(tuple(keys))
            if parent is None:
                self.missing_parent(sheet, keys, at, columns, row, parents)
                continue
            place = Place(sheet.name, row, columns=letters, known=known)
            place.children = self.children(sheet)
            item: Any = {}
            for column in fields:
                unit = values.get(column.header + UNIT_SUFFIX, BLANK)
                text = self.cell_text(sheet, columns, row, column.header)
                value = self.convert(column, values[column.header], unit, f"{at} {text}")
                place.cells[".".join(column.path)] = text
                if value is BLANK:
                    continue
                if sheet.scalar:
                    item = value
                else:
                    _set(item, column.path, value)
            if sheet.scalar and item == {}:
                continue
            container = _container(parent.item, sheet)
            if sheet.container == "dict":
                where = f"{at} column '{sheet.own_key}' ({_letter(columns[sheet.own_key])}{row})"
                own = self.key("key", values[sheet.own_key], where, sheet.own_key or "key")
                if own is BLANK:
                    continue
                if (tuple(keys), own) in seen:
                    self.problem(where, f"'{own}' is also on row {seen[tuple(keys), own]}")
                    continue
                seen[tuple(keys), own] = row
                container[own] = item
                path = _join(parent.path, sheet.within) + f".{own}"
                place.cells[""] = where.split(f"{at} ", 1)[1]
            else:
                own = len(container) + 1
                container.append(item)
                path = _join(parent.path, sheet.within) + f"[{own - 1}]"
                if sheet.item_key and sheet.item_key.by == "id":
                    own = item.get("id") if isinstance(item, dict) else None
                    if own in seen:
                        self.problem(
                            f"{at} column 'id'",
                            f"'{own}' is also the id on row {seen[own]}; ids must be unique",
                        )
                    elif isinstance(own, str):
                        seen[own] = row
            self.locator.places[path] = place
            if isinstance(own, str | int) and (*keys, own) not in index:
                index[(*keys, own)] = _Entry(item, path)
        return index

    def key(self, by: str, raw: Any, where: str, header: str) -> Any:
        if raw is BAD:
            return BLANK
        if raw is BLANK:
            self.problem(where, f"no {header}: every row names its {header}")
            return BLANK
        if by == "position":
            number = raw
            if isinstance(raw, str) and raw.strip().isdigit():
                number = int(raw)
            if isinstance(number, float) and number.is_integer():
                number = int(number)
            if not isinstance(number, int) or isinstance(number, bool) or number < 1:
                self.problem(where, f"{raw!r} is not a position: 1 for the first, 2, 3...")
                return BLANK
            return number
        if isinstance(raw, bool):
            self.problem(where, f"{raw} is not an id")
            return BLANK
        return number_text(raw) if isinstance(raw, int | float) else raw

    def missing_parent(self, sheet: Sheet, keys, at, columns, row, parents) -> None:
        key = sheet.keys[-1]
        where = f"{at} column '{key.header}' ({_letter(columns[key.header])}{row})"
        value = keys[-1]
        if key.by == "position":
            siblings = sum(1 for k in parents if k[:-1] == tuple(keys[:-1]))
            self.problem(
                where,
                f"there is no {key.header} {value} (the {key.header}s are numbered 1 to "
                f"{siblings} in their order on sheet '{key.sheet}')",
            )
            return
        options = [str(k[-1]) for k in parents if k[:-1] == tuple(keys[:-1])]
        self.problem(
            where,
            f"no {key.header} '{value}' on sheet '{key.sheet}'{_suggest(str(value), options)}",
        )


def _set(item: dict, path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        item = item.setdefault(part, {})
    item[path[-1]] = value


def _container(item: dict, sheet: Sheet) -> Any:
    for part in sheet.within[:-1]:
        item = item.setdefault(part, {})
    return item.setdefault(sheet.within[-1], {} if sheet.container == "dict" else [])


def _join(path: str, within: tuple[str, ...]) -> str:
    return ".".join(p for p in (path, *within) if p)


def read_workbook_recipe(path: str | Path) -> Recipe:
    """Read a recipe from an Excel workbook (``lca template`` writes the layout).

    Raises
    ------
    RecipeError
        With every problem found, each naming the file, sheet, row and column.
    """
    path = Path(path)
    source = str(path)
    data = read_workbook_bytes(path)
    book = load_book(data, source)
    reader = WorkbookReader(book, data, source, recipe_layout())
    mapping = reader.read()
    return validate_recipe(mapping, source, reader.locator)
