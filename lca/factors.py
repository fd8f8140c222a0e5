"""Emission-factor libraries: reading, validation, layered lookup with recorded fallbacks.

A library is a folder with ``library.toml`` (name, version, GWP basis and values, region parents,
region-agnostic keys, sources with licences) and ``factors.csv`` (one row per factor or factor
component). A user may also give a bare CSV in the same format. Rows with the same key and region
are *components* that add up (generation + T&D losses + well-to-tank; or CO2 + CH4 + N2O), each
row keeping its own source and licence.

Lookup order: recipe pins, then user libraries in the order given, then the bundled library; the
first layer that has the key wins. Inside a layer the site region is tried first, then its
parents as the libraries declare them (``US-RFCE`` → ``US`` → ``GLO``), then, for keys the layer
declares region-agnostic (materials, transport...), its preferred regions. Every step away from
the site region is recorded as a fallback on the resolved :class:`Factor`.
"""

from __future__ import annotations

import csv
import fnmatch
import math
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from lca import units as u
from lca.errors import FactorError
from lca.resources import data_dir

COLUMNS = (
    "key", "name", "value", "unit", "region", "year", "scope", "source", "licence",
    "data_quality", "uncertainty", "notes",
)  # fmt: skip
KEY = re.compile(r"^(material|energy|waste|transport|spend):[a-z0-9][a-z0-9._+-]*$")
SOURCE_ID = re.compile(r"^\[([a-z0-9._-]+)\]")
BUNDLED_LIBRARY = "greenroute-open"
GLOBAL = "GLO"

# The unit a factor is expressed per, by the dimension of that unit.
_PER_UNITS = {
    u.MASS: "kg",
    u.VOLUME: "m**3",
    u.ENERGY: "kWh",
    u.SUBSTANCE: "mol",
    (u.ureg.t * u.ureg.km).dimensionality: "t*km",
    u.ureg.USD.dimensionality: "USD",
    u.ureg.EUR.dimensionality: "EUR",
    u.ureg.GBP.dimensionality: "GBP",
}


@dataclass(frozen=True)
class FactorRow:
    """One row of a ``factors.csv``, as written, with its value in canonical units."""

    key: str
    name: str
    value: float
    unit: str
    region: str
    year: str
    scope: str
    source: str
    licence: str
    data_quality: str
    uncertainty: str
    notes: str
    library: str
    where: str
    per_unit: str
    kg_co2e_per_unit: float


@dataclass(frozen=True)
class Factor:
    """A resolved factor: the sum of its component rows, in kg CO2e per ``per_unit``."""

    key: str
    region: str
    per_unit: str
    value: float
    rows: tuple[FactorRow, ...]
    fallback: str = ""

    def _joined(self, attribute: str) -> str:
        return " + ".join(dict.fromkeys(getattr(row, attribute) for row in self.rows))

    @property
    def source(self) -> str:
        return self._joined("source")

    @property
    def licence(self) -> str:
        return self._joined("licence")

    @property
    def data_quality(self) -> str:
        return self._joined("data_quality")

    @property
    def library(self) -> str:
        return self._joined("library")


@dataclass(frozen=True)
class FactorLibrary:
    """One library: its metadata and its rows grouped by key and region."""

    name: str
    version: str
    path: str
    description: str = ""
    gwp_basis: str = ""
    gwp: dict[str, float] = field(default_factory=dict)
    region_parents: dict[str, str] = field(default_factory=dict)
    region_agnostic: tuple[str, ...] = ()
    default_regions: tuple[str, ...] = ()
    sources: tuple[dict, ...] = ()
    rows: tuple[FactorRow, ...] = ()

    def regions_for(self, key: str) -> dict[str, tuple[FactorRow, ...]]:
        grouped: dict[str, list[FactorRow]] = {}
        for row in self.rows:
            if row.key == key:
                grouped.setdefault(row.region, []).append(row)
        return {region: tuple(rows) for region, rows in grouped.items()}

    def is_region_agnostic(self, key: str) -> bool:
        return any(fnmatch.fnmatchcase(key, pattern) for pattern in self.region_agnostic)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(row.key for row in self.rows))


def _canonical(quantity, gwp: dict[str, float], where: str) -> tuple[str, float]:
    """(per-unit, kg CO2e per per-unit) of a factor quantity such as ``0.177 kg CO2e / kWh``."""
    for gas in u.GASES:
        if quantity.dimensionality.get(f"[{gas.lower()}]"):
            if gas not in gwp:
                raise FactorError(
                    f"{where}: the unit is per gas ({gas}) but the library declares no GWP for "
                    f"{gas}: add `{gas} = ...` under [gwp] in library.toml"
                )
            quantity = quantity * (gwp[gas] * u.ureg.CO2e / u.ureg(gas))
    emission = u.Q_(1.0, "kg CO2e")
    per = emission / quantity
    per_unit = _PER_UNITS.get(per.dimensionality)
    if per_unit is None:
        raise FactorError(
            f"{where}: unit '{quantity.units:~}' is not CO2e per kg, m³, kWh, mol, t·km or "
            "currency; write e.g. 'kg CO2e / kg', 'kg CO2e / kWh', 'kg CO2e / (t * km)'"
        )
    return per_unit, float((quantity * u.Q_(1.0, per_unit)).m_as("kg CO2e"))


def _read_rows(path: Path, library: str, gwp: dict[str, float], source_ids: set[str] | None):
    rows: list[FactorRow] = []
    problems: list[str] = []
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise FactorError(f"{path}: cannot read the factor file ({exc})") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise FactorError(
                f"{path}: missing column(s) {', '.join(missing)}; the header must "
                f"be {','.join(COLUMNS)}"
            )
        seen: dict[tuple[str, str, str], int] = {}
        for number, raw in enumerate(reader, start=2):
            where = f"{path}:{number}"
            row = {k: (raw.get(k) or "").strip() for k in COLUMNS}
            try:
                rows.append(_parse_row(row, where, library, gwp, source_ids))
            except FactorError as exc:
                problems.append(str(exc))
                continue
            identity = (row["key"], row["region"], row["scope"])
            if identity in seen:
                problems.append(
                    f"{where}: duplicate of row {seen[identity]} (same key '{row['key']}', region "
                    f"'{row['region']}' and scope '{row['scope']}'); rows of one key and region "
                    "are components that add up, so each needs its own scope"
                )
            seen.setdefault(identity, number)
    problems += _check_components(rows)
    if problems:
        raise FactorError("\n".join(problems))
    return tuple(rows)


def _parse_row(row, where, library, gwp, source_ids) -> FactorRow:
    if not KEY.match(row["key"]):
        raise FactorError(
            f"{where}: key '{row['key']}' is not of the form material:<id>, energy:<carrier>, "
            "waste:<treatment>, transport:<mode> or spend:<sector>"
        )
    try:
        value = float(row["value"])
    except ValueError:
        raise FactorError(f"{where}: value '{row['value']}' is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise FactorError(f"{where}: value {row['value']} must be a finite number ≥ 0")
    for column in ("unit", "region", "source", "licence"):
        if not row[column]:
            raise FactorError(f"{where}: empty '{column}'; every factor needs a {column}")
    if source_ids is not None:
        match = SOURCE_ID.match(row["source"])
        if not match or match.group(1) not in source_ids:
            raise FactorError(
                f"{where}: source must start with a [source-id] declared in library.toml "
                f"[[sources]] ({', '.join(sorted(source_ids))})"
            )
    if re.search(r"(?<![\w_])tons?(?![\w_])", row["unit"]):
        raise FactorError(
            f"{where}: unit '{row['unit']}' uses 'ton' (US short ton in pint); "
            "write 't' for the metric tonne or 'short_ton'"
        )
    try:
        quantity = u.Q_(value, row["unit"])
    except Exception as exc:  # pint's parser raises many types
        raise FactorError(f"{where}: cannot read unit '{row['unit']}' ({exc})") from None
    per_unit, kg_co2e = _canonical(quantity, gwp, where)
    return FactorRow(
        **{k: v for k, v in row.items() if k != "value"},
        value=value,
        library=library,
        where=where,
        per_unit=per_unit,
        kg_co2e_per_unit=kg_co2e,
    )


def _check_components(rows: list[FactorRow]) -> list[str]:
    first: dict[tuple[str, str], FactorRow] = {}
    problems = []
    for row in rows:
        other = first.setdefault((row.key, row.region), row)
        if other.per_unit != row.per_unit:
            problems.append(
                f"{row.where}: '{row.key}' ({row.region}) is per {row.per_unit} here but per "
                f"{other.per_unit} at {other.where}; components of one factor must be per the "
                "same kind of unit"
            )
    return problems


def read_library(path: str | Path) -> FactorLibrary:
    """Read a library folder (``library.toml`` + ``factors.csv``) or a bare ``factors.csv``.

    Raises
    ------
    FactorError
        Naming the file and row of every problem: bad key, unit or value, a row without
        source or licence, duplicates, components in different units.
    """
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".csv":
        rows = _read_rows(path, path.stem, {}, None)
        return FactorLibrary(name=path.stem, version="", path=str(path), rows=rows)
    meta_path, csv_path = path / "library.toml", path / "factors.csv"
    if not path.is_dir():
        raise FactorError(
            f"{path}: no such factor library (a folder with library.toml and "
            "factors.csv, or a .csv file)"
        )
    if not meta_path.is_file() or not csv_path.is_file():
        raise FactorError(f"{path}: a factor library folder needs library.toml and factors.csv")
    try:
        meta = tomllib.loads(meta_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError) as exc:
        raise FactorError(f"{meta_path}: {exc}") from None
    for required in ("name", "version", "sources"):
        if required not in meta:
            raise FactorError(f"{meta_path}: missing `{required}`")
    sources = tuple(meta["sources"])
    for index, source in enumerate(sources):
        for field_name in ("id", "citation", "licence"):
            if not source.get(field_name):
                raise FactorError(f"{meta_path}: sources[{index}] has no `{field_name}`")
    gwp = {k: float(v) for k, v in meta.get("gwp", {}).items() if k in u.GASES}
    name = str(meta["name"])
    return FactorLibrary(
        name=name,
        version=str(meta["version"]),
        path=str(path),
        description=str(meta.get("description", "")),
        gwp_basis=str(meta.get("gwp_basis", "")),
        gwp=gwp,
        region_parents={str(k): str(v) for k, v in meta.get("region_parents", {}).items()},
        region_agnostic=tuple(meta.get("region_agnostic", {}).get("keys", ())),
        default_regions=tuple(meta.get("default_regions", ())),
        sources=sources,
        rows=_read_rows(csv_path, name, gwp, {s["id"] for s in sources}),
    )


@lru_cache(maxsize=1)
def bundled_library() -> FactorLibrary:
    """The bundled open library (read once, on first use)."""
    return read_library(data_dir("factors") / BUNDLED_LIBRARY)


@dataclass(frozen=True)
class FactorSet:
    """Libraries layered in priority order (first wins), with the regions' parents merged."""

    layers: tuple[FactorLibrary, ...]

    @property
    def region_parents(self) -> dict[str, str]:
        parents: dict[str, str] = {}
        for layer in reversed(self.layers):
            parents.update(layer.region_parents)
        return parents

    def region_chain(self, region: str) -> list[str]:
        """The region, its declared parents, and finally ``GLO`` (the world), which every row
        marked ``GLO`` applies to."""
        chain, parents = [region], self.region_parents
        while chain[-1] in parents and parents[chain[-1]] not in chain:
            chain.append(parents[chain[-1]])
        if chain[-1] != GLOBAL:
            chain.append(GLOBAL)
        return chain

    def lookup(self, key: str, region: str) -> Factor | None:
        """The factor for ``key`` at a site in ``region``, or ``None`` if no layer has it."""
        chain = self.region_chain(region)
        for layer in self.layers:
            available = layer.regions_for(key)
            if not available:
                continue
            for step, candidate in enumerate(chain):
                if candidate in available:
                    where = (
                        "the global (GLO) factor"
                        if candidate == GLOBAL
                        else f"its parent region {candidate}"
                    )
                    note = (
                        ""
                        if step == 0
                        else f"no {key} factor for region {region} in {layer.name}; used {where}"
                    )
                    return _resolve(key, candidate, available[candidate], note)
            if layer.is_region_agnostic(key):
                preferred = [r for r in layer.default_regions if r in available]
                chosen = preferred[0] if preferred else sorted(available)[0]
                note = (
                    f"no {key} factor for region {region} or its parents in {layer.name}; used "
                    f"region {chosen} ({layer.name} declares {key} usable for any region)"
                )
                return _resolve(key, chosen, available[chosen], note)
        return None

    def search(self, text: str) -> list[FactorRow]:
        needle = text.lower()
        return [
            row
            for layer in self.layers
            for row in layer.rows
            if needle in row.key.lower()
            or needle in row.name.lower()
            or needle in row.region.lower()
        ]


def _resolve(key: str, region: str, rows: tuple[FactorRow, ...], fallback: str) -> Factor:
    return Factor(
        key=key,
        region=region,
        per_unit=rows[0].per_unit,
        value=sum(row.kg_co2e_per_unit for row in rows),
        rows=rows,
        fallback=fallback,
    )


def load_factor_set(paths: tuple[str | Path, ...] | list[str | Path] = ()) -> FactorSet:
    """User libraries (highest priority first) over the bundled library."""
    return FactorSet((*(read_library(p) for p in paths), bundled_library()))
