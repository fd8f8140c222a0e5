"""Class proxies: the distribution of the library's own tier 1-3 factors of each material class.

For every class of the taxonomy (``[class_parents]`` in the library's ``library.toml``), the
members are the materials of ``factors/materials.csv`` whose class is that class or one of its
descendants and that have a cited, computed or estimated factor of their own (as the lookup would
choose it: the library's documented production-region order). A class with at least
``MIN_MEMBERS`` members gets a proxy row ``class:<class>``: value = the median of the members'
factors, uncertainty = the lognormal fitted to them (geometric standard deviation = exp of the
sample standard deviation of the log values), written as its 95 % interval. A class with fewer
members gets none, and a lookup climbs to its parent class. Rows are written once per GWP set.

The proxy is a statement about the class, not about the material: its spread is wide on purpose
and the Monte Carlo draws each material's proxy independently.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from pathlib import Path

from lca.factors import COLUMNS, OPTIONAL_COLUMNS
from lca.uncertainty import Z95

MIN_MEMBERS = 3
PROXY_FILE = "proxies.csv"
HEADER = (*COLUMNS, *OPTIONAL_COLUMNS)  # a factor file with its tier and GWP basis
SOURCE = (
    "[greenroute-build] class proxy computed by greenroute's factor build (python -m "
    "lca.factorbuild --stage proxy) from the library's tier 1-3 factors of the class"
)


def _descendants(parents: dict[str, str]) -> dict[str, set[str]]:
    """Each class → itself and every class below it."""
    classes = set(parents) | set(parents.values())
    below = {c: {c} for c in classes}
    for child in parents:
        node = child
        while node in parents:
            node = parents[node]
            below[node].add(child)
    return below


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def proxy_rows(library_path: Path, materials_path: Path) -> list[dict[str, str]]:
    """The proxy rows of a library (both GWP sets), computed from its non-proxy factors."""
    from lca.factors import FactorSet, read_library
    from lca.gwp import GWP_SETS
    from lca.materials import read_materials

    materials = read_materials(materials_path)
    rows: list[dict[str, str]] = []
    for gwp_set in GWP_SETS:
        library = read_library(library_path, gwp_set, default_tier="cited")
        factors = FactorSet((library,), gwp_set=gwp_set, exclude_tiers=frozenset({"proxy"}))
        below = _descendants(library.class_parents)
        values: dict[str, tuple[float, str, str]] = {}
        for material in materials.values():
            if material.material_class not in below or material.composition:
                continue  # a solution's factor is per kg of solution, not of the chemical
            factor = factors.lookup_material(f"material:{material.id}")
            if factor is None or factor.per_unit != "kg" or factor.value <= 0:
                continue
            sources = ", ".join(
                dict.fromkeys(row.source.split("]")[0] + "]" for row in factor.rows)
            )
            values[material.id] = (factor.value, factor.tier, f"{factor.region} {sources}")
        for name in sorted(below):
            members = sorted(
                (m for m in values if materials[m].material_class in below[name]),
                key=lambda m: values[m][0],
            )
            if len(members) < MIN_MEMBERS:
                continue
            logs = [math.log(values[m][0]) for m in members]
            median = math.exp(statistics.median(logs))
            gsd = math.exp(statistics.stdev(logs))
            low, high = median / gsd**Z95, median * gsd**Z95
            listed = "; ".join(
                f"{m}={_fmt(values[m][0])} ({values[m][1]}, {values[m][2]})" for m in members
            )
            rows.append(
                {
                    "key": f"class:{name}",
                    "name": f"Class proxy '{name}': median of {len(members)} materials",
                    "value": _fmt(median),
                    "unit": "kg CO2e / kg",
                    "region": "GLO",
                    "year": "",
                    "scope": "class median",
                    "source": SOURCE,
                    "licence": "computed; each member factor keeps its own source's licence",
                    "data_quality": (
                        f"proxy; median of {len(members)} tier 1-3 factors, geometric standard "
                        f"deviation {gsd:.3g}"
                    ),
                    "uncertainty": f"95%:{_fmt(low)}-{_fmt(high)}",
                    "notes": (
                        f"Members ({gwp_set}; CO2e rows on other published bases used as "
                        f"published): {listed}"
                    ),
                    "tier": "proxy",
                    "gwp_basis": gwp_set,
                }
            )
    return rows


def proxies_text(library_path: Path, materials_path: Path) -> str:
    """The proxy CSV file, byte for byte as the build writes it."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(proxy_rows(library_path, materials_path))
    return out.getvalue()
