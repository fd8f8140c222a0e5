"""Factor libraries as they were read before, kept in the user cache (:mod:`lca.cache`).

Reading the bundled library checks some 550 rows one by one (key, value, unit, region, tier,
uncertainty, GWP): about 18 ms of every command, a twentieth of ``lca assess``. Reading back what
was read takes about 4 ms. A kept library is used only if it was read from the same files with
the same options by the same code: its file is named by a hash of the library's files
(``library.toml`` and the files it lists, or the CSV file), the GWP table, the source of every
module reading a library uses (:data:`CODE`), pint's version and the options. Only a library
that read without a problem is kept, and only if it reads back equal to itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tomllib
from dataclasses import fields
from pathlib import Path
from typing import Any

from lca.cache import cache_dir, package_version, read_json, write_text

CODE = (
    "__init__.py", "arrays.py", "cache.py", "errors.py", "factorcache.py", "factors.py",
    "fieldpath.py", "files.py", "gwp.py", "quantities.py", "regions.py", "resources.py",
    "tiers.py", "uncertainty.py", "units.py",
)  # fmt: skip
"""The modules of ``lca/`` that reading a library runs (a test checks that it imports no other)."""


def _row_fields() -> tuple[str, ...]:
    from lca.factors import FactorRow

    return tuple(f.name for f in fields(FactorRow))


def _library_fields() -> tuple[str, ...]:
    from lca.factors import FactorLibrary

    return tuple(f.name for f in fields(FactorLibrary) if f.name != "rows")


def kept_path(path: Path, gwp_set: str, default_tier: str, skip_files: tuple[str, ...]):
    """Where the library read from ``path`` with these options is kept: a file named by
    everything the reading depends on; ``None`` when caching is off or a file cannot be read
    (the reading then says what is wrong)."""
    folder = cache_dir("factors")
    if folder is None:
        return None
    from lca.gwp import gwp_table_path

    pint_version = package_version("pint")
    if pint_version is None:
        return None
    try:
        if path.is_dir():
            meta = tomllib.loads((path / "library.toml").read_text(encoding="utf-8-sig"))
            listed = meta.get("files", ["factors.csv"])
            files = [path / "library.toml", *(path / str(name) for name in listed)]
        else:
            files = [path]
        digest = hashlib.sha256(pint_version.encode())
        here = Path(__file__).parent
        for source in (*(here / name for name in CODE), gwp_table_path(), *files):
            content = source.read_bytes()
            digest.update(f"\0{source.name}\0{len(content)}\0".encode() + content)
    except (OSError, ValueError, TypeError):
        return None  # unreadable, or not a library: the reading reports it
    options = json.dumps([str(path), gwp_set, default_tier, list(skip_files)])
    which = hashlib.sha256(options.encode()).hexdigest()[:16]
    return folder / f"library-{which}-{digest.hexdigest()[:20]}.json"


def read_kept(target: Path | None):
    """The :class:`~lca.factors.FactorLibrary` kept at ``target``, ``None`` if there is none or
    it is not what was written."""
    if target is None:
        return None
    document = read_json(target)
    try:
        return _library(document)
    except (TypeError, ValueError, KeyError, AttributeError):
        return None


def keep(target: Path | None, library) -> None:
    """Keep ``library`` at ``target`` if it reads back equal to itself (a ``library.toml`` may
    hold what JSON does not: a date, say), replacing what was kept for the same library and
    options before."""
    if target is None:
        return
    try:
        text = json.dumps(_document(library))
        if _library(json.loads(text)) != library:
            return
    except (TypeError, ValueError, KeyError):
        return
    write_text(target, text)
    prefix = target.name.rsplit("-", 1)[0]
    for old in target.parent.glob(f"{prefix}-*.json"):
        if old != target:
            with contextlib.suppress(OSError):
                old.unlink()  # the same library read before by other code or from other files


def _document(library) -> dict[str, Any]:
    return {
        "library": {name: getattr(library, name) for name in _library_fields()},
        "rows": [[getattr(row, name) for name in _row_fields()] for row in library.rows],
    }


def _library(document: Any):
    from lca.factors import FactorLibrary, FactorRow

    meta, rows = document["library"], document["rows"]
    if set(meta) != set(_library_fields()) or not isinstance(rows, list):
        raise ValueError("not a kept library")
    width = len(_row_fields())
    if any(not isinstance(row, list) or len(row) != width for row in rows):
        raise ValueError("not a kept library")
    tuples = ("region_agnostic", "default_regions", "material_regions", "sources")
    values: dict[str, Any] = {
        name: tuple(value) if name in tuples else value for name, value in meta.items()
    }
    return FactorLibrary(**values, rows=tuple(FactorRow(*row) for row in rows))
