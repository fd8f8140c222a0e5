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

from collections.abc import Sequence

import numpy as np

from lca.engine import Evaluation
from lca.inventory import Reaction

ROLE_GROUPS = {
    "reactants": ("reactant", "reagent", "catalyst"),
    "solvents": ("solvent",),
    "water": ("water",),
    "workup": ("workup",),
}


def _raw_sum(ev: Evaluation, is_raw: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    keep = is_raw if mask is None else is_raw & mask
    return ev.flow[:, keep].sum(axis=1)


def route_pmi(ev: Evaluation, is_raw: np.ndarray) -> np.ndarray:
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


def step_pmi(ev: Evaluation) -> np.ndarray:
    """Step PMI [kg/kg of the step's product], ``(N, S)``.

    PMI_s = Σ_m q_{m,s}: all inputs charged to step s, intermediates included, per kg of its
    isolated product (Jimenez-Gonzalez et al. 2011, doi:10.1021/op200097d).
    """
    return ev.step_pmi


def pmi_by_role(ev: Evaluation, is_raw: np.ndarray, roles: np.ndarray) -> dict[str, np.ndarray]:
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


def solvent_intensity(ev: Evaluation, is_raw: np.ndarray, roles: np.ndarray) -> np.ndarray:
    """Solvent intensity [kg solvent / kg product]: raw solvents (water excluded) per kg product.

    SI = m(solvents) / m(product) (Constable, Curzons, Cunningham, Green Chem. 2002, 4, 521,
    doi:10.1039/B206169B; ACS GCI PR breakdown).
    """
    return _raw_sum(ev, is_raw, roles == "solvent")


def water_intensity(ev: Evaluation, is_raw: np.ndarray, roles: np.ndarray) -> np.ndarray:
    """Water intensity [kg water / kg product]: process water (role water) per kg product.

    WI = m(process water) / m(product) (ACS GCI PR convention: water is part of PMI).
    """
    return _raw_sum(ev, is_raw, roles == "water")


def complete_e_factor(pmi: np.ndarray) -> np.ndarray:
    """Complete E-factor (cEF) [kg waste / kg product] = PMI − 1, assuming no recycling.

    Upper bound of the true E-factor (Roschangar, Sheldon, Senanayake, Green Chem. 2015, 17, 752,
    doi:10.1039/C4GC01563K; Sheldon, Green Chem. 2007, 9, 1273, doi:10.1039/B713736M).
    """
    return pmi - 1.0


def simple_e_factor(ev: Evaluation, is_raw: np.ndarray, roles: np.ndarray) -> np.ndarray:
    """Simple E-factor (sEF) [kg/kg]: raw materials other than solvents and water, minus product.

    sEF = (Σ m(reactants, reagents, catalysts, work-up) − m(product)) / m(product); a lower bound
    of the true E-factor (Roschangar et al. 2015, doi:10.1039/C4GC01563K).
    """
    return _raw_sum(ev, is_raw, ~np.isin(roles, ("solvent", "water"))) - 1.0


def recovered_mass(ev: Evaluation, is_raw: np.ndarray, recovered: np.ndarray) -> np.ndarray:
    """Mass recovered for reuse [kg / kg product]: Σ y_m × recovered fraction of each raw input."""
    return (ev.flow[:, is_raw] * recovered[is_raw]).sum(axis=1)


def pmi_net_of_recovery(ev: Evaluation, is_raw: np.ndarray, recovered: np.ndarray) -> np.ndarray:
    """PMI net of solvent recovery [kg/kg] = PMI − recovered mass.

    Reported beside, never instead of, the conventional PMI, which does not net out recycling
    (ACS GCI PR convention; netting is documented as non-standard by the costcalc2 project).
    """
    return route_pmi(ev, is_raw) - recovered_mass(ev, is_raw, recovered)


def mass_productivity(pmi: np.ndarray) -> np.ndarray:
    """Mass productivity [%] = 100 / PMI (Constable et al. 2002, doi:10.1039/B206169B)."""
    return 100.0 / pmi


def route_reaction_mass_efficiency(
    ev: Evaluation, is_raw: np.ndarray, roles: np.ndarray
) -> np.ndarray:
    """Overall reaction mass efficiency of the route [%].

    100 × m(final product) / Σ m(raw inputs with role reactant), i.e. the raw reactants consumed
    across all steps per kg of product (yields and excess included; solvents, reagents, catalysts
    and work-up excluded). The route analogue of RME (Andraos, Org. Process Res. Dev. 2005, 9,
    149, doi:10.1021/op049803n).
    """
    return 100.0 / _raw_sum(ev, is_raw, roles == "reactant")


def _complete(values: Sequence[float | int | None]) -> bool:
    return all(value is not None for value in values)


def atom_economy(reaction: Reaction) -> float | None:
    """Atom economy [%] = 100 × ν_P·MW_P / Σ_i ν_i·MW_i over the step's reactants.

    Theoretical: independent of yield and excess (Trost, Science 1991, 254, 1471,
    doi:10.1126/science.1962206). ``None`` if a molar mass is unknown.
    """
    masses = (*reaction.reactant_molar_mass, reaction.product_molar_mass)
    if not reaction.reactant_names or not _complete(masses):
        return None
    denominator = sum(
        nu * mw
        for nu, mw in zip(reaction.reactant_coefficient, reaction.reactant_molar_mass, strict=True)
    )
    return 100.0 * reaction.product_coefficient * reaction.product_molar_mass / denominator


def reaction_mass_efficiency(reaction: Reaction) -> float | None:
    """Reaction mass efficiency [%] = 100 × m(product) / Σ m(reactants charged).

    Folds in atom economy, yield and excess; ignores solvents, reagents, catalysts and work-up
    (Curzons, Constable, Mortimer, Cunningham, Green Chem. 2001, 3, 1, doi:10.1039/B007871I;
    Constable et al. 2002, doi:10.1039/B206169B). ``None`` for a step with no reactant.
    """
    if not reaction.reactant_names:
        return None
    return float(100.0 * reaction.product_kg / sum(reaction.reactant_kg))


def carbon_efficiency(reaction: Reaction) -> float | None:
    """Carbon efficiency [%] = 100 × n_P·C_P / Σ_i n_i·C_i with the amounts actually charged.

    C = carbon atoms per molecule, n = moles (Constable et al. 2002, doi:10.1039/B206169B).
    ``None`` if a formula or molar mass is unknown or the reactants hold no carbon.
    """
    needed = (
        *reaction.reactant_molar_mass, *reaction.reactant_carbon,
        reaction.product_molar_mass, reaction.product_carbon,
    )  # fmt: skip
    if not reaction.reactant_names or not _complete(needed):
        return None
    carbon_in = sum(
        kg * 1000.0 / mw * c
        for kg, mw, c in zip(
            reaction.reactant_kg,
            reaction.reactant_molar_mass,
            reaction.reactant_carbon,
            strict=True,
        )
    )
    if carbon_in == 0:
        return None
    carbon_out = (
        reaction.product_kg * 1000.0 / reaction.product_molar_mass * reaction.product_carbon
    )
    return float(100.0 * carbon_out / carbon_in)
