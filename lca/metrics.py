"""Mass metrics of green chemistry, as pure functions of an evaluated route.

Route metrics take the arrays of :class:`lca.engine.Evaluation` (leading variant axis ``N``) and
return one value per variant, so the deterministic assessment and a Monte Carlo run share them.
Step reaction metrics (atom economy, RME, carbon efficiency) take a step's
:class:`lca.inventory.Reaction` and return ``None`` when a property they need is unknown.

Roles group the inputs: *reactants* = inputs with role reactant, reagent or catalyst; *solvents*
= role solvent; *water* = role water; *work-up* = role workup (salts, drying agents, filter aids,
aqueous wash solutions other than plain water).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from lca.arrays import Flags, Floats, Labels
from lca.engine import Evaluation, LineSum
from lca.reaction import Reaction, Species
from lca.recipe import STAGES

ROLE_GROUPS = {
    "reactants": ("reactant", "reagent", "catalyst"),
    "solvents": ("solvent",),
    "water": ("water",),
    "workup": ("workup",),
}


def _raw_sum(ev: Evaluation, is_raw: Flags, mask: Flags | None = None) -> Floats:
    keep = is_raw if mask is None else is_raw & mask
    return ev.flow[:, keep].sum(axis=1)


def route_pmi(ev: Evaluation, is_raw: Flags) -> Floats:
    """Cumulative (route) Process Mass Intensity [kg/kg].

    PMI = Σ y_m over raw materials m, where y_m is kg of m per kg of final product found by
    propagating demand from 1 kg of product through the route graph (intermediates are not raw
    materials). Includes reactants, reagents, catalysts, solvents, water and work-up materials;
    recovered solvent is not netted out. Step PMIs are not additive (Andraos 2018).

    References
    ----------
    Jimenez-Gonzalez, C.; Ponder, C. S.; Broxterman, Q. B.; Manley, J. B. "Using the Right Green
    Yardstick: Why Process Mass Intensity Is Used in the Pharmaceutical Industry To Drive More
    Sustainable Processes." Org. Process Res. Dev. 2011, 15, 912-917. doi:10.1021/op200097d
    """
    return _raw_sum(ev, is_raw)


def step_pmi(ev: Evaluation) -> Floats:
    """Step PMI [kg/kg of the step's product], ``(N, S)``.

    PMI_s = Σ_m q_{m,s}: all inputs charged to step s, intermediates included, per kg of its
    isolated product (Jimenez-Gonzalez et al. 2011, doi:10.1021/op200097d).
    """
    return ev.step_pmi


def pmi_by_role(ev: Evaluation, is_raw: Flags, roles: Labels) -> dict[str, Floats]:
    """Route PMI split into reactants (incl. reagents, catalysts), solvents, water and work-up.

    The groups add up to :func:`route_pmi`. This is the breakdown of the ACS GCI Pharmaceutical
    Roundtable PMI benchmarking (solvents 58 %, water 28 %, reactants 8 % in its first benchmark,
    ACS Green Chemistry Institute blog, 2014; method in Jimenez-Gonzalez et al. 2011,
    doi:10.1021/op200097d).
    """
    return {
        group: _raw_sum(ev, is_raw, np.isin(roles, members))
        for group, members in ROLE_GROUPS.items()
    }


def solvent_intensity(ev: Evaluation, is_raw: Flags, roles: Labels) -> Floats:
    """Solvent intensity [kg solvent / kg product]: raw solvents (water excluded) per kg product.

    SI = m(solvents) / m(product) (Constable, Curzons, Cunningham, Green Chem. 2002, 4, 521,
    doi:10.1039/B206169B; ACS GCI PR breakdown).
    """
    return _raw_sum(ev, is_raw, roles == "solvent")


def water_intensity(ev: Evaluation, is_raw: Flags, roles: Labels) -> Floats:
    """Water intensity [kg water / kg product]: process water (role water) per kg product.

    WI = m(process water) / m(product) (ACS GCI PR convention: water is part of PMI).
    """
    return _raw_sum(ev, is_raw, roles == "water")


def complete_e_factor(pmi: Floats) -> Floats:
    """Complete E-factor (cEF) [kg waste / kg product] = PMI − 1, assuming no recycling.

    Upper bound of the true E-factor (Roschangar, Sheldon, Senanayake, Green Chem. 2015, 17, 752,
    doi:10.1039/C4GC01563K; Sheldon, Green Chem. 2007, 9, 1273, doi:10.1039/B713736M).
    """
    return pmi - 1.0


def simple_e_factor(ev: Evaluation, is_raw: Flags, roles: Labels) -> Floats:
    """Simple E-factor (sEF) [kg/kg]: raw materials other than solvents and water, minus product.

    sEF = (Σ m(reactants, reagents, catalysts, work-up) − m(product)) / m(product); a lower bound
    of the true E-factor (Roschangar et al. 2015, doi:10.1039/C4GC01563K).
    """
    return _raw_sum(ev, is_raw, ~np.isin(roles, ("solvent", "water"))) - 1.0


def recovered_mass(ev: Evaluation, is_raw: Flags, recovered: Floats) -> Floats:
    """Mass recovered for reuse [kg / kg product]: Σ y_m × recovered fraction of each raw input."""
    return (ev.flow[:, is_raw] * recovered[is_raw]).sum(axis=1)


def pmi_net_of_recovery(ev: Evaluation, is_raw: Flags, recovered: Floats) -> Floats:
    """PMI net of solvent recovery [kg/kg] = PMI − recovered mass.

    Reported beside, never instead of, the conventional PMI, which does not net out recycling
    (ACS GCI PR convention; netting is documented as non-standard by the costcalc2 project).
    """
    return route_pmi(ev, is_raw) - recovered_mass(ev, is_raw, recovered)


def mass_productivity(pmi: Floats) -> Floats:
    """Mass productivity [%] = 100 / PMI (Constable et al. 2002, doi:10.1039/B206169B)."""
    return 100.0 / pmi


def route_reaction_mass_efficiency(ev: Evaluation, is_raw: Flags, roles: Labels) -> Floats:
    """Overall reaction mass efficiency of the route [%].

    100 × m(final product) / Σ m(raw inputs with role reactant), i.e. the raw reactants consumed
    across all steps per kg of product (yields and excess included; solvents, reagents, catalysts
    and work-up excluded). The route analogue of RME (Andraos, Org. Process Res. Dev. 2005, 9,
    149, doi:10.1021/op049803n).
    """
    return 100.0 / _raw_sum(ev, is_raw, roles == "reactant")


def stage_pmi(ev: Evaluation, is_raw: Flags, stages: Labels) -> dict[str, Floats]:
    """Route PMI of each stage [kg/kg]: raw inputs tagged reaction, work-up or purification.

    The split of the ACS GCI Pharmaceutical Roundtable PMI calculator (reaction, work-up,
    purification; Jimenez-Gonzalez et al. 2011, doi:10.1021/op200097d). Cleaning, flushes and
    changeover belong to no stage, so the three add up to the PMI less those lines.
    """
    return {stage: _raw_sum(ev, is_raw, stages == stage) for stage in STAGES}


def step_stage_pmi(ev: Evaluation, flow_to_step: LineSum, stages: Labels) -> dict[str, Floats]:
    """Step PMI of each stage [kg/kg of the step's product], ``(N, S)`` per stage.

    Every input of the stage, intermediates included, per kg of the step's product.
    """
    q = ev.flow_per_step_product
    return {stage: q[:, stages == stage] @ flow_to_step[stages == stage] for stage in STAGES}


def cumulative_stages(by_stage: dict[str, Floats]) -> dict[str, Floats]:
    """PMI through each stage: reaction; reaction + work-up; + purification."""
    totals: dict[str, Floats] = {}
    running = np.zeros_like(by_stage[STAGES[0]])
    for stage in STAGES:
        running = running + by_stage[stage]
        totals[stage] = running
    return totals


def step_pmi_net_of_recovery(ev: Evaluation, flow_to_step: LineSum, recovered: Floats) -> Floats:
    """Step PMI net of recovery [kg/kg of the step's product], ``(N, S)``.

    PMI_s − Σ_m r_m · q_m over the step's lines: the fresh material the step needs if what is
    recovered is reused in full. Beside, never instead of, the conventional step PMI.
    """
    return (ev.flow_per_step_product * (1.0 - recovered)) @ flow_to_step


def step_recovered(ev: Evaluation, flow_to_step: LineSum, recovered: Floats) -> Floats:
    """Mass each step recovers for reuse [kg per kg of final product], ``(N, S)``:
    Σ_f r_f · y_f over the step's lines."""
    return (ev.flow * recovered) @ flow_to_step


def step_waste(
    ev: Evaluation,
    coproducts_per_step_product: Floats,
    flow_to_step: LineSum,
    recovered: Floats,
) -> Floats:
    """Step waste [kg per kg of final product], ``(N, S)``: x_s · (PMI_s − 1 − CP_s) − R_s.

    What a step is charged with (intermediates included) and neither isolates as product,
    makes as co-products (CP_s per kg of its product: they leave as products) nor recovers for
    reuse (R_s, :func:`step_recovered`): spent solvent, water, by-products, diverted start-up
    output, lost batches. The step's mass balance, so a Sankey of the route balances with it.
    The steps' waste adds up to PMI net of recovery − 1 − the route's co-products; without
    recovery and co-products, to the complete E-factor (PMI − 1).
    """
    gross = ev.step_scale * (ev.step_pmi - 1.0 - coproducts_per_step_product)
    return gross - step_recovered(ev, flow_to_step, recovered)


def _equation_mass(species: Sequence[Species]) -> float | None:
    """Σ ν·M of the species [g per mole of equation], ``None`` if a molar mass is unknown."""
    total = 0.0
    for s in species:
        if s.molar_mass is None:
            return None
        total += s.coefficient * s.molar_mass
    return total


def atom_economy(reaction: Reaction, coproduct_credit: bool = False) -> float | None:
    """Atom economy [%] = 100 × ν_P·M_P / Σ_i ν_i·M_i over the step's reactants.

    Theoretical: independent of yield and excess (Trost, Science 1991, 254, 1471,
    doi:10.1126/science.1962206). With ``coproduct_credit`` the co-products count as wanted
    output: 100 × (ν_P·M_P + Σ_c ν_c·M_c) / Σ_i ν_i·M_i, the "atom utilization including the
    recovered byproduct acetic acid" by which the BHC ibuprofen process was described (US EPA
    Presidential Green Chemistry Challenge, 1997). ``None`` if a molar mass is unknown.
    """
    outputs = (reaction.product, *(reaction.coproducts if coproduct_credit else ()))
    wanted = _equation_mass(outputs)
    charged = _equation_mass(reaction.reactants)
    if not reaction.reactants or wanted is None or charged is None:
        return None
    return 100.0 * wanted / charged


def theoretical_e_factor(reaction: Reaction, coproduct_credit: bool = False) -> float | None:
    """Theoretical E-factor [kg/kg] = 100 / AE − 1 = (Σ_i ν_i·M_i − ν_P·M_P) / ν_P·M_P.

    Sheldon's E-factor (kg waste per kg product; Green Chem. 2007, 9, 1273,
    doi:10.1039/B713736M) of the balanced equation itself: 100 % yield, no excess, no solvent,
    so everything but the wanted output is waste. With ``coproduct_credit``, per kg of product
    and co-products, from the atom economy with co-product credit.
    """
    outputs = (reaction.product, *(reaction.coproducts if coproduct_credit else ()))
    wanted = _equation_mass(outputs)
    charged = _equation_mass(reaction.reactants)
    if not reaction.reactants or wanted is None or charged is None:
        return None
    waste = charged - wanted
    # a balanced equation with nothing but the wanted outputs: a true 0, not a rounding residue
    return 0.0 if abs(waste) <= 1e-12 * charged else waste / wanted


def reaction_mass_efficiency(reaction: Reaction) -> float | None:
    """Reaction mass efficiency [%] = 100 × m(product) / Σ m(reactants charged).

    Folds in atom economy, yield and excess; ignores solvents, reagents, catalysts and work-up
    (Curzons, Constable, Mortimer, Cunningham, Green Chem. 2001, 3, 1, doi:10.1039/B007871I;
    Constable et al. 2002, doi:10.1039/B206169B). A reactant fed as a solution counts by its
    own mass only. ``None`` for a step with no reactant.
    """
    charged = sum(r.kg for r in reaction.reactants) if reaction.reactants else 0.0
    if charged <= 0:
        return None  # no reactant, or none charged: a ratio to nothing
    return float(100.0 * reaction.product.kg / charged)


def carbon_efficiency(reaction: Reaction) -> float | None:
    """Carbon efficiency [%] = 100 × n_P·C_P / Σ_i n_i·C_i with the amounts actually charged.

    C = carbon atoms per molecule, n = moles (Constable et al. 2002, doi:10.1039/B206169B).
    ``None`` if a formula or molar mass is unknown or the reactants hold no carbon.
    """
    carbon = [_carbon_moles(s) for s in (*reaction.reactants, reaction.product)]
    *charged, made = carbon
    if not reaction.reactants or made is None or any(c is None for c in charged):
        return None
    carbon_in = sum(c for c in charged if c is not None)
    if carbon_in == 0:
        return None
    return float(100.0 * made / carbon_in)


def _carbon_moles(species: Species) -> float | None:
    """Moles of carbon atoms in a species as charged or made, ``None`` if unknown."""
    moles, carbon = species.moles, species.carbon
    return None if moles is None or carbon is None else moles * carbon


def isolated_yield(reaction: Reaction) -> float | None:
    """Isolated molar yield [%] = 100 × (n_P / ν_P) / (n_lim / ν_lim).

    Moles of product isolated per mole the limiting reagent can give by the balanced equation
    (at steady state for a continuous step). ``None`` without a limiting reagent or a molar mass.
    """
    limiting, product = reaction.limiting, reaction.product
    if limiting is None or limiting.moles is None or product.moles is None or limiting.moles <= 0:
        return None
    return 100.0 * (product.moles / product.coefficient) / (limiting.moles / limiting.coefficient)


def route_isolated_yield(
    yields: Sequence[float | None], suppliers: Sequence[Sequence[int]], final_step: int
) -> tuple[float | None, tuple[int, ...]]:
    """Overall isolated yield [%] along the longest linear sequence, and that sequence.

    The product of the step yields along the longest chain of steps that ends in the final step
    (the usual "overall yield" of a synthesis; of two equally long chains the lower yield is
    reported). ``suppliers[s]`` are the steps whose products step ``s`` charges. ``None`` if a
    step of the chosen chain has no yield.
    """
    candidates = _longest_chains(suppliers, final_step)
    scored = []
    for chain in candidates:
        values = [yields[s] for s in chain]
        known = [v for v in values if v is not None]
        if len(known) < len(values):
            return None, chain
        scored.append((float(np.prod([v / 100.0 for v in known])) * 100.0, chain))
    return min(scored)


def _longest_chains(suppliers: Sequence[Sequence[int]], final_step: int) -> list[tuple[int, ...]]:
    """Every longest chain of steps that ends in ``final_step`` (first step first), in the order
    of the suppliers' lists.

    Built from the first steps up, without recursion (a chain of thousands of steps is no
    deeper a problem than one of ten): a chain is kept as a linked ``(step, previous)`` pair
    while it grows, so a linear route costs time linear in its steps.
    """
    found: dict[int, list[tuple[int, tuple]]] = {}  # step → [(length, linked chain)]
    stack = [final_step]
    while stack:
        step = stack[-1]
        waiting = [s for s in suppliers[step] if s not in found]
        if waiting:
            stack += reversed(waiting)
            continue
        stack.pop()
        if step in found:
            continue
        below = [chain for supplier in suppliers[step] for chain in found[supplier]]
        if not below:
            found[step] = [(1, (step, ()))]
            continue
        longest = max(length for length, _ in below)
        found[step] = [(length + 1, (step, chain)) for length, chain in below if length == longest]
    chains = []
    for _, linked in found[final_step]:
        steps: list[int] = []
        while linked:
            steps.append(linked[0])
            linked = linked[1]
        chains.append(tuple(reversed(steps)))
    return chains


def telescoped_sequence(
    step: int, suppliers: Sequence[Sequence[int]], isolated: Sequence[bool]
) -> tuple[int, ...]:
    """Step ``step`` and every step whose product reaches it without being isolated."""
    found = [step]
    for current in found:
        found += [s for s in suppliers[current] if not isolated[s] and s not in found]
    return tuple(found)


def _sequence_multipliers(
    sequence: Sequence[int], reactions: Mapping[int, Reaction], order: Sequence[int], basis: str
) -> dict[int, float] | None:
    """How often each step of a telescoped sequence runs per run of its last step.

    ``basis = "moles"``: runs of each step's balanced equation per equation of the last step;
    ``basis = "mass"``: kg of each step's product per kg of the last step's product. ``None``
    if an intermediate is not a reactant of its consumer (moles) or lacks a molar mass.
    """
    members = set(sequence)
    made_by = {reactions[s].product.name: s for s in sequence}
    factor = {sequence[0]: 1.0}
    for consumer in (s for s in order if s in members):
        reaction = reactions[consumer]
        charged = (
            reaction.reactants if basis == "moles" else (*reaction.reactants, *reaction.others)
        )
        for species in charged:
            supplier = made_by.get(species.name)
            if supplier is None or supplier == consumer:
                continue
            if basis == "moles":
                made = reactions[supplier].product.coefficient
                share = species.coefficient / made
            else:
                share = species.kg / reaction.product.kg
            factor[supplier] = factor.get(supplier, 0.0) + factor.get(consumer, 0.0) * share
    if basis == "moles" and len(factor) < len(members):
        return None
    return factor


def telescoped_atom_economy(
    sequence: Sequence[int], reactions: Mapping[int, Reaction], order: Sequence[int]
) -> float | None:
    """Atom economy [%] of a telescoped sequence: its overall balanced equation.

    Each step's equation is scaled so that it makes what the next step consumes; the
    intermediates cancel: 100 × ν_P·M_P / Σ_t f_t Σ_i ν_i·M_i over the reactants that are not
    intermediates of the sequence (Trost's atom economy of the sequence's overall equation; the
    step scaling is that of Andraos's synthesis-tree analysis, Org. Process Res. Dev. 2006, 10,
    212). ``None`` if a molar mass is unknown or an intermediate is not a reactant of the step
    that charges it.
    """
    factor = _sequence_multipliers(sequence, reactions, order, "moles")
    if factor is None:
        return None
    made = {reactions[s].product.name for s in sequence}
    denominator = 0.0
    for s in sequence:
        charged = _equation_mass([r for r in reactions[s].reactants if r.name not in made])
        if charged is None:
            return None
        denominator += factor[s] * charged
    wanted = _equation_mass([reactions[sequence[0]].product])
    return None if wanted is None or denominator == 0 else 100.0 * wanted / denominator


def telescoped_reaction_mass_efficiency(
    sequence: Sequence[int], reactions: Mapping[int, Reaction], order: Sequence[int]
) -> float | None:
    """RME [%] of a telescoped sequence: isolated product per mass of its raw reactants.

    100 × m(isolated product) / Σ m(reactants charged in any step of the sequence, the
    telescoped intermediates excepted), each step scaled to what its consumer charges (the
    overall RME of a synthesis plan, Andraos, Org. Process Res. Dev. 2006, 10, 212).
    """
    factor = _sequence_multipliers(sequence, reactions, order, "mass")
    if factor is None:
        return None
    made = {reactions[s].product.name for s in sequence}
    reactant_kg = sum(
        factor.get(s, 0.0)
        * sum(r.kg for r in reactions[s].reactants if r.name not in made)
        / reactions[s].product.kg
        for s in sequence
    )
    return None if reactant_kg == 0 else 100.0 / reactant_kg
