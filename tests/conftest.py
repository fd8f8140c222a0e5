from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# lca.cache keeps the parsed unit registry and steam enthalpies: in a folder of this test
# session (set before any test module imports lca), not the user's cache
if "GREENROUTE_CACHE_DIR" not in os.environ:
    _CACHE = tempfile.mkdtemp(prefix="greenroute-test-cache-")
    os.environ["GREENROUTE_CACHE_DIR"] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def write_recipe(tmp_path):
    """Write TOML text to a file in a temporary folder and return its path."""

    def write(text: str, name: str = "recipe.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def require_tool(*names: str) -> str:
    """Path of the first installed program among ``names``.

    Skips the test on a developer machine without it; fails it in CI (``CI`` set), where
    ``.ci/run`` installs it, so a missing install step cannot hide behind a skip.
    """
    import os
    import shutil

    for name in names:
        path = shutil.which(name)
        if path:
            return path
    message = f"{' or '.join(names)} is not installed (.ci/run installs it with apt-get)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
