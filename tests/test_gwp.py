"""The GWP100 table (factors/gwp100.csv), its reader and the per-gas pint units."""

from __future__ import annotations

import csv

import pytest
from conftest import ROOT

import lca.gwp as g
import lca.units as u
from lca.errors import FactorError


def _cas_ok(cas: str) -> bool:
    digits = cas.replace("-", "")
    body, check = digits[:-1], int(digits[-1])
    return sum(int(d) * (i + 1) for i, d in enumerate(reversed(body))) % 10 == check


def test_units_define_every_gas_of_the_table_without_reading_it():
    # lca.units writes the ids in code (no file read at import); they must be the table's ids.
    assert tuple(g.load_gwp_table()) == u.GAS_IDS


def test_each_gas_but_co2_has_its_own_dimension():
    assert set(u.GAS_DIMENSIONS) == set(u.GAS_IDS) - {"CO2"}
    dims = [u.GAS_DIMENSIONS[gas] for gas in u.GAS_DIMENSIONS]
    assert len({str(d) for d in dims}) == len(dims)
    assert u.Q_("1 kg CO2").to("kg CO2e").magnitude == 1
    with pytest.raises(Exception, match="Cannot convert"):
        u.Q_("1 kg SF6").to("kg CO2e")
    with pytest.raises(Exception, match="Cannot convert"):
        u.Q_("1 kg CH4_fossil").to("kg CH4_nonfossil")


def test_ch4_is_fossil_methane_and_keeps_its_old_dimension():
    assert u.ureg.CH4_fossil == u.ureg.CH4
    assert u.GASES["CH4"] == u.GAS_DIMENSIONS["CH4_fossil"]
    # 2 lb CH4 / MWh = 0.907184740 kg / 1000 kWh = 9.0718474e-4 kg CH4_fossil / kWh
    assert u.Q_("2 lb CH4 / MWh").m_as("kg CH4_fossil / kWh") == pytest.approx(9.0718474e-4)


def test_table_rows_are_complete_and_cas_numbers_valid():
    with open(ROOT / "factors" / "gwp100.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(g.COLUMNS)
    for row in rows:
        assert _cas_ok(row["cas"]), row["gas"]
        assert row["kind"] in g.KINDS
    assert [r["gas"] for r in rows if r["kind"] == "biogenic"] == ["CO2_biogenic", "CH4_nonfossil"]


@pytest.mark.parametrize(
    ("gas", "gwp_set", "expected"),
    [
        # AR6 Table 7.15; AR5 Table 8.A.1 (see factors/GWP-SOURCES.md)
        ("CO2", "AR6", 1.0),
        ("CH4_fossil", "AR6", 29.8),
        ("CH4", "AR6", 29.8),
        ("CH4_nonfossil", "AR6", 27.0),
        ("N2O", "AR6", 273.0),
        ("CH4_fossil", "AR5", 30.0),
        ("CH4_nonfossil", "AR5", 28.0),
        ("N2O", "AR5", 265.0),
        ("SF6", "AR5", 23500.0),
        ("SF6", "ar6", 25200.0),
    ],
)
def test_gwp_values(gas, gwp_set, expected):
    assert g.gwp(gas, gwp_set) == expected


def test_default_set_is_ar6():
    assert g.DEFAULT_GWP == "AR6" == g.GWP_SETS[0]
    assert g.gwp("N2O") == 273.0


def test_unknown_gas_or_set_is_a_clear_error():
    with pytest.raises(FactorError, match="no GWP for gas 'H2O'"):
        g.gwp("H2O")
    with pytest.raises(FactorError, match="unknown GWP set 'AR4'"):
        g.gwp("N2O", "AR4")


def test_reader_names_file_line_and_column(tmp_path):
    path = tmp_path / "gwp.csv"
    header = ",".join(g.COLUMNS) + "\n"
    path.write_text(header + "CO2,x,CO2,124-38-9,fossil,1,1,\nSF6,y,SF6,2551-62-4,fossil,,25200,\n")
    with pytest.raises(FactorError, match=r"line 3, column ar5: '' is not a positive GWP"):
        g.read_gwp_table(path)
    path.write_text(header + "CO2,x,CO2,124-38-9,fossile,1,1,\n")
    with pytest.raises(FactorError, match="line 2, column kind: 'fossile'"):
        g.read_gwp_table(path)
    path.write_text(header + "CO2,x,CO2,124-38-9,fossil,1,1,\nCO2,x,CO2,124-38-9,fossil,1,1,\n")
    with pytest.raises(FactorError, match="line 3: gas CO2 is listed twice"):
        g.read_gwp_table(path)
    path.write_text("gas,name\nCO2,x\n")
    with pytest.raises(FactorError, match="missing column"):
        g.read_gwp_table(path)


def test_import_lca_does_not_read_the_table():
    import subprocess
    import sys

    code = (
        "import lca, lca.units, lca.gwp, sys; "
        "print(lca.gwp.load_gwp_table.cache_info().currsize, 'lca.factorbuild' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "False"]
