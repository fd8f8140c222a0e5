"""Start-up: what lca.cache keeps changes how fast a command starts, never what it computes.

The times themselves are measured by ``python benchmarks/run.py`` (start-up section).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from lca.cache import cache_dir
from lca.steam import _iapws_steam_heat, steam_heat


def run(code: str, cache: str) -> dict:
    """Run ``code`` (which prints one JSON line last) in a fresh interpreter with ``cache``."""
    environment = {**os.environ, "GREENROUTE_CACHE_DIR": cache}
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment
    ).stdout
    return json.loads(output.splitlines()[-1])


STEAM = (
    "import json, sys\n"
    "from lca.steam import steam_heat\n"
    "heat = steam_heat(10.0, 20.0)\n"
    "print(json.dumps([heat.kwh_per_kg, heat.source, 'iapws' in sys.modules]))"
)


def test_steam_heat_comes_from_the_cache_without_iapws_and_equals_the_computation(tmp_path):
    cache = str(tmp_path / "cache")
    first = run(STEAM, cache)
    again = run(STEAM, cache)
    computed = _iapws_steam_heat(10.0, 20.0, None)
    # 10 bar(a) saturated steam from 20 °C feedwater: h'' - h(20 °C) = 2692.3 kJ/kg (IF97)
    assert first[:2] == again[:2] == [computed.kwh_per_kg, computed.source]
    assert computed.kj_per_kg == pytest.approx(2692.3, abs=0.05)
    assert first[2] is True  # computed by iapws the first time
    assert again[2] is False  # read from the cache the second: no iapws, no scipy


def test_without_a_cache_the_results_are_the_same(tmp_path):
    off = run(STEAM, "off")
    assert off[:2] == [steam_heat(10.0, 20.0).kwh_per_kg, steam_heat(10.0, 20.0).source]
    assert off[2] is True
    # a folder that cannot be created (a file stands in its way) turns the cache off
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert run(STEAM, str(blocker / "cache"))[:2] == off[:2]


def test_a_broken_cache_file_is_recomputed(tmp_path):
    cache = tmp_path / "cache"
    run(STEAM, str(cache))
    [stored] = (cache / "steam").glob("iapws-*.json")
    stored.write_text("{not json")
    assert run(STEAM, str(cache))[:2] == run(STEAM, "off")[:2]


def test_import_lca_writes_no_cache(tmp_path):
    cache = tmp_path / "cache"
    run("import lca, json; print(json.dumps(0))", str(cache))
    assert not cache.exists()
    # the first unit read creates it, with pint's parsed definitions
    run("import json, lca; lca.Q_('1 kg'); print(json.dumps(0))", str(cache))
    assert any((cache / "pint").iterdir())


def test_the_unit_registry_from_the_cache_reads_units_as_parsed_text_does(tmp_path):
    code = (
        "import json\nfrom lca import units as u\n"
        "q = [u.Q_('6.2 kg').m_as('g'), u.Q_('2 lb CH4 / MWh').m_as('kg CH4 / kWh'),"
        " str(u.Q_('1.2 equiv').units), str(u.Q_('10 vol').to_base_units().units),"
        " u.Q_('1 short_ton').m_as('kg')]\nprint(json.dumps(q))"
    )
    cache = str(tmp_path / "cache")
    parsed, cached = run(code, cache), run(code, cache)
    assert parsed == cached == run(code, "off")
    assert parsed[0] == 6200.0 and parsed[4] == pytest.approx(907.18474)


def test_cache_dir_honours_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("GREENROUTE_CACHE_DIR", str(tmp_path / "here"))
    assert cache_dir("x") == tmp_path / "here" / "x" and (tmp_path / "here" / "x").is_dir()
    monkeypatch.setenv("GREENROUTE_CACHE_DIR", "off")
    assert cache_dir("x") is None


def test_factor_units_read_once_give_what_pint_gives_row_by_row():
    from lca.factors import _canonical, _canonical_value

    rows = 0
    for path in (ROOT / "factors" / "greenroute-open").glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                value = float(row["value"])
                assert _canonical(value, row["unit"], "x") == _canonical_value(value, row["unit"])
                rows += 1
    assert rows > 500


UNIT_SCALES = (
    "import json\nfrom lca import factors\n"
    "library = factors.bundled_library()\n"
    "print(json.dumps([[r.key, r.region, r.per_unit, r.gas, r.value] for r in library.rows]"
    " + [factors._canonical_value(1.0, 'lb CH4 / MWh')]))"
)


def test_factor_unit_scales_from_the_cache_give_the_rows_pint_gives(tmp_path):
    cache = tmp_path / "cache"
    computed = run(UNIT_SCALES, str(cache))
    [stored] = (cache / "units").glob("factor-units-*.json")
    scales = json.loads(stored.read_text(encoding="utf-8"))
    # 1 lb CH4 / MWh = 0.45359237 kg CH4 per 1000 kWh = 0.00045359237 kg CH4 / kWh
    assert scales["lb CH4 / MWh"] == ["kWh", "CH4_fossil", pytest.approx(0.45359237 / 1000)]
    assert scales["lb CH4 / MWh"] == computed[-1]
    assert len(scales) > 20  # every unit the bundled library writes
    assert run(UNIT_SCALES, str(cache)) == computed == run(UNIT_SCALES, "off")
    # a file that is not what it should be is recomputed (and rewritten) when the library is
    # read again (not read back as read before: lca.factorcache)
    stored.write_text('{"lb CH4 / MWh": ["kWh", "CH4_fossil", "2"], "kg CO2e / kg": 7}')
    shutil.rmtree(cache / "factors")
    assert run(UNIT_SCALES, str(cache)) == computed
    stored.write_text("{not json")
    shutil.rmtree(cache / "factors")
    assert run(UNIT_SCALES, str(cache)) == computed
    assert json.loads(stored.read_text(encoding="utf-8")) == scales


# modules that only some commands or formats need: the CLI imports them inside those commands
HEAVY = (
    "pandas", "plotly", "openpyxl", "jinja2", "iapws", "pyarrow", "kaleido", "bw2calc", "bw2data",
    "bw2io", "bw_processing", "scipy.sparse", "scipy.optimize", "scipy.linalg", "scipy.stats",
)  # fmt: skip
COMMAND = (
    "import contextlib, io, json, sys\nfrom lca.cli import main\n"
    "sys.argv = ['lca', *{args!r}]\n"
    "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
    "    main()\n"
    "top = {top!r}\n"
    "print(json.dumps(sorted(m for m in sys.modules if m in top or m.split('.')[0] in top)))"
)


def imported(args: list[str], top: tuple[str, ...], cache: str) -> list[str]:
    """Which of the modules ``top`` (packages, or dotted submodules) ``lca *args`` imports."""
    return run(COMMAND.format(args=args, top=top), cache)


def test_help_imports_neither_the_numerical_stack_nor_heavy_modules(tmp_path):
    found = imported(["--help"], (*HEAVY, "numpy", "pint", "pydantic", "scipy"), "off")
    assert found == []


def test_assess_with_the_terminal_output_imports_no_heavy_module(tmp_path):
    cache = str(tmp_path / "cache")
    recipe = str(ROOT / "processes" / "lidocaine-batch.toml")
    # the first run computes the steam enthalpies with iapws; once cached, nothing heavy is read
    assert "iapws" in imported(["assess", recipe], ("iapws",), cache)
    assert imported(["assess", recipe], HEAVY, cache) == []
    assert imported(["assess", recipe, "--format", "json"], HEAVY, cache) == []


EXAMPLES = sorted((ROOT / "processes").glob("*.toml"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.stem for path in EXAMPLES])
def test_inventory_records_are_the_rows_of_its_frame(example):
    # the JSON document reads the records without pandas; they must be what the frame holds
    from lca.assessment import assess

    inventory = assess(example).inventory
    records = inventory.to_records()
    assert records == inventory.to_frame().to_dict(orient="records")
    assert len(records) > 10 and all(type(r["per_kg_product"]) is float for r in records)


def test_greenroute_units_are_read_from_their_own_definitions_whatever_the_cache_holds(tmp_path):
    code = (
        "import json\nfrom lca import units as u\n"
        "print(json.dumps([u.Q_('2 lb CH4 / MWh').m_as('kg CH4 / kWh'), str(u.GAS_DIMENSIONS),"
        " u.Q_('10 vol').m_as('L/kg'), str(u.Q_('1 CO2').to('CO2e'))]))"
    )
    cache = tmp_path / "cache"
    parsed = run(code, str(cache))
    [written] = (cache / "pint").glob("greenroute-*.txt")
    # a definitions file changed by hand is rewritten before pint reads it
    written.write_text("CH4_fossil = 1000 * CO2e = CH4\n", encoding="utf-8")
    assert run(code, str(cache)) == parsed == run(code, "off")
    assert parsed[0] == pytest.approx(2 * 0.45359237 / 1000)  # 2 lb = 0.907 kg, per 1000 kWh


def test_command_signatures_are_evaluated_annotations():
    # typer reads them at every start; strings (PEP 563) would be evaluated again each time
    from lca.cli import app

    def callbacks(typer_app):
        yield from (command.callback for command in typer_app.registered_commands)
        for group in typer_app.registered_groups:
            yield from callbacks(group.typer_instance)

    found = [callback for callback in callbacks(app) if callback is not None]
    assert len(found) > 15
    for callback in found:
        assert not any(isinstance(a, str) for a in callback.__annotations__.values()), callback


def test_a_command_collects_cycles_in_its_work_and_freezes_what_it_made(tmp_path):
    # the collector is off while lca.cli.main imports, on in the library call (from
    # lca.cli.common.reported), and what the command made is frozen at the end, so that the
    # teardown skips searching it; the readings kept by lca.quantities are written by an exit
    # handler, and the output is complete
    cache = tmp_path / "cache"
    recipe = str(ROOT / "processes" / "lidocaine-batch.toml")
    seen = run(
        "import contextlib, gc, io, json, sys\nimport lca.assessment\nfrom lca.cli import main\n"
        "real, during = lca.assessment.assess, []\n"
        "def spy(*args, **options):\n"
        "    during.append(gc.isenabled())\n"
        "    return real(*args, **options)\n"
        "lca.assessment.assess = spy\n"
        f"sys.argv = ['lca', 'assess', {recipe!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    main()\n"
        "print(json.dumps([during, gc.isenabled(), gc.get_freeze_count()]))",
        str(cache),
    )
    assert seen[0] and all(seen[0]) and seen[1] is True  # (mode effects assess again)
    assert seen[2] > 10_000
    assert list((cache / "units").glob("readings-*.json"))
    environment = {**os.environ, "GREENROUTE_CACHE_DIR": str(cache)}
    output = subprocess.run(
        [sys.executable, "-m", "lca", "assess", recipe, "--format", "json"],
        capture_output=True, text=True, check=True, env=environment,
    ).stdout  # fmt: skip
    assert json.loads(output)["route"]["name"]


LIBRARY = (
    "import json, sys\nfrom lca import factors\n"
    "path = sys.argv[1] if len(sys.argv) > 1 else None\n"
    "found = []\n"
    "for gwp_set in ('AR6', 'AR5'):\n"
    "    library = factors.read_library(factors.data_dir('factors') / factors.BUNDLED_LIBRARY,"
    " gwp_set, default_tier='cited')\n"
    "    found.append(repr(library))\n"
    "print(json.dumps([found, sorted(m for m in sys.modules if m.startswith('lca'))]))"
)


def test_a_library_read_back_from_the_cache_is_the_library_read(tmp_path):
    from lca.factorcache import CODE

    cache = tmp_path / "cache"
    read, modules = run(LIBRARY, str(cache))
    assert len(list((cache / "factors").glob("library-*.json"))) == 2  # one per GWP set
    again, _ = run(LIBRARY, str(cache))
    assert again == read == run(LIBRARY, "off")[0]
    # the kept file is named by the code of every module a reading runs
    assert {m.split(".", 1)[1] + ".py" for m in modules if "." in m} <= set(CODE)
    # a broken file is read again and rewritten
    for kept in (cache / "factors").glob("library-*.json"):
        kept.write_text('{"library": {}, "rows": [[1]]}')
    assert run(LIBRARY, str(cache))[0] == read
    assert run(LIBRARY, str(cache))[0] == read


def test_a_library_changed_since_is_read_again(tmp_path, monkeypatch):
    from lca.factors import read_library

    monkeypatch.setenv("GREENROUTE_CACHE_DIR", str(tmp_path / "cache"))
    library = tmp_path / "mine"
    shutil.copytree(ROOT / "factors" / "greenroute-open", library)
    first = read_library(library)
    assert read_library(library) == first  # read back
    [kept] = (tmp_path / "cache" / "factors").glob("library-*.json")
    csv_path = library / "factors.csv"

    def set_first_value(value: str) -> tuple[str, str]:
        with csv_path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows, columns = list(reader), reader.fieldnames
        first = next(row for row in rows if row["unit"] == "kg CO2e / kg")
        first["value"] = value
        with csv_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, columns)
            writer.writeheader()
            writer.writerows(rows)
        return first["key"], first["region"]

    key, region = set_first_value("123.5")
    changed = read_library(library)
    assert 123.5 in [r.value for r in changed.rows if r.key == key and r.region == region]
    # the file of the old content is replaced by the file of the new one
    assert [p.name for p in (tmp_path / "cache" / "factors").glob("library-*.json")] != [kept.name]
    assert len(list((tmp_path / "cache" / "factors").glob("library-*.json"))) == 1
    # a library with a problem is never kept: the problem is reported each time
    set_first_value("-1")
    for _ in range(2):
        with pytest.raises(Exception, match="must be a finite number"):
            read_library(library)
