"""Route comparison: the flagship batch / flow / modular example, deltas, drivers, formats."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from lca.cli import app
from lca.comparison import compare
from lca.errors import RecipeError

FLAGSHIP = [ROOT / "processes" / f"lidocaine-{mode}.toml" for mode in ("batch", "flow", "modular")]
runner = CliRunner()


@pytest.fixture(scope="module")
def flagship():
    return compare(FLAGSHIP)


def test_deltas_are_differences_from_the_baseline(flagship):
    assert flagship.baseline == flagship.labels[0]
    for label in flagship.labels:
        for metric in ("pmi", "carbon_footprint", "footprint:energy"):
            expected = flagship.value(label, metric) - flagship.value(flagship.baseline, metric)
            assert flagship.delta(label, metric) == pytest.approx(expected)
    assert flagship.delta(flagship.baseline, "pmi") == 0


def test_drivers_explain_the_difference(flagship):
    flow = flagship.labels[1]
    drivers = flagship.drivers(flow)
    assert {d["kind"] for d in drivers} == {"mass", "footprint"}
    # every driver is a real difference of that flow between the two routes
    for row in drivers:
        assert row["delta"] == pytest.approx(row["route"] - row["baseline"])
    # drivers are ranked by size within a kind
    mass = [abs(d["delta"]) for d in drivers if d["kind"] == "mass"]
    assert mass == sorted(mass, reverse=True)
    # the batch-only cleaning between batches shows up as a driver of the mass difference
    assert any("cleaning per batch" in d["flow"] for d in drivers)


def test_mode_features_are_explained_for_each_route(flagship):
    features = {
        label: {e.feature for e in flagship[label].mode_effects} for label in flagship.labels
    }
    assert {"failed batches", "cleaning and flushes", "facility overheads"} <= features[
        flagship.labels[0]
    ]
    assert "start-up diversion" in features[flagship.labels[1]]
    assert "start-up diversion" not in features[flagship.labels[0]]
    batch = flagship[flagship.labels[0]]
    cleaning = next(e for e in batch.mode_effects if e.feature == "cleaning and flushes")
    assert cleaning.pmi > 0


def test_baseline_by_name_file_or_position_and_errors():
    by_stem = compare(FLAGSHIP, baseline="lidocaine-flow")
    by_position = compare(FLAGSHIP, baseline=2)
    assert by_stem.baseline == by_position.baseline == by_stem.labels[1]
    with pytest.raises(RecipeError, match="--baseline 'nope' is not one of the routes"):
        compare(FLAGSHIP, baseline="nope")


def test_same_route_twice_has_zero_deltas_and_distinct_labels():
    twice = compare([FLAGSHIP[0], FLAGSHIP[0]])
    assert len(set(twice.labels)) == 2
    for metric, _ in twice.route_metrics():
        delta = twice.delta(twice.labels[1], metric)
        assert delta is None or delta == 0


@pytest.mark.parametrize("output", ["table", "json", "csv", "markdown"])
def test_cli_compare_formats(output):
    result = runner.invoke(app, ["compare", *map(str, FLAGSHIP), "--format", output])
    assert result.exit_code == 0, result.output
    if output == "json":
        data = json.loads(result.stdout)
        assert data["format"] == "greenroute.comparison"
        assert len(data["routes"]) == 3
        pmi = next(row for row in data["table"] if row["metric"] == "pmi")
        assert set(pmi["values"]) == set(pmi["deltas"])
    elif output == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert {"route", "metric", "value", "delta"} <= set(rows[0])
    elif output == "markdown":
        assert result.stdout.startswith("Baseline: **")
        assert "| PMI (cumulative) | kg/kg |" in result.stdout
    else:
        assert "What drives" in result.stdout
    # whether the footprint ranking could flip is said inside the output, in every format; every
    # material of the lidocaine routes has a tier 1-3 factor, so no gap can flip it
    assert "no uncovered or proxy-covered material can change that" in result.stdout


def test_cli_compare_bad_baseline_is_one_line():
    result = runner.invoke(app, ["compare", *map(str, FLAGSHIP), "--baseline", "xyz"])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "--baseline 'xyz'" in result.stderr


def test_break_even_of_proxy_covered_materials_without_the_estimated_tier():
    """Without the estimated tier the lidocaine amines and acylating agent fall to class
    proxies: the statement gives the break-even average of those materials, hand-computed."""
    from lca.factors import load_factor_set

    factors = load_factor_set(exclude_tiers=("estimated",))
    comparison = compare(FLAGSHIP[:2], factors=factors)
    (row,) = comparison.robustness()
    batch, flow = (a.footprint for a in comparison.assessments)
    low, high = sorted((batch, flow), key=lambda fp: fp.total)
    uncertain = ("uncovered", "proxy")
    m_low = low.uncertain_mass(uncertain)
    # L stays lower unless its uncertain materials average more than (F_H - F'_L) / m_L
    x_low = (high.total - low.total_without(("proxy",))) / m_low
    assert m_low > 0
    assert f"average more than {x_low:.3g} kg CO2e/kg" in row["statement"]
    assert "stays lower unless" in row["statement"]
