"""What the CLI shows a person: rich tables in the terminal, and the comparison as Markdown.

Labels, units and numbers come from :mod:`lca.reporting.labels`; text from recipes and factor
files is made printable (:mod:`lca.reporting.safe`). Library code never prints: only the CLI
calls the ``print_*`` functions here.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from lca.reporting.labels import (
    format_number,
    format_signed,
    format_value,
    metric_label,
    parent_metric,
    unit_label,
)
from lca.reporting.safe import markdown_cell, printable

if TYPE_CHECKING:
    from lca.assessment import Assessment
    from lca.footprint import Footprint

STEP_COLUMNS = (
    ("scale", "kg/kg API"), ("step_pmi", "step PMI"), ("raw_materials", "raw kg/kg API"),
    ("waste", "waste kg/kg API"), ("isolated_yield", "yield %"), ("atom_economy", "AE %"),
    ("reaction_mass_efficiency", "RME %"), ("carbon_efficiency", "CE %"),
)  # fmt: skip


FOOTPRINT_ROWS = ("carbon_footprint", "footprint:", "coverage_", "uncovered_flows")


class SafeConsole(Console):
    """A rich console for text greenroute did not write: markup is off (a name such as
    ``[link=...]`` stays text), so are emoji codes (a name such as ``:fire:`` is not drawn as
    an emoji), and control characters are shown, not obeyed
    (:func:`lca.reporting.safe.printable`). Styles are given as :class:`~rich.text.Text` spans."""

    def __init__(self, **kwargs):
        super().__init__(markup=False, highlight=False, emoji=False, **kwargs)

    def render_str(self, text: str, **kwargs) -> Text:
        return super().render_str(printable(text), **kwargs)


def _console() -> Console:
    console = SafeConsole(soft_wrap=False)
    if not console.is_terminal:
        # piped: COLUMNS if the user set it, else wide enough for the usual tables
        width = console.width if os.environ.get("COLUMNS") else max(console.width, 110)
        console = SafeConsole(width=width, color_system=None)
    return console


def _bold(text: str) -> Text:
    return Text(printable(text), style="bold")


def _line(*parts: str | Text) -> Text:
    """Text made of plain strings (made printable) and styled spans."""
    return Text.assemble(*(printable(p) if isinstance(p, str) else p for p in parts))


def print_assessment(assessment: Assessment) -> None:
    """Summary, per-step and raw-material tables of one assessment."""
    console = _console()
    route = assessment.recipe.route
    console.print(_line(_bold(route.name), f"  product: {route.product}  region: {route.region}"))
    console.print(f"source: {route.source}")

    summary = Table(title="Mass metrics per kg of final product", title_justify="left")
    summary.add_column("metric")
    summary.add_column("value", justify="right")
    summary.add_column("unit")
    summary.add_column("note")
    for row in assessment.metrics:
        if row.scope != "route" or row.metric.startswith(FOOTPRINT_ROWS):
            continue
        label = metric_label(row.metric).indented()
        summary.add_row(label, format_value(row.value, row.unit), unit_label(row.unit), row.note)
    console.print(summary)

    steps = Table(title="Steps", title_justify="left")
    steps.add_column("step")
    steps.add_column("product")
    for _, header in STEP_COLUMNS:
        steps.add_column(header, justify="right")
    for step in assessment.recipe.steps:
        steps.add_row(
            step.id,
            step.made.material,
            *(format_number(assessment.value(metric, step.id)) for metric, _ in STEP_COLUMNS),
        )
    console.print(steps)
    shown = {metric for metric, _ in STEP_COLUMNS} | {"footprint"}
    extra = [r for r in assessment.metrics if r.scope != "route" and r.metric not in shown]
    if extra:
        more = Table(title="More step metrics", title_justify="left")
        for column in ("step", "metric", "value", "unit", "note"):
            more.add_column(column, justify="right" if column == "value" else "left")
        for row in extra:
            label = metric_label(row.metric).text
            more.add_row(
                row.scope, label, format_value(row.value, row.unit), unit_label(row.unit), row.note
            )
        console.print(more)

    raw = Table(title="Raw materials per kg of final product", title_justify="left")
    raw.add_column("material")
    raw.add_column("role")
    raw.add_column("kg/kg", justify="right")
    raw.add_column("share of PMI", justify="right")
    totals = assessment.inventory.raw_totals("material", "role")
    pmi = assessment.value("pmi")
    for (material, role), value in sorted(totals.items(), key=lambda item: -item[1]):
        share = "n/a" if not pmi else f"{100 * value / pmi:.1f} %"
        raw.add_row(material, role, format_number(value), share)
    console.print(raw)
    if assessment.footprint is not None:
        print_footprint(console, assessment.footprint)
    if assessment.mode_effects:
        print_mode_effects(console, assessment)
    notes = [
        f"{r.scope}: {r.metric} n/a ({r.note})"
        for r in assessment.metrics
        if r.value is None and r.scope != "route"
    ]
    if notes:
        console.print("n/a: " + "; ".join(notes), style="dim")


def print_footprint(console: Console, footprint: Footprint) -> None:
    """Footprint by category and step, top contributors, coverage and every gap."""
    table = Table(
        title="Carbon footprint, cradle-to-gate (kg CO2e per kg of final product)",
        title_justify="left",
    )
    table.add_column("category")
    table.add_column("kg CO2e/kg", justify="right")
    for category, value in footprint.by_category().items():
        table.add_row(category, format_number(value))
    table.add_row(_bold("total (net of credits)"), _bold(format_number(footprint.total)))
    console.print(table)

    steps = Table(title="Footprint by step", title_justify="left")
    steps.add_column("step")
    steps.add_column("kg CO2e/kg", justify="right")
    for step, value in footprint.by_step().items():
        steps.add_row(step, format_number(value))
    console.print(steps)

    top = Table(title="Largest contributions", title_justify="left")
    for column in ("step", "category", "flow", "amount", "kg CO2e/kg", "factor"):
        top.add_column(column, justify="right" if column in ("amount", "kg CO2e/kg") else "left")
    for row in footprint.summary()[:12]:
        amount = (
            ""
            if row["unit"] == "mixed"
            else f"{format_number(row['amount'])} {unit_label(row['unit'])}"
        )
        factors = ", ".join(row["factors"]) + (" [fallback]" if row["fallback"] else "")
        top.add_row(
            row["step"],
            row["category"],
            row["flow"],
            amount,
            format_number(row["kg_co2e"]),
            factors,
        )
    console.print(top)
    console.print(
        "Every contribution's source, licence and data quality: lca assess --format "
        "json (footprint.provenance).",
        style="dim",
    )

    mass = footprint.mass_coverage()
    energy = footprint.energy_coverage()
    console.print(
        f"Coverage: {100 * mass:.1f} % of raw-material mass has a factor; energy: "
        + ("n/a" if energy is None else f"{100 * energy:.1f} %")
    )
    gaps = footprint.gaps
    if gaps:
        print_gaps(console, gaps)
    fallbacks = [row for row in footprint.provenance() if row["fallback"]]
    for row in {r["fallback"]: r for r in fallbacks}.values():
        console.print(f"fallback: {row['fallback']}", style="dim")


def print_gaps(console: Console, gaps: list[dict]) -> None:
    """Flows without a factor, one line each; the reasons, often shared, numbered below."""
    reasons = list(dict.fromkeys(gap["reason"] for gap in gaps))
    table = Table(
        title=f"Not covered ({len(gaps)} flows): missing from the total, not zero",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    for column in ("step", "category", "flow", "per kg product", "why"):
        table.add_column(
            column, justify="right" if column == "per kg product" else "left", no_wrap=True,
            overflow="ellipsis" if column == "flow" else "fold",
        )  # fmt: skip
    for gap in gaps:
        table.add_row(
            gap["step"],
            gap["category"],
            gap["flow"],
            f"{format_number(gap['amount'])} {unit_label(gap['unit'])}",
            f"[{reasons.index(gap['reason']) + 1}]",
        )
    console.print(table)
    for number, reason in enumerate(reasons, 1):
        console.print(f"[{number}] {reason}", style="dim")


def print_factor(factor, candidates=(), why: str = "") -> None:
    """A resolved factor: which tier and region answered and why, every candidate, and its
    component rows with sources and licences."""
    from lca.tiers import TIERS

    console = _console()
    console.print(
        _line(
            _bold(factor.key),
            f" ({factor.region}): {factor.value:.6g} kg CO2e per {unit_label(factor.per_unit)} "
            f"(IPCC {factor.gwp_set} GWP100; basis: {factor.basis})",
        )
    )
    tier = TIERS.get(factor.tier)
    console.print(f"tier: {factor.tier}" + (f" ({tier.description})" if tier else ""))
    if why:
        console.print(why)
    console.print(f"chosen: {factor.why}")
    if factor.fallback:
        console.print(f"fallback: {factor.fallback}")
    if factor.gwp_note:
        console.print(f"GWP basis: {factor.gwp_note}")
    if len(candidates) > 1:
        console.print("candidates (library, region, tier, value):")
        for library, region, tier_name, per_unit, value in candidates:
            console.print(
                f"  {library} {region} {tier_name}: {value:.6g} kg CO2e/{unit_label(per_unit)}"
            )
    for row in factor.rows:
        console.print(
            f"- {row.scope or 'value'}: {row.value:g} {unit_label(row.unit)} "
            f"(= {row.kg_co2e_per_unit:.6g} kg CO2e/{unit_label(row.per_unit)})",
        )
        console.print(f"  source: {row.source}")
        console.print(
            f"  licence: {row.licence}; data quality: {row.data_quality}"
            + (f"; uncertainty: {row.uncertainty}" if row.uncertainty else ""),
        )
        console.print(f"  {row.library}: {row.where}")


def print_libraries(factor_set) -> None:
    """Every library in the set, in priority order, with its sources and attribution."""
    console = _console()
    for rank, layer in enumerate(factor_set.layers, start=1):
        console.print(
            _line(
                _bold(f"{rank}. {layer.name}"),
                f" {layer.version}  ({layer.path}, {len(layer.rows)} rows)",
            )
        )
        if layer.description:
            console.print(f"   {layer.description}")
        if layer.gwp_basis:
            console.print(f"   GWP basis: {layer.gwp_basis}")
        for source in layer.sources:
            console.print(f"   [{source['id']}] {source['citation']}")
            console.print(f"      licence: {source['licence']}")
            if source.get("attribution"):
                console.print(f"      attribution: {source['attribution']}")


def print_mode_effects(console: Console, assessment: Assessment) -> None:
    """What each operating-mode feature adds (the route minus the route without it)."""
    table = Table(
        title="From the operating mode (route minus the route without the feature)",
        title_justify="left",
    )
    for column in ("feature", "PMI kg/kg", "kg CO2e/kg", "what it is"):
        table.add_column(column, justify="right" if "kg" in column else "left")
    for effect in assessment.mode_effects:
        table.add_row(
            effect.feature,
            format_signed(effect.pmi),
            format_signed(effect.footprint),
            effect.description,
        )
    console.print(table)


def _comparison_rows(comparison, qualified: bool = False):
    """(label, unit, cells) per route metric: each cell the value, with its delta against the
    baseline in brackets. A part of the figure above it (``solvents`` under the PMI) is
    indented, or, ``qualified``, named with it (``PMI (cumulative): solvents``) for a layout
    where it does not stand under it."""
    for metric, unit in comparison.route_metrics():
        cells = []
        for route in comparison.labels:
            value, delta = comparison.value(route, metric), comparison.delta(route, metric)
            text = format_value(value, unit)
            if route != comparison.baseline and delta is not None and value is not None:
                text += f" ({format_signed(delta)})"
            cells.append(text)
        label = metric_label(metric)
        parent = parent_metric(metric)
        if label.level == 0:
            text = label.text
        elif qualified and parent:
            text = f"{metric_label(parent).text}: {label.text}"
        else:
            text = label.indented()
        yield text, unit_label(unit), cells


# a column header wraps at this many characters (longer would squeeze the table)
HEADER_WIDTH = 16
ROUTE_WIDTH = 30


def _pages(needs: list[int], fixed: int, width: int) -> list[range]:
    """Consecutive groups of columns (each needing ``needs[i]`` characters) that fit ``width``
    beside ``fixed`` characters of columns repeated on every page."""
    pages, start, used = [], 0, fixed
    for i, need in enumerate(needs):
        if i > start and used + need > width:
            pages.append(range(start, i))
            start, used = i, fixed
        used += need
    pages.append(range(start, len(needs)))
    return pages


def _width(texts, header: str) -> int:
    """Characters a column takes: its widest cell or its header (wrapped at spaces, never
    inside a word), padding and border."""
    words = [len(word) for word in header.split()]
    return max([len(t) for t in texts] + [min(len(header), HEADER_WIDTH), *words]) + 3


METRIC_WIDTH = 34  # the metric column of the side-by-side table wraps at this many characters


def print_answer(console: Console, comparison, monte_carlo=None) -> None:
    """The answer first: which route is lower, by how much, the data quality of each."""
    from lca.comparison import Comparison
    from lca.reporting.headline import headline

    if not isinstance(comparison, Comparison):
        return
    answer = headline(comparison, monte_carlo)
    for finding in answer.findings:
        console.print(_line("▸ ", _bold(finding.sentence)))
    if answer.monte_carlo:
        console.print(f"  {answer.monte_carlo}", style="dim")
    console.print("Data quality: raw-material mass by factor tier")
    for number, quality in enumerate(answer.quality, 1):
        flag = f"; {quality.flag}" if quality.flag else ""
        console.print(f"  {number}. {quality.tiers_text or 'no raw materials'}{flag}")
    for text in answer.could_flip:
        console.print(_line(_bold("Ranking could flip: "), text))


def print_comparison(comparison, monte_carlo=None) -> None:
    """The answer, then the routes side by side with deltas against the baseline, then the
    drivers of each delta.

    The routes are numbered, named above the table and headed by their number, so a table of
    a few routes fits 100 columns. When they do not fit the width (the terminal's, or
    ``COLUMNS`` when the output is piped), the table is transposed: one row per route, the
    metrics as columns, as many per page as fit. No cell is ever cut (``5…``) and no route
    hidden.
    """
    console = _console()
    print_answer(console, comparison, monte_carlo)
    console.print(_line("Baseline: ", _bold(comparison.baseline)))
    console.print(f"Carbon footprint basis: {comparison.gwp_basis}")
    labels = [f"{i}. {label}" for i, label in enumerate(comparison.labels, start=1)]
    rows = list(_comparison_rows(comparison))
    metric_width = min(max(len(r[0]) for r in rows), METRIC_WIDTH)
    fixed = metric_width + max(len(r[1]) for r in rows) + 2
    numbers = [str(i) for i in range(1, len(labels) + 1)]
    side_by_side = [max(len(r[2][i]) for r in rows) + 1 for i in range(len(labels))]
    if fixed + sum(side_by_side) <= console.width:
        for i, label in enumerate(labels):
            mark = " (baseline)" if comparison.labels[i] == comparison.baseline else ""
            console.print(f"{label}{mark}")
        table = Table(
            title="Per kg of final product; (Δ) against the baseline",
            title_justify="left",
            box=box.SIMPLE_HEAD,
            padding=(0, 1, 0, 0),
            pad_edge=False,
        )
        table.add_column("metric", max_width=metric_width, overflow="fold")
        table.add_column("unit", no_wrap=True)
        for number in numbers:
            table.add_column(number, justify="right", no_wrap=True)
        for label, unit, cells in rows:
            table.add_row(label, unit, *cells)
        console.print(table)
    else:
        rows = list(_comparison_rows(comparison, qualified=True))
        route_width = min(max(len(label) for label in labels), ROUTE_WIDTH)
        needs = [_width(cells, f"{label} [{unit}]") for label, unit, cells in rows]
        pages = _pages(needs, route_width + 4, console.width)
        for page in pages:
            table = Table(
                title=f"Per kg of final product, one row per route (metrics {page.start + 1}-"
                f"{page.stop} of {len(rows)})",
                title_justify="left",
            )
            # widths as planned, so that rich does not squeeze the route names instead
            table.add_column("route", width=route_width)
            for i in page:
                table.add_column(
                    f"{rows[i][0]} [{rows[i][1]}]", justify="right", width=needs[i] - 3
                )
            for position, label in enumerate(labels):
                table.add_row(label, *(rows[i][2][position] for i in page))
            console.print(table)
    for route in comparison.labels:
        drivers = comparison.drivers(route)
        if not drivers:
            continue
        top = Table(title=f"What drives {route} − {comparison.baseline}", title_justify="left")
        for column in ("kind", "flow", "route", "baseline", "difference", "unit"):
            top.add_column(
                column, justify="right" if column in ("route", "baseline", "difference") else "left"
            )
        for row in drivers:
            top.add_row(
                row["kind"],
                row["flow"],
                format_number(row["route"]),
                format_number(row["baseline"]),
                format_signed(row["delta"]),
                unit_label(row["unit"]),
            )
        console.print(top)
    robustness = comparison.robustness()
    if robustness:
        console.print(_bold("Could the footprint ranking flip?"))
        for row in robustness:
            console.print(f"- {row['statement']}")
    for route, assessment in zip(comparison.labels, comparison.assessments, strict=True):
        if assessment.mode_effects:
            console.print(_bold(route))
            print_mode_effects(console, assessment)


def comparison_markdown(comparison) -> str:
    """The comparison as a Markdown document (tables for the metrics and the drivers)."""
    lines = [
        f"Baseline: **{markdown_cell(comparison.baseline)}**",
        "",
        f"Carbon footprint basis: {markdown_cell(comparison.gwp_basis)}",
        "",
    ]
    header = ["metric", "unit", *(markdown_cell(label) for label in comparison.labels)]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, unit, cells in _comparison_rows(comparison, qualified=True):
        lines.append("| " + " | ".join([markdown_cell(label), unit, *cells]) + " |")
    for route in comparison.labels:
        drivers = comparison.drivers(route)
        if not drivers:
            continue
        lines += [
            "",
            f"**What drives {markdown_cell(route)} − {markdown_cell(comparison.baseline)}**",
            "",
            "| kind | flow | route | baseline | difference | unit |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['kind']} | {markdown_cell(r['flow'])} | {format_number(r['route'])} | "
            f"{format_number(r['baseline'])} | {format_signed(r['delta'])} | {r['unit']} |"
            for r in drivers
        ]
    robustness = comparison.robustness()
    if robustness:
        lines += ["", "**Could the footprint ranking flip?**", ""]
        lines += [f"- {markdown_cell(row['statement'])}" for row in robustness]
    for route, assessment in zip(comparison.labels, comparison.assessments, strict=True):
        if assessment.mode_effects:
            lines += [
                "",
                f"**From the operating mode: {markdown_cell(route)}**",
                "",
                "| feature | PMI kg/kg | kg CO2e/kg |",
                "|---|---|---|",
            ]
            lines += [
                f"| {e.feature} | {format_signed(e.pmi)} | {format_signed(e.footprint)} |"
                for e in assessment.mode_effects
            ]
    return "\n".join(lines)


def monte_carlo_text(monte_carlo) -> str:
    """Percentiles per route, paired differences with their intervals, and the probability that
    each route is lower than each other (at all, and by more than the threshold)."""
    lines = [
        f"Monte Carlo: {monte_carlo.n:,} draws per route, seed {monte_carlo.seed} (common "
        "random numbers across routes)"
    ]
    if monte_carlo.sample_note:
        lines.append(f"  ({monte_carlo.sample_note})")
    for label, flows in zip(monte_carlo.labels, monte_carlo.uncovered, strict=False):
        if flows:
            lines.append(
                f"  {label}: {len(flows)} uncovered material flow(s) drawn from the broadest "
                f"class proxy: {', '.join(dict.fromkeys(flows))}"
            )
    threshold = monte_carlo.threshold
    for metric, unit in (("pmi", "kg/kg"), ("carbon_footprint", "kg CO2e/kg")):
        lines.append(f"\n{metric} [{unit}]: median [5 % – 95 %]")
        for row in monte_carlo.summary(metric):
            lines.append(
                f"  {row['route']}: {format_number(row['p50'])} "
                f"[{format_number(row['p5'])} – {format_number(row['p95'])}]"
            )
        lines.append(f"difference, row − column, paired draws: median [5 % – 95 %], {metric}:")
        for row in monte_carlo.deltas(metric):
            if monte_carlo.labels.index(row["route"]) < monte_carlo.labels.index(row["versus"]):
                continue
            lines.append(
                f"  {row['route']} − {row['versus']}: {format_signed(row['median'])} "
                f"[{format_signed(row['p5'])} – {format_signed(row['p95'])}] {unit} "
                f"({row['relative_median']:+.1%} [{row['relative_p5']:+.1%} – "
                f"{row['relative_p95']:+.1%}])"
            )
        for title, probability in (
            ("P(row lower than column)", monte_carlo.probability_lower(metric)),
            (
                f"P(row lower than column by more than {threshold:.0%})",
                monte_carlo.probability_lower(metric, threshold),
            ),
        ):
            lines.append(f"{title}, {metric}:")
            for i, route in enumerate(monte_carlo.labels):
                cells = "  ".join(
                    "   –  " if i == j else f"{probability[i, j]:6.1%}"
                    for j in range(len(monte_carlo.labels))
                )
                lines.append(f"  {i + 1}. {cells}   {route}")
    return "\n".join(lines)
