"""Where greenroute keeps what it can always recompute, so that a command starts fast.

Five things are kept: pint's parsed unit definitions (building the unit registry from its text
takes a fifth of a second, loading the parsed form a hundredth), pint's readings of the amounts
and units greenroute has read (:mod:`lca.quantities`: a command whose amounts were all read
before does not import pint, a tenth of a second), factor libraries as they were read
(:mod:`lca.factorcache`: the bundled one takes 18 ms to read, 4 to read back), the steam
enthalpies of :mod:`lca.steam` (IAPWS-IF97 needs scipy, whose import takes a third of a second)
and the conversion factor of each unit a factor library writes (:mod:`lca.factors`: pint takes
about half a millisecond per unit, some fifty units a library). All are recomputed whenever the
cache is missing, stale (other files, another pint or iapws version, other code) or cannot be
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
import threading
from collections.abc import Callable
from functools import lru_cache
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


@lru_cache(maxsize=8)
def package_version(package: str) -> str | None:
    """The installed version of ``package`` (read without importing it), ``None`` if it is not
    installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return None


def code_digest(package: str, *modules: str | Path) -> str | None:
    """A short hash of ``package``'s installed version and the source of ``modules``: the part of
    a cache file's name that changes whenever what its entries depend on changes (read without
    importing ``package``); ``None`` if either cannot be read."""
    import hashlib

    installed = package_version(package)
    try:
        code = b"".join(Path(module).read_bytes() for module in modules)
    except (OSError, TypeError):
        return None
    if installed is None:
        return None
    return hashlib.sha256(installed.encode() + b"\0" + code).hexdigest()[:20]


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
    With ``at_exit``, entries added are also written when the interpreter exits (for entries
    added one by one wherever they are computed). With ``limit``, an entry that would make more
    than ``limit`` starts the store over, so that the file read at each start stays small.
    """

    def __init__(
        self,
        part: str,
        name: Callable[[], str | None],
        at_exit: bool = False,
        limit: int | None = None,
    ) -> None:
        self._part = part
        self._name = name
        self._at_exit = at_exit
        self._limit = limit
        self._path: Path | None = None
        self._entries: dict[str, Any] | None = None
        self._added = False
        self._registered = False
        self._lock = threading.Lock()  # builders run on threads: one load, one registration

    def _loaded(self) -> dict[str, Any]:
        if self._entries is None:
            with self._lock:
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
        entries = self._loaded()
        if self._limit is not None and len(entries) >= self._limit and key not in entries:
            entries.clear()
        entries[key] = value
        self._added = True
        if self._at_exit and not self._registered and self._path is not None:
            with self._lock:
                if not self._registered:
                    import atexit

                    atexit.register(self.flush)
                    self._registered = True

    def flush(self) -> None:
        """Write the entries back if some were added (a failure leaves the file as it was)."""
        if self._added and self._path is not None and self._entries is not None:
            write_json(self._path, self._entries)
        self._added = False
