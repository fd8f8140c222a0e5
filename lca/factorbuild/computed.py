"""Stage ``computed``: cradle-to-gate GWP100 per gas of base chemicals and utilities from USLCI.

Reads the vendored USLCI EcoSpold 1 zip and the reviewed tables in ``factors/build/``, links and
solves the technosphere (:mod:`lca.factorbuild.uslci`), characterises per gas with
``factors/gwp100.csv`` and returns the text of the files it writes:

- ``factors/greenroute-open/computed.csv``: one row per gas per shipped result;
- ``factors/greenroute-open/computed-report.md``: providers, cut-offs, allocation, per-gas and
  AR6/AR5 totals, comparison with independent figures, status, unmapped greenhouse gases;
- ``factors/build/energy-defaults.csv``: the gate-to-gate process-energy distribution of USLCI's
  organic and inorganic chemical unit processes (:mod:`lca.factorbuild.energy`).
"""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lca.factorbuild import energy
from lca.factorbuild.ecospold1 import read_ecospold1_zip
from lca.factorbuild.fedefl import fedefl_uuid, read_lcia_categories
from lca.factorbuild.uslci import BuildError, System, build_system, is_air, unmapped_ghg_flows
from lca.factors import COLUMNS as FACTOR_COLUMNS
from lca.factors import OPTIONAL_COLUMNS
from lca.gwp import load_gwp_table

SOURCE_ID = "uslci-fy21q3"
LICENCE = (
    "MIT (c) 2017 uslci-admin (USLCI via the Federal LCA Commons); keep the notice: "
    "factors/build/uslci/LICENSE"
)
COLUMNS = (*FACTOR_COLUMNS, *OPTIONAL_COLUMNS)  # a factor file with its tier and GWP basis
PER_UNIT = {"kg": "kg", "kWh": "kWh", "m3": "m**3", "MJ": "MJ", "l": "l"}
OUTPUTS = {
    "csv": "factors/greenroute-open/computed.csv",
    "report": "factors/greenroute-open/computed-report.md",
    "energy": "factors/build/energy-defaults.csv",
}


@dataclass(frozen=True)
class Inputs:
    """Paths of everything the stage reads, relative to the repository root."""

    root: Path

    @property
    def ecospold(self) -> Path:
        return self.root / "factors/build/uslci/uslci_fy21_q3_01_ecospold1.zip"

    @property
    def ipcc(self) -> Path:
        return self.root / "factors/build/uslci/IPCC_json_v1.0.3.zip"

    def table(self, name: str) -> dict:
        path = self.root / "factors/build" / name
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise BuildError(f"{path}: {exc}") from None


@dataclass(frozen=True)
class Result:
    key: str
    dataset: str
    label: str
    year: str
    unit: str
    basis: str
    allocation: str
    per_gas: dict[str, float]
    ar6: float
    ar5: float
    biogenic_co2: float
    cutoff_kg: float
    cutoff_flows: tuple[str, ...]
    choices: tuple
    unmapped: dict[str, float]
    comparisons: tuple[dict, ...]
    status: str
    reason: str


def _fmt(value: float) -> str:
    """Six significant digits, no exponent for ordinary magnitudes; stable across platforms."""
    text = f"{value:.6g}"
    return "0" if text in ("-0", "0") else text


def _status(ours: float, comparisons: list[dict], rules: dict) -> tuple[str, str]:
    if not comparisons:
        return "shipped", "no independent figure found in the project's researched sources"
    ratios = [(ours / c["value"], c) for c in comparisons]
    low = min(ratios, key=lambda r: r[0])
    if low[0] < rules["exclude_below"]:
        return "excluded", (
            f"implausibly low: ours / theirs = {low[0]:.2f} < {rules['exclude_below']} "
            f"against {low[1]['source'].split(';')[0]}"
        )
    if low[0] < rules["flag_below"]:
        return "flagged", (
            f"low against an independent figure: ours / theirs = {low[0]:.2f} "
            f"(< {rules['flag_below']})"
        )
    return "shipped", "within the plausibility criterion against every independent figure"


def _results(inputs: Inputs, datasets) -> tuple[list[Result], System]:
    providers = inputs.table("uslci-providers.toml")
    spec = inputs.table("uslci-results.toml")
    ghg = inputs.table("uslci-ghg.toml")
    table = load_gwp_table()
    by_number = {d.number: d for d in datasets}
    roots = []
    for number, entry in enumerate(spec.get("results", []), start=1):
        missing = [f for f in ("key", "dataset", "basis") if f not in entry]
        if missing:
            raise BuildError(
                f"factors/build/uslci-results.toml: results[{number}] lacks {', '.join(missing)}"
            )
        dataset = by_number.get(str(entry["dataset"]))
        if dataset is None:
            raise BuildError(f"uslci-results.toml: {entry['key']}: no dataset #{entry['dataset']}")
        roots.append((dataset.number, entry.get("product", dataset.name)))
    unmapped_names = set(ghg["unmapped"])
    system, index = build_system(
        datasets,
        roots,
        providers.get("providers", {}),
        providers.get("allocation", {}),
        ghg["uslci_air_flows"],
        ghg["biogenic_co2_processes"]["prefixes"],
        list(table),
        unmapped_names,
        providers.get("unit_conversions", {}),
    )
    results = []
    for entry, root in zip(spec["results"], roots, strict=True):
        j = index[root]
        activity = system.activities[j]
        x = system.solve(j, 1.0)
        used = np.flatnonzero(np.abs(x) > 1e-15)
        per_gas = {gas: float(system.emissions[gas] @ x) for gas in table}
        fossil = {g: v for g, v in per_gas.items() if g != "CO2_biogenic"}
        ar6 = sum(v * table[g].ar6 for g, v in fossil.items())
        ar5 = sum(v * table[g].ar5 for g, v in fossil.items())
        comparisons = tuple(entry.get("compare", ()))
        status, reason = _status(ar6, list(comparisons), spec["defaults"])
        results.append(
            Result(
                key=entry["key"],
                dataset=activity.dataset.number,
                label=activity.label,
                year=activity.dataset.end_date[:4],
                unit=activity.unit,
                basis=entry["basis"],
                allocation=activity.allocation,
                per_gas={g: v for g, v in per_gas.items() if v != 0.0},
                ar6=ar6,
                ar5=ar5,
                biogenic_co2=per_gas.get("CO2_biogenic", 0.0),
                cutoff_kg=float(system.cutoff_mass @ x),
                cutoff_flows=tuple(sorted(set().union(*(system.cutoff_flows[i] for i in used)))),
                choices=tuple(
                    sorted(set().union(*(system.choices[i] for i in used)), key=lambda c: c.name)
                ),
                unmapped={
                    name: float(v @ x)
                    for name, v in sorted(system.unmapped_ghg.items())
                    if float(v @ x) != 0.0
                },
                comparisons=comparisons,
                status=status,
                reason=reason,
            )
        )
    return results, system


NEGLIGIBLE = 1e-9
"""Gas rows whose CO2e is below this share of the result are left out (rounding noise of the
solve: amounts near 1e-24 kg per kg, of either sign)."""


def _csv(results: list[Result]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in results:
        if r.status == "excluded":
            continue
        per = PER_UNIT[r.unit]
        cut = f"cut-off inputs {_fmt(r.cutoff_kg)} kg per {r.unit} ({len(r.cutoff_flows)} flows)"
        if r.comparisons:
            check = "; ".join(
                f"ours/theirs {r.ar6 / c['value']:.2f} vs {c['source'].split(';')[0][:60]}"
                for c in r.comparisons
            )
        else:
            check = "no independent figure found"
        quality = f"computed ({r.status}); {check}"
        providers = "; ".join(f"{c.name} -> {c.chosen}" for c in r.choices) or "none ambiguous"
        notes = (
            f"{r.basis} Allocation: {r.allocation}. Providers chosen: {providers}. {cut}. "
            f"Per-gas rows of one result add up (AR6 {_fmt(r.ar6)}, AR5 {_fmt(r.ar5)} "
            f"kg CO2e per {r.unit}). See computed-report.md."
        )
        name = f"{r.label.split(' [')[0]} (USLCI, cradle-to-gate, computed)"
        source = (
            f"[{SOURCE_ID}] US Life Cycle Inventory (USLCI) fy21 q3.1, Federal LCA Commons, "
            f"dataset #{r.dataset} '{r.label.split(' [')[0]}', solved cradle-to-gate by "
            "greenroute (python -m lca.factorbuild --stage computed)"
        )
        table = load_gwp_table()
        for gas, value in r.per_gas.items():
            if gas == "CO2_biogenic" and value == 0:
                continue
            if abs(value) * table[gas].ar6 < NEGLIGIBLE * abs(r.ar6):
                continue  # below a billionth of the result: the sparse solve's rounding noise
            if value < 0:
                raise BuildError(
                    f"{r.key}: {gas} comes out negative ({value:.3g} kg per {r.unit}); a factor "
                    "row cannot be negative: review the dataset's negative inputs"
                )
            writer.writerow(
                [
                    r.key,
                    name,
                    _fmt(value),
                    f"kg {gas} / {per}",
                    "US",
                    r.year,
                    gas,
                    source,
                    LICENCE,
                    quality,
                    "",
                    notes,
                    "computed",
                    "per-gas",
                ]
            )
    return out.getvalue()


def run(root: Path) -> dict[str, str]:
    """Text of every file the stage writes, keyed by path relative to ``root``."""
    from lca.factorbuild import report

    inputs = Inputs(root)
    datasets = read_ecospold1_zip(inputs.ecospold)
    results, system = _results(inputs, datasets)
    ghg = inputs.table("uslci-ghg.toml")
    characterised = _characterised(inputs, datasets)
    found = unmapped_ghg_flows(datasets, ghg["uslci_air_flows"], characterised)
    defaults, used = energy.process_energy(datasets, inputs.table("uslci-energy.toml"))
    readme = root / "factors" / "greenroute-open" / "README.md"
    return {
        OUTPUTS["csv"]: _csv(results),
        OUTPUTS["report"]: report.render(results, system, ghg, found, defaults, used),
        OUTPUTS["energy"]: energy.to_csv(defaults),
        "factors/greenroute-open/README.md": report.readme(
            readme.read_text(encoding="utf-8"), results
        ),
    }


def _characterised(inputs: Inputs, datasets) -> set[str]:
    """Air-flow names of USLCI with a non-zero AR5-100 or AR6-100 factor in the FLCAC method."""
    categories = read_lcia_categories(inputs.ipcc)
    names = {x.name for d in datasets for x in d.exchanges if is_air(x)}
    return {
        name
        for name in names
        if categories["AR5-100"].get(fedefl_uuid(name))
        or categories["AR6-100"].get(fedefl_uuid(name))
    }
