"""The user's own background: factors computed in a Brightway project (e.g. ecoinvent).

For every mapped flow (see :mod:`lca.backends.brightway_mapping`) bw2calc computes the LCIA score
of one unit of the activity under each requested method (``bw2calc.MultiLCA``: one factorisation
of the project's technosphere for all flows and methods). Each score, converted by pint to
greenroute's per-unit (a score per MJ becomes one per kWh), becomes a row of a
:class:`~lca.factors.FactorLibrary` laid over the user's and the bundled libraries. Assessing a
recipe with that :class:`~lca.factors.FactorSet` gives the usual
:class:`~lca.assessment.Assessment`: the same inventory, terms, gaps and provenance, with the mapped
flows characterised by the user's database. Flows without a mapping keep greenroute's factors
(the provenance says which library each factor came from).

The Assessment is a carbon footprint, so each method must be a climate-change method in
kg CO2-eq (IPCC 2021 GWP100 or GWP20, EF 3.1 climate change, ReCiPe climate change...): greenroute
adds its computed fossil CO2 of incinerated carbon to the background's scores, which is right only
in CO2 equivalents. Other impact categories of a route are computed in Brightway itself after
``lca brightway export``.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lca.backends.brightway_mapping import (
    LinkedActivity,
    MappingRow,
    check_recipe_units,
    read_mapping,
    resolve_mapping,
)
from lca.backends.brightway_project import brightway, switched_project
from lca.errors import FactorError
from lca.factors import GLOBAL, FactorLibrary, FactorRow, FactorSet, load_factor_set

if TYPE_CHECKING:
    from lca.assessment import Assessment
    from lca.inventory import Inventory

CO2_EQ_UNIT = re.compile(r"\bCO2[\s_-]*(e\b|eq|equivalent)", re.IGNORECASE)
PER_UNIT_TEXT = {"t*km": "(t*km)"}


def method_label(method: Sequence[str]) -> str:
    """``('IPCC 2021', 'climate change', 'GWP100')`` → ``'IPCC 2021 | climate change | GWP100'``."""
    return " | ".join(method)


def resolve_methods(specs: Sequence[str | tuple]) -> list[tuple[str, ...]]:
    """Installed LCIA methods of the current project named by ``specs``.

    A spec is the method tuple, its parts joined by ``|`` (``"IPCC 2021 | climate change |
    global warming potential (GWP100)"``), a JSON list, or words that all occur in exactly one
    method's name (``"IPCC 2021 climate change GWP20"``; ``…`` is ignored).

    Raises
    ------
    lca.errors.FactorError
        A spec names no method (close names are suggested), several methods (they are listed),
        or a method that is not in kg CO2-eq.
    """
    (bd,) = brightway("bw2data")
    installed = sorted(bd.methods, key=method_label)
    if not specs:
        raise FactorError("give at least one LCIA method (--method)")
    chosen = []
    for spec in specs:
        method = _one_method(spec, installed)
        unit = str(bd.methods[method].get("unit", ""))
        if not CO2_EQ_UNIT.search(unit):
            raise FactorError(
                f"method '{method_label(method)}' is in '{unit or 'no unit'}', not kg CO2-eq: "
                "greenroute's assessment is a carbon footprint; for other impact categories "
                "export the route (lca brightway export) and compute them in Brightway"
            )
        if method not in chosen:
            chosen.append(method)
    return chosen


def _one_method(spec, installed: list[tuple]) -> tuple[str, ...]:
    if isinstance(spec, tuple | list):
        parts = tuple(str(p) for p in spec)
    elif spec.strip().startswith("["):
        try:
            parts = tuple(str(p) for p in json.loads(spec))
        except ValueError:
            raise FactorError(f"--method {spec}: not a JSON list of strings") from None
    elif "|" in spec:
        parts = tuple(p.strip() for p in spec.split("|"))
    else:
        parts = None
    labels = {method_label(m): m for m in installed}
    if parts is not None:
        if parts in installed:
            return parts
        close = difflib.get_close_matches(method_label(parts), list(labels), n=5, cutoff=0.5)
        raise FactorError(
            f"no LCIA method '{method_label(parts)}' in this project"
            + ("; close: " + "; ".join(f"'{c}'" for c in close) if close else "")
        )
    words = [w for w in spec.lower().split() if w.strip(".…")]
    found = [m for label, m in labels.items() if all(w in label.lower() for w in words)]
    if len(found) == 1:
        return found[0]
    if not found:
        close = difflib.get_close_matches(spec, list(labels), n=5, cutoff=0.3)
        raise FactorError(
            f"no LCIA method matches '{spec}' ({len(installed)} installed)"
            + ("; close: " + "; ".join(f"'{c}'" for c in close) if close else "")
        )
    shown = "\n".join(f"  '{method_label(m)}'" for m in found[:15])
    more = f"\n  … {len(found) - 15} more" if len(found) > 15 else ""
    raise FactorError(
        f"'{spec}' matches {len(found)} LCIA methods; give one with its parts joined by |:\n"
        f"{shown}{more}"
    )


def background_scores(
    links: Sequence[LinkedActivity], methods: Sequence[tuple]
) -> dict[tuple, dict[int, float]]:
    """LCIA score of one unit of each linked activity (one unit treated, for treatments), by id."""
    bc, bd = brightway("bw2calc", "bw2data")
    activities = {link.id: link.sign for link in links if not link.biosphere}
    if not activities:
        return {method: {} for method in methods}
    demands = {str(node): {node: sign} for node, sign in activities.items()}
    config = {"impact_categories": [tuple(m) for m in methods]}
    multi = bc.MultiLCA(
        demands=demands,
        method_config=config,
        data_objs=bd.get_multilca_data_objs(demands, config),
    )
    multi.lci()
    multi.lcia()
    scores = multi.scores
    return {
        method: {node: float(scores[(tuple(method), str(node))]) for node in activities}
        for method in methods
    }


def background_layer(
    links: Sequence[LinkedActivity | tuple[LinkedActivity, str]],
    method: tuple[str, ...],
    scores: dict[int, float],
    project: str,
    region: str = GLOBAL,
    origin: str = "",
) -> FactorLibrary:
    """One factor row per linked activity: its score per greenroute's per-unit.

    The rows are registered for ``region`` (the site region of the routes to assess), or for the
    region paired with a link (``(link, region)``, the bundled ecoinvent mapping's choice per
    site region): the mapping is an explicit choice of activity, so no region fallback is
    reported for it.
    """
    library = f"brightway:{project}"
    rows = []
    for entry in links:
        link, site = entry if isinstance(entry, tuple) else (entry, region)
        if link.biosphere:
            continue
        score = scores[link.id]
        value = score * link.activity_per_unit
        per = link.per_unit
        conversion = (
            ""
            if link.activity_per_unit == 1.0
            else f"; {score:.6g} per {link.unit} × {link.activity_per_unit:g} {link.unit}/{per}"
        )
        treated = "; treatment activity: score per unit treated" if link.sign < 0 else ""
        rows.append(
            FactorRow(
                key=link.row.flow,
                name=link.name,
                value=value,
                unit=f"kg CO2e / {PER_UNIT_TEXT.get(per, per)}",
                region=site,
                year="",
                scope=f"background: {link.database}",
                source=(
                    f"Brightway project '{project}', database '{link.database}', activity "
                    f"'{link.name}' [{link.reference_product}, {link.location}, {link.unit}] "
                    f"(code {link.code}); LCIA method '{method_label(method)}'; bw2calc"
                ),
                licence=f"the licence of database '{link.database}' (ecoinvent: its EULA)",
                data_quality="background LCI database, characterised in Brightway",
                uncertainty="",
                notes=f"mapped by {link.row.where}{conversion}{treated}",
                library=library,
                where=link.row.where,
                per_unit=per,
                kg_co2e_per_unit=value,
                tier="background",
                gwp_basis=method_label(method),
            )
        )
    return FactorLibrary(
        name=library,
        version="",
        path=origin,
        description=f"factors computed in Brightway project '{project}'",
        gwp_basis=method_label(method),
        region_agnostic=("*",),
        rows=tuple(rows),
    )


@dataclass(frozen=True)
class BackgroundFactors:
    """The factor set of one LCIA method: the project's layer over the user's and bundled ones.

    ``database`` is the database the bundled ecoinvent mapping was linked to (empty when only the
    user's mapping was used); ``unmatched`` lists, one line each, the route's flows it did not
    link and why (coverage gaps of the background, never silently dropped).
    """

    project: str
    method: tuple[str, ...]
    unit: str
    layer: FactorLibrary
    factor_set: FactorSet
    links: tuple[LinkedActivity, ...]
    database: str = ""
    unmatched: tuple[str, ...] = ()


def route_flow_keys(inventory: Inventory) -> set[str]:
    """The factor keys a route's footprint asks for (materials, mixture components, energy,
    waste, transport), found by building its footprint model against an empty factor set."""
    from lca.footprint import build_footprint_model

    class Recorder:
        """Stands in for a FactorSet: finds nothing, records every key the footprint asks."""

        gwp_set = "AR6"

        def __init__(self) -> None:
            self.keys: set[str] = set()

        def lookup(self, key: str, region: str, unit: str | None = None) -> None:
            self.keys.add(key)

        def lookup_material(self, key: str, production_region: str | None = None) -> None:
            self.keys.add(key)

        def lookup_class(self, material_class: str) -> None:
            return None  # class proxies have no activity of their own

        def class_chain(self, material_class: str) -> list[str]:
            return [material_class]

    recorder = Recorder()
    build_footprint_model(inventory, recorder)
    return {k for k in recorder.keys if not k.startswith("spend:")}


def load_background(
    project: str,
    mapping: str | Path | Sequence[MappingRow] | None,
    methods: Sequence[str | tuple],
    *,
    inventory=None,
    inventories=(),
    region: str = GLOBAL,
    factors: Sequence[str | Path] = (),
    database: str | None = None,
    bundled: bool | None = None,
) -> list[BackgroundFactors]:
    """Characterise the mapped flows in a Brightway project, one factor set per method.

    Parameters
    ----------
    project : str
        An existing Brightway project (it is only read; never created or changed).
    mapping : path, rows or None
        The user's mapping file (CSV or TOML) or its rows; its rows override the bundled
        ecoinvent mapping's flow by flow. ``None``: the bundled mapping alone.
    methods : sequence
        LCIA methods (see :func:`resolve_methods`), in kg CO2-eq.
    inventory, inventories : lca.inventory.Inventory
        The route(s) to assess: units are checked against them, the bundled mapping links the
        flows they use, for each of their site regions.
    region : str
        Site region the user's rows are registered for (``route.region``).
    factors : paths
        The user's factor libraries, laid between the project's layer and the bundled library.
    database : str, optional
        The user's ecoinvent database for the bundled mapping (default: the one database of the
        project holding its activity names).
    bundled : bool, optional
        Use the bundled ecoinvent mapping (default: yes when routes are given).
    """
    from lca.backends import brightway_ecoinvent as ecoinvent

    rows = read_mapping(mapping) if isinstance(mapping, str | Path) else tuple(mapping or ())
    origin = str(mapping) if isinstance(mapping, str | Path) else ""
    routes = tuple(inventories) + ((inventory,) if inventory is not None else ())
    use_bundled = bool(routes) if bundled is None else bundled
    if not rows and not use_bundled:
        raise FactorError("give a --mapping, or routes to link with the bundled ecoinvent mapping")
    user = load_factor_set(tuple(factors))
    placed: list[tuple[LinkedActivity, str]] = []
    unmatched: list[str] = []
    chosen_database = ""
    with switched_project(project):
        (bd,) = brightway("bw2data")
        links = resolve_mapping(rows, project) if rows else ()
        for route in routes:
            check_recipe_units(links, route)
        regions = sorted({route.recipe.route.region for route in routes} or {region})
        placed = [(link, r) for link in links for r in regions]
        if use_bundled:
            bundled_rows = ecoinvent.read_ecoinvent_mapping()
            named = {link.database for link in links if not link.biosphere}
            chosen_database = (
                database
                or (named.pop() if len(named) == 1 else "")
                or ecoinvent.detect_database(bundled_rows)
            )
            if chosen_database not in bd.databases:
                raise FactorError(
                    f"--database {chosen_database}: project '{project}' has no such database "
                    f"(databases: {', '.join(sorted(bd.databases)) or 'none'})"
                )
            keys = set().union(*(route_flow_keys(route) for route in routes)) - {
                row.flow for row in rows
            }
            chains = [(r, user.region_chain(r)) for r in regions]
            extra, missing = ecoinvent.link_bundled(
                bundled_rows, keys, chains, chosen_database, project, inventories=routes
            )
            placed += extra
            unmatched = [str(m) for m in missing]
        chosen = resolve_methods(methods)
        units = {m: str(bd.methods[m].get("unit", "")) for m in chosen}
        every = tuple(dict.fromkeys(link for link, _ in placed))
        scores = background_scores(every, chosen)
    result = []
    for method in chosen:
        layer = background_layer(placed, method, scores[method], project, region, origin)
        result.append(
            BackgroundFactors(
                project,
                method,
                units[method],
                layer,
                FactorSet((layer, *user.layers)),
                every,
                chosen_database,
                tuple(unmatched),
            )
        )
    return result


@dataclass(frozen=True)
class MethodAssessment:
    """One route assessed with one method's background factors."""

    background: BackgroundFactors
    assessment: Assessment

    @property
    def method(self) -> tuple[str, ...]:
        return self.background.method


def assess_with_background(
    recipe,
    project: str,
    methods: Sequence[str | tuple],
    mapping: str | Path | Sequence[MappingRow] | None = None,
    *,
    database: str | None = None,
    bundled: bool = True,
    factors: Sequence[str | Path] = (),
    strict: bool = False,
    backend: str = "greenroute",
    with_mode_effects: bool = True,
) -> list[MethodAssessment]:
    """Assess a route with its mapped flows characterised in a Brightway project.

    One :class:`~lca.assessment.Assessment` per method, each exactly what :func:`lca.assess`
    gives with that method's :class:`BackgroundFactors` (``backend="brightway"`` solves the
    footprint with bw2calc as well). The bundled ecoinvent mapping links the route's flows in
    ``database`` (detected if not given) unless ``bundled=False``; ``mapping`` rows override it.

    Raises
    ------
    lca.errors.FactorError
        Unknown project, database, activity or method (with suggestions), ambiguous mapping row.
    lca.errors.UnitError
        A mapped activity's unit cannot be converted to the unit the recipe counts the flow in.
    """
    from lca.assessment import assess
    from lca.recipe import Recipe, read_recipe
    from lca.validation import check_recipe

    if not isinstance(recipe, Recipe):
        recipe = read_recipe(recipe)
    inventory = check_recipe(recipe, factors).inventory  # before Brightway is touched
    backgrounds = load_background(
        project,
        mapping,
        methods,
        inventory=inventory,
        region=recipe.route.region,
        factors=factors,
        database=database,
        bundled=bundled,
    )
    return [
        MethodAssessment(
            b,
            assess(
                recipe,
                factors=b.factor_set,
                strict=strict,
                with_mode_effects=with_mode_effects,
                backend=backend,
            ),
        )
        for b in backgrounds
    ]
