"""Emission-factor libraries: reading, validation, layered lookup with recorded fallbacks.

A library is a folder with ``library.toml`` (name, version, sources with licences, region
parents, region-agnostic keys, preferred regions, class parents) and one or more CSV files of
factor rows (``factors.csv``; a library may list further, generated files under ``files``). A user
may also give a bare CSV in the same format. Rows with the same key, region and tier are
*components* that add up (generation + T&D losses + well-to-tank; or CO2 + CH4 + N2O), each row
keeping its own source and licence.

**Tiers.** Every row says how it was obtained (``tier`` column, :mod:`lca.tiers`): ``cited``,
``computed``, ``estimated`` or ``proxy``; rows of a user's library without the column are
``user``. Inside one layer the better tier wins for a region before the lookup moves to the next
region.

**GWP basis.** Rows given per gas (``kg CH4_fossil / kg``, ``lb N2O / MWh``, ``kg CO2 / kg``) are
characterised with the GWP100 set chosen for the run (:mod:`lca.gwp`, IPCC AR6 by default, AR5
available), so one result has one basis. Rows published only in CO2e carry their own basis
(``gwp_basis`` column: ``AR4``, ``AR5``, ``AR6`` or a statement); when it differs from the run's
set they cannot be converted without the gas split: they are used as published and flagged.
Biogenic CO2 (gas ``CO2_biogenic``) is kept apart from the total, as ISO 14067 and the GHG
Protocol Product Standard report it separately.

**Lookup.** Recipe pins first, then user libraries in the order given, then the bundled one; the
first layer that has the key wins. Energy, waste and transport keys follow the *site* region:
the region, its declared parents (``US-RFCE`` → ``US`` → ``GLO``) and, for keys a layer declares
region-agnostic, its preferred regions. Materials follow their *production* region instead (the
recipe's ``production_region``, else the library's documented ``material_regions`` order), so a
purchased chemical's factor does not change with the site. A material no factor covers falls back
to its class proxy (``class:<class>``, then the class's parents). Every step away from the first
choice is recorded on the resolved :class:`Factor`.
"""

from __future__ import annotations

import csv
import fnmatch
import io
import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from lca import units as u
from lca.cache import JsonStore, code_digest
from lca.errors import FactorError, UnitError
from lca.files import decode_text
from lca.regions import region_problem
from lca.resources import data_dir
from lca.tiers import FACTOR_TIERS, tier_order
from lca.uncertainty import factor_distribution

COLUMNS = (
    "key", "name", "value", "unit", "region", "year", "scope", "source", "licence",
    "data_quality", "uncertainty", "notes",
)  # fmt: skip
OPTIONAL_COLUMNS = ("tier", "gwp_basis")
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}
# the grade a data_quality cell starts with (then flags); the tiers' own rows use the last three
DATA_QUALITY = ("primary", "second-hand", "derived", "computed", "estimated", "proxy")
KEY = re.compile(r"^(material|energy|waste|transport|spend|class):[a-z0-9][a-z0-9._+-]*$")
SOURCE_ID = re.compile(r"^\[([a-z0-9._-]+)\]")
BUNDLED_LIBRARY = "greenroute-open"
GLOBAL = "GLO"
GWP_BASES = ("AR4", "AR5", "AR6")
PER_GAS = "per-gas"
BIOGENIC_CO2 = "CO2_biogenic"
_CO2_WORD = re.compile(r"(?<![\w])CO2(?![\w])")

# The unit a factor is expressed per, by the dimension of that unit.
PER_UNITS = {
    u.MASS: "kg",
    u.VOLUME: "m**3",
    u.ENERGY: "kWh",
    u.SUBSTANCE: "mol",
    u.TRANSPORT: "t*km",
    **{dimension: code for code, dimension in u.CURRENCIES.items()},
}


@dataclass(frozen=True)
class FactorRow:
    """One row of a factor CSV, as written, with its value in canonical units.

    ``gas`` is the greenhouse gas a per-gas row gives (``""`` for a row in CO2e) and ``amount``
    its kg of that gas (or kg CO2e) per ``per_unit``; ``kg_co2e_per_unit`` is the row's CO2e
    under the GWP set the library was read with. ``basis_mismatch`` marks a CO2e row whose
    basis differs from that set (used as published, flagged in results).
    """

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
    tier: str = "user"
    gwp_basis: str = ""
    gas: str = ""
    amount: float | None = None
    basis_mismatch: bool = False

    @property
    def biogenic(self) -> bool:
        """Biogenic CO2: reported apart, never in the total."""
        return self.gas == BIOGENIC_CO2


@dataclass(frozen=True)
class Factor:
    """A resolved factor: the sum of its component rows, in kg CO2e per ``per_unit``.

    ``value`` leaves out biogenic CO2 rows, which ``biogenic_value`` gives apart. ``why`` says
    how the lookup chose this factor (tier, region, class), ``fallback`` every step away from
    the first choice.
    """

    key: str
    region: str
    per_unit: str
    value: float
    rows: tuple[FactorRow, ...]
    fallback: str = ""
    tier: str = ""
    why: str = ""
    gwp_set: str = ""

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

    @property
    def biogenic_value(self) -> float:
        """Biogenic CO2 per ``per_unit`` [kg CO2], reported apart from ``value``."""
        return sum(row.kg_co2e_per_unit for row in self.rows if row.biogenic)

    @property
    def basis(self) -> str:
        """The GWP basis of the value: the run's set, or the published bases that differ."""
        other = sorted({row.gwp_basis or "unstated" for row in self.rows if row.basis_mismatch})
        return self.gwp_set if not other else f"{'/'.join(other)} as published"

    @property
    def gwp_note(self) -> str:
        """Why part of the value is not on the run's GWP basis ('' when all of it is)."""
        mismatched = [row for row in self.rows if row.basis_mismatch]
        if not mismatched:
            return ""
        bases = ", ".join(sorted({row.gwp_basis or "unstated" for row in mismatched}))
        return (
            f"{len(mismatched)} of {len(self.rows)} component(s) published in CO2e on basis "
            f"{bases} without a gas split: used as published, not converted to {self.gwp_set}"
        )


@dataclass(frozen=True)
class LibraryInfo:
    """What a result keeps of a factor library it was computed with: its name, version (``""``
    for a bare CSV file, which has none), the GWP basis ``library.toml`` declares (``""`` when
    its rows state their own) and where it was read from."""

    name: str
    version: str
    gwp_basis: str
    path: str

    @property
    def described(self) -> str:
        """``greenroute-open 2025.1; GWP basis: AR6`` for reports."""
        version = self.version or "(no version: a bare CSV file or computed factors)"
        basis = self.gwp_basis or "stated row by row"
        return f"{self.name} {version}; GWP basis: {basis}"


@dataclass(frozen=True)
class FactorLibrary:
    """One library: its metadata and its rows."""

    name: str
    version: str
    path: str
    description: str = ""
    gwp_basis: str = ""
    region_parents: dict[str, str] = field(default_factory=dict)
    region_agnostic: tuple[str, ...] = ()
    default_regions: tuple[str, ...] = ()
    material_regions: tuple[str, ...] = ()
    class_parents: dict[str, str] = field(default_factory=dict)
    sources: tuple[dict, ...] = ()
    rows: tuple[FactorRow, ...] = ()
    gwp_set: str = ""

    def groups(self, key: str) -> dict[tuple[str, str], tuple[FactorRow, ...]]:
        """The rows of ``key`` by (region, tier)."""
        return self._index.get(key, {})

    @property
    def _index(self) -> dict[str, dict[tuple[str, str], tuple[FactorRow, ...]]]:
        # built on first use and kept on the (frozen) instance
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            grouped: dict[str, dict[tuple[str, str], list[FactorRow]]] = {}
            for row in self.rows:
                grouped.setdefault(row.key, {}).setdefault((row.region, row.tier), []).append(row)
            cached = {
                key: {group: _basis_variant(rows, self.gwp_set) for group, rows in by.items()}
                for key, by in grouped.items()
            }
            object.__setattr__(self, "_index_cache", cached)
        return cached

    def regions_for(self, key: str) -> dict[str, tuple[FactorRow, ...]]:
        """The rows of ``key`` by region (every tier together)."""
        merged: dict[str, list[FactorRow]] = {}
        for (region, _), rows in self.groups(key).items():
            merged.setdefault(region, []).extend(rows)
        return {region: tuple(rows) for region, rows in merged.items()}

    @property
    def info(self) -> LibraryInfo:
        return LibraryInfo(self.name, self.version, self.gwp_basis, self.path)

    def is_region_agnostic(self, key: str) -> bool:
        return any(fnmatch.fnmatchcase(key, pattern) for pattern in self.region_agnostic)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(row.key for row in self.rows))


def _basis_variant(rows: list[FactorRow], gwp_set: str) -> tuple[FactorRow, ...]:
    """Rows of one group given once per GWP set (a generated proxy, say) are alternatives:
    keep the set of the run. Other rows are components and all kept."""
    plain = {row.gwp_basis for row in rows if row.gwp_basis in GWP_BASES}
    if len(plain) > 1 and all(row.gwp_basis in GWP_BASES for row in rows):
        chosen = gwp_set if gwp_set in plain else sorted(plain)[-1]
        return tuple(row for row in rows if row.gwp_basis == chosen)
    return tuple(rows)


def _gas_of(quantity, unit_text: str) -> str:
    """The greenhouse gas a row is given per (``""`` for CO2e)."""
    for gas, dimension in u.GAS_DIMENSIONS.items():
        if quantity.dimensionality.get(next(iter(dimension))):
            return gas
    return "CO2" if _CO2_WORD.search(unit_text) else ""


def _canonical(value: float, unit: str, where: str) -> tuple[str, str, float]:
    """(per-unit, gas, amount of gas or CO2e per per-unit) of ``value unit``."""
    found = _unit_scale(unit)
    if isinstance(found, str):
        raise FactorError(f"{where}: {found}")
    per_unit, gas, scale = found
    # pint converts a magnitude by one multiplication with the units' factor: the same product
    return per_unit, gas, float(value) * scale


def _unit_scales_file() -> str | None:
    """Name of the cached unit scales: they depend on pint's version and on this module's and
    :mod:`lca.units`' code, so any change of these reads (and computes) another file."""
    digest = code_digest("pint", __file__, u.__file__)
    return None if digest is None else f"factor-units-{digest}.json"


_UNIT_SCALES = JsonStore("units", _unit_scales_file)
""":func:`_unit_scale` of the units read before (by any command): 1 ``unit`` in its per-unit,
gas and scale, exactly as computed (JSON keeps a float's every digit)."""


@lru_cache(maxsize=1024)
def _unit_scale(unit: str) -> tuple[str, str, float] | str:
    """:func:`_canonical_value` of 1 ``unit`` (a library writes a few units on many rows), or
    what is wrong with the unit."""
    stored = _UNIT_SCALES.get(unit)
    if (
        isinstance(stored, list)
        and len(stored) == 3
        and all(isinstance(part, str) for part in stored[:2])
        and isinstance(stored[2], float)
    ):
        return stored[0], stored[1], stored[2]
    try:
        found = _canonical_value(1.0, unit)
    except FactorError as exc:
        return str(exc)
    _UNIT_SCALES.put(unit, list(found))
    return found


def _canonical_value(value: float, unit: str) -> tuple[str, str, float]:
    try:
        quantity = u.Q_(value, unit)
    except Exception as exc:  # pint's parser raises many types
        raise FactorError(f"cannot read unit '{unit}' ({exc})") from None
    gas = _gas_of(quantity, unit)
    # a mass of gas counts as the same mass of CO2e here; its GWP is applied by the caller
    emission = quantity * (u.ureg.CO2e / u.ureg(gas)) if gas and gas != "CO2" else quantity
    # the unit tells what the factor is per, whatever its value: 0 is a valid factor (a 100 %
    # renewable electricity contract)
    per = u.Q_(1.0, "kg CO2e") / u.Q_(1.0, emission.units)
    per_unit = PER_UNITS.get(per.dimensionality)
    if per_unit is None:
        raise FactorError(
            f"unit '{unit}' is not CO2e (or a greenhouse gas) per kg, m³, kWh, mol, "
            "t·km or currency; write e.g. 'kg CO2e / kg', 'kg CO2e / kWh', 'lb CH4 / MWh', "
            "'kg CO2e / (t * km)'"
        )
    return per_unit, gas, float((emission * u.Q_(1.0, per_unit)).m_as("kg CO2e"))


def _read_rows(
    path: Path,
    library: str,
    source_ids: set[str] | None,
    default_tier: str,
    default_basis: str,
    gwp_set: str,
    regions: tuple[str, ...] = (),
):
    rows: list[FactorRow] = []
    problems: list[str] = []
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FactorError(f"{path}: cannot read the factor file ({exc.strerror or exc})") from None
    # Excel saves CSV with a byte-order mark ("CSV UTF-8") or in Windows-1252 ("CSV"), and with
    # ';' where the decimal separator is a comma
    text = decode_text(data, str(path), FactorError)
    delimiter = _delimiter(text.split("\n", 1)[0])
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    fields = reader.fieldnames or []
    missing = [c for c in COLUMNS if c not in fields]
    if len(missing) == len(COLUMNS):
        raise FactorError(
            f"{path}: the header names none of the columns {','.join(COLUMNS)} (read as "
            f"{fields[:1] or 'empty'}); separate the columns with commas, semicolons or tabs"
        )
    if missing:
        raise FactorError(
            f"{path}: missing column(s) {', '.join(missing)}; the header must "
            f"be {','.join(COLUMNS)} (optionally followed by {','.join(OPTIONAL_COLUMNS)}; "
            f"read as {len(fields)} column(s) separated by {DELIMITERS[delimiter]}: "
            f"{', '.join(fields[:4])}{'...' if len(fields) > 4 else ''})"
        )
    extra = [c for c in fields if c not in COLUMNS and c not in OPTIONAL_COLUMNS]
    if extra:
        raise FactorError(
            f"{path}: unknown column(s) {', '.join(repr(c) for c in extra)}; remove them (the "
            f"columns are {','.join(COLUMNS)}, optionally {', '.join(OPTIONAL_COLUMNS)})"
        )
    seen: dict[tuple[str, ...], int] = {}
    for number, raw in enumerate(reader, start=2):
        where = f"{path}:{number}"
        if None in raw:
            problems.append(
                f"{where}: {len(fields) + len(raw[None])} cells for {len(fields)} columns; "
                f"quote cells that contain {DELIMITERS[delimiter]}"
            )
            continue
        row = {k: (raw.get(k) or "").strip() for k in (*COLUMNS, *OPTIONAL_COLUMNS)}
        try:
            parsed = _parse_row(
                row, where, library, source_ids, default_tier, default_basis, gwp_set
            )
            _check_text(parsed, regions)
        except FactorError as exc:
            problems.append(str(exc))
            continue
        rows.append(parsed)
        identity = (
            row["key"], row["region"], parsed.tier, row["scope"], parsed.gwp_basis,
            parsed.per_unit,
        )  # fmt: skip
        if identity in seen:
            problems.append(
                f"{where}: duplicate of row {seen[identity]} (same key '{row['key']}', region "
                f"'{row['region']}', tier and scope '{row['scope']}'); rows of one key and "
                "region are components that add up, so each needs its own scope"
            )
        seen.setdefault(identity, number)
    _UNIT_SCALES.flush()
    return rows, problems


def _delimiter(header: str) -> str:
    """The delimiter that splits the header into the most column names (',' on a tie)."""
    names = set(COLUMNS)
    return max(DELIMITERS, key=lambda d: len(names & {c.strip() for c in header.split(d)}))


def _check_text(row: FactorRow, regions: tuple[str, ...]) -> None:
    """The region, data-quality and uncertainty cells must say something greenroute reads."""
    problem = region_problem(row.region, regions)
    if problem:
        raise FactorError(f"{row.where}: {problem}")
    grade = re.split(r"[^\w-]", row.data_quality, maxsplit=1)[0]  # its leading word
    if row.data_quality and grade not in DATA_QUALITY:
        raise FactorError(
            f"{row.where}: data_quality '{row.data_quality}' does not start with "
            f"{', '.join(DATA_QUALITY)} (then '; ' and any flags)"
        )
    try:
        # the text must parse; a relative spread of a zero factor is zero (Monte Carlo skips it)
        spread = factor_distribution(row.uncertainty, row.value or 1.0, row.where)
    except UnitError as exc:
        raise FactorError(str(exc)) from None
    if spread is not None and row.uncertainty.startswith("95%:"):
        low, high = (float(x) for x in row.uncertainty[4:].split("-"))
        if not low <= row.value <= high:
            raise FactorError(
                f"{row.where}: value {row.value:g} lies outside its 95 % interval "
                f"{row.uncertainty[4:]}; give the interval in the row's unit ({row.unit})"
            )


def _parse_row(row, where, library, source_ids, default_tier, default_basis, gwp_set) -> FactorRow:
    if not KEY.match(row["key"]):
        raise FactorError(
            f"{where}: key '{row['key']}' is not of the form material:<id>, energy:<carrier>, "
            "waste:<treatment>, transport:<mode>, spend:<sector> or class:<class>"
        )
    try:
        value = float(row["value"])
    except ValueError:
        comma = " (write the decimal separator as '.')" if "," in row["value"] else ""
        raise FactorError(f"{where}: value '{row['value']}' is not a number{comma}") from None
    if not math.isfinite(value) or value < 0:
        raise FactorError(f"{where}: value {row['value']} must be a finite number ≥ 0")
    try:
        u.check_magnitude(value, f"value {row['value']}", where)
    except UnitError as exc:
        raise FactorError(str(exc)) from None
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
    tier = row["tier"] or default_tier
    if tier not in FACTOR_TIERS:
        raise FactorError(
            f"{where}: tier '{tier}' is not one of {', '.join(FACTOR_TIERS)} (how the factor "
            "was obtained; leave it empty in your own library)"
        )
    per_unit, gas, amount = _canonical(value, row["unit"], where)
    if gas:
        from lca.gwp import gwp

        basis = PER_GAS
        # biogenic CO2 keeps its mass; Factor.value leaves it out of the total
        kg_co2e = amount if gas in ("CO2", BIOGENIC_CO2) else amount * gwp(gas, gwp_set)
        mismatch = False
    else:
        basis = row["gwp_basis"] or default_basis
        if basis == PER_GAS:
            raise FactorError(
                f"{where}: gwp_basis is '{PER_GAS}' but the unit '{row['unit']}' is in CO2e; "
                "give the gas in the unit (e.g. 'kg CH4_fossil / kg') or the CO2e basis"
            )
        kg_co2e = amount
        mismatch = basis != gwp_set
    return FactorRow(
        **{k: v for k, v in row.items() if k in COLUMNS and k != "value"},
        value=value,
        library=library,
        where=where,
        per_unit=per_unit,
        kg_co2e_per_unit=kg_co2e,
        tier=tier,
        gwp_basis=basis,
        gas=gas,
        amount=amount,
        basis_mismatch=mismatch,
    )


def _check_components(rows: list[FactorRow]) -> list[str]:
    """Components of one factor share a kind of unit; a factor may be given in several kinds of
    unit (per kWh and per m³ of natural gas) only as complete alternatives: the same components
    (scopes) in each."""
    groups: dict[tuple[str, str, str], dict[str, list[FactorRow]]] = {}
    for row in rows:
        groups.setdefault((row.key, row.region, row.tier), {}).setdefault(row.per_unit, []).append(
            row
        )
    problems = []
    for by_unit in groups.values():
        if len(by_unit) < 2:
            continue
        scopes = {per: sorted(r.scope for r in group) for per, group in by_unit.items()}
        first_unit, *others = list(by_unit)
        for per in others:
            if scopes[per] != scopes[first_unit]:
                row, other = by_unit[per][0], by_unit[first_unit][0]
                problems.append(
                    f"{row.where}: '{row.key}' ({row.region}) is per {row.per_unit} here but per "
                    f"{other.per_unit} at {other.where}; components of one factor must be per "
                    "the same kind of unit (or, as alternatives, give the same components in "
                    "each unit)"
                )
    return problems


def read_library(
    path: str | Path,
    gwp_set: str | None = None,
    default_tier: str = "user",
    skip_files: tuple[str, ...] = (),
) -> FactorLibrary:
    """Read a library folder (``library.toml`` + CSV files) or a bare CSV file.

    Parameters
    ----------
    gwp_set : str, optional
        GWP100 set per-gas rows are characterised with (``"AR6"``, the default, or ``"AR5"``).
    default_tier : str
        Tier of rows with no ``tier`` cell: ``"user"`` for a user's library.
    skip_files : tuple of str
        Files of the library's ``files`` list not to read (the factor build reads the library
        without the files it is generating).

    Raises
    ------
    FactorError
        Naming the file and row of every problem: bad key, unit, tier or value, a row without
        source or licence, duplicates, components in different units.
    """
    from lca.factorcache import keep, kept_path, read_kept
    from lca.gwp import DEFAULT_GWP, GWP_SETS

    gwp_set = gwp_set or DEFAULT_GWP
    if gwp_set not in GWP_SETS:
        raise FactorError(f"GWP set '{gwp_set}' is not one of {', '.join(GWP_SETS)}")
    path = Path(path)
    # a library read before from the same files by the same code (lca.factorcache)
    target = kept_path(path, gwp_set, default_tier, tuple(skip_files))
    library = read_kept(target)
    if library is None:
        library = _read_library(path, gwp_set, default_tier, tuple(skip_files))
        keep(target, library)
    return library


def _read_library(
    path: Path, gwp_set: str, default_tier: str, skip_files: tuple[str, ...]
) -> FactorLibrary:
    if path.is_file() and path.suffix.lower() == ".csv":
        found, trouble = _read_rows(path, path.stem, None, default_tier, "", gwp_set)
        trouble += _check_components(found)
        if trouble:
            raise FactorError("\n".join(trouble))
        return FactorLibrary(
            name=path.stem, version="", path=str(path), rows=tuple(found), gwp_set=gwp_set
        )
    meta_path = path / "library.toml"
    if not path.is_dir():
        raise FactorError(
            f"{path}: no such factor library (a folder with library.toml and "
            "factors.csv, or a .csv file)"
        )
    if not meta_path.is_file():
        raise FactorError(f"{path}: a factor library folder needs library.toml and factors.csv")
    try:
        meta = tomllib.loads(decode_text(meta_path.read_bytes(), str(meta_path), FactorError))
    except (tomllib.TOMLDecodeError, OSError, RecursionError) as exc:
        raise FactorError(f"{meta_path}: {exc or 'nested too deeply'}") from None
    for required in ("name", "version", "sources"):
        if required not in meta:
            raise FactorError(f"{meta_path}: missing `{required}`")
    sources = tuple(meta["sources"])
    for index, source in enumerate(sources):
        for field_name in ("id", "citation", "licence"):
            if not source.get(field_name):
                raise FactorError(f"{meta_path}: sources[{index}] has no `{field_name}`")
    name = str(meta["name"])
    default_basis = str(meta.get("gwp_basis", ""))
    rows: list[FactorRow] = []
    problems: list[str] = []
    for file_name in meta.get("files", ["factors.csv"]):
        if file_name in skip_files:
            continue
        csv_path = path / file_name
        if not csv_path.is_file():
            raise FactorError(f"{meta_path}: files lists '{file_name}', which is not in {path}")
        found, trouble = _read_rows(
            csv_path,
            name,
            {s["id"] for s in sources},
            str(meta.get("default_tier", default_tier)),
            default_basis if default_basis in GWP_BASES else "",
            gwp_set,
            tuple(str(r) for pair in meta.get("region_parents", {}).items() for r in pair),
        )
        rows += found
        problems += trouble
    problems += _check_components(rows)
    if problems:
        raise FactorError("\n".join(problems))
    default_regions = tuple(meta.get("default_regions", ()))
    return FactorLibrary(
        name=name,
        version=str(meta["version"]),
        path=str(path),
        description=str(meta.get("description", "")),
        gwp_basis=default_basis,
        region_parents={str(k): str(v) for k, v in meta.get("region_parents", {}).items()},
        region_agnostic=tuple(meta.get("region_agnostic", {}).get("keys", ())),
        default_regions=default_regions,
        material_regions=tuple(meta.get("material_regions", default_regions)),
        class_parents={str(k): str(v) for k, v in meta.get("class_parents", {}).items()},
        sources=sources,
        rows=tuple(rows),
        gwp_set=gwp_set,
    )


@lru_cache(maxsize=4)
def bundled_library(gwp_set: str | None = None) -> FactorLibrary:
    """The bundled open library (read once per GWP set, on first use)."""
    return read_library(data_dir("factors") / BUNDLED_LIBRARY, gwp_set, default_tier="cited")


class FactorLookup(Protocol):
    """What the footprint asks of its factors: a :class:`FactorSet`, or a stand-in that records
    the keys a route needs (:func:`lca.backends.brightway_background.route_flow_keys`)."""

    @property
    def gwp_set(self) -> str: ...

    def lookup(self, key: str, region: str, unit: str | None = None) -> Factor | None: ...

    def lookup_material(self, key: str, production_region: str | None = None) -> Factor | None: ...

    def lookup_class(self, material_class: str) -> Factor | None: ...

    def class_chain(self, material_class: str) -> list[str]: ...


@dataclass(frozen=True)
class FactorSet:
    """Libraries layered in priority order (first wins), read with one GWP set."""

    layers: tuple[FactorLibrary, ...]
    gwp_set: str = "AR6"
    exclude_tiers: frozenset[str] = frozenset()

    @property
    def libraries(self) -> tuple[LibraryInfo, ...]:
        """Name, version, GWP basis and path of each layer, in priority order."""
        return tuple(layer.info for layer in self.layers)

    @property
    def region_parents(self) -> dict[str, str]:
        parents: dict[str, str] = {}
        for layer in reversed(self.layers):
            parents.update(layer.region_parents)
        return parents

    @property
    def class_parents(self) -> dict[str, str]:
        parents: dict[str, str] = {}
        for layer in reversed(self.layers):
            parents.update(layer.class_parents)
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

    def class_chain(self, material_class: str) -> list[str]:
        """A material class and its parents, as the libraries declare them."""
        chain, parents = [material_class], self.class_parents
        while chain[-1] in parents and parents[chain[-1]] not in chain:
            chain.append(parents[chain[-1]])
        return chain

    def _groups(self, layer: FactorLibrary, key: str):
        return {
            group: rows
            for group, rows in layer.groups(key).items()
            if group[1] not in self.exclude_tiers
        }

    def lookup(self, key: str, region: str, unit: str | None = None) -> Factor | None:
        """The factor for ``key`` at a site in ``region``, or ``None`` if no layer has it.

        ``unit`` (``kWh``, ``kg``, ``m**3``...) picks the expression of a factor given in several
        kinds of unit; otherwise the first one listed is used.
        """
        return self._find(key, self.region_chain(region), region, agnostic=True, unit=unit)

    def lookup_material(self, key: str, production_region: str | None = None) -> Factor | None:
        """A purchased material's factor by its production region, not the site's.

        With ``production_region`` the lookup follows that region and its parents; without it
        (or when they have no row) each layer's documented ``material_regions`` order.
        """
        if production_region:
            found = self._find(key, self.region_chain(production_region), production_region)
            if found is not None:
                return found
        for layer in self.layers:
            groups = self._groups(layer, key)
            if not groups:
                continue
            order = [*layer.material_regions, *sorted({r for r, _ in groups})]
            for region in dict.fromkeys(order):
                for tier in sorted({t for r, t in groups if r == region}, key=tier_order):
                    note = (
                        f"no {key} factor for production region {production_region} in "
                        f"{layer.name}; "
                        if production_region
                        else ""
                    )
                    why = (
                        f"production region {region}, the first of {layer.name}'s documented "
                        f"order ({', '.join(layer.material_regions) or 'none declared'}) with a "
                        f"{tier} row"
                    )
                    return self._resolve(layer, key, region, tier, groups, note, why)
        return None

    def lookup_class(self, material_class: str) -> Factor | None:
        """The proxy of a material class, climbing to its parents when a class has none."""
        chain = self.class_chain(material_class)
        for position, name in enumerate(chain):
            found = self._find(f"class:{name}", [GLOBAL], GLOBAL, agnostic=True)
            if found is not None:
                if position:
                    note = f"no proxy for class '{material_class}'; used its parent class '{name}'"
                    return _with(found, fallback=note)
                return found
        return None

    def _find(
        self, key: str, chain: list[str], region: str, agnostic: bool = False, unit=None
    ) -> Factor | None:
        for layer in self.layers:
            groups = self._groups(layer, key)
            if not groups:
                continue
            for step, candidate in enumerate(chain):
                tiers = sorted({t for r, t in groups if r == candidate}, key=tier_order)
                if not tiers:
                    continue
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
                why = f"region {candidate}, best tier there: {tiers[0]}"
                return self._resolve(layer, key, candidate, tiers[0], groups, note, why, unit)
            if agnostic and layer.is_region_agnostic(key):
                regions = {r for r, _ in groups}
                preferred = [r for r in layer.default_regions if r in regions]
                chosen = preferred[0] if preferred else sorted(regions)[0]
                tier = sorted({t for r, t in groups if r == chosen}, key=tier_order)[0]
                note = (
                    f"no {key} factor for region {region} or its parents in {layer.name}; used "
                    f"region {chosen} ({layer.name} declares {key} usable for any region)"
                )
                why = f"region {chosen} (region-agnostic key), best tier there: {tier}"
                return self._resolve(layer, key, chosen, tier, groups, note, why, unit)
        return None

    def _resolve(self, layer, key, region, tier, groups, note, why, unit=None) -> Factor:
        rows = groups[(region, tier)]
        per_units = list(dict.fromkeys(row.per_unit for row in rows))
        chosen = unit if unit in per_units else per_units[0]
        rows = tuple(row for row in rows if row.per_unit == chosen)
        return Factor(
            key=key,
            region=region,
            per_unit=rows[0].per_unit,
            value=sum(row.kg_co2e_per_unit for row in rows if not row.biogenic),
            rows=rows,
            fallback=note,
            tier=tier,
            why=f"{layer.name}: {why}",
            gwp_set=self.gwp_set,
        )

    def candidates(self, key: str) -> list[tuple[str, str, str, str, float]]:
        """Every (library, region, tier, per-unit, value) a key has, in layer order: what a
        lookup chose from."""
        found = []
        for layer in self.layers:
            for (region, tier), rows in sorted(
                layer.groups(key).items(), key=lambda item: (tier_order(item[0][1]), item[0][0])
            ):
                for per_unit in dict.fromkeys(row.per_unit for row in rows):
                    value = sum(
                        row.kg_co2e_per_unit
                        for row in rows
                        if row.per_unit == per_unit and not row.biogenic
                    )
                    found.append((layer.name, region, tier, per_unit, value))
        return found

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


def _with(factor: Factor, **changes) -> Factor:
    from dataclasses import replace

    return replace(factor, **changes)


def load_factor_set(
    paths: tuple[str | Path, ...] | list[str | Path] = (),
    gwp_set: str | None = None,
    exclude_tiers: tuple[str, ...] | frozenset[str] = (),
) -> FactorSet:
    """User libraries (highest priority first) over the bundled library, read with one GWP set.

    Parameters
    ----------
    gwp_set : str, optional
        ``"AR6"`` (default) or ``"AR5"`` GWP100.
    exclude_tiers : tuple of str
        Tiers not to use (e.g. ``("proxy",)`` to leave uncovered what only a class proxy covers).
    """
    from lca.gwp import DEFAULT_GWP

    gwp_set = gwp_set or DEFAULT_GWP
    unknown = sorted(set(exclude_tiers) - set(FACTOR_TIERS))
    if unknown:
        raise FactorError(
            f"tier(s) {', '.join(unknown)} unknown; tiers are {', '.join(FACTOR_TIERS)}"
        )
    return FactorSet(
        (*(read_library(p, gwp_set) for p in paths), bundled_library(gwp_set)),
        gwp_set=gwp_set,
        exclude_tiers=frozenset(exclude_tiers),
    )


def as_factor_set(
    factors: FactorSet | Sequence[str | Path] | None = None,
    gwp_set: str | None = None,
) -> FactorSet:
    """A factor set as given, or read from paths of user libraries over the bundled one.

    Raises
    ------
    FactorError
        If ``factors`` is a set read with another GWP set than ``gwp_set``, or a library is
        invalid.
    """
    if isinstance(factors, FactorSet):
        if gwp_set is not None and gwp_set != factors.gwp_set:
            raise FactorError(
                f"the factor set was read with GWP set {factors.gwp_set}, not {gwp_set}: load it "
                f"with load_factor_set(..., gwp_set={gwp_set!r})"
            )
        return factors
    return load_factor_set(tuple(factors or ()), gwp_set=gwp_set)
