"""Brightway integration: in-memory cross-check, the user's background, export to a project.

Brightway chooses its data folder when bw2data is first imported (``BRIGHTWAY2_DIR``) and keeps
logs and caches in platformdirs folders (``XDG_*``): the module fixture points all of them at a
temporary folder before that first import, and every test then gets a data folder of its own, so
no test can see or change the user's projects. Nothing needs ecoinvent or the network: the
background is the synthetic one in ``tests/data/brightway/`` (invented numbers, hand-computed
scores in its header). Other test modules never import Brightway.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from brightway_background import build_background
from conftest import DATA, ROOT

BW_DATA = DATA / "brightway"
SYNTHETIC = BW_DATA / "synthetic-background.toml"
PARACETAMOL_MAPPING = BW_DATA / "paracetamol-mapping.csv"
LIDOCAINE_MAPPING = BW_DATA / "lidocaine-mapping.toml"
PARACETAMOL = ROOT / "processes" / "paracetamol-linear.toml"
EXAMPLES = sorted((ROOT / "processes").glob("*.toml"))
PROJECT = "synthetic"
BACKGROUND = "synthetic-background"
BIOSPHERE = "synthetic-biosphere"
GWP100 = ("IPCC 2021", "climate change", "global warming potential (GWP100)")
GWP20 = ("IPCC 2021", "climate change", "global warming potential (GWP20)")
ACIDIFICATION = (
    "ReCiPe 2016 v1.03, midpoint (H)",
    "acidification: terrestrial",
    "terrestrial acidification potential (TAP)",
)
ENVIRONMENT = ("BRIGHTWAY2_DIR", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
BRIGHTWAY_MODULES = ("bw2data", "bw2calc", "bw2io", "bw_processing")


def _loaded_brightway() -> list[str]:
    return [name for name in sys.modules if name.split(".")[0] in BRIGHTWAY_MODULES]


@pytest.fixture(scope="module", autouse=True)
def brightway_home(tmp_path_factory):
    """Every Brightway folder in a temporary directory, set before Brightway is imported."""
    home = tmp_path_factory.mktemp("brightway-home")
    if _loaded_brightway():
        from bw2data import projects

        if home.parent not in Path(projects._base_data_dir).parents:
            pytest.fail(
                "Brightway was imported before tests/test_brightway.py pointed it at a temporary "
                f"folder (it uses {projects._base_data_dir}); no other test module may import it"
            )
    saved = {name: os.environ.get(name) for name in ENVIRONMENT}
    folders = dict(zip(ENVIRONMENT, ("data", "xdg-data", "xdg-state", "xdg-cache"), strict=True))
    for name, folder in folders.items():
        (home / folder).mkdir()
        os.environ[name] = str(home / folder)
    from lca.backends.brightway import brightway

    (bd,) = brightway("bw2data")
    assert Path(bd.projects._base_data_dir) == home / "data"
    template = home / "template"
    template.mkdir()
    bd.projects.change_base_directories(template)
    build_background(PROJECT)
    bd.projects.change_base_directories(home / "data")
    yield template
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def bw(tmp_path, monkeypatch, brightway_home):
    """bw2data with a fresh copy of the synthetic project in this test's own data folder."""
    from lca.backends.brightway import brightway

    (bd,) = brightway("bw2data")
    folder = tmp_path / "brightway"
    shutil.copytree(brightway_home, folder)
    bd.projects.change_base_directories(folder)
    monkeypatch.setenv("BRIGHTWAY2_DIR", str(folder))
    return bd


def project_names(bd) -> list[str]:
    return sorted(p.name for p in bd.projects)


def rows(text: str):
    """Mapping rows from TOML text (the synthetic background is the default database)."""
    from lca.backends.brightway import parse_mapping

    return parse_mapping({"database": BACKGROUND, **tomllib.loads(text)}, "<test>")


def brightway_score(bd, key: tuple[str, str], method: tuple[str, ...]) -> float:
    from lca.backends.brightway import brightway, switched_project

    (bc,) = brightway("bw2calc")
    with switched_project(PROJECT):
        node = bd.get_node(database=key[0], code=key[1])
        lca = bc.LCA({node.id: 1.0}, method=method)
        lca.lci()
        lca.lcia()
        return float(lca.score)


# -- 1. in-memory backend -------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_bw2calc_equals_greenroute_engine_on_every_example(path):
    from lca.assessment import assess
    from lca.backends.brightway import cross_check, solve_route

    assessment = assess(path, with_mode_effects=False)
    footprint, inventory = assessment.footprint, assessment.inventory
    solution = solve_route(footprint.model, inventory)
    np.testing.assert_allclose(solution.score, footprint.total, rtol=1e-9)
    np.testing.assert_allclose(solution.contributions, footprint.contributions, rtol=1e-9)
    by_step = footprint.by_step()
    np.testing.assert_allclose(
        [solution.by_step[s] for s in by_step], list(by_step.values()), rtol=1e-9
    )
    result = inventory.result
    np.testing.assert_allclose(solution.flow, result.flow[0], rtol=1e-9)
    np.testing.assert_allclose(solution.energy, result.energy[0], rtol=1e-9)
    np.testing.assert_allclose(solution.step_scale, result.step_scale[0], rtol=1e-9)
    check = cross_check(footprint.model, inventory)
    assert check.worst < 1e-9
    size = inventory.route.n_steps + len(inventory.flows) + len(inventory.energy_lines)
    assert solution.activities == size


def test_brightway_backend_gives_the_same_assessment():
    import lca
    from lca.reporting.documents import assessment_to_dict

    own = assessment_to_dict(lca.assess(PARACETAMOL))
    theirs = assessment_to_dict(lca.assess(PARACETAMOL, backend="brightway"))
    assert own["metrics"].keys() == theirs["metrics"].keys()
    for metric, entry in own["metrics"].items():
        other = theirs["metrics"][metric]["value"]
        if entry["value"] is None:
            assert other is None
        else:
            assert other == pytest.approx(entry["value"], rel=1e-9, abs=1e-12), metric
    own_rows = own["footprint"]["provenance"]
    their_rows = theirs["footprint"]["provenance"]
    assert [r["flow"] for r in own_rows] == [r["flow"] for r in their_rows]
    for a, b in zip(own_rows, their_rows, strict=True):
        assert b["amount"] == pytest.approx(a["amount"], rel=1e-9, abs=1e-15)
        assert b["kg_co2e"] == pytest.approx(a["kg_co2e"], rel=1e-9, abs=1e-15)
    for a, b in zip(own["footprint"]["gaps"], theirs["footprint"]["gaps"], strict=True):
        assert {**b, "amount": 0} == {**a, "amount": 0}
        assert b["amount"] == pytest.approx(a["amount"], rel=1e-9)


def test_route_datapackage_signs_and_characterisation():
    """Inputs are flipped to negative technosphere entries; each term is one characterised flow."""
    from lca.assessment import assess
    from lca.backends.brightway import brightway, route_datapackage

    (bc,) = brightway("bw2calc")
    assessment = assess(PARACETAMOL, with_mode_effects=False)
    model, inventory = assessment.footprint.model, assessment.inventory
    package, nodes = route_datapackage(model, inventory)
    lca = bc.LCA({int(nodes.steps[inventory.route.final_step]): 1.0}, data_objs=[package])
    lca.lci()
    matrix = lca.technosphere_matrix.toarray()
    assert np.all(np.diag(matrix) == 1.0)
    assert np.all(matrix[~np.eye(len(matrix), dtype=bool)] <= 0.0)
    lca.lcia()
    cf = lca.characterization_matrix.diagonal()
    rows_of = [lca.dicts.biosphere[t] for t in range(len(model.terms))]
    np.testing.assert_array_equal(cf[rows_of], [t.coefficient for t in model.terms])


# -- 3. background from the user's project --------------------------------------------------------


def test_background_scores_are_the_hand_computed_ones(bw):
    from lca.backends.brightway import load_background

    mapping = rows(
        """
        [flows."energy:natural-gas"]
        name = "market for natural gas, high pressure"
        [flows."energy:steam"]
        name = "market for heat, from steam, in chemical industry"
        [flows."waste:wastewater"]
        name = "treatment of wastewater, average, wastewater treatment"
        [flows."energy:electricity"]
        name = "market for electricity, medium voltage"
        location = "DE"
        """
    )
    gwp100, gwp20 = load_background(PROJECT, mapping, [GWP100, GWP20], region="DE")
    values = {row.key: row for row in gwp100.layer.rows}
    # float32 storage of amounts in bw2data: agreement to about 1e-7
    assert values["energy:natural-gas"].value == pytest.approx(0.2 + 0.005 * 29.8, rel=1e-6)
    assert values["energy:natural-gas"].per_unit == "m**3"
    assert values["energy:electricity"].value == pytest.approx(0.45 + 0.001 * 29.8, rel=1e-6)
    steam_per_mj = 0.028 * 0.349 + 0.005 * 0.4798 + 0.004
    assert values["energy:steam"].per_unit == "kWh"
    assert values["energy:steam"].value == pytest.approx(steam_per_mj * 3.6, rel=1e-6)
    assert "3.6 megajoule/kWh" in values["energy:steam"].notes
    # treatment activity: negative reference product, score per m3 treated, positive
    wastewater = 0.35 * 0.4798 + 0.002 * 27.0 + 0.0002 * 273.0
    assert values["waste:wastewater"].value == pytest.approx(wastewater, rel=1e-6)
    assert {row.key: row.value for row in gwp20.layer.rows}["energy:natural-gas"] == (
        pytest.approx(0.2 + 0.005 * 82.5, rel=1e-6)
    )
    assert "market for natural gas, high pressure" in values["energy:natural-gas"].source
    assert gwp100.factor_set.lookup("energy:natural-gas", "DE").fallback == ""
    assert bw.projects.current == "default"


def test_assess_with_background_gives_the_usual_assessment(bw):
    from lca.assessment import assess
    from lca.backends.brightway import assess_with_background, brightway_footprint

    bundled = assess(PARACETAMOL)
    results = assess_with_background(PARACETAMOL, PROJECT, [GWP100, GWP20], PARACETAMOL_MAPPING)
    assert [r.method for r in results] == [GWP100, GWP20]
    for result in results:
        assessment = result.assessment

        # the same figures, but the tier breakdowns name the background's own tier
        def names(a):
            return [
                (m.scope, m.metric)
                for m in a.metrics
                if not m.metric.startswith(("coverage_mass:", "footprint_share:"))
            ]

        assert names(assessment) == names(bundled)
        assert any(m.metric == "coverage_mass:background" for m in assessment.metrics)
        assert assessment.value("pmi") == bundled.value("pmi")
        footprint = assessment.footprint
        mapped = [r for r in footprint.provenance() if r["library"] == "brightway:synthetic"]
        assert {r["factor_key"] for r in mapped} >= {
            "material:phenol",
            "energy:steam",
            "waste:incineration",
            "transport:hgv",
        }
        assert not [g for g in footprint.gaps if g["category"] == "materials"]
        assert not [r for r in footprint.provenance() if r["library"] == "greenroute-open"]
        # the footprint is exactly the terms' coefficients × inventory, and bw2calc agrees
        other = brightway_footprint(footprint.model, assessment.inventory)
        assert other.total == pytest.approx(footprint.total, rel=1e-9)
        steam = footprint.model.steam_kwh_per_kg
        factor = result.background.factor_set.lookup("energy:steam", "GB")
        steam_rows = [r for r in footprint.provenance() if r["factor_key"] == "energy:steam"]
        for row in steam_rows:
            assert row["kg_co2e"] == pytest.approx(row["amount"] * steam * factor.value)
    gwp100, gwp20 = (r.assessment.value("carbon_footprint") for r in results)
    assert gwp20 > gwp100 > 0
    assert bw.projects.current == "default"
    assert project_names(bw) == ["default", PROJECT]


def test_toml_mapping_by_name_and_code(bw):
    from lca.backends.brightway import assess_with_background

    (result,) = assess_with_background(
        ROOT / "processes" / "lidocaine-batch.toml", PROJECT, [GWP100], LIDOCAINE_MAPPING
    )
    libraries = {r["factor_key"]: r["library"] for r in result.assessment.footprint.provenance()}
    assert libraries["material:toluene"] == "brightway:synthetic"
    assert libraries["waste:wastewater"] == "brightway:synthetic"  # mapped by code


def test_backend_brightway_with_background(bw):
    from lca.backends.brightway import assess_with_background

    (own,) = assess_with_background(PARACETAMOL, PROJECT, [GWP100], PARACETAMOL_MAPPING)
    (theirs,) = assess_with_background(
        PARACETAMOL, PROJECT, [GWP100], PARACETAMOL_MAPPING, backend="brightway"
    )
    assert theirs.assessment.value("carbon_footprint") == pytest.approx(
        own.assessment.value("carbon_footprint"), rel=1e-9
    )


@pytest.mark.parametrize(
    ("mapping", "error", "expected"),
    [
        (
            '[flows."material:phenol"]\nname = "market for phenols"',
            "FactorError",
            [
                "<test>",
                "material:phenol",
                "no activity named 'market for phenols'",
                "close matches: 'market for phenol'",
            ],
        ),
        (
            '[flows."energy:electricity"]\nname = "market for electricity, medium voltage"\n'
            'location = "GB"\nunit = "megajoule"',
            "UnitError",
            ["energy:electricity", "unit 'megajoule'", "is in 'kilowatt hour'"],
        ),
        (
            '[flows."material:phenol"]\nname = "market for electricity, medium voltage"\n'
            'location = "GB"',
            "UnitError",
            ["material:phenol", "kilogram (a mass)", "'kilowatt hour' (an energy)"],
        ),
        (
            '[flows."energy:electricity"]\nname = "market for electricity, medium voltage"',
            "FactorError",
            ["4 activities", "GB", "DE", "FR", "US", "add reference_product, location or unit"],
        ),
        (
            '[flows."energy:electricity"]\ndatabase = "ecoinvent-3.10-cutoff"\nname = "x"',
            "FactorError",
            ["no database 'ecoinvent-3.10-cutoff'", BACKGROUND],
        ),
        (
            '[flows."material:phenol"]\ncode = "no-such-code"',
            "FactorError",
            ["no activity with code 'no-such-code'"],
        ),
        (
            '[flows."material:phenol"]\ndatabase = "synthetic-biosphere"\ncode = "co2-fossil"',
            "FactorError",
            ["is a emission node", "map an activity"],
        ),
        (
            '[flows."energy:steam"]\nname = "market for natural gas, high pressure"',
            "UnitError",
            ["recipe gives steam in kilogram", "'cubic meter'", "a mass cannot be converted"],
        ),
    ],
    ids=[
        "unknown-name",
        "wrong-unit",
        "activity-unit-not-a-mass",
        "ambiguous",
        "unknown-database",
        "unknown-code",
        "biosphere-flow",
        "recipe-unit",
    ],
)
def test_mapping_errors_name_the_row_and_how_to_fix(bw, mapping, error, expected):
    from lca.backends.brightway import assess_with_background
    from lca.errors import FactorError, UnitError

    kind = {"FactorError": FactorError, "UnitError": UnitError}[error]
    with pytest.raises(kind) as caught:
        assess_with_background(PARACETAMOL, PROJECT, [GWP100], rows(mapping))
    for text in expected:
        assert text in str(caught.value)
    assert bw.projects.current == "default"


def test_every_bad_row_is_reported_at_once(bw):
    from lca.backends.brightway import load_background
    from lca.errors import FactorError

    mapping = rows(
        '[flows."material:phenol"]\nname = "market for phenols"\n'
        '[flows."material:toluene"]\nname = "market for toluen"'
    )
    with pytest.raises(FactorError) as caught:
        load_background(PROJECT, mapping, [GWP100])
    assert "material:phenol" in str(caught.value)
    assert "market for toluene, liquid" in str(caught.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("flow,database,name\nmaterial:Phenol,db,x\n", "is not material:<id>"),
        ("flow,database,name\nmaterial:phenol,,x\n", "no database"),
        ("flow,database,name\nmaterial:phenol,db,\n", "give the activity's `name`"),
        ("flow,database,name\nmaterial:a,db,x\nmaterial:a,db,y\n", "already mapped at"),
        ("flow,database,activity\nmaterial:a,db,x\n", "unknown: activity"),
    ],
)
def test_mapping_file_problems(tmp_path, text, problem):
    from lca.backends.brightway import read_mapping
    from lca.errors import FactorError

    path = tmp_path / "mapping.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FactorError, match=r"mapping\.csv") as caught:
        read_mapping(path)
    assert problem in str(caught.value)


def test_csv_mapping_reads_quoted_names_and_comments():
    from lca.backends.brightway import read_mapping

    mapping = {row.flow: row for row in read_mapping(PARACETAMOL_MAPPING)}
    assert mapping["material:nitric-acid"].name == (
        "market for nitric acid, without water, in 50% solution state"
    )
    assert mapping["emission:co2-fossil"].code == "co2-fossil"
    assert mapping["energy:electricity"].where.endswith("paracetamol-mapping.csv:11")


def test_methods_by_parts_words_and_refusals(bw):
    from lca.backends.brightway import resolve_methods, switched_project
    from lca.errors import FactorError

    with switched_project(PROJECT):
        assert resolve_methods([" | ".join(GWP20)]) == [GWP20]
        assert resolve_methods(["IPCC 2021 climate change GWP20"]) == [GWP20]
        assert resolve_methods([json.dumps(list(GWP100))]) == [GWP100]
        with pytest.raises(FactorError, match="matches 2 LCIA methods") as caught:
            resolve_methods(["IPCC 2021 … GWP100"])
        assert "IPCC 2021 | climate change: fossil | global warming potential (GWP100)" in str(
            caught.value
        )
        with pytest.raises(FactorError, match="not kg CO2-eq"):
            resolve_methods([ACIDIFICATION])
        with pytest.raises(FactorError, match=re.escape("close: 'IPCC 2021 | climate change")):
            resolve_methods(["IPCC 2021 | climate change | GWP100"])
        with pytest.raises(FactorError, match="at least one"):
            resolve_methods([])


def test_real_ipcc_2021_names_shipped_with_bw2io(bw):
    """The LCIA method file inside bw2io (read directly: bw2setup crashes in bw2io 0.9.17)."""
    import importlib.resources
    import zipfile

    from lca.backends.brightway import resolve_methods, switched_project
    from lca.errors import FactorError

    archive = importlib.resources.files("bw2io") / "data" / "lcia" / "lcia_39_ecoinvent.zip"
    with archive.open("rb") as handle, zipfile.ZipFile(handle) as package:
        methods = json.loads(package.read("data.json"))
    ipcc = [m for m in methods if m["name"][0].startswith("IPCC 2021")]
    assert len(methods) == 762 and len(ipcc) > 50
    with switched_project("ipcc-names", create=True, writing=True):
        for method in ipcc:
            bw.Method(tuple(method["name"])).register(unit=method["unit"])
        assert resolve_methods(["IPCC 2021 | climate change | global warming potential (GWP100)"])
        with pytest.raises(FactorError, match=r"matches \d+ LCIA methods"):
            resolve_methods(["IPCC 2021 … GWP100"])


def test_unknown_project_is_an_error_and_never_created(bw):
    from lca.backends.brightway import assess_with_background
    from lca.errors import FactorError

    before = project_names(bw)
    with pytest.raises(FactorError, match=r"no Brightway project 'ecoinvent-3\.10'"):
        assess_with_background(PARACETAMOL, "ecoinvent-3.10", [GWP100], PARACETAMOL_MAPPING)
    assert project_names(bw) == before
    assert bw.projects.current == "default"


def test_missing_extra_says_how_to_install(monkeypatch):
    from lca.backends import brightway_project
    from lca.errors import LcaError

    def missing(name):
        raise ImportError(f"No module named '{name}'", name=name)

    monkeypatch.setattr(brightway_project.importlib, "import_module", missing)
    with pytest.raises(LcaError, match=re.escape("needs bw2calc") + ".*greenroute\\[brightway\\]"):
        brightway_project.brightway("bw2calc")


def test_switched_project_restores_the_previous_project(bw):
    from lca.backends.brightway import switched_project

    bw.projects.set_current(PROJECT)
    with pytest.raises(RuntimeError), switched_project("default"):
        assert bw.projects.current == "default"
        raise RuntimeError("boom")
    assert bw.projects.current == PROJECT


# -- 2. export to a project -----------------------------------------------------------------------


def test_export_then_brightway_lca_equals_greenroute(bw):
    from lca.backends.brightway import assess_with_background, export_route, switched_project

    result = export_route(PARACETAMOL, PROJECT, mapping=PARACETAMOL_MAPPING)
    assert result.database == "greenroute-paracetamol-linear"
    assert result.final == (result.database, "step-acetylation")
    assert not result.proxies
    assert {"material:phenol", "energy:steam", "transport:hgv"} <= set(result.linked)
    assert bw.projects.current == "default"
    greenroute = assess_with_background(  # export links the user's mapping alone
        PARACETAMOL, PROJECT, [GWP100, GWP20], PARACETAMOL_MAPPING, with_mode_effects=False,
        bundled=False,
    )  # fmt: skip
    for entry in greenroute:
        score = brightway_score(bw, result.final, entry.method)
        # bw2data stores exchange amounts as float32
        assert score == pytest.approx(entry.assessment.footprint.total, rel=1e-6)
    with switched_project(PROJECT):
        database = bw.Database(result.database)
        assert bw.databases[result.database]["greenroute"]["route"].startswith("Paracetamol")
        steps = [a for a in database if a["code"].startswith("step-")]
        assert sorted(a["code"] for a in steps) == [
            "step-acetylation",
            "step-hydrogenation",
            "step-nitration",
        ]
        nitration = bw.get_node(database=result.database, code="step-nitration")
        assert nitration["unit"] == "kilogram"
        assert "paracetamol-linear.toml" in nitration["comment"]
        exchanges = {e.input["name"]: e for e in nitration.technosphere()}
        steam = exchanges["market for heat, from steam, in chemical industry"]
        assert steam["unit"] == "megajoule"
        assert "energy:steam linked by" in steam["comment"]
        wastewater = exchanges["treatment of wastewater, average, wastewater treatment"]
        assert wastewater["amount"] < 0  # to a treatment activity, ecoinvent's convention
        (co2,) = list(nitration.biosphere())
        assert co2.input["name"] == "Carbon dioxide, fossil"
        assert "computed by greenroute" in co2["comment"]
        hydrogenation = bw.get_node(database=result.database, code="step-hydrogenation")
        upstream = {e.input["code"]: e["amount"] for e in hydrogenation.technosphere()}
    inventory = greenroute[0].assessment.inventory
    (line,) = [i for i, f in enumerate(inventory.flows) if f.material == "4-nitrophenol"]
    q = inventory.result.flow_per_step_product[0, line]  # kg per kg of 4-aminophenol
    assert upstream["step-nitration"] == pytest.approx(q, rel=1e-7)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_exports_to_the_same_footprint(bw, path):
    """Credits (negative exchanges), recovery energy, cleaning, proxies, placeholders."""
    from lca.backends.brightway import assess_with_background, export_route

    result = export_route(path, PROJECT, mapping=LIDOCAINE_MAPPING, allow_unlinked=True)
    (greenroute,) = assess_with_background(
        path, PROJECT, [GWP100], LIDOCAINE_MAPPING, with_mode_effects=False, bundled=False
    )
    score = brightway_score(bw, result.final, GWP100)
    assert score == pytest.approx(greenroute.assessment.footprint.total, rel=1e-6)


def test_export_refuses_to_overwrite_without_force(bw):
    from lca.backends.brightway import export_route
    from lca.errors import OutputError

    export_route(PARACETAMOL, PROJECT, mapping=PARACETAMOL_MAPPING, database="route")
    with pytest.raises(OutputError, match="already has a database 'route'; pass --force"):
        export_route(PARACETAMOL, PROJECT, mapping=PARACETAMOL_MAPPING, database="route")
    again = export_route(
        PARACETAMOL, PROJECT, mapping=PARACETAMOL_MAPPING, database="route", force=True
    )
    assert again.database == "route"
    with pytest.raises(OutputError, match="mapping links to database"):
        export_route(
            PARACETAMOL, PROJECT, mapping=PARACETAMOL_MAPPING, database=BACKGROUND, force=True
        )
    with pytest.raises(OutputError, match="not written by greenroute"):
        export_route(PARACETAMOL, PROJECT, database=BIOSPHERE, force=True, allow_unlinked=True)
    assert bw.projects.current == "default"


def test_export_never_creates_a_project_unless_asked(bw):
    from lca.backends.brightway import export_route
    from lca.errors import OutputError

    before = project_names(bw)
    with pytest.raises(OutputError, match=r"no Brightway project 'new'.*--create-project"):
        export_route(PARACETAMOL, "new", allow_unlinked=True)
    assert project_names(bw) == before
    from lca.errors import FactorError

    # an empty new project has no biosphere for the computed fossil CO2; without
    # --allow-unlinked, both problems are reported by the one run
    with pytest.raises(FactorError) as caught:
        export_route(PARACETAMOL, "new", create_project=True)
    assert "--allow-unlinked" in str(caught.value)
    assert "Brightway project 'new' has no databases" in str(caught.value)
    # the project the failed run created is removed again (issue 16: it was left behind empty)
    assert project_names(bw) == before
    assert bw.projects.current == "default"
    with pytest.raises(FactorError, match="has no databases"):
        export_route(PARACETAMOL, "new", allow_unlinked=True, create_project=True)
    assert project_names(bw) == before
    # an existing project is never deleted by a failed export
    with pytest.raises(FactorError):
        export_route(PARACETAMOL, PROJECT, database="x")
    assert PROJECT in project_names(bw)


def test_unlinked_flows_need_the_flag_and_become_proxies(bw):
    from lca.backends.brightway import (
        assess_with_background,
        export_route,
        read_mapping,
        switched_project,
    )
    from lca.errors import FactorError

    partial = [
        row
        for row in read_mapping(PARACETAMOL_MAPPING)
        if row.flow not in ("transport:hgv", "material:hydrogen", "emission:co2-fossil")
    ]
    with pytest.raises(FactorError) as caught:
        export_route(PARACETAMOL, PROJECT, mapping=partial)
    assert "transport:hgv (nitration)" in str(caught.value)
    assert "material:hydrogen (hydrogenation)" in str(caught.value)
    assert "--allow-unlinked" in str(caught.value)
    result = export_route(PARACETAMOL, PROJECT, mapping=partial, allow_unlinked=True)
    assert set(result.proxies) == {"transport:hgv (GB)", "material:hydrogen (FR)"}
    (greenroute,) = assess_with_background(PARACETAMOL, PROJECT, [GWP100], partial, bundled=False)
    score = brightway_score(bw, result.final, GWP100)
    assert score == pytest.approx(greenroute.assessment.footprint.total, rel=1e-6)
    with switched_project(PROJECT):
        proxy = next(a for a in bw.Database(result.database) if "transport:hgv" in a["name"])
        assert proxy["unit"] == "ton kilometer"
        assert "PROXY" in proxy["comment"] and "DESNZ" in proxy["comment"]


def test_export_without_mapping_reproduces_the_bundled_footprint(bw):
    """Every factor as a proxy, computed CO2 to the only 'Carbon dioxide, fossil' to air."""
    from lca.assessment import assess
    from lca.backends.brightway import export_route

    result = export_route(PARACETAMOL, PROJECT, allow_unlinked=True, database="bundled")
    assert not result.linked
    assert result.placeholders and result.warnings
    bundled = assess(PARACETAMOL, with_mode_effects=False).footprint.total
    assert brightway_score(bw, result.final, GWP100) == pytest.approx(bundled, rel=1e-6)


# -- the command line -----------------------------------------------------------------------------


def invoke(*args):
    from typer.testing import CliRunner

    from lca.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_backend_brightway_json_equals_greenroute():
    own = invoke("assess", PARACETAMOL, "--format", "json")
    theirs = invoke("assess", PARACETAMOL, "--format", "json", "--backend", "brightway")
    assert theirs.exit_code == 0, theirs.output
    assert "bw2calc" in theirs.stderr
    a, b = json.loads(own.stdout), json.loads(theirs.stdout)
    assert b["footprint"]["total"] == pytest.approx(a["footprint"]["total"], rel=1e-9)
    assert b["footprint"]["by_step"] == pytest.approx(a["footprint"]["by_step"], rel=1e-9)


def test_compare_and_report_take_the_backend_too(tmp_path):
    """One seam: lca.compare and lca compare|report --backend brightway solve every route with
    bw2calc and say so; the figures are greenroute's to 1e-9."""
    import lca

    routes = [ROOT / "processes" / f"lidocaine-{mode}.toml" for mode in ("batch", "flow")]
    own = lca.compare(routes)
    theirs = lca.compare(routes, backend="brightway")
    for label in own.labels:
        for metric, _ in own.route_metrics():
            value = own.value(label, metric)
            other = theirs.value(label, metric)
            assert (other is None) == (value is None), metric
            if value is not None:
                assert other == pytest.approx(value, rel=1e-9, abs=1e-12), (label, metric)
    table = invoke("compare", *routes, "--backend", "brightway", "--format", "json")
    assert table.exit_code == 0, table.output
    assert "bw2calc" in table.stderr
    document = json.loads(table.stdout)
    assert [r["footprint"]["total"] for r in document["routes"]] == pytest.approx(
        [a.footprint.total for a in own.assessments], rel=1e-9
    )
    report = invoke("report", *routes, "--backend", "brightway", "--xlsx", tmp_path / "r.xlsx")
    assert report.exit_code == 0, report.output
    assert "bw2calc" in report.stderr and (tmp_path / "r.xlsx").is_file()
    for command in ("compare", "report"):
        assert "--backend" in invoke(command, "--help").stdout


def test_an_unknown_backend_is_a_one_line_error():
    import lca
    from lca.errors import BackendError

    with pytest.raises(BackendError, match="choose one of greenroute, brightway"):
        lca.assess(PARACETAMOL, backend="openlca")
    result = invoke("compare", PARACETAMOL, "--backend", "openlca")
    assert result.exit_code != 0 and "openlca" in result.output


def test_cli_assess_with_the_project_background(bw):
    common = ("--brightway-project", PROJECT, "--mapping", PARACETAMOL_MAPPING)
    one = invoke("assess", PARACETAMOL, *common, "--method", " | ".join(GWP100), "-f", "json")
    assert one.exit_code == 0, one.output
    document = json.loads(one.stdout)
    assert {k: document["brightway"][k] for k in ("project", "method", "method_unit")} == {
        "project": PROJECT,
        "method": list(GWP100),
        "method_unit": "kg CO2-Eq",
    }
    # the user's mapping names one database: the bundled ecoinvent mapping is linked there too
    assert document["brightway"]["database"] == BACKGROUND
    both = invoke(
        "assess", PARACETAMOL, *common, "--method", " | ".join(GWP100),
        "--method", "IPCC 2021 climate change GWP20", "--format", "json",
    )  # fmt: skip
    assert both.exit_code == 0, both.output
    documents = json.loads(both.stdout)["assessments"]
    assert [d["brightway"]["method"][2] for d in documents] == [GWP100[2], GWP20[2]]
    assert documents[0]["footprint"]["total"] == document["footprint"]["total"]
    table = invoke("assess", PARACETAMOL, *common, "--method", " | ".join(GWP20))
    assert table.exit_code == 0, table.output
    assert "LCIA method: IPCC 2021 | climate change | global warming potential (GWP20)" in (
        table.stdout
    )
    csv_out = invoke("assess", PARACETAMOL, *common, "--method", " | ".join(GWP20), "-f", "csv")
    assert csv_out.stdout.splitlines()[0].endswith(",method")


def test_cli_mapping_errors_exit_1_with_one_line_each(bw, tmp_path):
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(
        "flow,database,name,unit\n"
        f"material:phenol,{BACKGROUND},market for phenols,\n"
        f'energy:electricity,{BACKGROUND},"market for electricity, medium voltage",megajoule\n',
        encoding="utf-8",
    )
    result = invoke(
        "assess", PARACETAMOL, "--brightway-project", PROJECT, "--mapping", mapping,
        "--method", " | ".join(GWP100),
    )  # fmt: skip
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("error: ") for line in lines)
    assert "mapping.csv:2: material:phenol" in lines[0] and "market for phenol'" in lines[0]
    assert "mapping.csv:3: energy:electricity" in lines[1] and "megajoule" in lines[1]
    assert result.stdout == ""
    incomplete = invoke("assess", PARACETAMOL, "--method", " | ".join(GWP100))
    assert incomplete.exit_code == 1
    assert "needs --brightway-project and at least one --method" in incomplete.stderr


def test_cli_export(bw):
    args = ("brightway", "export", PARACETAMOL, "--project", PROJECT)
    first = invoke(*args, "--mapping", PARACETAMOL_MAPPING)
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(
        "wrote database 'greenroute-paracetamol-linear' to Brightway project 'synthetic'"
    )
    assert "placeholders" in first.stderr
    again = invoke(*args, "--mapping", PARACETAMOL_MAPPING)
    assert again.exit_code == 1
    assert "pass --force" in again.stderr
    assert invoke(*args, "--mapping", PARACETAMOL_MAPPING, "--force").exit_code == 0
    missing = invoke("brightway", "export", PARACETAMOL, "--project", "nope")
    assert missing.exit_code == 1 and "--create-project" in missing.stderr
    assert "nope" not in project_names(bw)


def test_cli_help_lists_the_brightway_commands():
    assert "brightway" in invoke("--help").stdout
    assert "export" in invoke("brightway", "--help").stdout
    help_text = invoke("assess", "--help").stdout
    for option in ("--backend", "--brightway-project", "--method", "--mapping"):
        assert option in help_text


def test_brightway_monte_carlo_agrees_with_greenroute_in_the_mean():
    # benchmark (b): the same route and factor distributions through bw2calc's Monte Carlo
    from lca.backends.brightway_montecarlo import monte_carlo_benchmark
    from lca.factors import load_factor_set
    from lca.recipe import read_recipe

    recipe = read_recipe(ROOT / "processes" / "paracetamol-linear.toml")
    result = monte_carlo_benchmark(recipe, load_factor_set(), n=400, greenroute_draws=20_000)
    assert result["uncertain_factors"]  # the bundled library states some uncertainties
    assert result["mean_difference_in_se"] < 4
    assert result["gr_per_s"] > result["bw_per_s"]


def test_vectorised_brightway_draws_agree_with_its_loop_and_with_greenroute():
    # the benchmark's strongest Brightway baseline must compute the same thing: one lci, all
    # characterisation draws at once (stats_arrays, or numpy's Generator), one product
    from lca.backends.brightway_montecarlo import factor_problem, mean_difference_in_se
    from lca.factors import load_factor_set
    from lca.montecarlo import simulate
    from lca.recipe import read_recipe

    factors = load_factor_set()
    recipe = read_recipe(ROOT / "processes" / "paracetamol-linear.toml")
    problem = factor_problem(recipe, factors, seed=2)
    assert problem.components and problem.clipped_components == 0  # lognormal rows only
    ours = simulate(problem.recipe, 40_000, seed=2, factors=factors, outputs=("carbon_footprint",))
    _, looped = problem.loop(300)
    for generator in ("stats_arrays", "numpy"):
        _, scores = problem.vectorised(40_000, chunk=15_000, generator=generator)
        assert len(scores) == 40_000 and np.all(np.isfinite(scores))
        assert mean_difference_in_se(scores, ours["carbon_footprint"]) < 4
        assert mean_difference_in_se(scores, looped) < 4


# -- 4. the bundled ecoinvent mapping, on a small database built here ----------------------------
# The activity NAMES below come from factors/ecoinvent-mapping.csv (the rows the lidocaine batch
# route in DE needs); every NUMBER (the CO2 each activity emits, the method) is SYNTHETIC, made
# up for the test: nothing here is ecoinvent data.

LIDOCAINE = ROOT / "processes" / "lidocaine-batch.toml"
CO2_UUID = "349b29d1-3e58-4c66-98b9-9d1a076efd2e"
SYNTHETIC_CO2 = {  # kg fossil CO2 per unit of the activity (invented)
    "energy:electricity": 0.5,  # per kWh
    "energy:steam": 0.07,  # per MJ
    "waste:wastewater": 0.3,  # per m3 treated
}
UNITS = {"energy:electricity": "kilowatt hour", "energy:steam": "megajoule"}


def bundled_rows_for(keys, region: str, version: str):
    """The first usable bundled row of each key for a site in ``region`` (DE → EU → GLO)."""
    from lca.backends.brightway_ecoinvent import USED_BY_DEFAULT, candidates, read_ecoinvent_mapping
    from lca.factors import load_factor_set

    rows, chain = read_ecoinvent_mapping(), load_factor_set().region_chain(region)
    found = {}
    for key in keys:
        usable = [r for r in candidates(rows, key, chain, version) if r.status in USED_BY_DEFAULT]
        if usable and version in usable[0].versions:
            found[key] = usable[0].row
    return found


def build_ecoinvent_like(project: str, database: str, version: str, leave_out=()) -> dict:
    """A biosphere and a technosphere whose activities carry the bundled mapping's names."""
    from lca.backends.brightway import brightway, switched_project
    from lca.backends.brightway_background import route_flow_keys
    from lca.inventory import build_inventory
    from lca.recipe import read_recipe

    (bd,) = brightway("bw2data")
    keys = route_flow_keys(build_inventory(read_recipe(LIDOCAINE)))
    chosen = bundled_rows_for(sorted(keys), "DE", version)
    biosphere = f"ecoinvent-{version}-biosphere"
    with switched_project(project, create=True, writing=True):
        bd.Database(biosphere).write(
            {
                (biosphere, CO2_UUID): {
                    "name": "Carbon dioxide, fossil",
                    "categories": ("air",),
                    "type": "emission",
                    "unit": "kilogram",
                }
            }
        )
        activities = {}
        for key, row in chosen.items():
            if key in leave_out:
                continue
            treatment = key == "waste:wastewater"
            unit = row.unit or ("cubic meter" if treatment else UNITS.get(key, "kilogram"))
            activities[(database, key)] = {
                "name": row.name,
                "reference product": row.reference_product,
                "location": row.location,
                "unit": unit,
                "type": "process",
                "exchanges": [
                    {"input": (database, key), "type": "production",
                     "amount": -1.0 if treatment else 1.0},
                    {"input": (biosphere, CO2_UUID), "type": "biosphere",
                     "amount": SYNTHETIC_CO2.get(key, 2.0)},
                ],
            }  # fmt: skip
        activities[(database, "near-miss")] = {
            "name": "market for toluene",
            "reference product": "toluene",
            "location": "RER",
            "unit": "kilogram",
            "type": "process",
            "exchanges": [{"input": (database, "near-miss"), "type": "production", "amount": 1.0}],
        }
        bd.Database(database).write(activities)
        method = bd.Method(GWP100)
        method.register(unit="kg CO2-Eq")
        method.write([((biosphere, CO2_UUID), 1.0)])
    return chosen


@pytest.fixture
def ecoinvent_310(bw):
    chosen = build_ecoinvent_like(
        "eco310", "ecoinvent-3.10-cutoff", "3.10", leave_out=("material:toluene",)
    )
    return chosen


def test_bundled_mapping_covers_the_route_without_a_mapping(ecoinvent_310):
    from lca.backends.brightway import assess_with_background

    (result,) = assess_with_background(LIDOCAINE, "eco310", [GWP100])
    background = result.background
    assert background.database == "ecoinvent-3.10-cutoff"  # detected: the only one with names
    values = {row.key: row.value for row in background.layer.rows if row.region == "DE"}
    # synthetic numbers: 0.5 kg CO2/kWh; steam 0.07 kg CO2/MJ × 3.6 MJ/kWh = 0.252 kg CO2/kWh;
    # every material 2.0 kg CO2/kg; wastewater 0.3 kg CO2 per m3 treated (treatment activity)
    assert values["energy:electricity"] == pytest.approx(0.5, rel=1e-6)
    assert values["energy:steam"] == pytest.approx(0.07 * 3.6, rel=1e-6)
    assert values["material:acetone"] == pytest.approx(2.0, rel=1e-6)
    assert values["waste:wastewater"] == pytest.approx(0.3, rel=1e-6)
    sources = {row.key: row.source for row in background.layer.rows}
    assert (
        "'market for electricity, medium voltage' [electricity, medium voltage, DE"
        in (sources["energy:electricity"])
    )
    assert "'market for acetone, liquid' [acetone, liquid, RER" in sources["material:acetone"]
    lines = background.unmatched
    (toluene,) = [line for line in lines if line.startswith("material:toluene (DE)")]
    assert "no activity named 'market for toluene, liquid'" in toluene
    assert "close matches: " in toluene and "'market for toluene'" in toluene
    assert any(line.startswith("material:sodium-acetate (DE): none: ") for line in lines)
    assert any(line.startswith("waste:incineration (DE): none: ") for line in lines)
    # ecoinvent has no 2,6-dimethylaniline: the bundled mapping says so (a 'none' row)
    assert any(
        line.startswith("material:2-6-dimethylaniline (DE): none: no ecoinvent 3.10")
        for line in lines
    )
    libraries = {r["factor_key"]: r["library"] for r in result.assessment.footprint.provenance()}
    assert libraries["material:acetone"] == "brightway:eco310"
    assert libraries["material:acetic-acid"] == "brightway:eco310"
    assert "material:toluene" not in [k for k, lib in libraries.items() if lib.startswith("bri")]


def test_a_name_that_changed_in_3_11_is_linked_by_its_3_11_row(bw):
    from lca.backends.brightway import assess_with_background

    chosen = build_ecoinvent_like("eco311", "ecoinvent-3.11-cutoff", "3.11")
    assert chosen["material:acetic-acid"].name == "market for acetic acid"  # 3.10: "…in 98%…"
    (result,) = assess_with_background(LIDOCAINE, "eco311", [GWP100])
    acetic = [r for r in result.background.layer.rows if r.key == "material:acetic-acid"]
    assert acetic and all("'market for acetic acid' [acetic acid, GLO" in r.source for r in acetic)
    assert not [line for line in result.background.unmatched if "acetic" in line]


def test_user_rows_override_and_several_databases_need_database(ecoinvent_310):
    from lca.backends.brightway import assess_with_background
    from lca.errors import FactorError

    build_ecoinvent_like("eco310", "other-copy", "3.10")
    with pytest.raises(FactorError, match=r"several databases .* choose one with --database"):
        assess_with_background(LIDOCAINE, "eco310", [GWP100])
    own = rows(
        '[flows."material:acetone"]\ndatabase = "ecoinvent-3.10-cutoff"\n'
        'name = "market for toluene"'
    )
    (result,) = assess_with_background(
        LIDOCAINE, "eco310", [GWP100], own, database="ecoinvent-3.10-cutoff"
    )
    acetone = [r for r in result.background.layer.rows if r.key == "material:acetone"]
    assert acetone and all("'market for toluene'" in r.source for r in acetone)
    assert all(r.value == 0.0 for r in acetone)  # the near-miss activity emits nothing


def test_cli_assess_and_compare_with_the_bundled_mapping(ecoinvent_310):
    args = ("--brightway-project", "eco310", "--method", " | ".join(GWP100))
    result = invoke("assess", LIDOCAINE, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["brightway"]["database"] == "ecoinvent-3.10-cutoff"
    warned = [line for line in result.stderr.splitlines() if "not linked" in line]
    assert len(warned) == len(document["brightway"]["unmatched"]) > 0
    assert any("material:toluene (DE)" in line and "market for toluene'" in line for line in warned)
    flow = ROOT / "processes" / "lidocaine-flow.toml"
    compared = invoke("compare", LIDOCAINE, flow, *args)
    assert compared.exit_code == 0, compared.output
    assert "LCIA method: IPCC 2021" in compared.stderr
    refused = invoke("compare", LIDOCAINE, flow, *args, "--mc", "10")
    assert refused.exit_code == 1 and "--mc" in refused.stderr
