"""Mapping files: which activity of the user's Brightway project stands for which greenroute flow.

A mapping is a CSV file with the columns ``flow, database, name, reference_product, location,
unit, code`` (``comment`` is allowed and ignored), or a TOML file::

    database = "ecoinvent-3.10-cutoff"          # default for every flow

    [flows."energy:electricity"]
    name = "market for electricity, medium voltage"
    location = "GB"

    [flows."material:toluene"]
    code = "0a7b..."                            # or: by code

``flow`` is a key of the factor library (``material:<id>``, ``energy:<carrier>``,
``waste:<treatment>``, ``transport:<mode>``), or ``emission:co2-fossil`` for the biosphere flow an
export writes greenroute's computed fossil CO2 to. An activity is found by ``database`` + ``code``,
or by ``database`` + ``name`` narrowed by ``reference_product``, ``location`` and ``unit``; exactly
one activity must match. The unit of the activity must be one greenroute can convert to the unit it
counts the flow in (pint does the conversion: MJ ↔ kWh, L ↔ m³, g ↔ kg); anything else is an error
naming both units.
"""

from __future__ import annotations

import csv
import difflib
import re
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from lca import units as u
from lca.backends.brightway_project import (
    brightway,
    brightway_unit_name,
    canonical_per_unit,
    convert,
    pint_unit,
)
from lca.errors import FactorError, UnitError

# material ids may hold commas (1,4-dioxane), as in factors/materials.csv
FLOW_KEY = re.compile(r"^(material|energy|waste|transport):[a-z0-9][a-z0-9.,_+-]*$")
CO2_FOSSIL = "emission:co2-fossil"
COLUMNS = ("flow", "database", "name", "reference_product", "location", "unit", "code")
IGNORED = ("comment", "notes")
# The units greenroute counts each kind of flow in (its canonical per-units, see lca.factors).
ACCEPTED = {
    "material": ("kg", "m**3", "mol"),
    "energy": ("kWh", "kg", "m**3"),
    "waste:incineration": ("kg",),
    "waste:wastewater": ("m**3",),
    "waste": ("kg", "m**3"),
    "transport": ("t*km",),
    "emission": ("kg",),
}
DIMENSIONS = {
    "kg": "a mass",
    "m**3": "a volume",
    "kWh": "an energy",
    "mol": "an amount of substance",
    "t*km": "freight (mass × distance)",
}


@dataclass(frozen=True)
class MappingRow:
    """One row of a mapping file; ``where`` is ``file:line`` or ``file [flows."key"]``."""

    flow: str
    database: str = ""
    name: str = ""
    reference_product: str = ""
    location: str = ""
    unit: str = ""
    code: str = ""
    where: str = ""

    @property
    def label(self) -> str:
        return f"{self.where}: {self.flow}"


def read_mapping(path: str | Path) -> tuple[MappingRow, ...]:
    """Read a mapping file (``.csv`` or ``.toml``).

    Raises
    ------
    lca.errors.FactorError
        Naming the file and row of every problem: unknown key or column, no database, neither
        code nor name, a flow mapped twice.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FactorError(f"{path}: cannot read the mapping file ({exc})") from None
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise FactorError(f"{path}: {exc}") from None
        return parse_mapping(data, str(path))
    if path.suffix.lower() == ".csv":
        return _csv_rows(text, str(path))
    raise FactorError(f"{path}: a mapping file is a .csv or a .toml file")


def _csv_rows(text: str, origin: str) -> tuple[MappingRow, ...]:
    lines = text.splitlines()
    skipped = 0  # comment lines (``#``) above the header
    while skipped < len(lines) and lines[skipped].lstrip().startswith("#"):
        skipped += 1
    reader = csv.DictReader(lines[skipped:])
    header = [c.strip() for c in reader.fieldnames or []]
    unknown = [c for c in header if c not in COLUMNS + IGNORED]
    if "flow" not in header or "database" not in header or unknown:
        raise FactorError(
            f"{origin}: the header must name the columns {','.join(COLUMNS)} (flow and database "
            f"required){'; unknown: ' + ', '.join(unknown) if unknown else ''}"
        )
    entries = []
    for raw in reader:
        values = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        if not any(values.values()) or values.get("flow", "").startswith("#"):
            continue
        where = f"{origin}:{skipped + reader.line_num}"
        entries.append(({k: v for k, v in values.items() if k in COLUMNS}, where))
    return _validated(entries, origin)


def parse_mapping(data: dict, origin: str = "<mapping>") -> tuple[MappingRow, ...]:
    """Rows from the TOML form: ``database`` (default) and a ``[flows."<key>"]`` table per flow."""
    unknown = sorted(set(data) - {"database", "flows"})
    if unknown:
        raise FactorError(
            f"{origin}: unknown key(s) {', '.join(unknown)}; a mapping has `database` and "
            '[flows."<key>"] tables'
        )
    default = str(data.get("database", ""))
    flows = data.get("flows", {})
    if not isinstance(flows, dict):
        raise FactorError(f'{origin}: `flows` must be tables: [flows."material:toluene"]')
    entries = []
    for key, spec in flows.items():
        where = f'{origin} [flows."{key}"]'
        if not isinstance(spec, dict):
            raise FactorError(f"{where}: expected a table with database, name or code")
        extra = sorted(set(spec) - set(COLUMNS[1:]) - set(IGNORED))
        if extra:
            raise FactorError(
                f"{where}: unknown field(s) {', '.join(extra)}; allowed: {', '.join(COLUMNS[1:])}"
            )
        values = {k: str(v).strip() for k, v in spec.items() if k in COLUMNS}
        values.setdefault("database", default)
        values["database"] = values["database"] or default
        entries.append(({"flow": key, **values}, where))
    return _validated(entries, origin)


def _validated(entries: list[tuple[dict, str]], origin: str) -> tuple[MappingRow, ...]:
    problems: list[str] = []
    rows: list[MappingRow] = []
    seen: dict[str, str] = {}
    for values, where in entries:
        flow = values.get("flow", "")
        if not (FLOW_KEY.match(flow) or flow == CO2_FOSSIL):
            problems.append(
                f"{where}: flow '{flow}' is not material:<id>, energy:<carrier>, "
                f"waste:<treatment>, transport:<mode> or {CO2_FOSSIL}"
            )
            continue
        if not values.get("database"):
            problems.append(f"{where}: {flow}: no database (give `database`)")
            continue
        if not values.get("code") and not values.get("name"):
            problems.append(f"{where}: {flow}: give the activity's `name` (or its `code`)")
            continue
        if flow in seen:
            problems.append(f"{where}: {flow} is already mapped at {seen[flow]}")
            continue
        seen[flow] = where
        rows.append(
            MappingRow(
                **{f.name: values.get(f.name, "") for f in fields(MappingRow)[:-1]}, where=where
            )
        )
    if problems:
        raise FactorError("\n".join(problems))
    if not rows:
        raise FactorError(f"{origin}: the mapping has no rows")
    return tuple(rows)


@dataclass(frozen=True)
class LinkedActivity:
    """A mapping row resolved to one node of the project, with its unit conversion.

    ``activity_per_unit`` is how many of the activity's units make one ``per_unit`` (3.6 MJ per
    kWh); ``sign`` is −1 for a treatment activity (negative reference product, as in ecoinvent's
    cut-off system model), so that demanding ``sign`` of it treats one unit.
    """

    row: MappingRow
    id: int
    database: str
    code: str
    name: str
    reference_product: str
    location: str
    unit: str
    per_unit: str
    activity_per_unit: float
    sign: float
    biosphere: bool

    @property
    def label(self) -> str:
        details = ", ".join(x for x in (self.reference_product, self.location, self.unit) if x)
        return f"'{self.name}' [{details}] in '{self.database}'"


def _kind(flow: str) -> str:
    return flow if flow in ACCEPTED else flow.split(":", 1)[0]


def _same_unit(a: str, b: str) -> bool:
    pa, pb = pint_unit(a), pint_unit(b)
    if pa is None or pb is None:
        return a.strip().lower() == b.strip().lower()
    return u.ureg.Quantity(1.0, pa) == u.ureg.Quantity(1.0, pb)


def _choices(nodes) -> str:
    return "; ".join(
        f"[{n.product or n.data.get('reference product', '')}, {n.location}, "
        f"{n.data.get('unit', '')}] code {n.code}"
        for n in nodes[:10]
    ) + (f"; … {len(nodes) - 10} more" if len(nodes) > 10 else "")


def _find(row: MappingRow, project: str):
    """The one ``ActivityDataset`` a row names (raises with suggestions otherwise)."""
    bd, schema = brightway("bw2data", "bw2data.backends.schema")
    dataset = schema.ActivityDataset
    if row.database not in bd.databases:
        raise FactorError(
            f"{row.label}: project '{project}' has no database '{row.database}' (databases: "
            f"{', '.join(sorted(bd.databases)) or 'none'})"
        )
    query = dataset.select().where(dataset.database == row.database)
    if row.code:
        nodes = list(query.where(dataset.code == row.code))
        if not nodes:
            raise FactorError(
                f"{row.label}: no activity with code '{row.code}' in database '{row.database}'"
            )
    else:
        nodes = list(query.where(dataset.name == row.name))
        if not nodes:
            names = {n for (n,) in query.select(dataset.name).tuples() if n}
            close = difflib.get_close_matches(row.name, sorted(names), n=5, cutoff=0.5)
            hint = (
                "close matches: " + "; ".join(f"'{c}'" for c in close)
                if close
                else "no close match; check the database"
            )
            raise FactorError(
                f"{row.label}: no activity named '{row.name}' in database '{row.database}'; {hint}"
            )
    named = nodes
    for column, wanted in (("product", row.reference_product), ("location", row.location)):
        if wanted:
            nodes = [n for n in nodes if (getattr(n, column) or "") == wanted]
    if row.unit:
        if pint_unit(row.unit) is None:
            raise UnitError(f"{row.label}: cannot read unit '{row.unit}'")
        in_unit = [n for n in nodes if _same_unit(n.data.get("unit", ""), row.unit)]
        if nodes and not in_unit:
            units = sorted({str(n.data.get("unit", "")) for n in nodes})
            raise UnitError(
                f"{row.label}: the mapping says unit '{row.unit}' but activity "
                f"'{nodes[0].name}' is in '{', '.join(units)}' ({_choices(nodes)}); correct the "
                "unit or choose another activity"
            )
        nodes = in_unit
    if not nodes:
        wanted = ", ".join(
            f"{label} '{value}'"
            for label, value in (
                ("reference product", row.reference_product),
                ("location", row.location),
            )
            if value
        )
        raise FactorError(
            f"{row.label}: no activity '{named[0].name}' with {wanted} in '{row.database}'; "
            f"there is: {_choices(named)}"
        )
    if len(nodes) > 1:
        raise FactorError(
            f"{row.label}: {len(nodes)} activities named '{nodes[0].name}' in '{row.database}' "
            f"match: {_choices(nodes)}; add reference_product, location or unit, or give the code"
        )
    return nodes[0]


def resolve_row(row: MappingRow, project: str) -> LinkedActivity:
    """Find a row's node in the current project and work out its unit conversion.

    Raises
    ------
    lca.errors.FactorError
        No such database or activity (with close names), several matches, wrong node type.
    lca.errors.UnitError
        The activity's unit is not the one the row gives, or cannot be converted to the unit
        greenroute counts the flow in.
    """
    bd, configuration = brightway("bw2data", "bw2data.configuration")
    node = _find(row, project)
    labels = configuration.labels
    is_biosphere = (node.type or "process") not in {
        *labels.process_node_types,
        *labels.product_node_types,
    }
    if is_biosphere != (row.flow == CO2_FOSSIL):
        wanted = "a biosphere flow" if row.flow == CO2_FOSSIL else "an activity, not a flow"
        raise FactorError(f"{row.label}: '{node.name}' is a {node.type} node; map {wanted}")
    unit = str(node.data.get("unit", ""))
    found = {
        "row": row,
        "id": node.id,
        "database": node.database,
        "code": node.code,
        "name": node.name or "",
        "reference_product": node.product or "",
        "location": node.location or "",
        "unit": unit,
        "biosphere": is_biosphere,
    }
    label = LinkedActivity(**found, per_unit="", activity_per_unit=1.0, sign=1.0).label
    spelled = pint_unit(unit)
    if spelled is None:
        raise UnitError(
            f"{row.label}: activity {label} is in '{unit}', which greenroute cannot read as a "
            "unit; map an activity per kg, m3, kWh/MJ or t*km"
        )
    per_unit = canonical_per_unit(spelled)
    accepted = ACCEPTED[_kind(row.flow)]
    if per_unit not in accepted:
        needed = " or ".join(f"{brightway_unit_name(a)} ({DIMENSIONS[a]})" for a in accepted)
        what = f"'{unit}'" + (f" ({DIMENSIONS[per_unit]})" if per_unit else "")
        raise UnitError(
            f"{row.label}: greenroute counts this flow in {needed}, but activity {label} is per "
            f"{what}; pint cannot convert one into the other: map an activity per "
            f"{brightway_unit_name(accepted[0])}"
        )
    sign = 1.0
    if not is_biosphere:
        produced = sum(float(e["amount"]) for e in bd.get_node(id=node.id).production())
        sign = -1.0 if produced < 0 else 1.0
    return LinkedActivity(
        **found, per_unit=per_unit, activity_per_unit=convert(1.0, per_unit, spelled), sign=sign
    )


def resolve_mapping(rows, project: str) -> tuple[LinkedActivity, ...]:
    """Resolve every row in the current project; all problems are reported together."""
    linked, problems = [], []
    for row in rows:
        try:
            linked.append(resolve_row(row, project))
        except (FactorError, UnitError) as exc:
            problems.append(exc)
    if problems:
        kind = UnitError if all(isinstance(p, UnitError) for p in problems) else FactorError
        raise kind("\n".join(str(p) for p in problems))
    return tuple(linked)


def check_recipe_units(linked, inventory) -> None:
    """Every mapped flow the recipe uses can be converted to the activity's unit.

    Energy is counted in the unit the recipe gives it (kWh, kg of steam, m³ of gas); kg of steam
    converts to heat by the route's steam heat, anything else needs an activity in the same kind
    of unit. A material mapped to an activity per m³ or per mol needs its density or molar mass.

    Raises
    ------
    lca.errors.UnitError
        Naming the mapping row, both units, and the step that uses the flow.
    """
    links = {link.row.flow: link for link in linked}
    problems = []
    lines = [(line.step, line.carrier, line.unit) for line in inventory.energy_lines]
    lines += [(f.step, r.carrier, r.unit) for f in inventory.flows for r in f.recovery_energy]
    reported = set()
    for step, carrier, unit in lines:
        link = links.get(f"energy:{carrier}")
        if link is None or link.per_unit == unit or (carrier, unit) in reported:
            continue
        if unit == "kg" and link.per_unit == "kWh" and carrier == "steam":
            continue  # condensing heat of the steam, see lca.footprint
        reported.add((carrier, unit))
        problems.append(
            f"{link.row.label}: the recipe gives {carrier} in {brightway_unit_name(unit)} "
            f"(step '{step}') but activity {link.label} is per '{link.unit}'; "
            f"{DIMENSIONS[unit]} cannot be converted to {DIMENSIONS[link.per_unit]} without more "
            f"data: map an activity per {brightway_unit_name(unit)}, or give the {carrier} in the "
            f"recipe as {DIMENSIONS[link.per_unit]}"
        )
    used = {f.material for f in inventory.flows if not f.intermediate}
    for material_id in list(used):
        material = inventory.materials.get(material_id)
        used |= {component for component, _ in (material.composition if material else ())}
    used |= {
        p.factor.split(":", 1)[1]
        for p in inventory.recipe.materials.values()
        if p.factor and p.factor.startswith("material:")
    }
    for material_id in sorted(used):
        link = links.get(f"material:{material_id}")
        if link is None or link.per_unit == "kg":
            continue
        material = inventory.materials.get(material_id)
        needed = "density" if link.per_unit == "m**3" else "molar mass"
        value = getattr(
            material, "density" if needed == "density" else "molar_mass_g_per_mol", None
        )
        if not value:
            problems.append(
                f"{link.row.label}: activity {link.label} is per '{link.unit}' but the recipe "
                f"counts '{material_id}' in kilogram and knows no {needed} for it: give "
                f"[materials.{material_id}] {needed.replace(' ', '_')} or map an activity per kg"
            )
    if problems:
        raise UnitError("\n".join(problems))
