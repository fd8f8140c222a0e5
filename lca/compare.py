"""``assess(recipe)`` → :class:`Assessment`: the mass metrics of one route, in one tidy table.

The canonical form of every result is a long table ``route | scope | metric | value | unit``
(``scope`` is ``route`` or a step id); wide views are pivots of it. A metric that cannot be
computed (a molar mass is unknown, say) is kept with ``value = None`` and the reason, never a zero.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from lca.factors import FactorSet
from lca.footprint import Footprint
from lca.inventory import Inventory, build_inventory
from lca.recipe import Recipe, read_recipe
from lca.results import Metric, footprint_metrics, mass_metrics


@dataclass(frozen=True)
class ModeEffect:
    """What one feature of the operating mode adds, found by assessing the route without it."""

    feature: str
    description: str
    pmi: float | None
    footprint: float | None


# feature → (what it is, how the recipe looks without it)
MODE_FEATURES = {
    "start-up diversion": (
        "output diverted to waste before steady state",
        lambda r: _without_steps(r, startup=None),
    ),
    "failed batches": (
        "batches charged but lost",
        lambda r: _without_steps(r, failure_rate=None),
    ),
    "cleaning and flushes": (
        "cleaning per batch or campaign, start-up and shut-down flushes",
        lambda r: _without_steps(r, cleaning=[]),
    ),
    "facility overheads": (
        "HVAC, cleanroom and idle power of the facility, by run-time share",
        lambda r: _without_facility(r, overheads=[]),
    ),
    "changeover cleaning": (
        "cleaning at campaign changeover",
        lambda r: _without_facility(r, changeover=[]),
    ),
}


def _html_tables(title: str, frame) -> str:
    """Route metrics and a step × metric pivot as HTML, every text escaped."""
    route = frame[frame["scope"] == "route"][["metric", "value", "unit", "note"]]
    steps = frame[frame["scope"] != "route"].pivot_table(
        index="scope", columns="metric", values="value", aggfunc="first", sort=False
    )
    number = lambda v: f"{v:.4g}"  # noqa: E731
    return (
        f"<h4>{html.escape(title)}</h4>"
        + route.to_html(index=False, float_format=number, na_rep="n/a")
        + steps.to_html(float_format=number, na_rep="n/a")
    )


def _without_steps(recipe: Recipe, **changes) -> Recipe | None:
    steps = [step.model_copy(update=changes) for step in recipe.steps]
    if steps == list(recipe.steps):
        return None
    return _relabel(recipe.model_copy(update={"steps": steps}), recipe)


def _without_facility(recipe: Recipe, **changes) -> Recipe | None:
    facility = recipe.facility
    if facility is None or facility.model_copy(update=changes) == facility:
        return None
    return _relabel(
        recipe.model_copy(update={"facility": facility.model_copy(update=changes)}), recipe
    )


def _relabel(copy: Recipe, original: Recipe) -> Recipe:
    copy._origin = original.origin
    return copy


def mode_effects(assessment: Assessment, factors: FactorSet) -> tuple[ModeEffect, ...]:
    """PMI and footprint each mode feature adds: the route minus the route without it.

    Each effect is a what-if on its own; effects interact (a start-up loss also scales the
    cleaning per kg), so they need not add up to the difference between two routes.
    """
    effects = []
    for feature, (description, remove) in MODE_FEATURES.items():
        variant = remove(assessment.recipe)
        if variant is None:
            continue
        other = assess(variant, factors=factors, with_mode_effects=False)
        pmi, other_pmi = assessment.value("pmi"), other.value("pmi")
        cf, other_cf = assessment.value("carbon_footprint"), other.value("carbon_footprint")
        effects.append(
            ModeEffect(
                feature,
                description,
                None if pmi is None or other_pmi is None else pmi - other_pmi,
                None if cf is None or other_cf is None else cf - other_cf,
            )
        )
    return tuple(effects)


@dataclass(frozen=True)
class Assessment:
    """Everything greenroute says about one route."""

    recipe: Recipe
    inventory: Inventory
    metrics: tuple[Metric, ...]
    footprint: Footprint | None = None
    mode_effects: tuple[ModeEffect, ...] = ()

    @property
    def name(self) -> str:
        return self.recipe.route.name

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.inventory.warnings

    def value(self, metric: str, scope: str = "route") -> float | None:
        """The value of one metric (``None`` if it could not be computed)."""
        for row in self.metrics:
            if row.metric == metric and row.scope == scope:
                return row.value
        raise KeyError(f"no metric '{metric}' for scope '{scope}' in route '{self.name}'")

    def _repr_html_(self) -> str:
        """Summary tables for Jupyter: route metrics, then step metrics."""
        return _html_tables(self.name, self.to_frame())

    def plot_footprint_by_step(self):
        """plotly figure: the footprint of each step, by category."""
        from lca.reporting import charts

        return charts.footprint_by_step(self)

    def plot_pmi_by_step(self):
        """plotly figure: each step's contribution to the route PMI."""
        from lca.reporting import charts

        return charts.pmi_by_step(self)

    def plot_sankey(self):
        """plotly figure: mass flows, raw materials → steps → product, waste, recovered."""
        from lca.reporting import charts

        return charts.sankey(self)

    def to_frame(self):
        """Long table: ``route | scope | metric | value | unit | note``."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "route": self.name,
                    "scope": r.scope,
                    "metric": r.metric,
                    "value": r.value,
                    "unit": r.unit,
                    "note": r.note,
                }
                for r in self.metrics
            ],
            columns=["route", "scope", "metric", "value", "unit", "note"],
        )


def assess(
    recipe: Recipe | str | Path,
    factors: FactorSet | Sequence[str | Path] | None = None,
    strict: bool = False,
    with_mode_effects: bool = True,
) -> Assessment:
    """Assess one route: inventory per kg of final product, mass metrics and carbon footprint.

    Parameters
    ----------
    recipe : Recipe or path
        A recipe, or the path of a recipe file.
    factors : FactorSet or paths, optional
        Factor libraries; paths are user libraries laid over the bundled one. Default: bundled.
    strict : bool
        Raise if any flow has no factor, instead of reporting it in the coverage.
    with_mode_effects : bool
        Also assess the route without each operating-mode feature it uses (start-up diversion,
        failed batches, cleaning, facility overheads) to report what each one adds.

    Raises
    ------
    lca.errors.RecipeError
        If the recipe is invalid (every problem listed).
    lca.errors.FactorError
        If a factor library is invalid, or ``strict`` and a flow has no factor.
    """
    from lca.factors import load_factor_set
    from lca.footprint import build_footprint_model, evaluate_footprint, strict_check

    if not isinstance(recipe, Recipe):
        recipe = read_recipe(recipe)
    if not isinstance(factors, FactorSet):
        factors = load_factor_set(tuple(factors or ()))
    inventory = build_inventory(recipe)
    footprint = evaluate_footprint(build_footprint_model(inventory, factors), inventory)
    if strict:
        strict_check(footprint, recipe.origin)
    metrics = mass_metrics(inventory) + footprint_metrics(footprint)
    result = Assessment(recipe=recipe, inventory=inventory, metrics=metrics, footprint=footprint)
    if with_mode_effects:
        result = replace(result, mode_effects=mode_effects(result, factors))
    return result


JSON_FORMAT = "greenroute.assessment"
JSON_VERSION = 1


def assessment_to_dict(assessment: Assessment) -> dict:
    """The stable JSON form of an assessment (documented in ``docs/json-output.md``)."""
    from lca import __version__

    recipe = assessment.recipe
    inventory = assessment.inventory
    by_scope: dict[str, dict[str, dict]] = {}
    for row in assessment.metrics:
        entry = {"value": row.value, "unit": row.unit}
        if row.note:
            entry["note"] = row.note
        by_scope.setdefault(row.scope, {})[row.metric] = entry
    return {
        "format": JSON_FORMAT,
        "format_version": JSON_VERSION,
        "greenroute_version": __version__,
        "route": {
            "name": recipe.route.name,
            "product": recipe.route.product,
            "source": recipe.route.source,
            "region": recipe.route.region,
            "file": recipe.origin,
        },
        "basis": "per kg of final product",
        "metrics": by_scope.get("route", {}),
        "steps": [
            {
                "id": step.id,
                "name": step.name,
                "mode": step.mode,
                "product": step.product.material,
                "metrics": by_scope.get(step.id, {}),
            }
            for step in recipe.steps
        ],
        "inventory": inventory.to_frame().to_dict(orient="records"),
        "footprint": _footprint_dict(assessment.footprint),
        "mode_effects": [
            {
                "feature": e.feature,
                "description": e.description,
                "pmi": e.pmi,
                "carbon_footprint": e.footprint,
            }
            for e in assessment.mode_effects
        ],
        "warnings": list(assessment.warnings),
    }


def _footprint_dict(footprint: Footprint | None) -> dict | None:
    if footprint is None:
        return None
    return {
        "unit": "kg CO2e per kg of final product",
        "total": footprint.total,
        "by_category": footprint.by_category(),
        "by_step": footprint.by_step(),
        "coverage": {
            "mass": footprint.mass_coverage(),
            "energy": footprint.energy_coverage(),
        },
        "gaps": footprint.gaps,
        "provenance": footprint.provenance(),
    }


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

    def __getitem__(self, label: str) -> Assessment:
        return self.assessments[self.labels.index(label)]

    @property
    def warnings(self) -> list[str]:
        """What makes the comparison weaker: different products, different coverage."""
        notes = []
        products = {a.recipe.route.product for a in self.assessments}
        if len(products) > 1:
            notes.append(
                f"the routes make different products ({', '.join(sorted(products))}); "
                "per-kg figures of different products are not comparable"
            )
        coverage = [self.value(label, "coverage_mass") for label in self.labels]
        known = [c for c in coverage if c is not None]
        if known and max(known) - min(known) > 1.0:
            missing = sorted(
                {
                    g["flow"]
                    for a in self.assessments
                    if a.footprint
                    for g in a.footprint.gaps
                    if g["category"] == "materials"
                }
            )
            notes.append(
                f"factor coverage differs between routes ({min(known):.0f} % to "
                f"{max(known):.0f} % of raw-material mass): footprint differences leave out "
                f"flows without a factor ({', '.join(missing)})"
            )
        return notes

    def route_metrics(self) -> list[tuple[str, str]]:
        """(metric, unit) of every route-level figure, headline figures first."""
        seen: dict[str, str] = {}
        for assessment in self.assessments:
            for row in assessment.metrics:
                if row.scope == "route":
                    seen.setdefault(row.metric, row.unit)
        ordered = [m for m in HEADLINE if m in seen]
        ordered += sorted(m for m in seen if m not in HEADLINE)
        return [(m, seen[m]) for m in ordered]

    def value(self, label: str, metric: str) -> float | None:
        """A route's figure; ``None`` if it could not be computed.

        Figures that exist only where they apply are known zeros elsewhere: no cleaning lines
        means 0 kg/kg from cleaning, no recovery means 0 recovered and a net PMI equal to the PMI.
        """
        try:
            return self[label].value(metric)
        except KeyError:
            if metric.startswith(("pmi_from:", "energy_from:")) or metric == "recovered_mass":
                return 0.0
            if metric == "pmi_net_of_recovery":
                return self.value(label, "pmi")
            return None

    def delta(self, label: str, metric: str) -> float | None:
        """Value minus the baseline's, ``None`` where either is missing."""
        value, base = self.value(label, metric), self.value(self.baseline, metric)
        return None if value is None or base is None else value - base

    def _repr_html_(self) -> str:
        """The route metrics side by side (Jupyter)."""
        import pandas as pd

        rows = {
            (metric, unit): {label: self.value(label, metric) for label in self.labels}
            for metric, unit in self.route_metrics()
        }
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index = pd.MultiIndex.from_tuples(frame.index, names=["metric", "unit"])
        notes = "".join(f"<p>warning: {html.escape(w)}</p>" for w in self.warnings)
        return f"<p>Baseline: <b>{html.escape(self.baseline)}</b></p>{notes}" + frame.to_html(
            float_format=lambda v: f"{v:.4g}", na_rep="n/a"
        )

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
        return pd.concat(frames, ignore_index=True)

    def drivers(self, label: str, count: int = 5) -> list[dict]:
        """The largest differences from the baseline in mass and footprint, by flow."""
        if label == self.baseline:
            return []
        rows = []
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
        by_kind = {}
        for kind in ("mass", "footprint"):
            ranked = sorted((r for r in rows if r["kind"] == kind), key=lambda r: -abs(r["delta"]))
            by_kind[kind] = ranked[:count]
        return by_kind["mass"] + by_kind["footprint"]


def _mass_by_flow(assessment: Assessment) -> dict[str, float]:
    totals: dict[str, float] = {}
    inventory = assessment.inventory
    for flow, amount in zip(inventory.flows, inventory.result.flow[0], strict=True):
        if not flow.intermediate:
            key = f"{flow.material} ({flow.role}, {flow.origin})"
            totals[key] = totals.get(key, 0.0) + float(amount)
    return totals


def _footprint_by_flow(assessment: Assessment) -> dict[str, float]:
    totals: dict[str, float] = {}
    if assessment.footprint is None:
        return totals
    for row in assessment.footprint.summary():
        key = f"{row['category']}: {row['flow']}"
        totals[key] = totals.get(key, 0.0) + row["kg_co2e"]
    return totals


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
) -> Comparison:
    """Assess several routes with the same factors and compare them to a baseline.

    Parameters
    ----------
    recipes : recipes or paths
        Two or more routes (one is allowed, with no deltas).
    baseline : str or int, optional
        The baseline: a route name, a recipe file name (stem), or a 1-based position.
        Default: the first route.

    Raises
    ------
    lca.errors.RecipeError
        If a recipe is invalid, or ``baseline`` names no route.
    """
    from lca.errors import RecipeError
    from lca.factors import load_factor_set

    if not isinstance(factors, FactorSet):
        factors = load_factor_set(tuple(factors or ()))
    assessments = tuple(assess(r, factors=factors, strict=strict) for r in recipes)
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


def comparison_to_dict(comparison: Comparison) -> dict:
    """The stable JSON form of a comparison (documented in ``docs/json-output.md``)."""
    return {
        "format": "greenroute.comparison",
        "format_version": 1,
        "baseline": comparison.baseline,
        "routes": [
            {"label": label, **assessment_to_dict(assessment)}
            for label, assessment in zip(comparison.labels, comparison.assessments, strict=True)
        ],
        "table": [
            {
                "metric": metric,
                "unit": unit,
                "values": {label: comparison.value(label, metric) for label in comparison.labels},
                "deltas": {label: comparison.delta(label, metric) for label in comparison.labels},
            }
            for metric, unit in comparison.route_metrics()
        ],
        "drivers": {label: comparison.drivers(label) for label in comparison.labels},
        "warnings": comparison.warnings,
    }
