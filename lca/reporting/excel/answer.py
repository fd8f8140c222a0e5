"""The Summary sheet: one printed page with the answer (:mod:`lca.reporting.headline`), the
headline figures as formulas (the PMI from the Mass balance sheet, the footprint from the
Inventory), the GWP basis, the boundary and each route's coverage by factor tier."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lca.reporting.excel.cells import Column, Formula, Route, Writer, wrapped_lines
from lca.reporting.headline import headline
from lca.reporting.labels import tier_label
from lca.tiers import TIERS

WIDTHS = (46, 13, 13, 11, 17, 17, 14, 11, 12)  # column widths of the Summary, in characters

if TYPE_CHECKING:
    from lca.comparison import Comparison

BOUNDARY = (
    "Cradle to gate: from the extraction of raw materials to the isolated product leaving the "
    "last step; per 1 kg of final product. Not counted: capital goods, packaging, distribution, "
    "use and end of life of the drug product (see the Assumptions sheet and docs/methodology.md)."
)


def summary_sheet(
    ws, w: Writer, comparison: Comparison, routes: list[Route], pmi: dict, totals: dict
) -> None:
    """``pmi``: route # → its PMI cell (Mass balance); ``totals``: the Inventory's total cells."""
    from openpyxl.styles import Alignment

    answer = headline(comparison)
    products = ", ".join(sorted({r.assessment.recipe.route.product for r in routes}))
    w.heading(
        ws,
        f"greenroute: {len(routes)} route(s) to {products}, per kg of final product",
        f"Baseline: {comparison.baseline}. Figures in the table are formulas: the PMI from the "
        "Mass balance sheet's charges, the footprint from the Inventory sheet's terms.",
    )
    row = 4
    wrap = Alignment(wrap_text=True, vertical="top")
    for text in [f.sentence for f in answer.findings] or ["One route: no comparison."]:
        cell = w.put(ws, row, 1, text, font=w.header_font)
        cell.alignment = wrap
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=9)
        ws.row_dimensions[row].height = 30
        row += 1
    row += 1

    # the headline figures, live
    base = next(r for r in routes if r.label == comparison.baseline)
    header = [
        "Route", "PMI [kg/kg]", "Δ PMI [kg/kg]", "Δ PMI [%]", "Carbon footprint [kg CO2e/kg]",
        "Δ footprint [kg CO2e/kg]", "Δ footprint [%]", "Lower bound", "Flows without a factor",
    ]  # fmt: skip
    top = row
    w.header(ws, top, header)
    base_row = top + 1 + routes.index(base)
    for i, route in enumerate(routes):
        r = top + 1 + i
        a = route.assessment
        footprint = a.footprint
        value = a.value("pmi") or 0.0
        base_pmi = base.assessment.value("pmi") or 0.0
        cf = footprint.total if footprint is not None else 0.0
        base_cf = base.assessment.footprint.total if base.assessment.footprint else 0.0
        total = totals.get((route.number, None, None))
        cells = [
            route.label,
            Formula(f"={pmi[route.number]}", value),
            Formula(f"=B{r}-B${base_row}", value - base_pmi),
            Formula(f"=IF(B${base_row}=0,0,100*(B{r}-B${base_row})/B${base_row})",
                    None if not base_pmi else 100 * (value - base_pmi) / base_pmi),
            Formula(f"={total}", cf) if total else None,
            Formula(f"=E{r}-E${base_row}", cf - base_cf) if total else None,
            Formula(f"=IF(E${base_row}=0,0,100*(E{r}-E${base_row})/E${base_row})",
                    None if not base_cf else 100 * (cf - base_cf) / base_cf) if total else None,
            "yes" if footprint is not None and footprint.is_lower_bound else "no",
            len(footprint.gaps) if footprint is not None else None,
        ]  # fmt: skip
        formats = [None, "sig3", "sig3", "0.0", "sig3", "sig3", "0.0", None, "0"]
        for c, (v, f) in enumerate(zip(cells, formats, strict=True), 1):
            w.put(ws, r, c, v, f)
    row = top + len(routes) + 2

    # coverage by tier
    tiers = [*TIERS, "uncovered"]
    used = [t for t in tiers if any(
        q.coverage_by_tier.get(t, 0.0) > 0 for q in answer.quality)]  # fmt: skip
    w.put(ws, row, 1, "Non-water raw-material mass by factor tier [%]", font=w.title_font)
    row += 1
    columns = [Column("Route"), *(Column(tier_label(t), number_format="percent") for t in used)]
    table = [
        [q.route, *(100.0 * q.coverage_by_tier.get(t, 0.0) for t in used)] for q in answer.quality
    ]
    w.table(ws, row, columns, table, main=False)
    tier_header = row
    row += len(table) + 2

    notes = [
        ("GWP basis", f"{comparison.gwp_basis}; net of credits for recovered solvent"),
        ("Boundary", BOUNDARY),
        ("Electricity", "location-based: the grid factor of the site region"),
    ]
    notes += [("Could flip", text) for text in answer.could_flip]
    robust = [r["statement"] for r in comparison.robustness() if not r["could_flip"]]
    notes += [("Ranking", text) for text in robust]
    notes += [("Warning", text) for text in comparison.warnings if text not in answer.could_flip]
    for name, text in notes:
        w.put(ws, row, 1, name, font=w.header_font).alignment = wrap
        cell = w.put(ws, row, 2, text)
        cell.alignment = wrap
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=9)
        ws.row_dimensions[row].height = 15 * wrapped_lines(text, sum(WIDTHS[1:]))
        row += 1
    from openpyxl.utils import get_column_letter

    for c, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    w.fit_header(ws, top, header)
    w.fit_header(ws, tier_header, [c.header for c in columns])
    w.print_setup(ws, title_row=None, one_page=True)
