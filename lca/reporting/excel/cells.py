"""The workbook's cells: its style, the one writer every value goes through, and the row
bookkeeping formulas use (:class:`Rows`: ranges by route and step number, never by position)."""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lca.errors import OutputError
from lca.reporting.safe import FORMULA_PREFIXES  # such text cells get Excel's quote prefix
from lca.resources import data_dir

if TYPE_CHECKING:
    from lca.assessment import Assessment

HEADER_ROW = 4  # on every sheet: title in row 1, notes in rows 2-3, the first table's header here
FIRST_ROW = HEADER_ROW + 1
EXCEL_TEXT_LIMIT = 32767
COLOUR = re.compile(r"^[0-9A-Fa-f]{6}$")
PER_KG = "kg CO2e/kg product"
PERCENT_METRICS = ("atom_economy", "reaction_mass_efficiency", "carbon_efficiency")
# Columns that formulas use, of INVENTORY_COLUMNS (Route # and Step # also on the Steps sheet)
ROUTE_NO, STEP_NO, CATEGORY, AMOUNT, FACTOR_NO, FACTOR, MULTIPLIER, CONTRIB = "ACEIKNPQ"


class Formula(str):
    """A cell formula. Only values of this type are written as formulas; text never is.

    ``expected`` is the value greenroute computed for it, when known: a ``sigN`` number format
    (:func:`Writer.number_format`) is chosen from it, as for a plain number.
    """

    expected: float | None

    def __new__(cls, text: str, expected: float | None = None):
        formula = super().__new__(cls, text)
        number = isinstance(expected, int | float) and not isinstance(expected, bool)
        formula.expected = float(expected) if number and expected is not None else None
        return formula


@dataclass(frozen=True)
class Column:
    """A table column: header, width kind (``[column_widths]``), number format kind or unit."""

    header: str
    width: str = "name"
    number_format: str | None = None  # a key of [number_formats]
    unit: str | None = None  # a unit of [number_formats.units], else the default format


# -- style ----------------------------------------------------------------------------------------
def load_style(path: str | Path | None = None) -> dict:
    """The workbook style: the bundled ``reports/excel-style.toml`` with ``path`` laid over it.

    Raises
    ------
    OutputError
        If the file cannot be read, is not TOML, has a key the bundled style does not know, a
        value of the wrong type, or a colour that is not ``RRGGBB``.
    """
    style = _read_toml(data_dir("reports") / "excel-style.toml")
    if path is not None:
        _overlay(style, _read_toml(Path(path)), str(path), "")
    return style


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise OutputError(f"{path}: cannot read the Excel style ({exc})") from None


def _overlay(base: dict, user: dict, origin: str, where: str) -> None:
    """Lay ``user`` over ``base`` in place; only ``number_formats.units`` takes new keys."""
    for key, value in user.items():
        name = f"{where}{key}"
        if key not in base and where != "number_formats.units.":
            known = ", ".join(sorted(base))
            raise OutputError(f"{origin}: unknown style key '{name}'; expected one of {known}")
        old = base.get(key, "")
        numbers = {type(old), type(value)} <= {int, float}
        if isinstance(old, dict) != isinstance(value, dict) or (
            not isinstance(old, dict) and type(old) is not type(value) and not numbers
        ):
            raise OutputError(f"{origin}: style key '{name}' must be {type(old).__name__}")
        if isinstance(value, dict):
            _overlay(base[key], value, origin, f"{name}.")
        elif key in ("fill", "color") and not COLOUR.match(value):
            raise OutputError(f"{origin}: style key '{name}' = {value!r} is not an RRGGBB colour")
        else:
            base[key] = value


def _significant(value: Any, number_format: str) -> str:
    """The spreadsheet format of ``sigN`` for a value (:func:`.labels.excel_format`)."""
    from lca.reporting.labels import excel_format

    digits = int(number_format[3:] or 3)
    number = value.expected if isinstance(value, Formula) else value
    if isinstance(number, str) or number is None:
        return "#,##0.000"
    return excel_format(float(number), digits)


class Writer:
    """Writes cells in the workbook's style: the one place values reach a worksheet."""

    def __init__(self, style: dict):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Alignment, Font, PatternFill

        self.style = style
        self.illegal = ILLEGAL_CHARACTERS_RE
        font, title, header, note = (style[k] for k in ("font", "title", "header", "note"))
        base = {"name": font["name"], "size": font["size"]}
        self.body = Font(**base)
        self.title_font = Font(
            name=font["name"], size=title["size"], bold=title["bold"], color=title["color"]
        )
        self.header_font = Font(**base, bold=header["bold"], color=header["color"])
        self.header_fill = PatternFill("solid", fgColor=header["fill"])
        self.header_alignment = Alignment(wrap_text=header["wrap"], vertical="top")
        self.note_font = Font(**base, italic=note["italic"], color=note["color"])

    def number_format(self, column: Column) -> str | None:
        formats = self.style["number_formats"]
        if column.unit is not None:
            return formats["units"].get(column.unit, formats["default"])
        return None if column.number_format is None else formats[column.number_format]

    def put(self, ws, row: int, col: int, value: Any, number_format: str | None = None, font=None):
        """Write one cell: a :class:`Formula` as a formula, any other text as plain text.

        A ``sigN`` number format (``sig3``) shows the number to N significant figures, as every
        other greenroute output does, and keeps its full precision in the cell: the format is
        chosen from the value (a formula's :attr:`Formula.expected`; ``#,##0.000`` when it has
        none).
        """
        if number_format and number_format.startswith("sig"):
            number_format = _significant(value, number_format)
        cell = ws.cell(row=row, column=col)
        if isinstance(value, Formula):
            cell.value = str(value)
        elif isinstance(value, str):
            text = self.illegal.sub("\ufffd", value)[:EXCEL_TEXT_LIMIT]
            cell.value = text
            # openpyxl makes any string that starts with "=" a formula: force text, and let the
            # quote prefix keep it text when someone edits the cell in Excel
            cell.data_type = "s"
            if text.startswith(FORMULA_PREFIXES):
                cell.quotePrefix = True
        elif isinstance(value, int):
            cell.value = value
        elif value is not None:
            number = float(value)
            cell.value = number if math.isfinite(number) else None
        if number_format and (isinstance(value, Formula) or not isinstance(value, str | None)):
            cell.number_format = number_format
        cell.font = font or self.body
        return cell

    def print_setup(self, ws, title_row: int | None = HEADER_ROW, one_page: bool = False) -> None:
        """Landscape, fitted to the page width (and to one page with ``one_page``), the table's
        header row repeated on every page, and the sheet's name and page in the footer."""
        setup = self.style["print"]
        ws.page_setup.orientation = setup["orientation"]
        ws.page_setup.paperSize = ws.PAPERSIZE_A4 if setup["paper"] == "A4" else ws.PAPERSIZE_LETTER
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if one_page else 0
        ws.print_options.gridLines = False
        for side in ("left", "right"):
            setattr(ws.page_margins, side, setup["margin"])
        ws.page_margins.top = ws.page_margins.bottom = setup["margin"]
        if title_row is not None and not one_page:
            ws.print_title_rows = f"{title_row}:{title_row}"
        ws.oddFooter.center.text = "&A, page &P of &N"

    def label(self, ws, row: int, col: int, label) -> None:
        """A metric's label (:class:`lca.reporting.labels.Label`, or text), indented by level."""
        from openpyxl.styles import Alignment

        level = getattr(label, "level", 0)
        cell = self.put(ws, row, col, getattr(label, "text", label))
        if level:
            cell.alignment = Alignment(indent=2 * level)

    def heading(self, ws, title: str, *notes: str) -> None:
        """Title in row 1, up to two lines of notes in rows 2 and 3."""
        self.put(ws, 1, 1, title, font=self.title_font)
        for offset, note in enumerate(notes[:2]):
            self.put(ws, 2 + offset, 1, note, font=self.note_font)

    def header(self, ws, row: int, labels: Sequence[str]) -> None:
        for col, label in enumerate(labels, 1):
            cell = self.put(ws, row, col, label, font=self.header_font)
            cell.fill, cell.alignment = self.header_fill, self.header_alignment

    def fit_header(self, ws, row: int, labels: Sequence[str]) -> None:
        """A header row tall enough for its wrapped labels (spreadsheets do not grow it)."""
        from openpyxl.utils import get_column_letter

        lines = 1
        for col, label in enumerate(labels, 1):
            width = ws.column_dimensions[get_column_letter(col)].width or 8.43
            lines = max(lines, wrapped_lines(label, width))
        ws.row_dimensions[row].height = 15 * lines

    def widths(self, ws, kinds: Sequence[str]) -> None:
        from openpyxl.utils import get_column_letter

        for col, kind in enumerate(kinds, 1):
            ws.column_dimensions[get_column_letter(col)].width = self.style["column_widths"][kind]

    def table(self, ws, top: int, columns: Sequence[Column], rows: Sequence[Sequence[Any]],
              main: bool = True, freeze: str | None = None) -> tuple[int, int]:  # fmt: skip
        """Header at ``top``, rows below; a sheet's main table also sets widths, filter, freeze.

        Returns the first and last data row (``last < first`` for an empty table).
        """
        from openpyxl.utils import get_column_letter

        self.header(ws, top, [c.header for c in columns])
        formats = [self.number_format(c) for c in columns]
        for r, values in enumerate(rows, top + 1):
            for c, value in enumerate(values, 1):
                self.put(ws, r, c, value, formats[c - 1])
        last = top + len(rows)
        if main:
            self.widths(ws, [c.width for c in columns])
        self.fit_header(ws, top, [c.header for c in columns])
        if main:
            ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{max(last, top + 1)}"
            ws.freeze_panes = freeze or f"A{top + 1}"
        return top + 1, last


@dataclass(frozen=True)
class Route:
    number: int
    label: str
    assessment: Assessment

    @property
    def step_ids(self) -> tuple[str, ...]:
        return self.assessment.inventory.step_ids


@dataclass(frozen=True)
class Rows:
    """Rows of a table with Route # in column A and Step # in column C (Inventory, Steps)."""

    first: int
    last: int
    prefix: str = ""  # "Inventory!" from other sheets

    def span(self, col: str) -> str:
        return f"{self.prefix}${col}${self.first}:${col}${self.last}"

    def sumifs(
        self,
        route: int,
        step: int | None = None,
        category: str | None = None,
        of: str = CONTRIB,
        expected: float | None = None,
    ) -> Formula:
        """Sum of column ``of`` (the Inventory's contributions) for a route, step and category;
        ``expected``: greenroute's figure for it (:class:`Formula`)."""
        parts = [self.span(of), self.span(ROUTE_NO), str(route)]
        if step is not None:
            parts += [self.span(STEP_NO), str(step)]
        if category is not None:
            parts += [self.span(CATEGORY), f'"{category}"']  # our fixed names: no quotes inside
        return Formula(f"=SUMIFS({','.join(parts)})", expected)


def wrapped_lines(text: str, width: float) -> int:
    """Lines a spreadsheet needs for ``text`` wrapped at words in a column ``width`` characters
    wide (a bold or proportional font fits fewer characters: a 10 % margin is kept)."""
    import textwrap

    usable = max(int(width * 0.9) - 1, 1)
    return max(1, sum(len(textwrap.wrap(part, usable)) or 1 for part in str(text).splitlines()))
