"""How a number was obtained: the tiers of emission factors and their default uncertainty.

Every factor row says how it was obtained (its *tier*), and every footprint reports how much of
itself rests on each tier. In order of preference inside one library:

- ``user``: the user's own factor (``--factors``); always wins, whatever its tier;
- ``background``: computed in the user's Brightway project from their database (ecoinvent);
- ``cited``: a published factor, copied as printed (DESNZ, EPA, ADEME, GREET quotes...);
- ``computed``: solved by greenroute's build from public life-cycle inventory data (USLCI);
- ``estimated``: the chemical's industrial production route written as a recipe in greenroute's
  own format and evaluated by the same engine, with cited defaults where route data are missing;
- ``proxy``: the distribution of the library's own tier 1-3 factors of the material's class.

Two further kinds of contribution are not factor rows: ``stoichiometric`` (fossil CO2 of
incinerated carbon, computed from the formula) and ``spend-based`` (a cited sector factor times
the user's price), which is reported as its own kind because its uncertainty is much wider.

Default uncertainty (used where a row states none): a lognormal from the pedigree approach of
the ecoinvent database (Frischknecht et al. 2007, *Overview and methodology*, ecoinvent report
No. 1, ch. 7; Weidema et al. 2013, ecoinvent report 1(v3)). Each indicator score has an
uncertainty factor U; the factors combine into the 95 % dispersion
``SD_g95 = σ_g² = exp(√(ln(U_b)² + Σ_i ln(U_i)²))`` with the basic uncertainty U_b, so the
geometric standard deviation is ``σ_g = √SD_g95`` (ecoinvent v3 states the same factors as
variances of the underlying normal, (ln U / 2)²). The factors per score are those of the
ecoinvent data-quality system as implemented in openLCA (``org.openlca.util.DQSystems``,
GreenDelta); U_b = 1.05 is ecoinvent's basic uncertainty for the demand of semi-finished products.
The **scores given to each tier are greenroute's documented judgement**, not a published
assignment: see ``docs/factors.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Uncertainty factors per pedigree score 1..5 (reliability, completeness, temporal,
# geographical, further technological correlation).
PEDIGREE_FACTORS = {
    "reliability": (1.0, 1.05, 1.10, 1.20, 1.50),
    "completeness": (1.0, 1.02, 1.05, 1.10, 1.20),
    "temporal": (1.0, 1.03, 1.10, 1.20, 1.50),
    "geographical": (1.0, 1.01, 1.02, 1.05, 1.10),
    "technological": (1.0, 1.05, 1.20, 1.50, 2.00),
}
BASIC_UNCERTAINTY = 1.05


def pedigree_gsd(scores: dict[str, int], basic: float = BASIC_UNCERTAINTY) -> float:
    """Geometric standard deviation σ_g from pedigree scores (1 = best, 5 = worst).

    ``σ_g² = SD_g95 = exp(√(ln(basic)² + Σ_i ln(U_i(score_i))²))``: the 95 % interval of the
    value is [median / σ_g², median × σ_g²].
    """
    total = math.log(basic) ** 2
    for indicator, score in scores.items():
        total += math.log(PEDIGREE_FACTORS[indicator][score - 1]) ** 2
    return math.sqrt(math.exp(math.sqrt(total)))


@dataclass(frozen=True)
class Tier:
    """One way a number is obtained, with its pedigree scores and default uncertainty."""

    name: str
    label: str
    description: str
    scores: tuple[tuple[str, int], ...]

    @property
    def default_gsd(self) -> float:
        return pedigree_gsd(dict(self.scores))


TIERS: dict[str, Tier] = {
    tier.name: tier
    for tier in (
        Tier(
            "user",
            "your factors",
            "a factor from a library given with --factors",
            # judged like a cited factor unless the row states its own uncertainty
            (("reliability", 2), ("completeness", 2), ("temporal", 3), ("geographical", 3),
             ("technological", 3)),
        ),
        Tier(
            "background",
            "your background database",
            "computed in your Brightway project from its database (e.g. ecoinvent)",
            (("reliability", 2), ("completeness", 2), ("temporal", 3), ("geographical", 3),
             ("technological", 3)),
        ),
        Tier(
            "cited",
            "cited",
            "a published factor, as printed in its source",
            (("reliability", 2), ("completeness", 2), ("temporal", 3), ("geographical", 3),
             ("technological", 3)),
        ),
        Tier(
            "computed",
            "computed (public LCI)",
            "solved by greenroute's build from public life-cycle inventory data (USLCI)",
            # 2000s US unit processes with cut-offs, used for any site: old, one country
            (("reliability", 2), ("completeness", 3), ("temporal", 5), ("geographical", 3),
             ("technological", 3)),
        ),
        Tier(
            "estimated",
            "estimated from chemistry",
            "the industrial route written as a recipe and evaluated by greenroute",
            (("reliability", 4), ("completeness", 4), ("temporal", 3), ("geographical", 4),
             ("technological", 4)),
        ),
        Tier(
            "proxy",
            "class proxy",
            "the distribution of the library's own factors of the material's class",
            (("reliability", 5), ("completeness", 5), ("temporal", 3), ("geographical", 4),
             ("technological", 5)),
        ),
        Tier(
            "spend-based",
            "spend-based",
            "a cited sector factor per currency unit times the price the recipe gives",
            (("reliability", 4), ("completeness", 4), ("temporal", 3), ("geographical", 4),
             ("technological", 5)),
        ),
        Tier(
            "stoichiometric",
            "stoichiometric",
            "fossil CO2 of incinerated carbon, computed from the formula (complete oxidation)",
            (("reliability", 2), ("completeness", 1), ("temporal", 1), ("geographical", 1),
             ("technological", 2)),
        ),
    )
}  # fmt: skip

FACTOR_TIERS = ("user", "background", "cited", "computed", "estimated", "proxy")
"""Tiers a factor row may carry, in order of preference inside one library."""


def tier_order(name: str) -> int:
    """Position of a row tier in the order of preference (unknown names last)."""
    return FACTOR_TIERS.index(name) if name in FACTOR_TIERS else len(FACTOR_TIERS)
