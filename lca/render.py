"""Terminal tables for the CLI (rich). Library code never prints; only the CLI calls these."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from lca.compare import METRIC_LABELS, Assessment

STEP_COLUMNS = (
    ("scale", "kg/kg API"), ("step_pmi", "step PMI"), ("raw_materials", "raw kg/kg API"),
    ("waste", "waste kg/kg API"), ("atom_economy", "AE %"),
    ("reaction_mass_efficiency", "RME %"), ("carbon_efficiency", "CE %"),
)  # fmt: skip


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
    console.print(f"[bold]{route.name}[/bold]  product: {route.product}  region: {route.region}")
    console.print(f"source: {route.source}")

    summary = Table(title="Mass metrics per kg of final product", title_justify="left")
    summary.add_column("metric")
    summary.add_column("value", justify="right")
    summary.add_column("unit")
    summary.add_column("note")
    for row in assessment.metrics:
        if row.scope != "route":
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
    notes = [
        f"{r.scope}: {r.metric} n/a ({r.note})"
        for r in assessment.metrics
        if r.value is None and r.scope != "route"
    ]
    if notes:
        console.print("n/a: " + "; ".join(notes), style="dim")
