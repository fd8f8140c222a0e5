"""Excel workbook of a comparison: every footprint figure traceable, editable and recalculated.

Sheets, in order: Summary (one page: the answer, the headline figures as formulas, GWP basis,
boundary, coverage by tier), Figures (every figure side by side), Charts (with the footprint by
category and by step they draw), Steps, Mass balance (PMI as live formulas from the charges),
Inventory, Provenance, Coverage, Mode effects, Assumptions. Every sheet prints landscape, fitted
to the page width, its header row repeated. The Inventory sheet is the heart of the footprint:
one row per footprint term (:class:`lca.footprint.Term`) with its amount, its factor and a live
contribution formula ``amount × multiplier × factor``. Every footprint figure elsewhere (route,
category and step totals, the Summary, the Steps sheet, the charts) is a ``SUM`` or ``SUMIFS``
formula over those rows, and each library factor is looked up from its one row on the Provenance
sheet: an auditor who changes a factor there sees every term that uses it, and every total,
move.

Formulas find rows by number, never by position or by name, so that sorting any table leaves
them right: ``SUMIFS`` over route and step numbers and the fixed category names, and
``INDEX``/``MATCH`` on the factor number. Names are never criteria because a criterion text is
itself parsed (``"=x"``, ``">1"``, wildcards ``*?~``) and could silently match the wrong rows.

Text from recipes and factor libraries (route, step and material names, notes, sources) is
always written as text, never as a formula (OWASP "CSV injection"): see
:meth:`.cells.Writer.put`. The look of the workbook comes from ``reports/excel-style.toml``,
which users may copy and restyle. openpyxl is imported only when a workbook is written, so
``import lca`` stays light.

Modules: :mod:`.cells` (style, the writer, row bookkeeping), :mod:`.terms` (the Provenance and
Inventory sheets), :mod:`.massbalance`, :mod:`.answer` (the Summary) and :mod:`.sheets` (the
others); the workbook is put together here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lca.errors import OutputError
from lca.reporting.charts import CATEGORY_COLOURS, ROLE_COLOURS
from lca.reporting.excel.answer import summary_sheet
from lca.reporting.excel.cells import HEADER_ROW, PER_KG, Route, Writer, load_style
from lca.reporting.excel.massbalance import mass_balance_sheet
from lca.reporting.excel.sheets import (
    assumptions_sheet,
    charts_sheet,
    contributions_sheet,
    coverage_sheet,
    figures_sheet,
    mode_effects_sheet,
    steps_sheet,
)
from lca.reporting.excel.terms import inventory_sheet, provenance_sheet
from lca.reporting.labels import role_label
from lca.reporting.output import check_target, write_atomically

if TYPE_CHECKING:
    from lca.comparison import Comparison

__all__ = ["HEADER_ROW", "SHEETS", "load_style", "write_workbook"]

SHEETS = (
    "Summary", "Figures", "Charts", "Steps", "Mass balance", "Inventory", "Provenance",
    "Coverage", "Mode effects", "Assumptions",
)  # fmt: skip


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
    workbook = _build(comparison, Writer(load_style(style)), say)
    say(f"saving {target}")
    return write_atomically(target, workbook.save, force=force)


def _build(comparison: Comparison, w: Writer, say: Callable[[str], None]):
    from openpyxl import Workbook

    from lca import __version__

    workbook = Workbook()
    workbook.remove(workbook.active)
    ws = {name: workbook.create_sheet(name) for name in SHEETS}
    pairs = zip(comparison.labels, comparison.assessments, strict=True)
    routes = [Route(n, label, a) for n, (label, a) in enumerate(pairs, 1)]
    # Provenance first: each Inventory factor value is looked up from its Provenance row
    factors = provenance_sheet(ws["Provenance"], w, routes)
    say(f"Provenance: {len(factors.numbers)} factors")
    totals, terms = inventory_sheet(ws["Inventory"], w, routes, factors)
    count = sum(len(r.assessment.footprint.model.terms) for r in routes)
    say(f"Inventory: {count} footprint terms with their totals")
    balance = mass_balance_sheet(ws["Mass balance"], w, routes)
    say("Mass balance: PMI as formulas from the charges")
    categories = contributions_sheet(ws["Charts"], w, routes, terms)
    steps_sheet(ws["Steps"], w, routes, totals)
    figures_sheet(ws["Figures"], w, comparison, routes, totals, balance["pmi"])
    summary_sheet(ws["Summary"], w, comparison, routes, balance["pmi"], totals)
    coverage_sheet(ws["Coverage"], w, routes)
    mode_effects_sheet(ws["Mode effects"], w, routes)
    assumptions_sheet(ws["Assumptions"], w, comparison, routes)
    role_colours = {role_label(g): c for g, c in ROLE_COLOURS.items()}
    charts_sheet(ws["Charts"], w, len(routes), [
        (ws["Mass balance"], balance["groups"], "PMI by role group", "kg/kg", role_colours),
        (ws["Charts"], categories, "Carbon footprint by category", PER_KG, CATEGORY_COLOURS),
    ])  # fmt: skip
    say("Summary, Figures, Charts, Steps, Coverage, Mode effects, Assumptions")
    workbook.properties.creator = f"greenroute {__version__}"
    workbook.properties.title = "greenroute comparison"
    # openpyxl stores no computed values: have every spreadsheet program calculate on opening
    workbook.calculation.fullCalcOnLoad = True
    return workbook
