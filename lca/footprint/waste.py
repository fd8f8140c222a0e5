"""Waste: incinerated spent solvent and process residue, and wastewater.

Spent solvent (charged minus recovered) is incinerated: its carbon leaves as CO2, computed from
the formula (complete oxidation, 44.009/12.011 kg CO2 per kg C); the share of that carbon the
recipe declares biogenic is reported apart, not counted as fossil. The process residue of a step
is its non-solvent, non-water inputs minus its product (and co-products): its carbon is the
carbon charged minus the carbon in what leaves as product. Both carry the incineration treatment
factor per kg. Water goes to wastewater treatment per m³.

With ``route.incineration_energy_recovery`` the cut-off rule applies: the combustion CO2 and the
treatment of incinerated waste are reported apart, as a burden of the user of the recovered
energy (TfS PCF Guideline), and the result says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lca.elements import ATOMIC_WEIGHTS
from lca.factors import FactorLookup
from lca.footprint.model import Apart, Entry, Gap, Term
from lca.materials import Material
from lca.site import Site

if TYPE_CHECKING:
    from lca.inventory import Inventory

CO2_PER_C = (ATOMIC_WEIGHTS["C"] + 2 * ATOMIC_WEIGHTS["O"]) / ATOMIC_WEIGHTS["C"]  # 44.009/12.011
BIOGENIC = "biogenic CO2: reported apart, not in the fossil footprint (ISO 14067, GHG Protocol)"
CUT_OFF = (
    "incineration with energy recovery, cut-off: burden of the user of the recovered energy "
    "(route.incineration_energy_recovery)"
)


def _waste(array, index, multiplier, step: str, flow: str, unit: str = "kg") -> Entry:
    """An amount of waste: the inventory entry × ``multiplier`` [kg, or m³ of water]."""
    return Entry(
        array=array, index=index, multiplier=multiplier, amount_unit=unit, step=step,
        category="waste treatment", flow=flow,
    )  # fmt: skip


def _computed(entry: Entry, carbon: float, basis: str) -> Term:
    """CO2 of burning the entry's kg: ``carbon`` kg C/kg × 44.009/12.011, from the formula."""
    return entry.term(conversion=carbon, value=CO2_PER_C, tier="stoichiometric", basis=basis)


class Waste:
    """Collects the waste terms of one route."""

    def __init__(self, inventory: Inventory, factors: FactorLookup, site: Site, region: str):
        self.inventory = inventory
        self.factors = factors
        self.site = site
        self.region = region
        self.materials = inventory.materials
        self.terms: list[Term] = []
        self.gaps: list[Gap] = []
        self.apart: list[Apart] = []
        self.warnings: list[str] = []

    def material(self, material_id: str) -> Material:
        return self.materials.get(material_id) or Material(id=material_id)

    def carbon(self, material_id: str) -> tuple[float, float] | None:
        """(fossil, biogenic) kg C per kg of a material, ``None`` when its carbon is unknown."""
        material = self.material(material_id)
        carbon = material.carbon_fraction  # from the formula
        if carbon is not None:
            share = self.site.biogenic.get(material_id, 0.0)
            return carbon * (1.0 - share), carbon * share
        if material.composition:
            fossil = biogenic = 0.0
            for component, share in material.composition:
                known = self.carbon(component)
                if known is None:
                    return None
                fossil += known[0] * share
                biogenic += known[1] * share
            return fossil, biogenic
        return None

    def _add(self, term: Term, incinerated: bool) -> None:
        if incinerated and self.site.energy_recovery_cutoff:
            self.apart.append(Apart(term=term, reason=CUT_OFF))
        else:
            self.terms.append(term)

    def treatment(self, entry: Entry, key: str) -> None:
        """A waste-treatment factor per the entry's unit (kg or m³)."""
        unit = entry.amount_unit
        factor = self.factors.lookup(key, self.region, unit)
        if factor is not None and factor.per_unit == unit:
            self._add(entry.with_factor(factor), key == "waste:incineration")
            return
        reason = (
            f"no factor {key} for region {self.region}"
            if factor is None
            else f"factor {key} is per {factor.per_unit}, not per {unit}"
        )
        self.gaps.append(entry.missing(reason))

    def combustion(self, entry: Entry, material_id: str) -> None:
        """Fossil CO2 (and biogenic CO2, apart) of burning the entry's kg of a material."""
        carbon = self.carbon(material_id)
        fossil_co2 = entry.at(flow=f"{entry.flow} (fossil CO2)")
        if carbon is None:
            reason = f"carbon content of '{material_id}' unknown: add its formula"
            self.gaps.append(fossil_co2.missing(reason))
            return
        fossil, biogenic = carbon
        if fossil:
            self._add(
                _computed(
                    fossil_co2, fossil,
                    f"computed: {fossil:.4f} kg fossil C/kg × 44.009/12.011 (complete oxidation)",
                ),
                True,
            )  # fmt: skip
        if biogenic:
            biogenic_co2 = entry.at(flow=f"{entry.flow} (biogenic CO2)")
            basis = f"computed: {biogenic:.4f} kg biogenic C/kg × 44.009/12.011"
            self.apart.append(Apart(term=_computed(biogenic_co2, biogenic, basis), reason=BIOGENIC))

    def spent_solvent_and_water(self) -> None:
        water = self.material("water").density or 0.9982
        for index, flow in enumerate(self.inventory.flows):
            if flow.intermediate:
                continue
            if flow.role == "solvent":
                spent = _waste(
                    "flow", index, 1.0 - flow.recovered, flow.step,
                    f"spent {flow.material} to incineration",
                )  # fmt: skip
                self.combustion(spent, flow.material)
                self.treatment(spent, "waste:incineration")
            elif flow.role == "water":
                wastewater = _waste(
                    "flow", index, 1.0 / (water * 1000.0), flow.step,
                    f"{flow.material} to wastewater", "m**3",
                )  # fmt: skip
                self.treatment(wastewater, "waste:wastewater")

    def residue(self, step_index: int, step) -> None:
        """Non-solvent, non-water inputs − product − co-products: its carbon burned and its mass
        treated.

        Linear terms on the input lines (+) and on the step's product (−), so the residue
        follows the inventory when charges or yields vary. A negative carbon balance means the
        product took carbon from solvent-role inputs, whose incineration is counted in full
        above: the negative residue term corrects that, and a warning says so.
        """
        flows = self.inventory.flows
        indices = [
            i
            for i in self.inventory.lines_of_step[step_index]
            if flows[i].role not in ("solvent", "water")
        ]
        if not indices:
            return
        members = [("flow", i, flows[i].material, 1.0) for i in indices]
        members.append(("step", step_index, step.product.material, -1.0))
        # co-products leave as products too: kg per kg of the step's product, on the step entry
        inventory = self.inventory
        for column, (line, made_by) in enumerate(
            zip(inventory.coproducts, inventory.coproduct_step, strict=True)
        ):
            if made_by == step_index:
                ratio = inventory.coproduct_columns[column] / inventory.product_columns[step_index]
                members.append(("step", step_index, line.material, -ratio))
        label = "process residue"
        unknown = [name for *_, name, _ in members if self.carbon(name) is None]
        if unknown:
            reason = "fossil CO2 of the residue not computed: formula unknown for " + ", ".join(
                dict.fromkeys(unknown)
            )
            for array, index, _, sign in members:
                entry = _waste(array, index, sign, step.id, f"{label} (fossil CO2)")
                self.gaps.append(entry.missing(reason))
        else:
            if self.inventory.variants == 1:  # the recipe as written (variants: no warnings)
                self._check_balance(step_index, step, members)
            for array, index, name, sign in members:
                self.combustion(_waste(array, index, sign, step.id, label), name)
        for array, index, _, sign in members:
            incinerated = _waste(array, index, sign, step.id, f"{label} to incineration")
            self.treatment(incinerated, "waste:incineration")

    def _check_balance(self, step_index: int, step, members) -> None:
        ev = self.inventory.result
        entries = {"flow": ev.flow[0], "step": ev.step_scale[0]}
        carbon = sum(
            float(np.mean(sign)) * float(entries[array][index]) * sum(self.carbon(name) or ())
            for array, index, name, sign in members
        )
        if carbon < 0:
            self.warnings.append(
                f"step '{step.id}': the product holds {-carbon:.3g} kg C per kg of final product "
                "more than the non-solvent inputs charge: it takes carbon from solvent-role "
                "inputs; the process residue's CO2 is negative by that amount, correcting the "
                "full incineration of those solvents"
            )


def waste_terms(inventory: Inventory, factors: FactorLookup, site: Site, region: str) -> Waste:
    """Every waste term, gap and apart-reported contribution of a route."""
    waste = Waste(inventory, factors, site, region)
    waste.spent_solvent_and_water()
    for step_index, step in enumerate(inventory.recipe.steps):
        if step.product is not None:
            waste.residue(step_index, step)
    return waste
