"""Outputs are safe to read (issue 16, items 3, 9, 10 and the 20-route compare).

- terminal: escape and control sequences in route, step or material names never reach the
  terminal raw (window title, hyperlinks, screen clear, bidirectional overrides);
- CSV: text cells starting with = + - @ (tab, CR) are neutralised as in the Excel writer;
- JSON: always valid JSON, never a bare NaN or Infinity;
- a comparison of 20 routes is readable at 100 columns (golden file).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from test_broken_recipes import GOOD_RECIPE
from typer.testing import CliRunner

from lca.cli import app
from lca.reporting.safe import csv_cell, markdown_cell, printable, to_json

GOLDEN = ROOT / "tests" / "golden"
# window title (OSC 0), hyperlink (OSC 8), clear screen (CSI 2J), 8-bit CSI, carriage return,
# right-to-left override
HOSTILE = (
    "\x1b]0;pwned\x07Evil\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\\x1b[2J\x9b31m"
    "\rspoof\u202etxt.exe"
)
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def no_raw_control(text: str) -> bool:
    return RAW.search(text) is None


def reject_constant(name: str):
    raise ValueError(f"bare {name} in JSON output")


def hostile_recipe(tmp_path: Path, name: str = HOSTILE, source: str = "ILLUSTRATIVE") -> Path:
    text = GOOD_RECIPE.replace(
        'name = "N-Benzylacetamide, one-step acetylation (batch)"',
        f"name = {json.dumps(name)}",
    ).replace(
        'source = "Quantities are ILLUSTRATIVE, chosen for the greenroute test suite."',
        f"source = {json.dumps(source)}",
    )
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return path


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def invoke_on(path: Path, command: tuple[str, ...]):
    """``lca COMMAND path ...``, ``{good}`` standing for a well-behaved recipe beside it."""
    good = path.with_name("good.toml")
    good.write_text(GOOD_RECIPE, encoding="utf-8")
    return invoke(command[0], path, *(str(good) if c == "{good}" else c for c in command[1:]))


def test_printable_shows_control_characters_and_keeps_text():
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("\u202eexe.txt") == "\\u202eexe.txt"
    assert printable("x\x9by") == "x\\x9by"
    assert printable("line\nnext\tcell é – CO₂") == "line\nnext\tcell é – CO₂"


@pytest.mark.parametrize(
    "command",
    [
        ("validate",),
        ("assess",),
        ("assess", "--format", "csv"),
        ("assess", "--format", "json"),
        ("compare", "{good}"),
        ("compare", "{good}", "--format", "markdown"),
        ("compare", "{good}", "--format", "csv"),
        ("compare", "{good}", "--format", "json"),
    ],
)
def test_no_escape_sequence_reaches_any_output(tmp_path, command):
    result = invoke_on(hostile_recipe(tmp_path, source=HOSTILE), command)
    assert result.exit_code == 0, result.output
    assert no_raw_control(result.stdout), repr(result.stdout[:400])
    assert no_raw_control(result.stderr), repr(result.stderr[:400])
    if "json" not in command and "csv" not in command:
        assert "x1b" in result.stdout and "pwned" in result.stdout  # shown, as text
    if "json" in command:
        data = json.loads(result.stdout, parse_constant=reject_constant)
        routes = [data] if "route" in data else data["routes"]
        names = [r["route"]["name"] for r in routes]
        assert HOSTILE in names  # the same string to a JSON reader


@pytest.mark.parametrize("command", [("assess",), ("compare", "{good}")])
def test_emoji_codes_in_names_stay_text(tmp_path, command):
    # rich draws ':fire:' as an emoji unless told not to: a name is shown as written
    result = invoke_on(hostile_recipe(tmp_path, name="Route :fire: with :warning: codes"), command)
    assert result.exit_code == 0, result.output
    assert ":fire:" in result.stdout and ":warning:" in result.stdout
    assert "\N{FIRE}" not in result.stdout and "\N{WARNING SIGN}" not in result.stdout


def test_error_lines_are_printable_too(tmp_path):
    path = hostile_recipe(tmp_path)
    # TOML refuses a raw ESC in a string but reads the escape \u001b as one
    broken = path.read_text(encoding="utf-8").replace('"5.0 kg"', '"5.0 \\u001b[2Jkg"')
    path.write_text(broken, encoding="utf-8")
    result = invoke("validate", path)
    assert result.exit_code == 1
    assert no_raw_control(result.stderr) and "\\x1b[2J" in result.stderr


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil\")", "+1+2", "-2+3", "@SUM(A1)",
                                  "\tcmd", "\r=1"])  # fmt: skip
def test_csv_cells_that_would_be_formulas_are_neutralised(tmp_path, name):
    path = hostile_recipe(tmp_path, name=name)
    for command in (("assess", path, "--format", "csv"), ("compare", path, "--format", "csv")):
        result = invoke(*command)
        assert result.exit_code == 0, result.output
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert rows and all(row["route"] == "'" + printable(name) for row in rows)
        # numbers stay numbers: a negative delta is not text
        assert all(not row["value"].startswith("'") for row in rows)


def test_csv_cell_and_markdown_cell():
    assert csv_cell("=1+1") == "'=1+1" and csv_cell(-1.5) == -1.5 and csv_cell("a-b") == "a-b"
    assert markdown_cell("a|b [x](http://e) <b>") == "a\\|b \\[x\\](http://e) &lt;b&gt;"


def test_json_is_always_valid():
    document = {
        "a": math.nan,
        "b": [1.0, math.inf, {"c": -math.inf}],
        "d": np.float64("nan"),
        "e": "x\x9by\u202e",
        "f": 2.5,
    }
    text = to_json(document)
    data = json.loads(text, parse_constant=reject_constant)
    assert data["a"] is None and data["b"] == [1.0, None, {"c": None}] and data["d"] is None
    assert data["f"] == 2.5 and data["e"] == "x\x9by\u202e"
    assert data["non_finite"]["paths"] == ["a", "b[1]", "b[2].c", "d"]
    assert "\\u009b" in text and "\\u202e" in text  # inert on a terminal
    assert "non_finite" not in json.loads(to_json({"x": 1.0}))


@pytest.mark.parametrize("path", sorted((ROOT / "processes").glob("*.toml")), ids=lambda p: p.stem)
def test_assess_json_of_every_example_is_strict_json(path):
    result = invoke("assess", path, "--format", "json")
    assert result.exit_code == 0
    json.loads(result.stdout, parse_constant=reject_constant)


# -- a comparison of many routes at 100 columns ------------------------------------------------


class FixedComparison:
    """The interface print_comparison reads, with fixed numbers: the golden file pins the
    layout, not the footprint model (which has its own golden files)."""

    metrics = (
        ("pmi", "kg/kg"),
        ("pmi_solvents", "kg/kg"),
        ("complete_e_factor", "kg/kg"),
        ("carbon_footprint", "kg CO2e/kg"),
        ("footprint:energy", "kg CO2e/kg"),
        ("coverage_mass", "%"),
        ("pmi_from:cleaning_per_batch", "kg/kg"),
    )

    def __init__(self, routes: int):
        self.labels = tuple(f"Route {i:02d}, {'batch' if i % 2 else 'flow'}" for i in range(1, 21))
        self.labels = self.labels[:routes]
        self.baseline = self.labels[0]
        self.gwp_basis = "IPCC AR6 GWP100"
        self.assessments = [type("A", (), {"mode_effects": ()})() for _ in self.labels]

    def route_metrics(self):
        return self.metrics

    def value(self, label, metric):
        i, m = self.labels.index(label), [n for n, _ in self.metrics].index(metric)
        return round(10.0 + 7.3 * m + 1.7 * i - 0.01 * i * i, 4) * (100 if m == 5 else 1)

    def delta(self, label, metric):
        return self.value(label, metric) - self.value(self.baseline, metric)

    def drivers(self, label):
        return []

    def robustness(self):
        return []


def render(comparison, monkeypatch, columns: int) -> str:
    from lca.reporting.terminal import print_comparison

    monkeypatch.setenv("COLUMNS", str(columns))
    buffer = io.StringIO()
    monkeypatch.setattr("sys.stdout", buffer)
    print_comparison(comparison)
    return buffer.getvalue()


def test_twenty_routes_at_100_columns_golden(monkeypatch):
    """Was: every cell cut to '5…' and route 20 hidden. Now: one row per route, metrics in
    pages that fit 100 columns."""
    text = render(FixedComparison(20), monkeypatch, 100)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert "…" not in text
    assert all(f"{i}. Route {i:02d}" in text for i in range(1, 21))
    assert text == (GOLDEN / "compare-20-routes-100-columns.txt").read_text(encoding="utf-8")


def test_a_few_routes_stay_side_by_side(monkeypatch):
    text = render(FixedComparison(3), monkeypatch, 120)
    assert "one row per route" not in text
    # the routes named above the table, numbered; the columns headed by their number
    assert "1. Route 01, batch (baseline)\n2. Route 02, flow\n3. Route 03, batch\n" in text
    header = next(line for line in text.splitlines() if "metric" in line)
    assert header.split()[-3:] == ["1", "2", "3"]


def test_twenty_real_routes_fit_without_cutting(tmp_path):
    paths = []
    for i in range(20):
        source = sorted((ROOT / "processes").glob("lidocaine-*.toml"))[i % 4]
        text = source.read_text(encoding="utf-8")
        text = re.sub(r'(?m)^name = ".*"$', f'name = "Route {i + 1:02d}"', text, count=1)
        paths.append(tmp_path / f"r{i:02d}.toml")
        paths[-1].write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["compare", *map(str, paths)], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    assert "…" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 100
    assert all(f"{i}. Route {i:02d}" in result.stdout for i in range(1, 21))


LIDOCAINE = [ROOT / "processes" / f"lidocaine-{mode}.toml" for mode in ("batch", "flow", "modular")]


def test_the_lidocaine_comparison_at_100_columns_golden():
    """What `lca compare` prints for the three lidocaine routes, piped at COLUMNS=100: the
    answer first, then the routes side by side (numbered columns), labels never keys, parts
    indented under their figure, counts as integers. Compared by content with the golden file
    (regenerate with GREENROUTE_UPDATE_GOLDEN=1 and review the diff)."""
    result = CliRunner().invoke(app, ["compare", *map(str, LIDOCAINE)], env={"COLUMNS": "100"})
    assert result.exit_code == 0
    text = result.stdout
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[0].startswith("▸ PMI: Lidocaine, continuous flow in a modular facility is lower")
    assert "one row per route" not in text  # three routes stay side by side at 100 columns
    for key in (r"pmi_", r"footprint:\w", r"coverage_mass", r"energy_from", r"energy:\w"):
        assert not re.search(key, text), key
    flows = next(line for line in lines if line.startswith(" Flows without a factor"))
    assert flows.split()[-5:] == ["7", "5", "(−2)", "6", "(−1)"]  # integers, not 7.00
    assert "   solvents " in text  # a part of the PMI, indented under it
    golden = GOLDEN / "compare-lidocaine-100-columns.txt"
    if os.environ.get("GREENROUTE_UPDATE_GOLDEN") == "1":
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
