"""Where greenroute keeps what it can always recompute, so that a command starts fast.

Two things are kept: pint's parsed unit definitions (building the unit registry from its text
takes a fifth of a second, loading the parsed form a hundredth) and the steam enthalpies of
:mod:`lca.steam` (IAPWS-IF97 needs scipy, whose import takes a third of a second). Both are
recomputed whenever the cache is missing, stale (another pint or iapws version) or cannot be
written: the cache changes how fast a result comes, never the result.

The folder is ``GREENROUTE_CACHE_DIR`` if set (``off`` turns caching off), else the platform's
user cache folder (``~/.cache/greenroute`` on Linux, ``~/Library/Caches/greenroute`` on macOS,
``%LOCALAPPDATA%\\greenroute\\Cache`` on Windows). Nothing is written by ``import lca``; the
folder is created the first time a unit is read.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

VARIABLE = "GREENROUTE_CACHE_DIR"


def cache_dir(part: str) -> Path | None:
    """The cache folder ``part`` (created), ``None`` when caching is off or impossible."""
    chosen = os.environ.get(VARIABLE)
    if chosen is not None and chosen.strip().lower() in ("", "off", "0", "no", "false"):
        return None
    try:
        if chosen:
            base = Path(chosen)
        else:
            import platformdirs  # a dependency of pint

            base = platformdirs.user_cache_path("greenroute", appauthor=False)
        folder = base / part
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, ValueError):
        return None
    return folder if os.access(folder, os.W_OK) else None


def read_json(path: Path) -> Any:
    """The JSON document at ``path``; ``None`` if it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json(path: Path, document: Any) -> None:
    """Write ``document`` to ``path`` atomically; a failure leaves the cache as it was."""
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
