"""The ``lca`` command: exit codes, where data and messages go, formats, examples."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from lca.cli import app

EXAMPLE = ROOT / "processes" / "paracetamol-linear.toml"
runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_help_and_version():
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("validate", "assess", "examples", "schema"):
        assert command in result.stdout
    version = invoke("--version")
    assert version.exit_code == 0
    assert version.stdout.startswith("greenroute ")


def test_validate_ok_goes_to_stdout():
    result = invoke("validate", EXAMPLE)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"ok: {EXAMPLE}")
    assert result.stderr == ""


def test_assess_table_shows_the_metrics():
    result = invoke("assess", EXAMPLE)
    assert result.exit_code == 0, result.output
    for text in ("PMI (cumulative)", "Complete E-factor", "nitration", "hydrogenation", "phenol"):
        assert text in result.stdout


def test_assess_json_is_parseable_and_stable():
    result = invoke("assess", EXAMPLE, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["format"] == "greenroute.assessment"
    assert data["format_version"] == 1
    assert set(data) >= {"route", "basis", "metrics", "steps", "inventory", "warnings"}
    assert data["metrics"]["pmi"]["unit"] == "kg/kg"
    assert [s["id"] for s in data["steps"]] == ["nitration", "hydrogenation", "acetylation"]


def test_assess_csv_is_the_long_table():
    result = invoke("assess", EXAMPLE, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["route", "scope", "metric", "value", "unit", "note"]
    pmi = [r for r in rows if r["scope"] == "route" and r["metric"] == "pmi"]
    assert len(pmi) == 1 and float(pmi[0]["value"]) > 1


def test_missing_file_is_one_line_exit_1_no_traceback(tmp_path):
    result = invoke("assess", tmp_path / "nope.toml")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.toml'}: no such file"
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_bad_format_option_is_a_usage_error():
    result = invoke("assess", EXAMPLE, "--format", "xml")
    assert result.exit_code == 2


def test_debug_shows_the_traceback(tmp_path):
    result = invoke("--debug", "assess", tmp_path / "nope.toml")
    assert result.exit_code != 0
    assert type(result.exception).__name__ == "RecipeError"


def test_examples_list_and_copy_never_overwrite(tmp_path):
    listing = invoke("examples", "list")
    assert listing.exit_code == 0
    names = [line.split()[0] for line in listing.stdout.splitlines()]
    assert "paracetamol-linear" in names and len(names) >= 3

    copied = invoke("examples", "copy", "paracetamol-linear", tmp_path)
    assert copied.exit_code == 0
    target = tmp_path / "paracetamol-linear.toml"
    assert target.read_text() == EXAMPLE.read_text()

    target.write_text("my edits")
    again = invoke("examples", "copy", "paracetamol-linear", tmp_path)
    assert again.exit_code == 1
    assert "already exists; pass --force" in again.stderr
    assert target.read_text() == "my edits"

    forced = invoke("examples", "copy", "paracetamol-linear", tmp_path, "--force")
    assert forced.exit_code == 0
    assert target.read_text() == EXAMPLE.read_text()


def test_examples_copy_unknown_name(tmp_path):
    result = invoke("examples", "copy", "aspirin", tmp_path)
    assert result.exit_code == 1
    assert "no bundled example named 'aspirin'" in result.stderr


def test_schema_matches_the_documented_file():
    result = invoke("schema")
    assert result.exit_code == 0
    documented = json.loads((ROOT / "docs" / "recipe.schema.json").read_text())
    assert json.loads(result.stdout) == documented, "run: lca schema > docs/recipe.schema.json"


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "lca", "--version"],
        [sys.executable, str(ROOT / "cli.py"), "--version"],
    ],
)
def test_module_and_checkout_entry_points(command):
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("greenroute ")
