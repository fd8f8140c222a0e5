"""The bundled ecoinvent mapping: activity NAMES for greenroute's flows, linked to the user's copy.

``factors/ecoinvent-mapping.csv`` names, for every material of ``factors/materials.csv`` and
every material, energy, waste and transport key of the bundled library, the ecoinvent 3.10 / 3.11
cut-off activity that stands for it (name, reference product, location, unit), or says why there
is none. It holds no ecoinvent data: names are the facts needed to find an activity in the
database the user licensed (see ``docs/brightway.md``). Its columns are those of a mapping file
(:mod:`lca.backends.brightway_mapping`, ``database`` left empty: the user's database is filled in)
plus:

``region``
    greenroute site regions the row serves, ``;``-separated; the row used for a route is the one
    for the first region of the route's region chain (``DE`` → ``EU`` → ``GLO``), so ``GLO`` is
    the default row.
``ecoinvent_versions``
    the versions the name was verified in (``3.10;3.11``); a changed name has a row per version.
``status``
    ``exact`` (that chemical or service), ``proxy`` (a close activity; ``comment`` says why),
    ``none`` (no ecoinvent activity; ``comment`` says why) or ``unverified`` (never used unless
    asked for).
``seen_in``
    where the name was verified (public file and commit).

A flow the route uses is linked to the first candidate row that resolves in the user's database
(rows of the database's own version first); a flow with no row, with a ``none`` row, or whose
activities are not in the database is reported as an :class:`Unmatched` line with the reason and
the closest names, and keeps greenroute's own factor or stays a gap.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from lca.backends.brightway_mapping import (
    CO2_FOSSIL,
    FLOW_KEY,
    LinkedActivity,
    MappingRow,
    check_recipe_units,
    resolve_row,
)
from lca.backends.brightway_project import brightway
from lca.errors import FactorError, UnitError

MAPPING_FILE = "ecoinvent-mapping.csv"
COLUMNS = (
    "flow", "database", "name", "reference_product", "location", "unit", "code", "region",
    "ecoinvent_versions", "status", "seen_in", "comment",
)  # fmt: skip
STATUSES = ("exact", "proxy", "none", "unverified")
USED_BY_DEFAULT = ("exact", "proxy")
VERSION = re.compile(r"3\.(\d+)")


@dataclass(frozen=True)
class EcoinventRow:
    """One row of the bundled mapping (``row.database`` is empty until linked)."""

    row: MappingRow
    regions: tuple[str, ...]
    versions: tuple[str, ...]
    status: str
    seen_in: str
    comment: str

    @property
    def flow(self) -> str:
        return self.row.flow


@dataclass(frozen=True)
class Unmatched:
    """A flow of the route that the bundled mapping did not link, and why."""

    flow: str
    region: str
    reason: str

    def __str__(self) -> str:
        return f"{self.flow} ({self.region}): {self.reason}"


def mapping_path() -> Path:
    from lca.resources import data_dir

    return data_dir("factors") / MAPPING_FILE


def read_ecoinvent_mapping(path: str | Path | None = None) -> tuple[EcoinventRow, ...]:
    """Read the bundled mapping (or a file in its format).

    Raises
    ------
    lca.errors.FactorError
        Naming the file and line of a bad header, flow key, status, version or region, or of an
        ``exact``/``proxy`` row without a name or code.
    """
    path = Path(path) if path is not None else mapping_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FactorError(f"{path}: cannot read the ecoinvent mapping ({exc})") from None
    lines = text.splitlines()
    skipped = 0
    while skipped < len(lines) and lines[skipped].lstrip().startswith("#"):
        skipped += 1
    reader = csv.DictReader(lines[skipped:])
    if tuple(c.strip() for c in reader.fieldnames or ()) != COLUMNS:
        raise FactorError(f"{path}: the header must be {','.join(COLUMNS)}")
    rows, problems = [], []
    for raw in reader:
        values = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        where = f"{path}:{skipped + reader.line_num}"
        flow, status = values["flow"], values["status"]
        versions = tuple(v for v in values["ecoinvent_versions"].split(";") if v)
        regions = tuple(r for r in values["region"].split(";") if r)
        if not (FLOW_KEY.match(flow) or flow == CO2_FOSSIL):
            problems.append(f"{where}: '{flow}' is not a flow key")
        elif status not in STATUSES:
            problems.append(f"{where}: {flow}: status '{status}' is not {', '.join(STATUSES)}")
        elif not versions or not all(VERSION.fullmatch(v) for v in versions):
            problems.append(f"{where}: {flow}: ecoinvent_versions must be like 3.10;3.11")
        elif not regions:
            problems.append(f"{where}: {flow}: no region (GLO for the default row)")
        elif status != "none" and not (values["name"] or values["code"]):
            problems.append(f"{where}: {flow}: a {status} row names an activity or a code")
        elif status in ("none", "proxy") and not values["comment"]:
            problems.append(f"{where}: {flow}: a {status} row says why in `comment`")
        else:
            fields = {k: values[k] for k in ("name", "reference_product", "location", "unit")}
            row = MappingRow(flow=flow, code=values["code"], where=where, **fields)
            rows.append(
                EcoinventRow(row, regions, versions, status, values["seen_in"], values["comment"])
            )
    if problems:
        raise FactorError("\n".join(problems))
    return tuple(rows)


def database_version(database: str) -> str | None:
    """``'ecoinvent-3.10-cutoff'`` → ``'3.10'`` (``None`` if the name says no version)."""
    found = VERSION.search(database)
    return found.group(0) if found else None


def detect_database(rows: Sequence[EcoinventRow]) -> str:
    """The one database of the current project holding activities the mapping names.

    Raises
    ------
    lca.errors.FactorError
        No such database, or several (then the user chooses with ``--database``).
    """
    bd, schema = brightway("bw2data", "bw2data.backends.schema")
    dataset = schema.ActivityDataset
    names = sorted({r.row.name for r in rows if r.status == "exact" and r.flow != CO2_FOSSIL})
    found = []
    for database in sorted(bd.databases):
        query = dataset.select().where((dataset.database == database) & (dataset.name.in_(names)))
        count = query.count()
        if count:
            found.append((database, count))
    if len(found) == 1:
        return found[0][0]
    if not found:
        raise FactorError(
            f"no database of this project has activities named as in the bundled ecoinvent "
            f"mapping (databases: {', '.join(sorted(bd.databases)) or 'none'}); import your "
            "ecoinvent database or give a --mapping"
        )
    listed = ", ".join(f"'{d}' ({n} names)" for d, n in found)
    raise FactorError(
        f"several databases hold activities of the bundled ecoinvent mapping: {listed}; "
        "choose one with --database"
    )


def _biosphere_database(database: str, code: str) -> str:
    """The database among those ``database`` depends on that has a node with ``code``."""
    bd, schema = brightway("bw2data", "bw2data.backends.schema")
    dataset = schema.ActivityDataset
    depends = list(bd.databases[database].get("depends", ())) or sorted(bd.databases)
    for name in depends:
        if dataset.select().where((dataset.database == name) & (dataset.code == code)).count():
            return name
    return depends[0] if depends else database


def candidates(
    rows: Sequence[EcoinventRow], flow: str, chain: Sequence[str], version: str | None
) -> list[EcoinventRow]:
    """Rows for ``flow`` at the first region of ``chain`` that has any, rows verified in the
    database's ``version`` first (file order otherwise)."""
    of_flow = [r for r in rows if r.flow == flow]
    for region in chain:
        here = [r for r in of_flow if region in r.regions]
        if here:
            return sorted(here, key=lambda r: version not in r.versions)
    return []


def link_bundled(
    rows: Sequence[EcoinventRow],
    keys: Iterable[str],
    placements: Sequence[tuple[str, Sequence[str]]],
    database: str,
    project: str,
    *,
    inventories=(),
    statuses: Sequence[str] = USED_BY_DEFAULT,
) -> tuple[list[tuple[LinkedActivity, str]], list[Unmatched]]:
    """Link the flows ``keys`` for each site region of ``placements`` (region, region chain).

    Returns ``(linked, unmatched)``: ``linked`` pairs a resolved activity with the site region
    its factor row is for; ``unmatched`` says for each other flow why (no row, a ``none`` row, an
    unverified row, or the activity not found in ``database`` with the closest names).
    """
    version = database_version(database)
    linked: list[tuple[LinkedActivity, str]] = []
    unmatched: list[Unmatched] = []
    resolved: dict[str, LinkedActivity | Exception] = {}
    for key in sorted(set(keys)):
        for region, chain in placements:
            found = candidates(rows, key, chain, version)
            if not found:
                unmatched.append(Unmatched(key, region, "no row in the bundled ecoinvent mapping"))
                continue
            usable = [r for r in found if r.status in statuses]
            if not usable:
                first = found[0]
                why = first.comment or "not verified in any public source"
                unmatched.append(Unmatched(key, region, f"{first.status}: {why}"))
                continue
            link, errors = None, []
            for candidate in usable:
                label = candidate.row.where
                if label not in resolved:
                    resolved[label] = _resolve(candidate, database, project, inventories)
                outcome = resolved[label]
                if isinstance(outcome, Exception):
                    errors.append(str(outcome).split(": ", 2)[-1])
                    continue
                link = outcome
                break
            if link is None:
                unmatched.append(Unmatched(key, region, "; ".join(dict.fromkeys(errors))))
            else:
                linked.append((link, region))
    return linked, unmatched


def _resolve(candidate: EcoinventRow, database: str, project: str, inventories):
    """The resolved activity of one candidate row, or the error that says why it cannot be."""
    owner = database
    if candidate.flow == CO2_FOSSIL and candidate.row.code:
        owner = _biosphere_database(database, candidate.row.code)
    row = replace(candidate.row, database=owner)
    try:
        link = resolve_row(row, project)
        for inventory in inventories:
            check_recipe_units([link], inventory)
    except (FactorError, UnitError) as exc:
        return exc
    return link
