"""The figures of one assessment as rows ``scope | metric | value | unit | note``.

``scope`` is ``route`` or a step id. A metric that cannot be computed keeps ``value = None`` and
the reason in ``note``, never a zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lca import metrics as m
from lca.footprint import Footprint
from lca.inventory import Inventory


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
    "carbon_footprint": "Carbon footprint (net of credits)",
    "footprint:materials": "  materials",
    "footprint:energy": "  energy",
    "footprint:waste_treatment": "  waste treatment",
    "footprint:transport": "  transport",
    "footprint:credits": "  credits",
    "carbon_footprint_market_based": "Carbon footprint, market-based electricity",
    "biogenic_co2": "Biogenic CO2 (reported apart)",
    "incineration_cut_off": "Incineration cut-off (reported apart)",
    "coverage_mass": "Coverage: non-water mass with a factor",
    "coverage_mass:user": "  your factors",
    "coverage_mass:background": "  your background database",
    "coverage_mass:cited": "  cited",
    "coverage_mass:computed": "  computed (public LCI)",
    "coverage_mass:estimated": "  estimated from chemistry",
    "coverage_mass:proxy": "  class proxy",
    "coverage_mass:spend-based": "  spend-based",
    "coverage_mass:uncovered": "  uncovered",
    "coverage_water": "Coverage: water with a factor",
    "coverage_energy": "Coverage: energy with a factor",
    "footprint_share:user": "Footprint share: your factors",
    "footprint_share:background": "Footprint share: your background database",
    "footprint_share:cited": "Footprint share: cited",
    "footprint_share:computed": "Footprint share: computed (public LCI)",
    "footprint_share:estimated": "Footprint share: estimated from chemistry",
    "footprint_share:proxy": "Footprint share: class proxy",
    "footprint_share:spend-based": "Footprint share: spend-based",
    "footprint_share:stoichiometric": "Footprint share: stoichiometric (formula)",
    "uncovered_flows": "Flows without a factor",
    "carbon_efficiency": "Carbon efficiency",
}


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
    rows += _mode_lines(inventory)
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


CHEMISTRY_ORIGINS = ("charge", "feed", "feed solvent")


def _mode_lines(inventory: Inventory) -> list[Metric]:
    """PMI and energy from lines the operating mode adds (cleaning, flushes, overheads)."""
    ev = inventory.result
    origins = np.array([flow.origin for flow in inventory.flows])
    rows = []
    for origin in dict.fromkeys(o for o in origins if o not in CHEMISTRY_ORIGINS):
        mask = inventory.route.is_raw & (origins == origin)
        rows.append(
            Metric(
                "route",
                f"pmi_from:{origin.replace(' ', '_')}",
                float(ev.flow[0, mask].sum()),
                "kg/kg",
                "operating mode",
            )
        )
    totals: dict[tuple[str, str, str], float] = {}
    for line, amount in zip(inventory.energy_lines, ev.energy[0], strict=True):
        if line.origin != "utilities":
            key = (line.origin, line.carrier, line.unit)
            totals[key] = totals.get(key, 0.0) + float(amount)
    rows += [
        Metric(
            "route",
            f"energy_from:{origin.replace(' ', '_')}:{carrier}",
            value,
            f"{unit}/kg",
            "operating mode",
        )
        for (origin, carrier, unit), value in totals.items()
    ]
    return rows


def _missing_reason(metric: str, reaction) -> str:
    if not reaction.reactant_names:
        return "no input has role 'reactant'"
    names = (*reaction.reactant_names, reaction.product_name)

    def lacking(values) -> list[str]:
        return [name for name, value in zip(names, values, strict=True) if value is None]

    unknown = lacking((*reaction.reactant_molar_mass, reaction.product_molar_mass))
    if unknown:
        return "molar mass unknown for " + ", ".join(unknown)
    if metric == "carbon_efficiency":
        no_formula = lacking((*reaction.reactant_carbon, reaction.product_carbon))
        return (
            ("formula unknown for " + ", ".join(no_formula))
            if no_formula
            else ("reactants contain no carbon")
        )
    return "not computable"


def footprint_metrics(footprint: Footprint) -> tuple[Metric, ...]:
    """Carbon footprint, its categories, coverage by tier, data quality and each step's share."""
    gaps = footprint.gaps
    basis = f"GWP100 {footprint.gwp_set}"
    bound = f"; a LOWER BOUND: {len(gaps)} flow(s) have no factor (see the gaps)" if gaps else ""
    rows = [
        Metric(
            "route",
            "carbon_footprint",
            footprint.total,
            "kg CO2e/kg",
            f"net of credits; {basis}{bound}",
        )
    ]
    for category, value in footprint.by_category().items():
        name = f"footprint:{category.replace(' ', '_')}"
        if footprint.assessed(category):
            rows.append(Metric("route", name, value, "kg CO2e/kg"))
        else:
            what = "no [[transport]] legs" if category == "transport" else "no recovered input"
            rows.append(Metric("route", name, None, "kg CO2e/kg", f"not assessed ({what})"))
    market = footprint.market_based_total()
    if market is not None:
        rows.append(
            Metric(
                "route",
                "carbon_footprint_market_based",
                market,
                "kg CO2e/kg",
                footprint.market_based_note(),
            )
        )
    if footprint.model.apart:
        rows.append(
            Metric(
                "route",
                "biogenic_co2",
                footprint.biogenic_co2,
                "kg CO2/kg",
                "biogenic CO2 emitted, reported apart (not in the total)",
            )
        )
        if footprint.cut_off:
            rows.append(
                Metric(
                    "route",
                    "incineration_cut_off",
                    footprint.cut_off,
                    "kg CO2e/kg",
                    "incineration with energy recovery: given to the user of the energy "
                    "(cut-off), not in the total",
                )
            )
    rows.append(
        Metric(
            "route",
            "coverage_mass",
            100.0 * footprint.mass_coverage(),
            "%",
            "share of non-water raw-material mass with a factor of any tier",
        )
    )
    for tier, share in footprint.coverage_by_tier().items():
        rows.append(
            Metric(
                "route",
                f"coverage_mass:{tier}",
                100.0 * share,
                "%",
                "share of non-water raw-material mass",
            )
        )
    water = footprint.water_coverage()
    if water is not None:
        rows.append(
            Metric(
                "route", "coverage_water", 100.0 * water, "%", "share of water mass with a factor"
            )
        )
    energy = footprint.energy_coverage()
    unquantified = footprint.unquantified_energy_gaps()
    rows.append(
        Metric(
            "route",
            "coverage_energy",
            None if energy is None else 100.0 * energy,
            "%",
            (
                f"in kWh; {unquantified} energy flow(s) of unknown amount not counted"
                if unquantified
                else ""
            )
            if energy is not None
            else "no energy in kWh or kg of steam",
        )
    )
    for tier, share in footprint.tier_shares().items():
        rows.append(
            Metric(
                "route",
                f"footprint_share:{tier}",
                100.0 * share,
                "%",
                "share of the gross footprint (before credits)",
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
