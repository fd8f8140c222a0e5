"""Writing a recipe as an Excel workbook (``lca template``, ``lca convert x.toml x.xlsx``).

The sheets and columns come from :func:`lca.recipe_io.layout.recipe_layout`. Each header carries
a note (the field's description, what it takes, its default); columns of fixed choices, booleans
and step ids have drop-down lists, unit columns suggest units; a ``help`` sheet explains the
layout. Reading the file back gives the same recipe (:mod:`lca.recipe_io.xlsx_read`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lca.errors import OutputError
from lca.recipe import Recipe
from lca.recipe_io.layout import (
    HELP_SHEET,
    ROOT_HEADERS,
    UNIT_SUFFIX,
    Column,
    Layout,
    Sheet,
    recipe_layout,
)
from lca.recipe_io.xlsx_read import MAX_ROWS, NUMBER, number_text

_HEADER_FILL = "D9E2F3"
_KEY_FILL = "FCE4D6"

KIND_TEXT = {
    "text": "text",
    "choice": "one of the listed values",
    "integer": "a whole number",
    "number": "a number",
    "number-or-text": "a number, or text with units (e.g. 85 %)",
    "bool": "TRUE or FALSE",
    "amount": "a number, its unit in the next column (or text with the unit, e.g. 6.2 kg)",
    "unit": "the unit of the amount to its left (any unit pint reads)",
    "any": "a value",
    "key": "the id of this entry",
    "key-id": "the id of the item this row belongs to",
    "key-position": "the position of the item this row belongs to (1 for the first)",
}


def _stored(value: float) -> int | float:
    """The number openpyxl reads back after writing ``value`` (it writes 16 significant digits)."""
    text = f"{value:.16g}"
    return float(text) if any(c in text for c in ".eE") else int(text)


def split_amount(text: str) -> tuple[Any, str]:
    """``'6.2 kg'`` → ``(6.2, 'kg')``; a text that would not come back unchanged stays whole."""
    number, _, unit = text.partition(" ")
    if not unit or unit != unit.strip() or NUMBER.fullmatch(number) is None:
        return text, ""
    value = int(number) if number.lstrip("+-").isdigit() else float(number)
    if number_text(_stored(value)) == number:
        return value, unit
    return number, unit  # kept as text ('0.50', '1e3'): read back exactly as written


def _get(item: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(item, dict) or part not in item:
            return None
        item = item[part]
    return item


def recipe_rows(recipe: Recipe, layout: Layout) -> dict[str, list[tuple[tuple, Any, Any]]]:
    """Per sheet: ``(keys, own key, item)`` of each row, items as the TOML format has them."""
    data = recipe.model_dump(mode="python", by_alias=True, exclude_unset=True)
    rows: dict[str, list[tuple[tuple, Any, Any]]] = {layout.root.name: [((), None, data)]}
    # the key tuple an item's children name it by
    below: dict[str, list[tuple[tuple, Any]]] = {layout.root.name: [((), data)]}
    for sheet in layout.sheets[1:]:
        rows[sheet.name], below[sheet.name] = [], []
        for keys, parent in below[sheet.parent or layout.root.name]:
            container = _get(parent, sheet.within)
            if not container:
                continue
            pairs = container.items() if sheet.container == "dict" else enumerate(container, 1)
            for own, item in pairs:
                rows[sheet.name].append((keys, own, item))
                by_id = sheet.item_key is not None and sheet.item_key.by == "id"
                name = item.get("id") if by_id else own
                below[sheet.name].append(((*keys, name), item))
    return rows


def _note(column: Column) -> str:
    lines = [column.description] if column.description else []
    takes = KIND_TEXT.get(column.kind, "a value")
    if column.kind == "choice":
        takes = "one of: " + ", ".join(map(str, column.choices))
    lines.append(f"Takes {takes}.")
    if column.kind.startswith("key") or column.required:
        lines.append("Required.")
    elif column.default not in (None, "", [], {}):
        lines.append(f"Default: {column.default}.")
    return "\n".join(lines)


def _put(cell, value: Any) -> None:
    from openpyxl.utils.exceptions import IllegalCharacterError

    try:
        cell.value = value
    except IllegalCharacterError:
        raise OutputError(
            f"the text {value!r} has control characters a workbook cannot hold"
        ) from None
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula


def _style_header(ws, count: int, keys: int) -> None:
    from openpyxl.styles import Font, PatternFill

    for number in range(1, count + 1):
        cell = ws.cell(row=1, column=number)
        cell.font = Font(bold=True)
        fill = _KEY_FILL if number <= keys else _HEADER_FILL
        cell.fill = PatternFill("solid", start_color=fill, end_color=fill)


def _widths(ws) -> None:
    for column in ws.columns:
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        ws.column_dimensions[column[0].column_letter].width = min(max(longest + 2, 10), 60)


def _validation(ws, column: Column, letter: str, cells: str | None = None, ids=None) -> None:
    """A drop-down list for a column; ``ids``: (sheet, column letter) of the ids a key names."""
    from openpyxl.worksheet.datavalidation import DataValidation

    target = cells or f"{letter}2:{letter}{MAX_ROWS + 1}"
    strict = True
    if column.kind == "choice":
        formula = '"' + ",".join(map(str, column.choices)) + '"'
    elif column.kind == "bool":
        formula = '"TRUE,FALSE"'
    elif column.kind == "unit":
        formula, strict = '"' + ",".join(column.units) + '"', False
    elif column.kind == "key-id" and ids is not None:
        formula = f"'{ids[0]}'!${ids[1]}$2:${ids[1]}${MAX_ROWS + 1}"
    else:
        return
    if len(formula) > 257:  # Excel's limit for a literal list
        return
    rule = DataValidation(type="list", formula1=formula, allow_blank=True)
    rule.showErrorMessage = strict
    if strict:
        rule.error = f"Choose a value from the list ({column.header})."
    ws.add_data_validation(rule)
    rule.add(target)


def _id_range(sheet: Sheet, column: Column, layout: Layout) -> tuple[str, str] | None:
    """Sheet and column letter of the ids a key column names (``step`` → steps!A)."""
    from openpyxl.utils import get_column_letter

    key = next((k for k in sheet.keys if k.header == column.header and k.by == "id"), None)
    if key is None:
        return None
    headers = [c.header for c in layout.sheet(key.sheet).columns]
    return key.sheet, get_column_letter(headers.index("id") + 1)


def _write_root(ws, sheet: Sheet, data: dict, layout: Layout) -> None:
    from openpyxl.styles import Alignment

    for number, header in enumerate(ROOT_HEADERS, 1):
        ws.cell(row=1, column=number, value=header)
    _style_header(ws, len(ROOT_HEADERS), 0)
    row = 2
    for column in sheet.columns:
        if column.kind == "unit":
            continue
        value = _get(data, column.path)
        _put(ws.cell(row=row, column=1), column.header)
        if value is not None:
            if column.kind == "amount":
                number, unit = split_amount(value)
                _put(ws.cell(row=row, column=2), number)
                _put(ws.cell(row=row, column=3), unit or None)
            else:
                _put(ws.cell(row=row, column=2), value)
        _put(ws.cell(row=row, column=4), _note(column).replace("\n", " "))
        ws.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        ws.cell(row=row, column=4).alignment = Alignment(wrap_text=True, vertical="top")
        if column.kind in ("choice", "bool"):
            _validation(ws, column, "B", cells=f"B{row}")
        if column.kind == "amount":
            unit_column = sheet.column(column.header + UNIT_SUFFIX)
            if unit_column is not None:
                _validation(ws, unit_column, "C", cells=f"C{row}")
        row += 1
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 10
    ws.column_dimensions["D"].width = 80
    ws.freeze_panes = "B2"


def _write_table(ws, sheet: Sheet, rows, layout: Layout) -> None:
    from openpyxl.comments import Comment

    keys = len(sheet.keys) + (1 if sheet.own_key else 0)
    for number, column in enumerate(sheet.columns, 1):
        cell = ws.cell(row=1, column=number, value=column.header)
        note = Comment(_note(column), "greenroute")
        note.width, note.height = 320, 160
        cell.comment = note
        _validation(ws, column, cell.column_letter, ids=_id_range(sheet, column, layout))
    _style_header(ws, len(sheet.columns), keys)
    for row, (parent_keys, own, item) in enumerate(rows, 2):
        values = list(parent_keys) + ([own] if sheet.own_key else [])
        for number, value in enumerate(values, 1):
            _put(ws.cell(row=row, column=number), value)
        for number, column in enumerate(sheet.columns[len(values) :], len(values) + 1):
            if column.kind == "unit":
                continue
            value = item if sheet.scalar else _get(item, column.path)
            if value is None:
                continue
            if column.kind == "amount":
                value, unit = split_amount(value)
                if unit:
                    _put(ws.cell(row=row, column=number + 1), unit)
            _put(ws.cell(row=row, column=number), value)
    _widths(ws)
    ws.freeze_panes = ws.cell(row=2, column=keys + 1).coordinate


def _write_help(ws, layout: Layout) -> None:
    from openpyxl.styles import Alignment, Font

    lines = [
        "A greenroute recipe as a workbook: one route to one product (docs/recipe-format.md, "
        "section 'Recipes in Excel').",
        "Read with `lca assess recipe.xlsx` (and every command that takes a recipe); "
        "`lca convert recipe.xlsx recipe.toml` writes the same recipe as TOML.",
        "Amounts: the number in its column, the unit in the next ('6.2' and 'kg'); or the text "
        "'6.2 kg' with the unit column empty.",
        "Rows of the tables below a step name it in column 'step'; the order of rows is the "
        "order of the step's inputs, energy lines, etc.",
        "Formulas are allowed only where Excel has saved their result; greenroute never "
        "calculates them. Hidden sheets and this sheet are not read; other sheets must be "
        "recipe sheets.",
    ]
    for row, line in enumerate(lines, 1):
        ws.cell(row=row, column=1, value=line)
    row = len(lines) + 2
    for sheet in layout.sheets:
        keys = ", ".join(k.header for k in sheet.keys)
        what = sheet.description or ""
        if keys:
            what += f" Rows name their {keys}."
        ws.cell(row=row, column=1, value=f"sheet '{sheet.name}'").font = Font(bold=True)
        ws.cell(row=row, column=2, value=what.strip())
        row += 1
    row += 1
    for number, title in enumerate(("sheet", "column", "takes", "required", "default", "about"), 1):
        ws.cell(row=row, column=number, value=title).font = Font(bold=True)
    for sheet in layout.sheets:
        for column in sheet.columns:
            row += 1
            takes = KIND_TEXT.get(column.kind, "")
            if column.kind == "choice":
                takes = "one of: " + ", ".join(map(str, column.choices))
            default = "" if column.default in (None, [], {}) else str(column.default)
            required = "yes" if column.required or column.kind.startswith("key") else ""
            values = (sheet.name, column.header, takes, required, default, column.description)
            for number, value in enumerate(values, 1):
                _put(ws.cell(row=row, column=number), value)
                ws.cell(row=row, column=number).alignment = Alignment(wrap_text=number == 6)
    for letter, width in zip("ABCDEF", (24, 34, 40, 9, 10, 90), strict=True):
        ws.column_dimensions[letter].width = width


def recipe_workbook(recipe: Recipe, layout: Layout | None = None):
    """The recipe as an openpyxl workbook (not yet saved), laid out by ``layout`` (default:
    the layout of :class:`~lca.recipe.Recipe`)."""
    import openpyxl

    layout = layout or recipe_layout()
    rows = recipe_rows(recipe, layout)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for sheet in layout.sheets:
        ws = book.create_sheet(sheet.name)
        if sheet.container == "root":
            _write_root(ws, sheet, rows[sheet.name][0][2], layout)
        else:
            _write_table(ws, sheet, rows[sheet.name], layout)
    _write_help(book.create_sheet(HELP_SHEET), layout)
    book.active = 0
    return book


def write_recipe_workbook(recipe: Recipe, path: str | Path, force: bool = False) -> Path:
    """Write ``recipe`` as a workbook (atomically; an existing file only with ``force``)."""
    from lca.reporting.output import write_atomically

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise OutputError(f"{path}: a recipe workbook is written as .xlsx")
    book = recipe_workbook(recipe)
    return write_atomically(path, lambda tmp: book.save(tmp), force)
