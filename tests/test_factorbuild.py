"""The USLCI factor build (lca.factorbuild): reader, linking, solve, outputs; the GWP check."""

from __future__ import annotations

import tomllib

import pytest
from conftest import ROOT

import lca.gwp as g
from lca.factorbuild.fedefl import fedefl_uuid, read_lcia_categories

BUILD = ROOT / "factors" / "build"


@pytest.fixture(scope="module")
def flcac():
    return read_lcia_categories(BUILD / "uslci" / "IPCC_json_v1.0.3.zip")


@pytest.fixture(scope="module")
def ghg():
    return tomllib.loads((BUILD / "uslci-ghg.toml").read_text(encoding="utf-8"))


def test_fedefl_uuid_recipe_reproduces_known_flows(flcac):
    # UUIDs copied from the FLCAC IPCC JSON (AR6-100): CO2 1, methane 27.9, N2O 273, SF6 25200.
    assert fedefl_uuid("Carbon dioxide") == "b6f010fb-a764-3063-af2d-bcb8309a97b7"
    assert fedefl_uuid("Methane") == "aab83476-ec6c-3742-af85-15d320b7ce80"
    assert fedefl_uuid(" Nitrous Oxide ", "Emission/Air", "KG") == (
        "cfee0524-7ad6-300b-b050-6249135a2492"
    )
    assert flcac["AR6-100"][fedefl_uuid("Sulfur hexafluoride")] == 25200.0


def test_gwp_table_matches_flcac_ipcc_method(flcac, ghg):
    table = g.load_gwp_table()
    flowables = ghg["fedefl_flowables"]
    exceptions = ghg["fedefl_exceptions"]
    # Every gas is checked, either one to one or as a documented exception.
    assert set(flowables) | set(exceptions) == set(table)
    assert not set(flowables) & set(exceptions)
    for gas_id, flowable in flowables.items():
        flow = fedefl_uuid(flowable)
        assert (flcac["AR5-100"][flow], flcac["AR6-100"][flow]) == (
            table[gas_id].ar5,
            table[gas_id].ar6,
        ), gas_id
    for gas_id, expected in exceptions.items():
        flow = fedefl_uuid(expected["flowable"])
        assert flcac["AR5-100"][flow] == expected["ar5"], gas_id
        assert flcac["AR6-100"][flow] == expected["ar6"], gas_id


def test_every_mapped_uslci_flow_is_a_gas_of_the_table(ghg):
    table = g.load_gwp_table()
    assert set(ghg["uslci_air_flows"].values()) <= set(table)


# --- the tolerant EcoSpold 1 reader -------------------------------------------------------------

FIXTURE = ROOT / "tests" / "data" / "ecospold1" / "three-processes.xml"


@pytest.fixture(scope="module")
def datasets():
    from lca.factorbuild.ecospold1 import parse_ecospold1

    return parse_ecospold1(FIXTURE.read_bytes(), str(FIXTURE))


def test_reader_accepts_empty_time_period_and_long_author(datasets):
    widget = datasets[0]
    # The two traps that make bw2io reject USLCI: an empty timePeriod and a 78-character author.
    assert (widget.start_date, widget.end_date) == ("", "")
    assert (datasets[1].start_date, datasets[1].end_date) == ("2001-01-01", "2003-12-31")
    assert widget.name == "Widget, at plant" and widget.unit == "kg" and widget.location == "RNA"
    assert [x.group for x in widget.exchanges] == [
        "reference",
        "input",
        "input",
        "input",
        "input",
        "emission",
        "emission",
        "emission",
    ]
    assert widget.exchanges[4].name == "Dummy_thing" and widget.exchanges[4].location == ""
    assert datasets[1].exchanges[1].amount == -0.05
    assert datasets[2].exchanges[1].group == "coproduct"


def test_reader_errors_name_file_and_dataset():
    from lca.factorbuild.ecospold1 import EcoSpoldError, parse_ecospold1

    with pytest.raises(EcoSpoldError, match=r"x\.xml: not well-formed XML"):
        parse_ecospold1(b"<ecoSpold>", "x.xml")
    bad = FIXTURE.read_text().replace("<inputGroup>5</inputGroup>", "", 1)
    with pytest.raises(EcoSpoldError, match=r"dataset 1 \(Widget, at plant\), exchange 'Chem A"):
        parse_ecospold1(bad, "y.xml")
    bad = FIXTURE.read_text().replace('meanValue="0.5"', 'meanValue="half"')
    with pytest.raises(EcoSpoldError, match="'half' is not a number"):
        parse_ecospold1(bad, "z.xml")


# --- linking and the matrix solve ---------------------------------------------------------------

PROVIDERS = {"Power, at grid": {"dataset": "2", "why": "test: grid 2"}}
AIR = {
    "Carbon dioxide": "CO2",
    "Methane": "CH4_fossil",
    "Nitrous oxide": "N2O",
    "Sulfur hexafluoride": "SF6",
}


def _system(datasets, providers=PROVIDERS):
    from lca.factorbuild.uslci import build_system

    return build_system(
        datasets,
        [("1", "Widget, at plant")],
        providers,
        {},
        AIR,
        ["Wood"],
        list(g.load_gwp_table()),
        ["Carbon monoxide"],
    )


def test_three_process_system_hand_computed(datasets):
    system, index = _system(datasets)
    # Columns: W = widget (1), G = grid #2 (chosen), A = Chem A (#3, mass share 1/(1+3) = 0.25;
    # the 4 MJ of recovered energy get 0 %). Grid #4 is not linked.
    assert sorted(index) == [
        ("1", "Widget, at plant"),
        ("2", "Power, at grid"),
        ("3", "Chem A, at plant"),
    ]
    x = system.solve(index[("1", "Widget, at plant")])
    # Technosphere (rows = products), self-consumption 0.1 kg widget, negative input -0.05 kg A:
    #   W:  (1 - 0.1) xW                      = 1
    #   G:  xG - 2 xW - 1 * 0.25 xA           = 0
    #   A:  xA - 0.5 xW - (-0.05) xG          = 0
    xw = 1 / 0.9
    xg = (2 + 0.25 * 0.5) / (1 + 0.25 * 0.05) * xw  # = 2.125 / 1.0125 * xW
    xa = 0.5 * xw - 0.05 * xg
    w, gr, a = (
        index[("1", "Widget, at plant")],
        index[("2", "Power, at grid")],
        index[("3", "Chem A, at plant")],
    )
    assert x[w] == pytest.approx(xw) and x[gr] == pytest.approx(xg) and x[a] == pytest.approx(xa)
    assert (xw, xg, xa) == pytest.approx((1.1111111, 2.3319616, 0.4389575))
    totals = {gas: float(system.emissions[gas] @ x) for gas in system.emissions}
    # CO2: 1.0 xW + 0.5 xG + 2.0 * 0.25 xA; methane to water (5 kg) is not an air emission.
    assert totals["CO2"] == pytest.approx(1.0 * xw + 0.5 * xg + 2.0 * 0.25 * xa)
    assert totals["CO2"] == pytest.approx(2.4965706)
    assert totals["CH4_fossil"] == pytest.approx(0.01 * xw)
    assert totals["N2O"] == pytest.approx(0.001 * xg)  # troposphere/rural counts as air
    assert totals["SF6"] == pytest.approx(1e-6 * 0.25 * xa)
    assert {k for k, v in totals.items() if v} == {"CO2", "CH4_fossil", "N2O", "SF6"}
    # AR6: 2.4965706 + 0.0111111 * 29.8 + 0.0023320 * 273 + 1.0974e-7 * 25200 = 3.4670726
    ar6 = sum(v * g.gwp(k, "AR6") for k, v in totals.items())
    assert ar6 == pytest.approx(3.4670726, rel=1e-6)
    # Cut-off: 0.3 kg Dummy_thing per widget activity, scaled by xW; one flow.
    assert float(system.cutoff_mass @ x) == pytest.approx(0.3 * xw)
    assert system.cutoff_flows[w] == {"Dummy_thing [kg]"}
    # Carbon monoxide is tracked as an unmapped greenhouse-gas-like flow: 0.2 * 0.25 xA.
    assert float(system.unmapped_ghg["Carbon monoxide"] @ x) == pytest.approx(0.05 * xa)


def test_provider_choice_is_recorded_and_required(datasets):
    from lca.factorbuild.uslci import BuildError

    system, index = _system(datasets)
    (choice,) = system.choices[index[("1", "Widget, at plant")]]
    assert (choice.name, choice.candidates, choice.why) == ("Power, at grid", 2, "test: grid 2")
    assert choice.chosen.startswith("Power, at grid [kWh, RNA] #2")
    with pytest.raises(BuildError, match="input 'Power, at grid' \\[kWh\\] has 2 producers"):
        _system(datasets, providers={})
    with pytest.raises(BuildError, match="dataset #3 chosen for 'Power, at grid' does not"):
        _system(datasets, providers={"Power, at grid": {"dataset": "3", "why": ""}})


def test_other_provider_changes_the_result(datasets):
    # Choosing grid #4 instead (0.9 kg CO2/kWh, no credit) must change the widget's CO2.
    system, index = _system(datasets, {"Power, at grid": {"dataset": "4", "why": "t"}})
    x = system.solve(index[("1", "Widget, at plant")])
    xw = 1 / 0.9
    xg = (2 + 0.25 * 0.5) * xw  # grid #4 has no Chem A credit: xG = 2 xW + 0.25 xA, xA = 0.5 xW
    assert float(system.emissions["CO2"] @ x) == pytest.approx(
        1.0 * xw + 0.9 * xg + 2.0 * 0.25 * 0.5 * xw
    )
    # The natural gas it burns has no producer here: a cut-off in m3 (counted, no kg mass).
    assert "Natural gas, combusted in industrial boiler [m3]" in set().union(*system.cutoff_flows)


def test_gate_to_gate_energy_of_a_dataset(datasets):
    from lca.factorbuild.energy import gate_to_gate

    config = tomllib.loads((BUILD / "uslci-energy.toml").read_text(encoding="utf-8"))
    grid4 = datasets[3]
    # 0.1 m3 natural gas * 0.001026 mmBtu/scf * 35.3147 scf/m3 * 1055.056 MJ/mmBtu = 3.8229 MJ
    # per kWh of product; the reference is not in kg, so the per-kg default refuses it.
    from lca.factorbuild.uslci import BuildError

    with pytest.raises(BuildError, match="not in kg"):
        gate_to_gate(grid4, config)
    widget = datasets[0]
    # The widget buys 2 kWh from the grid, named "Power, at grid": not an electricity name of the
    # table, so it counts as neither heat nor electricity.
    assert gate_to_gate(widget, config) == {"electricity": 0.0, "heat": 0.0}
    assert pytest.approx(3.8229, rel=1e-4) == 0.1 * 0.001026 * 35.3147 * 1055.056


# --- the committed outputs are what the build gives ---------------------------------------------


@pytest.fixture(scope="module")
def built():
    from lca.factorbuild import computed

    return computed.run(ROOT)


def test_build_reproduces_committed_files_byte_for_byte(built):
    for relative, text in built.items():
        assert (ROOT / relative).read_text(encoding="utf-8") == text, relative


def test_unmapped_ghg_flows_are_the_documented_ones(ghg, built):
    from lca.factorbuild.computed import Inputs, _characterised
    from lca.factorbuild.ecospold1 import read_ecospold1_zip
    from lca.factorbuild.uslci import unmapped_ghg_flows

    inputs = Inputs(ROOT)
    data = read_ecospold1_zip(inputs.ecospold)
    found = unmapped_ghg_flows(data, ghg["uslci_air_flows"], _characterised(inputs, data))
    assert found == set(ghg["unmapped"])
    assert "NOT DOCUMENTED" not in built["factors/greenroute-open/computed-report.md"]


def test_computed_rows_are_per_gas_and_sum_to_the_report(built):
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(built["factors/greenroute-open/computed.csv"])))
    assert rows and {r["tier"] for r in rows} == {"computed"}
    assert {r["gwp_basis"] for r in rows} == {"per-gas"}
    assert all(r["source"].startswith("[uslci-fy21q3] ") for r in rows)
    assert all(r["unit"] == f"kg {r['scope']} / {r['unit'].split(' / ')[1]}" for r in rows)
    keys = {r["key"] for r in rows}
    assert "material:ammonia" not in keys  # excluded: reforming CO2 missing (ratio < 0.5)
    assert {"material:benzene", "energy:electricity", "material:sodium-hydroxide-50"} <= keys
    # Per-gas rows of benzene, characterised with AR6, give the report's AR6 total (biogenic CO2
    # is a row of its own but never part of the total).
    total = sum(
        float(r["value"]) * g.gwp(r["scope"], "AR6")
        for r in rows
        if r["key"] == "material:benzene" and r["scope"] != "CO2_biogenic"
    )
    report = built["factors/greenroute-open/computed-report.md"]
    line = next(x for x in report.splitlines() if x.startswith("| `material:benzene` |"))
    assert total == pytest.approx(float(line.split("|")[3]), rel=1e-3)
    with open(ROOT / "factors" / "materials.csv", encoding="utf-8") as handle:
        materials = {r["id"] for r in csv.DictReader(handle)}
    assert {k.split(":", 1)[1] for k in keys if k.startswith("material:")} <= materials


def test_check_mode_names_the_first_stale_line(tmp_path, capsys, monkeypatch, built):
    import shutil

    from lca.factorbuild import __main__ as cli

    # The stage's output is the module fixture's (one real build per test run); the CLI logic is
    # what is tested here: --check writes nothing and names the first differing line.
    monkeypatch.setitem(cli.STAGES, "computed", lambda root: built)
    shutil.copytree(ROOT / "factors", tmp_path / "factors")
    stale = tmp_path / "factors" / "greenroute-open" / "computed.csv"
    lines = stale.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].replace("material:", "material:x-", 1)
    stale.write_text("".join(lines), encoding="utf-8")
    assert cli.main(["--check", "--stage", "computed", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"stale: {stale}:3: committed 'material:x-")
    assert cli.main(["--stage", "computed", "--root", str(tmp_path)]) == 0
    assert cli.main(["--check", "--root", str(tmp_path)]) == 0
    assert stale.read_text(encoding="utf-8") == built["factors/greenroute-open/computed.csv"]
    stale.unlink()
    assert cli.main(["--check", "--root", str(tmp_path)]) == 1
    assert "computed.csv: missing; run python -m lca.factorbuild" in capsys.readouterr().err


def test_bad_build_table_is_a_one_line_error(tmp_path, capsys):
    import shutil

    from lca.factorbuild.__main__ import main

    shutil.copytree(ROOT / "factors" / "build", tmp_path / "factors" / "build")
    (tmp_path / "factors" / "build" / "uslci-results.toml").write_text("[[results]]\nkey = 'x'\n")
    assert main(["--check", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: factors/build/uslci-results.toml: results[1] lacks dataset, basis"]
