"""Compile a route's footprint: materials, energy, waste and transport terms over its inventory."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from lca.factors import FactorLookup
from lca.fieldpath import transport_path
from lca.footprint.allocation import allocate, expansion_terms
from lca.footprint.energy import EnergyFactors, double_counting, energy_terms
from lca.footprint.materials import MaterialFactors, material_terms
from lca.footprint.model import ROOT_CLASS, Apart, Entry, FootprintModel, Gap, Term
from lca.footprint.waste import BIOGENIC, waste_terms
from lca.site import Site

if TYPE_CHECKING:
    from lca.inventory import Inventory


def transport_terms(inventory: Inventory, factors: FactorLookup, site: Site, region: str):
    """Freight of raw materials: kg of material × km → t·km × the mode's factor."""
    from lca.errors import FactorError

    terms: list[Term] = []
    gaps: list[Gap] = []
    for leg in site.legs:
        indices = [
            i
            for i, flow in enumerate(inventory.flows)
            if flow.material == leg.material and not flow.intermediate
        ]
        if not indices:
            where = transport_path(inventory.recipe, leg.position) / "material"
            raise FactorError(
                f"{inventory.recipe.where(where)}: "
                f"'{leg.material}' is not a raw material of this route"
            )
        factor = factors.lookup(f"transport:{leg.mode}", region, "t*km")
        label = f"{leg.material} by {leg.mode}, {leg.distance}"
        for i in indices:
            entry = Entry(
                array="flow", index=i, multiplier=leg.km / 1000.0, amount_unit="t*km",
                step=inventory.flows[i].step, category="transport", flow=label,
            )  # fmt: skip
            if factor is None or factor.per_unit != "t*km":
                gaps.append(entry.missing(f"no factor transport:{leg.mode} per t·km"))
            else:
                terms.append(entry.with_factor(factor))
    return terms, gaps


def build_footprint_model(inventory: Inventory, factors: FactorLookup) -> FootprintModel:
    """Compile the footprint terms and gaps of an inventory under a factor set.

    Raises
    ------
    lca.errors.RecipeError
        If a route-level recipe field the footprint needs is invalid (steam state, market
        electricity, prices, biogenic shares, transport distances), naming the field.
    lca.errors.FactorError
        If a transport leg names a material the route does not buy, or a spend-based estimate
        lacks its sector.
    """
    site = inventory.site
    region = inventory.recipe.route.region
    resolver = MaterialFactors(inventory.recipe, inventory.materials, factors, site)
    terms, gaps = material_terms(inventory, resolver)
    energy = EnergyFactors(factors, site, region)
    more, missing = energy_terms(inventory, energy)
    terms += more
    gaps += missing
    waste = waste_terms(inventory, factors, site, region)
    terms += waste.terms
    gaps += waste.gaps
    more, missing = transport_terms(inventory, factors, site, region)
    terms += more
    gaps += missing
    more, missing = expansion_terms(inventory, resolver)
    terms += more
    gaps += missing
    supply = [
        Apart(
            term=replace(t, value=t.factor.biogenic_value, flow=f"{t.flow} (biogenic CO2)"),
            reason=BIOGENIC,
        )
        for t in terms
        if t.factor is not None and t.factor.biogenic_value > 0
    ]
    terms, apart = allocate(terms, [*waste.apart, *supply], inventory)
    warnings = [
        *resolver.warnings,
        *energy.warnings,
        *double_counting(inventory.recipe),
        *waste.warnings,
    ]
    return FootprintModel(
        region=region,
        gwp_set=factors.gwp_set,
        terms=tuple(terms),
        gaps=tuple(gaps),
        steam=site.steam,
        apart=tuple(apart),
        market=site.market,
        warnings=tuple(warnings),
        root_proxy=factors.lookup_class(ROOT_CLASS),
    )
