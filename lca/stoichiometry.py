"""Checks of a step's balanced equation against its charges; warnings name the likely culprit.

An atom economy above 100 % means the reactants of the equation weigh less than what it makes:
an input that gives atoms to the product is not marked ``reactant``, or a coefficient is too low
(or the product's too high). A reaction mass efficiency above 100 % means the product weighs
more than the reactants charged. A reactant charged below its stoichiometric share of the
limiting reagent, or an output above what the limiting reagent can give, means the charge and
the coefficients disagree. The element balance of the formulas, where they are known, points
at the input to fix.
"""

from __future__ import annotations

from collections.abc import Sequence

from lca import metrics as m
from lca.errors import Problem
from lca.reaction import Reaction, Species

TOLERANCE = 1e-6
MAX_COEFFICIENT = 12


def check_reaction(reaction: Reaction) -> list[Problem]:
    """Every disagreement between a step's equation and its charges, as warnings."""
    problems = _against_limiting(reaction)
    outputs = (reaction.product, *reaction.coproducts)
    ae = m.atom_economy(reaction, coproduct_credit=bool(reaction.coproducts))
    culprit = None
    if ae is not None and ae > 100.0 * (1 + TOLERANCE):
        where, culprit = _balance_culprit(reaction, outputs)
        what = "the product and co-products weigh" if reaction.coproducts else "the product weighs"
        problems.append(
            Problem(
                where,
                f"atom economy is {ae:.1f} %: {what} more than the reactants of the balanced "
                f"equation; {culprit}",
            )
        )
    rme = m.reaction_mass_efficiency(reaction)
    if rme is not None and rme > 100.0 * (1 + TOLERANCE):
        where, reason = (
            (reaction.product.where, "see the atom-economy warning")
            if culprit
            else _mass_culprit(reaction)
        )
        problems.append(
            Problem(
                where,
                f"reaction mass efficiency is {rme:.1f} %: the product isolated weighs more than "
                f"the reactants charged; {reason}",
            )
        )
    return problems


def _against_limiting(reaction: Reaction) -> list[Problem]:
    """Reactants below their share of the limiting reagent; outputs above what it can give."""
    limiting = reaction.limiting
    if limiting is None or limiting.moles is None or limiting.moles == 0:
        return []
    extent = limiting.moles / limiting.coefficient
    problems = []
    for reactant in reaction.reactants:
        if reactant.name == limiting.name or reactant.moles is None:
            continue
        if reactant.moles / reactant.coefficient < extent * (1 - TOLERANCE):
            problems.append(
                Problem(
                    reactant.where,
                    f"'{reactant.name}' is charged at {reactant.moles / limiting.moles:.3g} mol "
                    f"per mol of the limiting reagent '{limiting.name}', below the "
                    f"{reactant.coefficient / limiting.coefficient:.3g} its coefficient "
                    f"({reactant.coefficient:g}) needs: '{reactant.name}', not "
                    f"'{limiting.name}', limits the step, or its amount or coefficient is wrong",
                )
            )
    for output in (reaction.product, *reaction.coproducts):
        if output.moles is None:
            continue
        theoretical = output.moles / output.coefficient / extent
        if theoretical > 1 + TOLERANCE:
            problems.append(
                Problem(
                    output.where,
                    f"{output.moles:.4g} mol of '{output.name}' (coefficient "
                    f"{output.coefficient:g}) is {100 * theoretical:.0f} % of what "
                    f"{limiting.moles:.4g} mol of the limiting reagent '{limiting.name}' "
                    f"(coefficient {limiting.coefficient:g}) can give; check the amount and "
                    "the coefficients",
                )
            )
    return problems


def _atoms(species: Sequence[Species]) -> dict[str, float] | None:
    """Atoms of each element across ``species``, weighted by their coefficients."""
    total: dict[str, float] = {}
    for s in species:
        atoms = s.atoms
        if atoms is None:
            return None
        for element, count in atoms.items():
            total[element] = total.get(element, 0.0) + s.coefficient * count
    return total


def _short(need: dict[str, float], have: dict[str, float]) -> dict[str, tuple[float, float]]:
    return {
        e: (need[e], have.get(e, 0)) for e in need if need[e] > have.get(e, 0) * (1 + TOLERANCE)
    }


def _balance_culprit(reaction: Reaction, outputs: Sequence[Species]) -> tuple[str, str]:
    """Where to look and what to change when the equation's outputs outweigh its reactants."""
    generic = (
        reaction.product.where,
        _role_hint(reaction.others)
        + " or a reactant's coefficient is too low (or the product's too high)",
    )
    need, have = _atoms(outputs), _atoms(reaction.reactants)
    if need is None or have is None:
        return generic
    short = _short(need, have)
    if not short:
        return generic
    absent = [e for e in short if have.get(e, 0) == 0]
    if absent:
        bringers = [
            o
            for o in reaction.others
            if o.atoms is not None and any(o.atoms.get(e) for e in absent)
        ]
        elements = ", ".join(absent)
        if bringers:
            first = bringers[0]
            names = ", ".join(f"'{o.name}' (role '{o.role}')" for o in bringers)
            return (
                f"{first.where}.role",
                f"the product contains {elements}, which no reactant brings but {names} does: "
                'if it gives atoms to the product, make it role = "reactant"',
            )
        return (
            reaction.product.where,
            f"the product contains {elements}, which no input brings: check the product's "
            "formula, or add the reactant that brings it",
        )
    fixes = []
    for index, reactant in enumerate(reaction.reactants):
        for coefficient in range(int(reactant.coefficient) + 1, MAX_COEFFICIENT + 1):
            trial = list(reaction.reactants)
            trial[index] = Species(reactant.name, reactant.kg, reactant.molar_mass, coefficient,
                                   reactant.formula)  # fmt: skip
            if not _short(need, _atoms(trial) or {}):
                fixes.append((coefficient - reactant.coefficient, reactant, coefficient))
                break
    element, (needed, given) = next(iter(short.items()))
    outputs_name = (
        "the product and co-products hold" if reaction.coproducts else "the product holds"
    )
    balance = f"{outputs_name} {needed:g} {element} per equation, the reactants {given:g}"
    if fixes:
        _, reactant, coefficient = min(fixes, key=lambda fix: fix[0])
        return (
            f"{reactant.where}.coefficient",
            f"{balance}: '{reactant.name}' has coefficient {reactant.coefficient:g} but balances "
            f"at {coefficient:g}; set its coefficient (or check the product's)",
        )
    return (reaction.product.where, f"{balance}: check the coefficients and the roles")


def _mass_culprit(reaction: Reaction) -> tuple[str, str]:
    """Where to look when the product outweighs the reactants charged."""
    product = reaction.product
    if product.moles is not None:
        extent = product.moles / product.coefficient
        short = [
            r
            for r in reaction.reactants
            if r.moles is not None and r.moles / r.coefficient < extent * (1 - TOLERANCE)
        ]
        if short and short[0].moles is not None:
            first, moles = short[0], short[0].moles
            return (
                first.where,
                f"'{first.name}' ({moles:.4g} mol, coefficient {first.coefficient:g}) can "
                f"give at most {moles / first.coefficient * product.coefficient:.4g} mol "
                f"of '{product.name}', but the step makes {product.moles:.4g} mol: check its "
                "amount and coefficient",
            )
    return product.where, _role_hint(reaction.others)


def _role_hint(others: Sequence[Species]) -> str:
    names = ", ".join(f"'{o.name}' ({o.role})" for o in others if o.role != "reactant")
    return "an input that gives atoms to the product is probably not marked role = " + (
        f'"reactant" (other inputs: {names})' if names else '"reactant"'
    )
