"""``assess(recipe)`` → :class:`Assessment`: the mass metrics of one route, in one tidy table.

The canonical form of every result is a long table ``route | scope | metric | value | unit``
(``scope`` is ``route`` or a step id); wide views are pivots of it. A metric that cannot be
computed (a molar mass is unknown, say) is kept with ``value = None`` and the reason, never a zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lca import metrics as m
from lca.factors import FactorSet
from lca.footprint import Footprint
from lca.inventory import Inventory, build_inventory
from lca.recipe import Recipe, read_recipe


@dataclass(frozen=True)
class Metric:
    """One figure of one route: ``scope`` is ``"route"`` or a step id."""

    scope: str
    metric: str
    value: float | None
    unit: str
    note: str = ""


METRIC_LABELS = {
    "pmi": "PMI (cumulative)",
    "pmi_reactants": "  reactants, reagents, catalysts",
    "pmi_solvents": "  solvents",
    "pmi_water": "  water",
    "pmi_workup": "  work-up materials",
    "recovered_mass": "Recovered for reuse",
    "pmi_net_of_recovery": "PMI net of recovery",
    "solvent_intensity": "Solvent intensity",
    "water_intensity": "Water intensity",
    "complete_e_factor": "Complete E-factor (PMI − 1)",
    "simple_e_factor": "Simple E-factor (no solvents, water)",
    "mass_productivity": "Mass productivity",
    "reaction_mass_efficiency": "Reaction mass efficiency",
    "step_pmi": "Step PMI",
    "scale": "kg per kg of final product",
    "raw_materials": "Raw materials per kg product",
    "waste": "Waste per kg product",
    "atom_economy": "Atom economy",
    "carbon_efficiency": "Carbon efficiency",
}


@dataclass(frozen=True)
class Assessment:
    """Everything greenroute says about one route."""

    recipe: Recipe
    inventory: Inventory
    metrics: tuple[Metric, ...]
    footprint: Footprint | None = None

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


def _scalar(values: np.ndarray) -> float | None:
    value = float(values[0])
    return value if math.isfinite(value) else None


def mass_metrics(inventory: Inventory) -> tuple[Metric, ...]:
    """Route and step mass metrics of an inventory."""
    ev = inventory.result
    raw = inventory.route.is_raw
    roles = inventory.roles
    recovered = inventory.recovered
    pmi = m.route_pmi(ev, raw)
    rows = [Metric("route", "pmi", _scalar(pmi), "kg/kg")]
    rows += [
        Metric("route", f"pmi_{group}", _scalar(values), "kg/kg")
        for group, values in m.pmi_by_role(ev, raw, roles).items()
    ]
    if (recovered[raw] > 0).any():
        rows += [
            Metric(
                "route", "recovered_mass", _scalar(m.recovered_mass(ev, raw, recovered)), "kg/kg"
            ),
            Metric(
                "route",
                "pmi_net_of_recovery",
                _scalar(m.pmi_net_of_recovery(ev, raw, recovered)),
                "kg/kg",
            ),
        ]
    route_rme = (
        m.route_reaction_mass_efficiency(ev, raw, roles)
        if (raw & (roles == "reactant")).any()
        else np.array([np.nan])
    )
    rows += [
        Metric("route", "solvent_intensity", _scalar(m.solvent_intensity(ev, raw, roles)), "kg/kg"),
        Metric("route", "water_intensity", _scalar(m.water_intensity(ev, raw, roles)), "kg/kg"),
        Metric("route", "complete_e_factor", _scalar(m.complete_e_factor(pmi)), "kg/kg"),
        Metric("route", "simple_e_factor", _scalar(m.simple_e_factor(ev, raw, roles)), "kg/kg"),
        Metric("route", "mass_productivity", _scalar(m.mass_productivity(pmi)), "%"),
        Metric(
            "route",
            "reaction_mass_efficiency",
            _scalar(route_rme),
            "%",
            "" if math.isfinite(route_rme[0]) else "no raw material has role 'reactant'",
        ),
    ]
    rows += [
        Metric("route", f"energy:{carrier}", value, f"{unit}/kg")
        for (carrier, unit), value in inventory.energy_totals().items()
    ]
    scale = ev.step_scale[0]
    step_pmi = m.step_pmi(ev)[0]
    for index, step_id in enumerate(inventory.step_ids):
        in_step = inventory.route.flow_step == index
        raw_in_step = float(ev.flow[0, in_step & raw].sum())
        rows += [
            Metric(step_id, "scale", float(scale[index]), "kg/kg"),
            Metric(step_id, "step_pmi", float(step_pmi[index]), "kg/kg"),
            Metric(step_id, "raw_materials", raw_in_step, "kg/kg"),
            Metric(step_id, "waste", float(scale[index] * (step_pmi[index] - 1.0)), "kg/kg"),
        ]
        reaction = inventory.reactions[index]
        for name, function in (
            ("atom_economy", m.atom_economy),
            ("reaction_mass_efficiency", m.reaction_mass_efficiency),
            ("carbon_efficiency", m.carbon_efficiency),
        ):
            value = function(reaction)
            rows.append(
                Metric(
                    step_id,
                    name,
                    value,
                    "%",
                    "" if value is not None else _missing_reason(name, reaction),
                )
            )
    return tuple(rows)


def _missing_reason(metric: str, reaction) -> str:
    if not reaction.reactant_names:
        return "no input has role 'reactant'"
    unknown = [
        name
        for name, mw in zip(
            (*reaction.reactant_names, reaction.product_name),
            (*reaction.reactant_molar_mass, reaction.product_molar_mass),
            strict=True,
        )
        if mw is None
    ]
    if unknown:
        return "molar mass unknown for " + ", ".join(unknown)
    if metric == "carbon_efficiency":
        no_formula = [
            name
            for name, c in zip(
                (*reaction.reactant_names, reaction.product_name),
                (*reaction.reactant_carbon, reaction.product_carbon),
                strict=True,
            )
            if c is None
        ]
        return (
            ("formula unknown for " + ", ".join(no_formula))
            if no_formula
            else ("reactants contain no carbon")
        )
    return "not computable"


def footprint_metrics(footprint: Footprint) -> tuple[Metric, ...]:
    """Carbon footprint, its categories, coverage, and each step's share."""
    rows = [
        Metric(
            "route",
            "carbon_footprint",
            footprint.total,
            "kg CO2e/kg",
            "net of credits; see coverage for flows without a factor",
        )
    ]
    rows += [
        Metric("route", f"footprint:{category.replace(' ', '_')}", value, "kg CO2e/kg")
        for category, value in footprint.by_category().items()
    ]
    gaps = footprint.gaps
    rows.append(
        Metric(
            "route",
            "coverage_mass",
            100.0 * footprint.mass_coverage(),
            "%",
            "share of raw-material mass with a cradle-to-gate factor",
        )
    )
    energy = footprint.energy_coverage()
    rows.append(
        Metric(
            "route",
            "coverage_energy",
            None if energy is None else 100.0 * energy,
            "%",
            "" if energy is not None else "no energy in kWh or kg of steam",
        )
    )
    rows.append(
        Metric(
            "route",
            "uncovered_flows",
            float(len(gaps)),
            "count",
            "flows with no factor, listed in the footprint gaps",
        )
    )
    rows += [
        Metric(step, "footprint", value, "kg CO2e/kg")
        for step, value in footprint.by_step().items()
    ]
    return tuple(rows)


def assess(
    recipe: Recipe | str | Path,
    factors: FactorSet | Sequence[str | Path] | None = None,
    strict: bool = False,
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
    return Assessment(recipe=recipe, inventory=inventory, metrics=metrics, footprint=footprint)


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
