"""``import lca`` is light: no heavy modules, no disk, no global state."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("bw2data", "bw2calc", "bw2io", "bw_processing", "plotly", "openpyxl")


def modules_after(code: str) -> set[str]:
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(output.splitlines()[-1]))


def test_import_lca_loads_no_heavy_or_numeric_module():
    loaded = modules_after("import lca")
    assert not loaded & {*HEAVY, "pint", "pandas", "numpy", "pydantic", "typer"}


def test_importtime_shows_no_heavy_module():
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import lca"],
        capture_output=True,
        text=True,
        check=True,
    )
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert not {name for name in imported if name.split(".")[0] in HEAVY}


def test_cli_help_imports_no_heavy_module():
    loaded = modules_after(
        "from typer.testing import CliRunner\nfrom lca.cli import app\n"
        "CliRunner().invoke(app, ['--help'])"
    )
    assert not loaded & {*HEAVY, "pandas", "pint"}


def test_lazy_public_names_resolve():
    import lca

    assert callable(lca.assess)
    # the two top-level functions, not modules of those names
    assert callable(lca.compare) and lca.compare.__module__ == "lca.comparison"
    assert lca.assess.__module__ == "lca.assessment"
    assert lca.Comparison.__name__ == "Comparison"
    assert lca.RecipeError.__mro__[1].__name__ == "LcaError"
    assert issubclass(lca.RecipeError, ValueError)
