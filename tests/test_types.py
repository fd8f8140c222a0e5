"""The type checker is clean on lca/ (CI runs exactly `pip install -e '.[dev]' && pytest`).

mypy runs with the configuration of pyproject.toml ([tool.mypy]: numpy, pint, pydantic and
typer are typed; Brightway, openpyxl, plotly and pandas are not, and are Any). Its cache lives
in the temporary folder, so a second run on the same machine takes seconds.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from conftest import ROOT


def test_mypy_finds_no_error_in_lca():
    cache = Path(tempfile.gettempdir()) / "greenroute-mypy-cache"
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(cache), "lca"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
