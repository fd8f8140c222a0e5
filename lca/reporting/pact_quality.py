"""The computed parts of a PACT product footprint: data quality, primary data, exemptions, sources.

Everything here is read from a :class:`~lca.footprint.Footprint`; the rules that turn greenroute's
tiers and gaps into PACT's fields are documented in docs/pact.md:

- **Data-quality ratings** (``dqi``): PACT rates technological, temporal and geographical
  representativeness, completeness and reliability from 1 (good) to 3 (poor), as the
  contribution-weighted average over the inputs that each carry more than 5 % of the footprint
  (PACT Technical Specifications 2.3, DataQualityIndicators). greenroute's factor tiers carry
  pedigree scores from 1 to 5 on the same five indicators (:mod:`lca.tiers`); a score ``s`` is
  put on PACT's scale as ``1 + (s - 1) / 2`` (1 → 1, 3 → 2, 5 → 3), a linear mapping chosen by
  greenroute.
- **Primary data share**: the recipe (the foreground) is the data owner's primary activity data,
  but every emission factor from a library is secondary data. Primary are the emissions computed
  from the recipe alone (the fossil CO2 of the route's incinerated waste, from its formulas) and
  those resting on libraries the data owner declares supplier-specific (``primary_libraries``).
- **Exempted emissions**: greenroute cannot know the emissions of a flow without a factor, so a
  footprint with gaps needs the data owner's estimate of their share; it is checked against the
  0-5 % PACT 2.x allows, never clamped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lca.footprint import Footprint
from lca.tiers import TIERS

DQI_THRESHOLD = 0.05
"""An input is rated when it carries more than this share of the gross footprint."""
MAX_EXEMPTED_PERCENT = 5.0
"""PACT Technical Specifications 2.3: exemptedEmissionsPercent is between 0 and 5 inclusive."""
PRIMARY_TIERS = ("stoichiometric",)
"""Contributions computed from the recipe alone, with no library factor."""
DQI_FIELDS = {
    "technological": "technologicalDQR",
    "temporal": "temporalDQR",
    "geographical": "geographicalDQR",
    "completeness": "completenessDQR",
    "reliability": "reliabilityDQR",
}
IPCC_REPORT = re.compile(r"^AR\d+$")
SOURCE_ID = re.compile(r"^\[([A-Za-z0-9._-]+)\]")


def pact_rating(score: int) -> float:
    """A pedigree score (1 best … 5 worst) on PACT's data-quality scale (1 good … 3 poor)."""
    return 1.0 + (score - 1) / 2.0


def _libraries(term) -> set[str]:
    return {row.library for row in term.factor.rows} if term.factor is not None else set()


def _gross_terms(footprint: Footprint):
    """(term, kg CO2e) of every contribution but the credits: the gross footprint, as
    :meth:`~lca.footprint.Footprint.tier_shares` counts it (a negative residue correction
    included)."""
    for term, value in zip(footprint.model.terms, footprint.contributions, strict=True):
        if term.category != "credits":
            yield term, float(value)


def _is_primary(term, primary_libraries: frozenset[str]) -> bool:
    libraries = _libraries(term)
    return term.tier in PRIMARY_TIERS or (bool(libraries) and libraries <= primary_libraries)


@dataclass(frozen=True)
class DataQuality:
    """PACT's ``primaryDataShare`` and ``dqi`` of one footprint."""

    primary_data_share: float
    coverage_percent: float
    ratings: dict[str, float]
    inputs: tuple[tuple[str, str, float], ...]
    """(category, flow, share of the gross footprint) of the inputs rated."""

    def dqi(self) -> dict:
        return {"coveragePercent": round(self.coverage_percent, 2), **self.ratings}


def data_quality(footprint: Footprint, primary_libraries=()) -> DataQuality:
    """Primary-data share and data-quality ratings of a footprint (see the module docstring).

    Shares are of the gross footprint (credits left out). An *input* is a flow of a category
    (``materials``/``toluene``, ``energy``/``electricity``...) over all steps; its rating is the
    average over its contributions weighted by their size, and the route's rating the average
    over the inputs above :data:`DQI_THRESHOLD`, weighted by their contribution.

    Raises
    ------
    ValueError
        If the gross footprint is not positive.
    """
    primary_libraries = frozenset(primary_libraries)
    inputs: dict[tuple[str, str], list[tuple[float, str]]] = {}
    primary = 0.0
    for term, value in _gross_terms(footprint):
        inputs.setdefault((term.category, term.flow), []).append((value, term.tier))
        if _is_primary(term, primary_libraries):
            primary += value
    totals = {key: sum(v for v, _ in items) for key, items in inputs.items()}
    gross = sum(totals.values())
    if gross <= 0:
        raise ValueError("the gross footprint is not positive")
    rated = [key for key, total in totals.items() if total / gross > DQI_THRESHOLD]
    # with no single input above the threshold, every contributing input is rated
    rated = rated or [key for key, total in totals.items() if total > 0]
    covered = sum(totals[key] for key in rated)
    ratings = {}
    for indicator, name in DQI_FIELDS.items():
        weighted = 0.0
        for key in rated:
            size = sum(abs(v) for v, _ in inputs[key])
            rating = sum(
                abs(v) * pact_rating(dict(TIERS[tier].scores)[indicator]) for v, tier in inputs[key]
            )
            weighted += totals[key] * rating / size
        ratings[name] = round(weighted / covered, 2)
    return DataQuality(
        primary_data_share=100.0 * primary / gross,
        coverage_percent=100.0 * covered / gross,
        ratings=ratings,
        inputs=tuple(
            (category, flow, totals[(category, flow)] / gross)
            for category, flow in sorted(rated, key=lambda key: -totals[key])
        ),
    )


def secondary_sources(
    footprint: Footprint, versions: dict[str, str], primary_libraries=()
) -> list[dict]:
    """``secondaryEmissionFactorSources``: each factor library a contribution rests on, with its
    version (``versions`` by library name); libraries declared primary are left out."""
    primary = frozenset(primary_libraries)
    used: dict[str, None] = {}
    for term in footprint.model.terms:
        for library in sorted(_libraries(term) - primary):
            used[library] = None
    return [{"name": library, "version": versions.get(library) or "not stated"} for library in used]


def cited_sources(footprint: Footprint) -> list[str]:
    """The source ids (``desnz-2025``, ``uslci-fy21q3``...) of every factor row used."""
    found: dict[str, None] = {}
    for term in footprint.model.terms:
        if term.factor is None:
            continue
        for row in term.factor.rows:
            match = SOURCE_ID.match(row.source)
            if match:
                found[match.group(1)] = None
    return list(found)


def ipcc_sources(footprint: Footprint) -> tuple[list[str], list[str]]:
    """``ipccCharacterizationFactorsSources`` and the GWP bases that cannot be listed there.

    Per-gas rows are characterised with the run's set; rows published in CO2e on another basis
    are used as published, so their report (``AR4``, ``AR5``) is listed too. A basis that is not
    an IPCC report number (``unstated``, a statement) is returned apart, for the comment.
    """
    reports = {footprint.gwp_set}
    other: dict[str, None] = {}
    for term in footprint.model.terms:
        if term.factor is None:
            continue
        for row in term.factor.rows:
            if not row.basis_mismatch:
                continue
            basis = row.gwp_basis or "unstated"
            if IPCC_REPORT.match(basis):
                reports.add(basis)
            else:
                other[basis] = None
    return sorted(reports, key=lambda r: int(r[2:])), list(other)


@dataclass(frozen=True)
class Exemption:
    """``exemptedEmissionsPercent`` and ``exemptedEmissionsDescription``, or why there are none."""

    percent: float | None
    description: str
    uncovered_mass_share: float
    problem: str = ""


def _gap_text(gap: dict, non_water_kg: float) -> str:
    text = f"{gap['step']}: {gap['category']} '{gap['flow']}' {gap['amount']:.4g} {gap['unit']}"
    if gap["category"] == "materials" and gap["unit"] == "kg" and non_water_kg > 0:
        text += f" ({100 * gap['amount'] / non_water_kg:.2g} % of non-water raw-material mass)"
    return text


def exemption(footprint: Footprint, percent: float | None, note: str = "") -> Exemption:
    """The exempted emissions of a footprint.

    ``percent`` is the data owner's estimate of the share of emissions left out [%]. It is
    required when some flow the recipe lists has no factor (the footprint is a lower bound):
    greenroute knows those flows and their amounts, not their emissions. Without gaps it defaults
    to 0. A value outside 0-5 % (PACT 2.x) is a problem, never clamped.
    """
    coverage = footprint.coverage_by_tier()
    non_water_kg = footprint.uncertain_mass(tuple(coverage))  # every tier: all non-water mass
    uncovered = coverage.get("uncovered", 0.0)
    gaps = footprint.gaps
    listed = "; ".join(_gap_text(gap, non_water_kg) for gap in gaps)
    if percent is None and not gaps:
        return Exemption(
            0.0,
            "None: every flow the recipe lists has an emission factor (processes outside the "
            "boundary are named in boundaryProcessesDescription).",
            uncovered,
        )
    if percent is None:
        return Exemption(
            None,
            "",
            uncovered,
            f"the footprint is a lower bound: {len(gaps)} flow(s) the recipe lists have no "
            "emission factor, and PACT needs the share of emissions they leave out "
            "(exemptedEmissionsPercent, 0-5 %); give your estimate with --exempted-percent or "
            "[pact] exempted_emissions_percent, or add factors for them with --factors "
            "(lca assess lists them)",
        )
    if not 0.0 <= percent <= MAX_EXEMPTED_PERCENT:
        return Exemption(
            percent,
            "",
            uncovered,
            f"exempted emissions of {percent:g} % are outside the 0-5 % PACT 2.3 allows "
            f"(exemptedEmissionsPercent): a footprint that leaves out more than 5 % cannot be "
            "declared; add factors for the flows without one (--factors)",
        )
    parts = []
    if gaps:
        parts.append(
            "Flows the recipe lists without an emission factor, left out of the PCF (amount "
            f"per kg of product): {listed}."
        )
    parts.append(f"The {percent:g} % of emissions left out is the data owner's estimate")
    parts[-1] += f": {note.strip()}" if note.strip() else "."
    if parts[-1][-1] != ".":
        parts[-1] += "."
    return Exemption(percent, " ".join(parts), uncovered)
