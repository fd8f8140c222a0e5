"""Purchased energy: utilities, facility overheads and the energy of solvent recovery.

Each energy line is matched to the factor of its carrier for the site region (``energy:<carrier>``)
in the line's unit; steam given in kg meets a factor per kWh of heat through the heat per kg of
steam (:mod:`lca.steam`). Electricity factors are checked for scope: a complete factor covers
generation, the upstream supply of fuels and transmission and distribution losses; a factor that
lacks a part is used and flagged, never silently mixed with complete ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from lca.factors import Factor, FactorLookup
from lca.footprint.model import Entry, Gap, Term, factor_id
from lca.site import Site

if TYPE_CHECKING:
    from lca.inventory import Inventory

ELECTRICITY_PARTS = ("generation", "upstream", "T&D losses")
FUELS = ("natural-gas", "fuel-oil", "gas-oil", "diesel", "lpg", "coal", "biomass")


def electricity_parts(factor: Factor) -> set[str]:
    """Which parts of a complete electricity factor (generation, upstream, T&D losses) the
    factor's components cover, read from their ``scope`` (``generation``, ``well-to-tank``,
    ``transmission and distribution losses``, ``life-cycle``: the bundled library's wording)."""
    parts: set[str] = set()
    for row in factor.rows:
        text = row.scope.lower()
        if row.tier == "computed":
            # solved from LCI data: generation with its upstream fuel chain
            parts |= {"generation", "upstream"}
            if "loss" in f"{row.name} {row.notes}".lower():
                parts.add("T&D losses")
            continue
        if "well-to-tank" in text or "upstream" in text:
            parts.add("upstream")
        elif "transmission" in text or "t&d" in text:
            parts.add("T&D losses")
        if "life-cycle" in text:
            parts |= {"generation", "upstream"}
        elif "generation" in text and "well-to-tank" not in text:
            parts.add("generation")
    return parts


class EnergyFactors:
    """Finds the factor of a carrier in a unit, for one site."""

    def __init__(self, factors: FactorLookup, site: Site, region: str):
        self.factors = factors
        self.site = site
        self.region = region
        self.warnings: list[str] = []
        self._warned: set[str] = set()

    def find(self, carrier: str, unit: str) -> tuple[Factor | None, float | None, str]:
        """(factor, conversion from ``unit`` to the factor's unit, note)."""
        factor = self.factors.lookup(f"energy:{carrier}", self.region, unit)
        if factor is None:
            return None, None, f"no factor energy:{carrier} for region {self.region}"
        self._check(factor, carrier)
        if factor.per_unit == unit:
            return factor, 1.0, ""
        if unit == "kg" and factor.per_unit == "kWh" and carrier == "steam":
            steam = self.site.steam
            return (
                factor,
                steam.kwh_per_kg,
                f"steam: {steam.kj_per_kg / 1000:.4g} MJ/kg ({steam.source})",
            )
        return (
            factor,
            None,
            (f"factor energy:{carrier} is per {factor.per_unit} but the recipe gives {unit}"),
        )

    def _check(self, factor: Factor, carrier: str) -> None:
        key = factor_id(factor)
        if key in self._warned:
            return
        self._warned.add(key)
        if factor.fallback and carrier in ("electricity", "natural-gas"):
            self.warnings.append(
                f"energy:{carrier}: the site region {self.region} has no factor of its own; "
                f"{factor.fallback} (a fallback, not the site's grid or supply)"
            )
        if carrier == "electricity":
            missing = [p for p in ELECTRICITY_PARTS if p not in electricity_parts(factor)]
            if missing:
                self.warnings.append(
                    f"energy:electricity ({factor.region}, {factor.library}) does not cover "
                    f"{' and '.join(missing)}: the electricity footprint is incomplete by those "
                    "parts (scope differs from a generation + upstream + T&D factor)"
                )


def _line_term(energy: EnergyFactors, entry: Entry, carrier: str, basis: str) -> Term | Gap:
    factor, conversion, note = energy.find(carrier, entry.amount_unit)
    if factor is None or conversion is None:
        return entry.missing(note, carrier=carrier)
    return entry.with_factor(factor, conversion=conversion, basis=basis, note=note, carrier=carrier)


def energy_terms(inventory: Inventory, energy: EnergyFactors) -> tuple[list[Term], list[Gap]]:
    """Terms of every energy line and of the energy of solvent recovery."""
    items: list[Term | Gap] = []
    for index, line in enumerate(inventory.energy_lines):
        entry = Entry(
            array="energy", index=index, amount_unit=line.unit, step=line.step,
            category="energy", flow=line.carrier,
        )  # fmt: skip
        items.append(_line_term(energy, entry, line.carrier, "factor"))
    for index, flow in enumerate(inventory.flows):
        if flow.intermediate or np.all(flow.recovered <= 0):
            continue
        label = f"recovery of {flow.material}"
        recovery = Entry(
            array="flow", index=index, multiplier=flow.recovered, amount_unit="kg recovered",
            step=flow.step, category="energy", flow=label,
        )  # fmt: skip
        if not flow.recovery_energy:
            items.append(
                recovery.missing(
                    f"the energy to recover {flow.material} is not given: add "
                    "recovery_energy to the input (per kg recovered, with its source); the "
                    "recovery credit is counted without the energy it costs"
                )
            )
            continue
        for spent in flow.recovery_energy:
            entry = recovery.at(
                multiplier=flow.recovered * spent.per_kg,
                amount_unit=spent.unit,
                flow=f"{label} ({spent.carrier})",
            )
            basis = f"recovery energy: {spent.source}"
            items.append(_line_term(energy, entry, spent.carrier, basis))
    terms = [item for item in items if isinstance(item, Term)]
    gaps = [item for item in items if isinstance(item, Gap)]
    return terms, gaps


def double_counting(recipe) -> list[str]:
    """A warning when a recipe buys steam and also the fuel a steam boiler burns."""
    carriers: dict[str, list[str]] = {}
    lines = [(s.id, e.carrier) for s in recipe.steps for e in s.energy]
    if recipe.facility is not None:
        lines += [("facility", e.carrier) for e in recipe.facility.overheads]
    for step in recipe.steps:
        for item in step.inputs:
            lines += [(step.id, r.carrier) for r in item.recovery_energy]
    for where, carrier in lines:
        carriers.setdefault(carrier, []).append(where)
    fuels = [c for c in carriers if c in FUELS]
    if "steam" in carriers and fuels:
        return [
            f"the recipe buys steam ({', '.join(dict.fromkeys(carriers['steam']))}) and also "
            f"{', '.join(fuels)} ({', '.join(dict.fromkeys(w for f in fuels for w in carriers[f]))}"
            "): if that fuel raises the steam, its emissions are counted twice; give one or the "
            "other"
        ]
    return []
