"""What every Brightway feature shares: lazy imports, project switching, the writer lock, units.

Brightway keeps global state: the current project of ``bw2data.projects``. greenroute never
creates a project the user did not name and switches only inside :func:`switched_project`, which
restores the previous project whatever happens (``projects.set_current`` silently creates any
name it is given, so it is never called on a name that has not been checked first).
"""

from __future__ import annotations

import contextlib
import importlib
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from lca import units as u
from lca.errors import FactorError, LcaError, OutputError
from lca.factors import PER_UNITS

if TYPE_CHECKING:
    from lca.inventory import Inventory

INSTALL_HINT = "pip install 'greenroute[brightway]'"
LOCK_FILE = "greenroute-writer.lock"

# Unit names as Brightway databases write them (ecoinvent's spelling first) → pint. ecoinvent's
# "ton" is the metric tonne, unlike pint's bare "ton" (the US short ton), so it is listed here.
BRIGHTWAY_UNITS = {
    "kilogram": "kg", "kg": "kg", "gram": "g", "g": "g", "ton": "t", "tonne": "t",
    "metric ton": "t", "t": "t",
    "kilowatt hour": "kWh", "kwh": "kWh", "megawatt hour": "MWh", "mwh": "MWh",
    "watt hour": "Wh", "megajoule": "MJ", "mj": "MJ", "kilojoule": "kJ", "kj": "kJ",
    "gigajoule": "GJ", "gj": "GJ",
    "cubic meter": "m**3", "cubic metre": "m**3", "m3": "m**3", "m**3": "m**3",
    "litre": "L", "liter": "L", "l": "L",
    "ton kilometer": "t*km", "metric ton*km": "t*km", "tkm": "t*km", "t*km": "t*km",
    "kilogram kilometer": "kg*km", "kgkm": "kg*km",
    "mole": "mol", "mol": "mol", "kilomole": "kmol",
}  # fmt: skip
PHYSICAL = ("kg", "m**3", "kWh", "mol", "t*km")
# greenroute's canonical per-units (those of ``lca.factors``) → the name Brightway users read.
BRIGHTWAY_NAMES = {
    "kg": "kilogram", "m**3": "cubic meter", "kWh": "kilowatt hour", "mol": "mole",
    "t*km": "ton kilometer", "MJ": "megajoule", "kg C": "kilogram", "USD": "USD", "EUR": "EUR",
    "GBP": "GBP",
}  # fmt: skip
# greenroute's physical per-units (those of lca.factors, currencies aside) by dimension
_CANONICAL = {dimension: unit for dimension, unit in PER_UNITS.items() if unit in PHYSICAL}


def brightway(*names: str) -> tuple[ModuleType, ...]:
    """Import Brightway modules on first use.

    bw2data logs to standard output from the moment it is imported (its feedback logger binds
    the stream then), which would corrupt ``lca assess --format json``; it is therefore imported
    with standard output pointed at standard error. bw2calc's advice to install pypardiso is
    silenced: greenroute's systems are small, and the ``fast`` extra installs it.

    Raises
    ------
    lca.errors.LcaError
        If the ``brightway`` extra is not installed.
    """
    modules = []
    stream = sys.__stderr__ or sys.stderr
    with contextlib.redirect_stdout(stream), warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module="bw2calc")
        for name in names:
            try:
                modules.append(importlib.import_module(name))
            except ImportError as exc:
                raise LcaError(
                    f"the Brightway backend needs {exc.name or name}, which is not installed: "
                    f"{INSTALL_HINT}"
                ) from None
            except OSError as exc:  # e.g. BRIGHTWAY2_DIR naming a folder that does not exist
                raise LcaError(
                    f"Brightway could not start ({name}): {exc}; create that folder or unset "
                    "BRIGHTWAY2_DIR"
                ) from None
    return tuple(modules)


def require_deterministic(inventory: Inventory) -> None:
    """Brightway gets one route, not a set of Monte Carlo or sweep variants."""
    variants = getattr(inventory, "variants", 1)
    if variants != 1:
        raise LcaError(
            f"the Brightway backend takes one deterministic route, not {variants} variants: "
            "build the inventory without sampling"
        )


def project_names() -> list[str]:
    (bd,) = brightway("bw2data")
    return sorted(p.name for p in bd.projects)


@contextlib.contextmanager
def switched_project(name: str, *, create: bool = False, writing: bool = False) -> Iterator:
    """Make ``name`` the current Brightway project inside the block, then restore the previous one.

    Parameters
    ----------
    name : str
        A project the user named.
    create : bool
        Create it if it does not exist (only when the user asked for it, e.g.
        ``--create-project``); otherwise a missing project is an error and nothing is created.
        A project created here is deleted again if the block fails.
    writing : bool
        The block writes to the project: also take greenroute's writer lock (one writer per
        project), and let bw2data apply its automatic project updates. A read leaves the project
        exactly as it was.

    Raises
    ------
    lca.errors.FactorError
        Reading from a project that does not exist.
    lca.errors.OutputError
        Writing to a project that does not exist (without ``create``), or that another greenroute
        process is writing to.
    """
    (bd,) = brightway("bw2data")
    projects = bd.projects
    if name not in projects and not create:
        error = OutputError if writing else FactorError
        known = ", ".join(project_names()) or "none"
        hint = " or pass --create-project to create it" if writing else ""
        raise error(
            f"there is no Brightway project '{name}' in {_data_dir(projects)} (projects: "
            f"{known}); check the name and BRIGHTWAY2_DIR{hint}"
        )
    previous = projects.current
    created = name not in projects
    completed = False
    try:
        projects.set_current(name, update=writing)
        if writing:
            with _writer_lock(Path(projects.dir), name):
                yield projects
        else:
            yield projects
        completed = True
    finally:
        if projects.current != previous:
            projects.set_current(previous, update=False)
        if created and not completed:
            # a project created for a write that failed would be left empty: remove it
            with contextlib.suppress(Exception):
                projects.delete_project(name, delete_dir=True)


def _data_dir(projects) -> str:
    return str(getattr(projects, "_base_data_dir", "the Brightway data folder"))


@contextlib.contextmanager
def _writer_lock(project_dir: Path, name: str) -> Iterator[None]:
    """An exclusive, non-blocking lock on a file in the project folder, released on exit.

    SQLite lets two processes interleave writes to one project and leave it inconsistent; this
    keeps greenroute to one writer per project. The operating system drops the lock if the
    process dies, so it never goes stale.
    """
    path = project_dir / LOCK_FILE
    handle = path.open("a+b")
    try:
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise OutputError(
                f"another process is writing to Brightway project '{name}' (lock {path}); "
                "wait for it to finish and try again"
            ) from None
        yield
    finally:
        handle.close()


def pint_unit(unit: str) -> str | None:
    """The pint spelling of a Brightway unit name (``"kilowatt hour"`` → ``"kWh"``), or ``None``."""
    text = " ".join(str(unit or "").strip().split())
    known = BRIGHTWAY_UNITS.get(text.lower())
    if known:
        return known
    if not text or re.search(r"(?<![\w_])tons?(?![\w_])", text):
        return None
    try:
        quantity = u.ureg.Quantity(1.0, text)
    except Exception:  # pint's parser raises many types
        return None
    if quantity.dimensionality == u.DIMENSIONLESS:
        return None
    return text


def canonical_per_unit(unit: str) -> str | None:
    """greenroute's per-unit (kg, m**3, kWh, mol, t*km) of the same dimension as a pint unit."""
    return _CANONICAL.get(u.ureg.Quantity(1.0, unit).dimensionality)


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """``value`` in ``from_unit`` expressed in ``to_unit`` (same dimension)."""
    return float(u.ureg.Quantity(value, from_unit).m_as(to_unit))


def brightway_unit_name(unit: str) -> str:
    """The Brightway spelling of a greenroute unit (``"m**3"`` → ``"cubic meter"``)."""
    return BRIGHTWAY_NAMES.get(unit, unit)


def slug(text: str) -> str:
    """Lower-case words joined by hyphens: a database name or code fragment."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "route"
