"""The bundled ecoinvent mapping (factors/ecoinvent-mapping.csv): complete, well-formed, verified.

No Brightway here (see tests/test_brightway.py for linking it to a database). The names are
checked against the public lists they were verified in, shipped by the randonneur_data package
(dev extra): PRé's SimaPro → ecoinvent 3.10 cut-off list (CC BY 4.0) and ecoinvent's
3.10.1 → 3.11 change report as a migration file (CC BY 4.0).
"""

from __future__ import annotations

import csv
import gzip
import json

import pytest
from conftest import ROOT

from lca.backends.brightway_ecoinvent import USED_BY_DEFAULT, read_ecoinvent_mapping

MAPPING = ROOT / "factors" / "ecoinvent-mapping.csv"
KINDS = ("material:", "energy:", "waste:", "transport:")


def test_every_material_and_library_key_has_a_row():
    rows = read_ecoinvent_mapping(MAPPING)
    flows = {row.flow for row in rows}
    with (ROOT / "factors" / "materials.csv").open(encoding="utf-8") as handle:
        materials = {f"material:{r['id']}" for r in csv.DictReader(handle)}
    with (ROOT / "factors" / "greenroute-open" / "factors.csv").open(encoding="utf-8") as handle:
        library = {r["key"] for r in csv.DictReader(handle) if r["key"].startswith(KINDS)}
    # greenroute's own keys that no library row has yet (the footprint asks for them)
    used = {"waste:incineration", "waste:wastewater", "emission:co2-fossil"}
    assert sorted(materials - flows) == []
    assert sorted(library - flows) == []
    assert sorted(used - flows) == []


def test_rows_are_well_formed_and_every_default_row_has_a_default_region():
    rows = read_ecoinvent_mapping(MAPPING)
    for row in rows:
        assert row.seen_in, row.row.where
        if row.status in USED_BY_DEFAULT:
            assert row.row.name or row.row.code, row.row.where
        else:
            assert row.comment, f"{row.row.where}: a {row.status} row says why"
    by_flow: dict[str, set[str]] = {}
    for row in rows:
        by_flow.setdefault(row.flow, set()).update(row.regions)
    assert [flow for flow, regions in by_flow.items() if "GLO" not in regions] == []
    # one row per flow, region and version among the rows that are used
    seen = set()
    for row in rows:
        if row.status not in USED_BY_DEFAULT:
            continue
        for region in row.regions:
            for version in row.versions:
                assert (row.flow, region, version) not in seen, row.row.where
                seen.add((row.flow, region, version))


def _load(name: str) -> dict:
    randonneur_data = pytest.importorskip("randonneur_data")
    path = randonneur_data.DEFAULT_DATA_DIR / f"{name}.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def test_names_are_those_of_the_public_lists():
    """3.10 rows: in PRé's list of ecoinvent 3.10 cut-off activities; 3.11 rows: unchanged by,
    or the target of, ecoinvent's 3.10.1 → 3.11 change report; a renamed activity has both."""
    listed = {
        (e["target"]["name"], e["target"]["reference product"], e["target"]["location"])
        for e in _load("simapro-ecoinvent-3.10-cutoff")["replace"]
    }
    report = _load("ecoinvent-3.10.1-cutoff-ecoinvent-3.11-cutoff")
    changed, targets = set(), set()
    for entry in report["replace"] + report["disaggregate"]:
        source = entry["source"]
        changed.add((source["name"], source["reference product"], source["location"]))
        for target in entry.get("targets", [entry.get("target")]):
            targets.add((target["name"], target["reference product"], target["location"]))
    checked = 0
    for row in read_ecoinvent_mapping(MAPPING):
        if row.status not in USED_BY_DEFAULT or row.flow == "emission:co2-fossil":
            continue
        key = (row.row.name, row.row.reference_product, row.row.location)
        if "3.10" in row.versions:
            assert key in listed, f"{row.row.where}: not an ecoinvent 3.10 activity: {key}"
        if "3.11" in row.versions:
            assert key in targets or (key in listed and key not in changed), (
                f"{row.row.where}: changed in 3.11: {key}"
            )
        if row.versions == ("3.10",):
            assert key in changed, f"{row.row.where}: a 3.10-only row whose name did not change"
        checked += 1
    assert checked > 200


def test_the_counts_in_the_docs_are_the_mapping_s():
    import re

    rows = read_ecoinvent_mapping(MAPPING)
    statuses: dict[str, set[str]] = {}
    for row in rows:
        statuses.setdefault(row.flow, set()).add(row.status)
    best = [
        next(s for s in ("exact", "proxy", "none", "unverified") if s in found)
        for found in statuses.values()
    ]
    page = (ROOT / "docs" / "brightway.md").read_text(encoding="utf-8")
    stated = re.search(
        r"Counts \((\d+) rows, (\d+) flows\): (\d+) flows `exact`, (\d+) `proxy`, (\d+) `none`",
        page,
    )
    assert stated, "docs/brightway.md states the mapping's counts"
    assert tuple(int(n) for n in stated.groups()) == (
        len(rows), len(statuses), best.count("exact"), best.count("proxy"), best.count("none"),
    )  # fmt: skip
