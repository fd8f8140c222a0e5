"""The wheel carries the bundled data, and the installed package finds it."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (path,) = out.glob("greenroute-*.whl")
    return path


def test_wheel_contains_code_and_bundled_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "lca/__init__.py" in names
    assert "lca/_data/factors/materials.csv" in names
    for example in (ROOT / "processes").glob("*.toml"):
        assert f"lca/_data/processes/{example.name}" in names
    assert any(name.startswith("lca/_data/reports/") for name in names)
    # Every file under factors/ ships, except the USLCI build inputs (zips), which stay out.
    for path in (ROOT / "factors").rglob("*"):
        if path.is_file():
            relative = path.relative_to(ROOT).as_posix()
            shipped = f"lca/_data/{relative}" in names
            assert shipped == (
                not relative.startswith("factors/build/uslci/") or not relative.endswith(".zip")
            ), relative
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "lca = lca.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_finds_its_data(wheel, tmp_path):
    # Unpack the wheel (no install needed) and import from it, away from the checkout.
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = (
        "import lca.resources as r, lca; "
        "print(r.data_dir('factors')); "
        "print(lca.assess(r.example_paths()[0]).value('pmi'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": ""},
    )
    data_dir, pmi = result.stdout.split()
    assert data_dir.startswith(str(target))
    assert float(pmi) > 1
