"""A route's evaluated footprint: totals, contributions, provenance, coverage and data quality."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lca.arrays import Floats
from lca.footprint.model import CATEGORIES, FootprintModel
from lca.footprint.waste import BIOGENIC, CUT_OFF
from lca.tiers import TIERS

if TYPE_CHECKING:
    from lca.inventory import Inventory

UNCOVERED = "uncovered"


def category_assessed(inventory: Inventory, category: str) -> bool:
    """Whether a route models anything in a category (transport legs, recovery credits on any
    line, inputs and cleaning alike); a category it does not model is 'not assessed', not 0."""
    if category == "transport":
        return bool(inventory.recipe.transport)
    if category == "credits":
        return any(np.any(flow.recovered > 0) for flow in inventory.flows)
    return True


@dataclass(frozen=True)
class Footprint:
    """A route's footprint [kg CO2e / kg product] with contributions, provenance and coverage."""

    model: FootprintModel
    inventory: Inventory
    contributions: Floats
    amounts: Floats
    gap_amounts: Floats
    apart_values: Floats

    @property
    def total(self) -> float:
        """Net total, credits included [kg CO2e / kg product]."""
        return float(self.contributions.sum())

    @property
    def gwp_set(self) -> str:
        return self.model.gwp_set

    @property
    def warnings(self) -> tuple[str, ...]:
        return self.model.warnings

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

    def assessed(self, category: str) -> bool:
        """Whether the recipe models anything in a category (:func:`category_assessed`)."""
        return category_assessed(self.inventory, category)

    def by_step(self) -> dict[str, float]:
        grouped = self._group("step")
        return {step: grouped.get(step, 0.0) for step in self.inventory.step_ids}

    def by_flow(self) -> dict[str, float]:
        return dict(sorted(self._group("flow").items(), key=lambda item: -abs(item[1])))

    def by_tier(self) -> dict[str, float]:
        """Gross footprint (credits left out) by how its numbers were obtained."""
        totals: dict[str, float] = {}
        for term, value in zip(self.model.terms, self.contributions, strict=True):
            if term.category != "credits":
                totals[term.tier] = totals.get(term.tier, 0.0) + float(value)
        return dict(sorted(totals.items(), key=lambda item: -item[1]))

    def tier_shares(self) -> dict[str, float]:
        """Share of the gross footprint resting on each tier [0-1] (a data-quality summary,
        akin to a primary-data share)."""
        totals = self.by_tier()
        gross = sum(totals.values())
        return {tier: value / gross for tier, value in totals.items()} if gross else {}

    # -- reported apart ----------------------------------------------------------------------
    def _apart(self, reason: str) -> float:
        return float(
            sum(
                value
                for apart, value in zip(self.model.apart, self.apart_values, strict=True)
                if apart.reason == reason
            )
        )

    @property
    def biogenic_co2(self) -> float:
        """Biogenic CO2 emitted [kg CO2 / kg product], reported apart from the total."""
        return self._apart(BIOGENIC)

    @property
    def cut_off(self) -> float:
        """Combustion emissions the incineration cut-off gives to the user of the recovered
        energy [kg CO2e / kg product] (zero unless the recipe applies the cut-off)."""
        return self._apart(CUT_OFF)

    # -- market-based electricity ------------------------------------------------------------
    def electricity_kwh(self) -> float:
        """Electricity with a factor, per kg of product [kWh]."""
        return float(
            sum(
                amount
                for term, amount in zip(self.model.terms, self.amounts, strict=True)
                if term.carrier == "electricity" and term.amount_unit == "kWh"
            )
        )

    def market_based_total(self) -> float | None:
        """The total with electricity at the recipe's contractual rate (GHG Protocol Scope 2
        market-based method), ``None`` when the recipe gives no instrument.

        The share the instrument does not cover takes the residual-mix rate the recipe gives,
        else the location-based factor (disclosed in :meth:`market_based_note`).
        """
        market = self.model.market
        if market is None:
            return None
        location = sum(
            float(value)
            for term, value in zip(self.model.terms, self.contributions, strict=True)
            if term.carrier == "electricity" and term.amount_unit == "kWh"
        )
        kwh = self.electricity_kwh()
        rest = (
            market.residual_kg_per_kwh * kwh * (1 - market.share)
            if market.residual_kg_per_kwh is not None
            else location * (1 - market.share)
        )
        return self.total - location + market.kg_per_kwh * kwh * market.share + rest

    def market_based_note(self) -> str:
        market = self.model.market
        if market is None:
            return ""
        rest = (
            "residual mix as given"
            if market.residual_kg_per_kwh is not None
            else "location-based factor (no residual mix given)"
        )
        return (
            f"market-based: {market.share:.0%} of electricity at {market.kg_per_kwh:g} kg CO2e/kWh "
            f"({market.instrument}; {market.source}); the rest at the {rest}"
        )

    # -- gaps and coverage -------------------------------------------------------------------
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

    @property
    def is_lower_bound(self) -> bool:
        """True when some flow has no factor: the total leaves it out."""
        return bool(self.model.gaps)

    def _raw_lines(self):
        """(flow, kg per kg product, is water) of every raw-material line."""
        flow = self.inventory.result.flow[0]
        raw = self.inventory.route.is_raw
        for index, line in enumerate(self.inventory.flows):
            if raw[index]:
                yield index, line, float(flow[index]), line.role == "water"

    def _covered_shares(self) -> dict[int, dict[str, float]]:
        """Per raw line, the share of its mass covered by each tier."""
        shares: dict[int, dict[str, float]] = {}
        for term in self.model.terms:
            if term.category == "materials" and term.array == "flow":
                entry = shares.setdefault(term.index, {})
                entry[term.tier] = entry.get(term.tier, 0.0) + float(np.mean(term.multiplier))
        return shares

    def coverage_by_tier(self) -> dict[str, float]:
        """Share of **non-water** raw-material mass covered by each tier, and uncovered [0-1]."""
        shares = self._covered_shares()
        masses: dict[str, float] = {}
        total = 0.0
        for index, _, kg, water in self._raw_lines():
            if water:
                continue
            total += kg
            covered = 0.0
            for tier, share in shares.get(index, {}).items():
                part = min(share, 1.0 - covered)
                masses[tier] = masses.get(tier, 0.0) + kg * part
                covered += part
            masses[UNCOVERED] = masses.get(UNCOVERED, 0.0) + kg * (1.0 - covered)
        if not total:
            return {}
        order = [*TIERS, UNCOVERED]
        return {
            tier: masses[tier] / total
            for tier in sorted(masses, key=lambda t: order.index(t) if t in order else 0)
            if masses[tier] > 0 or tier == UNCOVERED
        }

    def mass_coverage(self) -> float:
        """Share of non-water raw-material mass that some factor covers [0-1]."""
        tiers = self.coverage_by_tier()
        return 1.0 - tiers.get(UNCOVERED, 0.0) if tiers else 1.0

    def water_coverage(self) -> float | None:
        """Share of water mass with a factor [0-1] (water is not evidence of coverage, so it is
        counted apart); ``None`` without water."""
        shares = self._covered_shares()
        water = [
            (kg, min(sum(shares.get(i, {}).values()), 1.0))
            for i, _, kg, is_water in self._raw_lines()
            if is_water
        ]
        total = sum(kg for kg, _ in water)
        return sum(kg * share for kg, share in water) / total if total else None

    def uncertain_mass(self, tiers: tuple[str, ...] = (UNCOVERED,)) -> float:
        """Non-water raw-material mass per kg of product [kg/kg] that rests on ``tiers``."""
        total = sum(kg for *_, kg, water in self._raw_lines() if not water)
        coverage = self.coverage_by_tier()
        return total * sum(coverage.get(tier, 0.0) for tier in tiers)

    def total_without(self, tiers: tuple[str, ...]) -> float:
        """The total less every material term (and its credit) resting on ``tiers``: what the
        footprint would be if those materials had a factor of zero."""
        return self.total - float(
            sum(
                value
                for term, value in zip(self.model.terms, self.contributions, strict=True)
                if term.tier in tiers and term.category in ("materials", "credits")
            )
        )

    def energy_coverage(self) -> float | None:
        """Share of energy with a factor [0-1], in kWh (steam converted at its heat per kg).

        Energy in other units (m³ of gas, litres of fuel) and recovery energy that the recipe
        does not give cannot be put in kWh: they are listed in :attr:`gaps`, counted by
        :meth:`unquantified_energy_gaps`, and make the footprint a lower bound.
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

    def unquantified_energy_gaps(self) -> int:
        """Energy gaps that cannot be expressed in kWh (no unit match, recovery energy unknown)."""
        return sum(
            1
            for gap in self.model.gaps
            if gap.category == "energy"
            and not (
                gap.amount_unit == "kWh" or (gap.amount_unit == "kg" and gap.carrier == "steam")
            )
        )

    def gwp_mismatch_share(self) -> float:
        """Share of the gross footprint from factor components published on another GWP basis
        than the run's (used as published, not converted)."""
        gross = mismatched = 0.0
        for term, value in zip(self.model.terms, self.contributions, strict=True):
            if term.category == "credits":
                continue
            gross += float(value)
            factor = term.factor
            if factor is not None and factor.value:
                off = sum(r.kg_co2e_per_unit for r in factor.rows if r.basis_mismatch)
                mismatched += float(value) * off / factor.value
        return mismatched / gross if gross else 0.0

    def data_quality(self) -> dict:
        """The route's data-quality summary: tiers of the footprint and of the mass, gaps."""
        return {
            "gwp_basis": self.gwp_set,
            "footprint_share_by_tier": self.tier_shares(),
            "mass_coverage_by_tier": self.coverage_by_tier(),
            "water_coverage": self.water_coverage(),
            "energy_coverage": self.energy_coverage(),
            "unquantified_energy_gaps": self.unquantified_energy_gaps(),
            "lower_bound": self.is_lower_bound,
            "gwp_basis_mismatch_share": self.gwp_mismatch_share(),
        }

    # -- provenance --------------------------------------------------------------------------
    def provenance(self) -> list[dict]:
        """One row per term: flow, amount, factor, value, tier, source, licence, data quality."""
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
                    "tier": term.tier,
                    "factor_key": factor.key if factor else "",
                    "factor_region": factor.region if factor else "",
                    "factor_value": factor.value if factor else term.value,
                    "factor_unit": f"kg CO2e/{factor.per_unit}" if factor else "kg CO2/kg C",
                    "conversion": float(np.mean(term.conversion)),
                    "allocation": float(np.mean(term.allocation)),
                    "sign": term.sign,
                    "kg_co2e": float(value),
                    "gwp_basis": factor.basis if factor else self.gwp_set,
                    "source": factor.source if factor else term.basis,
                    "licence": factor.licence if factor else "",
                    "data_quality": factor.data_quality if factor else "computed",
                    "library": factor.library if factor else "",
                    "fallback": factor.fallback if factor else "",
                    "note": "; ".join(
                        part for part in (term.note, factor.gwp_note if factor else "") if part
                    ),
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
                    "tiers": [],
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
            if row["tier"] == "spend-based":
                label = f"SPEND-BASED {label}"
            if label not in entry["factors"]:
                entry["factors"].append(label)
            if row["tier"] not in entry["tiers"]:
                entry["tiers"].append(row["tier"])
            entry["fallback"] = entry["fallback"] or bool(row["fallback"])
        return sorted(merged.values(), key=lambda entry: -abs(entry["kg_co2e"]))

    def by_category_flow(self) -> dict[str, float]:
        """The footprint by ``category: flow``, steps added up [kg CO2e / kg product]."""
        totals: dict[str, float] = {}
        for row in self.summary():
            key = f"{row['category']}: {row['flow']}"
            totals[key] = totals.get(key, 0.0) + row["kg_co2e"]
        return totals

    def to_frame(self):
        """The provenance table as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.provenance())


def evaluate_footprint(model: FootprintModel, inventory: Inventory) -> Footprint:
    """The deterministic footprint of an inventory (variant axis of length 1)."""
    ev = inventory.result
    apart_terms = tuple(a.term for a in model.apart)
    apart = model._matrix(ev, apart_terms, lambda t: t.coefficient)[0]
    return Footprint(
        model=model,
        inventory=inventory,
        contributions=model.contributions(ev)[0],
        amounts=model.amounts(ev)[0],
        gap_amounts=model.gap_amounts(ev)[0],
        apart_values=apart,
    )


def strict_check(footprint: Footprint, origin: str) -> None:
    """Raise :class:`FactorError` naming every uncovered flow (for ``--strict``)."""
    from lca.errors import FactorError

    gaps = footprint.gaps
    if gaps:
        raise FactorError(
            "\n".join(
                f"{origin}: --strict: step '{g['step']}' {g['category']} '{g['flow']}' "
                f"({g['amount']:.4g} {g['unit']} per kg product) has no factor: {g['reason']}"
                for g in gaps
            )
        )
