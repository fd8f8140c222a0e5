"""plotly figures that answer a comparison: routes indexed to the baseline, the largest
contributions with the rest, Pareto charts of materials, and the Monte Carlo difference.

Pure functions, each returning a ``Figure``, with the colours of :mod:`lca.reporting.charts`.
Figures of every route are per kg of final product; nothing is computed that the assessments
(or the Monte Carlo run) do not hold: the figures sum, sort and divide their numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lca.reporting.charts import (
    CATEGORY_COLOURS,
    TOTAL_COLOUR,
    _template,
    _title,
    _wrap,
    plain,
)
from lca.reporting.headline import HEADLINE_METRICS
from lca.reporting.sankey import material_name

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from lca.assessment import Assessment
    from lca.comparison import Comparison
    from lca.montecarlo import MonteCarloComparison

# one colour per route, in order (Okabe-Ito, after the category colours' first choices)
ROUTE_COLOURS = ("#555555", "#56B4E9", "#009E73", "#E69F00", "#CC79A7", "#0072B2", "#D55E00",
                 "#F0E442")  # fmt: skip
TOP_CONTRIBUTIONS = 8
REST = "rest"


def route_colour(position: int) -> str:
    return ROUTE_COLOURS[position % len(ROUTE_COLOURS)]


def indexed(comparison: Comparison, monte_carlo: MonteCarloComparison | None = None) -> go.Figure:
    """PMI and carbon footprint of each route as an index, the baseline = 100.

    With a Monte Carlo run, each bar carries the 5-95 % interval of the paired ratio
    (100 × (1 + relative difference), :meth:`MonteCarloComparison.deltas`).
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    names = [name for _, name, _ in HEADLINE_METRICS]
    for position, label in enumerate(comparison.labels):
        values, low, high = [], [], []
        for metric, _, _ in HEADLINE_METRICS:
            value = comparison.value(label, metric)
            base = comparison.value(comparison.baseline, metric)
            index = None if value is None or not base else 100.0 * value / base
            values.append(index)
            interval = None
            if monte_carlo is not None and label != comparison.baseline:
                interval = next(
                    (r for r in monte_carlo.deltas(metric)
                     if r["route"] == label and r["versus"] == comparison.baseline), None,
                )  # fmt: skip
            if interval is None or index is None:
                low.append(0.0)
                high.append(0.0)
            else:
                low.append(index - 100.0 * (1 + interval["relative_p5"]))
                high.append(100.0 * (1 + interval["relative_p95"]) - index)
        fig.add_trace(
            go.Bar(
                name=plain(label) + (" (baseline)" if label == comparison.baseline else ""),
                x=names,
                y=values,
                marker_color=route_colour(position),
                texttemplate="%{y:.0f}",
                textposition="outside",
                cliponaxis=False,
                error_y=None
                if monte_carlo is None or label == comparison.baseline
                else {
                    "type": "data",
                    "symmetric": False,
                    "array": high,
                    "arrayminus": low,
                    "color": "#222",
                    "thickness": 1.2,
                },
                hovertemplate=f"{plain(label)}<br>%{{x}}: %{{y:.1f}} (baseline = 100)"
                "<extra></extra>",
            )
        )
    fig.add_hline(y=100, line_dash="dash", line_color="#444", line_width=1)
    fig.update_layout(
        template=_template(),
        title=_title("Routes indexed to the baseline (= 100)"),
        barmode="group",
        height=380,
        margin={"t": 50, "b": 20},
        yaxis_title="index, baseline = 100",
        yaxis_rangemode="tozero",
        legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
    )
    return fig


def contributions(assessment: Assessment) -> dict[str, float]:
    """A route's footprint by ``category: flow`` (steps added up) [kg CO2e / kg product]."""
    return assessment.footprint.by_category_flow() if assessment.footprint is not None else {}


def top_contributions(comparison: Comparison, count: int = TOP_CONTRIBUTIONS) -> go.Figure:
    """The ``count`` largest footprint contributions (by absolute size in any route) of every
    route, and one ``rest`` bar per route with everything else, so each route's bars add up to
    its total [kg CO2e / kg product]."""
    import plotly.graph_objects as go

    each = [contributions(a) for a in comparison.assessments]
    keys = dict.fromkeys(k for totals in each for k in totals)
    ranked = sorted(keys, key=lambda k: -max(abs(t.get(k, 0.0)) for t in each))[:count]
    rows = [*ranked, REST]
    fig = go.Figure()
    for position, (label, totals, a) in enumerate(
        zip(comparison.labels, each, comparison.assessments, strict=True)
    ):
        if a.footprint is None:
            continue
        values = [totals.get(k, 0.0) for k in ranked]
        values.append(a.footprint.total - sum(values))
        fig.add_trace(
            go.Bar(
                name=plain(label),
                y=[_wrap(k, 44) for k in rows],
                x=values,
                orientation="h",
                marker_color=route_colour(position),
                texttemplate="%{x:.3g}",
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"{plain(label)}<br>%{{y}}: %{{x:.3g}} kg CO2e/kg<extra></extra>",
            )
        )
    fig.update_layout(
        template=_template(),
        title=_title(f"Largest {len(ranked)} contributions and the rest"),
        barmode="group",
        height=150 + 34 * len(rows) * max(1, len(comparison.labels)) // 2,
        margin={"t": 60, "l": 10},
        xaxis_title="kg CO2e per kg of final product",
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "x": 0, "y": -0.12, "yanchor": "top"},
    )
    return fig


def _by_material(assessment: Assessment) -> tuple[dict[str, float], dict[str, float]]:
    """(kg per kg product, kg CO2e per kg product) of each raw material, by its name: the
    PMI's lines, and the material's production footprint (the ``materials`` category)."""
    mass: dict[str, float] = {}
    for (material,), kg in assessment.inventory.raw_totals("material").items():
        name = material_name(assessment, material)
        mass[name] = mass.get(name, 0.0) + kg
    co2e: dict[str, float] = {}
    footprint = assessment.footprint
    if footprint is not None:
        for term, value in zip(footprint.model.terms, footprint.contributions, strict=True):
            if term.category == "materials" and term.array == "flow":
                name = material_name(assessment, assessment.inventory.flows[term.index].material)
                co2e[name] = co2e.get(name, 0.0) + float(value)
    return mass, co2e


def pareto(assessment: Assessment, count: int = 10) -> go.Figure:
    """Pareto charts of a route's raw materials: by mass (PMI) and by production footprint,
    largest first with the cumulative share of the total as a line; materials past ``count``
    are one ``rest`` bar."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    mass, co2e = _by_material(assessment)
    panels = (
        (mass, "By mass (PMI)", "kg/kg", "#332288"),
        (co2e, "By production footprint", "kg CO2e/kg", CATEGORY_COLOURS["materials"]),
    )
    fig = make_subplots(
        rows=1, cols=2, specs=[[{"secondary_y": True}, {"secondary_y": True}]],
        subplot_titles=[f"{title} [{unit}]" for _, title, unit, _ in panels],
        horizontal_spacing=0.12,
    )  # fmt: skip
    for column, (values, title, unit, colour) in enumerate(panels, start=1):
        ordered = sorted(values.items(), key=lambda item: -item[1])
        shown = ordered[:count]
        rest = sum(v for _, v in ordered[count:])
        names = [name for name, _ in shown] + ([REST] if len(ordered) > count else [])
        amounts = [v for _, v in shown] + ([rest] if len(ordered) > count else [])
        total = sum(values.values())
        cumulative = list(100.0 * np.cumsum(amounts) / total) if total else []
        fig.add_trace(
            go.Bar(
                x=[_wrap(n, 14) for n in names], y=amounts, marker_color=colour, name=title,
                showlegend=False, texttemplate="%{y:.3g}", textposition="outside",
                cliponaxis=False, hovertemplate=f"%{{x}}: %{{y:.3g}} {unit}<extra></extra>",
            ),
            row=1, col=column, secondary_y=False,
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=[_wrap(n, 14) for n in names], y=cumulative, mode="lines+markers",
                marker_color=TOTAL_COLOUR, name="cumulative share", showlegend=False,
                hovertemplate="%{x}: cumulative %{y:.0f} %<extra></extra>",
            ),
            row=1, col=column, secondary_y=True,
        )  # fmt: skip
        fig.update_yaxes(title_text=unit, row=1, col=column, secondary_y=False)
        fig.update_yaxes(
            range=[0, 105],
            tickvals=[0, 20, 40, 60, 80, 100],
            ticksuffix=" %",
            showgrid=False,
            title_text="cumulative share" if column == 2 else None,
            row=1,
            col=column,
            secondary_y=True,
        )
        fig.update_xaxes(tickangle=-45, row=1, col=column)
    fig.update_layout(
        template=_template(),
        title=_title(
            "Pareto of raw materials: bars largest first, the line their cumulative share",
            assessment.name,
        ),
        height=460,
        margin={"t": 100},
    )
    return fig


def difference_distribution(
    comparison: Comparison, monte_carlo: MonteCarloComparison, bins: int = 40
) -> go.Figure:
    """Histogram of the paired Monte Carlo difference, route − baseline, draw by draw, for PMI
    and the carbon footprint, with the median and the 5-95 % interval marked. Bars left of zero
    (green side) are draws in which the route is lower than the baseline."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    base = monte_carlo.labels.index(comparison.baseline)
    others = [i for i, label in enumerate(monte_carlo.labels) if i != base]
    fig = make_subplots(
        rows=1, cols=len(HEADLINE_METRICS),
        subplot_titles=[f"{name} − baseline [{unit}]" for _, name, unit in HEADLINE_METRICS],
        horizontal_spacing=0.1,
    )  # fmt: skip
    for column, (metric, _, unit) in enumerate(HEADLINE_METRICS, start=1):
        differences = {
            i: monte_carlo.draws[i][metric] - monte_carlo.draws[base][metric] for i in others
        }
        # the same bins for every route, so their bars compare
        edges = np.histogram_bin_edges(np.concatenate(list(differences.values())), bins=bins)
        for i, difference in differences.items():
            label = monte_carlo.labels[i]
            counts, _ = np.histogram(difference, bins=edges)
            centres = (edges[:-1] + edges[1:]) / 2
            position = comparison.labels.index(label) if label in comparison.labels else i
            fig.add_trace(
                go.Bar(
                    x=centres, y=100.0 * counts / len(difference), width=np.diff(edges),
                    name=plain(label), legendgroup=plain(label), showlegend=column == 1,
                    marker_color=route_colour(position), opacity=0.6,
                    hovertemplate=f"{plain(label)}<br>%{{x:.3g}} {unit}: %{{y:.1f}} % of "
                    "draws<extra></extra>",
                ),
                row=1, col=column,
            )  # fmt: skip
            p5, p50, p95 = np.percentile(difference, [5, 50, 95])
            fig.add_trace(
                go.Scatter(
                    x=[p5, p50, p95], y=[0, 0, 0], mode="markers",
                    marker={"symbol": ["line-ns-open", "diamond", "line-ns-open"], "size": 14,
                            "color": route_colour(position), "line": {"width": 2}},
                    legendgroup=plain(label), showlegend=False,
                    hovertemplate=f"{plain(label)}: %{{x:.3g}} {unit}<extra>5 %, median, "
                    "95 %</extra>",
                ),
                row=1, col=column,
            )  # fmt: skip
        fig.add_vline(x=0, line_color="#444", line_width=1, row=1, col=column)
        fig.update_yaxes(title_text="% of draws" if column == 1 else None, row=1, col=column)
    fig.update_layout(
        template=_template(),
        title=_title(
            "Monte Carlo: difference from the baseline, draw by draw",
            f"{monte_carlo.n:,} paired draws per route, seed {monte_carlo.seed}; left of zero: "
            "lower than the baseline",
        ),
        barmode="overlay",
        height=400,
        margin={"t": 100, "b": 90},
        legend={"orientation": "h", "x": 0, "y": -0.18, "yanchor": "top"},
    )
    return fig
