"""The documentation notebook runs from top to bottom (executed here, as CI does), and its
figures render: the nbconvert HTML holds each figure's markup, with plotly.js once, and a
static picture for viewers that run no script."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

NOTEBOOK = ROOT / "docs" / "notebooks" / "route-screening.ipynb"
PLOTLY = "application/vnd.plotly.v1+json"


@pytest.fixture(scope="module")
def executed():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute()
    return notebook


@pytest.mark.slow
def test_route_screening_notebook_executes(executed):
    outputs = [o for cell in executed.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "Lidocaine, batch (stick-built plant)" in html  # the comparison rendered itself
    # the comparison opens with the answer
    assert "PMI: Lidocaine, continuous flow in a modular facility is lower than" in html
    figures = [o for o in outputs if PLOTLY in o.get("data", {})]
    assert len(figures) >= 7
    # the yield screen: PMI falls as the yield rises
    screen = executed.cells[-1].outputs[-1]["data"]["text/plain"]
    assert "yield" in screen and "pmi" in screen


@pytest.mark.slow
def test_nbconvert_html_holds_every_figure(executed):
    nbconvert = pytest.importorskip("nbconvert")
    body, _ = nbconvert.HTMLExporter().from_notebook_node(executed)
    figures = sum(
        PLOTLY in o.get("data", {}) for cell in executed.cells for o in cell.get("outputs", [])
    )
    # each figure drawn by plotly.js from the page: its div and its newPlot call
    assert len(re.findall(r'class="plotly-graph-div"', body)) == figures
    assert body.count("Plotly.newPlot(") >= figures
    # plotly.js is in the page once (the first figure brings it), so the file opens offline
    from plotly.offline import get_plotlyjs

    assert body.count(get_plotlyjs()[:300]) == 1


def test_tables_use_report_labels_not_keys():
    import lca

    comparison = lca.compare(
        [ROOT / "processes" / f"lidocaine-{m}.toml" for m in ("batch", "flow")]
    )
    for html in (comparison._repr_html_(), comparison.assessments[0]._repr_html_()):
        for key in ("pmi_reactants", "footprint:waste_treatment", "coverage_mass:", "pmi_from:"):
            assert key not in html, key
    assert len(repr(comparison)) < 200 and len(repr(comparison.assessments[0])) < 200


def test_the_committed_notebook_carries_its_outputs_and_pictures():
    import json

    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    outputs = [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    figures = [o for o in outputs if PLOTLY in o.get("data", {})]
    assert len(figures) >= 7
    # a picture inside each figure's HTML: what GitHub, which runs no script, shows
    for output in figures:
        assert "image/png" in output["data"]
        assert 'class="greenroute-static"' in "".join(output["data"]["text/html"])
    assert NOTEBOOK.stat().st_size < 3_000_000  # committed without plotly.js (see the module)


def test_setup_offers_the_plotly_mimetype_html_and_a_picture(monkeypatch):
    import plotly.graph_objects as go
    import plotly.io as pio

    from lca.reporting import notebook

    previous = pio.renderers.default
    try:
        assert notebook.setup(static=False, plotlyjs=True) == "plotly_mimetype+greenroute"
        fig = go.Figure(go.Bar(x=["a"], y=[1]))
        first = pio.renderers[notebook.RENDERER].to_mimebundle(fig.to_dict())
        second = pio.renderers[notebook.RENDERER].to_mimebundle(fig.to_dict())
        assert len(first["text/html"]) > 3_000_000 > len(second["text/html"])  # plotly.js once
        assert "image/png" not in first and "No static picture" in first["text/html"]
        if notebook.static_images_available():
            notebook.setup(static=True, plotlyjs=False)
            bundle = pio.renderers[notebook.RENDERER].to_mimebundle(fig.to_dict())
            assert bundle["image/png"] and 'class="greenroute-static"' in bundle["text/html"]
    finally:
        pio.renderers.default = previous
