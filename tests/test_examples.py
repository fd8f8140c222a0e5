"""Every bundled example is a test case: it validates, assesses, and matches its golden file.

Golden files hold the metrics as JSON and are compared by content (numbers to 1e-9 relative).
After a deliberate change, regenerate them with ``GREENROUTE_UPDATE_GOLDEN=1 pytest
tests/test_examples.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import tomllib

import pytest
from conftest import ROOT

from lca.assessment import assess
from lca.resources import example_paths

EXAMPLES = example_paths()
GOLDEN = ROOT / "tests" / "golden"


def test_there_are_at_least_three_examples_of_different_shapes():
    names = {path.stem for path in EXAMPLES}
    assert {"paracetamol-linear", "benzamide-convergent", "lidocaine-solvent-recovery"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_assesses_cleanly(path):
    result = assess(path)
    assert result.inventory.warnings == ()  # the recipe itself is clean
    assert result.value("pmi") > 1
    source = result.recipe.route.source
    assert "doi:" in source.lower() or "ILLUSTRATIVE" in source


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_matches_golden_metrics(path):
    result = assess(path)
    actual = {f"{r.scope}/{r.metric}": r.value for r in result.metrics}
    golden_path = GOLDEN / f"{path.stem}.json"
    if os.environ.get("GREENROUTE_UPDATE_GOLDEN") == "1":
        golden_path.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
    expected = json.loads(golden_path.read_text())
    assert set(actual) == set(expected)
    for key, value in expected.items():
        if value is None:
            assert actual[key] is None, key
        else:
            assert actual[key] == pytest.approx(value, rel=1e-9), key


def test_convergent_example_is_convergent():
    recipe = tomllib.loads((ROOT / "processes" / "benzamide-convergent.toml").read_text())
    feeds = [s.get("feeds") for s in recipe["steps"]]
    assert feeds.count("coupling") == 2


def test_recovery_example_reports_net_pmi_below_pmi():
    result = assess(ROOT / "processes" / "lidocaine-solvent-recovery.toml")
    assert result.value("pmi_net_of_recovery") < result.value("pmi")
    assert result.value("pmi_net_of_recovery") == pytest.approx(
        result.value("pmi") - result.value("recovered_mass")
    )


def test_paracetamol_example_hand_check_of_the_last_step():
    # acetylation: 3.0 kg 4-aminophenol (C6H7NO, 109.128 g/mol) = 27.4906 mol
    # acetic anhydride 1.1 equiv (C4H6O3, 102.089 g/mol) = 30.2397 mol = 3.08715 kg
    # water 3 vol + 10 vol = 13 L/kg * 3 kg * 0.9982 kg/L = 38.9298 kg
    # activated carbon 0.05 wt = 0.15 kg
    # paracetamol (C8H9NO2, 151.165 g/mol) at 80 % yield = 0.8 * 27.4906 mol = 3.32453 kg
    # step PMI = (3.0 + 3.08715 + 38.9298 + 0.15) / 3.32453 = 13.5860
    result = assess(ROOT / "processes" / "paracetamol-linear.toml")
    assert result.value("step_pmi", "acetylation") == pytest.approx(13.5860, rel=1e-4)


def test_documented_annotated_example_validates_and_matches_the_docs():
    path = ROOT / "docs" / "examples" / "annotated-route.toml"
    result = assess(path)
    assert result.value("pmi") > 1
    page = (ROOT / "docs" / "recipe-format.md").read_text()
    assert path.read_text().strip() in page, "docs/recipe-format.md shows a stale example"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_reports_coverage_and_every_fallback(path):
    from typer.testing import CliRunner

    from lca.cli import app

    result = assess(path)
    assert 0 < result.value("coverage_mass") <= 100
    assert result.value("uncovered_flows") == len(result.footprint.gaps)
    fallbacks = {row["fallback"] for row in result.footprint.provenance() if row["fallback"]}
    table = CliRunner().invoke(app, ["assess", str(path)]).stdout
    assert "Coverage:" in table
    flat = " ".join(table.split())
    for fallback in fallbacks:  # every fallback is said, none is silent
        assert " ".join(fallback.split()) in flat
    # and the categories add up to the total
    fp = result.footprint
    assert sum(fp.by_category().values()) == pytest.approx(fp.total)


def _toml_blocks():
    import re

    for page in sorted((ROOT / "docs").glob("*.md")):
        for number, block in enumerate(re.findall(r"```toml\n(.*?)```", page.read_text(), re.S)):
            if "schema_version" in block:
                yield pytest.param(page.name, block, id=f"{page.stem}-{number}")


@pytest.mark.parametrize(("page", "block"), list(_toml_blocks()))
def test_every_recipe_shown_in_the_docs_is_valid(page, block):
    from lca.inventory import build_inventory
    from lca.recipe import parse_recipe

    build_inventory(parse_recipe(block, source=page))


def test_the_docs_example_shows_a_flow_stream_and_a_staged_batch_step():
    recipe = tomllib.loads((ROOT / "docs" / "examples" / "annotated-route.toml").read_text())
    steps = {s["id"]: s for s in recipe["steps"]}
    flow = [s for s in steps.values() if s.get("mode") == "continuous"]
    assert any(
        len(i.get("solutes", [])) > 1 and i["material"] == "water"
        for s in flow
        for i in s["inputs"]
    )
    batch = [s for s in steps.values() if s.get("mode", "batch") == "batch"]
    assert any({i.get("stage") for i in s["inputs"]} >= {"workup", "purification"} for s in batch)
