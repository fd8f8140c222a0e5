"""Brightway integration (``pip install 'greenroute[brightway]'``; guide: ``docs/brightway.md``).

Three features, each in its own module, all importing Brightway only when called:

- **in-memory backend** (:mod:`~lca.backends.brightway_memory`): a route as a bw_processing
  datapackage solved by bw2calc, a cross-check of greenroute's engine (``lca.assess(...,
  backend="brightway")``, ``lca assess|compare|report --backend brightway``):
  :func:`brightway_footprint`, :func:`solve_route`, :func:`cross_check`;
- **the user's background** (:mod:`~lca.backends.brightway_background`,
  :mod:`~lca.backends.brightway_mapping`): flows characterised by activities of a Brightway
  project (e.g. ecoinvent) with any climate-change method installed there (``lca assess
  --brightway-project P --method M --mapping F``): :func:`assess_with_background`,
  :func:`load_background`, :func:`read_mapping`;
- **export** (:mod:`~lca.backends.brightway_export`): a route written to a project as a database
  linked to that background (``lca brightway export``): :func:`export_route`.

Brightway has one piece of global state, the current project; greenroute switches it only inside
:func:`switched_project`, which restores the previous project, and never creates a project the user
did not name.
"""

from __future__ import annotations

from lca.backends.brightway_background import (
    BackgroundFactors,
    MethodAssessment,
    assess_with_background,
    load_background,
    method_label,
    resolve_methods,
)
from lca.backends.brightway_export import ExportResult, default_database_name, export_route
from lca.backends.brightway_mapping import (
    LinkedActivity,
    MappingRow,
    parse_mapping,
    read_mapping,
    resolve_mapping,
)
from lca.backends.brightway_memory import (
    BrightwaySolution,
    CrossCheck,
    brightway_footprint,
    cross_check,
    route_datapackage,
    solve_route,
)
from lca.backends.brightway_project import brightway, switched_project

__all__ = [
    "BackgroundFactors",
    "BrightwaySolution",
    "CrossCheck",
    "ExportResult",
    "LinkedActivity",
    "MappingRow",
    "MethodAssessment",
    "assess_with_background",
    "brightway",
    "brightway_footprint",
    "cross_check",
    "default_database_name",
    "export_route",
    "load_background",
    "method_label",
    "parse_mapping",
    "read_mapping",
    "resolve_mapping",
    "resolve_methods",
    "route_datapackage",
    "solve_route",
    "switched_project",
]
