"""The self-contained HTML report of one route or a comparison of routes.

The page is rendered from a Jinja2 template (by default ``reports/report.html.j2``, bundled as
``lca/_data/reports/``; a user may pass a restyled copy) with plotly.js embedded once, inline, so
the single file opens offline and can be mailed or archived as it is. Every text from a recipe or
a factor library reaches the page HTML-escaped (autoescape on); the figures are plotly's own
markup, whose JSON escapes ``<`` and ``>``. The variables a template receives are listed in
``reports/README.md`` and built by :func:`report_context`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lca.errors import OutputError
from lca.reporting import charts, labels
from lca.reporting.output import check_target, write_text

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from lca.assessment import Assessment
    from lca.comparison import Comparison
    from lca.montecarlo import MonteCarloComparison

TEMPLATE_NAME = "report.html.j2"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}
STEP_METRICS = ("scale", "step_pmi", "raw_materials", "waste", "isolated_yield", "footprint",
                "atom_economy", "reaction_mass_efficiency", "carbon_efficiency")  # fmt: skip
RESIDUE = "process residue"
LOWER_IS_BETTER = ("pmi", "complete_e_factor", "simple_e_factor", "solvent_intensity",
                   "water_intensity", "carbon_footprint", "footprint:", "energy")  # fmt: skip
HIGHER_IS_BETTER = ("mass_productivity", "reaction_mass_efficiency", "atom_economy",
                    "carbon_efficiency", "isolated_yield")  # fmt: skip


def _quiet(message: str) -> None:
    """The progress callback when the caller gives none."""


def metric_label(metric: str) -> tuple[str, bool]:
    """A metric's label and whether it is a sub-row of the one above it (:mod:`.labels`)."""
    label = labels.metric_label(metric)
    return label.text, label.level > 0


def _figure_html(fig: go.Figure, div_id: str):
    """A figure as a ``<div>`` and the script that draws it (``Markup``), plotly.js not included.

    A fixed ``div_id`` keeps the output reproducible (plotly would otherwise draw a random one).
    plotly's JSON writes ``<``, ``>`` and ``/`` as ``\\u`` escapes, so no text in a figure can
    close the script: the markup is safe to insert unescaped.
    """
    import plotly.io as pio
    from markupsafe import Markup

    return Markup(
        pio.to_html(
            fig,
            full_html=False,
            include_plotlyjs=False,
            div_id=div_id,
            config=PLOTLY_CONFIG,
            default_width="100%",
            default_height=f"{fig.layout.height or 450}px",
        )
    )


def better(metric: str) -> str | None:
    """``"lower"`` or ``"higher"`` where a direction is an improvement, else ``None``.

    Recovered mass and coverage have no good direction for the route itself: more recovery
    goes with more solvent charged, and coverage describes the data, not the route.
    """
    if metric.startswith(HIGHER_IS_BETTER):
        return "higher"
    if metric.startswith(LOWER_IS_BETTER):
        return "lower"
    return None


def _summary_rows(comparison: Comparison) -> list[dict]:
    """The side-by-side table: one row per route metric, one cell per route."""
    rows = []
    for metric, unit in comparison.route_metrics():
        label, sub = metric_label(metric)
        rows.append(
            {
                "metric": metric,
                "label": label,
                "sub": sub,
                "unit": unit,
                "better": better(metric),
                "cells": [
                    {
                        "route": route,
                        "value": comparison.value(route, metric),
                        "delta": None
                        if route == comparison.baseline
                        else comparison.delta(route, metric),
                    }
                    for route in comparison.labels
                ],
            }
        )
    return rows


def _steps(assessment: Assessment) -> list[dict]:
    steps = []
    metrics = {(row.scope, row.metric): row.value for row in assessment.metrics}
    recipe = assessment.recipe
    for step in recipe.steps:
        steps.append(
            {
                "id": step.id,
                "name": step.name,
                "mode": step.mode,
                "product": step.product.material if step.product else "",
                "batches": step.batches if step.mode == "batch" else None,
                "run_time": step.run_time,
                "notes": step.notes,
                "metrics": {name: metrics.get((step.id, name)) for name in STEP_METRICS},
            }
        )
    return steps


def _inventory_rows(assessment: Assessment) -> list[dict]:
    from lca.reporting.sankey import material_name

    inventory = assessment.inventory
    return [
        {
            "step": flow.step,
            "material": flow.material,
            "name": material_name(assessment, flow.material),
            "role": flow.role,
            "origin": flow.origin,
            "intermediate": flow.intermediate,
            "amount": float(amount),
            "recovered": float(amount) * flow.recovered,
        }
        for flow, amount in zip(inventory.flows, inventory.result.flow[0], strict=True)
    ]


def _energy_rows(assessment: Assessment) -> list[dict]:
    inventory = assessment.inventory
    return [
        {"step": line.step, "carrier": line.carrier, "origin": line.origin, "unit": line.unit,
         "amount": float(amount)}
        for line, amount in zip(inventory.energy_lines, inventory.result.energy[0], strict=True)
    ]  # fmt: skip


def csv_download(name: str, header: list[str], rows: list[list]) -> dict:
    """A table as a CSV file to download from the page: ``file`` (its name) and ``href`` (a
    ``data:`` URI, so the page stays one file). Text cells go through
    :func:`lca.reporting.safe.csv_cell` (never read as formulas); numbers keep full precision."""
    import csv
    import io
    from urllib.parse import quote

    from lca.reporting.safe import csv_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else csv_cell(v) for v in row])
    return {"file": name, "href": "data:text/csv;charset=utf-8," + quote(buffer.getvalue())}


def _slug(text: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "route"


def _route_downloads(slug: str, route: dict) -> dict:
    steps = route["steps"]
    inventory, energy = route["inventory"], route["energy"]
    return {
        "steps": csv_download(
            f"{slug}-steps.csv",
            ["step", "name", "mode", "product", *STEP_METRICS],
            [[s["id"], s["name"], s["mode"], s["product"],
              *(s["metrics"][m] for m in STEP_METRICS)] for s in steps],
        ),
        "inventory": csv_download(
            f"{slug}-inventory.csv",
            ["step", "material", "name", "role", "origin", "intermediate", "kg per kg product",
             "recovered kg per kg product"],
            [[r["step"], r["material"], r["name"], r["role"], r["origin"], r["intermediate"],
              r["amount"], r["recovered"]] for r in inventory],
        ),
        "energy": csv_download(
            f"{slug}-energy.csv",
            ["step", "carrier", "origin", "amount per kg product", "unit"],
            [[r["step"], r["carrier"], r["origin"], r["amount"], r["unit"]] for r in energy],
        ),
        "gaps": csv_download(
            f"{slug}-not-covered.csv",
            ["step", "category", "flow", "amount per kg product", "unit", "why"],
            [[g["step"], g["category"], g["flow"], g["amount"], g["unit"], g["reason"]]
             for g in route["gaps"]],
        ),
        "provenance": csv_download(
            f"{slug}-provenance.csv",
            ["step", "category", "flow", "amount", "unit", "factor key", "factor region",
             "factor value", "factor unit", "kg CO2e per kg product", "tier", "source",
             "licence", "data quality", "fallback", "basis", "note"],
            [[r["step"], r["category"], r["flow"], r["amount"], r["unit"], r["factor_key"],
              r["factor_region"], r["factor_value"], r["factor_unit"], r["kg_co2e"], r["tier"],
              r["source"], r["licence"], r["data_quality"], r["fallback"], r["basis"],
              r["note"]] for r in route["provenance"]],
        ),
        "drivers": csv_download(
            f"{slug}-drivers.csv",
            ["kind", "flow", "this route", "baseline", "difference", "unit"],
            [[r["kind"], r["flow"], r["route"], r["baseline"], r["delta"], r["unit"]]
             for r in route["drivers"]],
        ),
        "mode_effects": csv_download(
            f"{slug}-mode-effects.csv",
            ["feature", "PMI added kg/kg", "footprint added kg CO2e/kg", "what it is"],
            [[e["feature"], e["pmi"], e["footprint"], e["description"]]
             for e in route["mode_effects"]],
        ),
    }  # fmt: skip


def _residue_note(row: dict) -> str:
    """Why a process-residue row is negative (a person reading the table asks)."""
    if RESIDUE not in row["flow"] or row["kg_co2e"] >= 0:
        return ""
    return (
        "negative: the residue is what the non-solvent inputs charge less what leaves in the "
        "product and co-products; carbon leaving in the product is not incinerated, and where "
        "the product takes carbon from solvent-role inputs (see the warnings) this corrects "
        "the full incineration counted for those solvents"
    )


def _route(
    comparison: Comparison, label: str, position: int, progress: Callable[[str], None]
) -> dict:
    """One route's part of the template context, with its figures."""
    from lca.reporting import compare_charts, sankey
    from lca.reporting.headline import Quality

    assessment = comparison[label]
    recipe = assessment.recipe
    route = recipe.route
    footprint = assessment.footprint
    facility = recipe.facility
    progress(f"figures of {label}…")
    builders = [
        ("sankey", sankey.sankey),
        ("pareto", compare_charts.pareto),
        ("footprint_by_step", charts.footprint_by_step),
        ("pmi_by_step", charts.pmi_by_step),
    ]
    if footprint is not None:
        builders.insert(1, ("co2e_sankey", sankey.co2e_sankey))
    figures = {
        name: _figure_html(function(assessment), f"route-{position}-{name.replace('_', '-')}")
        for name, function in builders
    }
    provenance = footprint.provenance() if footprint is not None else []
    for row in provenance:
        row["residue_note"] = _residue_note(row)
    result = {
        "label": label,
        "anchor": f"route-{position}",
        "is_baseline": label == comparison.baseline,
        "name": route.name,
        "product": route.product,
        "region": route.region,
        "source": route.source,
        "description": route.description,
        "notes": route.notes,
        "file": recipe.origin,
        "facility": None
        if facility is None
        else {
            "kind": facility.kind,
            "name": facility.name,
            "source": facility.source,
            "notes": facility.notes,
        },
        "steps": _steps(assessment),
        "inventory": _inventory_rows(assessment),
        "energy": _energy_rows(assessment),
        "warnings": list(assessment.warnings),
        "footprint": None
        if footprint is None
        else {
            "total": footprint.total,
            "by_category": footprint.by_category(),
            "by_step": footprint.by_step(),
            "mass_coverage": 100.0 * footprint.mass_coverage(),
            "energy_coverage": _percent(footprint.energy_coverage()),
            "lower_bound": footprint.is_lower_bound,
            "quality": Quality(
                label,
                footprint.coverage_by_tier(),
                footprint.is_lower_bound,
                len(footprint.gaps),
                footprint.gwp_set,
            ),
        },
        "provenance": provenance,
        "negative_residue": any(row["residue_note"] for row in provenance),
        "gaps": footprint.gaps if footprint is not None else [],
        "mode_effects": [
            {
                "feature": effect.feature,
                "description": effect.description,
                "pmi": effect.pmi,
                "footprint": effect.footprint,
            }
            for effect in assessment.mode_effects
        ],
        "drivers": comparison.drivers(label),
        "figures": figures,
    }
    result["downloads"] = _route_downloads(f"{position}-{_slug(label)}", result)
    return result


def _cite_sources(routes: list[dict]) -> list[dict]:
    """Each factor source cited in the report, once, numbered; provenance rows get ``source_ref``.

    A citation with its licence is a paragraph; printed once in the sources table and referred
    to by number, it keeps the provenance table readable.
    """
    sources: dict[tuple[str, str, str], dict] = {}
    for route in routes:
        for row in route["provenance"]:
            row["source_ref"] = None
            if not row["factor_key"]:
                continue  # computed from the recipe: the basis says how
            key = (row["library"], row["source"], row["licence"])
            entry = sources.setdefault(
                key,
                {
                    "ref": len(sources) + 1,
                    "library": key[0],
                    "source": key[1],
                    "licence": key[2],
                    "factors": [],
                },
            )
            if row["factor_key"] not in entry["factors"]:
                entry["factors"].append(row["factor_key"])
            row["source_ref"] = entry["ref"]
    return list(sources.values())


def report_context(
    comparison: Comparison,
    progress: Callable[[str], None] | None = None,
    monte_carlo: MonteCarloComparison | None = None,
) -> dict:
    """Everything the report template receives (documented in ``reports/README.md``).

    Figures are ready-made HTML (``Markup``); numbers are plain floats, formatted in the
    template with the ``num``, ``signed`` and ``pct`` filters. ``monte_carlo`` (a run of the same
    routes) adds its intervals to the answer and the distribution of the differences.
    """
    from markupsafe import Markup
    from plotly.offline import get_plotlyjs

    from lca import __version__
    from lca.reporting import compare_charts
    from lca.reporting.headline import headline

    progress = progress or _quiet
    routes = [
        _route(comparison, label, position, progress)
        for position, label in enumerate(comparison.labels, start=1)
    ]
    sources = _cite_sources(routes)
    progress("comparison figures…")
    figures = {
        "footprint_by_category": charts.footprint_by_category(comparison),
        "pmi_breakdown": charts.pmi_breakdown(comparison),
        "top_contributions": compare_charts.top_contributions(comparison),
    }
    if len(comparison.labels) > 1:
        figures["indexed"] = compare_charts.indexed(comparison, monte_carlo)
        figures["comparison_deltas"] = charts.comparison_deltas(comparison)
        if monte_carlo is not None:
            figures["monte_carlo"] = compare_charts.difference_distribution(comparison, monte_carlo)
    products = sorted({a.recipe.route.product for a in comparison.assessments})
    if len(routes) == 1:
        title = f"greenroute report: {routes[0]['name']}"
    else:
        title = f"greenroute comparison: {len(routes)} routes to {', '.join(products)}"
    summary = _summary_rows(comparison)
    downloads = {
        "summary": csv_download(
            "summary.csv",
            ["metric", "key", "unit", *comparison.labels,
             *(f"Δ {label}" for label in comparison.labels if label != comparison.baseline)],
            [[row["label"], row["metric"], labels.unit_label(row["unit"]),
              *(c["value"] for c in row["cells"]),
              *(c["delta"] for c in row["cells"] if c["route"] != comparison.baseline)]
             for row in summary],
        ),
        "sources": csv_download(
            "sources.csv", ["#", "source", "licence", "library", "factors used"],
            [[s["ref"], s["source"], s["licence"], s["library"], "; ".join(s["factors"])]
             for s in sources],
        ),
    }  # fmt: skip
    return {
        "title": title,
        "version": __version__,
        "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "baseline": comparison.baseline,
        "labels": list(comparison.labels),
        "products": products,
        "routes": routes,
        "summary": summary,
        "answer": headline(comparison, monte_carlo),
        "monte_carlo": None
        if monte_carlo is None
        else {"n": monte_carlo.n, "seed": monte_carlo.seed, "threshold": monte_carlo.threshold},
        "warnings": list(comparison.warnings),
        "robustness": [row["statement"] for row in comparison.robustness()],
        "gwp_basis": comparison.gwp_basis,
        "sources": sources,
        "downloads": downloads,
        "figures": {
            name: _figure_html(fig, f"comparison-{name.replace('_', '-')}")
            for name, fig in figures.items()
        },
        "plotly_js": Markup(get_plotlyjs()),
    }


def _environment(folder: Path):
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        # always on, whatever the file name: recipe and library texts are not trusted markup
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from lca.reporting.headline import percent, signed_percent

    env.filters.update(
        share=lambda value: labels.MISSING if value is None else percent(value),
        signed_share=lambda value: labels.MISSING if value is None else signed_percent(value),
        val=labels.format_value,
        num=labels.format_number,
        signed=labels.format_signed,
        pct=labels.format_percent,
        unit=labels.unit_label,
    )
    return env


def _template_line(exc: BaseException, path: Path) -> int | None:
    """The line of the template that raised ``exc``, if the traceback passes through it.

    Syntax errors carry their line; runtime errors (an undefined variable) do not, but jinja2
    rewrites their traceback so that a frame points into the template file.
    """
    line = None
    target = path.resolve()
    traceback = exc.__traceback__
    while traceback is not None:
        if Path(traceback.tb_frame.f_code.co_filename).resolve() == target:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def render_html(
    comparison: Comparison,
    template: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    monte_carlo: MonteCarloComparison | None = None,
) -> str:
    """The report as a string (see :func:`write_html`).

    Raises
    ------
    lca.errors.OutputError
        If the template cannot be found or fails to render (the message gives its line).
    """
    import jinja2

    from lca.resources import data_dir

    path = Path(template) if template is not None else data_dir("reports") / TEMPLATE_NAME
    if not path.is_file():
        raise OutputError(
            f"HTML template {path} not found; give an existing file (copy the bundled "
            f"{TEMPLATE_NAME} from `{data_dir('reports')}` to restyle it)"
        )
    progress = progress or _quiet
    context = report_context(comparison, progress, monte_carlo)
    progress("rendering the template…")
    try:
        return _environment(path.parent).get_template(path.name).render(context)
    # Anything raised while rendering comes from the template (a filter applied to text, an
    # attribute of None, a syntax error): say which file and line, as for any input error.
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
        line = getattr(exc, "lineno", None) or _template_line(exc, path)
        where = f"{path}, line {line}" if line else str(path)
        raise OutputError(
            f"{where}: the HTML template failed: {exc}; the variables a template may use are "
            "listed in reports/README.md"
        ) from exc


def write_html(
    comparison: Comparison | Assessment,
    path: str | Path,
    force: bool = False,
    template: str | Path | None = None,
    progress: Callable[[str], None] | None = None,
    monte_carlo: MonteCarloComparison | None = None,
) -> Path:
    """Write the self-contained HTML report of a comparison (or of one route).

    Parameters
    ----------
    comparison : Comparison or Assessment
        The routes; one assessment is reported as a comparison of one.
    path : str or Path
        The file to write. Its folder must exist.
    force : bool
        Overwrite an existing file.
    template : str or Path, optional
        A Jinja2 template (a copy of ``reports/report.html.j2``); default: the bundled one.
    progress : callable, optional
        Called with a short message before each long part of the work.
    monte_carlo : MonteCarloComparison, optional
        A Monte Carlo run of the same routes (:func:`lca.montecarlo.compare_monte_carlo`): its
        intervals go into the answer, and a plot of the differences' distribution is added.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    lca.errors.OutputError
        If the file exists and ``force`` is false, the folder does not exist, or the template
        is missing or fails. Nothing is written then.
    """
    from lca.assessment import Assessment
    from lca.comparison import Comparison

    check_target(path, force)  # refuse before the figures are built, not after
    if isinstance(comparison, Assessment):
        comparison = Comparison((comparison,), (comparison.name,), comparison.name)
    text = render_html(comparison, template, progress, monte_carlo)
    return write_text(path, text, force)


def _percent(share: float | None) -> float | None:
    return None if share is None else 100.0 * share
