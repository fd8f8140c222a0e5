"""Recipe → :class:`~lca.inventory.model.Inventory`: every line converted to kg, every problem
collected (a recipe is fixed in one pass)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lca import modes
from lca.arrays import Flags, Variable
from lca.conversion import (
    Part,
    Skip,
    StepConverter,
    output_kg,
    product_kg,
    set_limiting,
)
from lca.coproducts import coproduct_problems
from lca.energy import energy_amount, mixed_energy_units, recovery_lines
from lca.engine import CompiledRoute
from lca.errors import Problem, RecipeError, UnitError
from lca.fieldpath import FACILITY, FieldPath, Location, item_path, step_path
from lca.graph import check_graph
from lca.inventory.model import CoproductLine, EnergyLine, Flow, Inventory
from lca.materials import Material, resolve_materials, suggest
from lca.modes import Campaign
from lca.prices import Price, parse_price
from lca.reaction import Reaction, build_reaction
from lca.recipe import Recipe, Step
from lca.solutions import one_stream_twice
from lca.stoichiometry import check_reaction
from lca.units import WRITTEN, Values


def build_inventory(
    recipe: Recipe, materials: Mapping[str, Material] | None = None, values: Values = WRITTEN
) -> Inventory:
    """Convert a recipe's amounts to campaign totals and propagate demand from 1 kg of product.

    Parameters
    ----------
    values : Values, optional
        Overridden fields for N variants (Monte Carlo draws, sweep points); the recipe as
        written by default. With overrides, the step reaction metrics are not computed and
        the per-variant mass balance is not checked (the recipe as written is).

    Raises
    ------
    RecipeError
        With every problem found (graph, units, modes, missing properties), each naming the
        recipe file and the field.
    """
    return _Builder(recipe, materials, values).build()


class _Builder:
    """Walks a recipe step by step, collecting flows, energy lines and problems."""

    def __init__(self, recipe: Recipe, materials: Mapping[str, Material] | None, values: Values):
        self.recipe = recipe
        self.values = values
        self.n = values.size
        # the recipe as written (not variants, even one): chemistry and residue checks apply
        self.written = not values.overrides
        self.table, self.problems = resolve_materials(recipe, materials)
        self.graph, graph_problems = check_graph(recipe)
        self.problems += graph_problems
        self.producer = (
            self.graph.producer
            if self.graph
            else {s.product.material: i for i, s in enumerate(recipe.steps) if s.product}
        )
        self.known = set(self.table) | set(self.producer)
        self.broken = {
            p.where.split(".")[1] for p in self.problems if p.where.startswith("materials.")
        }
        self.warnings: list[str] = []
        self.flows: list[Flow] = []
        self.charges: list[Variable] = []
        self.flow_step: list[int] = []
        self.energy_lines: list[EnergyLine] = []
        self.energy_amounts: list[float] = []
        self.energy_step: list[int] = []
        self.energy_where: list[FieldPath | str] = []
        self.product_kg: list = [0.0] * len(recipe.steps)
        self.reactions: list[Reaction | None] = []
        self.coproducts: list[CoproductLine] = []
        self.coproduct_kg: list = []
        self.product_price: list[Price | None] = [None] * len(recipe.steps)
        self.step_start = (0, 0)  # the first input line and co-product of the step being added

    def report(self, exc: Exception, where: str = "") -> None:
        self.problems.append(Problem(where, str(exc)))

    def build(self) -> Inventory:
        plans: list[Campaign | None] = []
        for index, step in enumerate(self.recipe.steps):
            try:
                plans.append(modes.campaign(step, step_path(self.recipe, index), self.values))
            except UnitError as exc:
                self.report(exc)
                plans.append(None)
            self.add_step(index, step, plans[-1])
        campaigns = [plan for plan in plans if plan is not None]
        if self.recipe.facility is not None and self.graph and len(campaigns) == len(plans):
            self.add_facility(self.recipe.facility, campaigns, self.graph.final_step)
        recovery = [
            (
                EnergyLine(f.step, line.carrier, line.unit),
                f"steps ({f.step}).inputs ({f.material}).recovery_energy ({line.carrier})",
            )
            for f in self.flows
            for line in f.recovery_energy
        ]
        self.problems += mixed_energy_units(
            [*self.energy_lines, *(line for line, _ in recovery)],
            [*self.energy_where, *(where for _, where in recovery)],
        )
        if self.problems or self.graph is None:  # no graph without a problem saying why
            raise RecipeError(self.recipe.locate(self.problems), source=self.recipe.origin)
        route = CompiledRoute(
            n_steps=len(self.recipe.steps),
            final_step=self.graph.final_step,
            order=np.array(self.graph.order),
            flow_step=np.array(self.flow_step, dtype=int),
            flow_producer=np.array(
                [self.producer[f.material] if f.intermediate else -1 for f in self.flows],
                dtype=int,
            ),
            energy_step=np.array(self.energy_step, dtype=int),
        )
        return Inventory(
            recipe=self.recipe,
            materials=self.table,
            route=route,
            flows=tuple(self.flows),
            energy_lines=tuple(self.energy_lines),
            charge_columns=tuple(self.charges),
            product_columns=tuple(self.product_kg),
            energy_columns=tuple(self.energy_amounts),
            reactions=tuple(self.reactions),
            warnings=tuple(self.warnings),
            variants=self.n,
            values=self.values,
            coproducts=tuple(self.coproducts),
            coproduct_columns=tuple(self.coproduct_kg),
            allocation=tuple(step.allocation for step in self.recipe.steps),
            product_price=tuple(self.product_price),
        )

    def add_flow(self, index: int, flow: Flow, kg: Variable, where: FieldPath) -> None:
        """Add one input line; ``where`` locates it (``steps[0] (s).inputs[1] (water)``)."""
        if flow.intermediate and np.any(flow.recovered > 0):
            self.problems.append(
                Problem(
                    str(where / "recovered"),
                    f"'{flow.material}' is an intermediate (made by step "
                    f"'{self.recipe.steps[self.producer[flow.material]].id}'); `recovered` "
                    "applies to raw materials such as solvents: remove it",
                )
            )
        if flow.material not in self.known:
            self.warnings.append(
                f"{self.recipe.where(where / 'material')}: material '{flow.material}' is not in "
                f"factors/materials.csv and the recipe gives no [materials.{flow.material}]"
                f"{suggest(flow.material, self.known)}"
            )
        self.flows.append(flow)
        self.charges.append(kg)
        self.flow_step.append(index)

    def add_energy(self, index: int, line: EnergyLine, amount: float, where: FieldPath) -> None:
        self.energy_lines.append(line)
        self.energy_amounts.append(amount)
        self.energy_step.append(index)
        self.energy_where.append(where)

    def add_energy_lines(
        self, index: int, lines, where: FieldPath, run_time_h, multiplier, origin: str
    ) -> None:
        """Energy lines × ``multiplier``; a line with power alone runs for ``run_time_h``."""
        step_id = self.recipe.steps[index].id
        for position, line in enumerate(lines):
            location = where.item(position, line.carrier)
            try:
                amount, unit = energy_amount(location, line, run_time_h, self.values)
            except UnitError as exc:
                self.report(exc)
                continue
            self.add_energy(
                index,
                EnergyLine(step_id, line.carrier, unit, origin),
                amount * multiplier,
                location,
            )

    def warn(self, where: Location, message: str) -> None:
        self.warnings.append(f"{self.recipe.origin}: {where}: {message}")

    def add_step(self, index: int, step: Step, plan: Campaign | None) -> None:
        self.step_start = (len(self.flows), len(self.coproducts))
        convert = StepConverter(self.recipe, index, self.table, self.broken, plan, self.values)
        if plan is None:  # its problem is reported; nothing else of the step can be converted
            self.reactions.append(None)
            return
        set_limiting(convert, self.problems)
        parts = self.add_inputs(index, step, convert, plan)
        self.warnings += one_stream_twice(self.recipe.origin, convert.label, step)
        self.add_cleaning(index, step, convert, plan)
        self.add_energy_lines(
            index,
            step.energy,
            convert.label / "energy",
            plan.run_time_h,
            plan.charge_multiplier,
            "utilities",
        )
        if step.product is None:
            self.reactions.append(None)
            return
        self.problems += coproduct_problems(self.recipe, index, self.producer)
        if not step.product.isolated and step.product.material == self.recipe.route.product:
            self.problems.append(
                Problem(
                    str(convert.label / "product" / "isolated"),
                    f"the route product '{step.product.material}' must be isolated: metrics are "
                    "per kg of isolated product; remove `isolated = false`",
                )
            )
        self.product_price[index] = self.price(step.product.price, convert.label / "product")
        outputs = self.add_outputs(index, step, convert, plan)
        reaction = None
        if outputs is not None:
            product, coproducts = outputs
            complete = len(parts) == len(step.inputs)
            # variants (sweep points, Monte Carlo draws) get the checks of the recipe as written
            self.problems += _product_problems(
                convert, product, sum(coproducts), parts, complete, self.values.source
            )
            if complete and self.written:
                # chemistry on the steady-state basis: before failures and start-up losses
                steady = plan.productive_fraction
                reaction = build_reaction(
                    step,
                    convert,
                    parts,
                    product / steady,
                    [kg / steady for kg in coproducts],
                )
                for problem in check_reaction(reaction):
                    self.warn(problem.where, problem.message)
                self.residue_warning(index, convert.label)
        self.reactions.append(reaction)

    def residue_warning(self, index: int, label: Location) -> None:
        """The process residue the footprint incinerates (a step's non-solvent, non-water
        inputs − its outputs, campaign totals) must not be negative."""
        # the step's lines and co-products are the last ones added (facility lines come later)
        first_line, first_coproduct = self.step_start
        charged = sum(
            kg
            for kg, flow in zip(self.charges[first_line:], self.flows[first_line:], strict=True)
            if flow.role not in ("solvent", "water")
        )
        made = float(self.product_kg[index]) + sum(
            float(kg) for kg in self.coproduct_kg[first_coproduct:]
        )
        if made > charged * (1 + 1e-9):
            self.warn(
                label,
                f"the process residue is negative: the outputs ({made:.6g} kg per campaign) "
                f"weigh more than the non-solvent, non-water inputs ({charged:.6g} kg), so its "
                "waste treatment would count as a credit; an input that ends up in the product "
                "(water of crystallisation, a solvent that reacts) needs the role 'reactant' or "
                "'reagent'",
            )

    def price(self, text: str | None, where: FieldPath) -> Price | None:
        if text is None:
            return None
        try:
            return parse_price(text, where / "price")
        except UnitError as exc:
            self.report(exc)
            return None

    def add_outputs(self, index: int, step: Step, convert: StepConverter, plan: Campaign):
        """The product and co-products (per batch or run); their campaign totals are stored."""
        product = None
        try:
            product = product_kg(convert)
        except UnitError as exc:
            self.report(exc)
        except Skip:
            pass
        else:
            self.product_kg[index] = product * plan.output_multiplier
        coproducts = []
        for position, line in enumerate(step.coproducts):
            where = item_path(convert.label, "coproducts", position, line.material)
            price = self.price(line.price, where)
            try:
                kg = output_kg(convert, line, where)
            except UnitError as exc:
                self.report(exc)
                continue
            except Skip:
                continue
            coproducts.append(kg)
            self.coproducts.append(
                CoproductLine(
                    step.id,
                    line.material,
                    line.coefficient,
                    price,
                    line.displaces or line.material,
                    line.notes,
                )
            )
            self.coproduct_kg.append(kg * plan.output_multiplier)
        if product is None or len(coproducts) < len(step.coproducts):
            return None
        return product, coproducts

    def add_inputs(self, index: int, step: Step, convert: StepConverter, plan: Campaign):
        """Input lines (per batch or per run) × the campaign multiplier; returns the parts of
        each line that could be converted, per batch, by position."""
        converted: dict[int, list[Part]] = {}
        for position, item in enumerate(step.inputs):
            if position == convert.limiting_position and convert.limiting_state == "broken":
                continue  # its problem is reported once, by set_limiting
            try:
                parts = convert.parts(position)
                recovered = (
                    0.0
                    if item.recovered is None
                    else self.values.fraction(
                        item.recovered, convert.where(position, item, "recovered")
                    )
                )
                recovery = recovery_lines(
                    convert.where(position, item, "recovery_energy"), item, recovered
                )
            except UnitError as exc:
                self.report(exc)
                continue
            except Skip:
                continue
            for part in parts:
                # a solution's recovery applies to its liquid; a plain charge's to itself
                own = part.origin in ("charge", "feed solvent")
                flow = Flow(
                    step.id,
                    part.material,
                    part.role,
                    part.material in self.producer,
                    recovered if own else 0.0,
                    item.amount,
                    recovery if own else (),
                    part.origin,
                    item.stage,
                )
                self.add_flow(
                    index,
                    flow,
                    part.kg * plan.charge_multiplier,
                    convert.line(position, item),
                )
            converted[position] = parts
        return converted

    def add_cleaning(self, index: int, step: Step, convert: StepConverter, plan: Campaign):
        for position, line in enumerate(step.cleaning):
            where = item_path(convert.label, "cleaning", position, line.material)
            try:
                uses = modes.cleaning_multiplier(step, line, plan, where)
            except UnitError as exc:
                self.report(exc)
                continue
            self.add_cleaning_line(
                index, convert, line, where, uses, modes.CLEANING_ORIGINS[line.per]
            )

    def add_cleaning_line(
        self, index: int, convert: StepConverter, line, where: FieldPath, uses: float, origin: str
    ) -> None:
        """One cleaning, flush or changeover line, used ``uses`` times in the campaign."""
        try:
            quantity = self.values.quantity(line.amount, where / "amount")
            kg = convert.to_kg(quantity, line.material, where / "amount", line.amount)
            recovered = (
                0.0
                if line.recovered is None
                else self.values.fraction(line.recovered, where / "recovered")
            )
        except UnitError as exc:
            self.report(exc)
            return
        except Skip:
            return
        flow = Flow(
            self.recipe.steps[index].id,
            line.material,
            line.role,
            line.material in self.producer,
            recovered,
            line.amount,
            (),
            origin,
        )
        self.add_flow(index, flow, kg * uses, where)

    def add_facility(self, facility, plans: list[Campaign], index: int) -> None:
        """Facility overheads and changeover, per campaign of the final product (charged to
        the final step, ``index``)."""
        try:
            share = modes.facility_share(facility, plans, self.values)
        except UnitError as exc:
            self.report(exc)
            return
        self.add_energy_lines(
            index,
            facility.overheads,
            FACILITY / "overheads",
            share.campaign_h,
            share.share,
            "facility overhead",
        )
        convert = StepConverter(self.recipe, index, self.table, self.broken, values=self.values)
        for position, line in enumerate(facility.changeover):
            where = item_path(FACILITY, "changeover", position, line.material)
            if line.per != "campaign":
                self.report(UnitError(f"{where}.per: changeover cleaning is per campaign"))
                continue
            self.add_cleaning_line(index, convert, line, where, 1.0, "changeover cleaning")


def _product_problems(
    convert: StepConverter,
    product_kg,
    coproduct_kg,
    parts: dict[int, list[Part]],
    complete: bool,
    source: str = "",
) -> list[Problem]:
    """A step that makes nothing, or more than it is charged; for N variants, in any of them."""
    step = convert.step
    where = convert.label / "product"
    # floats, (N,) arrays or traced values (lca.tape): compared as they are, never converted
    product = product_kg
    made = product + coproduct_kg
    total = sum(part.kg for lines in parts.values() for part in lines)
    n = max(np.size(product), np.size(made), np.size(total))

    def which(bad: Flags) -> str:
        return "" if n == 1 else f" in {int(bad.sum())} of the {n} variants of {source}"

    empty = np.broadcast_to(product <= 0, (n,))
    if empty.any():
        return [
            Problem(
                str(where),
                f"step '{step.id}' makes no product (0 kg){which(empty)}; give its isolated "
                "amount or a yield above zero",
            )
        ]
    created = np.broadcast_to(total < made * (1 - 1e-9), (n,))
    if complete and created.any():
        first = int(np.argmax(created))

        def shown(values) -> float:
            return float(np.broadcast_to(values, (n,))[first])

        what = f"{shown(product):.6g} kg of '{step.made.material}'"
        if step.coproducts:
            what += f" and {shown(made - product):.6g} kg of co-products"
        return [
            Problem(
                str(where),
                f"step '{step.id}' isolates {what} from {shown(total):.6g} kg of inputs"
                f"{which(created)}; mass cannot be created: check the product amount or yield "
                "and the charges",
            )
        ]
    return []
