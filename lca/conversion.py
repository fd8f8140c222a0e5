"""Amounts → kg: units, densities, molar masses, the limiting reagent, run times.

A :class:`StepConverter` turns one step's input lines into kg of each material they bring (a
plain charge, or the solutes and liquid of a solution, :mod:`lca.solutions`), knowing the step's
limiting reagent, the ``basis`` of relative amounts and, for a continuous step, its run time
(flow rates are multiplied by it); :func:`output_kg` does the same for products and co-products.
Problems are raised as :class:`~lca.errors.UnitError` naming the field; an amount that depends on
a problem already reported raises :class:`Skip` instead, so each mistake is reported once.
Energy lines are converted by :mod:`lca.energy`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lca import units as u
from lca.arrays import Variable
from lca.errors import Problem, UnitError
from lca.fieldpath import FieldPath, Location, item_path, step_path
from lca.materials import Material
from lca.modes import Campaign
from lca.quantities import Quantity
from lca.recipe import Coproduct, Input, Product, Recipe, Step
from lca.solutions import part_materials, split_solution
from lca.units import WRITTEN, Values, magnitude

FLOW_RATES = (u.VOLUME_FLOW, u.MASS_FLOW, u.SUBSTANCE_FLOW)


class Skip(Exception):
    """A value depends on a property or amount whose problem is already reported."""


class LoopError(UnitError):
    """Relative amounts refer to each other in a loop; reported once, at ``position``."""

    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.position = position


RELATIVE = (u.EQUIVALENT, u.VOLUME_PER_MASS, u.MASS_RATIO)


@dataclass(frozen=True)
class Part:
    """One material of one input line, in kg on the line's basis (per batch or per run).

    A plain charge has one part (``origin = "charge"``); a solution feed or stream has one part
    per solute (``"feed"``) and one for its dissolving liquid (``"feed solvent"``).
    """

    material: str
    role: str
    kg: Variable
    origin: str = "charge"
    coefficient: float | None = None
    limiting: bool = False


class StepConverter:
    """Converts one step's amounts to kg, knowing its limiting reagent.

    ``limiting_state`` is ``"none"`` (no input marked), ``"ok"``, or ``"broken"`` (marked more
    than once, or its own amount could not be read: that problem is reported once, and amounts
    relative to it are skipped rather than reported again). Input lines are converted once
    (:meth:`parts` remembers each result or problem), so an amount relative to another input
    (``basis``) reuses that input's conversion.
    """

    def __init__(
        self,
        recipe: Recipe,
        index: int,
        materials: Mapping[str, Material],
        broken: set[str],
        plan: Campaign | None = None,
        values: Values = WRITTEN,
    ):
        self.values = values
        self.plan = plan or Campaign(recipe.steps[index].mode)
        self.step: Step = recipe.steps[index]
        self.label = step_path(recipe, index)
        self.materials = materials
        self.broken = broken
        self.limiting: Part | None = None
        self.limiting_position: int | None = None
        self.limiting_state = "none"
        self.limiting_mol: Variable | None = None
        self._parts: dict[int, list[Part] | Exception] = {}
        self._resolving: list[int] = []
        self._product: Variable | Exception | None = None

    @property
    def limiting_coefficient(self) -> float:
        return (self.limiting.coefficient if self.limiting else None) or 1.0

    def where(self, position: int, item: Input, field_name: str = "amount") -> FieldPath:
        """The field ``field_name`` of input line ``position``."""
        return self.line(position, item) / field_name

    def line(self, position: int, item: Input) -> FieldPath:
        """Input line ``position`` of the step: ``steps[s] (id).inputs[k] (material)``."""
        return item_path(self.label, "inputs", position, item.material)

    def molar_mass(self, material_id: str) -> float | None:
        material = self.materials.get(material_id)
        return material.molar_mass_g_per_mol if material else None

    def density(self, material_id: str) -> float | None:
        material = self.materials.get(material_id)
        return material.density if material else None

    def set_limiting(self, position: int, solute: int | None = None) -> None:
        """Record the limiting reagent; on failure mark it broken and re-raise."""
        item = self.step.inputs[position]
        self.limiting_position, self.limiting_state = position, "broken"
        where = self.where(position, item)
        if item.basis is not None:
            raise UnitError(
                f"{self.where(position, item, 'basis')}: the limiting reagent's amount is "
                "absolute, so it has no basis: remove `basis`"
            )
        quantity = self.values.quantity(item.amount, where)
        if quantity.dimensionality in RELATIVE:
            raise UnitError(
                f"{where}: the limiting reagent's amount '{item.amount}' is relative to itself; "
                "give it as a mass, volume or amount of substance"
            )
        parts = self.parts(position)
        limiting = next(p for p in parts if p.limiting) if solute is not None else parts[0]
        self.limiting, self.limiting_state = limiting, "ok"
        molar_mass = self.molar_mass(limiting.material)
        if molar_mass is not None:
            self.limiting_mol = limiting.kg * 1000.0 / molar_mass

    def parts(self, position: int) -> list[Part]:
        """The parts of input line ``position``, converted once; its problem raised each time."""
        cached = self._parts.get(position)
        if isinstance(cached, Exception):
            raise cached
        if cached is not None:
            return cached
        if position in self._resolving:
            chain = [*self._resolving[self._resolving.index(position) :], position]
            names = " → ".join(f"inputs[{p}] ({self.step.inputs[p].material})" for p in chain)
            raise LoopError(
                f"{self.where(position, self.step.inputs[position], 'basis')}: "
                f"relative amounts form a loop ({names}); give one of them as an absolute amount",
                position,
            )
        self._resolving.append(position)
        try:
            parts = self.input_parts(position, self.step.inputs[position])
        except LoopError as exc:
            # the loop is reported at the input where it was found; the others in it are skipped
            self._parts[position] = exc if exc.position == position else Skip()
            raise
        except (UnitError, Skip) as exc:
            self._parts[position] = exc
            raise
        finally:
            self._resolving.pop()
        self._parts[position] = parts
        return parts

    def input_parts(self, position: int, item: Input) -> list[Part]:
        """The parts of one input: itself, or the solutes and the liquid of a solution."""
        where = self.where(position, item)
        if item.basis is not None:
            self._check_basis(position, item)
        if item.concentration is None and not item.solutes:
            for name in ("solvent", "solvent_role", "solution_density"):
                if getattr(item, name) is not None:
                    raise UnitError(
                        f"{self.where(position, item, name)}: only a solution feed (with "
                        "`concentration` or `solutes`) has a dissolving liquid and a density"
                    )
            quantity = self.values.quantity(item.amount, where)
            kg = self.to_kg(quantity, item.material, where, item.amount, item.basis)
            return [Part(item.material, item.role, kg, "charge", item.coefficient, item.limiting)]
        return self._solution(position, item)

    def _check_basis(self, position: int, item: Input) -> None:
        """The basis must be the product or a material of exactly one other input line."""
        where = self.where(position, item, "basis")
        if self.step.product is not None and item.basis == self.step.product.material:
            return
        lines = [
            p
            for p, other in enumerate(self.step.inputs)
            if item.basis in part_materials(other) and p != position
        ]
        if item.basis in part_materials(item):
            raise UnitError(f"{where}: an input cannot be relative to itself; remove `basis`")
        if not lines:
            raise UnitError(
                f"{where}: '{item.basis}' is neither charged to step '{self.step.id}' nor its "
                "product; name an input, a solute or the product of this step"
            )
        if len(lines) > 1:
            raise UnitError(
                f"{where}: '{item.basis}' is charged in {len(lines)} lines of step "
                f"'{self.step.id}' (inputs {', '.join(map(str, lines))}); relative amounts need "
                "one: merge the lines or refer to another material"
            )

    def _basis_part(self, basis: str) -> Part | Variable:
        """kg of a named basis: the part of the input line that charges it, or the product."""
        if self.step.product is not None and basis == self.step.product.material:
            return self._product_basis()
        position = next(p for p, i in enumerate(self.step.inputs) if basis in part_materials(i))
        try:
            parts = self.parts(position)
        except LoopError:
            raise
        except UnitError:
            raise Skip from None
        return next(p for p in parts if p.material == basis)

    def _product_basis(self) -> Variable:
        if self._product is None:
            try:
                self._product = output_kg(self, self.step.made, self.label / "product")
            except (UnitError, Skip) as exc:
                self._product = exc
        if isinstance(self._product, Exception):
            raise Skip
        return self._product

    def basis_kg(self, basis: str | None, where: Location, text: str) -> Variable:
        """kg of the material relative amounts refer to (default: the limiting reagent)."""
        if basis is None:
            return self._limiting(where, text).kg
        found = self._basis_part(basis)
        return found.kg if isinstance(found, Part) else found

    def basis_moles(self, basis: str | None, where: Location, text: str) -> Variable:
        """mol of the material ``equiv`` refer to (default: the limiting reagent)."""
        if basis is None:
            return self.limiting_moles(where, text)
        kg = self.basis_kg(basis, where, text)
        return kg * 1000.0 / self.need_molar_mass(basis, where, text)

    def _solution(self, position: int, item: Input) -> list[Part]:
        """Split a solution feed (one solute) or a stream (``solutes``) into its parts."""
        solutes, liquid, role, liquid_kg = split_solution(self, position, item)
        liquid_coefficient = item.coefficient if item.solutes else None
        return [
            *(Part(s.material, s.role, kg, "feed", s.coefficient, s.limiting) for s, kg in solutes),
            Part(liquid, role, liquid_kg, "feed solvent", liquid_coefficient),
        ]

    def _over_run(self, quantity, where: Location, text: str):
        """A flow rate × the run time of a continuous step; other amounts unchanged."""
        if quantity.dimensionality not in FLOW_RATES:
            return quantity
        if self.plan.run_time_h is None:
            raise UnitError(
                f"{where}: '{text}' is {u.dimension_name(quantity)}; flow rates belong to "
                'continuous steps (mode = "continuous" with run_time); in a batch step give '
                "the amount charged per batch"
            )
        return quantity * u.quantity(self.plan.run_time_h, "h")

    def _limiting(self, where: Location, text: str) -> Part:
        """The limiting reagent's part, for an amount (``text`` at ``where``) relative to it."""
        if self.limiting_state == "broken":
            raise Skip
        if self.limiting is None:
            raise UnitError(
                f"{where}: '{text}' is relative to the limiting reagent, but step "
                f"'{self.step.id}' has none: mark one input with limiting = true (or give "
                "`basis`)"
            )
        return self.limiting

    def limiting_moles(self, where: Location, text: str) -> Variable:
        material = self._limiting(where, text).material
        return self._known(
            self.limiting_mol,
            material,
            f"{where}: '{text}' needs the moles of the limiting reagent '{material}', whose "
            f"molar mass is unknown: add `formula` or `molar_mass` under [materials.{material}]",
        )

    def to_kg(
        self,
        quantity: Quantity,
        material_id: str,
        where: Location,
        text: str,
        basis: str | None = None,
    ) -> Variable:
        """Convert one amount (``text`` as written) to kg of ``material_id``.

        Relative amounts (``equiv``, ``vol``, ``wt``) refer to ``basis``, a material of the same
        step, or by default to the limiting reagent.
        """
        quantity = self._over_run(quantity, where, text)
        dim = quantity.dimensionality
        if dim == u.MASS:
            return magnitude(quantity, "kg")
        if dim == u.VOLUME:
            return self._volume_to_kg(quantity, material_id, where, text)
        if dim == u.SUBSTANCE:
            molar_mass = self.need_molar_mass(material_id, where, text)
            return magnitude(quantity, "mol") * molar_mass / 1000.0
        if dim == u.EQUIVALENT:
            moles = self.basis_moles(basis, where, text)
            molar_mass = self.need_molar_mass(material_id, where, text)
            return magnitude(quantity, "equiv") * moles * molar_mass / 1000.0
        if dim == u.VOLUME_PER_MASS:
            volume = quantity * u.quantity(self.basis_kg(basis, where, text), "kg")
            return self._volume_to_kg(volume, material_id, where, text)
        if dim == u.MASS_RATIO:
            return magnitude(quantity, "wt") * self.basis_kg(basis, where, text)
        raise UnitError(
            f"{where}: '{text}' is {u.dimension_name(quantity)}; a charge must be a mass, "
            "volume, amount of substance (mol), 'equiv', 'vol' (L/kg) or 'wt' (kg/kg)"
        )

    def _known(self, value: Variable | None, material_id: str, problem: str) -> Variable:
        """A material's property; if it is unknown, ``problem`` (or a :class:`Skip` when the
        material's properties already have a reported problem)."""
        if value is not None:
            return value
        if material_id in self.broken:
            raise Skip
        raise UnitError(problem)

    def _volume_to_kg(self, volume, material_id: str, where: Location, text: str) -> Variable:
        density = self._known(
            self.density(material_id),
            material_id,
            f"{where}: '{text}' is a volume, but the density of '{material_id}' is unknown: "
            f'add `density = "... g/mL"` under [materials.{material_id}] or give a mass',
        )
        return magnitude(volume, "mL") * density / 1000.0

    def need_molar_mass(self, material_id: str, where: Location, text: str) -> Variable:
        return self._known(
            self.molar_mass(material_id),
            material_id,
            f"{where}: '{text}' needs the molar mass of '{material_id}', which is unknown: "
            f"add `formula` or `molar_mass` under [materials.{material_id}], or give a mass",
        )


def set_limiting(convert: StepConverter, problems: list[Problem]) -> None:
    """Find the step's limiting reagent (an input or a solute of a stream) and convert it."""
    step = convert.step
    marked: list[tuple[int, int | None, str]] = [
        (p, None, item.material) for p, item in enumerate(step.inputs) if item.limiting
    ]
    marked += [
        (p, k, solute.material)
        for p, item in enumerate(step.inputs)
        for k, solute in enumerate(item.solutes)
        if solute.limiting
    ]
    if len(marked) > 1:
        convert.limiting_state = "broken"
        names = ", ".join(f"'{name}'" for _, _, name in marked)
        problems.append(
            Problem(
                f"{convert.label}.inputs",
                f"step '{step.id}' marks {len(marked)} inputs as limiting ({names}); mark one",
            )
        )
    elif marked:
        position, solute, _ = marked[0]
        try:
            convert.set_limiting(position, solute)
        except UnitError as exc:
            problems.append(Problem("", str(exc)))
        except Skip:
            pass


def output_kg(convert: StepConverter, output: Product | Coproduct, where: FieldPath) -> Variable:
    """kg of a step's product or co-product: an amount, or a molar yield on the limiting reagent.

    A rate is collected over the productive time of a continuous step (run time − start-up);
    a yield is collected over the same share of the run.
    """
    if output.amount is not None and output.yield_ is not None:
        raise UnitError(f"{where}: give the isolated `amount` or the `yield`, not both")
    if output.amount is not None:
        quantity = convert.values.quantity(output.amount, where / "amount")
        if quantity.dimensionality in FLOW_RATES and convert.plan.run_time_h is not None:
            # collected only after start-up: rate × (run time − start-up time)
            productive_h = convert.plan.run_time_h - convert.plan.startup_h
            quantity = quantity * u.quantity(productive_h, "h")
        if quantity.dimensionality not in (u.MASS, u.VOLUME, u.SUBSTANCE):
            raise UnitError(
                f"{where}.amount: '{output.amount}' is {u.dimension_name(quantity)}; "
                "give the isolated mass"
            )
        return convert.to_kg(quantity, output.material, where / "amount", output.amount)
    if output.yield_ is None:
        raise UnitError(
            f"{where}: give the isolated `amount` (e.g. '5.1 kg') or the molar "
            "`yield` on the limiting reagent"
        )
    fraction = convert.values.fraction(output.yield_, where / "yield")
    text = f"yield {output.yield_}"
    limiting_mol = convert.limiting_moles(where / "yield", text)
    molar_mass = convert.need_molar_mass(output.material, where / "yield", text)
    # a continuous step's output before steady state is diverted: collected share of the run
    moles = (
        fraction
        * limiting_mol
        * output.coefficient
        / convert.limiting_coefficient
        * convert.plan.productive_fraction
    )
    return moles * molar_mass / 1000.0


def product_kg(convert: StepConverter) -> Variable:
    """kg of the step's product on the step's basis (per batch, or collected over the run)."""
    return output_kg(convert, convert.step.made, convert.label / "product")
