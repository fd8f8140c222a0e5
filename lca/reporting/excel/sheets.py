"""The other sheets: Contributions, Steps, Summary, Coverage, Mode effects, Assumptions and the
native charts, each a table of formulas over the Inventory or of greenroute's figures."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from lca.footprint import CATEGORIES
from lca.reporting.excel.cells import (
    FIRST_ROW,
    HEADER_ROW,
    PER_KG,
    PERCENT_METRICS,
    Column,
    Formula,
    Route,
    Rows,
    Writer,
)
from lca.reporting.labels import metric_label, unit_label

if TYPE_CHECKING:
    from lca.assessment import Assessment
    from lca.comparison import Comparison


# -- contributions, steps, summary ----------------------------------------------------------------
def _matrix_total(routes: list[Route], first: int, last: int, expected=None) -> list:
    """A ``Total`` row: the SUM of each route's column (B, C, ...) from ``first`` to ``last``;
    ``expected(route)``: greenroute's figure for it (for its number format)."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(2, len(routes) + 2)]
    return [
        "Total",
        *(
            Formula(f"=SUM({x}{first}:{x}{last})", expected(r) if expected else None)
            for x, r in zip(letters, routes, strict=True)
        ),
    ]


def _footprint_total(route: Route) -> float | None:
    footprint = route.assessment.footprint
    return footprint.total if footprint is not None else None


def _by_step(routes: list[Route], formula: Callable[[int, int], Formula]) -> list[list]:
    """Step × route matrix rows of ``formula(route #, step #)``; blank where a route lacks it."""
    step_ids = dict.fromkeys(s for r in routes for s in r.step_ids)
    return [
        [s, *(formula(r.number, r.step_ids.index(s) + 1) if s in r.step_ids else None
              for r in routes)]
        for s in step_ids
    ]  # fmt: skip


def _by_category(route: Route) -> dict[str, float]:
    footprint = route.assessment.footprint
    return footprint.by_category() if footprint is not None else {}


def contributions_sheet(ws, w: Writer, routes: list[Route], terms: Rows) -> tuple[int, int, int]:
    """By category and by step per route, SUMIFS over the Inventory; returns the category rows."""
    terms = Rows(terms.first, terms.last, "Inventory!")
    w.heading(
        ws,
        f"Carbon footprint by category and by step [{PER_KG}]",
        "SUMIFS formulas over the Inventory sheet; credits are negative.",
    )
    columns = [Column("Category", "name")]
    columns += [Column(r.label, "route", "contribution") for r in routes]
    rows = [
        [c, *(terms.sumifs(r.number, category=c, expected=_by_category(r).get(c)) for r in routes)]
        for c in CATEGORIES
    ]
    total = _matrix_total(routes, FIRST_ROW, FIRST_ROW + len(rows) - 1, _footprint_total)
    first, last = w.table(ws, HEADER_ROW, columns, [*rows, total], freeze="B5")
    by_step = {
        r.number: list(r.assessment.footprint.by_step().values()) if r.assessment.footprint else []
        for r in routes
    }
    rows = _by_step(
        routes,
        lambda n, k: terms.sumifs(
            n, step=k, expected=by_step[n][k - 1] if len(by_step[n]) >= k else None
        ),
    )
    top = last + 3
    w.put(ws, top - 1, 1, f"By step [{PER_KG}]", font=w.title_font)
    total = _matrix_total(routes, top + 1, top + len(rows), _footprint_total)
    w.table(ws, top, [Column("Step"), *columns[1:]], [*rows, total], main=False)
    return HEADER_ROW, first, last - 1  # the chart leaves out the total row


STEP_METRICS = (
    ("scale", "Scale [kg step product/kg product]"), ("step_pmi", "Step PMI [kg/kg step product]"),
    ("raw_materials", "Raw materials [kg/kg product]"), ("waste", "Waste [kg/kg product]"),
    ("atom_economy", "Atom economy [%]"), ("reaction_mass_efficiency", "RME [%]"),
    ("carbon_efficiency", "Carbon efficiency [%]"),
)  # fmt: skip


def steps_sheet(ws, w: Writer, routes: list[Route], totals: dict) -> tuple[int, int, int]:
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
                Formula(f"={footprint}", (a.footprint.by_step()[step_id] if a.footprint else None))
                if footprint
                else None,
                "; ".join(f"{m.metric}: {m.note}" for m in metrics if m and m.note),
            ])  # fmt: skip
    _, last = w.table(ws, HEADER_ROW, columns, rows, freeze="E5")
    w.print_setup(ws)
    top = max(last, FIRST_ROW) + 3
    title = "PMI by step: raw materials per kg of final product [kg/kg]; a route's total is its PMI"
    w.put(ws, top - 1, 1, title, font=w.title_font)
    table = Rows(FIRST_ROW, max(last, FIRST_ROW))
    raw = {r.number: r.assessment.inventory.step_balance.raw for r in routes}
    matrix = _by_step(
        routes, lambda n, k: table.sumifs(n, step=k, of="I", expected=float(raw[n][k - 1]))
    )  # raw materials
    columns = [Column("Step"), *(Column(r.label, unit="kg/kg") for r in routes)]
    total = _matrix_total(routes, top + 1, top + len(matrix), lambda r: r.assessment.value("pmi"))
    w.table(ws, top, columns, [*matrix, total], main=False)
    return top, top + 1, top + len(matrix)


def _route_metric(assessment: Assessment, metric: str):
    """The route-level row of a metric, ``None`` if this route does not have it."""
    return next((m for m in assessment.metrics if m.metric == metric and m.scope == "route"), None)


def figures_sheet(
    ws, w: Writer, comparison: Comparison, routes: list[Route], totals: dict, pmi: dict
) -> None:
    """Every route figure side by side, deltas as formulas; footprint figures link to the
    Inventory totals and the PMI to the Mass balance sheet. A figure a route does not have
    because its mode does not make it (cleaning, recovery, a carrier) is 0, so deltas show."""
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
        "All figures, side by side, per kg of final product",
        f"Baseline: {comparison.baseline}. Δ = route − baseline. Footprint figures are formulas "
        "over the Inventory sheet, the PMI over the Mass balance; the others are greenroute's.",
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
                value = metric.value if metric else comparison.value(route.label, key)
                if value is None and metric and metric.note:
                    notes.append(f"{route.label}: {metric.note}")
                    if metric.note.startswith("not assessed"):
                        value = "not assessed"
                category = key.partition(":")[2].replace("_", " ") or None
                cell = totals.get((route.number, None, category))
                footprint = key == "carbon_footprint" or key.startswith("footprint:")
                if footprint and cell and value is not None:
                    value = Formula(f"={cell}", value)
                elif key == "pmi" and route.number in pmi:
                    value = Formula(f"={pmi[route.number]}", value)
            if value is not None:
                known.add(route.number)
            w.put(ws, r, col[route.number], value, number_format)
        for i, route in enumerate(others, len(headers) + 1):
            if unit and {route.number, base.number} <= known:
                delta = Formula(
                    f"={letter[route.number]}{r}-{letter[base.number]}{r}",
                    comparison.delta(route.label, key),
                )
                w.put(ws, r, i, delta, number_format)
        w.put(ws, r, len(headers) + len(others) + 1, "; ".join(notes))
    kinds = ["flow", "name", "index", *("route" for _ in routes), *("number" for _ in others)]
    w.widths(ws, [*kinds, "text"])
    ws.freeze_panes = f"D{FIRST_ROW}"
    w.print_setup(ws)


# -- coverage, mode effects, assumptions, charts --------------------------------------------------
def coverage_sheet(ws, w: Writer, routes: list[Route]) -> None:
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
    w.print_setup(ws)


def mode_effects_sheet(ws, w: Writer, routes: list[Route]) -> None:
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
    w.print_setup(ws)


def _libraries(routes: list[Route]) -> list[str]:
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


def _assumption_rows(route: Route) -> list[tuple[str, str, str]]:
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


def assumptions_sheet(ws, w: Writer, comparison: Comparison, routes: list[Route]) -> None:
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
    w.print_setup(ws)


def charts_sheet(ws, w: Writer, routes: int, sources: list) -> None:
    """Native charts beside the matrices they draw: stacked bars, one per route.

    ``sources`` holds ``(sheet, (header row, first row, last row), title, unit, colours)`` of
    matrices with labels in column A and one column per route; ``colours`` maps a row's label
    to its RRGGBB colour (the HTML report's, :mod:`lca.reporting.charts`).
    """
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.data_source import NumFmt

    style = w.style["charts"]
    for i, (sheet, (header, first, last), title, unit, colours) in enumerate(sources):
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "col", "stacked", 100
        chart.title, chart.style, chart.y_axis.title = title, style["style"], unit
        chart.width, chart.height = style["width"], style["height"]
        # openpyxl 3.1 leaves the axes' delete flag unset, which Excel reads as hidden axes
        chart.x_axis.delete = chart.y_axis.delete = False
        # the axis's own format, not the cells' (which would print 30.000000 on every tick)
        chart.y_axis.numFmt = NumFmt(formatCode=style["axis_format"], sourceLinked=False)
        data = Reference(sheet, min_col=1, max_col=routes + 1, min_row=first, max_row=last)
        chart.add_data(data, from_rows=True, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=2, max_col=routes + 1, min_row=header))
        for series, r in zip(chart.series, range(first, last + 1), strict=False):
            colour = colours.get(sheet.cell(row=r, column=1).value)
            if colour:
                series.graphicalProperties.solidFill = colour.lstrip("#")
                series.graphicalProperties.line.solidFill = colour.lstrip("#")
        # legend below the plot, inside the chart's frame: LibreOffice clips one on the right
        chart.legend.position = "b"
        anchor_column = chr(ord("A") + routes + 2)
        ws.add_chart(
            chart, f"{anchor_column}{HEADER_ROW + i * (2 * math.ceil(style['height']) + 1)}"
        )
    w.print_setup(ws, one_page=True)
