"""Where greenroute keeps what it can always recompute, so that a command starts fast.

Three things are kept: pint's parsed unit definitions (building the unit registry from its text
takes a fifth of a second, loading the parsed form a hundredth), the steam enthalpies of
:mod:`lca.steam` (IAPWS-IF97 needs scipy, whose import takes a third of a second) and the
conversion factor of each unit a factor library writes (:mod:`lca.factors`: pint takes about half
a millisecond per unit, some fifty units a command). All are recomputed whenever the cache is
missing, stale (another pint or iapws version, other code) or cannot be written: the cache
changes how fast a result comes, never the result.

The folder is ``GREENROUTE_CACHE_DIR`` if set (``off`` turns caching off), else the platform's
user cache folder (``~/.cache/greenroute`` on Linux, ``~/Library/Caches/greenroute`` on macOS,
``%LOCALAPPDATA%\\greenroute\\Cache`` on Windows). Nothing is written by ``import lca``; the
folder is created the first time a unit is read.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
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
    write_text(path, json.dumps(document))


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically; a failure leaves the cache as it was."""
    import tempfile  # only when something is new: a command that reads the cache never needs it

    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError:
        return
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


class JsonStore:
    """A JSON object in the cache folder ``part``: read on first use, written back by
    :meth:`flush` when entries were added (one write for many entries).

    ``name`` gives the file name when the store is first used (it may hash what the entries
    depend on, so that other code or versions read another file), or ``None`` to keep nothing.
    """

    def __init__(self, part: str, name: Callable[[], str | None]) -> None:
        self._part = part
        self._name = name
        self._path: Path | None = None
        self._entries: dict[str, Any] | None = None
        self._added = False

    def _loaded(self) -> dict[str, Any]:
        if self._entries is None:
            folder = cache_dir(self._part)
            name = self._name() if folder is not None else None
            self._path = None if folder is None or name is None else folder / name
            stored = None if self._path is None else read_json(self._path)
            self._entries = stored if isinstance(stored, dict) else {}
        return self._entries

    def get(self, key: str) -> Any:
        """The stored entry of ``key``, ``None`` if there is none."""
        return self._loaded().get(key)

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` (JSON-serialisable) for ``key``; written by the next :meth:`flush`."""
        self._loaded()[key] = value
        self._added = True

    def flush(self) -> None:
        """Write the entries back if some were added (a failure leaves the file as it was)."""
        if self._added and self._path is not None and self._entries is not None:
            write_json(self._path, self._entries)
        self._added = False
