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
from lca.footprint.result import UNCOVERED
from lca.inventory import Inventory
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
    """Route metrics and a step × metric table as HTML, with the reports' labels, units and
    number format (:mod:`lca.reporting.labels`); every text escaped."""
    from lca.reporting.labels import format_number, metric_label, unit_label

    route = frame[frame["scope"] == "route"]
    shown = route.assign(
        metric=[metric_label(m).indented("\u2003") for m in route["metric"]],
        value=[format_number(v) for v in route["value"]],
        unit=[unit_label(u) for u in route["unit"]],
    )[["metric", "value", "unit", "note"]]
    steps = frame[frame["scope"] != "route"].pivot_table(
        index="scope", columns="metric", values="value", aggfunc="first", sort=False
    )
    steps.columns = [metric_label(m).text for m in steps.columns]
    return (
        f"<h4>{html.escape(title)}</h4>"
        + shown.to_html(index=False)
        + steps.to_html(float_format=format_number, na_rep="n/a")
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
    # a what-if is deterministic; its uncertainty tables may name the feature it removes
    copy = copy.model_copy(update={"uncertainty": []})
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
        """Recipe warnings, then what weakens the footprint (scope, fallbacks, double counting)."""
        footprint = self.footprint.warnings if self.footprint is not None else ()
        return (*self.inventory.warnings, *footprint)

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

    def to_pact(self, **options) -> dict:
        """The footprint as a PACT ProductFootprint (Technical Specifications 2.3.3), a JSON-ready
        dict; options and the data the owner must give: :func:`lca.reporting.pact.pact_footprint`
        and docs/pact.md."""
        from lca.reporting.pact import to_pact

        return to_pact(self, **options)

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
    gwp: str | None = None,
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
    gwp : str, optional
        GWP100 set of the footprint: ``"AR6"`` (default) or ``"AR5"``; with a
        :class:`~lca.factors.FactorSet`, the set it was read with.

    Raises
    ------
    lca.errors.RecipeError
        If the recipe is invalid (every problem listed).
    lca.errors.FactorError
        If a factor library is invalid, or ``strict`` and a flow has no factor.
    """
    from lca.footprint import evaluate_footprint, strict_check
    from lca.validation import check_recipe

    if not isinstance(recipe, Recipe):
        recipe = read_recipe(recipe)
    factors = _factor_set(factors, gwp)
    checked = check_recipe(recipe, factors)
    inventory = checked.inventory
    footprint = evaluate_footprint(checked.model, inventory)
    if strict:
        strict_check(footprint, recipe.origin)
    metrics = mass_metrics(inventory) + footprint_metrics(footprint)
    result = Assessment(recipe=recipe, inventory=inventory, metrics=metrics, footprint=footprint)
    if with_mode_effects:
        result = replace(result, mode_effects=mode_effects(result, factors))
    return result


def _factor_set(factors, gwp: str | None) -> FactorSet:
    """A factor set from paths (or as given), read with the GWP set asked for."""
    from lca.errors import FactorError
    from lca.factors import load_factor_set

    if isinstance(factors, FactorSet):
        if gwp is not None and gwp != factors.gwp_set:
            raise FactorError(
                f"the factor set was read with GWP set {factors.gwp_set}, not {gwp}: load it "
                f"with load_factor_set(..., gwp_set={gwp!r})"
            )
        return factors
    return load_factor_set(tuple(factors or ()), gwp_set=gwp)


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
        "gwp_basis": f"IPCC {footprint.gwp_set} GWP100",
        "boundary": "cradle-to-gate: raw-material production, purchased energy, waste treatment, "
        "transport the recipe gives; credits only for recovered solvent, shown separately",
        "total": footprint.total,
        "lower_bound": footprint.is_lower_bound,
        "by_category": {
            category: value if footprint.assessed(category) else None
            for category, value in footprint.by_category().items()
        },
        "not_assessed": [c for c in footprint.by_category() if not footprint.assessed(c)],
        "by_step": footprint.by_step(),
        "by_tier": footprint.by_tier(),
        "market_based_total": footprint.market_based_total(),
        "reported_apart": {
            "biogenic_co2": footprint.biogenic_co2,
            "incineration_cut_off": footprint.cut_off,
        },
        "coverage": {
            "mass": footprint.mass_coverage(),
            "mass_by_tier": footprint.coverage_by_tier(),
            "water": footprint.water_coverage(),
            "energy": footprint.energy_coverage(),
            "unquantified_energy_gaps": footprint.unquantified_energy_gaps(),
        },
        "data_quality": footprint.data_quality(),
        "gaps": footprint.gaps,
        "warnings": list(footprint.warnings),
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
        from lca.montecarlo import ROOT_CLASS

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
            root = _root_interval(low, ROOT_CLASS)
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
        notes = "".join(f"<p>warning: {html.escape(w)}</p>" for w in self.warnings)
        return f"<p>Baseline: <b>{html.escape(self.baseline)}</b></p>{notes}" + frame.to_html(
            float_format=format_number, na_rep="n/a"
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


def _root_interval(footprint: Footprint, root: str) -> tuple[float, float] | None:
    """The 95 % interval of the broadest class proxy a footprint's library has."""
    from lca.uncertainty import factor_distribution

    for term in footprint.model.terms:
        factor = term.factor
        if factor is not None and factor.key == f"class:{root}":
            break
    else:
        return _library_root(footprint, root)
    return _interval(factor, factor_distribution)


def _library_root(footprint: Footprint, root: str) -> tuple[float, float] | None:
    from lca.factors import load_factor_set
    from lca.uncertainty import factor_distribution

    factor = load_factor_set(gwp_set=footprint.gwp_set).lookup_class(root)
    return None if factor is None else _interval(factor, factor_distribution)


def _interval(factor, factor_distribution) -> tuple[float, float] | None:
    row = factor.rows[0]
    distribution = factor_distribution(row.uncertainty, row.value, row.where)
    if distribution is None:
        return None
    return distribution.ppf(0.025), distribution.ppf(0.975)


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
    gwp: str | None = None,
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

    factors = _factor_set(factors, gwp)
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
        "gwp_basis": comparison.gwp_basis,
        "robustness": comparison.robustness(),
        "warnings": comparison.warnings,
    }
