"""``compare([recipes])`` → :class:`Comparison`: routes to one product side by side.

Every route is assessed with the same factors (:func:`lca.assessment.assess`); figures are
compared with a baseline route, with the drivers of each difference and whether the footprint
ranking could flip with what the data leave open.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lca.assessment import Assessment, assess
from lca.factors import FactorSet, as_factor_set
from lca.footprint import ROOT_CLASS, Footprint
from lca.footprint.result import UNCOVERED
from lca.recipe import Recipe

HEADLINE = (
    "pmi", "pmi_reactants", "pmi_solvents", "pmi_water", "pmi_workup", "pmi_net_of_recovery",
    "complete_e_factor", "simple_e_factor", "solvent_intensity", "water_intensity",
    "carbon_footprint", "footprint:materials", "footprint:energy", "footprint:waste_treatment",
    "footprint:transport", "footprint:credits", "coverage_mass", "coverage_energy",
)  # fmt: skip


@dataclass(frozen=True)
class Comparison:
    """Several routes to the same product, side by side, with deltas against a baseline."""

    assessments: tuple[Assessment, ...]
    labels: tuple[str, ...]
    baseline: str

    def __repr__(self) -> str:
        # short: each assessment's own repr would print its whole inventory
        return f"Comparison({list(self.labels)!r}, baseline={self.baseline!r})"

    def __getitem__(self, label: str) -> Assessment:
        return self.assessments[self.labels.index(label)]

    @property
    def gwp_basis(self) -> str:
        """The GWP basis every footprint of the comparison is on."""
        sets = {a.footprint.gwp_set for a in self.assessments if a.footprint is not None}
        return ", ".join(f"IPCC {s} GWP100" for s in sorted(sets)) or "no footprint"

    @property
    def warnings(self) -> list[str]:
        """What makes the comparison weaker: different products, lower bounds, proxies."""
        notes = []
        products = {a.recipe.route.product for a in self.assessments}
        if len(products) > 1:
            notes.append(
                f"the routes make different products ({', '.join(sorted(products))}); "
                "per-kg figures of different products are not comparable"
            )
        notes += [row["statement"] for row in self.robustness() if row["could_flip"]]
        return notes

    def robustness(self) -> list[dict]:
        """Could the footprint ranking of each route and the baseline flip with what the data
        leave open (uncovered materials, and materials covered only by a class proxy)?

        For the lower route L and the higher route H of each pair: L stays lower unless its
        uncertain materials (m_L kg per kg of product) average more than
        ``x_L = (F_H − F'_L) / m_L`` kg CO2e/kg, where F'_L is L's total with those materials at
        zero; or unless H's average less than ``x_H = (F_L − F'_H) / m_H``. The ranking *could
        flip* when x_L lies below the high end, or x_H above the low end, of the 95 % interval
        of all chemicals' factors (the library's broadest class proxy). Equal coverage is no
        safeguard: the two routes' uncertain materials differ.
        """
        rows = []
        base = self[self.baseline]
        for label, assessment in zip(self.labels, self.assessments, strict=True):
            if label == self.baseline or assessment.footprint is None or base.footprint is None:
                continue
            pair = sorted(
                [(label, assessment.footprint), (self.baseline, base.footprint)],
                key=lambda item: item[1].total,
            )
            (low_label, low), (high_label, high) = pair
            uncertain = (UNCOVERED, "proxy")
            m_low, m_high = low.uncertain_mass(uncertain), high.uncertain_mass(uncertain)
            x_low = (high.total - low.total_without(("proxy",))) / m_low if m_low else None
            x_high = (low.total - high.total_without(("proxy",))) / m_high if m_high else None
            root = _root_interval(low)
            could_flip = bool(
                root
                and ((x_low is not None and x_low <= root[1]) or (
                    x_high is not None and x_high >= root[0]))
            )  # fmt: skip
            parts = []
            if x_low is not None:
                parts.append(
                    f"its {m_low:.3g} kg/kg of uncovered or proxy-covered materials average "
                    f"more than {x_low:.3g} kg CO2e/kg"
                )
            if x_high is not None and x_high > 0:
                parts.append(
                    f"those of {high_label} ({m_high:.3g} kg/kg) average less than "
                    f"{x_high:.3g} kg CO2e/kg"
                )
            bounds = [name for name, fp in pair if fp.is_lower_bound]
            statement = (
                f"{low_label} is lower than {high_label} by {high.total - low.total:.3g} kg "
                f"CO2e/kg ({(high.total - low.total) / high.total:.1%})"
                if high.total
                else f"{low_label} and {high_label} are equal"
            )
            statement += (
                f"; it stays lower unless {' or '.join(parts)}" if parts else
                "; no uncovered or proxy-covered material can change that"
            )  # fmt: skip
            if root:
                statement += (
                    f" (95 % of the library's chemicals lie between {root[0]:.3g} and "
                    f"{root[1]:.3g} kg CO2e/kg: the ranking "
                    + ("COULD FLIP" if could_flip else "is robust to these gaps")
                    + ")"
                )
            if bounds:
                statement += f"; lower bound(s): {', '.join(bounds)} (flows without a factor)"
            rows.append(
                {
                    "route": label,
                    "baseline": self.baseline,
                    "lower": low_label,
                    "higher": high_label,
                    "difference": high.total - low.total,
                    "uncertain_mass": {low_label: m_low, high_label: m_high},
                    "break_even": {low_label: x_low, high_label: x_high},
                    "could_flip": could_flip,
                    "lower_bound": {name: fp.is_lower_bound for name, fp in pair},
                    "statement": statement,
                }
            )
        return rows

    def route_metrics(self) -> list[tuple[str, str]]:
        """(metric, unit) of every route-level figure, headline figures first."""
        seen: dict[str, str] = {}
        for assessment in self.assessments:
            for row in assessment.metrics:
                if row.scope == "route":
                    seen.setdefault(row.metric, row.unit)
        from lca.reporting.labels import grouped

        ordered = [m for m in HEADLINE if m in seen]
        ordered += sorted(m for m in seen if m not in HEADLINE)
        # a part (PMI from cleaning, coverage by tier) under the figure it is a part of
        return [(m, seen[m]) for m in grouped(ordered)]

    def value(self, label: str, metric: str) -> float | None:
        """A route's figure; ``None`` if it could not be computed.

        Figures that exist only where they apply are known zeros elsewhere: no cleaning lines
        means 0 kg/kg from cleaning, no recovery means 0 recovered and a net PMI equal to the PMI,
        no electricity 0 kWh/kg, no mass on a factor tier a 0 % share of it.
        """
        try:
            return self[label].value(metric)
        except KeyError:
            zero = ("pmi_from:", "energy_from:", "energy:", "coverage_mass:", "footprint_share:")
            if metric.startswith(zero) or metric == "recovered_mass":
                # a share of a footprint the route has; none without one
                share = metric.startswith(("coverage_mass:", "footprint_share:"))
                return None if share and self[label].footprint is None else 0.0
            if metric == "pmi_net_of_recovery":
                return self.value(label, "pmi")
            return None

    def delta(self, label: str, metric: str) -> float | None:
        """Value minus the baseline's, ``None`` where either is missing."""
        value, base = self.value(label, metric), self.value(self.baseline, metric)
        return None if value is None or base is None else value - base

    def _repr_html_(self) -> str:
        """The route metrics side by side (Jupyter), with the reports' labels and units."""
        import pandas as pd

        from lca.reporting.labels import format_number, metric_label, unit_label

        rows = {
            (metric_label(metric).indented("\u2003"), unit_label(unit)): {
                label: self.value(label, metric) for label in self.labels
            }
            for metric, unit in self.route_metrics()
        }
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index = pd.MultiIndex.from_tuples(frame.index, names=["metric", "unit"])
        from lca.reporting.headline import headline

        answer = "".join(
            f"<p><b>{html.escape(f.sentence)}</b></p>" for f in headline(self).findings
        )
        notes = "".join(f"<p>warning: {html.escape(w)}</p>" for w in self.warnings)
        baseline = f"<p>Baseline: <b>{html.escape(self.baseline)}</b></p>"
        return answer + baseline + notes + frame.to_html(float_format=format_number, na_rep="n/a")

    def plot_footprint(self):
        """plotly figure: footprint by category, one stacked bar per route."""
        from lca.reporting import charts

        return charts.footprint_by_category(self)

    def plot_pmi(self):
        """plotly figure: PMI by role, one stacked bar per route."""
        from lca.reporting import charts

        return charts.pmi_breakdown(self)

    def plot_deltas(self):
        """plotly figure: differences from the baseline."""
        from lca.reporting import charts

        return charts.comparison_deltas(self)

    def plot_indexed(self, monte_carlo=None):
        """plotly figure: PMI and footprint indexed to the baseline (= 100); with a
        :class:`~lca.montecarlo.MonteCarloComparison`, their 5-95 % intervals."""
        from lca.reporting import compare_charts

        return compare_charts.indexed(self, monte_carlo)

    def plot_top_contributions(self, count: int = 8):
        """plotly figure: the largest footprint contributions of every route, and the rest."""
        from lca.reporting import compare_charts

        return compare_charts.top_contributions(self, count)

    def to_frame(self):
        """Long table ``route | scope | metric | value | unit | note | delta``."""
        import pandas as pd

        frames = []
        for label, assessment in zip(self.labels, self.assessments, strict=True):
            frame = assessment.to_frame()
            frame["route"] = label
            frame["delta"] = [
                self.delta(label, metric) if scope == "route" else None
                for scope, metric in zip(frame["scope"], frame["metric"], strict=True)
            ]
            frames.append(frame)
        notes = [
            {
                "route": row["route"],
                "scope": "route",
                "metric": "footprint_ranking_could_flip",
                "value": float(row["could_flip"]),
                "unit": "flag",
                "note": row["statement"],
                "delta": None,
            }
            for row in self.robustness()
        ]
        if notes:
            frames.append(pd.DataFrame(notes))
        return pd.concat(frames, ignore_index=True)

    def drivers(self, label: str, count: int = 5) -> list[dict]:
        """The largest differences from the baseline in mass and footprint, by flow."""
        if label == self.baseline:
            return []
        rows: list[dict[str, Any]] = []
        for kind, unit, getter in (
            ("mass", "kg/kg", _mass_by_flow),
            ("footprint", "kg CO2e/kg", _footprint_by_flow),
        ):
            mine, base = getter(self[label]), getter(self[self.baseline])
            for key in dict.fromkeys([*mine, *base]):
                difference = mine.get(key, 0.0) - base.get(key, 0.0)
                if abs(difference) > 1e-12:
                    rows.append(
                        {
                            "kind": kind,
                            "flow": key,
                            "route": mine.get(key, 0.0),
                            "baseline": base.get(key, 0.0),
                            "delta": difference,
                            "unit": unit,
                        }
                    )
        by_kind: dict[str, list[dict[str, Any]]] = {}
        for kind in ("mass", "footprint"):
            ranked = sorted((r for r in rows if r["kind"] == kind), key=lambda r: -abs(r["delta"]))
            by_kind[kind] = ranked[:count]
        return by_kind["mass"] + by_kind["footprint"]


def _root_interval(footprint: Footprint) -> tuple[float, float] | None:
    """The 95 % interval of all chemicals' factors: the broadest class proxy of the footprint's
    factor set, else (a set without one) the bundled library's."""
    from lca.uncertainty import factor_distribution

    factor = footprint.model.root_proxy
    if factor is None:
        from lca.factors import load_factor_set

        factor = load_factor_set(gwp_set=footprint.gwp_set).lookup_class(ROOT_CLASS)
    if factor is None:
        return None
    row = factor.rows[0]
    distribution = factor_distribution(row.uncertainty, row.value, row.where)
    if distribution is None:
        return None
    return distribution.ppf(0.025), distribution.ppf(0.975)


def _mass_by_flow(assessment: Assessment) -> dict[str, float]:
    totals = assessment.inventory.raw_totals("material", "role", "origin")
    return {f"{material} ({role}, {origin})": kg for (material, role, origin), kg in totals.items()}


def _footprint_by_flow(assessment: Assessment) -> dict[str, float]:
    return assessment.footprint.by_category_flow() if assessment.footprint is not None else {}


def _labels(assessments: Sequence[Assessment]) -> tuple[str, ...]:
    """Route names, made unique with the file name, then with the position if need be."""
    labels = [a.name for a in assessments]
    for widen in (
        lambda i: f"{assessments[i].name} ({Path(assessments[i].recipe.origin).stem})",
        lambda i: f"{assessments[i].name} (#{i + 1})",
    ):
        clashes = [i for i, label in enumerate(labels) if labels.count(label) > 1]
        for i in clashes:
            labels[i] = widen(i)
    return tuple(labels)


def compare(
    recipes: Sequence[Recipe | str | Path],
    baseline: str | int | None = None,
    factors: FactorSet | Sequence[str | Path] | None = None,
    strict: bool = False,
    gwp: str | None = None,
    backend: str = "greenroute",
) -> Comparison:
    """Assess several routes with the same factors and compare them to a baseline.

    Parameters
    ----------
    recipes : recipes or paths
        Two or more routes (one is allowed, with no deltas).
    baseline : str or int, optional
        The baseline: a route name, a recipe file name (stem), or a 1-based position.
        Default: the first route.
    factors, strict, gwp, backend
        As :func:`lca.assess`, for every route.

    Raises
    ------
    lca.errors.RecipeError
        If a recipe is invalid, or ``baseline`` names no route.
    """
    from lca.errors import RecipeError

    factors = as_factor_set(factors, gwp)
    assessments = tuple(assess(r, factors=factors, strict=strict, backend=backend) for r in recipes)
    labels = _labels(assessments)
    if baseline is None:
        chosen = labels[0]
    else:
        stems = [Path(a.recipe.origin).stem for a in assessments]
        text = str(baseline)
        if text.isdigit() and 1 <= int(text) <= len(labels):
            chosen = labels[int(text) - 1]
        elif text in labels:
            chosen = text
        elif text in stems:
            chosen = labels[stems.index(text)]
        else:
            raise RecipeError(
                f"--baseline '{baseline}' is not one of the routes: give a route name, a file "
                f"name ({', '.join(stems)}) or a position 1-{len(labels)}"
            )
    return Comparison(assessments, labels, chosen)
