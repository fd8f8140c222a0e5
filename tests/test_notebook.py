"""The documentation notebook runs from top to bottom (executed here, as CI does)."""

from __future__ import annotations

import pytest
from conftest import ROOT

NOTEBOOK = ROOT / "docs" / "notebooks" / "route-screening.ipynb"


@pytest.mark.slow
def test_route_screening_notebook_executes():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}}
    )
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "Lidocaine, batch (stick-built plant)" in html  # the comparison rendered itself
    figures = [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert len(figures) >= 3
    # the yield screen: PMI falls as the yield rises
    screen = notebook.cells[-1].outputs[-1]["data"]["text/plain"]
    assert "yield" in screen and "pmi" in screen
