"""The recipe format: one route per TOML file, validated by a frozen pydantic v2 schema.

``read_recipe(path)`` reads a file, ``parse_recipe(text_or_dict)`` reads text or a mapping. Schema
errors are collected and reported together, each with its file and field path; the route-level
checks (graph, units, missing properties) are made by :mod:`lca.inventory`, which ``validate``
runs as well. The format is documented in ``docs/recipe-format.md``.
"""

from __future__ import annotations

import datetime
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
)

from lca.errors import Problem, RecipeError
from lca.fieldpath import FieldPath
from lca.files import read_text
from lca.limits import MAX_RECIPE_BYTES, MAX_STEPS

SCHEMA_VERSION = 1
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
ROLES = ("reactant", "reagent", "catalyst", "solvent", "water", "workup")
Role = Literal["reactant", "reagent", "catalyst", "solvent", "water", "workup"]
STAGES = ("reaction", "workup", "purification")
Stage = Literal["reaction", "workup", "purification"]
ALLOCATIONS = ("mass", "economic", "system-expansion")
Slug = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9][a-z0-9._+-]*$",
        description="Lower-case identifier: letters, digits, '.', '_', '+', '-'.",
    ),
]
Amount = Annotated[
    str,
    Field(
        description="A number with a unit, e.g. '6.2 kg', '60 L', '0.35 mol', '1.2 equiv', "
        "'10 vol', '0.1 wt'.",
        examples=["6.2 kg", "1.2 equiv", "10 vol"],
    ),
]
Fraction = Annotated[
    float | str,
    Field(description="A fraction: 0.85 or '85 %'."),
]


class _Model(BaseModel):
    # NaN and inf are refused as they are read (TOML writes them as nan and inf)
    model_config = ConfigDict(
        frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False
    )


class MaterialProperties(_Model):
    """Recipe-local properties of a material; they override ``factors/materials.csv``."""

    name: str | None = None
    cas: str | None = None
    formula: str | None = Field(None, description="Molecular formula, e.g. 'C17H19NO3'.")
    molar_mass: float | str | None = Field(
        None, description="Molar mass: a number in g/mol or a string with units ('312.4 g/mol')."
    )
    density: str | None = Field(None, description="Density with units, e.g. '0.902 g/mL'.")
    material_class: str | None = Field(
        None, alias="class", description="solvent, reagent, acid, base, salt, metal, gas, ..."
    )
    source: str | None = Field(None, description="Where these properties come from.")
    composition: str | None = Field(
        None,
        description="Mass composition of a solution or mixture as 'id:fraction' pairs, e.g. "
        "'hydrogen-chloride:0.37 water:0.63'.",
    )
    factor: str | None = Field(
        None,
        pattern=r"^(material|spend):[a-z0-9][a-z0-9._+-]*$",
        description="Pin the emission factor used for this material to a library key, e.g. "
        "'material:sodium-hydroxide-50'.",
    )
    factor_region: str | None = Field(
        None,
        description="Region of the pinned factor (default: the material's production region, "
        "then the library's documented order).",
    )
    production_region: str | None = Field(
        None,
        description="Where the material is made, e.g. 'US', 'CN': its cradle-to-gate factor is "
        "looked up for this region (default: the library's documented order, independent of the "
        "site region).",
    )
    biogenic_carbon: Fraction | None = Field(
        None,
        description="Share of the material's carbon that is biogenic (e.g. 1.0 for bio-ethanol): "
        "its combustion CO2 is reported apart, not counted as fossil (default 0).",
    )
    price: Amount | None = Field(
        None,
        description="Purchase price, e.g. '12 USD/kg' (2021 US dollars): enables the labelled "
        "spend-based fallback when no factor covers the material.",
    )
    spend_sector: str | None = Field(
        None,
        pattern=r"^[0-9]{6}$",
        description="NAICS-6 sector of the spend-based factor (default: 325199 for organic, "
        "325180 for inorganic materials).",
    )


class RecoveryEnergy(_Model):
    """Energy spent to recover one kg of a recovered input (distillation, for example)."""

    carrier: Slug = Field(description="electricity, steam, natural-gas, ...")
    per_kg: Amount = Field(
        description="Per kg of recovered material: e.g. '1.5 kg' of steam or '0.2 kWh'."
    )
    source: str = Field(min_length=1, description="Where this figure comes from.")


class Solute(_Model):
    """One solute of a multi-solute stream (see :attr:`Input.solutes`)."""

    material: Slug = Field(description="Material id of the solute.")
    concentration: Amount = Field(
        description="In the stream: '0.5 mol/L', '120 g/L' or a mass fraction '20 %'."
    )
    role: Role = Field(description="Role of the solute in the step.")
    coefficient: float | None = Field(
        None, gt=0, description="Stoichiometric coefficient of the solute (default 1)."
    )
    limiting: bool = Field(False, description="This solute is the step's limiting reagent.")
    notes: str = ""


class Input(_Model):
    """One material charged to a step."""

    material: Slug = Field(
        description="Material id; an id made by another step is an intermediate. In a stream with "
        "`solutes`, the dissolving liquid."
    )
    amount: Amount = Field(
        description="Per batch (batch step) or for the run (continuous step); a continuous step "
        "also takes flow rates ('10 mL/min', '2 kg/h'), multiplied by its run time."
    )
    role: Role = Field(description="Role of `material` in the step.")
    basis: Slug | None = Field(
        None,
        description="The material that relative amounts ('vol', 'wt', 'equiv') of this input "
        "refer to: an input, a solute or the product of the same step (default: the step's "
        "limiting reagent).",
    )
    stage: Stage = Field(
        "reaction",
        description="Where the input is used: 'reaction', 'workup' or 'purification' (the split "
        "of the ACS GCI Pharmaceutical Roundtable PMI tool).",
    )
    concentration: Amount | None = Field(
        None,
        description="Makes this a solution feed of `material` in `solvent`: '0.5 mol/L', "
        "'120 g/L' or a mass fraction '20 %'. `amount` is then the solution charged.",
    )
    solvent: Slug | None = Field(None, description="Dissolving liquid of a solution feed.")
    solvent_role: Role | None = Field(
        None,
        description="Role of the dissolving liquid of a solution feed (default: 'water' if the "
        "liquid is `water`, else 'solvent').",
    )
    solutes: list[Solute] = Field(
        default_factory=list,
        description="A stream of several solutes in one liquid: `material` is the liquid, "
        "`role` its role, `amount` the whole stream; the liquid is the stream less its solutes.",
    )
    solution_density: str | None = Field(
        None,
        description="Density of a solution feed or stream, e.g. '0.95 g/mL' (default: the "
        "liquid's).",
    )
    limiting: bool = Field(
        False, description="The step's limiting reagent, which relative amounts refer to."
    )
    recovered: Fraction | None = Field(
        None,
        description="Fraction of the charge recovered for reuse (of a solution's liquid: the "
        "liquid).",
    )
    coefficient: float | None = Field(
        None, gt=0, description="Stoichiometric coefficient in the balanced equation (default 1)."
    )
    recovery_energy: list[RecoveryEnergy] = Field(
        default_factory=list,
        description="Energy to recover this input, per kg recovered (with `recovered`).",
    )
    notes: str = ""


class Product(_Model):
    """What a step makes: an isolated amount, or a molar yield on the limiting reagent."""

    material: Slug
    amount: Amount | None = Field(
        None,
        description="Isolated amount, e.g. '5.1 kg' (a continuous step: or a rate, '120 g/h').",
    )
    yield_: Fraction | None = Field(
        None, alias="yield", description="Isolated molar yield on the limiting reagent."
    )
    coefficient: float = Field(
        1.0,
        gt=0,
        description="Stoichiometric coefficient of the product (ν_P); with the limiting reagent's "
        "coefficient ν_lim, moles of product = yield × moles of limiting reagent × ν_P / ν_lim.",
    )
    isolated: bool = Field(
        True,
        description="false for a telescoped step: the product is carried in solution into the "
        "step that charges it (`amount` or `yield` is then its assay in that solution).",
    )
    price: Amount | None = Field(
        None,
        description="Value of the product, e.g. '40 USD/kg': needed by economic allocation "
        "between the product and co-products.",
    )


class Coproduct(_Model):
    """A second useful output of a step, sold or used elsewhere (not waste)."""

    material: Slug
    amount: Amount | None = Field(
        None,
        description="Amount per batch (batch step) or for the run, or a rate (continuous step), "
        "like `product.amount`.",
    )
    yield_: Fraction | None = Field(
        None,
        alias="yield",
        description="Molar yield on the limiting reagent, like `product.yield`: moles = yield × "
        "moles of limiting reagent × ν_cp / ν_lim.",
    )
    coefficient: float = Field(
        1.0, gt=0, description="Stoichiometric coefficient of the co-product (ν_cp)."
    )
    price: Amount | None = Field(
        None, description="Value per mass, e.g. '0.6 USD/kg' (for economic allocation)."
    )
    displaces: Slug | None = Field(
        None,
        description="Material the co-product replaces on the market, for system expansion "
        "(default: the co-product itself).",
    )
    notes: str = ""


class Energy(_Model):
    """Energy used by a step: an amount of a carrier, or power × duration."""

    carrier: Slug = Field(description="electricity, steam, natural-gas, heat, cooling, ...")
    amount: Amount | None = Field(None, description="e.g. '120 kWh', '2.5 MJ', '300 kg' of steam")
    power: Amount | None = Field(None, description="e.g. '15 kW'; needs `duration`")
    duration: Amount | None = Field(None, description="e.g. '6 h'; goes with `power`")
    notes: str = ""


class Cleaning(_Model):
    """Material to clean or flush equipment: per batch or campaign, at start-up or shut-down."""

    material: Slug
    amount: Amount
    role: Role = "solvent"
    per: Literal["batch", "campaign", "startup", "shutdown"] = Field(
        description="batch (batch steps), campaign, startup or shutdown (continuous steps)."
    )
    recovered: Fraction | None = None
    notes: str = ""


class Startup(_Model):
    """Start-up of a continuous step: output before steady state is diverted to waste."""

    time: Amount = Field(description="Time to steady state, e.g. '1.5 h'.")
    notes: str = ""


class Step(_Model):
    """One step of the route. Batch charges are per batch; continuous ones for the run."""

    id: Slug
    name: str = ""
    mode: Literal["batch", "continuous"] = "batch"
    feeds: Slug | None = Field(
        None, description="Id of the step that consumes this step's product (checked if given)."
    )
    batches: int = Field(1, ge=1, description="Batches per campaign (batch steps).")
    cycle_time: Amount | None = Field(
        None, description="Time one batch occupies the equipment (batch steps), e.g. '14 h'."
    )
    failure_rate: Fraction | None = Field(
        None, description="Fraction of batches lost (all charged, no product), e.g. 0.02."
    )
    run_time: Amount | None = Field(
        None, description="Run time of the campaign (continuous steps), e.g. '72 h'."
    )
    startup: Startup | None = None
    inputs: list[Input] = Field(min_length=1)
    product: Product | None = None
    coproducts: list[Coproduct] = Field(
        default_factory=list,
        description="Other useful outputs of the step (not waste; not credited in PMI).",
    )
    allocation: Literal["mass", "economic", "system-expansion"] | None = Field(
        None,
        description="How the step's burden is shared with its co-products in the carbon "
        "footprint: by mass, by value (needs prices), or by system expansion (credit for the "
        "displaced material). Default: none, the product carries the whole burden.",
    )
    energy: list[Energy] = Field(default_factory=list)
    cleaning: list[Cleaning] = Field(default_factory=list)
    notes: str = ""

    @property
    def made(self) -> Product:
        """The step's product. A step without one is refused by the route checks
        (:func:`lca.graph.check_graph`); code that runs after them reads the product here.

        Raises
        ------
        RecipeError
            If the step has no product.
        """
        if self.product is None:
            raise RecipeError(f"step '{self.id}' has no product: add [steps.product]")
        return self.product


class Steam(_Model):
    """The steam the site buys or raises: its state and the feedwater, for heat per kg."""

    pressure: Amount = Field("10 bar", description="Absolute pressure, e.g. '10 bar'.")
    temperature: Amount | None = Field(
        None, description="Superheated steam temperature, e.g. '250 degC' (default: saturated)."
    )
    feedwater_temperature: Amount = Field(
        "20 degC",
        description="Feedwater (or condensate return) temperature, e.g. '105 degC' with a "
        "deaerator; default 20 degC (no condensate return).",
    )
    source: str = ""


class MarketElectricity(_Model):
    """Electricity bought under a contractual instrument: the market-based Scope 2 figure.

    Reported beside the location-based footprint (GHG Protocol Scope 2 Guidance, 2015).
    """

    instrument: Literal["supplier", "ppa", "certificates", "residual-mix"] = Field(
        description="supplier-specific rate, power purchase agreement, energy attribute "
        "certificates, or the residual mix."
    )
    factor: str = Field(description="Emission rate of the instrument, e.g. '0 kg CO2e/kWh'.")
    share: Fraction = Field(
        1.0, description="Share of the site's electricity the instrument covers (default all)."
    )
    residual_factor: str | None = Field(
        None,
        description="Residual-mix rate for the electricity the instrument does not cover "
        "(default: the location-based factor, disclosed as such).",
    )
    source: str = Field(min_length=1, description="Contract, supplier disclosure or registry.")


def _date_text(value: Any) -> Any:
    """TOML reads an unquoted 2024-01-01 as a date: keep it as its ISO text."""
    return value.isoformat() if isinstance(value, datetime.date) else value


DateText = Annotated[str, BeforeValidator(_date_text)]


class Pact(_Model):
    """What the data owner declares in a PACT product footprint (``lca export pact``).

    Checked when the footprint is exported, not when the recipe is read; every field can also
    be given on the command line. See docs/pact.md.
    """

    company_name: str | None = Field(
        None, description="The company that declares the footprint (PACT companyName)."
    )
    company_ids: list[str] = Field(
        default_factory=list,
        description="URNs of the company, e.g. 'urn:pact:company:customcode:buyer-assigned:4321'.",
    )
    product_ids: list[str] = Field(
        default_factory=list,
        description="URNs of the product, e.g. a GTIN as 'urn:gtin:...' or your own "
        "'urn:pact:...' code.",
    )
    product_name: str | None = Field(
        None, description="Trade name of the product (default: the product material's name)."
    )
    product_description: str | None = Field(
        None, description="Free text about the product (default: written from the recipe)."
    )
    cpc: str | None = Field(
        None, description="UN Central Product Classification (CPC v2.1) code of the product."
    )
    reference_period_start: DateText | None = Field(
        None, description="First day of the period the recipe's data represent, YYYY-MM-DD."
    )
    reference_period_end: DateText | None = Field(
        None,
        description="Day after the last day of that period (PACT: excluded), YYYY-MM-DD.",
    )
    geography: str | None = Field(
        None,
        description="Where the product is made: an ISO 3166 country ('DE') or subdivision "
        "('US-NY') code, a UN region ('Western Europe') or 'global' (default: route.region).",
    )
    exempted_emissions_percent: float | None = Field(
        None,
        description="Your estimate of the emissions the footprint leaves out, in % (PACT 2.x: "
        "0-5); required when some flow has no emission factor.",
    )
    exempted_emissions_note: str = Field(
        "", description="How you estimated the exempted emissions."
    )
    rules: list[Literal["tfs", "pas-2090"]] = Field(
        default_factory=list,
        description="Sector rules you declare followed: 'tfs' (TfS PCF Guideline v3.0), "
        "'pas-2090' (PAS 2090:2025, pharmaceutical products).",
    )


class Route(_Model):
    """Route metadata."""

    name: str = Field(min_length=1)
    product: Slug = Field(description="Material id of the final product (the API).")
    source: str = Field(
        min_length=1,
        description="Literature reference for the quantities, or a statement that they are "
        "illustrative.",
    )
    region: str = Field("GLO", description="Site region for purchased energy, e.g. 'GB', 'US'.")
    steam_heat: Amount | None = Field(
        None,
        description="Heat delivered per kg of steam, e.g. '2.6 MJ/kg', when known directly "
        "(default: computed from [route.steam]).",
    )
    steam: Steam = Field(
        default_factory=Steam,
        description="Steam state and feedwater temperature: heat per kg of steam is the "
        "enthalpy rise (IAPWS-IF97).",
    )
    electricity: MarketElectricity | None = Field(
        None, description="Market-based electricity (supplier rate, PPA, certificates)."
    )
    incineration_energy_recovery: bool = Field(
        False,
        description="Spent solvent and residue go to incineration with energy recovery and the "
        "cut-off rule is applied: their combustion CO2 is reported apart, burdening the user of "
        "the recovered energy (TfS PCF Guideline). Default: counted in this product.",
    )
    description: str = ""
    notes: str = ""


class Facility(_Model):
    """The plant the route runs in: its overheads and changeover, shared by run time."""

    kind: Literal["modular", "stick-built"]
    name: str = ""
    campaign_time: Amount | None = Field(
        None,
        description="Time the facility is occupied by this campaign (default: the steps' "
        "batches × cycle time plus continuous run times).",
    )
    other_products_time: Amount | None = Field(
        None,
        description="Time the same facility makes other products in the period the overheads "
        "run: this campaign bears campaign_time / (campaign_time + other_products_time).",
    )
    overheads: list[Energy] = Field(
        default_factory=list,
        description="HVAC, cleanroom, idle power: `power` × campaign time, or an `amount`.",
    )
    changeover: list[Cleaning] = Field(
        default_factory=list, description="Changeover cleaning for this campaign (per = campaign)."
    )
    source: str = ""
    notes: str = ""


class Transport(_Model):
    """Freight of a raw material to the site, per kg of that material."""

    material: Slug
    mode: Slug = Field(
        description="Factor key transport:<mode>, e.g. 'hgv', 'rail', 'container-ship'."
    )
    distance: Amount = Field(description="e.g. '800 km'.")
    notes: str = ""


class Uncertainty(_Model):
    """A distribution on one recipe number (yield, equivalents, volume, run time, ...).

    Numbers are in the unit the recipe writes the parameter in, or strings with units. Without
    ``[[uncertainty]]`` tables a recipe is deterministic.
    """

    parameter: str = Field(
        description="Parameter path, e.g. 'amination.product.yield', "
        "'amination.inputs.diethylamine.amount', 'flow.run_time' (`lca parameters` lists them)."
    )
    distribution: Literal["uniform", "range", "triangular", "normal", "lognormal"]
    min: float | str | None = None
    max: float | str | None = None
    mode: float | str | None = Field(None, description="Triangular; default: the recipe value.")
    mean: float | str | None = Field(None, description="Normal; default: the recipe value.")
    sd: float | str | None = Field(None, description="Normal standard deviation.")
    median: float | str | None = Field(None, description="Lognormal; default: the recipe value.")
    gsd: float | None = Field(None, ge=1, description="Lognormal geometric standard deviation.")
    source: str = Field("", description="Where the estimate comes from.")
    notes: str = ""


class Recipe(_Model):
    """A process recipe: one route to one product."""

    schema_version: Literal[1] = Field(description="Recipe format version; 1.")
    route: Route
    materials: dict[Slug, MaterialProperties] = Field(default_factory=dict)
    steps: list[Step] = Field(min_length=1)
    facility: Facility | None = None
    transport: list[Transport] = Field(default_factory=list)
    uncertainty: list[Uncertainty] = Field(default_factory=list)
    pact: Pact | None = Field(
        None, description="Data-owner metadata for `lca export pact` (docs/pact.md)."
    )

    _origin: str = PrivateAttr(default="<recipe>")
    # for a recipe read from a workbook: finds the sheet, row and column of a field path
    _locator: Any = PrivateAttr(default=None)

    @property
    def origin(self) -> str:
        """The file (or label) the recipe was read from, used in messages."""
        return self._origin

    def where(self, path: str | FieldPath) -> str:
        """``<origin>: <path>`` for messages; a workbook recipe names the sheet, row and column.

        ``path`` is a :class:`~lca.fieldpath.FieldPath` or a field path as messages write it,
        e.g. ``steps[0] (acylation).inputs[2] (water).amount`` or ``materials.lidocaine.density``.
        """
        path = str(path)
        located = self._locator.locate(path) if self._locator is not None else None
        return f"{self.origin}: {located or path}"

    def locate(self, problems: Iterable[Problem]) -> list[Problem]:
        """``problems`` with their field paths replaced by cells, for a recipe read from a workbook.

        A problem without a place whose message starts with ``<field path>: `` (as unit errors
        do) is placed at that field.
        """
        if self._locator is None:
            return list(problems)
        return [self._locator.problem(p) for p in problems]


def recipe_json_schema() -> dict:
    """JSON Schema (draft 2020-12) of the recipe format, as TOML files are read into it."""
    schema = Recipe.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "greenroute recipe"
    return schema


def _location(loc: tuple[Any, ...], data: Mapping[str, Any]) -> str:
    """``steps[1] 'amidation' .inputs[0] 'edc-hcl' .amount`` from a pydantic error location."""
    parts: list[str] = []
    node: Any = data
    for key in loc:
        if isinstance(key, int):
            parts[-1] = f"{parts[-1]}[{key}]" if parts else f"[{key}]"
            node = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(node, Mapping):
                label = node.get("id") or node.get("material") or node.get("carrier")
                if isinstance(label, str):
                    parts[-1] += f" ({label})"
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, Mapping) else None
    return ".".join(parts)


def _problems(exc: ValidationError, data: Mapping[str, Any]) -> list[Problem]:
    problems = []
    errors = exc.errors()
    # a number refused by a `float | str` field also fails the string member: keep the first
    not_finite = {e["loc"][:-1] for e in errors if e["type"] == "finite_number"}
    for error in errors:
        loc = tuple(k for k in error["loc"] if k not in ("float", "str", "function-after"))
        kind = error["type"]
        if kind == "string_type" and error["loc"][:-1] in not_finite:
            continue
        if loc and loc[-1] == "[key]":
            loc = loc[:-1]
        if kind == "extra_forbidden":
            message = f"unknown field '{loc[-1]}'; remove it or check its spelling"
            loc = loc[:-1]
        elif kind == "missing":
            message = "required field is missing"
        elif kind == "literal_error":
            message = f"{error['msg'].lower()}, got {error.get('input')!r}"
        elif kind == "finite_number":
            message = f"{error.get('input')!r} is not a finite number; write a number"
        elif kind == "string_pattern_mismatch":
            message = (
                f"{error.get('input')!r} is not a valid id: use lower-case letters, digits, "
                "'.', '_', '+' or '-' (e.g. 'ethyl-acetate')"
            )
        else:
            message = error["msg"]
        problems.append(Problem(_location(loc, data), message))
    # pydantic reports a union member's failure once per member; keep each message once
    return list(dict.fromkeys(problems))


def parse_recipe(data: str | Mapping[str, Any], source: str = "<recipe>") -> Recipe:
    """Build a :class:`Recipe` from TOML text or an already-parsed mapping.

    Raises
    ------
    RecipeError
        With every schema problem found, each naming ``source`` and the field path.
    """
    if isinstance(data, str):
        if len(data) > MAX_RECIPE_BYTES:
            raise RecipeError(
                f"the recipe is {len(data):,} characters long, more than greenroute reads "
                f"({MAX_RECIPE_BYTES:,}); split the route or check that this is a recipe",
                source=source,
            )
        try:
            data = tomllib.loads(data.removeprefix("\ufeff"))
        except tomllib.TOMLDecodeError as exc:
            raise RecipeError(f"not valid TOML: {exc}", source=source) from None
        except RecursionError:
            raise RecipeError(
                "arrays or tables are nested too deeply to read (a recipe nests a few levels: "
                "steps → inputs → fields); check the brackets",
                source=source,
            ) from None
    return validate_recipe(data, source)


def validate_recipe(data: Mapping[str, Any], source: str, locator: Any = None) -> Recipe:
    """Build a :class:`Recipe` from a mapping shaped as the TOML format is.

    ``locator`` (for a workbook) turns field paths into sheet, row and column, in the schema
    errors raised here and in those found later (:meth:`Recipe.locate`).
    """
    steps = data.get("steps")
    if isinstance(steps, list) and len(steps) > MAX_STEPS:
        raise RecipeError(
            [
                Problem(
                    "steps",
                    f"{len(steps):,} steps, more than greenroute assesses in one recipe "
                    f"({MAX_STEPS:,})",
                )
            ],
            source=source,
        )
    version = data.get("schema_version")
    if version is not None and (isinstance(version, bool) or version != SCHEMA_VERSION):
        raise RecipeError(
            [
                Problem(
                    "schema_version",
                    f"{version!r} is not supported; this greenroute reads "
                    f"schema_version = {SCHEMA_VERSION}",
                )
            ],
            source=source,
        )
    try:
        recipe = Recipe.model_validate(data)
    except ValidationError as exc:
        problems = _problems(exc, data)
        if locator is not None:
            problems = [locator.problem(p) for p in problems]
        raise RecipeError(problems, source=source) from None
    recipe._origin = source
    recipe._locator = locator
    return recipe


def read_recipe(path: str | Path) -> Recipe:
    """Read a recipe file: TOML, or an Excel workbook (``.xlsx``, ``.xlsm``) laid out as
    ``lca template`` writes it (see :mod:`lca.recipe_io`).

    Raises
    ------
    RecipeError
        If the file cannot be read or is not a valid recipe.
    """
    path = Path(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from lca.recipe_io.xlsx_read import read_workbook_recipe

        return read_workbook_recipe(path)
    if path.suffix.lower() in (".xls", ".ods", ".csv"):
        raise RecipeError(
            f"{path}: a recipe is a .toml file or an Excel .xlsx workbook; save this "
            f"{path.suffix} file as .xlsx (Excel: File > Save As > Excel Workbook)"
        )
    text = read_text(path, "a recipe", RecipeError, MAX_RECIPE_BYTES)
    return parse_recipe(text, source=str(path))
