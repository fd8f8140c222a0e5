"""The JSON documents greenroute writes, in one place (documented in ``docs/json-output.md``).

Each function turns a result object into the plain dict of a stable, versioned document
(``format``, ``format_version``); :func:`lca.reporting.safe.to_json` writes it as strict JSON.
Figures keep their full precision and their keys (``pmi``, ``footprint:energy``): the labels and
rounding of :mod:`lca.reporting.labels` are for people, not for programs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lca.assessment import Assessment
    from lca.backends.brightway_background import MethodAssessment
    from lca.comparison import Comparison
    from lca.factors import LibraryInfo
    from lca.footprint import Footprint
    from lca.montecarlo import MonteCarloComparison

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
                "product": step.made.material,
                "metrics": by_scope.get(step.id, {}),
            }
            for step in recipe.steps
        ],
        "inventory": inventory.to_records(),
        "footprint": _footprint_dict(assessment.footprint, assessment.libraries),
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


def _footprint_dict(footprint: Footprint | None, libraries: Sequence[LibraryInfo]) -> dict | None:
    if footprint is None:
        return None
    return {
        "libraries": [
            {"name": info.name, "version": info.version, "gwp_basis": info.gwp_basis}
            for info in libraries
        ],
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


def comparison_to_dict(
    comparison: Comparison, monte_carlo: MonteCarloComparison | None = None
) -> dict:
    """The stable JSON form of a comparison (documented in ``docs/json-output.md``), with the
    Monte Carlo draws' summary when there are some."""
    document = {
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
    if monte_carlo is not None:
        document["monte_carlo"] = monte_carlo_to_dict(monte_carlo)
    return document


def monte_carlo_to_dict(monte_carlo: MonteCarloComparison) -> dict:
    """The ``monte_carlo`` part of a comparison document (``lca compare --mc N``)."""
    return {
        "n": monte_carlo.n,
        "seed": monte_carlo.seed,
        "percentiles_from_first": monte_carlo.kept,
        "routes": list(monte_carlo.labels),
        "threshold": monte_carlo.threshold,
        "uncovered_drawn_from_class_proxy": {
            label: list(flows)
            for label, flows in zip(monte_carlo.labels, monte_carlo.uncovered, strict=False)
        },
        "metrics": {
            metric: {
                "summary": monte_carlo.summary(metric),
                "probability_lower": monte_carlo.probability_lower(metric).tolist(),
                "probability_lower_by_threshold": monte_carlo.probability_lower(
                    metric, monte_carlo.threshold
                ).tolist(),
                "deltas": monte_carlo.deltas(metric),
            }
            for metric in ("pmi", "carbon_footprint")
        },
    }


def method_assessments_to_dict(results: Sequence[MethodAssessment], project: str) -> dict:
    """One route assessed with a Brightway background, per LCIA method: each assessment's
    document with a ``brightway`` part; several methods in a ``greenroute.assessments``
    document."""
    documents = [
        {
            **assessment_to_dict(r.assessment),
            "brightway": {
                "project": project,
                "method": list(r.method),
                "method_unit": r.background.unit,
                "database": r.background.database,
                "unmatched": list(r.background.unmatched),
            },
        }
        for r in results
    ]
    if len(documents) == 1:
        return documents[0]
    return {"format": "greenroute.assessments", "format_version": 1, "assessments": documents}
