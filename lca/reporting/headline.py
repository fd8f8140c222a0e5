"""The answer a report opens with: which route is lower, by how much, and how sure we are.

Every report (the HTML page's first screen, the Excel Summary sheet, the terminal's first lines
and the notebook) states the same answer, built here from a :class:`~lca.comparison.Comparison`
and, when one was run, a :class:`~lca.montecarlo.MonteCarloComparison`. Nothing is computed
here that the assessments do not hold: differences are the comparison's values subtracted, the
Monte Carlo interval is the run's paired difference (:meth:`MonteCarloComparison.deltas`) and its
probability :meth:`MonteCarloComparison.probability_lower`.

For each of PMI and carbon footprint the *lowest* route is compared with the baseline; when the
baseline itself is lowest, with the next-lowest route, so the answer always says by how much
the lowest route beats another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lca.reporting.labels import (
    format_number,
    format_percent,
    format_signed,
    tier_label,
)

if TYPE_CHECKING:
    from lca.comparison import Comparison
    from lca.montecarlo import MonteCarloComparison

# (metric key, short name, unit as people write it)
HEADLINE_METRICS = (("pmi", "PMI", "kg/kg"), ("carbon_footprint", "Carbon footprint", "kg CO2e/kg"))


@dataclass(frozen=True)
class Interval:
    """A Monte Carlo paired difference ``lower − reference``: median and 5-95 % interval,
    absolute [unit] and relative to the reference [fraction], and P(lower < reference)."""

    median: float
    p5: float
    p95: float
    relative_median: float
    relative_p5: float
    relative_p95: float
    probability_lower: float
    draws: int

    @property
    def text(self) -> str:
        """``−12.3 [−15.0 – −9.80] (−25 % [−30 % – −20 %]), P(lower) = 99.8 %``."""
        return (
            f"{format_signed(self.median)} [{format_signed(self.p5)} – {format_signed(self.p95)}]"
            f" ({signed_percent(self.relative_median)} [{signed_percent(self.relative_p5)} – "
            f"{signed_percent(self.relative_p95)}]); lower in "
            f"{format_percent(100 * self.probability_lower)} of {self.draws:,} draws"
        )


@dataclass(frozen=True)
class Finding:
    """One metric's answer: ``lower`` beats ``reference`` by ``difference`` (``relative``)."""

    metric: str
    name: str
    unit: str
    lower: str
    reference: str
    lower_value: float
    reference_value: float
    interval: Interval | None = None

    @property
    def difference(self) -> float:
        """``reference − lower`` [unit], ≥ 0: how much less the lower route has."""
        return self.reference_value - self.lower_value

    @property
    def relative(self) -> float | None:
        """The difference as a share of the reference [fraction]; ``None`` for a zero one."""
        return self.difference / self.reference_value if self.reference_value else None

    @property
    def tie(self) -> bool:
        return self.difference == 0

    @property
    def amount_text(self) -> str:
        """``30.8 kg/kg (58 %) lower``."""
        share = "" if self.relative is None else f" ({percent(self.relative)})"
        return f"{format_number(self.difference)} {self.unit}{share} lower"

    @property
    def sentence(self) -> str:
        """The finding in words (names as written: escape for the output)."""
        if self.tie:
            return f"{self.name}: {self.lower} and {self.reference} are equal"
        text = (
            f"{self.name}: {self.lower} is lower than {self.reference} by "
            f"{format_number(self.difference)} {self.unit}"
        )
        if self.relative is not None:
            text += f" ({percent(self.relative)})"
        text += f": {format_number(self.lower_value)} vs {format_number(self.reference_value)}"
        if self.interval is not None:
            text += f"; Monte Carlo difference {self.interval.text}"
        return text


@dataclass(frozen=True)
class Quality:
    """A route's data-quality badge: raw-material mass by factor tier, whether the footprint is
    a lower bound (flows without a factor) and how many flows lack one."""

    route: str
    coverage_by_tier: dict[str, float]
    lower_bound: bool
    gaps: int
    gwp_basis: str

    @property
    def covered(self) -> float:
        """Share of non-water raw-material mass with a factor [fraction]."""
        return 1.0 - self.coverage_by_tier.get("uncovered", 0.0) if self.coverage_by_tier else 1.0

    @property
    def tiers_text(self) -> str:
        """``computed 68 %, estimated 29 %, cited 3 %`` (largest first, uncovered last)."""
        ordered = sorted(
            self.coverage_by_tier.items(), key=lambda item: (item[0] == "uncovered", -item[1])
        )
        return ", ".join(
            f"{tier_label(tier)} {percent(share)}" for tier, share in ordered if share > 0
        )

    @property
    def grade(self) -> str:
        """``good``, ``fair`` or ``weak``: the badge's colour, from the share that rests on
        cited, computed or the user's own factors versus estimates, proxies and gaps."""
        solid = sum(
            share
            for tier, share in self.coverage_by_tier.items()
            if tier in ("user", "background", "cited", "computed")
        )
        if self.coverage_by_tier.get("uncovered", 0.0) > 0.05 or solid < 0.5:
            return "weak"
        return "good" if solid >= 0.8 and not self.lower_bound else "fair"

    @property
    def flag(self) -> str:
        """The lower-bound flag in words ("" when every flow has a factor)."""
        if not self.lower_bound:
            return ""
        return f"lower bound: {self.gaps} flow{'s' if self.gaps != 1 else ''} without a factor"


@dataclass(frozen=True)
class Headline:
    """The answer: a finding per headline metric, each route's data quality, the basis."""

    findings: tuple[Finding, ...]
    quality: tuple[Quality, ...]
    baseline: str
    gwp_basis: str
    monte_carlo: str = ""
    could_flip: tuple[str, ...] = ()

    def finding(self, metric: str) -> Finding | None:
        return next((f for f in self.findings if f.metric == metric), None)

    @property
    def lines(self) -> list[str]:
        """The answer as plain lines (terminal, Excel)."""
        lines = [f.sentence for f in self.findings]
        for q in self.quality:
            share = format_percent(100 * q.covered)
            text = f"Data quality, {q.route}: {share} of raw-material mass has a factor"
            text += f" ({q.tiers_text})" if q.tiers_text else ""
            if q.flag:
                text += f"; {q.flag}"
            lines.append(text)
        lines += [f"Ranking could flip: {text}" for text in self.could_flip]
        return lines


def percent(fraction: float) -> str:
    """A share as a whole per cent when ≥ 10 %, else one decimal: ``58 %``, ``3.1 %``."""
    value = 100 * fraction
    return f"{value:.0f} %" if abs(value) >= 9.95 else f"{value:.1f} %"


def signed_percent(fraction: float) -> str:
    text = percent(abs(fraction))
    return text if fraction == 0 else ("+" if fraction > 0 else "−") + text


def _interval(
    monte_carlo: MonteCarloComparison | None, metric: str, lower: str, reference: str
) -> Interval | None:
    if (
        monte_carlo is None
        or lower not in monte_carlo.labels
        or reference not in (monte_carlo.labels)
    ):
        return None
    row = next(
        r for r in monte_carlo.deltas(metric) if r["route"] == lower and r["versus"] == reference
    )
    i, j = monte_carlo.labels.index(lower), monte_carlo.labels.index(reference)
    probability = float(monte_carlo.probability_lower(metric)[i, j])
    return Interval(
        row["median"], row["p5"], row["p95"], row["relative_median"], row["relative_p5"],
        row["relative_p95"], probability, monte_carlo.n,
    )  # fmt: skip


def headline(comparison: Comparison, monte_carlo: MonteCarloComparison | None = None) -> Headline:
    """The answer of a comparison (one route: its figures and data quality, no finding)."""
    findings = []
    for metric, name, unit in HEADLINE_METRICS:
        values: dict[str, float] = {}
        for label in comparison.labels:
            value = comparison.value(label, metric)
            if value is not None:
                values[label] = float(value)
        if len(values) < 2:
            continue
        ranked = sorted(values, key=lambda label: (values[label], label != comparison.baseline))
        lower = ranked[0]
        reference = comparison.baseline if lower != comparison.baseline else ranked[1]
        if reference not in values:
            reference = ranked[1]
        findings.append(
            Finding(
                metric, name, unit, lower, reference, float(values[lower]),
                float(values[reference]), _interval(monte_carlo, metric, lower, reference),
            )
        )  # fmt: skip
    quality = tuple(
        Quality(
            label,
            a.footprint.coverage_by_tier(),
            a.footprint.is_lower_bound,
            len(a.footprint.gaps),
            a.footprint.gwp_set,
        )
        for label, a in zip(comparison.labels, comparison.assessments, strict=True)
        if a.footprint is not None
    )
    note = ""
    if monte_carlo is not None:
        note = (
            f"Monte Carlo: {monte_carlo.n:,} paired draws per route, seed {monte_carlo.seed}; "
            "intervals are the 5th-95th percentiles of the difference"
        )
        if monte_carlo.sample_note:
            note += f" ({monte_carlo.sample_note})"
    flips = tuple(r["statement"] for r in comparison.robustness() if r["could_flip"])
    return Headline(
        tuple(findings), quality, comparison.baseline, comparison.gwp_basis, note, flips
    )
