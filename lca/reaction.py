"""What a step's chemistry needs for atom economy, RME, carbon efficiency and isolated yield.

A :class:`Reaction` lists the species of one step on the basis of one batch (or one run) at steady
state: the reactants (inputs and solutes with role ``reactant``), the product, the co-products, the
limiting reagent, and the other inputs (used only to name the likely culprit when the balance
looks wrong, see :mod:`lca.stoichiometry`). Only the reactant's own mass counts: the liquid of a
solution feed is a separate part with its own role.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lca.elements import parse_formula
from lca.fieldpath import item_path
from lca.recipe import Step

if TYPE_CHECKING:
    from lca.conversion import Part, StepConverter


@dataclass(frozen=True)
class Species:
    """One reactant, product, co-product or other input of a step.

    ``kg`` is per batch (or per run) at steady state; ``molar_mass`` in g/mol, ``None`` if
    unknown; ``formula`` is ``""`` if unknown; ``where`` locates it in the recipe for messages.
    """

    name: str
    kg: float
    molar_mass: float | None
    coefficient: float = 1.0
    formula: str = ""
    role: str = ""
    where: str = ""

    @property
    def moles(self) -> float | None:
        """Amount of substance [mol], ``None`` without a molar mass."""
        return None if self.molar_mass is None else self.kg * 1000.0 / self.molar_mass

    @property
    def atoms(self) -> Counter[str] | None:
        """Atoms per formula unit, ``None`` without a formula."""
        return parse_formula(self.formula) if self.formula else None

    @property
    def carbon(self) -> int | None:
        """Carbon atoms per formula unit, ``None`` without a formula."""
        atoms = self.atoms
        return None if atoms is None else atoms.get("C", 0)


@dataclass(frozen=True)
class Reaction:
    """The species of one step's reaction (see the module docstring)."""

    step: str
    reactants: tuple[Species, ...]
    product: Species
    coproducts: tuple[Species, ...] = ()
    limiting: Species | None = None
    others: tuple[Species, ...] = ()
    isolated: bool = True

    @property
    def reactant_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.reactants)


def _species(convert: StepConverter, name: str, kg, coefficient, role: str, where: str):
    material = convert.materials.get(name)
    return Species(
        name,
        float(np.asarray(kg).reshape(-1)[0]),  # a one-variant override is a (1,) array
        convert.molar_mass(name),
        coefficient or 1.0,
        material.formula if material else "",
        role,
        where,
    )


def build_reaction(
    step: Step,
    convert: StepConverter,
    parts: Mapping[int, Sequence[Part]],
    product_kg: float,
    coproduct_kg: list[float],
) -> Reaction:
    """The step's species on its steady-state basis; a solution's parts count separately."""
    reactants: list[Species] = []
    others: list[Species] = []
    limiting: Species | None = None
    for position, lines in parts.items():
        where = str(convert.line(position, step.inputs[position]))
        for part in lines:
            at = where if part.origin == "charge" else f"{where} '{part.material}'"
            species = _species(convert, part.material, part.kg, part.coefficient, part.role, at)
            (reactants if part.role == "reactant" else others).append(species)
            if part.limiting:
                limiting = species
    product = step.made
    coproducts = tuple(
        _species(
            convert,
            line.material,
            kg,
            line.coefficient,
            "coproduct",
            str(item_path(convert.label, "coproducts", k, line.material)),
        )
        for k, (line, kg) in enumerate(zip(step.coproducts, coproduct_kg, strict=True))
    )
    return Reaction(
        step=step.id,
        reactants=tuple(reactants),
        product=_species(
            convert,
            product.material,
            product_kg,
            product.coefficient,
            "product",
            str(convert.label / "product"),
        ),
        coproducts=coproducts,
        limiting=limiting,
        others=tuple(others),
        isolated=product.isolated,
    )
