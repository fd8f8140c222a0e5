"""Inventory × emission factors → cradle-to-gate carbon footprint, per kg of final product.

The footprint is linear in the inventory, so it is compiled once into *terms*: each term is a
coefficient [kg CO2e per unit] applied to one entry of the evaluated inventory (an input line in
kg, an energy line in its unit, or a step's product in kg). Contributions for one or many variants
are then one multiplication (:meth:`FootprintModel.contributions`); the deterministic assessment
is the case ``N = 1``. Flows with no factor become :class:`Gap` entries with their amounts, never
zeros. The model is documented in ``docs/methodology.md``.

Categories: ``materials`` (cradle-to-gate production of raw materials, gross of recovery),
``energy`` (purchased energy, including the energy of solvent recovery), ``waste treatment``
(fossil CO2 of incinerated solvent and process residue from the carbon in the formulas, treatment
factors, wastewater), ``transport`` (freight the recipe gives) and ``credits`` (virgin material
avoided by recovered solvent, shown separately and negative).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from lca import units as u
from lca.elements import ATOMIC_WEIGHTS
from lca.engine import Columns, Evaluation
from lca.errors import FactorError, UnitError
from lca.factors import Factor, FactorSet
from lca.inventory import Inventory
from lca.materials import Material
from lca.units import magnitude

CATEGORIES = ("materials", "energy", "waste treatment", "transport", "credits")
CO2_PER_C = (ATOMIC_WEIGHTS["C"] + 2 * ATOMIC_WEIGHTS["O"]) / ATOMIC_WEIGHTS["C"]  # 44.009/12.011
# Heat given up by condensing saturated steam at 10 bar(a): h_fg = 2014.6 kJ/kg (IAPWS-IF97 steam
# tables, e.g. Cengel & Boles, Thermodynamics, Table A-5 at 1000 kPa). Used only when the recipe
# gives steam in kg and the factor is per kWh of heat, and recorded in the provenance.
DEFAULT_STEAM_HEAT_KWH_PER_KG = 2014.6 / 3600.0
STEAM_HEAT_SOURCE = (
    "default 2014.6 kJ/kg: latent heat of saturated steam at 10 bar(a), IAPWS-IF97 steam tables"
)
SPEND_SECTORS = {"organic": "325199", "inorganic": "325180"}
CURRENCIES = ("USD", "EUR", "GBP")

Array = Literal["flow", "energy", "step"]


@dataclass(frozen=True)
class Term:
    """One linear term: ``coefficient`` kg CO2e per unit of one inventory entry.

    The amount shown in reports is the entry's value × ``amount_scale``, in ``amount_unit``.
    """

    array: Array
    index: int
    coefficient: float
    amount_scale: float
    amount_unit: str
    step: str
    category: str
    flow: str
    basis: str
    factor: Factor | None = None
    note: str = ""
    carrier: str = ""


@dataclass(frozen=True)
class Gap:
    """A flow that no factor covers: shown with its amount, counted as missing, never as zero."""

    array: Array
    index: int
    amount_scale: float
    amount_unit: str
    step: str
    category: str
    flow: str
    reason: str
    carrier: str = ""


@dataclass(frozen=True)
class FootprintModel:
    """Compiled terms and gaps of one route under one factor set."""

    region: str
    terms: tuple[Term, ...]
    gaps: tuple[Gap, ...]
    steam_kwh_per_kg: float = DEFAULT_STEAM_HEAT_KWH_PER_KG

    def _values(self, ev: Evaluation, items) -> np.ndarray:
        arrays = {"flow": ev.flow, "energy": ev.energy, "step": ev.step_scale}
        columns = [arrays[item.array][:, item.index] for item in items]
        if not columns:
            return np.zeros((ev.flow.shape[0], 0))
        return np.stack(columns, axis=1)

    @staticmethod
    def _per_term(numbers: list, n: int) -> np.ndarray:
        """Scalars or (n,) arrays (variants) as an (n, T) array, or (T,) when all are scalars."""
        if all(np.ndim(x) == 0 for x in numbers):
            return np.array(numbers, dtype=float)
        if not numbers:
            return np.zeros((n, 0))
        return np.column_stack([np.broadcast_to(np.asarray(x, dtype=float), (n,)) for x in numbers])

    def contributions(
        self, ev: Evaluation, factor_scales: Mapping[str, np.ndarray] | None = None
    ) -> np.ndarray:
        """``(N, T)`` kg CO2e per kg of final product of every term.

        ``factor_scales`` maps a factor id (``key@region``, see :func:`factor_id`) to N
        multipliers of its value (Monte Carlo draws of the factor ÷ its value).
        """
        n = max([ev.flow.shape[0], *(np.size(v) for v in (factor_scales or {}).values())])
        values = self._values(ev, self.terms)
        coefficients = self._per_term([t.coefficient for t in self.terms], n)
        if factor_scales:
            scales = [
                factor_scales.get(factor_id(t.factor), 1.0) if t.factor is not None else 1.0
                for t in self.terms
            ]
            coefficients = coefficients * self._per_term(scales, n)
        return values * coefficients

    def totals(
        self, ev: Evaluation | Columns, factor_scales: Mapping[str, np.ndarray] | None = None
    ) -> dict[str, np.ndarray]:
        """``(N,)`` footprint by category and in total, without forming the (N, T) matrix.

        The same sums as :meth:`contributions`, accumulated term by term, so memory stays at a
        few arrays of N values whatever the number of terms (Monte Carlo and sweeps).
        """
        if isinstance(ev, Evaluation):
            ev = Columns(list(ev.step_scale.T), [], list(ev.flow.T), list(ev.energy.T))
        arrays = {"flow": ev.flow, "energy": ev.energy, "step": ev.step_scale}
        n = max(
            [
                1,
                *(np.size(v) for entries in arrays.values() for v in entries),
                *(np.size(v) for v in (factor_scales or {}).values()),
            ]
        )
        # terms with plain coefficients on the same entry and category add up first
        fixed: dict[tuple[str, str, int], float] = {}
        varying = []
        for term in self.terms:
            scale = (factor_scales or {}).get(factor_id(term.factor)) if term.factor else None
            if np.ndim(term.coefficient) == 0 and scale is None:
                key = (term.category, term.array, term.index)
                fixed[key] = fixed.get(key, 0.0) + float(term.coefficient)
            else:
                varying.append((term, scale))
        sums = {category: np.zeros(n) for category in CATEGORIES}
        for (category, array, index), coefficient in fixed.items():
            sums[category] += arrays[array][index] * coefficient
        for term, scale in varying:
            coefficient = term.coefficient if scale is None else term.coefficient * scale
            sums[term.category] += arrays[term.array][term.index] * coefficient
        sums["total"] = sum(sums[category] for category in CATEGORIES)
        return sums

    def amounts(self, ev: Evaluation) -> np.ndarray:
        n = ev.flow.shape[0]
        return self._values(ev, self.terms) * self._per_term(
            [t.amount_scale for t in self.terms], n
        )

    def gap_amounts(self, ev: Evaluation) -> np.ndarray:
        n = ev.flow.shape[0]
        return self._values(ev, self.gaps) * self._per_term([g.amount_scale for g in self.gaps], n)

    def factors_used(self) -> dict[str, Factor]:
        """Every factor a term uses, by :func:`factor_id`."""
        return {factor_id(t.factor): t.factor for t in self.terms if t.factor is not None}


def factor_id(factor: Factor) -> str:
    """``key@region``: the name a factor's Monte Carlo draws go by, shared by every route."""
    return f"{factor.key}@{factor.region}"


def _share(fraction) -> str:
    return f"{fraction:.0%}" if np.ndim(fraction) == 0 else "per variant"


class _Builder:
    """Collects terms and gaps while walking the inventory."""

    def __init__(self, inventory: Inventory, factors: FactorSet):
        self.inventory = inventory
        self.factors = factors
        self.recipe = inventory.recipe
        self.region = self.recipe.route.region
        self.materials = inventory.materials
        self.terms: list[Term] = []
        self.gaps: list[Gap] = []
        steam = self.recipe.route.steam_heat
        if steam is None:
            self.steam_kwh_per_kg, self.steam_source = (
                DEFAULT_STEAM_HEAT_KWH_PER_KG,
                STEAM_HEAT_SOURCE,
            )
        else:
            quantity = inventory.values.quantity(steam, f"{self.recipe.origin}: route.steam_heat")
            if quantity.dimensionality != (u.ureg.kWh / u.ureg.kg).dimensionality:
                raise FactorError(
                    f"{self.recipe.origin}: route.steam_heat: '{steam}' is not an "
                    "energy per mass (e.g. '2.0 MJ/kg')"
                )
            self.steam_kwh_per_kg = magnitude(quantity, "kWh/kg")
            self.steam_source = f"route.steam_heat = {steam} (recipe)"

    def material(self, material_id: str) -> Material:
        return self.materials.get(material_id) or Material(id=material_id)

    # -- materials and credits ------------------------------------------------------------
    def material_factor(self, material_id: str) -> tuple[Factor | None, str]:
        """The factor for a material (pinned, or ``material:<id>``) and how it was chosen."""
        props = self.recipe.materials.get(material_id)
        if props is not None and props.factor:
            factor = self.factors.lookup(props.factor, props.factor_region or self.region)
            return factor, f"pinned by the recipe to {props.factor}"
        return self.factors.lookup(f"material:{material_id}", self.region), "factor"

    def kg_coefficient(self, factor: Factor, material_id: str) -> tuple[float | None, str]:
        """kg CO2e per kg of a material from a factor per kg, m³ or mol; ``None`` if impossible."""
        material = self.material(material_id)
        if factor.per_unit == "kg":
            return factor.value, ""
        if factor.per_unit == "m**3" and material.density:
            return factor.value / (material.density * 1000.0), (
                f"per m³ at {material.density} g/mL"
            )
        if factor.per_unit == "mol" and material.molar_mass_g_per_mol:
            return factor.value * 1000.0 / material.molar_mass_g_per_mol, "per mol"
        return None, (
            f"factor {factor.key} is per {factor.per_unit} and '{material_id}' has no "
            f"{'density' if factor.per_unit == 'm**3' else 'molar mass'} to convert kg"
        )

    def add_material(self, index: int, flow) -> None:
        material_id = flow.material
        factor, basis = self.material_factor(material_id)
        parts: list[tuple[str, float, Factor | None, str]] = []  # (component, share, factor, why)
        pin = self.recipe.materials.get(material_id)
        if factor is None and pin is not None and pin.factor:
            self.gaps.append(
                Gap(
                    "flow",
                    index,
                    1.0,
                    "kg",
                    flow.step,
                    "materials",
                    material_id,
                    f"the factor {pin.factor} pinned by the recipe is in no library for region "
                    f"{pin.factor_region or self.region}",
                )
            )
            return
        if factor is not None:
            parts.append((material_id, 1.0, factor, basis))
        elif self.material(material_id).composition:
            for component, share in self.material(material_id).composition:
                component_factor, _ = self.material_factor(component)
                parts.append(
                    (
                        component,
                        share,
                        component_factor,
                        f"composition: {share:.4g} kg {component} per kg {material_id}",
                    )
                )
        else:
            spend = self.spend_factor(material_id)
            if spend is not None:
                parts.append((material_id, 1.0, *spend))
            else:
                parts.append((material_id, 1.0, None, ""))
        for component, share, part_factor, why in parts:
            label = material_id if component == material_id else f"{material_id} → {component}"
            coefficient, note = (None, "")
            if part_factor is not None:
                if part_factor.per_unit in CURRENCIES:
                    coefficient, note = self.spend_coefficient(material_id, part_factor)
                else:
                    coefficient, note = self.kg_coefficient(part_factor, component)
            if coefficient is None:
                reason = note or (
                    f"no factor material:{component} in any library for region {self.region}"
                    + self.price_hint(material_id)
                )
                self.gaps.append(
                    Gap("flow", index, share, "kg", flow.step, "materials", label, reason)
                )
                continue
            self.terms.append(
                Term(
                    "flow",
                    index,
                    share * coefficient,
                    share,
                    "kg",
                    flow.step,
                    "materials",
                    label,
                    why,
                    part_factor,
                    note,
                )
            )
            if np.any(flow.recovered > 0):
                self.terms.append(
                    Term(
                        "flow",
                        index,
                        -flow.recovered * share * coefficient,
                        flow.recovered * share,
                        "kg",
                        flow.step,
                        "credits",
                        label,
                        f"recovered {material_id} replaces virgin make-up "
                        f"({_share(flow.recovered)})",
                        part_factor,
                        note,
                    )
                )

    def price_hint(self, material_id: str) -> str:
        props = self.recipe.materials.get(material_id)
        if props is not None and props.price:
            return ""
        return (
            f"; add a factor (--factors), pin one, or give [materials.{material_id}] price "
            "for a spend-based estimate"
        )

    def spend_factor(self, material_id: str) -> tuple[Factor, str] | None:
        props = self.recipe.materials.get(material_id)
        if props is None or not props.price:
            return None
        sector = props.spend_sector
        if sector is None:
            carbon = self.material(material_id).carbon_fraction
            if carbon is None:
                raise FactorError(
                    f"{self.recipe.origin}: materials.{material_id}.spend_sector: give the NAICS "
                    "sector for the spend-based factor (the material has no formula to tell "
                    "organic from inorganic)"
                )
            sector = SPEND_SECTORS["organic" if carbon > 0 else "inorganic"]
        factor = self.factors.lookup(f"spend:naics-{sector}", self.region)
        if factor is None:
            return None
        return factor, f"SPEND-BASED: price {props.price} × {factor.key}"

    def spend_coefficient(self, material_id: str, factor: Factor) -> tuple[float | None, str]:
        price = u.parse_quantity(
            self.recipe.materials[material_id].price,
            f"{self.recipe.origin}: materials.{material_id}.price",
        )
        currency = factor.per_unit
        try:
            per_kg = float(price.m_as(f"{currency}/kg"))
        except Exception:  # pint: DimensionalityError, or no price per mass
            return None, (
                f"price '{self.recipe.materials[material_id].price}' of "
                f"'{material_id}' is not in {currency} per mass, as {factor.key} needs"
            )
        return per_kg * factor.value, f"{per_kg:g} {currency}/kg"

    # -- energy -------------------------------------------------------------------------------
    def energy_coefficient(
        self, carrier: str, unit: str
    ) -> tuple[Factor | None, float | None, str]:
        factor = self.factors.lookup(f"energy:{carrier}", self.region)
        if factor is None:
            return None, None, f"no factor energy:{carrier} for region {self.region}"
        if factor.per_unit == unit:
            return factor, factor.value, ""
        if unit == "kg" and factor.per_unit == "kWh" and carrier == "steam":
            return (
                factor,
                factor.value * self.steam_kwh_per_kg,
                (f"steam: {self.steam_kwh_per_kg * 3.6:.4g} MJ/kg ({self.steam_source})"),
            )
        return (
            factor,
            None,
            (f"factor energy:{carrier} is per {factor.per_unit} but the recipe gives {unit}"),
        )

    def add_energy(self, index: int, line) -> None:
        factor, coefficient, note = self.energy_coefficient(line.carrier, line.unit)
        if coefficient is None:
            self.gaps.append(
                Gap("energy", index, 1.0, line.unit, line.step, "energy", line.carrier, note)
            )
            return
        self.terms.append(
            Term(
                "energy",
                index,
                coefficient,
                1.0,
                line.unit,
                line.step,
                "energy",
                line.carrier,
                "factor",
                factor,
                note,
            )
        )

    def add_recovery_energy(self, index: int, flow) -> None:
        if np.all(flow.recovered <= 0):
            return
        label = f"recovery of {flow.material}"
        if not flow.recovery_energy:
            self.gaps.append(
                Gap(
                    "flow",
                    index,
                    flow.recovered,
                    "kg recovered",
                    flow.step,
                    "energy",
                    label,
                    f"the energy to recover {flow.material} is not given: add recovery_energy to "
                    "the input (per kg recovered, with its source)",
                )
            )
            return
        for line in flow.recovery_energy:
            factor, coefficient, note = self.energy_coefficient(line.carrier, line.unit)
            scale = flow.recovered * line.per_kg
            if coefficient is None:
                self.gaps.append(
                    Gap(
                        "flow",
                        index,
                        scale,
                        line.unit,
                        flow.step,
                        "energy",
                        f"{label} ({line.carrier})",
                        note,
                    )
                )
                continue
            self.terms.append(
                Term(
                    "flow",
                    index,
                    scale * coefficient,
                    scale,
                    line.unit,
                    flow.step,
                    "energy",
                    f"{label} ({line.carrier})",
                    f"recovery energy: {line.source}",
                    factor,
                    note,
                )
            )

    # -- waste ---------------------------------------------------------------------------------
    def carbon_fraction(self, material_id: str) -> float | None:
        material = self.material(material_id)
        if material.formula:
            return material.carbon_fraction
        if material.composition:
            fractions = [(self.carbon_fraction(c), share) for c, share in material.composition]
            if all(f is not None for f, _ in fractions):
                return sum(f * share for f, share in fractions)
        return None

    def treatment(
        self, array: Array, index: int, scale: float, step: str, label: str, key: str, unit: str
    ) -> None:
        """A waste-treatment factor per ``unit`` (kg or m³) applied to ``scale`` × the entry."""
        factor = self.factors.lookup(key, self.region)
        if factor is not None and factor.per_unit == unit:
            self.terms.append(
                Term(
                    array,
                    index,
                    scale * factor.value,
                    scale,
                    unit,
                    step,
                    "waste treatment",
                    label,
                    "factor",
                    factor,
                )
            )
            return
        reason = (
            f"no factor {key} for region {self.region}"
            if factor is None
            else f"factor {key} is per {factor.per_unit}, not per {unit}"
        )
        self.gaps.append(Gap(array, index, scale, unit, step, "waste treatment", label, reason))

    def add_waste(self) -> None:
        inventory = self.inventory
        water = self.material("water").density or 0.9982
        for index, flow in enumerate(inventory.flows):
            if flow.role == "solvent" and not flow.intermediate:
                spent = 1.0 - flow.recovered
                label = f"spent {flow.material} to incineration"
                self.fossil_co2("flow", index, spent, flow.step, label, flow.material)
                self.treatment("flow", index, spent, flow.step, label, "waste:incineration", "kg")
            elif flow.role == "water" and not flow.intermediate:
                self.treatment(
                    "flow",
                    index,
                    1.0 / (water * 1000.0),
                    flow.step,
                    f"{flow.material} to wastewater",
                    "waste:wastewater",
                    "m**3",
                )
        for step_index, step in enumerate(self.recipe.steps):
            self.add_residue(step_index, step)

    def fossil_co2(
        self, array: Array, index: int, scale: float, step: str, label: str, material_id: str
    ) -> None:
        fraction = self.carbon_fraction(material_id)
        if fraction is None:
            self.gaps.append(
                Gap(
                    array,
                    index,
                    scale,
                    "kg",
                    step,
                    "waste treatment",
                    f"{label} (fossil CO2)",
                    f"carbon content of '{material_id}' unknown: add its formula",
                )
            )
            return
        self.terms.append(
            Term(
                array,
                index,
                scale * fraction * CO2_PER_C,
                scale,
                "kg",
                step,
                "waste treatment",
                f"{label} (fossil CO2)",
                f"computed: {fraction:.4f} kg C/kg × 44.009/12.011 (complete oxidation)",
            )
        )

    def add_residue(self, step_index: int, step) -> None:
        """Process residue = non-solvent, non-water inputs − product, by the step's mass balance.

        Its fossil CO2 is the carbon balance (carbon charged − carbon in the product, times
        44.009/12.011); its treatment is the incineration factor per kg of residue. Both are
        linear terms on the input lines (+) and on the step's product (−), so the residue keeps
        tracking the inventory when charges or yields vary.
        """
        flows = self.inventory.flows
        indices = [
            i
            for i, flow in enumerate(flows)
            if flow.step == step.id and flow.role not in ("solvent", "water")
        ]
        if not indices:
            return
        product = step.product.material
        members = [(("flow", i), flows[i].material, 1.0) for i in indices]
        members.append((("step", step_index), product, -1.0))
        unknown = [name for _, name, _ in members if self.carbon_fraction(name) is None]
        label = "process residue"
        if unknown:
            reason = "fossil CO2 of the residue not computed: formula unknown for " + ", ".join(
                dict.fromkeys(unknown)
            )
            for (array, index), _, sign in members:
                self.gaps.append(
                    Gap(
                        array,
                        index,
                        sign,
                        "kg",
                        step.id,
                        "waste treatment",
                        f"{label} (fossil CO2)",
                        reason,
                    )
                )
        else:
            for (array, index), name, sign in members:
                fraction = self.carbon_fraction(name)
                if fraction:
                    self.terms.append(
                        Term(
                            array,
                            index,
                            sign * fraction * CO2_PER_C,
                            sign * fraction,
                            "kg C",
                            step.id,
                            "waste treatment",
                            f"{label} (fossil CO2)",
                            "computed: carbon charged − carbon in the product, × 44.009/12.011",
                        )
                    )
        for (array, index), _, sign in members:
            self.treatment(
                array, index, sign, step.id, f"{label} to incineration", "waste:incineration", "kg"
            )

    # -- transport ----------------------------------------------------------------------------
    def add_transport(self) -> None:
        for position, leg in enumerate(self.recipe.transport):
            location = f"transport[{position}] ({leg.material})"
            where = f"{self.recipe.origin}: {location}"
            try:
                distance = self.inventory.values.quantity(leg.distance, f"{location}.distance")
            except UnitError as exc:
                raise FactorError(f"{self.recipe.origin}: {exc}") from None
            if distance.dimensionality != u.ureg.km.dimensionality:
                raise FactorError(f"{where}.distance: '{leg.distance}' is not a distance")
            km = magnitude(distance, "km")
            indices = [
                i
                for i, f in enumerate(self.inventory.flows)
                if f.material == leg.material and not f.intermediate
            ]
            if not indices:
                raise FactorError(
                    f"{where}.material: '{leg.material}' is not a raw material of this route"
                )
            factor = self.factors.lookup(f"transport:{leg.mode}", self.region)
            for i in indices:
                step = self.inventory.flows[i].step
                label = f"{leg.material} by {leg.mode}, {leg.distance}"
                if factor is None or factor.per_unit != "t*km":
                    self.gaps.append(
                        Gap(
                            "flow",
                            i,
                            km / 1000.0,
                            "t*km",
                            step,
                            "transport",
                            label,
                            f"no factor transport:{leg.mode} per t·km",
                        )
                    )
                    continue
                self.terms.append(
                    Term(
                        "flow",
                        i,
                        km / 1000.0 * factor.value,
                        km / 1000.0,
                        "t*km",
                        step,
                        "transport",
                        label,
                        "factor",
                        factor,
                    )
                )


def build_footprint_model(inventory: Inventory, factors: FactorSet) -> FootprintModel:
    """Compile the footprint terms and gaps of an inventory under a factor set.

    Raises
    ------
    FactorError
        If a recipe field the footprint needs is invalid (transport, price, steam heat).
    """
    builder = _Builder(inventory, factors)
    for index, flow in enumerate(inventory.flows):
        if not flow.intermediate:
            builder.add_material(index, flow)
            builder.add_recovery_energy(index, flow)
    for index, line in enumerate(inventory.energy_lines):
        builder.add_energy(index, line)
    builder.add_waste()
    builder.add_transport()
    return FootprintModel(
        builder.region, tuple(builder.terms), tuple(builder.gaps), builder.steam_kwh_per_kg
    )


@dataclass(frozen=True)
class Footprint:
    """A route's footprint [kg CO2e / kg product] with contributions, provenance and coverage."""

    model: FootprintModel
    inventory: Inventory
    contributions: np.ndarray
    amounts: np.ndarray
    gap_amounts: np.ndarray

    @property
    def total(self) -> float:
        """Net total, credits included [kg CO2e / kg product]."""
        return float(self.contributions.sum())

    def _group(self, attribute: str) -> dict[str, float]:
        totals: dict[str, float] = {}
        for term, value in zip(self.model.terms, self.contributions, strict=True):
            key = getattr(term, attribute)
            totals[key] = totals.get(key, 0.0) + float(value)
        return totals

    def by_category(self) -> dict[str, float]:
        """Every category, in a fixed order, zero where nothing contributes."""
        grouped = self._group("category")
        return {category: grouped.get(category, 0.0) for category in CATEGORIES}

    def by_step(self) -> dict[str, float]:
        grouped = self._group("step")
        return {step: grouped.get(step, 0.0) for step in self.inventory.step_ids}

    def by_flow(self) -> dict[str, float]:
        return dict(sorted(self._group("flow").items(), key=lambda item: -abs(item[1])))

    @property
    def gaps(self) -> list[dict]:
        """Uncovered flows, amounts added up by (step, category, flow, reason)."""
        merged: dict[tuple, dict] = {}
        for gap, amount in zip(self.model.gaps, self.gap_amounts, strict=True):
            key = (gap.step, gap.category, gap.flow, gap.amount_unit, gap.reason)
            entry = merged.setdefault(
                key,
                {
                    "step": gap.step,
                    "category": gap.category,
                    "flow": gap.flow,
                    "amount": 0.0,
                    "unit": gap.amount_unit,
                    "reason": gap.reason,
                },
            )
            entry["amount"] += float(amount)
        return list(merged.values())

    def mass_coverage(self) -> float:
        """Share of raw-material input mass that a cradle-to-gate factor covers [0-1]."""
        flow = self.inventory.result.flow[0]
        raw = self.inventory.route.is_raw
        covered = np.zeros_like(flow)
        for term in self.model.terms:
            if term.category == "materials" and term.array == "flow":
                covered[term.index] += term.amount_scale
        total = float(flow[raw].sum())
        return float((flow * np.minimum(covered, 1.0))[raw].sum()) / total if total else 1.0

    def energy_coverage(self) -> float | None:
        """Share of energy with a factor [0-1], in kWh (steam converted at the steam heat).

        Energy in other units (m³ of gas) and recovery energy that the recipe does not give
        cannot be put in kWh; they are listed in :attr:`gaps` but not in this share.
        """

        def kwh(amount: float, unit: str, carrier: str) -> float:
            if unit == "kWh":
                return amount
            if unit == "kg" and carrier == "steam":
                return amount * self.model.steam_kwh_per_kg
            return 0.0

        covered = sum(
            kwh(float(amount), term.amount_unit, term.carrier)
            for term, amount in zip(self.model.terms, self.amounts, strict=True)
            if term.category == "energy"
        )
        missing = sum(
            kwh(float(amount), gap.amount_unit, gap.carrier)
            for gap, amount in zip(self.model.gaps, self.gap_amounts, strict=True)
            if gap.category == "energy"
        )
        return covered / (covered + missing) if covered + missing else None

    def provenance(self) -> list[dict]:
        """One row per term: flow, amount, factor, value, source, licence, data quality."""
        rows = []
        for term, amount, value in zip(
            self.model.terms, self.amounts, self.contributions, strict=True
        ):
            factor = term.factor
            rows.append(
                {
                    "step": term.step,
                    "category": term.category,
                    "flow": term.flow,
                    "amount": float(amount),
                    "unit": term.amount_unit,
                    "basis": term.basis,
                    "factor_key": factor.key if factor else "",
                    "factor_region": factor.region if factor else "",
                    "factor_value": factor.value if factor else None,
                    "factor_unit": f"kg CO2e/{factor.per_unit}" if factor else "",
                    "kg_co2e": float(value),
                    "source": factor.source if factor else term.basis,
                    "licence": factor.licence if factor else "",
                    "data_quality": factor.data_quality if factor else "computed",
                    "library": factor.library if factor else "",
                    "fallback": factor.fallback if factor else "",
                    "note": term.note,
                }
            )
        return rows

    def summary(self) -> list[dict]:
        """Contributions added up by (step, category, flow), largest first."""
        merged: dict[tuple[str, str, str], dict] = {}
        for row in self.provenance():
            entry = merged.setdefault(
                (row["step"], row["category"], row["flow"]),
                {
                    "step": row["step"],
                    "category": row["category"],
                    "flow": row["flow"],
                    "amount": 0.0,
                    "unit": row["unit"],
                    "kg_co2e": 0.0,
                    "factors": [],
                    "fallback": False,
                },
            )
            entry["amount"] += row["amount"]
            entry["kg_co2e"] += row["kg_co2e"]
            if entry["unit"] != row["unit"]:
                entry["unit"] = "mixed"
            label = (
                f"{row['factor_key']} ({row['factor_region']})" if row["factor_key"] else "computed"
            )
            if row["basis"].startswith("SPEND-BASED"):
                label = f"SPEND-BASED {label}"
            if label not in entry["factors"]:
                entry["factors"].append(label)
            entry["fallback"] = entry["fallback"] or bool(row["fallback"])
        return sorted(merged.values(), key=lambda entry: -abs(entry["kg_co2e"]))

    def to_frame(self):
        """The provenance table as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.provenance())


def evaluate_footprint(model: FootprintModel, inventory: Inventory) -> Footprint:
    """The deterministic footprint of an inventory (variant axis of length 1)."""
    ev = inventory.result
    return Footprint(
        model=model,
        inventory=inventory,
        contributions=model.contributions(ev)[0],
        amounts=model.amounts(ev)[0],
        gap_amounts=model.gap_amounts(ev)[0],
    )


def strict_check(footprint: Footprint, origin: str) -> None:
    """Raise :class:`FactorError` naming every uncovered flow (for ``--strict``)."""
    gaps = footprint.gaps
    if gaps:
        raise FactorError(
            "\n".join(
                f"{origin}: --strict: step '{g['step']}' {g['category']} '{g['flow']}' "
                f"({g['amount']:.4g} {g['unit']} per kg product) has no factor: {g['reason']}"
                for g in gaps
            )
        )
