"""Excel workbook of a comparison: every footprint figure traceable, editable and recalculated.

Sheets, in order: Summary, Charts, Steps, Inventory, Contributions, Provenance, Coverage,
Mode effects, Assumptions. The Inventory sheet is the heart of the workbook: one row per
footprint term (:class:`lca.footprint.Term`) with its amount, its factor and a live contribution
formula ``amount × multiplier × factor``. Every footprint figure elsewhere (route, category and
step totals, the Summary, the Steps sheet, the charts) is a ``SUM`` or ``SUMIFS`` formula over
those rows, and each library factor is looked up from its one row on the Provenance sheet: an
auditor who changes a factor there sees every term that uses it, and every total, move.

Formulas find rows by number, never by position or by name, so that sorting any table leaves
them right: ``SUMIFS`` over route and step numbers and the fixed category names, and
``INDEX``/``MATCH`` on the factor number. Names are never criteria because a criterion text is
itself parsed (``"=x"``, ``">1"``, wildcards ``*?~``) and could silently match the wrong rows.

Text from recipes and factor libraries (route, step and material names, notes, sources) is always
written as text, never as a formula (OWASP "CSV injection"): see :meth:`_Writer.put`. The look of
the workbook comes from ``reports/excel-style.toml``, which users may copy and restyle. openpyxl
is imported only when a workbook is written, so ``import lca`` stays light.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lca.errors import OutputError
from lca.footprint import CATEGORIES
from lca.reporting.labels import metric_label, unit_label
from lca.reporting.output import check_target, write_atomically
from lca.reporting.safe import FORMULA_PREFIXES  # such text cells get Excel's quote prefix
from lca.resources import data_dir

if TYPE_CHECKING:
    from lca.assessment import Assessment
    from lca.comparison import Comparison
    from lca.factors import Factor
    from lca.footprint import Term

SHEETS = (
    "Summary", "Charts", "Steps", "Inventory", "Contributions", "Provenance", "Coverage",
    "Mode effects", "Assumptions",
)  # fmt: skip
HEADER_ROW = 4  # on every sheet: title in row 1, notes in rows 2-3, the first table's header here
FIRST_ROW = HEADER_ROW + 1
EXCEL_TEXT_LIMIT = 32767
COLOUR = re.compile(r"^[0-9A-Fa-f]{6}$")
PER_KG = "kg CO2e/kg product"
PERCENT_METRICS = ("atom_economy", "reaction_mass_efficiency", "carbon_efficiency")
# Columns that formulas use, of INVENTORY_COLUMNS (Route # and Step # also on the Steps sheet)
ROUTE_NO, STEP_NO, CATEGORY, AMOUNT, FACTOR_NO, FACTOR, MULTIPLIER, CONTRIB = "ACEIKNPQ"


class Formula(str):
    """A cell formula. Only values of this type are written as formulas; text never is."""


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


class _Writer:
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
        """Write one cell: a :class:`Formula` as a formula, any other text as plain text."""
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
            ws.auto_filter.ref = f"A{top}:{get_column_letter(len(columns))}{max(last, top + 1)}"
            ws.freeze_panes = freeze or f"A{top + 1}"
        return top + 1, last


# -- the workbook ---------------------------------------------------------------------------------
def write_workbook(
    comparison: Comparison,
    path: str | Path,
    force: bool = False,
    style: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write the Excel report of a comparison (one route: ``lca.compare([recipe])``).

    Parameters
    ----------
    comparison : lca.comparison.Comparison
        The routes, their assessments and the baseline.
    path : path
        The ``.xlsx`` file to write.
    force : bool
        Replace the file if it exists.
    style : path, optional
        A copy of ``reports/excel-style.toml``; keys it leaves out keep the bundled values.
    progress : callable, optional
        Called with a short message as the workbook is built and saved.

    Returns
    -------
    pathlib.Path
        The file, written to a temporary file and moved into place in one step.

    Raises
    ------
    lca.errors.OutputError
        If the file exists and ``force`` is false, its folder does not exist, its name does not
        end in ``.xlsx``, or the style file is invalid.
    """
    target = check_target(path, force)  # before the work, so a refusal is immediate
    if target.suffix.lower() != ".xlsx":
        raise OutputError(f"{target}: an Excel workbook needs a file name ending in .xlsx")
    say = progress or (lambda message: None)
    workbook = _build(comparison, _Writer(load_style(style)), say)
    say(f"saving {target}")
    return write_atomically(target, workbook.save, force=force)


@dataclass(frozen=True)
class _Route:
    number: int
    label: str
    assessment: Assessment

    @property
    def step_ids(self) -> tuple[str, ...]:
        return self.assessment.inventory.step_ids


@dataclass(frozen=True)
class _Rows:
    """Rows of a table with Route # in column A and Step # in column C (Inventory, Steps)."""

    first: int
    last: int
    prefix: str = ""  # "Inventory!" from other sheets

    def span(self, col: str) -> str:
        return f"{self.prefix}${col}${self.first}:${col}${self.last}"

    def sumifs(
        self, route: int, step: int | None = None, category: str | None = None, of: str = CONTRIB
    ) -> Formula:
        """Sum of column ``of`` (the Inventory's contributions) for a route, step and category."""
        parts = [self.span(of), self.span(ROUTE_NO), str(route)]
        if step is not None:
            parts += [self.span(STEP_NO), str(step)]
        if category is not None:
            parts += [self.span(CATEGORY), f'"{category}"']  # our fixed names: no quotes inside
        return Formula(f"=SUMIFS({','.join(parts)})")


def _build(comparison: Comparison, w: _Writer, say: Callable[[str], None]):
    from openpyxl import Workbook

    from lca import __version__

    workbook = Workbook()
    workbook.remove(workbook.active)
    ws = {name: workbook.create_sheet(name) for name in SHEETS}
    pairs = zip(comparison.labels, comparison.assessments, strict=True)
    routes = [_Route(n, label, a) for n, (label, a) in enumerate(pairs, 1)]
    # Provenance first: each Inventory factor value is looked up from its Provenance row
    factors = _provenance(ws["Provenance"], w, routes)
    say(f"Provenance: {len(factors.numbers)} factors")
    totals, terms = _inventory(ws["Inventory"], w, routes, factors)
    count = sum(len(r.assessment.footprint.model.terms) for r in routes if r.assessment.footprint)
    say(f"Inventory: {count} footprint terms with their totals")
    categories = _contributions(ws["Contributions"], w, routes, terms)
    pmi = _steps(ws["Steps"], w, routes, totals)
    _summary(ws["Summary"], w, comparison, routes, totals)
    _coverage(ws["Coverage"], w, routes)
    _mode_effects(ws["Mode effects"], w, routes)
    _assumptions(ws["Assumptions"], w, comparison, routes)
    _charts(ws["Charts"], w, len(routes), [
        (ws["Contributions"], categories, "Carbon footprint by category", PER_KG),
        (ws["Steps"], pmi, "PMI by step (raw materials per kg of final product)", "kg/kg"),
    ])  # fmt: skip
    say("Summary, Steps, Contributions, Coverage, Mode effects, Assumptions, Charts")
    workbook.properties.creator = f"greenroute {__version__}"
    workbook.properties.title = "greenroute comparison"
    # openpyxl stores no computed values: have every spreadsheet program calculate on opening
    workbook.calculation.fullCalcOnLoad = True
    return workbook


# -- provenance and inventory ---------------------------------------------------------------------
def _factor_id(factor: Factor) -> tuple:
    return (factor.key, factor.region, factor.per_unit, factor.value, factor.library)


@dataclass(frozen=True)
class _Factors:
    """The Provenance table: each factor's number, and the lookup of a number's value."""

    numbers: dict[tuple, int]
    first: int
    last: int

    def value(self, number_cell: str) -> Formula:
        """The value of the factor whose number is in ``number_cell`` (sort-proof lookup)."""
        values = f"Provenance!$D${self.first}:$D${self.last}"
        numbers = f"Provenance!$A${self.first}:$A${self.last}"
        return Formula(f"=INDEX({values},MATCH({number_cell},{numbers},0))")


def _provenance(ws, w: _Writer, routes: list[_Route]) -> _Factors:
    """One row per library factor used, numbered 1, 2, ... in the first column."""
    used: dict[tuple, dict] = {}
    for route in routes:
        footprint = route.assessment.footprint
        for term in footprint.model.terms if footprint else ():
            if term.factor is None:
                continue
            entry = used.setdefault(
                _factor_id(term.factor), {"factor": term.factor, "routes": {}, "fallbacks": {}}
            )
            entry["routes"][route.label] = entry["routes"].get(route.label, 0) + 1
            if term.factor.fallback:
                entry["fallbacks"][term.factor.fallback] = None
    w.heading(
        ws,
        "Emission factors used",
        "Change a value here and every Inventory term that uses it, and every total, follows.",
        "Coefficients computed from formulas (fossil CO2 of waste) are on the Inventory sheet, "
        "with factor key 'computed' and their basis.",
    )
    columns = [
        Column("Factor #", "index"), Column("Factor key", "name"), Column("Region", "index"),
        Column("Value [kg CO2e per unit]", "number", "factor"), Column("Unit", "name"),
        Column("Name", "flow"), Column("Source", "text"), Column("Licence", "name"),
        Column("Data quality", "flow"), Column("Library", "name"), Column("File and row", "flow"),
        Column("Fallback", "text"), Column("Used by (terms)", "route"),
    ]  # fmt: skip
    entries = sorted(used.items(), key=lambda item: item[0][:2])
    rows = []
    for number, (_, entry) in enumerate(entries, 1):
        f = entry["factor"]
        rows.append([
            number, f.key, f.region, f.value, unit_label(f"kg CO2e/{f.per_unit}"),
            " + ".join(dict.fromkeys(r.name for r in f.rows)), f.source, f.licence,
            f.data_quality, f.library, "; ".join(_where(r.where) for r in f.rows),
            "; ".join(entry["fallbacks"]),
            "; ".join(f"{label} ({count})" for label, count in entry["routes"].items()),
        ])  # fmt: skip
    first, last = w.table(ws, HEADER_ROW, columns, rows)
    numbers = {key: number for number, (key, _) in enumerate(entries, 1)}
    return _Factors(numbers, first, max(first, last))


def _where(where: str) -> str:
    """A bundled file's row relative to the installation (no local paths in a shared file)."""
    root = str(data_dir("factors").parent) + os.sep
    return where[len(root) :] if where.startswith(root) else where


INVENTORY_COLUMNS = [
    Column("Route #", "index"), Column("Route", "route"), Column("Step #", "index"),
    Column("Step", "name"), Column("Category", "name"), Column("Flow", "flow"),
    Column("Material name", "flow"), Column("Origin", "name"),
    Column("Amount [unit per kg product]", "number", "amount"), Column("Unit", "index"),
    Column("Factor #", "index"), Column("Factor key", "name"), Column("Factor region", "index"),
    Column("Factor value [kg CO2e per factor unit]", "number", "factor"),
    Column("Factor unit", "name"), Column("Multiplier", "number", "multiplier"),
    Column(f"Contribution [{PER_KG}]", "number", "contribution"), Column("Basis", "text"),
    Column("Data quality", "flow"), Column("Fallback", "text"), Column("Note", "text"),
]  # fmt: skip


def _factor_and_multiplier(term: Term) -> tuple[float, float, str]:
    """(factor value, multiplier, note) with ``amount × multiplier × factor`` = the contribution.

    A library factor keeps its own unit; the multiplier is the conversion the model made
    (density, steam heat, molar mass, price) times the product's share of a step with co-products,
    with the sign of a credit. A computed term (no
    factor) shows its kg CO2 per kg C and the carbon fraction as the multiplier.
    """
    multiplier = term.sign * np.mean(term.conversion) * np.mean(term.allocation)
    return term.value, float(multiplier), ""


def _term_rows(route: _Route, factors: _Factors, top: int) -> list[list]:
    """Inventory rows of one route from row ``top``: by step, category, then the model's order."""
    footprint = route.assessment.footprint
    if footprint is None:
        return []
    inventory, terms = route.assessment.inventory, footprint.model.terms
    steps = {step_id: k for k, step_id in enumerate(route.step_ids, 1)}
    order = sorted(
        range(len(terms)),
        key=lambda i: (steps[terms[i].step], CATEGORIES.index(terms[i].category), i),
    )
    rows = []
    for r, i in enumerate(order, top):
        term, f = terms[i], terms[i].factor
        if term.array == "flow":
            flow = inventory.flows[term.index]
            material, origin = flow.material, flow.origin
        elif term.array == "step":
            material, origin = route.assessment.recipe.steps[term.index].product.material, "product"
        else:
            material, origin = "", inventory.energy_lines[term.index].origin
        known = inventory.materials.get(material)
        value, multiplier, caveat = _factor_and_multiplier(term)
        rows.append([
            route.number, route.label, steps[term.step], term.step, term.category, term.flow,
            known.name if known else "", origin, float(footprint.amounts[i]),
            unit_label(term.amount_unit),
            factors.numbers[_factor_id(f)] if f else None, f.key if f else "computed",
            f.region if f else "", factors.value(f"{FACTOR_NO}{r}") if f else value,
            unit_label(f"kg CO2e/{f.per_unit if f else term.amount_unit}"), multiplier,
            Formula(f"={AMOUNT}{r}*{MULTIPLIER}{r}*{FACTOR}{r}"), term.basis,
            f.data_quality if f else "computed", f.fallback if f else "",
            "; ".join(x for x in (term.note, caveat) if x),
        ])  # fmt: skip
    return rows


def _inventory(ws, w: _Writer, routes: list[_Route], factors: _Factors):
    """The term table, then totals by route, category and step, all formulas over the terms.

    Returns the totals' cells, keyed ``(route #, step # or None, category or None)``, and where
    the term rows are.
    """
    w.heading(
        ws,
        "Inventory: every footprint term, per kg of final product",
        "Contribution = Amount × Multiplier × Factor value, a live formula; factor values are "
        "looked up by Factor # on the Provenance sheet. Totals are below the table.",
        "Multiplier: converts the amount to the factor's unit (density for a factor per m³, "
        "steam heat for one per kWh, molar mass, price for spend-based factors); −1 for credits. "
        "Factor key 'computed': a coefficient from the formula, per unit of the amount.",
    )
    rows = []
    for route in routes:
        rows += _term_rows(route, factors, FIRST_ROW + len(rows))
    first, last = w.table(ws, HEADER_ROW, INVENTORY_COLUMNS, rows, freeze="G5")
    terms = _Rows(first, max(last, first))  # an empty table still gives valid, empty ranges
    top = terms.last + 3
    w.put(ws, top - 1, 1, "Totals (formulas over the rows above)", font=w.title_font)
    lines = []  # (key, step #, step, category, formula, greenroute's figure)
    for route in routes:
        n, footprint = route.number, route.assessment.footprint
        if footprint is None:
            continue
        lines.append(((n, None, None), None, "all steps", "all", terms.sumifs(n), footprint.total))
        lines += [
            ((n, None, c), None, "all steps", c, terms.sumifs(n, category=c), value)
            for c, value in footprint.by_category().items()
        ]
        lines += [
            ((n, k, None), k, step, "all", terms.sumifs(n, step=k), footprint.by_step()[step])
            for k, step in enumerate(route.step_ids, 1)
        ]
    label = {r.number: r.label for r in routes}
    table = [
        [key[0], label[key[0]], k, step, category, formula, value, Formula(f"=F{r}-G{r}")]
        for r, (key, k, step, category, formula, value) in enumerate(lines, top + 1)
    ]
    columns = [
        Column("Route #"), Column("Route"), Column("Step #"), Column("Step"),
        Column("Category"), Column(f"Total [{PER_KG}]", number_format="contribution"),
        Column("greenroute's own figure", number_format="contribution"),
        Column("Difference", number_format="contribution"),
    ]  # fmt: skip
    w.table(ws, top, columns, table, main=False)
    cells = {key: f"Inventory!$F${r}" for r, (key, *_) in enumerate(lines, top + 1)}
    return cells, terms


# -- contributions, steps, summary ----------------------------------------------------------------
def _matrix_total(routes: list[_Route], first: int, last: int) -> list:
    """A ``Total`` row: the SUM of each route's column (B, C, ...) from ``first`` to ``last``."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(2, len(routes) + 2)]
    return ["Total", *(Formula(f"=SUM({x}{first}:{x}{last})") for x in letters)]


def _by_step(routes: list[_Route], formula: Callable[[int, int], Formula]) -> list[list]:
    """Step × route matrix rows of ``formula(route #, step #)``; blank where a route lacks it."""
    step_ids = dict.fromkeys(s for r in routes for s in r.step_ids)
    return [
        [s, *(formula(r.number, r.step_ids.index(s) + 1) if s in r.step_ids else None
              for r in routes)]
        for s in step_ids
    ]  # fmt: skip


def _contributions(ws, w: _Writer, routes: list[_Route], terms: _Rows) -> tuple[int, int, int]:
    """By category and by step per route, SUMIFS over the Inventory; returns the category rows."""
    terms = _Rows(terms.first, terms.last, "Inventory!")
    w.heading(
        ws,
        f"Carbon footprint by category and by step [{PER_KG}]",
        "SUMIFS formulas over the Inventory sheet; credits are negative.",
    )
    columns = [Column("Category", "name")]
    columns += [Column(r.label, "route", "contribution") for r in routes]
    rows = [[c, *(terms.sumifs(r.number, category=c) for r in routes)] for c in CATEGORIES]
    total = _matrix_total(routes, FIRST_ROW, FIRST_ROW + len(rows) - 1)
    first, last = w.table(ws, HEADER_ROW, columns, [*rows, total], freeze="B5")
    rows = _by_step(routes, lambda n, k: terms.sumifs(n, step=k))
    top = last + 3
    w.put(ws, top - 1, 1, f"By step [{PER_KG}]", font=w.title_font)
    total = _matrix_total(routes, top + 1, top + len(rows))
    w.table(ws, top, [Column("Step"), *columns[1:]], [*rows, total], main=False)
    return HEADER_ROW, first, last - 1  # the chart leaves out the total row


STEP_METRICS = (
    ("scale", "Scale [kg step product/kg product]"), ("step_pmi", "Step PMI [kg/kg step product]"),
    ("raw_materials", "Raw materials [kg/kg product]"), ("waste", "Waste [kg/kg product]"),
    ("atom_economy", "Atom economy [%]"), ("reaction_mass_efficiency", "RME [%]"),
    ("carbon_efficiency", "Carbon efficiency [%]"),
)  # fmt: skip


def _steps(ws, w: _Writer, routes: list[_Route], totals: dict) -> tuple[int, int, int]:
    """Per-step metrics, then raw materials by step (a route's column adds up to its PMI)."""
    w.heading(
        ws,
        "Steps",
        "Mass metrics from greenroute; each step's footprint is a formula over the Inventory.",
    )
    columns = [
        Column("Route #", "index"), Column("Route", "route"), Column("Step #", "index"),
        Column("Step", "name"), Column("Step name", "flow"), Column("Mode", "index"),
        *(Column(header, "number", unit="%" if m in PERCENT_METRICS else "kg/kg")
          for m, header in STEP_METRICS),
        Column(f"Footprint [{PER_KG}]", "number", "contribution"), Column("Notes", "text"),
    ]  # fmt: skip
    rows = []
    for route in routes:
        a = route.assessment
        for k, (step_id, step) in enumerate(zip(route.step_ids, a.recipe.steps, strict=True), 1):
            found = {m.metric: m for m in a.metrics if m.scope == step_id}
            metrics = [found.get(m) for m, _ in STEP_METRICS]
            footprint = totals.get((route.number, k, None))
            rows.append([
                route.number, route.label, k, step_id, step.name, step.mode,
                *(m.value if m else None for m in metrics),
                Formula(f"={footprint}") if footprint else None,
                "; ".join(f"{m.metric}: {m.note}" for m in metrics if m and m.note),
            ])  # fmt: skip
    _, last = w.table(ws, HEADER_ROW, columns, rows, freeze="E5")
    top = max(last, FIRST_ROW) + 3
    title = "PMI by step: raw materials per kg of final product [kg/kg]; a route's total is its PMI"
    w.put(ws, top - 1, 1, title, font=w.title_font)
    table = _Rows(FIRST_ROW, max(last, FIRST_ROW))
    matrix = _by_step(routes, lambda n, k: table.sumifs(n, step=k, of="I"))  # raw materials
    columns = [Column("Step"), *(Column(r.label, unit="kg/kg") for r in routes)]
    total = _matrix_total(routes, top + 1, top + len(matrix))
    w.table(ws, top, columns, [*matrix, total], main=False)
    return top, top + 1, top + len(matrix)


def _route_metric(assessment: Assessment, metric: str):
    """The route-level row of a metric, ``None`` if this route does not have it."""
    return next((m for m in assessment.metrics if m.metric == metric and m.scope == "route"), None)


def _summary(ws, w: _Writer, comparison: Comparison, routes: list[_Route], totals: dict) -> None:
    """Routes side by side, deltas as formulas; footprint figures link to Inventory totals."""
    from openpyxl.utils import get_column_letter

    base = next(r for r in routes if r.label == comparison.baseline)
    others = [r for r in routes if r is not base]
    warnings = list(comparison.warnings)
    warnings += [r["statement"] for r in comparison.robustness() if not r["could_flip"]]
    if any(r.assessment.footprint and r.assessment.footprint.gaps for r in routes):
        warnings.append("flows without a factor make the footprint a lower bound (Coverage sheet)")
    warnings.append(f"carbon footprint basis: {comparison.gwp_basis}")
    w.heading(
        ws,
        "greenroute comparison: figures per kg of final product",
        f"Baseline: {comparison.baseline}. Δ = route − baseline. Footprint figures are formulas "
        "over the Inventory sheet; the other figures are greenroute's.",
        "; ".join(warnings),
    )
    col = {r.number: 4 + i for i, r in enumerate(routes)}
    letter = {n: get_column_letter(c) for n, c in col.items()}
    headers = ["Metric", "Key", "Unit", *(r.label for r in routes)]
    w.header(ws, HEADER_ROW, [*headers, *(f"Δ {r.label}" for r in others), "Note"])
    rows = [("Product", "product", ""), ("Site region", "region", "")]
    rows += [(m, m, unit) for m, unit in comparison.route_metrics()]
    for r, (label, key, unit) in enumerate(rows, FIRST_ROW):
        w.label(ws, r, 1, metric_label(key) if unit else label)
        w.put(ws, r, 2, key)
        w.put(ws, r, 3, unit_label(unit))
        number_format = w.number_format(Column("", unit=unit))
        notes, known = [], set()
        for route in routes:
            if not unit:
                value = getattr(route.assessment.recipe.route, key)
            else:
                metric = _route_metric(route.assessment, key)
                value = metric.value if metric else None
                if value is None and metric and metric.note:
                    notes.append(f"{route.label}: {metric.note}")
                    if metric.note.startswith("not assessed"):
                        value = "not assessed"
                category = key.partition(":")[2].replace("_", " ") or None
                cell = totals.get((route.number, None, category))
                footprint = key == "carbon_footprint" or key.startswith("footprint:")
                if footprint and cell and value is not None:
                    value = Formula(f"={cell}")
            if value is not None:
                known.add(route.number)
            w.put(ws, r, col[route.number], value, number_format)
        for i, route in enumerate(others, len(headers) + 1):
            if unit and {route.number, base.number} <= known:
                delta = Formula(f"={letter[route.number]}{r}-{letter[base.number]}{r}")
                w.put(ws, r, i, delta, number_format)
        w.put(ws, r, len(headers) + len(others) + 1, "; ".join(notes))
    kinds = ["flow", "name", "index", *("route" for _ in routes), *("number" for _ in others)]
    w.widths(ws, [*kinds, "text"])
    ws.freeze_panes = f"D{FIRST_ROW}"


# -- coverage, mode effects, assumptions, charts --------------------------------------------------
def _coverage(ws, w: _Writer, routes: list[_Route]) -> None:
    w.heading(
        ws,
        "Coverage: what the footprint counts and what it leaves out",
        "A flow without a factor is listed here with its amount, never counted as zero: a "
        "footprint with gaps is a lower bound.",
    )
    summary, gaps = [], []
    for route in routes:
        n, label, fp = route.number, route.label, route.assessment.footprint
        if fp is None:
            summary.append([n, label, None, "", None, None, "not assessed"])
            continue
        energy = fp.energy_coverage()
        verdict = (
            f"a lower bound: {len(fp.gaps)} flows have no factor"
            if fp.gaps
            else "complete for the flows listed: every one has a factor"
        )
        tiers = "; ".join(f"{t} {100 * v:.1f} %" for t, v in fp.coverage_by_tier().items())
        summary.append([
            n, label, 100.0 * fp.mass_coverage(), tiers,
            None if energy is None else 100.0 * energy, len(fp.gaps), verdict,
        ])  # fmt: skip
        gaps += [
            [
                n,
                label,
                g["step"],
                g["category"],
                g["flow"],
                g["amount"],
                unit_label(g["unit"]),
                g["reason"],
            ]
            for g in fp.gaps
        ]
    columns = [
        Column("Route #"), Column("Route"),
        Column("Non-water raw-material mass with a factor [%]", number_format="percent"),
        Column("Non-water mass by tier", "text"),
        Column("Energy with a factor [%]", number_format="percent"),
        Column("Flows without a factor"), Column("The footprint is"),
    ]  # fmt: skip
    _, last = w.table(ws, HEADER_ROW, columns, summary, main=False)
    top = last + 3
    w.put(ws, top - 1, 1, "Flows without a factor, per kg of final product", font=w.title_font)
    columns = [
        Column("Route #", "index"), Column("Route", "route"), Column("Step", "name"),
        Column("Category", "name"), Column("Flow", "flow"),
        Column("Amount [unit per kg product]", "number", "amount"), Column("Unit", "index"),
        Column("Reason", "text"),
    ]  # fmt: skip
    w.table(ws, top, columns, gaps)


def _mode_effects(ws, w: _Writer, routes: list[_Route]) -> None:
    w.heading(
        ws,
        "What each feature of the operating mode adds",
        "Each figure is the route minus the same route without the feature; features interact, "
        "so they need not add up to the difference between two routes.",
    )
    columns = [
        Column("Route #", "index"), Column("Route", "route"), Column("Feature", "flow"),
        Column("What it is", "text"), Column("PMI added [kg/kg]", "number", unit="kg/kg"),
        Column(f"Footprint added [{PER_KG}]", "number", "contribution"),
    ]  # fmt: skip
    rows = [
        [r.number, r.label, e.feature, e.description, e.pmi, e.footprint]
        for r in routes
        for e in r.assessment.mode_effects
    ]
    w.table(ws, HEADER_ROW, columns, rows)


def _libraries(routes: list[_Route]) -> list[str]:
    """Each factor library the routes' footprints use: name, version and GWP basis, as the
    assessments recorded them."""
    used = dict.fromkeys(
        row.library
        for route in routes
        if route.assessment.footprint
        for term in route.assessment.footprint.model.terms
        if term.factor
        for row in term.factor.rows
    )
    known = {info.name: info for route in routes for info in route.assessment.libraries}
    return [known[name].described if name in known else name for name in used]


def _step_mode(step) -> str:
    """``continuous; run time 110 h; start-up 0.5 h diverted to waste; cleaning ...``."""
    if step.mode == "continuous":
        parts = [f"continuous; run time {step.run_time}"]
        if step.startup:
            parts.append(f"start-up {step.startup.time} diverted to waste")
    else:
        parts = [f"batch; {step.batches} batch(es) per campaign"]
        if step.cycle_time:
            parts.append(f"cycle time {step.cycle_time}")
        if step.failure_rate is not None:
            parts.append(f"failure rate {step.failure_rate}")
    parts += [f"cleaning {c.amount} {c.material} per {c.per}" for c in step.cleaning]
    return "; ".join(parts)


def _assumption_rows(route: _Route) -> list[tuple[str, str, str]]:
    """(topic, item, value) of one route; empty values left out."""
    assessment, recipe = route.assessment, route.assessment.recipe
    meta = recipe.route
    rows = [
        ("route", "recipe file", recipe.origin), ("route", "product", meta.product),
        ("route", "source", meta.source), ("route", "site region", meta.region),
        ("route", "description", meta.description), ("route", "notes", meta.notes),
        ("basis", "declared unit", f"1 kg of {meta.product}, cradle-to-gate"),
    ]  # fmt: skip
    if assessment.footprint is not None:
        kwh = assessment.footprint.model.steam_kwh_per_kg
        source = assessment.footprint.model.steam.source
        rows.append(("energy", "steam heat used", f"{kwh * 3.6:.5g} MJ/kg = {kwh:.6g} kWh/kg, "
                     f"{source}; for steam in kg with a factor per kWh of heat"))  # fmt: skip
    for step in recipe.steps:
        topic = f"step {step.id}"
        rows += [(topic, "name", step.name), (topic, "mode", _step_mode(step)),
                 (topic, "notes", step.notes)]  # fmt: skip
    facility = recipe.facility
    if facility is None:
        rows.append(("facility", "none", "no [facility]: no overheads, no changeover cleaning"))
    else:
        overheads = [f"{o.carrier} {o.power or o.amount} {o.notes}" for o in facility.overheads]
        changeover = [f"{c.amount} {c.material} per {c.per} {c.notes}" for c in facility.changeover]
        rows += [
            ("facility", "kind", facility.kind), ("facility", "name", facility.name),
            ("facility", "campaign time", facility.campaign_time or "from the steps' times"),
            ("facility", "other products time", facility.other_products_time or "none"),
            ("facility", "overheads", "; ".join(x.strip() for x in overheads)),
            ("facility", "changeover", "; ".join(x.strip() for x in changeover)),
            ("facility", "source", facility.source), ("facility", "notes", facility.notes),
        ]  # fmt: skip
    rows += [("warning", "", text) for text in assessment.warnings]
    return [row for row in rows if row[2]]


def _assumptions(ws, w: _Writer, comparison: Comparison, routes: list[_Route]) -> None:
    from lca import __version__

    w.heading(ws, "Assumptions, operating modes and data", "Per route, then for all routes.")
    rows = [[r.number, r.label, *row] for r in routes for row in _assumption_rows(r)]
    shared = [
        ("greenroute", "version", __version__),
        ("comparison", "baseline", comparison.baseline),
        ("method", "footprint", "cradle-to-gate carbon footprint, GWP100, kg CO2e per kg of "
         "final product (docs/methodology.md)"),
        ("method", "electricity", "location-based: the grid factor of the site region"),
        *(("factors", "library", text) for text in _libraries(routes)),
        *(("comparison", "warning", text) for text in comparison.warnings),
    ]  # fmt: skip
    rows += [[None, "all routes", *row] for row in shared]
    columns = [
        Column("Route #", "index"), Column("Route", "route"), Column("Topic", "name"),
        Column("Item", "name"), Column("Value", "text"),
    ]  # fmt: skip
    w.table(ws, HEADER_ROW, columns, rows)


def _charts(ws, w: _Writer, routes: int, sources: list) -> None:
    """Native charts: stacked bars, one per route, of matrices elsewhere in the workbook.

    ``sources`` holds ``(sheet, (header row, first row, last row), title, unit)`` of matrices
    with labels in column A and one column per route.
    """
    from openpyxl.chart import BarChart, Reference

    w.heading(ws, "Charts", "From the Contributions and Steps sheets; they follow any change.")
    style = w.style["charts"]
    for i, (sheet, (header, first, last), title, unit) in enumerate(sources):
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
        chart.title, chart.style, chart.y_axis.title = title, style["style"], unit
        chart.width, chart.height = style["width"], style["height"]
        # openpyxl 3.1 leaves the axes' delete flag unset, which Excel reads as hidden axes
        chart.x_axis.delete = chart.y_axis.delete = False
        data = Reference(sheet, min_col=1, max_col=routes + 1, min_row=first, max_row=last)
        chart.add_data(data, from_rows=True, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=2, max_col=routes + 1, min_row=header))
        # a row is about 0.5 cm high: leave the chart's height in rows, and two more, between
        ws.add_chart(chart, f"A{HEADER_ROW + i * (2 * math.ceil(style['height']) + 2)}")
