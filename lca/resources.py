"""Where bundled data lives: ``lca/_data/<name>`` in a wheel, ``<checkout>/<name>`` otherwise."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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


class _Examples(Mapping):
    """The bundled example recipes by name, wherever greenroute is installed:
    ``lca.examples["paracetamol-linear"]`` is the path of ``paracetamol-linear.toml``."""

    def _paths(self) -> dict[str, Path]:
        return {path.stem: path for path in example_paths()}

    def __getitem__(self, name: str) -> Path:
        paths = self._paths()
        try:
            return paths[str(name).removesuffix(".toml")]
        except KeyError:
            raise KeyError(
                f"no bundled example named '{name}'; there are {', '.join(paths)}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths())

    def __len__(self) -> int:
        return len(self._paths())

    def __repr__(self) -> str:
        return f"<greenroute examples: {', '.join(self)}>"


examples = _Examples()
