"""Every command shown in README.md runs as written (issue 16).

The ``bash`` blocks are run line by line by bash, in order, in one temporary folder (the
"Using it" section says they run from an empty folder), with this installation's ``lca`` first
on the PATH. A line whose comment says ``exits 1`` must exit 1 (``--strict`` with flows
without a factor); every other line must exit 0. What the README cannot contain is prepared
here, as a user would have it: a Brightway project named ``my-ecoinvent`` (the synthetic test
background, in a temporary Brightway folder) and its mapping file ``my-mapping.csv``.

The Quick start runs in the checkout, as it says (``pip install -e .`` needs one); its
``pip install`` part and the test command (``pip install -e '.[dev]' && pytest``, which is this
suite) are what ``.ci/run`` executes, which the last test checks. The Python block runs in a
subprocess from the temporary folder, not from the checkout.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
BIN = Path(sys.executable).parent


def blocks(language: str) -> list[str]:
    return [m.group(2) for m in FENCE.finditer(README) if m.group(1) == language]


def section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 1)
    return README[start : end if end > 0 else None]


def shell_lines(text: str) -> list[str]:
    return [
        line
        for block in FENCE.finditer(text)
        if block.group(1) == "bash"
        for line in block.group(2).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def expected_exit(line: str) -> int:
    return 1 if "# exits 1" in line else 0


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """An empty folder, an environment whose Brightway folders are temporary, and the user's
    Brightway project (synthetic background) and mapping file."""
    folder = tmp_path_factory.mktemp("readme")
    home = tmp_path_factory.mktemp("brightway-home")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env["COLUMNS"] = "120"
    folders = {"BRIGHTWAY2_DIR": "data", "XDG_DATA_HOME": "xdg-data",
               "XDG_STATE_HOME": "xdg-state", "XDG_CACHE_HOME": "xdg-cache"}  # fmt: skip
    for name, sub in folders.items():
        (home / sub).mkdir()
        env[name] = str(home / sub)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "tests"), env.get("PYTHONPATH", "")])
    built = subprocess.run(
        [sys.executable, "-c", "from brightway_background import build_background; "
         "build_background('my-ecoinvent')"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    shutil.copyfile(DATA / "brightway" / "paracetamol-mapping.csv", folder / "my-mapping.csv")
    return folder, env


USING = shell_lines(section("Using it"))


def test_the_readme_shows_the_commands_it_promises():
    text = " ".join(USING)
    for command in ("examples list", "examples copy", "validate", "assess", "compare", "report",
                    "--mc", "sensitivity", "sweep", "factors show", "--factors", "--backend "
                    "brightway", "--brightway-project", "brightway export"):  # fmt: skip
        assert f"lca {command}" in text or command in text, command
    assert "step.product.yield" not in README  # the old placeholder path
    # the old placeholders, which no command could run as written
    assert "a.toml" not in README and "lca validate my-route.toml" not in README
    assert "--project P " not in README and "--brightway-project P " not in README


@pytest.mark.parametrize("line", USING, ids=[line.split("#")[0][:60] for line in USING])
def test_readme_command_runs_as_written(workspace, line):
    folder, env = workspace
    result = subprocess.run(
        ["bash", "-c", line], cwd=folder, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == expected_exit(line), (line, result.stdout[-2000:], result.stderr)
    assert "Traceback" not in result.stderr
    if expected_exit(line):
        assert result.stderr.startswith("error: "), result.stderr


def test_readme_commands_left_what_they_promise(workspace):
    folder, _ = workspace
    names = {p.name for p in folder.iterdir()}
    assert {"routes", "out.xlsx", "out.html", "sweep.csv", "sweep.html", "my-factors.csv"} <= names
    assert not [n for n in names if n.endswith(".greenroute-tmp")]


def test_readme_python_runs_from_any_folder(tmp_path):
    (code,) = blocks("python")
    script = tmp_path / "snippet.py"
    script.write_text(code + '\nassert assessment.value("pmi") > 1\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr


def test_quick_start_runs_in_the_checkout():
    (line,) = shell_lines(section("Quick start"))[:1]
    install, _, command = line.partition(" && ")
    assert install == "pip install -e ."  # the installation this suite runs in
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Lidocaine" in result.stdout


def test_the_test_command_is_what_ci_runs():
    lines = shell_lines(section("Quick start"))
    assert "pip install -e '.[dev]' && pytest" in lines
    assert "pip install -e '.[dev]' && pytest" in (ROOT / ".ci" / "run").read_text()
