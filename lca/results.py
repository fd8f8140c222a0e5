"""The figures of one assessment as rows ``scope | metric | value | unit | note``.

``scope`` is ``route`` or a step id. A metric that cannot be computed keeps ``value = None`` and
the reason in ``note``, never a zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lca import metrics as m
from lca.arrays import Floats
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


def _scalar(values: Floats) -> float | None:
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
    if inventory.stages_tagged:
        rows += _stage_rows("route", m.stage_pmi(ev, raw, inventory.stages), _scalar)
    has_reactants = bool((raw & (roles == "reactant")).any())
    with np.errstate(divide="ignore"):
        route_rme = (
            m.route_reaction_mass_efficiency(ev, raw, roles)
            if has_reactants
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
            ""
            if math.isfinite(route_rme[0])
            else "the raw reactants are charged 0 kg"
            if has_reactants
            else "no raw material has role 'reactant'",
        ),
    ]
    coproducts = inventory.coproduct_result
    if inventory.coproducts:
        rows.append(
            Metric(
                "route",
                "coproducts",
                float(coproducts[0].sum()),
                "kg/kg",
                "not credited in PMI",
            )
        )
    rows.append(_route_yield(inventory))
    rows += [
        Metric("route", f"energy:{carrier}", value, f"{unit}/kg")
        for (carrier, unit), value in inventory.energy_totals().items()
    ]
    rows += _mode_lines(inventory)
    rows += _step_rows(inventory)
    return tuple(rows)


def _stage_rows(scope: str, by_stage: dict, value) -> list[Metric]:
    """PMI of each stage, then through work-up and through purification."""
    rows = [
        Metric(scope, f"pmi_stage:{stage}", value(amount), "kg/kg")
        for stage, amount in by_stage.items()
    ]
    cumulative = m.cumulative_stages(by_stage)
    rows += [
        Metric(scope, f"pmi_through:{stage}", value(cumulative[stage]), "kg/kg")
        for stage in ("workup", "purification")
    ]
    return rows


def _suppliers(inventory: Inventory) -> list[list[int]]:
    """For each step, the steps whose products it charges."""
    route = inventory.route
    suppliers: list[list[int]] = [[] for _ in range(route.n_steps)]
    for step, producer in zip(route.flow_step, route.flow_producer, strict=True):
        if producer >= 0 and int(producer) not in suppliers[step]:
            suppliers[step].append(int(producer))
    return suppliers


def _route_yield(inventory: Inventory) -> Metric:
    yields = [None if r is None else m.isolated_yield(r) for r in inventory.reactions]
    value, chain = m.route_isolated_yield(yields, _suppliers(inventory), inventory.route.final_step)
    names = " → ".join(inventory.step_ids[s] for s in chain)
    if value is None:
        missing = ", ".join(inventory.step_ids[s] for s in chain if yields[s] is None)
        return Metric(
            "route",
            "isolated_yield",
            None,
            "%",
            f"isolated yield unknown for step {missing} (longest linear sequence {names})",
        )
    return Metric("route", "isolated_yield", value, "%", f"longest linear sequence: {names}")


REACTION_METRICS = (
    ("atom_economy", m.atom_economy),
    ("theoretical_e_factor", m.theoretical_e_factor),
    ("reaction_mass_efficiency", m.reaction_mass_efficiency),
    ("carbon_efficiency", m.carbon_efficiency),
)
COPRODUCT_METRICS = (
    ("atom_economy_with_coproducts", lambda r: m.atom_economy(r, coproduct_credit=True)),
    (
        "theoretical_e_factor_with_coproducts",
        lambda r: m.theoretical_e_factor(r, coproduct_credit=True),
    ),
)
UNITS = {"theoretical_e_factor": "kg/kg", "theoretical_e_factor_with_coproducts": "kg/kg"}


def _step_rows(inventory: Inventory) -> list[Metric]:
    ev = inventory.result
    onehot = inventory.route.flow_to_step
    step_pmi = m.step_pmi(ev)[0]
    net = m.step_pmi_net_of_recovery(ev, onehot, inventory.recovered)[0]
    balance = inventory.step_balance
    coproduct_step = inventory.coproduct_step
    stages = m.step_stage_pmi(ev, onehot, inventory.stages) if inventory.stages_tagged else None
    suppliers = _suppliers(inventory)
    isolated = [step.made.isolated for step in inventory.recipe.steps]
    rows = []
    for index, step_id in enumerate(inventory.step_ids):
        in_step = inventory.route.flow_step == index
        rows += [
            Metric(step_id, "scale", float(balance.product[index]), "kg/kg"),
            Metric(step_id, "step_pmi", float(step_pmi[index]), "kg/kg"),
        ]
        if (inventory.recovered[in_step] > 0).any():
            rows.append(Metric(step_id, "step_pmi_net_of_recovery", float(net[index]), "kg/kg"))
        rows += [
            Metric(step_id, "raw_materials", float(balance.raw[index]), "kg/kg"),
            Metric(step_id, "waste", float(balance.waste[index]), "kg/kg"),
        ]
        has_coproducts = bool((coproduct_step == index).any())
        if has_coproducts:
            made = float(balance.coproducts[index])
            rows.append(Metric(step_id, "coproducts", made, "kg/kg", "per kg of final product"))
        if stages is not None:
            rows += _stage_rows(step_id, {k: v[:, index] for k, v in stages.items()}, _scalar)
        reaction = inventory.reactions[index]
        rows += _reaction_rows(step_id, reaction, isolated[index], has_coproducts)
        sequence = m.telescoped_sequence(index, suppliers, isolated)
        if len(sequence) > 1 and isolated[index]:
            rows += _telescoped_rows(inventory, sequence)
    return rows


def _reaction_rows(step_id: str, reaction, isolated: bool, has_coproducts: bool) -> list[Metric]:
    if reaction is None:
        names = ["isolated_yield", *(name for name, _ in REACTION_METRICS)]
        return [Metric(step_id, name, None, "%", "not computed for variants") for name in names]
    value = m.isolated_yield(reaction)
    note = "" if value is not None else _missing_reason("isolated_yield", reaction)
    if not isolated:
        note = "product not isolated (telescoped): yield of the product in solution"
    rows = [Metric(step_id, "isolated_yield", value, "%", note)]
    functions = REACTION_METRICS + (COPRODUCT_METRICS if has_coproducts else ())
    for name, function in functions:
        value = function(reaction)
        note = "" if value is not None else _missing_reason(name, reaction)
        if name == "reaction_mass_efficiency" and not isolated and value is not None:
            note = "product not isolated (telescoped): on the amount in solution"
        rows.append(Metric(step_id, name, value, UNITS.get(name, "%"), note))
    return rows


def _telescoped_rows(inventory: Inventory, sequence: tuple[int, ...]) -> list[Metric]:
    reactions = inventory.reactions
    step_id = inventory.step_ids[sequence[0]]
    names = " → ".join(inventory.step_ids[s] for s in reversed(sequence))
    note = f"telescoped sequence {names}"
    known = {s: r for s in sequence if (r := reactions[s]) is not None}
    if len(known) < len(sequence):
        return [
            Metric(step_id, name, None, "%", "not computed for variants")
            for name in ("atom_economy_telescoped", "reaction_mass_efficiency_telescoped")
        ]
    order = [int(s) for s in inventory.route.order]
    ae = m.telescoped_atom_economy(sequence, known, order)
    rme = m.telescoped_reaction_mass_efficiency(sequence, known, order)
    return [
        Metric(
            step_id,
            "atom_economy_telescoped",
            ae,
            "%",
            note
            if ae is not None
            else f"{note}: a molar mass is unknown, or an intermediate is not a reactant",
        ),
        Metric(
            step_id,
            "reaction_mass_efficiency_telescoped",
            rme,
            "%",
            note if rme is not None else f"{note}: no reactant",
        ),
    ]


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
    if metric == "isolated_yield":
        if reaction.limiting is None:
            return "no limiting reagent marked"
        if reaction.limiting.moles is not None and reaction.limiting.moles <= 0:
            return "the limiting reagent is charged 0 mol"
        unknown = [s.name for s in (reaction.limiting, reaction.product) if s.molar_mass is None]
        return "molar mass unknown for " + ", ".join(unknown)
    if not reaction.reactants:
        return "no input has role 'reactant'"
    if metric == "reaction_mass_efficiency" and sum(r.kg for r in reaction.reactants) <= 0:
        return "the reactants are charged 0 kg"
    species = (*reaction.reactants, reaction.product)
    if metric.endswith("with_coproducts"):
        species += reaction.coproducts
    unknown = list(dict.fromkeys(s.name for s in species if s.molar_mass is None))
    if unknown:
        return "molar mass unknown for " + ", ".join(unknown)
    if metric == "carbon_efficiency":
        no_formula = list(dict.fromkeys(s.name for s in species if s.carbon is None))
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
