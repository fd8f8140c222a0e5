"""The ``lca`` command: exit codes, where data and messages go, formats, examples."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from lca.assessment import assess
from lca.cli import app
from lca.reporting.labels import format_number

EXAMPLE = ROOT / "processes" / "paracetamol-linear.toml"
runner = CliRunner()


def invoke(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)


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


def test_the_mode_what_ifs_are_computed_for_the_outputs_that_show_them(monkeypatch):
    # the table and the JSON show what each operating-mode feature adds; the CSV (the long table
    # of metrics) does not, and is the same without them
    import lca.assessment

    recipe = ROOT / "processes" / "lidocaine-batch.toml"
    calls = []
    real = lca.assessment.mode_effects
    monkeypatch.setattr(
        lca.assessment, "mode_effects", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    shown = {}
    for output in ("table", "json", "csv"):
        calls.clear()
        result = invoke("assess", recipe, "--format", output)
        assert result.exit_code == 0, result.output
        shown[output] = bool(calls)
    assert shown == {"table": True, "json": True, "csv": False}
    assert "From the operating mode" in invoke("assess", recipe).stdout
    from lca.reporting.safe import csv_frame

    with_effects = csv_frame(assess(recipe, with_mode_effects=True).to_frame())
    expected = with_effects.to_csv(index=False, lineterminator="\n")
    assert invoke("assess", recipe, "--format", "csv").stdout == expected


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


def test_assess_strict_names_every_uncovered_flow_and_exits_1():
    result = invoke("assess", ROOT / "processes" / "lidocaine-solvent-recovery.toml", "--strict")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert all(line.startswith("error: ") and "--strict: step '" in line for line in lines)
    # no open factor exists for the treatment of incinerated waste (its CO2 is computed)
    assert any("waste treatment 'spent toluene to incineration'" in line for line in lines)
    assert "Traceback" not in result.output


def test_assess_with_a_user_factor_library_fills_a_gap(tmp_path):
    mine = tmp_path / "my-factors.csv"
    mine.write_text(
        "key,name,value,unit,region,year,scope,source,licence,data_quality,uncertainty,notes\n"
        "material:toluene,Toluene (our supplier's EPD),1.1,kg CO2e / kg,GLO,2025,"
        "cradle-to-gate,Supplier EPD 2025,proprietary,primary,,\n"
        "waste:incineration,Our incinerator (treatment only),0.05,kg CO2e / kg,GLO,2025,"
        "treatment,Waste contractor 2025,proprietary,primary,,\n"
    )
    example = ROOT / "processes" / "lidocaine-solvent-recovery.toml"
    before = json.loads(invoke("assess", example, "--format", "json").stdout)
    after = json.loads(invoke("assess", example, "--format", "json", "--factors", mine).stdout)
    gap = "spent toluene to incineration"
    assert gap in [g["flow"] for g in before["footprint"]["gaps"]]
    assert gap not in [g["flow"] for g in after["footprint"]["gaps"]]
    # the user's factor wins over the bundled (computed, USLCI) toluene, and says so
    rows = [r for r in after["footprint"]["provenance"] if r["flow"] == "toluene"]
    assert {r["library"] for r in rows} == {"my-factors"}
    assert {r["tier"] for r in rows} == {"user"}
    assert {r["category"] for r in rows} == {"materials", "credits"}  # credit for recovery
    tiers = after["footprint"]["coverage"]["mass_by_tier"]
    computed_before = before["footprint"]["coverage"]["mass_by_tier"]["computed"]
    assert tiers["user"] > 0 and tiers["computed"] < computed_before


def test_bad_user_library_is_one_line_per_problem(tmp_path):
    mine = tmp_path / "bad.csv"
    mine.write_text(
        "key,name,value,unit,region,year,scope,source,licence,data_quality,uncertainty,notes\n"
        "material:toluene,T,1.1,kg CO2e / gallon of joy,GLO,2025,,S,L,primary,,\n"
    )
    result = invoke("assess", EXAMPLE, "--factors", mine)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {mine}:2: cannot read unit")
    assert len(result.stderr.strip().splitlines()) == 1


def test_factors_commands():
    listing = invoke("factors", "list", "--key", "energy:electricity")
    assert listing.exit_code == 0
    assert all(line.startswith("energy:electricity") for line in listing.stdout.splitlines())
    shown = invoke("factors", "show", "energy:electricity", "--region", "GB")
    assert shown.exit_code == 0
    assert "0.2454 kg CO2e per kWh" in shown.stdout and "[desnz-2025]" in shown.stdout
    libraries = invoke("factors", "show")
    assert (
        "attribution: Contains public sector information licensed under the Open Government"
        in libraries.stdout
    )
    assert invoke("factors", "search", "palladium").exit_code == 0
    missing = invoke("factors", "show", "material:unobtainium")
    assert missing.exit_code == 1 and "no factor 'material:unobtainium'" in missing.stderr


def test_report_writes_both_files_and_says_where(tmp_path):
    xlsx, html = tmp_path / "r.xlsx", tmp_path / "r.html"
    flagship = [ROOT / "processes" / f"lidocaine-{m}.toml" for m in ("batch", "flow")]
    result = invoke("report", *flagship, "--xlsx", xlsx, "--html", html)
    assert result.exit_code == 0, result.output
    assert f"wrote {xlsx}" in result.stdout and f"wrote {html}" in result.stdout
    assert "assessing 2 route(s)" in result.stderr  # progress goes to stderr
    assert xlsx.stat().st_size > 0 and html.read_text().startswith("<!DOCTYPE html>")
    again = invoke("report", *flagship, "--xlsx", xlsx)
    assert again.exit_code == 1 and "already exists; pass --force" in again.stderr
    nothing = invoke("report", *flagship)
    assert nothing.exit_code == 1 and "give --xlsx FILE and/or --html FILE" in nothing.stderr


FLAGSHIP = [ROOT / "processes" / f"lidocaine-{m}.toml" for m in ("batch", "flow", "modular")]


def test_compare_monte_carlo_json_and_table():
    result = invoke("compare", *FLAGSHIP, "--mc", "2000", "--seed", "1", "--format", "json")
    assert result.exit_code == 0, result.output
    mc = json.loads(result.stdout)["monte_carlo"]
    assert mc["n"] == 2000 and mc["seed"] == 1 and len(mc["routes"]) == 3
    p = mc["metrics"]["carbon_footprint"]["probability_lower"]
    assert p[2][1] + p[1][2] == pytest.approx(1.0)  # no ties between different routes
    table = invoke("compare", *FLAGSHIP[:2], "--mc", "500")
    assert "P(row lower than column)" in table.stdout


def test_sweep_writes_csv_parquet_and_a_plot(tmp_path):
    import pandas as pd

    csv_path, parquet, plot = tmp_path / "s.csv", tmp_path / "s.parquet", tmp_path / "s.html"
    args = [
        "sweep",
        FLAGSHIP[1],
        "--vary",
        "amination.product.yield=0.7:0.95:6",
        "--vary",
        "amination.inputs.toluene.recovered=0.5:0.95:4",
    ]
    result = invoke(*args, "--out", csv_path, "--plot", plot)
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(csv_path)
    assert len(frame) == 24 and {"pmi", "carbon_footprint"} <= set(frame.columns)
    # PMI falls as the amination yield rises, at every recovery
    for _, group in frame.groupby("amination.inputs.toluene.recovered"):
        assert group.sort_values("amination.product.yield")["pmi"].is_monotonic_decreasing
    assert "<html" in plot.read_text()[:500].lower()
    assert invoke(*args, "--out", parquet).exit_code == 0
    assert pd.read_parquet(parquet).equals(frame)
    again = invoke(*args, "--out", csv_path)
    assert again.exit_code == 1 and "already exists" in again.stderr
    bad = invoke("sweep", FLAGSHIP[1], "--vary", "amination.yield=0.7-0.9")
    assert bad.exit_code == 1 and "write PATH=START:STOP:N" in bad.stderr
    unknown = invoke("sweep", FLAGSHIP[1], "--vary", "amination.yeld=0.7:0.9:3")
    assert unknown.exit_code == 1 and "is not a parameter of this recipe" in unknown.stderr


def test_parameters_and_sensitivity_commands():
    listing = invoke("parameters", FLAGSHIP[1])
    assert listing.exit_code == 0
    assert "amination.product.yield" in listing.stdout and "triangular" in listing.stdout
    ranked = invoke("sensitivity", FLAGSHIP[1], "--n", "500", env={"COLUMNS": "120"})
    assert ranked.exit_code == 0
    lines = ranked.stdout.splitlines()
    # the metric, its unit and its base value (the assessment's footprint) come first
    base = assess(FLAGSHIP[1], with_mode_effects=False).value("carbon_footprint")
    assert lines[0].startswith(
        f"Carbon footprint (net of credits) [kg CO2e/kg]: base value {format_number(base)}"
    )
    header = next(i for i, line in enumerate(lines) if "S1 [95 % CI]" in line)
    assert "S1 [95 % CI]" in lines[header] and "ST [95 % CI]" in lines[header]
    rows = lines[header + 1 :]
    # recipe parameters and factor streams (diethylamine: its estimated factor), in words,
    # ranked by swing
    assert any(row.startswith("amination: yield ") for row in rows)
    assert any(row.startswith("factor: material: diethylamine (US)") for row in rows)
    assert not any(row.startswith(("amination.", "factor:material")) for row in rows)
    # the swing: the figure before the first index and its interval
    swings = [float(re.search(r"(\S+)\s+-?[\d.]+ \[", row).group(1)) for row in rows if row.strip()]
    assert swings == sorted(swings, reverse=True)
    for row in rows:  # each index inside its interval
        first, low, high = (
            float(v) for v in re.findall(r"(-?[\d.]+) \[(-?[\d.]+), (-?[\d.]+)\]", row)[0]
        )
        assert low - 0.005 <= first <= high + 0.005, row


def test_sensitivity_and_sweep_plots_are_small_and_share_plotly_js(tmp_path):
    tornado = tmp_path / "tornado.html"
    result = invoke("sensitivity", FLAGSHIP[1], "--n", "200", "--plot", tornado)
    assert result.exit_code == 0, result.output
    plots = [tmp_path / f"sweep-{i}.html" for i in range(3)]
    for i, plot in enumerate(plots):
        vary = ["--vary", f"amination.product.yield=0.7:0.95:{4 + i}",
                "--vary", "amination.inputs.toluene.recovered=0.5:0.95:4"]  # fmt: skip
        assert invoke("sweep", FLAGSHIP[1], *vary, "--plot", plot).exit_code == 0
    shared = tmp_path / "plotly.min.js"
    assert shared.is_file() and shared.stat().st_size > 3_000_000  # plotly.js, once
    for plot in [tornado, *plots]:
        text = plot.read_text(encoding="utf-8")
        assert plot.stat().st_size < 1_000_000, plot
        assert re.search(r'<script[^>]* src="plotly.min.js"', text)  # the shared copy, offline
    sweep = plots[0].read_text(encoding="utf-8")
    # axis titles in words with units, a sequential palette
    assert "amination: yield" in sweep and "amination: toluene recovered fraction" in sweep
    assert "amination.product.yield" not in sweep.split("Plotly.newPlot")[1].split('"title"')[1]
    assert "#440154" in sweep  # Viridis starts at this dark purple
    assert "base 36.9" in tornado.read_text(encoding="utf-8")
    refused = invoke("sensitivity", FLAGSHIP[1], "--n", "200", "--plot", tmp_path / "t.png")
    assert refused.exit_code == 1 and "written as .html" in refused.stderr


def test_validate_checks_uncertainty_tables(write_recipe):
    text = (ROOT / "processes" / "paracetamol-linear.toml").read_text() + (
        '\n[[uncertainty]]\nparameter = "nitration.yeild"\ndistribution = "uniform"\n'
        "min = 0.3\nmax = 0.5\n"
    )
    result = invoke("validate", write_recipe(text))
    assert result.exit_code == 1
    assert "uncertainty[0] (nitration.yeild): 'nitration.yeild' is not a parameter" in (
        result.stderr
    )


def test_brightway_folder_that_does_not_exist_is_a_clear_error(tmp_path):
    # bw2data refuses a BRIGHTWAY2_DIR that is not a folder; the CLI says so in one line
    missing = tmp_path / "no-such-folder"
    env = {
        "BRIGHTWAY2_DIR": str(missing),
        "XDG_DATA_HOME": str(tmp_path),
        "XDG_STATE_HOME": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "lca", "brightway", "export", str(EXAMPLE), "--project", "p"],
        capture_output=True,
        text=True,
        check=False,
        env={**__import__("os").environ, **env},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "Brightway could not start" in result.stderr and str(missing) in result.stderr
