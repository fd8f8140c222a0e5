"""plotly figures of assessments and comparisons: pure functions, each returning a ``Figure``.

Every figure is per kg of final product. Nothing here shows, writes or mutates anything: the
notebook displays the figure, :mod:`lca.reporting.html` embeds it. Colours are fixed per footprint
category, per PMI role group and per Sankey node kind, so the same thing has the same colour in
every figure of a report.

Text that plotly draws (route names, step ids, material ids) is passed through :func:`plain`:
plotly.js reads labels as a small subset of HTML, so a ``<`` in a route name would otherwise be
taken for a tag and dropped from the picture.
"""

from __future__ import annotations

import html
import textwrap
from typing import TYPE_CHECKING

from lca.footprint import CATEGORIES
from lca.metrics import ROLE_GROUPS
from lca.reporting.labels import format_number, metric_label

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from lca.assessment import Assessment
    from lca.comparison import Comparison

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
CATEGORY_COLOURS = {
    "materials": "#0072B2",
    "energy": "#E69F00",
    "waste treatment": "#D55E00",
    "transport": "#CC79A7",
    "credits": "#009E73",
}
# Paul Tol's "muted" scheme, kept apart from the footprint colours: a PMI group is not a category.
ROLE_COLOURS = {
    "reactants": "#332288",
    "solvents": "#AA4499",
    "water": "#88CCEE",
    "workup": "#DDCC77",
}
ROLE_LABELS = {group: metric_label(f"pmi_{group}").text for group in ROLE_GROUPS}
NODE_COLOURS = {
    "step": "#555555",
    "product": "#117733",
    "waste": "#882255",
    "recovered": "#44AA99",
    "coproduct": "#999933",
}
IMPROVEMENT, DETERIORATION = "#009E73", "#D55E00"
TOTAL_COLOUR = "#222222"


def plain(text: str) -> str:
    """Text for plotly labels, shown as written (``<``, ``>`` and ``&`` as entities)."""
    return html.escape(str(text), quote=False)


def _wrap(text: str, width: int = 24) -> str:
    """A long label on several lines (plotly's line break is ``<br>``)."""
    return "<br>".join(textwrap.wrap(plain(text), width)) or plain(text)


def _template() -> go.layout.Template:
    """A small, quiet template: plotly's default one adds ~10 kB of JSON to every figure."""
    import plotly.graph_objects as go

    return go.layout.Template(
        layout={
            "font": {"family": "system-ui, -apple-system, 'Segoe UI', sans-serif", "size": 13},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "margin": {"l": 70, "r": 20, "t": 60, "b": 60},
            "xaxis": {"showgrid": False, "linecolor": "#888", "automargin": True},
            "yaxis": {
                "gridcolor": "#e5e5e5",
                "zerolinecolor": "#444",
                "linecolor": "#888",
                "automargin": True,
            },
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
            "hoverlabel": {"align": "left"},
        }
    )


def _title(title: str, route: str | None = None) -> dict:
    """A figure title, with the route's name as a subtitle (it can be long)."""
    title_dict = {
        "text": plain(title),
        "x": 0,
        "xanchor": "left",
        "yref": "container",
        "y": 0.98,
        "yanchor": "top",
    }
    if route is not None:
        title_dict["subtitle"] = {"text": plain(route)}
    return title_dict


def _bar_layout(
    fig: go.Figure, title: str, y_title: str, labels: list[str], route: str | None = None
) -> go.Figure:
    """Stacked bars with negative parts below zero, and category labels wrapped."""
    fig.update_layout(
        template=_template(),
        title=_title(title, route),
        barmode="relative",
        bargap=0.65 if len(labels) == 1 else 0.3,  # one bar across the whole plot reads badly
        height=480,
        margin={"t": 95},
        # a route's figures sit side by side in the report: a legend on top would wrap into the
        # title at half width, so it goes to the right, one entry a line
        legend=(
            {"orientation": "v", "x": 1.02, "xanchor": "left", "y": 1, "yanchor": "top"}
            if route
            else {}
        ),
        yaxis_title=plain(y_title),
        xaxis={
            "type": "category",
            "tickmode": "array",
            "tickvals": [plain(label) for label in labels],
            "ticktext": [_wrap(label) for label in labels],
        },
    )
    return fig


def _value(value: float | None) -> float | None:
    return None if value is None else float(value)


def _part(name: str, x: list[str], y: list, colour: str, unit: str, prefix: str = "") -> go.Bar:
    """One stacked bar series: a category or role group across routes or steps."""
    import plotly.graph_objects as go

    return go.Bar(
        name=name,
        x=[plain(label) for label in x],
        y=y,
        marker_color=colour,
        hovertemplate=f"{prefix}%{{x}}<br>{name}: %{{y:.3g}} {unit}<extra></extra>",
    )


def _total(name: str, x: list[str], y: list, unit: str) -> go.Scatter:
    """A labelled marker at each bar's total (with credits, the top of a stack is not it)."""
    import plotly.graph_objects as go

    return go.Scatter(
        name=name,
        x=[plain(label) for label in x],
        y=y,
        mode="markers+text",
        marker={"symbol": "diamond", "size": 10, "color": TOTAL_COLOUR},
        texttemplate="%{y:.3g}",
        textposition="top center",
        hovertemplate=f"%{{x}}<br>{name}: %{{y:.3g}} {unit}<extra></extra>",
    )


def footprint_by_category(comparison: Comparison) -> go.Figure:
    """Carbon footprint of each route, stacked by category [kg CO2e / kg product].

    One bar trace per category that contributes to any route (credits negative, below zero) and
    a ``net total`` marker per route, since with credits the top of the stack is not the total.
    A route without a footprint has no bar.
    """
    import plotly.graph_objects as go

    labels = list(comparison.labels)
    by_category = [
        a.footprint.by_category() if a.footprint is not None else None
        for a in comparison.assessments
    ]
    fig = go.Figure()
    for category in CATEGORIES:
        values = [None if split is None else split[category] for split in by_category]
        if all(not v for v in values):
            continue  # an empty category would only clutter the legend
        fig.add_trace(_part(category, labels, values, CATEGORY_COLOURS[category], "kg CO2e/kg"))
    totals = [None if a.footprint is None else a.footprint.total for a in comparison.assessments]
    fig.add_trace(_total("net total", labels, totals, "kg CO2e/kg"))
    return _bar_layout(
        fig, "Carbon footprint by category", "kg CO2e per kg of final product", labels
    )


def footprint_by_step(assessment: Assessment) -> go.Figure:
    """Carbon footprint of each step of one route, stacked by category [kg CO2e / kg product].

    Contributions are per kg of *final* product (the step's share of the route total), so the
    bars add up to the route's footprint. Facility overheads are charged to the final step.
    """
    import plotly.graph_objects as go

    steps = list(assessment.inventory.step_ids)
    totals = {(step, category): 0.0 for step in steps for category in CATEGORIES}
    if assessment.footprint is not None:
        for row in assessment.footprint.summary():
            totals[(row["step"], row["category"])] += row["kg_co2e"]
    fig = go.Figure()
    for category in CATEGORIES:
        values = [totals[(step, category)] for step in steps]
        if not any(values):
            continue
        fig.add_trace(
            _part(category, steps, values, CATEGORY_COLOURS[category], "kg CO2e/kg", "step ")
        )
    return _bar_layout(
        fig, "Carbon footprint by step", "kg CO2e per kg of final product", steps, assessment.name
    )


def pmi_breakdown(comparison: Comparison) -> go.Figure:
    """Route PMI of each route, stacked by role group [kg / kg product].

    Groups as :func:`lca.metrics.pmi_by_role`: reactants (with reagents and catalysts),
    solvents, water, work-up materials; they add up to the PMI. Recovered solvent is not netted
    out (conventional PMI).
    """
    import plotly.graph_objects as go

    labels = list(comparison.labels)
    fig = go.Figure()
    for group in ROLE_GROUPS:
        values = [_value(comparison.value(label, f"pmi_{group}")) for label in labels]
        if all(not v for v in values):
            continue
        fig.add_trace(_part(ROLE_LABELS[group], labels, values, ROLE_COLOURS[group], "kg/kg"))
    pmi = [_value(comparison.value(label, "pmi")) for label in labels]
    fig.add_trace(_total("PMI", labels, pmi, "kg/kg"))
    return _bar_layout(fig, "Process mass intensity by role", "kg per kg of final product", labels)


def _raw_by_step_and_group(assessment: Assessment) -> dict[tuple[str, str], float]:
    """kg of raw material per kg of final product, by (step, role group)."""
    group_of = {role: group for group, roles in ROLE_GROUPS.items() for role in roles}
    totals: dict[tuple[str, str], float] = {}
    for (step, role), amount in assessment.inventory.raw_totals("step", "role").items():
        if role in group_of:
            key = (step, group_of[role])
            totals[key] = totals.get(key, 0.0) + amount
    return totals


def pmi_by_step(assessment: Assessment) -> go.Figure:
    """Raw materials charged in each step per kg of final product, stacked by role group.

    These are the steps' contributions to the cumulative PMI and add up to it (step PMIs, per kg
    of each step's own product, do not add up; the step PMI is in the hover text).
    """
    import plotly.graph_objects as go

    steps = list(assessment.inventory.step_ids)
    totals = _raw_by_step_and_group(assessment)
    step_pmi = [_value(assessment.value("step_pmi", step)) for step in steps]
    fig = go.Figure()
    for group in ROLE_GROUPS:
        values = [totals.get((step, group), 0.0) for step in steps]
        if not any(values):
            continue
        fig.add_trace(
            go.Bar(
                name=ROLE_LABELS[group],
                x=[plain(step) for step in steps],
                y=values,
                customdata=step_pmi,
                marker_color=ROLE_COLOURS[group],
                hovertemplate=(
                    f"step %{{x}}<br>{ROLE_LABELS[group]}: %{{y:.3g}} kg/kg"
                    "<br>step PMI: %{customdata:.3g} kg/kg of the step's product<extra></extra>"
                ),
            )
        )
    return _bar_layout(fig, "PMI by step", "kg per kg of final product", steps, assessment.name)


def comparison_deltas(comparison: Comparison) -> go.Figure:
    """PMI and carbon footprint of each route minus the baseline's, side by side.

    Negative (an improvement) is green, positive red; the text gives the change in per cent of
    the baseline. The baseline itself has no bar. Footprint deltas leave out flows without a
    factor, which may differ between routes (see the coverage).
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    others = [label for label in comparison.labels if label != comparison.baseline]
    panels = (
        ("pmi", "PMI − baseline", "kg/kg"),
        ("carbon_footprint", "Carbon footprint − baseline", "kg CO2e/kg"),
    )
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[f"{title} [{unit}]" for _, title, unit in panels],
        horizontal_spacing=0.14,
    )
    for column, (metric, title, unit) in enumerate(panels, start=1):
        deltas = [_value(comparison.delta(label, metric)) for label in others]
        base = comparison.value(comparison.baseline, metric)
        percent = [None if d is None or not base else 100.0 * d / base for d in deltas]
        fig.add_trace(
            go.Bar(
                name=title,
                x=[plain(label) for label in others],
                y=deltas,
                customdata=percent,
                marker_color=[IMPROVEMENT if (d or 0.0) <= 0 else DETERIORATION for d in deltas],
                texttemplate="%{y:+.3g} (%{customdata:+.0f} %)",
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{x}}<br>{title}: %{{y:+.3g}} {unit}"
                "<br>%{customdata:+.1f} % of the baseline<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=column,
        )
        fig.update_xaxes(
            type="category",
            tickmode="array",
            tickvals=[plain(label) for label in others],
            ticktext=[_wrap(label, 20) for label in others],
            row=1,
            col=column,
        )
    fig.update_layout(
        template=_template(),
        title=_title("Difference from the baseline", f"baseline: {comparison.baseline}"),
        height=460,
        margin={"t": 90},
    )
    return fig


SEQUENTIAL = "Viridis"  # perceptually uniform, readable in grey and with colour-vision deficiencies


def metric_unit(metric: str) -> str:
    """The unit of a Monte Carlo, sensitivity or sweep output (:data:`lca.montecarlo.OUTPUTS`)."""
    return "kg/kg" if metric == "pmi" else "kg CO2e/kg"


def _axis(path: str, units: dict) -> str:
    """A parameter's axis title: its words and its unit (``amination: yield``)."""
    from lca.reporting.labels import parameter_label, unit_label

    unit = unit_label(str(units.get(path) or ""))
    return plain(parameter_label(path) + (f" [{unit}]" if unit else ""))


def sweep_figure(frame, metric: str = "carbon_footprint") -> go.Figure:
    """A sweep's result: a line for one varied parameter, a heat map for a grid of two, else
    the first parameter against the metric, coloured by the second (a sequential palette).

    ``frame`` is the DataFrame of :func:`lca.montecarlo.sweep` (parameters first, then outputs;
    ``frame.attrs["units"]`` their units). Axes are titled in words, not parameter paths.
    """
    import plotly.graph_objects as go

    from lca.montecarlo import OUTPUTS

    parameters = [c for c in frame.columns if c not in OUTPUTS]
    units = frame.attrs.get("units", {})
    label = f"{metric_label(metric).text} [{metric_unit(metric)}]"
    fig = go.Figure()
    first = parameters[0]
    grid = len(parameters) == 2 and len(frame) == (
        frame[first].nunique() * frame[parameters[1]].nunique()
    )
    if len(parameters) == 1:
        ordered = frame.sort_values(first)
        fig.add_trace(
            go.Scatter(
                x=ordered[first], y=ordered[metric], mode="lines+markers", name=plain(label),
                line={"color": CATEGORY_COLOURS["materials"]},
            )
        )  # fmt: skip
    elif grid:
        table = frame.pivot_table(index=parameters[1], columns=first, values=metric)
        fig.add_trace(
            go.Heatmap(
                x=table.columns,
                y=table.index,
                z=table.values,
                colorscale=SEQUENTIAL,
                colorbar={"title": {"text": plain(label), "side": "right"}},
            )
        )
        fig.update_layout(yaxis_title=_axis(parameters[1], units))
    else:
        fig.add_trace(
            go.Scatter(
                x=frame[first],
                y=frame[metric],
                mode="markers",
                marker={
                    "color": frame[parameters[1]],
                    "colorscale": SEQUENTIAL,
                    "showscale": True,
                    "colorbar": {"title": {"text": _axis(parameters[1], units), "side": "right"}},
                },
                name=plain(label),
            )
        )
    fig.update_layout(
        template=_template(), title=_title(f"Sweep: {label}"), xaxis_title=_axis(first, units)
    )
    if len(parameters) == 1 or not grid:
        fig.update_layout(yaxis_title=plain(label))
    return fig


def tornado_figure(rows: list[dict], metric: str, base: float | None, count: int = 15):
    """Tornado plot of :func:`lca.montecarlo.sensitivity`'s rows: for the ``count`` inputs with
    the largest swing, a bar from the output at the input's 5th percentile to its 95th (the
    others at their base values), largest on top; ``base`` (the deterministic value) as a line.
    """
    import plotly.graph_objects as go

    from lca.reporting.labels import parameter_label

    unit = metric_unit(metric)
    top = sorted(rows, key=lambda r: -r["swing"])[:count]
    names = [plain(parameter_label(r["parameter"])) for r in top]
    fig = go.Figure()
    for key, name, colour in (("low", "input at its 5th percentile", IMPROVEMENT),
                              ("high", "input at its 95th percentile", DETERIORATION)):  # fmt: skip
        start = [min(r["low"], r["high"]) for r in top]
        fig.add_trace(
            go.Bar(
                y=names,
                x=[abs(r[key] - s) for r, s in zip(top, start, strict=True)],
                base=start,
                orientation="h",
                name=name,
                marker_color=colour,
                opacity=0.85,
                customdata=[[r["low"], r["high"], r["first_order"], r["total"]] for r in top],
                hovertemplate="%{y}<br>5th → 95th percentile: %{customdata[0]:.4g} → "
                f"%{{customdata[1]:.4g}} {unit}<br>S1 %{{customdata[2]:.2f}}, ST "
                "%{customdata[3]:.2f}<extra></extra>",
                showlegend=True,
            )
        )
    if base is not None:
        fig.add_vline(
            x=base,
            line_color=TOTAL_COLOUR,
            line_dash="dash",
            annotation_text=f"base {format_number(base)}",
            annotation_position="top",
        )
    fig.update_layout(
        template=_template(),
        title=_title(
            f"Tornado: {metric_label(metric).text} [{unit}]",
            "each input from its 5th to its 95th percentile, the others at their base values",
        ),
        barmode="overlay",
        height=160 + 32 * len(top),
        margin={"t": 110, "l": 10},
        xaxis_title=plain(f"{metric_label(metric).text} [{unit}]"),
        yaxis={"autorange": "reversed", "automargin": True},
    )
    return fig


def __getattr__(name: str):
    # the Sankey diagrams live in lca.reporting.sankey; older code imports them from here
    if name in ("sankey", "sankey_links", "co2e_sankey", "co2e_sankey_links"):
        from lca.reporting import sankey

        return getattr(sankey, name)
    raise AttributeError(name)
