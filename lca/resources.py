"""Where bundled data lives: ``lca/_data/<name>`` in a wheel, ``<checkout>/<name>`` otherwise."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED = ("factors", "processes", "reports")


def data_dir(name: str) -> Path:
    """Path of a bundled data folder (``factors``, ``processes`` or ``reports``).

    Raises
    ------
    FileNotFoundError
        If the folder is in neither place (a broken installation).
    """
    if name not in BUNDLED:
        raise ValueError(f"unknown bundled folder {name!r}; expected one of {BUNDLED}")
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"greenroute's bundled '{name}' folder is missing from {_PACKAGE_DIR}; reinstall greenroute"
    )


def example_paths() -> list[Path]:
    """The bundled example recipes, sorted by file name."""
    return sorted(data_dir("processes").glob("*.toml"))
