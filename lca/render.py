"""Terminal tables for the CLI (rich). Library code never prints; only the CLI calls these."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from lca.compare import Assessment
from lca.results import METRIC_LABELS

STEP_COLUMNS = (
    ("scale", "kg/kg API"), ("step_pmi", "step PMI"), ("raw_materials", "raw kg/kg API"),
    ("waste", "waste kg/kg API"), ("isolated_yield", "yield %"), ("atom_economy", "AE %"),
    ("reaction_mass_efficiency", "RME %"), ("carbon_efficiency", "CE %"),
)  # fmt: skip


FOOTPRINT_ROWS = ("carbon_footprint", "footprint:", "coverage_", "uncovered_flows")


def _console() -> Console:
    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=max(console.width, 110), color_system=None)
    return console


def _number(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def print_assessment(assessment: Assessment) -> None:
    """Summary, per-step and raw-material tables of one assessment."""
    console = _console()
    route = assessment.recipe.route
    console.print(
        f"[bold]{escape(route.name)}[/bold]  product: {route.product}  region: "
        f"{escape(route.region)}"
    )
    console.print(f"source: {route.source}", markup=False)

    summary = Table(title="Mass metrics per kg of final product", title_justify="left")
    summary.add_column("metric")
    summary.add_column("value", justify="right")
    summary.add_column("unit")
    summary.add_column("note")
    for row in assessment.metrics:
        if row.scope != "route" or row.metric.startswith(FOOTPRINT_ROWS):
            continue
        label = METRIC_LABELS.get(row.metric, row.metric.replace("energy:", "Energy: "))
        summary.add_row(label, _number(row.value), row.unit, row.note)
    console.print(summary)

    steps = Table(title="Steps", title_justify="left")
    steps.add_column("step")
    steps.add_column("product")
    for _, header in STEP_COLUMNS:
        steps.add_column(header, justify="right")
    for step in assessment.recipe.steps:
        steps.add_row(
            step.id,
            step.product.material,
            *(_number(assessment.value(metric, step.id)) for metric, _ in STEP_COLUMNS),
        )
    console.print(steps)
    shown = {metric for metric, _ in STEP_COLUMNS} | {"footprint"}
    extra = [r for r in assessment.metrics if r.scope != "route" and r.metric not in shown]
    if extra:
        more = Table(title="More step metrics", title_justify="left")
        for column in ("step", "metric", "value", "unit", "note"):
            more.add_column(column, justify="right" if column == "value" else "left")
        for row in extra:
            label = METRIC_LABELS.get(row.metric, row.metric)
            more.add_row(row.scope, label, _number(row.value), row.unit, row.note)
        console.print(more)

    raw = Table(title="Raw materials per kg of final product", title_justify="left")
    raw.add_column("material")
    raw.add_column("role")
    raw.add_column("kg/kg", justify="right")
    raw.add_column("share of PMI", justify="right")
    totals = assessment.inventory.raw_materials()
    pmi = assessment.value("pmi")
    for (material, role), value in sorted(totals.items(), key=lambda item: -item[1]):
        raw.add_row(material, role, _number(value), f"{100 * value / pmi:.1f} %")
    console.print(raw)
    if assessment.footprint is not None:
        print_footprint(console, assessment)
    if assessment.mode_effects:
        print_mode_effects(console, assessment)
    notes = [
        f"{r.scope}: {r.metric} n/a ({r.note})"
        for r in assessment.metrics
        if r.value is None and r.scope != "route"
    ]
    if notes:
        console.print("n/a: " + "; ".join(notes), style="dim")


def print_footprint(console: Console, assessment: Assessment) -> None:
    """Footprint by category and step, top contributors, coverage and every gap."""
    footprint = assessment.footprint
    table = Table(
        title="Carbon footprint, cradle-to-gate (kg CO2e per kg of final product)",
        title_justify="left",
    )
    table.add_column("category")
    table.add_column("kg CO2e/kg", justify="right")
    for category, value in footprint.by_category().items():
        table.add_row(category, _number(value))
    table.add_row("[bold]total (net of credits)[/bold]", f"[bold]{_number(footprint.total)}[/bold]")
    console.print(table)

    steps = Table(title="Footprint by step", title_justify="left")
    steps.add_column("step")
    steps.add_column("kg CO2e/kg", justify="right")
    for step, value in footprint.by_step().items():
        steps.add_row(step, _number(value))
    console.print(steps)

    top = Table(title="Largest contributions", title_justify="left")
    for column in ("step", "category", "flow", "amount", "kg CO2e/kg", "factor"):
        top.add_column(column, justify="right" if column in ("amount", "kg CO2e/kg") else "left")
    for row in footprint.summary()[:12]:
        amount = "" if row["unit"] == "mixed" else f"{_number(row['amount'])} {row['unit']}"
        factors = ", ".join(row["factors"]) + (" [fallback]" if row["fallback"] else "")
        top.add_row(
            row["step"],
            row["category"],
            escape(row["flow"]),
            amount,
            _number(row["kg_co2e"]),
            escape(factors),
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
        table = Table(
            title=f"Not covered ({len(gaps)} flows): missing from the total, not zero",
            title_justify="left",
        )
        for column in ("step", "category", "flow", "amount per kg product", "why"):
            table.add_column(column)
        for gap in gaps:
            table.add_row(
                gap["step"],
                gap["category"],
                escape(gap["flow"]),
                f"{_number(gap['amount'])} {gap['unit']}",
                escape(gap["reason"]),
            )
        console.print(table)
    fallbacks = [row for row in footprint.provenance() if row["fallback"]]
    for row in {r["fallback"]: r for r in fallbacks}.values():
        console.print(f"fallback: {escape(row['fallback'])}", style="dim")


def print_factor(factor, candidates=(), why: str = "") -> None:
    """A resolved factor: which tier and region answered and why, every candidate, and its
    component rows with sources and licences."""
    from lca.tiers import TIERS

    console = _console()
    console.print(
        f"[bold]{factor.key}[/bold] ({factor.region}): {factor.value:.6g} kg CO2e per "
        f"{factor.per_unit} (IPCC {factor.gwp_set} GWP100; basis: {factor.basis})"
    )
    tier = TIERS.get(factor.tier)
    console.print(f"tier: {factor.tier}" + (f" ({tier.description})" if tier else ""), markup=False)
    if why:
        console.print(why, markup=False)
    console.print(f"chosen: {factor.why}", markup=False)
    if factor.fallback:
        console.print(f"fallback: {factor.fallback}", markup=False)
    if factor.gwp_note:
        console.print(f"GWP basis: {factor.gwp_note}", markup=False)
    if len(candidates) > 1:
        console.print("candidates (library, region, tier, value):", markup=False)
        for library, region, tier_name, per_unit, value in candidates:
            console.print(
                f"  {library} {region} {tier_name}: {value:.6g} kg CO2e/{per_unit}", markup=False
            )
    for row in factor.rows:
        console.print(
            f"- {row.scope or 'value'}: {row.value:g} {row.unit} "
            f"(= {row.kg_co2e_per_unit:.6g} kg CO2e/{row.per_unit})",
            markup=False,
        )
        console.print(f"  source: {row.source}", markup=False)
        console.print(
            f"  licence: {row.licence}; data quality: {row.data_quality}"
            + (f"; uncertainty: {row.uncertainty}" if row.uncertainty else ""),
            markup=False,
        )
        console.print(f"  {row.library}: {row.where}", markup=False)


def print_libraries(factor_set) -> None:
    """Every library in the set, in priority order, with its sources and attribution."""
    console = _console()
    for rank, layer in enumerate(factor_set.layers, start=1):
        console.print(
            f"[bold]{rank}. {escape(layer.name)}[/bold] {escape(layer.version)}  "
            f"({escape(layer.path)}, "
            f"{len(layer.rows)} rows)"
        )
        if layer.description:
            console.print(f"   {layer.description}", markup=False)
        if layer.gwp_basis:
            console.print(f"   GWP basis: {layer.gwp_basis}", markup=False)
        for source in layer.sources:
            console.print(f"   [{source['id']}] {source['citation']}", markup=False)
            console.print(f"      licence: {source['licence']}", markup=False)
            if source.get("attribution"):
                console.print(f"      attribution: {source['attribution']}", markup=False)


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
            effect.feature, _signed(effect.pmi), _signed(effect.footprint), effect.description
        )
    console.print(table)


def _signed(value: float | None) -> str:
    if value is None:
        return "n/a"
    return ("+" if value > 0 else "") + _number(value)


def _comparison_rows(comparison):
    """(label, unit, cells) per route metric: each cell the value, with its delta against the
    baseline in brackets."""
    for metric, unit in comparison.route_metrics():
        cells = []
        for route in comparison.labels:
            value, delta = comparison.value(route, metric), comparison.delta(route, metric)
            text = _number(value)
            if route != comparison.baseline and delta is not None and value is not None:
                text += f" ({_signed(delta)})"
            cells.append(text)
        yield METRIC_LABELS.get(metric, metric).strip(), unit, cells


def print_comparison(comparison) -> None:
    """Routes side by side with deltas against the baseline, then the drivers of each delta."""
    console = _console()
    console.print(f"Baseline: [bold]{escape(comparison.baseline)}[/bold]")
    console.print(f"Carbon footprint basis: {escape(comparison.gwp_basis)}")
    table = Table(title="Per kg of final product", title_justify="left")
    table.add_column("metric")
    table.add_column("unit")
    for number, label in enumerate(comparison.labels, start=1):
        table.add_column(f"{number}. {escape(label)}", justify="right")
    for label, unit, cells in _comparison_rows(comparison):
        table.add_row(escape(label), unit, *cells)
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
                escape(row["flow"]),
                _number(row["route"]),
                _number(row["baseline"]),
                _signed(row["delta"]),
                row["unit"],
            )
        console.print(top)
    robustness = comparison.robustness()
    if robustness:
        console.print("[bold]Could the footprint ranking flip?[/bold]")
        for row in robustness:
            console.print(f"- {row['statement']}", markup=False)
    for route, assessment in zip(comparison.labels, comparison.assessments, strict=True):
        if assessment.mode_effects:
            console.print(f"[bold]{escape(route)}[/bold]")
            print_mode_effects(console, assessment)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def comparison_markdown(comparison) -> str:
    """The comparison as a Markdown document (tables for the metrics and the drivers)."""
    lines = [
        f"Baseline: **{_md(comparison.baseline)}**",
        "",
        f"Carbon footprint basis: {_md(comparison.gwp_basis)}",
        "",
    ]
    header = ["metric", "unit", *(_md(label) for label in comparison.labels)]
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for label, unit, cells in _comparison_rows(comparison):
        lines.append("| " + " | ".join([_md(label), unit, *cells]) + " |")
    for route in comparison.labels:
        drivers = comparison.drivers(route)
        if not drivers:
            continue
        lines += [
            "",
            f"**What drives {_md(route)} − {_md(comparison.baseline)}**",
            "",
            "| kind | flow | route | baseline | difference | unit |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {r['kind']} | {_md(r['flow'])} | {_number(r['route'])} | "
            f"{_number(r['baseline'])} | {_signed(r['delta'])} | {r['unit']} |"
            for r in drivers
        ]
    robustness = comparison.robustness()
    if robustness:
        lines += ["", "**Could the footprint ranking flip?**", ""]
        lines += [f"- {_md(row['statement'])}" for row in robustness]
    for route, assessment in zip(comparison.labels, comparison.assessments, strict=True):
        if assessment.mode_effects:
            lines += [
                "",
                f"**From the operating mode: {_md(route)}**",
                "",
                "| feature | PMI kg/kg | kg CO2e/kg |",
                "|---|---|---|",
            ]
            lines += [
                f"| {e.feature} | {_signed(e.pmi)} | {_signed(e.footprint)} |"
                for e in assessment.mode_effects
            ]
    return "\n".join(lines)


def monte_carlo_text(monte_carlo) -> str:
    """Percentiles per route, paired differences with their intervals, and the probability that
    each route is lower than each other (at all, and by more than the threshold)."""
    lines = [
        f"Monte Carlo: {monte_carlo.n} draws per route, seed {monte_carlo.seed} (common "
        "random numbers across routes)"
    ]
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
                f"  {row['route']}: {_number(row['p50'])} "
                f"[{_number(row['p5'])} – {_number(row['p95'])}]"
            )
        lines.append(f"difference, row − column, paired draws: median [5 % – 95 %], {metric}:")
        for row in monte_carlo.deltas(metric):
            if monte_carlo.labels.index(row["route"]) < monte_carlo.labels.index(row["versus"]):
                continue
            lines.append(
                f"  {row['route']} − {row['versus']}: {_signed(row['median'])} "
                f"[{_signed(row['p5'])} – {_signed(row['p95'])}] {unit} "
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
