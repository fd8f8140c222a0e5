"""Factor libraries: the bundled one checked against the research data, validation of bad rows."""

from __future__ import annotations

import csv

import pytest
from conftest import ROOT

from lca.errors import FactorError
from lca.factors import bundled_library, load_factor_set, read_library

RESEARCH = ROOT.parent / "shared" / "data" / "factor-research"
HEADER = "key,name,value,unit,region,year,scope,source,licence,data_quality,uncertainty,notes\n"


def test_bundled_library_rows_all_carry_source_licence_and_quality():
    library = bundled_library()
    assert len(library.rows) > 100
    ids = {source["id"] for source in library.sources}
    for row in library.rows:
        assert row.source.split("]")[0].lstrip("[") in ids, row.where
        assert row.licence and row.data_quality.split(";")[0] in {
            "primary",
            "second-hand",
            "derived",
        }, row.where
    for source in library.sources:
        assert source["citation"] and source["licence"]


def test_gb_electricity_is_the_sum_of_the_four_desnz_components():
    # generation 0.177 + T&D 0.01853 + WTT generation 0.0459 + WTT T&D 0.00397 = 0.2454
    factor = load_factor_set().lookup("energy:electricity", "GB")
    assert factor.value == pytest.approx(0.177 + 0.01853 + 0.0459 + 0.00397)
    assert len(factor.rows) == 4
    assert factor.fallback == ""


def test_us_electricity_combines_gases_with_the_declared_ar5_gwps():
    # eGRID2023 US average: CO2 771.523, CH4 0.057, N2O 0.008 lb/MWh; AR5 GWP CH4 28, N2O 265
    # (771.523 + 0.057*28 + 0.008*265) lb/MWh * 0.45359237 kg/lb / 1000 kWh/MWh = 0.351639 kg/kWh
    factor = load_factor_set().lookup("energy:electricity", "US")
    expected = (771.523 + 0.057 * 28 + 0.008 * 265) * 0.45359237 / 1000
    assert factor.value == pytest.approx(expected, rel=1e-9)
    # the researchers' own aggregate, derived.csv us_average_grid_co2e_per_kwh_derived
    assert factor.value == pytest.approx(0.35164, abs=1e-5)


def test_subregion_and_unknown_regions_fall_back_as_declared():
    factors = load_factor_set()
    germany = factors.lookup("energy:electricity", "DE")
    assert germany.region == "DE" and germany.fallback == ""
    nowhere = factors.lookup("energy:electricity", "XX")
    assert nowhere.region == "GLO"
    assert "global (GLO)" in nowhere.fallback


@pytest.mark.skipif(not RESEARCH.is_dir(), reason="shared/ research data not beside the checkout")
def test_every_bundled_value_is_a_value_printed_in_the_research_data():
    printed = {}
    for path in RESEARCH.glob("*.csv"):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            printed[row["key"]] = row
    for row in bundled_library().rows:
        research_key = row.notes.rsplit("research key:", 1)[-1].strip().split()[0].rstrip(".;")
        assert research_key in printed, row.where
        source_row = printed[research_key]
        text = source_row["value"] + " " + source_row["notes"]
        assert f"{row.value:g}" in text.replace(",", "") or float(source_row["value"]) == (
            pytest.approx(row.value)
        ), row.where


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("material:x,x,abc,kg CO2e / kg,GLO,2025,,s,CC0,primary,,", "value 'abc' is not a number"),
        ("material:x,x,1,kg CO2e / ton,GLO,2025,,s,CC0,primary,,", "uses 'ton'"),
        ("material:x,x,1,kg / kg,GLO,2025,,s,CC0,primary,,", "is not CO2e per kg"),
        ("material:x,x,1,kg CO2e / kg,GLO,2025,,,CC0,primary,,", "empty 'source'"),
        ("material:x,x,1,kg CO2e / kg,GLO,2025,,s,,primary,,", "empty 'licence'"),
        ("Material X,x,1,kg CO2e / kg,GLO,2025,,s,CC0,primary,,", "is not of the form"),
        ("energy:steam,x,1,lb CH4 / MWh,GLO,2025,,s,CC0,primary,,", "declares no GWP for CH4"),
        ("material:x,x,-1,kg CO2e / kg,GLO,2025,,s,CC0,primary,,", "must be a finite number"),
    ],
)
def test_bad_rows_are_named_by_file_and_row(tmp_path, line, fragment):
    path = tmp_path / "mine.csv"
    path.write_text(
        HEADER + "material:ok,ok,1,kg CO2e / kg,GLO,2025,,s,CC0,primary,,\n" + line + "\n"
    )
    with pytest.raises(FactorError) as info:
        read_library(path)
    assert f"{path}:3: " in str(info.value)
    assert fragment in str(info.value)


def test_duplicates_and_mixed_component_units_are_refused(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(
        HEADER
        + "energy:electricity,a,0.1,kg CO2e / kWh,GB,2025,gen,s,CC0,primary,,\n"
        + "energy:electricity,b,0.2,kg CO2e / kWh,GB,2025,gen,s,CC0,primary,,\n"
        + "energy:electricity,c,0.3,kg CO2e / kg,GB,2025,other,s,CC0,primary,,\n"
    )
    with pytest.raises(FactorError) as info:
        read_library(path)
    message = str(info.value)
    assert f"{path}:3: duplicate of row 2" in message
    assert f"{path}:4: 'energy:electricity' (GB) is per kg here but per kWh" in message


def test_missing_columns_and_paths(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("key,value\nmaterial:x,1\n")
    with pytest.raises(FactorError, match="missing column"):
        read_library(path)
    with pytest.raises(FactorError, match="no such factor library"):
        read_library(tmp_path / "nope")


def test_every_bundled_uncertainty_cell_is_a_distribution():
    from lca.uncertainty import factor_distribution

    cells = [row for row in bundled_library().rows if row.uncertainty]
    assert cells, "the bundled library states some uncertainties (ADEME, Nuss & Eckelman)"
    for row in cells:
        distribution = factor_distribution(row.uncertainty, row.value, row.where)
        assert distribution is not None and distribution.mean > 0, row.where
