"""Export a route to a Brightway project as a bw2data database (``lca brightway export``).

The database holds one activity per step, producing 1 kg of the step's product, with every input
per kg of that product in the unit of the activity it comes from:

- intermediates: technosphere exchanges from the step that makes them;
- mapped flows (materials, energy, waste treatment, transport): technosphere exchanges to the
  background activity the mapping names, converted by pint to its unit (kWh → MJ, kg → m³ through
  the density...); a treatment activity with a negative reference product (ecoinvent's cut-off
  convention) gets a negative exchange; recovered solvent is a negative exchange to the virgin
  material (avoided production, greenroute's credit);
- greenroute's computed fossil CO2 (carbon of incinerated solvent and process residue): a
  biosphere exchange to the fossil CO2 flow of the project (``emission:co2-fossil`` in the mapping,
  else the one ``Carbon dioxide, fossil`` to air);
- flows with a greenroute factor but no mapping row: with ``allow_unlinked``, a technosphere
  exchange to a *proxy* activity in the exported database whose only exchange is greenroute's
  factor written as fossil CO2 (so climate-change methods reproduce greenroute's figure; other
  categories see nothing), otherwise an error listing them;
- flows without any factor (greenroute's gaps): a technosphere exchange to a *placeholder*
  activity without exchanges, so that the inventory is complete and the gap visible.

So an LCA of the final step's activity with a climate-change method equals greenroute's footprint
computed with the project's background (:func:`lca.backends.brightway_background.load_background`)
up to bw2data's float32 storage of amounts. Every exchange's comment says where it comes from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lca.backends.brightway_mapping import (
    CO2_FOSSIL,
    LinkedActivity,
    MappingRow,
    check_recipe_units,
    read_mapping,
    resolve_mapping,
)
from lca.backends.brightway_project import (
    brightway,
    brightway_unit_name,
    require_deterministic,
    slug,
    switched_project,
)
from lca.errors import FactorError, OutputError
from lca.factors import FactorLibrary, FactorRow, FactorSet, load_factor_set

UNIT_LAYER = "greenroute-export-units"


@dataclass(frozen=True)
class ExportResult:
    """What :func:`export_route` wrote."""

    project: str
    database: str
    final: tuple[str, str]
    activities: int
    exchanges: int
    linked: tuple[str, ...] = ()
    proxies: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=())


def default_database_name(recipe) -> str:
    """``greenroute-<recipe file stem>``, or the route name's slug for a recipe built in code."""
    origin = Path(recipe.origin)
    from_file = origin.suffix.lower() in (".toml", ".xlsx", ".xlsm")
    stem = origin.stem if from_file else recipe.route.name
    return f"greenroute-{slug(stem)}"


def _unit_layer(links: Sequence[LinkedActivity], region: str) -> FactorLibrary:
    """Every mapped key as a factor in the mapped activity's per-unit, so that each mapped flow
    becomes a term whose :attr:`~lca.footprint.Term.factor_units` is the physical amount the
    export writes (the value, 1 kg CO2e per unit, is never used)."""
    rows = tuple(
        FactorRow(
            key=link.row.flow,
            name=link.name,
            value=1.0,
            unit=f"per {link.per_unit}",
            region=region,
            year="",
            scope="",
            source=link.row.where,
            licence="",
            data_quality="",
            uncertainty="",
            notes="",
            library=UNIT_LAYER,
            where=link.row.where,
            per_unit=link.per_unit,
            kg_co2e_per_unit=1.0,
        )
        for link in links
        if not link.biosphere
    )
    return FactorLibrary(name=UNIT_LAYER, version="", path="", region_agnostic=("*",), rows=rows)


def _fossil_co2(links: Sequence[LinkedActivity], project: str) -> tuple[str, str]:
    """The biosphere flow computed fossil CO2 goes to: mapped, or the one to unspecified air."""
    for link in links:
        if link.row.flow == CO2_FOSSIL:
            return (link.database, link.code)
    bd, schema = brightway("bw2data", "bw2data.backends.schema")
    if not len(bd.databases):
        raise FactorError(
            f"Brightway project '{project}' has no databases: an export links the route to the "
            "project's background and writes its fossil CO2 to the project's biosphere; export "
            "to the project that holds your background (e.g. ecoinvent), or install a "
            "biosphere first (bw2io.create_default_biosphere3(), docs/brightway.md)"
        )
    dataset = schema.ActivityDataset
    found = [
        n
        for n in dataset.select().where(dataset.name == "Carbon dioxide, fossil")
        if tuple(n.data.get("categories") or ()) == ("air",)
    ]
    preferred = [n for n in found if n.database == bd.config.biosphere]
    chosen = preferred or found
    if len(chosen) != 1:
        where = ", ".join(f"{n.database}:{n.code}" for n in found) or "none in this project"
        raise FactorError(
            "the export writes greenroute's computed fossil CO2 as a biosphere exchange and "
            f"cannot choose the flow 'Carbon dioxide, fossil' to air ({where}): add a mapping row "
            f"for {CO2_FOSSIL} with its database and code"
        )
    return (chosen[0].database, chosen[0].code)


class _Writer:
    """Collects activities and aggregated exchanges of one exported database."""

    def __init__(self, name: str, inventory, links, co2):
        self.name = name
        self.inventory = inventory
        self.recipe = inventory.recipe
        self.region = self.recipe.route.region
        self.links = {link.row.flow: link for link in links}
        self.co2 = co2
        self.activities: dict[tuple[str, str], dict] = {}
        self.exchanges: dict[tuple, dict] = {}
        self.proxies: dict[str, None] = {}
        self.placeholders: dict[str, None] = {}
        self.used: dict[str, None] = {}
        route = inventory.route
        product_kg = inventory.product_kg
        self.per_step = {
            "flow": inventory.charge_kg / product_kg[route.flow_step],
            "energy": inventory.energy_amount / product_kg[route.energy_step],
        }

    def step_key(self, index: int) -> tuple[str, str]:
        return (self.name, f"step-{self.recipe.steps[index].id}")

    def entry(self, array: str, index: int) -> float:
        return 1.0 if array == "step" else float(self.per_step[array][index])

    def add(self, step: int, target, kind: str, label: str, amount: float, unit: str, note: str):
        if amount == 0.0:
            return
        key = (step, target, kind, label)
        exchange = self.exchanges.setdefault(
            key,
            {"input": target, "type": kind, "amount": 0.0, "unit": unit, "comment": []},
        )
        exchange["amount"] += amount
        if note not in exchange["comment"]:
            exchange["comment"].append(note)

    def add_steps(self) -> None:
        from lca import __version__

        route = self.recipe.route
        for index, step in enumerate(self.recipe.steps):
            product = step.product.material
            self.activities[self.step_key(index)] = {
                "name": step.name or step.id,
                "reference product": product,
                "unit": "kilogram",
                "location": self.region,
                "type": "process",
                "comment": (
                    f"Step '{step.id}' ({step.mode}) of the route '{route.name}', exported by "
                    f"greenroute {__version__} from {self.recipe.origin}. Inputs per 1 kg of "
                    f"{product} isolated by this step, campaign totals included (batches, "
                    f"start-up, cleaning, failures). Route source: {route.source}"
                ),
                "greenroute": {"route": route.name, "step": step.id, "recipe": self.recipe.origin},
                "exchanges": [
                    {
                        "input": self.step_key(index),
                        "type": "production",
                        "amount": 1.0,
                        "unit": "kilogram",
                    }
                ],
            }
        flows = self.inventory.flows
        for f, flow in enumerate(flows):
            producer = int(self.inventory.route.flow_producer[f])
            if producer >= 0:
                step = int(self.inventory.route.flow_step[f])
                self.add(
                    step,
                    self.step_key(producer),
                    "technosphere",
                    f"intermediate {flow.material}",
                    self.entry("flow", f),
                    "kilogram",
                    f"intermediate: {flow.material} made by step "
                    f"'{self.recipe.steps[producer].id}' (charged as {flow.amount})",
                )

    def add_term(self, term, step: int) -> None:
        per_step = self.entry(term.array, term.index)
        factor = term.factor
        label = f"{term.category}: {term.flow}"
        why = "; ".join(x for x in (term.basis, term.note) if x and x != "factor")
        described = f"{label} ({why})" if why else label
        if factor is None:
            amount = term.coefficient * per_step
            note = f"{described}: fossil CO2 computed by greenroute"
            self.add(step, self.co2, "biosphere", label, amount, "kilogram", note)
            return
        if factor.library == UNIT_LAYER:
            link = self.links[factor.key]
            self.used[factor.key] = None
            amount = term.factor_units * per_step * link.activity_per_unit * link.sign
            note = f"{described}; {factor.key} linked by {link.row.where}"
            self.add(
                step, (link.database, link.code), "technosphere", label, amount, link.unit, note
            )
            return
        # the amount in the factor's own unit, kept apart from its value (also when it is zero)
        unit, amount, emission = factor.per_unit, term.factor_units, factor.value
        code = f"proxy-{slug(factor.key)}-{slug(factor.region)}-{slug(factor.library)}-{slug(unit)}"
        self.proxies[f"{factor.key} ({factor.region})"] = None
        if (self.name, code) not in self.activities:
            self.activities[(self.name, code)] = {
                "name": f"greenroute factor {factor.key} ({factor.region})",
                "reference product": factor.key,
                "unit": brightway_unit_name(unit),
                "location": factor.region,
                "type": "process",
                "comment": (
                    f"PROXY written by greenroute: no activity of the project is mapped to "
                    f"{factor.key}. Its one exchange is greenroute's factor, {emission:.6g} "
                    f"kg CO2e per {unit} ({factor.library}: {factor.source}; licence: "
                    f"{factor.licence}), written as fossil CO2 to air so that climate-change "
                    "methods reproduce greenroute's figure; other impact categories see nothing. "
                    "Link the exchanges to a background activity instead."
                ),
                "exchanges": [
                    {
                        "input": (self.name, code),
                        "type": "production",
                        "amount": 1.0,
                        "unit": brightway_unit_name(unit),
                    },
                    {
                        "input": self.co2,
                        "type": "biosphere",
                        "amount": emission,
                        "unit": "kilogram",
                        "comment": "greenroute factor as fossil CO2 (proxy)",
                    },
                ],
            }
        self.add(
            step,
            (self.name, code),
            "technosphere",
            label,
            amount * per_step,
            brightway_unit_name(unit),
            f"{described}; PROXY for {factor.key}",
        )

    def add_gap(self, gap, step: int) -> None:
        unit = brightway_unit_name(gap.amount_unit)
        code = f"missing-{slug(gap.category)}-{slug(gap.flow)}-{slug(gap.amount_unit)}"
        label = f"{gap.category}: {gap.flow}"
        self.placeholders[f"{gap.flow} ({gap.step})"] = None
        if (self.name, code) not in self.activities:
            self.activities[(self.name, code)] = {
                "name": f"NO DATA: {gap.flow}",
                "reference product": gap.flow,
                "unit": unit,
                "location": self.region,
                "type": "process",
                "comment": (
                    f"Placeholder written by greenroute: {gap.reason}. greenroute counts nothing "
                    "for this flow and neither does this activity (it has no inputs or "
                    "emissions): link the exchanges to a background activity to complete it."
                ),
                "exchanges": [
                    {"input": (self.name, code), "type": "production", "amount": 1.0, "unit": unit},
                ],
            }
        amount = gap.multiplier * self.entry(gap.array, gap.index)
        self.add(
            step,
            (self.name, code),
            "technosphere",
            label,
            amount,
            unit,
            f"{label}: NO FACTOR ({gap.reason})",
        )

    def data(self) -> dict:
        activities = {key: dict(value) for key, value in self.activities.items()}
        for (step, *_), exchange in self.exchanges.items():
            activity = activities[self.step_key(step)]
            activity["exchanges"] = [
                *activity["exchanges"],
                {**exchange, "comment": "; ".join(exchange["comment"])},
            ]
        return activities


def export_route(
    recipe,
    project: str,
    *,
    mapping: str | Path | Sequence[MappingRow] | None = None,
    database: str | None = None,
    force: bool = False,
    create_project: bool = False,
    allow_unlinked: bool = False,
    factors: Sequence[str | Path] = (),
) -> ExportResult:
    """Write a route to a Brightway project as a database linked to the mapped background.

    Parameters
    ----------
    recipe : Recipe or path
    project : str
        The project to write to; it must exist unless ``create_project``.
    mapping : path or rows, optional
        Which background activity each flow links to (see :mod:`lca.backends.brightway_mapping`).
    database : str, optional
        Name of the database to write (default ``greenroute-<recipe file stem>``).
    force : bool
        Replace the database if it exists (only a database greenroute wrote, never one the
        mapping links to).
    create_project : bool
        Create the project if it does not exist (the user named it).
    allow_unlinked : bool
        Write flows that have a greenroute factor but no mapping row as proxy activities.
    factors : paths
        The user's factor libraries (for the proxies), over the bundled library.

    Raises
    ------
    lca.errors.OutputError
        The project does not exist, the database exists (without ``force``) or is not
        greenroute's, another process is writing to the project.
    lca.errors.FactorError
        A mapping row names no activity (with close names), flows are unlinked (without
        ``allow_unlinked``), the fossil CO2 flow cannot be found.
    lca.errors.UnitError
        A mapped activity's unit cannot be converted to the recipe's.
    """
    from lca.footprint import build_footprint_model
    from lca.recipe import Recipe, read_recipe
    from lca.validation import check_recipe

    if not isinstance(recipe, Recipe):
        recipe = read_recipe(recipe)
    inventory = check_recipe(recipe, factors).inventory  # before the project is touched
    require_deterministic(inventory)
    if mapping is None:
        rows: tuple[MappingRow, ...] = ()
    elif isinstance(mapping, str | Path):
        rows = read_mapping(mapping)
    else:
        rows = tuple(mapping)
    name = database or default_database_name(recipe)
    user = load_factor_set(tuple(factors))
    with switched_project(project, create=create_project, writing=True):
        (bd,) = brightway("bw2data")
        links = resolve_mapping(rows, project) if rows else ()
        check_recipe_units(links, inventory)
        _check_target(bd, name, project, force, links)
        layer = _unit_layer(links, recipe.route.region)
        model = build_footprint_model(inventory, FactorSet((layer, *user.layers)))
        unlinked = sorted(
            {
                f"{t.factor.key} ({t.step})"
                for t in model.terms
                if t.factor is not None and t.factor.library != UNIT_LAYER
            }
        )
        problems = []  # all at once: a run should not reveal one missing option at a time
        if unlinked and not allow_unlinked:
            problems.append(
                f"{len(unlinked)} flow(s) have a greenroute factor but no mapping row: "
                f"{', '.join(unlinked)}; add rows for them to the mapping, or pass "
                "--allow-unlinked to write them as proxy activities carrying greenroute's factor"
            )
        needs_co2 = any(t.factor is None or t.factor.library != UNIT_LAYER for t in model.terms)
        co2 = None
        if needs_co2:
            try:
                co2 = _fossil_co2(links, project)
            except FactorError as exc:
                problems.append(str(exc))
        if problems:
            raise FactorError("\n".join(problems))
        writer = _Writer(name, inventory, links, co2)
        writer.add_steps()
        index = {step.id: i for i, step in enumerate(recipe.steps)}
        for term in model.terms:
            writer.add_term(term, index[term.step])
        for gap in model.gaps:
            writer.add_gap(gap, index[gap.step])
        data = writer.data()
        if name in bd.databases:
            del bd.databases[name]
        target = bd.Database(name)
        target.register(
            description=f"greenroute export of the route '{recipe.route.name}' ({recipe.origin})",
            greenroute={"recipe": recipe.origin, "route": recipe.route.name},
        )
        target.write(data)
    final = writer.step_key(inventory.route.final_step)
    warnings = []
    if writer.placeholders:
        warnings.append(
            f"{len(writer.placeholders)} flow(s) have no factor and no mapping row and were "
            f"written as placeholders without emissions: {', '.join(writer.placeholders)}"
        )
    if writer.proxies:
        warnings.append(
            f"{len(writer.proxies)} factor(s) were written as proxy activities (greenroute's "
            f"factor as fossil CO2): {', '.join(writer.proxies)}"
        )
    return ExportResult(
        project=project,
        database=name,
        final=final,
        activities=len(data),
        exchanges=sum(len(a["exchanges"]) for a in data.values()),
        linked=tuple(writer.used),
        proxies=tuple(writer.proxies),
        placeholders=tuple(writer.placeholders),
        warnings=tuple(warnings),
    )


def _check_target(bd, name: str, project: str, force: bool, links) -> None:
    if name in {link.database for link in links}:
        raise OutputError(
            f"the mapping links to database '{name}'; export the route to another --database"
        )
    if name not in bd.databases:
        return
    if not force:
        raise OutputError(
            f"project '{project}' already has a database '{name}'; pass --force to replace it "
            "or --database to choose another name"
        )
    if not bd.databases[name].get("greenroute"):
        raise OutputError(
            f"database '{name}' in project '{project}' was not written by greenroute and is not "
            "replaced, even with --force; choose another --database"
        )
