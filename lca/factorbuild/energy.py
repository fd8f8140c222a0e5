"""The data-derived process-energy default: gate-to-gate heat and electricity of USLCI chemicals.

For each organic and inorganic chemical unit process listed in ``factors/build/uslci-energy.toml``,
the purchased heat (fuel burnt on site, MJ HHV, by fuel) and electricity (kWh) per kg of product
are read from the unit process itself (gate to gate, after USLCI's allocation), then summarised
per group: n, 5th/25th/50th/75th/95th percentiles (numpy's linear interpolation) and a lognormal
fitted to the positive values by the moments of their logarithms (median = exp(mean ln x),
GSD = exp(sd ln x), sample sd with n - 1).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence

import numpy as np

from lca.factorbuild.ecospold1 import Dataset
from lca.factorbuild.uslci import BuildError, _allocation

MJ_PER_MMBTU = 1055.056
# Native USLCI units per EPA unit: m3 per scf, l per US gallon, kg per short ton.
PER_UNIT = {"scf": 1 / 35.3147, "gal": 3.785411784, "short_ton": 907.18474, "MJ": 1.0}
NATIVE = {"scf": "m3", "gal": "l", "short_ton": "kg", "MJ": "MJ"}
COLUMNS = [
    "group",
    "quantity",
    "unit",
    "n",
    "n_positive",
    "p05",
    "p25",
    "median",
    "p75",
    "p95",
    "mean",
    "lognormal_median",
    "lognormal_gsd",
    "datasets",
]


def mj_per_native_unit(rule: Mapping) -> float:
    """MJ (HHV) per unit the USLCI input is written in (m3, l, kg or MJ)."""
    per = rule["per"]
    if per not in PER_UNIT:
        raise BuildError(f"uslci-energy.toml: unknown unit {per!r} in {rule}")
    # mmBtu per scf / (m3 per scf) = mmBtu per m3; likewise per gal -> per l, per short ton -> kg.
    return float(rule["mmbtu_per_unit"]) * MJ_PER_MMBTU / PER_UNIT[per] if per != "MJ" else 1.0


def gate_to_gate(dataset: Dataset, config: Mapping) -> dict[str, float]:
    """Heat by fuel [MJ] and electricity [kWh] per kg of the dataset's reference product."""
    reference, share, _ = _allocation(dataset, {})[0]
    if reference.unit != "kg" or reference.amount <= 0:
        raise BuildError(f"{dataset.label}: reference product not in kg; cannot be per kg")
    heat_rules, electricity = config["heat"], set(config["electricity"]["names"])
    out: dict[str, float] = {"electricity": 0.0}
    for x in dataset.exchanges:
        if x.group != "input":
            continue
        per_kg = x.amount * share / reference.amount
        if x.name in heat_rules:
            rule = heat_rules[x.name]
            expected = NATIVE[rule["per"]]
            if x.unit != expected:
                raise BuildError(f"{dataset.label}: {x.name} in {x.unit}, expected {expected}")
            fuel = rule["fuel"]
            out[fuel] = out.get(fuel, 0.0) + per_kg * mj_per_native_unit(rule)
        elif x.name in electricity:
            if x.unit not in ("kWh", "MJ"):
                raise BuildError(f"{dataset.label}: {x.name} in {x.unit}, expected kWh or MJ")
            out["electricity"] += per_kg / 3.6 if x.unit == "MJ" else per_kg
    out["heat"] = sum(v for k, v in out.items() if k not in ("electricity",))
    return out


def _summary(values: Sequence[float]) -> dict[str, float | int | str]:
    data = np.asarray(values, dtype=float)
    positive = data[data > 0]
    p05, p25, p50, p75, p95 = np.percentile(data, [5, 25, 50, 75, 95])
    summary: dict[str, float | int | str] = {
        "n": len(data),
        "n_positive": len(positive),
        "p05": p05,
        "p25": p25,
        "median": p50,
        "p75": p75,
        "p95": p95,
        "mean": float(data.mean()),
        "lognormal_median": "",
        "lognormal_gsd": "",
    }
    if len(positive) >= 2:
        logs = np.log(positive)
        summary["lognormal_median"] = math.exp(float(logs.mean()))
        summary["lognormal_gsd"] = math.exp(float(logs.std(ddof=1)))
    return summary


def process_energy(
    datasets: Sequence[Dataset], config: Mapping
) -> tuple[list[dict], dict[str, list[tuple[Dataset, dict[str, float]]]]]:
    """Summary rows per group and quantity, and the per-dataset values they summarise."""
    by_number = {d.number: d for d in datasets}
    used: dict[str, list[tuple[Dataset, dict[str, float]]]] = {}
    rows: list[dict] = []
    for group, numbers in config["groups"].items():
        missing = [n for n in numbers if n not in by_number]
        if missing:
            raise BuildError(f"uslci-energy.toml [groups] {group}: no dataset {missing}")
        values = [(by_number[n], gate_to_gate(by_number[n], config)) for n in numbers]
        used[group] = values
        fuels = sorted({k for _, v in values for k in v} - {"heat", "electricity"})
        quantities = [("heat", "MJ/kg"), ("electricity", "kWh/kg")]
        quantities += [(f"heat: {fuel}", "MJ/kg") for fuel in fuels]
        for quantity, unit in quantities:
            name = quantity.removeprefix("heat: ")
            series = [v.get(name, 0.0) for _, v in values]
            rows.append(
                {
                    "group": group,
                    "quantity": quantity,
                    "unit": unit,
                    **_summary(series),
                    "datasets": " ".join(d.number for d, _ in values),
                }
            )
    return rows, used


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([f"{row[c]:.4g}" if isinstance(row[c], float) else row[c] for c in COLUMNS])
    return out.getvalue()
