"""Materials: the cradle-to-gate production of raw materials, and credits for recovered solvent.

A material's factor is found in this order (each choice recorded in the term's ``basis``):

1. a factor the recipe pins (``[materials.x] factor = "material:..."``);
2. the material's own key ``material:<id>``, by its production region;
3. its composition (a solution or mixture: each component by its own factor);
4. spend-based: the recipe gives a price, and a sector factor per currency unit is used;
5. its class proxy (``class:<class>``, climbing to parent classes): the class the material table
   or the recipe gives, else ``organic`` or ``inorganic`` inferred from the formula (flagged);
6. otherwise a gap, listed with its amount and never counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lca.elements import parse_formula
from lca.errors import FactorError
from lca.factors import Factor, FactorLookup
from lca.fieldpath import material_path
from lca.footprint.model import Entry, Gap, Term, factor_id
from lca.materials import Material
from lca.site import Site

if TYPE_CHECKING:
    from lca.inventory import Inventory

SPEND_SECTORS = {"organic": "325199", "inorganic": "325180"}
# Order-of-magnitude bounds [USD/kg] outside which a price given for a spend-based estimate is
# probably a typo (per g instead of per kg, per t, another currency). ASSUMPTION of the greenroute
# developers, not data: a price outside them is a warning, never changed.
PRICE_RANGES = {
    "precious-metal": (1_000.0, 500_000.0),
    "metal-catalyst": (10.0, 500_000.0),
    "chemical": (0.05, 20_000.0),
}


@dataclass(frozen=True)
class Choice:
    """The factor for (part of) a material and why it was chosen."""

    component: str
    share: float
    factor: Factor | None
    basis: str
    tier: str = ""
    reason: str = ""  # why there is no factor, when ``factor`` is None


def inferred_class(material: Material) -> str | None:
    """``organic`` (carbon and hydrogen in the formula) or ``inorganic``; ``None`` without one."""
    if not material.formula:
        return None
    atoms = parse_formula(material.formula)
    return "organic" if atoms.get("C") and atoms.get("H") else "inorganic"


class MaterialFactors:
    """Resolves material factors for one route under one factor set."""

    def __init__(self, recipe, materials, factors: FactorLookup, site: Site):
        self.recipe = recipe
        self.materials = materials
        self.factors = factors
        self.site = site
        self.warnings: list[str] = []

    def material(self, material_id: str) -> Material:
        return self.materials.get(material_id) or Material(id=material_id)

    def _production_region(self, material_id: str) -> str | None:
        props = self.recipe.materials.get(material_id)
        return props.production_region if props is not None else None

    def own(self, material_id: str) -> Factor | None:
        return self.factors.lookup_material(
            f"material:{material_id}", self._production_region(material_id)
        )

    def choices(self, material_id: str) -> list[Choice]:
        """The factor(s) of one kg of a material: one choice, or one per component."""
        props = self.recipe.materials.get(material_id)
        if props is not None and props.factor:
            region = props.factor_region or props.production_region
            pinned = self.factors.lookup_material(props.factor, region)
            if pinned is None:
                return [
                    Choice(
                        material_id,
                        1.0,
                        None,
                        "",
                        reason=f"the factor {props.factor} pinned by "
                        f"the recipe is in no library (region {region or 'any'})",
                    )
                ]
            return [
                Choice(
                    material_id, 1.0, pinned, f"pinned by the recipe to {props.factor}", pinned.tier
                )
            ]
        own = self.own(material_id)
        if own is not None:
            return [Choice(material_id, 1.0, own, "factor", own.tier)]
        composition = self.material(material_id).composition
        if composition:
            return [
                self._component(material_id, component, share) for component, share in composition
            ]
        spend = self._spend(material_id)
        if spend is not None:
            return [spend]
        return [self._proxy(material_id, material_id, 1.0)]

    def _component(self, material_id: str, component: str, share: float) -> Choice:
        why = f"composition: {share:.4g} kg {component} per kg {material_id}"
        factor = self.own(component)
        if factor is not None:
            return Choice(component, share, factor, why, factor.tier)
        choice = self._proxy(component, material_id, share)
        return Choice(
            component, share, choice.factor, f"{why}; {choice.basis}", choice.tier, choice.reason
        )

    def _spend(self, material_id: str) -> Choice | None:
        price = self.site.prices.get(material_id)
        if price is None:
            return None
        sector = price.sector
        if not sector:
            kind = inferred_class(self.material(material_id))
            if kind is None:
                where = self.recipe.where(material_path(material_id) / "spend_sector")
                raise FactorError(
                    f"{where}: give the NAICS "
                    "sector for the spend-based factor (the material has no formula to tell "
                    "organic from inorganic)"
                )
            sector = SPEND_SECTORS[kind]
        factor = self.factors.lookup(f"spend:naics-{sector}", self.recipe.route.region)
        if factor is None:
            return Choice(material_id, 1.0, None, "", reason=f"no factor spend:naics-{sector}")
        if factor.per_unit != price.currency:
            return Choice(
                material_id,
                1.0,
                None,
                "",
                reason=f"price '{price.text}' of '{material_id}' is "
                f"in {price.currency}, but {factor.key} is per {factor.per_unit}",
            )
        self._check_price(material_id, price)
        return Choice(
            material_id,
            1.0,
            factor,
            f"SPEND-BASED: price {price.text} × {factor.key}",
            "spend-based",
        )

    def _check_price(self, material_id: str, price) -> None:
        """Warn when a spend-based price is outside the plausible range of its class."""
        if price.currency != "USD":
            return
        chain = self.factors.class_chain(self.material(material_id).material_class or "chemical")
        low, high = next(
            (PRICE_RANGES[c] for c in chain if c in PRICE_RANGES), PRICE_RANGES["chemical"]
        )
        if not low <= price.per_kg <= high:
            self.warnings.append(
                f"materials.{material_id}.price: {price.text} ({price.per_kg:g} USD/kg) is outside "
                f"{low:g}-{high:g} USD/kg, the plausible range for its class: check the unit "
                "(per kg, not per g or per t) and the currency"
            )

    def _proxy(self, component: str, material_id: str, share: float) -> Choice:
        material = self.material(component)
        inferred = inferred_class(material)
        candidates = [(material.material_class, "")] if material.material_class else []
        if inferred and inferred != material.material_class:
            why = (
                f" (class inferred from the formula; '{material.material_class}' has no proxy)"
                if material.material_class
                else " (class inferred from the formula)"
            )
            candidates.append((inferred, why))
        for material_class, why in candidates:
            proxy = self.factors.lookup_class(material_class)
            if proxy is not None:
                return Choice(
                    component,
                    share,
                    proxy,
                    f"CLASS PROXY: no factor for {component}; median of class "
                    f"'{proxy.key.removeprefix('class:')}'{why}",
                    "proxy",
                )
        hint = (
            f"; class '{material.material_class}' has no proxy"
            if material.material_class
            else f"; give [materials.{component}] formula or class for a class proxy"
        )
        price = (
            ""
            if material_id in self.site.prices
            else (
                "; add a factor (--factors), pin one, or give "
                f"[materials.{material_id}] price for a spend-based estimate"
            )
        )
        return Choice(
            component,
            share,
            None,
            "",
            reason=f"no factor material:{component} in any library{hint}{price}",
        )


def _kg_conversion(factor: Factor, material: Material, site: Site, material_id: str):
    """(per factor unit per kg of material, note), or (None, why not)."""
    if factor.per_unit == "kg":
        return 1.0, ""
    if factor.per_unit == "m**3" and material.density:
        return 1.0 / (material.density * 1000.0), f"per m³ at {material.density} g/mL"
    if factor.per_unit == "mol" and material.molar_mass_g_per_mol:
        return 1000.0 / material.molar_mass_g_per_mol, "per mol"
    price = site.prices.get(material_id)
    if price is not None and factor.per_unit == price.currency:
        return price.per_kg, f"{price.per_kg:g} {price.currency}/kg"
    what = {"m**3": "density", "mol": "molar mass"}.get(factor.per_unit, "price")
    return None, (
        f"factor {factor.key} is per {factor.per_unit} and '{material.id}' has no {what} to "
        "convert kg"
    )


def material_terms(inventory: Inventory, resolver: MaterialFactors) -> tuple[list[Term], list[Gap]]:
    """Production (gross of recovery) and recovery credits of every raw-material line."""
    terms: list[Term] = []
    gaps: list[Gap] = []
    for index, flow in enumerate(inventory.flows):
        if flow.intermediate:
            continue
        for choice in resolver.choices(flow.material):
            label = (
                flow.material
                if choice.component == flow.material
                else f"{flow.material} → {choice.component}"
            )
            entry = Entry(
                array="flow", index=index, multiplier=choice.share, amount_unit="kg",
                step=flow.step, category="materials", flow=label,
            )  # fmt: skip
            conversion, note = (None, choice.reason)
            if choice.factor is not None:
                conversion, note = _kg_conversion(
                    choice.factor,
                    resolver.material(choice.component),
                    resolver.site,
                    flow.material,
                )
            if choice.factor is None or conversion is None:
                gaps.append(entry.missing(note, material=choice.component))
                continue
            stream = factor_id(choice.factor)
            if choice.tier == "proxy":
                stream = f"{stream}|{choice.component}"  # each material its own draw
            common = {"conversion": conversion, "tier": choice.tier, "stream": stream, "note": note}
            terms.append(entry.with_factor(choice.factor, basis=choice.basis, **common))
            if np.any(flow.recovered > 0):
                credit = entry.at(multiplier=flow.recovered * choice.share, category="credits")
                basis = f"recovered {flow.material} replaces virgin make-up "
                terms.append(
                    credit.with_factor(
                        choice.factor, sign=-1.0, basis=basis + f"({_share(flow.recovered)})",
                        **common,
                    )
                )  # fmt: skip
    return terms, gaps


def _share(fraction) -> str:
    return f"{fraction:.0%}" if np.ndim(fraction) == 0 else "per variant"
