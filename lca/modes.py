"""Batch, continuous and modular operation: what multiplies a step's charges into a campaign.

- **Batch**: charges, utilities and per-batch cleaning are per batch and multiplied by
  ``batches``; per-campaign cleaning counts once; a ``failure_rate`` f means a fraction f of the
  batches is charged but yields nothing, so the campaign's product is ``batches × (1 − f)``
  batches' worth.
- **Continuous**: feeds are flow rates (or totals) over ``run_time`` T; during the start-up time
  t_s the output is diverted to waste, so a product given as a rate or a yield is collected over
  ``T − t_s`` only; flushes count once per start-up and shut-down.
- **Facility** (modular or stick-built): overhead power × the campaign's occupation time × the
  campaign's share of the facility by run time, plus changeover cleaning, charged to the final
  step (they are per campaign of the final product).

Defaults and their sources are documented in ``docs/modes.md``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lca import units as u
from lca.arrays import Variable
from lca.errors import UnitError
from lca.fieldpath import FACILITY, FieldPath, Location
from lca.recipe import Cleaning, Facility, Recipe, Step
from lca.units import WRITTEN, Values, magnitude

CLEANING_ORIGINS = {
    "batch": "cleaning per batch",
    "campaign": "cleaning per campaign",
    "startup": "start-up flush",
    "shutdown": "shut-down flush",
}
CLEANING_PERIODS = {
    "batch": ("batch", "campaign"),
    "continuous": ("campaign", "startup", "shutdown"),
}


@dataclass(frozen=True)
class Campaign:
    """How a step's written amounts become campaign totals."""

    mode: str
    batches: int = 1
    good_fraction: Variable = 1.0
    run_time_h: Variable | None = None
    startup_h: Variable = 0.0
    cycle_time_h: Variable | None = None

    @property
    def charge_multiplier(self) -> float:
        """Per-batch amounts × batches; a continuous step's amounts are for the run already."""
        return float(self.batches) if self.mode == "batch" else 1.0

    @property
    def output_multiplier(self) -> Variable:
        """Per-batch (or per-run) output × batches × the share of good batches: failed batches
        are charged but make neither product nor co-products."""
        return self.charge_multiplier * self.good_fraction

    @property
    def productive_fraction(self) -> Variable:
        """Share of the run whose output is collected (continuous start-up diverted)."""
        if self.mode != "continuous" or self.run_time_h is None:
            return 1.0
        return (self.run_time_h - self.startup_h) / self.run_time_h

    @property
    def occupied_h(self) -> Variable | None:
        """Hours the step occupies its equipment in the campaign, if known."""
        if self.mode == "continuous":
            return self.run_time_h
        return None if self.cycle_time_h is None else self.batches * self.cycle_time_h


def _hours(text: str, where: FieldPath, values: Values = WRITTEN) -> Variable:
    quantity = values.quantity(text, where)
    if quantity.dimensionality != u.TIME:
        raise UnitError(
            f"{where}: '{text}' is {u.dimension_name(quantity)}; give a time, e.g. '24 h' or '3 d'"
        )
    return magnitude(quantity, "h")


def campaign(step: Step, label: FieldPath, values: Values = WRITTEN) -> Campaign:
    """The campaign multipliers of one step.

    Raises
    ------
    UnitError
        If a field does not fit the step's mode (``batches`` on a continuous step, no
        ``run_time`` on a continuous one) or a time or fraction cannot be read.
    """
    if step.mode == "batch":
        for field_name in ("run_time", "startup"):
            if getattr(step, field_name) is not None:
                raise UnitError(
                    f"{label}.{field_name}: only continuous steps have a "
                    f'{field_name}; set mode = "continuous" or remove it'
                )
        failure = (
            0.0
            if step.failure_rate is None
            else values.fraction(step.failure_rate, label / "failure_rate")
        )
        if np.any(failure >= 1.0):
            raise UnitError(f"{label}.failure_rate: {step.failure_rate!r} leaves no good batch")
        cycle = (
            None
            if step.cycle_time is None
            else _hours(step.cycle_time, label / "cycle_time", values)
        )
        return Campaign("batch", step.batches, 1.0 - failure, cycle_time_h=cycle)
    for field_name in ("cycle_time", "failure_rate"):
        if getattr(step, field_name) is not None:
            raise UnitError(f"{label}.{field_name}: only batch steps have a {field_name}")
    if step.batches != 1:
        raise UnitError(f"{label}.batches: a continuous step has no batches; give run_time")
    if step.run_time is None:
        raise UnitError(
            f'{label}.run_time: a continuous step needs its run time, e.g. run_time = "72 h"'
        )
    run = _hours(step.run_time, label / "run_time", values)
    if np.any(run <= 0):
        raise UnitError(f"{label}.run_time: '{step.run_time}' must be longer than zero")
    startup: Variable = 0.0
    if step.startup is not None:
        startup = _hours(step.startup.time, label / "startup" / "time", values)
        if np.any(startup >= run):
            raise UnitError(
                f"{label}.startup.time: '{step.startup.time}' is not shorter than the run "
                f"time '{step.run_time}'; nothing would be collected"
            )
    return Campaign("continuous", run_time_h=run, startup_h=startup)


def cleaning_multiplier(step: Step, cleaning: Cleaning, plan: Campaign, where: Location) -> float:
    """How many times a cleaning or flush line is used in the campaign."""
    allowed = CLEANING_PERIODS[step.mode]
    if cleaning.per not in allowed:
        raise UnitError(
            f"{where}.per: '{cleaning.per}' does not apply to a {step.mode} step; "
            f"use {' or '.join(repr(a) for a in allowed)}"
        )
    return float(plan.batches) if cleaning.per == "batch" else 1.0


@dataclass(frozen=True)
class FacilityShare:
    """Hours the facility is occupied by this campaign and the share of overheads it bears."""

    campaign_h: Variable
    share: Variable


def facility_share(
    facility: Facility, plans: list[Campaign], values: Values = WRITTEN
) -> FacilityShare:
    """Campaign time (given, or the sum of the steps' occupation) and the run-time share.

    Raises
    ------
    UnitError
        If the campaign time is neither given nor derivable (a batch step without cycle_time).
    """
    if facility.campaign_time is not None:
        hours = _hours(facility.campaign_time, FACILITY / "campaign_time", values)
    else:
        occupied = [plan.occupied_h for plan in plans]
        known = [h for h in occupied if h is not None]
        if len(known) < len(occupied):
            raise UnitError(
                f"{FACILITY / 'campaign_time'}: give the campaign time, or cycle_time on "
                "every batch step, so that overheads can be allocated"
            )
        hours = sum(known, 0.0)
    if np.any(hours <= 0):
        raise UnitError(f"{FACILITY / 'campaign_time'}: must be longer than zero")
    other = (
        0.0
        if facility.other_products_time is None
        else _hours(facility.other_products_time, FACILITY / "other_products_time", values)
    )
    return FacilityShare(hours, hours / (hours + other))


def plan_route(recipe: Recipe) -> list[Campaign]:
    """Campaign multipliers of every step (raises on the first problem of a step)."""
    from lca.fieldpath import step_path

    return [campaign(step, step_path(recipe, i)) for i, step in enumerate(recipe.steps)]
