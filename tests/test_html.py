"""plotly figures and the self-contained HTML report.

Figures are compared by content with golden files (``fig.to_dict()["data"]``: trace types,
values to 1e-9, labels, colours). After a deliberate change regenerate them with
``GREENROUTE_UPDATE_GOLDEN=1 pytest tests/test_html.py`` and review the diff.

The browser test opens the report in headless Chromium and leaves a screenshot and the page in
``tests/artifacts/`` for a person (or CI) to look at.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import tempfile

import numpy as np
import pytest
from conftest import ROOT, require_tool

from lca.assessment import assess
from lca.comparison import compare
from lca.errors import OutputError
from lca.reporting import charts, compare_charts, sankey
from lca.reporting.html import render_html, write_html
from lca.resources import example_paths

GOLDEN = ROOT / "tests" / "golden"
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGSHIP = [ROOT / "processes" / f"lidocaine-{mode}.toml" for mode in ("batch", "flow", "modular")]
ATTACK = "<script>alert(1)</script>"
TOLUENE_FACTOR = (
    "key,name,value,unit,region,year,scope,source,licence,data_quality,uncertainty,notes\n"
    "material:toluene,Toluene (test),1.1,kg CO2e / kg,GLO,2025,cradle-to-gate,test source,"
    "CC0,primary,,\n"
)


@pytest.fixture(scope="module")
def flagship():
    return compare(FLAGSHIP)


@pytest.fixture(scope="module")
def examples():
    return {path.stem: assess(path, with_mode_effects=False) for path in example_paths()}


@pytest.fixture
def hostile(tmp_path):
    """The flow route with markup in its name, description, notes, a step name and step notes."""
    text = (ROOT / "processes" / "lidocaine-flow.toml").read_text(encoding="utf-8")
    text = text.replace(
        'name = "Lidocaine, continuous flow (stick-built plant)"',
        f'name = "Flow & {ATTACK}"\nnotes = "route notes {ATTACK}"',
    )
    text = text.replace(
        'description = "Two flow steps',
        f'description = "{ATTACK} Two flow steps',
    )
    text = text.replace(
        'name = "Acylation in flow: amine solution and neat acid chloride through a cooled coil"',
        f'name = "Acylation {ATTACK}"\nnotes = "step notes {ATTACK}"',
    )
    path = tmp_path / "hostile.toml"
    path.write_text(text, encoding="utf-8")
    return compare([ROOT / "processes" / "lidocaine-batch.toml", path])


# -- golden figure data ---------------------------------------------------------------------


def plain_data(value):
    """``fig.to_dict()`` with tuples and arrays as lists and plotly's base64 arrays decoded."""
    if isinstance(value, dict):
        if set(value) >= {"dtype", "bdata"}:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
            if "shape" in value:
                array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
            return array.tolist()
        return {key: plain_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain_data(item) for item in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def assert_same(actual, expected, where="data"):
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        assert set(actual) == set(expected), f"{where}: keys {set(actual) ^ set(expected)}"
        for key in expected:
            assert_same(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), where
        assert len(actual) == len(expected), f"{where}: length"
        for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_same(a, e, f"{where}[{index}]")
    elif isinstance(expected, float) and not isinstance(expected, bool):
        assert actual == pytest.approx(expected, rel=1e-9, abs=1e-12), where
    else:
        assert actual == expected, where


def check_golden(name: str, actual: dict):
    path = GOLDEN / f"charts-{name}.json"
    if os.environ.get("GREENROUTE_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert_same(actual, expected, name)


@pytest.mark.parametrize(
    "function",
    [
        charts.footprint_by_category, charts.pmi_breakdown, charts.comparison_deltas,
        compare_charts.indexed, compare_charts.top_contributions,
    ],
    ids=lambda f: f.__name__,
)  # fmt: skip
def test_comparison_figure_matches_golden(flagship, function):
    check_golden(function.__name__, plain_data(function(flagship).to_dict()["data"]))


@pytest.mark.parametrize(
    "function",
    [
        charts.footprint_by_step, charts.pmi_by_step, sankey.sankey, sankey.co2e_sankey,
        compare_charts.pareto,
    ],
    ids=lambda f: f.__name__,
)  # fmt: skip
def test_route_figure_matches_golden(flagship, function):
    actual = {
        path.stem: plain_data(function(assessment).to_dict()["data"])
        for path, assessment in zip(FLAGSHIP, flagship.assessments, strict=True)
    }
    check_golden(function.__name__, actual)


# -- what the figures must say, whatever the golden files hold ------------------------------


def stacked(fig) -> np.ndarray:
    """Sum of the bar traces at each x position."""
    bars = [trace for trace in fig.data if trace.type == "bar"]
    return np.sum([[0.0 if v is None else v for v in trace.y] for trace in bars], axis=0)


def test_footprint_categories_add_up_to_each_route_total(flagship):
    fig = charts.footprint_by_category(flagship)
    totals = [a.footprint.total for a in flagship.assessments]
    np.testing.assert_allclose(stacked(fig), totals, rtol=1e-9)
    assert list(fig.data[0].x) == list(flagship.labels)
    net = next(trace for trace in fig.data if trace.name == "net total")
    np.testing.assert_allclose(net.y, totals, rtol=1e-12)
    assert fig.layout.barmode == "relative"  # negative credits drawn below zero


def test_credits_are_negative_bars_and_the_stack_still_adds_up(tmp_path):
    library = tmp_path / "toluene.csv"
    library.write_text(TOLUENE_FACTOR, encoding="utf-8")
    example = ROOT / "processes" / "lidocaine-solvent-recovery.toml"
    comparison = compare([example, ROOT / "processes" / "lidocaine-batch.toml"], factors=[library])
    fig = charts.footprint_by_category(comparison)
    credits = next(trace for trace in fig.data if trace.name == "credits")
    assert credits.y[0] < 0
    assert credits.marker.color == charts.CATEGORY_COLOURS["credits"]
    np.testing.assert_allclose(
        stacked(fig), [a.footprint.total for a in comparison.assessments], rtol=1e-9
    )


def test_pmi_groups_add_up_to_the_pmi(flagship):
    fig = charts.pmi_breakdown(flagship)
    np.testing.assert_allclose(
        stacked(fig), [a.value("pmi") for a in flagship.assessments], rtol=1e-9
    )


@pytest.mark.parametrize("stem", [p.stem for p in example_paths()])
def test_step_figures_add_up_to_the_route(examples, stem):
    assessment = examples[stem]
    by_step = charts.footprint_by_step(assessment)
    assert stacked(by_step).sum() == pytest.approx(assessment.footprint.total, rel=1e-9)
    assert list(by_step.data[0].x) == list(assessment.inventory.step_ids)
    pmi = charts.pmi_by_step(assessment)
    assert stacked(pmi).sum() == pytest.approx(assessment.value("pmi"), rel=1e-9)


def test_colours_are_the_same_for_a_category_in_every_figure(flagship):
    colours = {}
    for fig in (
        charts.footprint_by_category(flagship),
        charts.footprint_by_step(flagship.assessments[0]),
        charts.pmi_breakdown(flagship),
        charts.pmi_by_step(flagship.assessments[1]),
    ):
        for trace in fig.data:
            if trace.type == "bar":
                assert colours.setdefault(trace.name, trace.marker.color) == trace.marker.color


def sankey_balance(assessment, links=sankey.sankey_links):
    """(node identities, sources, targets, values) of a Sankey: a step's node is its id, an
    output node ``<kind> (<step>)``, the product ``product``."""
    nodes, edges = links(assessment)
    labels = [
        n["key"] if n["kind"] in ("step", "raw", "material", "energy", "category")
        else n["kind"] if n["kind"] in ("product", "net", "credits")
        else f"{n['kind']} ({n['key']})"
        for n in nodes
    ]  # fmt: skip
    sources, targets, values = (
        np.asarray([e["source"] for e in edges]),
        np.asarray([e["target"] for e in edges]),
        np.asarray([e["value"] for e in edges], dtype=float),
    )
    return labels, sources, targets, values


@pytest.mark.parametrize("stem", [p.stem for p in example_paths()])
def test_sankey_conserves_mass_at_every_step(examples, stem):
    assessment = examples[stem]
    labels, sources, targets, values = sankey_balance(assessment)
    assert (values > 0).all()
    for step in assessment.inventory.step_ids:
        node = labels.index(step)
        inflow, outflow = values[targets == node].sum(), values[sources == node].sum()
        assert inflow == pytest.approx(outflow, rel=1e-9, abs=1e-9), step
        # what goes in is what the step charges per kg of final product
        charged = assessment.value("step_pmi", step) * assessment.value("scale", step)
        assert inflow == pytest.approx(charged, rel=1e-9)
    product = labels.index("product")
    assert values[targets == product].sum() == pytest.approx(1.0, abs=1e-12)
    assert not (sources == product).any()
    # raw materials in = PMI; waste + recovered out = PMI - 1 (the route balances as a whole)
    steps = {labels.index(s) for s in assessment.inventory.step_ids}
    raw_in = values[~np.isin(sources, list(steps))].sum()
    assert raw_in == pytest.approx(assessment.value("pmi"), rel=1e-9)
    out = values[np.isin(sources, list(steps)) & ~np.isin(targets, [*steps, product])].sum()
    assert out == pytest.approx(assessment.value("pmi") - 1.0, rel=1e-9)


def test_sankey_shows_recovered_solvent_and_intermediates(examples):
    assessment = examples["lidocaine-solvent-recovery"]
    labels, sources, targets, values = sankey_balance(assessment)
    recovered = [i for i, label in enumerate(labels) if label.startswith("recovered (")]
    assert recovered
    assert recovered
    assert values[np.isin(targets, recovered)].sum() == pytest.approx(
        assessment.value("recovered_mass"), rel=1e-9
    )
    convergent = examples["benzamide-convergent"]
    labels, sources, targets, _ = sankey_balance(convergent)
    steps = {labels.index(s) for s in convergent.inventory.step_ids}
    step_to_step = [(s, t) for s, t in zip(sources, targets, strict=True) if {s, t} <= steps]
    assert len(step_to_step) >= 2  # two branches feed the coupling


def test_figures_show_markup_in_names_as_text(hostile):
    fig = charts.footprint_by_category(hostile)
    assert ATTACK not in json.dumps(plain_data(fig.to_dict()))
    assert html.escape(f"Flow & {ATTACK}", quote=False) in fig.data[0].x


def test_figures_are_not_shown_or_written(flagship, monkeypatch, tmp_path):
    import plotly.graph_objects as go

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(go.Figure, "show", lambda *a, **k: pytest.fail("a chart called show()"))
    for function in (charts.footprint_by_category, charts.pmi_breakdown, charts.comparison_deltas):
        assert isinstance(function(flagship), go.Figure)
    for function in (charts.footprint_by_step, charts.pmi_by_step, sankey.sankey,
                     sankey.co2e_sankey, compare_charts.pareto):  # fmt: skip
        assert isinstance(function(flagship.assessments[0]), go.Figure)
    assert list(tmp_path.iterdir()) == []


# -- the HTML file ---------------------------------------------------------------------------


def test_report_is_self_contained(flagship, tmp_path):
    from plotly.offline import get_plotlyjs

    path = write_html(flagship, tmp_path / "report.html")
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]*\bsrc\s*=", text, re.IGNORECASE)
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']?https?:", text, re.IGNORECASE)
    plotly_js = get_plotlyjs()
    assert text.count(plotly_js[:500]) == 1  # the library inline, once
    # indexed, top contributions, by category, PMI, deltas; per route two Sankeys, the Pareto
    # and the two by-step charts
    assert text.count('class="plotly-graph-div"') == 5 + 5 * len(flagship.labels)
    assert "cdn.plot.ly" not in text.replace(plotly_js, "")


def test_report_has_every_section_and_route(flagship, tmp_path):
    text = write_html(flagship, tmp_path / "report.html").read_text(encoding="utf-8")
    for label in flagship.labels:
        assert html.escape(label) in text
    for heading in (
        "All figures, side by side", "Comparison charts", "Mass and CO2e flows", "Mode effects",
        "Coverage and gaps", "Provenance", "Sources", "Method", "What drives the difference",
    ):  # fmt: skip
        assert f">{heading}" in text, heading
    assert "1 kg of the route's final" in text  # the declared unit, in the method statement
    assert "doi:10.1126/science.aaf1337" in text  # the flow route's literature source
    assert "material:water" in text and "Open Government Licence" in text  # provenance
    assert "no factor waste:incineration" in text  # a gap, with its reason
    for effect in flagship.assessments[0].mode_effects:
        assert html.escape(effect.description) in text
    # every lidocaine material has a tier 1-3 factor: no ranking statement warns of a flip
    assert "COULD FLIP" not in text


def test_report_says_when_the_ranking_could_flip(tmp_path):
    from lca.factors import load_factor_set

    # without the estimated tier the lidocaine amines and acyl chloride are proxy-covered
    proxied = compare(FLAGSHIP, factors=load_factor_set(exclude_tiers=("estimated",)))
    text = write_html(proxied, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "stays lower unless" in text and "COULD FLIP" in text


def test_markup_in_recipe_text_is_escaped(hostile, tmp_path):
    text = write_html(hostile, tmp_path / "report.html").read_text(encoding="utf-8")
    assert ATTACK not in text
    escaped = html.escape(ATTACK)
    for expected in (
        f"Flow &amp; {escaped}", f"route notes {escaped}", f"step notes {escaped}",
        f"Acylation {escaped}", f"{escaped} Two flow steps",
    ):  # fmt: skip
        assert expected in text, expected


def test_report_is_not_overwritten_without_force(flagship, tmp_path):
    path = tmp_path / "report.html"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputError, match="already exists"):
        write_html(flagship, path)
    assert path.read_text(encoding="utf-8") == "keep me"
    write_html(flagship, path, force=True)
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]  # no temporary file left


def test_one_route_is_a_comparison_of_one(examples, tmp_path):
    assessment = examples["paracetamol-linear"]
    text = write_html(assessment, tmp_path / "one.html").read_text(encoding="utf-8")
    assert html.escape(assessment.name) in text
    assert 'id="comparison-comparison-deltas"' not in text
    assert 'id="comparison-indexed"' not in text
    assert text.count('class="plotly-graph-div"') == 3 + 5


def test_progress_is_reported(flagship):
    messages = []
    render_html(flagship, progress=messages.append)
    assert any(flagship.labels[0] in message for message in messages)
    assert messages[-1].startswith("rendering")


def test_a_users_template_is_used_and_still_escapes(hostile, tmp_path):
    template = tmp_path / "mine.txt"  # not .html: autoescape must not depend on the name
    template.write_text(
        "<h1>{{ routes[1].name }}</h1>{% for r in summary %}{{ r.label }}={{ r.cells[0].value"
        " | num }};{% endfor %}<script>{{ plotly_js }}</script>",
        encoding="utf-8",
    )
    text = write_html(hostile, tmp_path / "out.html", template=template).read_text("utf-8")
    assert text.startswith(f"<h1>Flow &amp; {html.escape(ATTACK)}</h1>")
    assert "PMI (cumulative)=53.4;" in text


def test_template_errors_name_the_file_and_line(flagship, tmp_path):
    template = tmp_path / "broken.html.j2"
    template.write_text("<p>fine</p>\n{{ no_such_variable }}\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"broken\.html\.j2, line 2: .*no_such_variable"):
        write_html(flagship, tmp_path / "out.html", template=template)
    assert not (tmp_path / "out.html").exists()
    template.write_text("<p>fine</p>\n\n{% for route in routes %}\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"broken\.html\.j2, line \d: .*endfor"):
        write_html(flagship, tmp_path / "out.html", template=template)
    template.write_text("{{ title }}\n{{ routes[0].name | num }}\n", encoding="utf-8")
    with pytest.raises(OutputError, match=r"broken\.html\.j2, line 2: "):
        write_html(flagship, tmp_path / "out.html", template=template)
    with pytest.raises(OutputError, match="not found"):
        write_html(flagship, tmp_path / "out.html", template=tmp_path / "missing.j2")


# -- a real browser --------------------------------------------------------------------------

RENDERED = """
return Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(div => div._fullLayout && div.querySelector('svg.main-svg')).length;
"""


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium through chromedriver (skipped locally without it, failed in CI)."""
    driver_path = require_tool("chromedriver")
    browser_path = require_tool("chromium", "chromium-browser", "google-chrome")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="greenroute-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = browser_path
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", "--window-size=1280,1200",
    ):  # fmt: skip
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(60)
    driver.set_script_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_report(driver, path, figures: int) -> list[dict]:
    """Load a report, wait until every figure has drawn; return the console log."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, 60).until(lambda d: d.execute_script(RENDERED) == figures)
    assert driver.execute_script("return document.querySelectorAll('.js-plotly-plot').length") == (
        figures
    )
    return driver.get_log("browser")


def test_report_renders_in_a_real_browser(chromium, flagship):
    ARTIFACTS.mkdir(exist_ok=True)
    path = write_html(flagship, ARTIFACTS / "report.html", force=True)
    figures = path.read_text(encoding="utf-8").count('class="plotly-graph-div"')
    log = open_report(chromium, path, figures)
    severe = [entry for entry in log if entry["level"] == "SEVERE"]
    assert severe == [], severe
    assert chromium.title == "greenroute comparison: 3 routes to lidocaine"
    # Sankeys drew their nodes; bar charts drew their bars
    assert chromium.execute_script("return document.querySelectorAll('.sankey-node').length") > 0
    assert chromium.execute_script("return document.querySelectorAll('.bars .point').length") > 0
    height = chromium.execute_script("return document.documentElement.scrollHeight")
    shot = chromium.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": 1280, "height": height, "scale": 1},
        },
    )
    (ARTIFACTS / "report.png").write_bytes(base64.b64decode(shot["data"]))


def test_markup_in_a_route_name_runs_no_script_in_the_browser(chromium, hostile, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException

    path = write_html(hostile, tmp_path / "hostile.html")
    figures = path.read_text(encoding="utf-8").count('class="plotly-graph-div"')
    log = open_report(chromium, path, figures)
    with pytest.raises(NoAlertPresentException):
        chromium.switch_to.alert  # noqa: B018 (the property raises when there is no alert)
    assert [entry for entry in log if entry["level"] == "SEVERE"] == []
    # the name is shown as written, tags and all
    headings = chromium.execute_script(
        "return Array.from(document.querySelectorAll('h2')).map(h => h.textContent)"
    )
    assert any(f"Flow & {ATTACK}" in heading for heading in headings)


@pytest.mark.parametrize("name", [p.stem for p in example_paths()])
def test_sankey_waste_is_the_steps_tables_waste(examples, name):
    """One definition of step waste (was 22.69 in the Steps table and 12.64 in the Sankey for
    lidocaine-solvent-recovery's amination): both read the core's step balance."""
    assessment = examples[name]
    nodes, links = charts.sankey_links(assessment)
    for step in assessment.inventory.step_ids:
        drawn = sum(
            link["value"]
            for link in links
            if nodes[link["target"]]["kind"] == "waste" and nodes[link["source"]]["label"] == step
        )
        assert drawn == pytest.approx(assessment.value("waste", step), abs=1e-12), step


# -- the answer first (issue 13) --------------------------------------------------------------


@pytest.fixture(scope="module")
def monte_carlo(flagship):
    from lca.montecarlo import compare_monte_carlo

    return compare_monte_carlo(
        [a.recipe for a in flagship.assessments], flagship.labels, 400, seed=3
    )


def test_the_answer_names_the_lower_route_and_by_how_much(flagship):
    from lca.reporting.headline import headline

    answer = headline(flagship)
    pmi = answer.finding("pmi")
    values = {label: flagship.value(label, "pmi") for label in flagship.labels}
    lowest = min(values, key=values.get)
    assert pmi.lower == lowest == "Lidocaine, continuous flow in a modular facility"
    assert pmi.reference == flagship.baseline  # the baseline is not the lowest
    # batch 53.4 kg/kg, modular 22.5 kg/kg: 30.8 kg/kg less, 30.8 / 53.4 = 58 %
    assert pmi.difference == pytest.approx(values[flagship.baseline] - values[lowest])
    assert pmi.relative == pytest.approx(pmi.difference / values[flagship.baseline])
    assert "30.8 kg/kg (58 %)" in pmi.sentence
    footprint = answer.finding("carbon_footprint")
    assert footprint.lower == "Lidocaine, continuous flow (stick-built plant)"
    # every route is a lower bound (flows without a factor): the badge says so
    assert all(q.lower_bound and q.flag.startswith("lower bound: ") for q in answer.quality)
    assert all(sum(q.coverage_by_tier.values()) == pytest.approx(1.0) for q in answer.quality)


def test_when_the_baseline_is_lowest_it_is_compared_with_the_next(flagship):
    from lca.comparison import compare as compare_routes
    from lca.reporting.headline import headline

    modular = compare_routes(list(reversed(FLAGSHIP)))  # modular is now the baseline
    pmi = headline(modular).finding("pmi")
    assert pmi.lower == modular.baseline
    assert pmi.reference == "Lidocaine, continuous flow (stick-built plant)"  # 25.4 > 22.5


def test_the_answer_carries_the_monte_carlo_interval(flagship, monte_carlo, tmp_path):
    from lca.reporting.headline import headline

    finding = headline(flagship, monte_carlo).finding("carbon_footprint")
    row = next(
        r for r in monte_carlo.deltas("carbon_footprint")
        if r["route"] == finding.lower and r["versus"] == finding.reference
    )  # fmt: skip
    assert (finding.interval.p5, finding.interval.p95) == (row["p5"], row["p95"])
    i, j = (monte_carlo.labels.index(x) for x in (finding.lower, finding.reference))
    assert (
        finding.interval.probability_lower
        == monte_carlo.probability_lower("carbon_footprint")[i, j]
    )
    text = write_html(flagship, tmp_path / "mc.html", monte_carlo=monte_carlo).read_text("utf-8")
    assert 'id="comparison-monte-carlo"' in text
    assert "Monte Carlo, paired draws" in text and "400 paired draws per route, seed 3" in text


def test_the_monte_carlo_plot_is_the_paired_difference(flagship, monte_carlo):
    fig = compare_charts.difference_distribution(flagship, monte_carlo)
    bars = [t for t in fig.data if t.type == "bar"]
    assert len(bars) == 2 * (len(flagship.labels) - 1)  # two metrics, each route but the base
    for bar in bars:
        assert sum(bar.y) == pytest.approx(100.0)  # per cent of the draws
    markers = [t for t in fig.data if t.type == "scatter"]
    base = monte_carlo.labels.index(flagship.baseline)
    difference = monte_carlo.draws[1]["pmi"] - monte_carlo.draws[base]["pmi"]
    assert list(markers[0].x) == pytest.approx(list(np.percentile(difference, [5, 50, 95])))


def test_indexed_bars_put_the_baseline_at_100(flagship):
    fig = compare_charts.indexed(flagship)
    base = fig.data[0]
    assert list(base.y) == [100.0, 100.0]
    modular = fig.data[2]
    # PMI 22.5 / 53.4 = 42 % of the baseline
    expected = (
        100 * flagship.value(flagship.labels[2], "pmi") / flagship.value(flagship.labels[0], "pmi")
    )
    assert modular.y[0] == pytest.approx(expected) and round(expected) == 42


def test_top_contributions_and_the_rest_add_up_to_each_total(flagship):
    fig = compare_charts.top_contributions(flagship, count=5)
    for trace, assessment in zip(fig.data, flagship.assessments, strict=True):
        assert len(trace.x) == 6 and trace.y[-1] == "rest"
        assert sum(trace.x) == pytest.approx(assessment.footprint.total, rel=1e-12)


def test_pareto_bars_are_sorted_and_add_up(flagship):
    fig = compare_charts.pareto(flagship.assessments[0])
    mass, co2e = fig.data[0], fig.data[2]
    assert list(mass.y[:-1]) == sorted(mass.y[:-1], reverse=True)  # the last may be the rest
    assert sum(mass.y) == pytest.approx(flagship.assessments[0].value("pmi"), rel=1e-12)
    assert fig.data[1].y[-1] == pytest.approx(100.0) and fig.data[3].y[-1] == pytest.approx(100.0)
    materials = flagship.assessments[0].footprint.by_category()["materials"]
    assert sum(co2e.y) == pytest.approx(materials, rel=1e-12)


@pytest.mark.parametrize("stem", [p.stem for p in example_paths()])
def test_co2e_sankey_balances_and_ends_in_the_total(examples, stem):
    assessment = examples[stem]
    labels, sources, targets, values = sankey_balance(assessment, sankey.co2e_sankey_links)
    assert (values > 0).all()
    for step in assessment.inventory.step_ids:
        node = labels.index(step)
        assert values[targets == node].sum() == pytest.approx(
            values[sources == node].sum(), rel=1e-9, abs=1e-12
        )
    net = labels.index("net")
    assert values[targets == net].sum() == pytest.approx(assessment.footprint.total, rel=1e-9)


def test_sankey_nodes_show_names_and_values(examples):
    assessment = examples["lidocaine-batch"]
    nodes, _ = sankey.sankey_links(assessment)
    by_key = {n["key"]: n for n in nodes if n["kind"] == "raw"}
    # the material's name, not its id, and its amount on the node itself
    dimethylaniline = by_key["2-6-dimethylaniline"]
    assert dimethylaniline["text"].startswith("2,6-")
    assert dimethylaniline["text"].endswith(" kg") and "  " in dimethylaniline["text"]
    trace = sankey.sankey(assessment).data[0]
    assert trace.textfont.shadow == "auto"  # a halo: links do not strike the labels through


def test_negative_process_residue_rows_are_explained(examples, tmp_path):
    assessment = examples["lidocaine-batch"]
    negative = [
        r for r in assessment.footprint.provenance()
        if "process residue" in r["flow"] and r["kg_co2e"] < 0
    ]  # fmt: skip
    assert negative
    text = write_html(assessment, tmp_path / "one.html").read_text(encoding="utf-8")
    assert text.count('<div class="residue">negative: the residue is what') == len(negative)


def test_each_table_downloads_as_safe_csv(hostile, tmp_path):
    import csv
    import io
    from urllib.parse import unquote

    text = write_html(hostile, tmp_path / "report.html").read_text(encoding="utf-8")
    links = re.findall(r'download="([^"]+)" href="data:text/csv;charset=utf-8,([^"]+)"', text)
    names = [name for name, _ in links]
    for expected in ("summary.csv", "sources.csv", "1-lidocaine-batch-stick-built-plant-steps.csv"):
        assert expected in names, expected
    assert sum(name.endswith("-provenance.csv") for name in names) == 2
    summary = dict(links)["summary.csv"]
    rows = list(csv.reader(io.StringIO(unquote(html.unescape(summary)))))
    assert rows[0][:3] == ["metric", "key", "unit"]
    assert rows[0][4] == f"Flow & {ATTACK}"
    pmi = next(r for r in rows if r[1] == "pmi")
    assert float(pmi[3]) == hostile.value(hostile.labels[0], "pmi")  # full precision
    steps = dict(links)["2-flow-script-alert-1-script-steps.csv"]
    assert f"Acylation {ATTACK}" in unquote(html.unescape(steps))


def test_energy_has_its_own_unit_column_and_steps_their_yield(flagship, tmp_path):
    text = write_html(flagship, tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h4>Energy per kg of final product" in text
    assert "<td>kWh/kg</td>" in text
    assert '<th class="n">yield %</th>' in text


def test_provenance_and_factor_tables_are_collapsed(flagship, tmp_path):
    text = write_html(flagship, tmp_path / "report.html").read_text(encoding="utf-8")
    assert text.count('<details class="provenance">') == len(flagship.labels)
    assert '<details class="factors">' in text
    assert "<details open" not in text


def test_the_headline_is_in_the_first_viewport(chromium, flagship, monte_carlo):
    """At 1400 × 900 the first screen shows the winner and the % difference; the page reaches
    the first provenance table within about six screens."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = write_html(flagship, ARTIFACTS / "report-mc.html", force=True, monte_carlo=monte_carlo)
    chromium.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        figures = path.read_text(encoding="utf-8").count('class="plotly-graph-div"')
        open_report(chromium, path, figures)
        seen = chromium.execute_script(
            """
            const out = [];
            for (const card of document.querySelectorAll('.card.headline')) {
              for (const sel of ['.route', '.pct']) {
                const e = card.querySelector(sel), r = e.getBoundingClientRect();
                const visible = r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0
                  && getComputedStyle(e).visibility === 'visible';
                out.push([e.textContent, visible]);
              }
            }
            return out;
            """
        )
        provenance = chromium.execute_script(
            "return document.querySelector('details.provenance').getBoundingClientRect().top"
            " + window.scrollY"
        )
    finally:
        chromium.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    pmi = {label: flagship.value(label, "pmi") for label in flagship.labels}
    cf = {label: flagship.value(label, "carbon_footprint") for label in flagship.labels}
    base = flagship.baseline
    pmi_share = f"({100 * (pmi[base] - min(pmi.values())) / pmi[base]:.0f} %)"  # (58 %)
    cf_share = f"({100 * (cf[base] - min(cf.values())) / cf[base]:.0f} %)"  # (25 %)
    assert seen == [
        [min(pmi, key=pmi.get), True], [pmi_share, True],
        [min(cf, key=cf.get), True], [cf_share, True],
    ]  # fmt: skip
    assert provenance <= 6.5 * 900, f"{provenance / 900:.1f} screens before the provenance"
