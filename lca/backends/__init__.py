"""Calculation backends: who solves a compiled footprint model over an inventory.

:func:`lca.assess`, :func:`lca.compare` and ``lca assess|compare|report --backend`` take
``backend="greenroute"`` (the default: :func:`lca.footprint.evaluate_footprint`, greenroute's own
vectorised engine) or ``backend="brightway"`` (the route as an in-memory bw_processing
datapackage solved by bw2calc, :mod:`lca.backends.brightway_memory`: a cross-check with every
number from Brightway). Both solve the same model, built by greenroute from the same inventory
and factors, and give the same :class:`~lca.footprint.Footprint`.

Nothing here is imported by ``import lca``; a backend imports its third-party packages on first
use. :mod:`lca.backends.brightway` gathers the Brightway features (bw2calc, bw_processing,
bw2data, bw2io), installed with ``pip install 'greenroute[brightway]'``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lca.errors import BackendError

if TYPE_CHECKING:
    from lca.footprint import Footprint, FootprintModel
    from lca.inventory import Inventory

BACKENDS = ("greenroute", "brightway")
"""The backends, the default first."""


def check_backend(backend: str) -> str:
    """``backend`` if it is one of :data:`BACKENDS`.

    Raises
    ------
    lca.errors.BackendError
        Naming the backends there are.
    """
    if backend not in BACKENDS:
        raise BackendError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    return backend


def solve_footprint(
    model: FootprintModel, inventory: Inventory, backend: str = "greenroute"
) -> Footprint:
    """The footprint of ``model`` over ``inventory`` (the recipe as written), solved by
    ``backend``.

    Raises
    ------
    lca.errors.BackendError
        If the backend is unknown.
    lca.errors.LcaError
        If the Brightway backend is asked for and the ``brightway`` extra is not installed.
    """
    if check_backend(backend) == "brightway":
        from lca.backends.brightway_memory import brightway_footprint

        return brightway_footprint(model, inventory)
    from lca.footprint import evaluate_footprint

    return evaluate_footprint(model, inventory)
