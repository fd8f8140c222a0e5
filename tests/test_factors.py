"""Factor libraries: the bundled one checked against the research data, validation of bad rows."""

from __future__ import annotations

import csv
import tomllib

import numpy as np
import pytest
from conftest import ROOT
from test_broken_recipes import assert_expected, error_text
from typer.testing import CliRunner

from lca.cli import app
from lca.errors import FactorError
from lca.factors import FactorSet, bundled_library, load_factor_set, read_library

PARACETAMOL = ROOT / "processes" / "paracetamol-linear.toml"

RESEARCH = ROOT.parent / "shared" / "data" / "factor-research"
HEADER = "key,name,value,unit,region,year,scope,source,licence,data_quality,uncertainty,notes\n"


def test_bundled_library_rows_all_carry_source_licence_and_quality():
    library = bundled_library()
    assert len(library.rows) > 100
    ids = {source["id"] for source in library.sources}
    qualities = {
        "cited": {"primary", "second-hand", "derived"},
        "computed": {"computed"},
        "estimated": {"estimated"},
        "proxy": {"proxy"},
    }
    for row in library.rows:
        assert row.source.split("]")[0].lstrip("[") in ids, row.where
        kind = row.data_quality.split(";")[0].split(" (")[0]
        assert row.licence and kind in qualities[row.tier], row.where
    for source in library.sources:
        assert source["citation"] and source["licence"]


def test_gb_electricity_is_the_sum_of_the_four_desnz_components():
    # generation 0.177 + T&D 0.01853 + WTT generation 0.0459 + WTT T&D 0.00397 = 0.2454
    factor = load_factor_set().lookup("energy:electricity", "GB")
    assert factor.value == pytest.approx(0.177 + 0.01853 + 0.0459 + 0.00397)
    assert len(factor.rows) == 4
    assert factor.fallback == ""


def test_us_electricity_combines_gases_with_the_run_s_gwp_set():
    # eGRID2023 US average: CO2 771.523, CH4 0.057, N2O 0.008 lb/MWh (fossil combustion)
    # AR6 (default): fossil CH4 29.8, N2O 273:
    # (771.523 + 0.057*29.8 + 0.008*273) lb/MWh * 0.45359237 kg/lb / 1000 = 0.351718 kg/kWh
    factor = load_factor_set().lookup("energy:electricity", "US")
    expected = (771.523 + 0.057 * 29.8 + 0.008 * 273) * 0.45359237 / 1000
    assert factor.value == pytest.approx(expected, rel=1e-9)
    assert factor.basis == "AR6" and factor.gwp_note == ""
    # AR5: fossil CH4 30 (Table 8.A.1), N2O 265 → 0.351694 kg/kWh; the EPA's own aggregate
    # (derived.csv, 0.35164) used CH4 28, the AR5 value without the CO2 of oxidised methane
    ar5 = load_factor_set(gwp_set="AR5").lookup("energy:electricity", "US")
    assert ar5.value == pytest.approx((771.523 + 0.057 * 30 + 0.008 * 265) * 0.45359237 / 1000)
    assert ar5.value == pytest.approx(0.35164, abs=1e-4)


def test_co2e_rows_on_another_basis_are_used_as_published_and_flagged():
    # DESNZ publishes the GB grid in CO2e on AR5 only: an AR6 run cannot convert it
    ar6 = load_factor_set().lookup("energy:electricity", "GB")
    assert ar6.value == pytest.approx(0.2454)
    assert ar6.basis == "AR5 as published"
    assert "not converted to AR6" in ar6.gwp_note
    ar5 = load_factor_set(gwp_set="AR5").lookup("energy:electricity", "GB")
    assert ar5.value == pytest.approx(0.2454) and ar5.gwp_note == ""


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
        if row.tier != "cited":
            continue
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
        ("material:x,x,1,kg / kg,GLO,2025,,s,CC0,primary,,", "is not CO2e (or a greenhouse gas)"),
        ("material:x,x,1,kg CO2e / kg,GLO,2025,,,CC0,primary,,", "empty 'source'"),
        ("material:x,x,1,kg CO2e / kg,GLO,2025,,s,,primary,,", "empty 'licence'"),
        ("Material X,x,1,kg CO2e / kg,GLO,2025,,s,CC0,primary,,", "is not of the form"),
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


def test_a_tier_must_be_known_and_a_user_row_without_one_is_the_user_s(tmp_path):
    path = tmp_path / "mine.csv"
    header = HEADER.strip() + ",tier,gwp_basis\n"
    path.write_text(header + "material:x,x,1,kg CO2e / kg,GLO,2025,,s,CC0,primary,,,guess,AR6\n")
    with pytest.raises(FactorError, match=r"mine.csv:2: tier 'guess' is not one of"):
        read_library(path)
    path.write_text(header + "material:x,x,1,kg CO2e / kg,GLO,2025,,s,CC0,primary,,,,AR5\n")
    row = read_library(path).rows[0]
    assert (row.tier, row.gwp_basis, row.basis_mismatch) == ("user", "AR5", True)


def test_a_factor_may_be_given_in_two_units_as_complete_alternatives(tmp_path):
    # natural gas per kWh and per m³, each with the same two components: the lookup picks
    # the unit the recipe gives
    path = tmp_path / "mine.csv"
    path.write_text(
        HEADER
        + "energy:natural-gas,a,0.18,kg CO2e / kWh,GB,2025,combustion,s,CC0,primary,,\n"
        + "energy:natural-gas,b,0.03,kg CO2e / kWh,GB,2025,well-to-tank,s,CC0,primary,,\n"
        + "energy:natural-gas,c,2.0,kg CO2e / m**3,GB,2025,combustion,s,CC0,primary,,\n"
        + "energy:natural-gas,d,0.3,kg CO2e / m**3,GB,2025,well-to-tank,s,CC0,primary,,\n"
    )
    factors = FactorSet((read_library(path),))
    assert factors.lookup("energy:natural-gas", "GB", "m**3").value == pytest.approx(2.3)
    assert factors.lookup("energy:natural-gas", "GB", "kWh").value == pytest.approx(0.21)
    assert factors.lookup("energy:natural-gas", "GB").per_unit == "kWh"


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


# -- files from the real world (issue 16) --------------------------------------------------------

BROKEN_FACTORS = ROOT / "tests" / "data" / "broken-factors"
EXPECTED = tomllib.loads((BROKEN_FACTORS / "EXPECTED.toml").read_text(encoding="utf-8"))
GOOD_ROW = (
    "energy:electricity,Site PPA (wind),0.011,kg CO2e / kWh,GB,2025,generation,"
    "Supplier certificate 2025 (ILLUSTRATIVE test data),CC0-1.0,primary,,"
)


def test_every_broken_factor_file_has_its_expectations():
    files = sorted(path.name for path in BROKEN_FACTORS.glob("*.csv"))
    assert len(files) >= 10
    assert files == sorted(EXPECTED), "EXPECTED.toml and the folder list different files"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_factor_file_is_one_clear_error(name):
    path = BROKEN_FACTORS / name
    with pytest.raises(FactorError) as caught:
        read_library(path)
    lines = str(caught.value).splitlines()
    assert all(line.startswith(str(path)) for line in lines), lines
    assert_expected(lines, EXPECTED[name], path)
    result = CliRunner().invoke(app, ["assess", str(PARACETAMOL), "--factors", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert_expected(
        [line.removeprefix("error: ") for line in error_text(result).splitlines()],
        EXPECTED[name],
        path,
    )


@pytest.mark.parametrize(
    ("variant", "transform"),
    [
        ("UTF-8 with a byte-order mark (Excel 'CSV UTF-8')", lambda t: "\ufeff" + t),
        ("semicolons (Excel in a comma-decimal locale)", lambda t: t.replace(",", ";")),
        ("tabs", lambda t: t.replace(",", "\t")),
        ("Windows line ends", lambda t: t.replace("\n", "\r\n")),
        (
            "the optional tier and gwp_basis columns",
            lambda t: t.replace("notes\n", "notes,tier,gwp_basis\n").replace(
                ",,\n", ",,,cited,AR5\n"
            ),
        ),
    ],
)
def test_factor_files_as_excel_saves_them_are_read(tmp_path, variant, transform):
    path = tmp_path / "mine.csv"
    path.write_bytes(transform(HEADER + GOOD_ROW + "\n").encode("utf-8"))
    (row,) = read_library(path).rows
    assert (row.key, row.value, row.region, row.source) == (
        "energy:electricity",
        0.011,
        "GB",
        "Supplier certificate 2025 (ILLUSTRATIVE test data)",
    ), variant


def test_region_codes():
    from lca.regions import region_problem

    for code in ("GB", "US", "DE", "US-RFCE", "GLO", "RoW", "EU", "CH"):
        assert region_problem(code) is None, code
    assert "did you mean 'GB'" in region_problem("UK")
    assert "upper case: 'DE'" in region_problem("de")
    assert "did you mean 'FR', France" in region_problem("France")
    assert region_problem("XX") is not None and region_problem("XX-ABC") is not None
    assert region_problem("ACME-SITE", declared=("ACME-SITE",)) is None


def test_a_factor_of_zero_is_valid(tmp_path):
    """A 100 % renewable electricity contract: 0 kg CO2e/kWh, with and without an uncertainty.

    Was a ZeroDivisionError traceback (issue 16, item 1). Paracetamol is a GB route: its
    electricity (19.3 kWh/kg of product) now costs 0, so the energy category is its steam alone.
    """
    path = tmp_path / "green-ppa.csv"
    path.write_text(
        HEADER + "energy:electricity,100 % renewable PPA,0,kg CO2e / kWh,GB,2025,contract,"
        "Supplier contract (ILLUSTRATIVE test data),CC0-1.0,primary,50%,\n",
        encoding="utf-8",
    )
    (row,) = read_library(path).rows
    assert (row.kg_co2e_per_unit, row.per_unit) == (0.0, "kWh")
    from lca.assessment import assess
    from lca.montecarlo import simulate

    green = assess(PARACETAMOL, factors=[path], with_mode_effects=False)
    grid = assess(PARACETAMOL, with_mode_effects=False)
    electricity = [r for r in green.footprint.summary() if r["flow"].startswith("electricity")]
    assert electricity and all(r["kg_co2e"] == 0.0 for r in electricity)
    grid_electricity = sum(
        r["kg_co2e"] for r in grid.footprint.summary() if r["flow"].startswith("electricity")
    )
    assert grid_electricity > 0
    assert green.footprint.total == pytest.approx(grid.footprint.total - grid_electricity)
    draws = simulate(PARACETAMOL, 500, seed=1, factors=[path])
    assert np.all(np.isfinite(draws["carbon_footprint"]))
    result = CliRunner().invoke(
        app, ["compare", str(PARACETAMOL), "--factors", str(path), "--mc", "200"]
    )
    assert result.exit_code == 0, result.output
