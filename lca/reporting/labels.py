"""What a person reads: metric labels, units as people write them, and numbers for display.

Every output greenroute shows a person (terminal tables, Markdown, the Excel workbook, the HTML
report, charts and the notebook's ``_repr_html_``) names a metric, writes a unit and rounds a
number through this module, so the same figure reads the same everywhere. Data outputs (JSON, the
CSV of ``to_frame()``) keep the metric keys, pint's unit strings and full precision.

- :func:`metric_label`: a :class:`Label`, the words for a metric key and its indent level (a part
  of the figure above it, such as ``solvents`` under the PMI, has level 1). Keys that carry a
  name (``pmi_from:<origin>``, ``energy_from:<origin>:<carrier>``, ``coverage_mass:<tier>``,
  ``footprint_share:<tier>``, ``pmi_stage:<stage>``...) are labelled by rule, never shown raw;
- :func:`unit_label`: ``m³`` for pint's ``m**3``, ``t·km`` for ``t*km``;
- :func:`format_number` and :func:`format_signed`: three significant figures, and every digit
  before the decimal point (1,141 stays 1,141), thousands separated; ``n/a`` for a missing value;
  :func:`format_value` writes a count as an integer;
- :func:`decimals` and :func:`excel_format`: the same rounding as a spreadsheet number format, so
  a cell shows what the other reports show and keeps its full precision;
- :func:`tier_label`, :func:`role_label`, :func:`parameter_label`: factor tiers, PMI role groups
  and the parameter paths of sensitivity runs and sweeps, in words.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lca.recipe import STAGES
from lca.tiers import TIERS

MISSING = "n/a"
MINUS = "−"  # U+2212: a difference's sign, as typeset, not a hyphen


@dataclass(frozen=True)
class Label:
    """The words for a metric and its indent level (0: a figure; 1: a part of the one above)."""

    text: str
    level: int = 0

    def indented(self, indent: str = "  ") -> str:
        """The text after ``indent`` once per level (for plain-text tables)."""
        return indent * self.level + self.text


# metric key → (label, level); keys that carry a name are labelled by rule in metric_label
METRICS: dict[str, tuple[str, int]] = {
    "pmi": ("PMI (cumulative)", 0),
    "pmi_reactants": ("reactants, reagents, catalysts", 1),
    "pmi_solvents": ("solvents", 1),
    "pmi_water": ("water", 1),
    "pmi_workup": ("work-up materials", 1),
    "recovered_mass": ("Recovered for reuse", 0),
    "pmi_net_of_recovery": ("PMI net of recovery", 0),
    "solvent_intensity": ("Solvent intensity", 0),
    "water_intensity": ("Water intensity", 0),
    "complete_e_factor": ("Complete E-factor (PMI − 1)", 0),
    "simple_e_factor": ("Simple E-factor (no solvents, water)", 0),
    "mass_productivity": ("Mass productivity", 0),
    "reaction_mass_efficiency": ("Reaction mass efficiency", 0),
    "step_pmi": ("Step PMI", 0),
    "step_pmi_net_of_recovery": ("Step PMI net of recovery", 0),
    "scale": ("kg per kg of final product", 0),
    "raw_materials": ("Raw materials per kg product", 0),
    "waste": ("Waste per kg product", 0),
    "coproducts": ("Co-products per kg product", 0),
    "isolated_yield": ("Isolated yield", 0),
    "atom_economy": ("Atom economy", 0),
    "atom_economy_with_coproducts": ("Atom economy with co-product credit", 0),
    "theoretical_e_factor": ("Theoretical E-factor (100/AE − 1)", 0),
    "theoretical_e_factor_with_coproducts": ("Theoretical E-factor with co-product credit", 0),
    "atom_economy_telescoped": ("Atom economy across the telescoped sequence", 0),
    "reaction_mass_efficiency_telescoped": ("RME across the telescoped sequence", 0),
    "carbon_efficiency": ("Carbon efficiency", 0),
    "carbon_footprint": ("Carbon footprint (net of credits)", 0),
    "footprint": ("Carbon footprint", 0),
    "carbon_footprint_market_based": ("Carbon footprint, market-based electricity", 0),
    "biogenic_co2": ("Biogenic CO2 (reported apart)", 0),
    "incineration_cut_off": ("Incineration cut-off (reported apart)", 0),
    "coverage_mass": ("Coverage: non-water mass with a factor", 0),
    "coverage_water": ("Coverage: water with a factor", 0),
    "coverage_energy": ("Coverage: energy with a factor", 0),
    "uncovered_flows": ("Flows without a factor", 0),
    "footprint_ranking_could_flip": ("Footprint ranking could flip", 0),
}
UNCOVERED_LABEL = "uncovered"
STAGE_WORDS = {"workup": "work-up"}


def _words(text: str) -> str:
    """A name from a key as words: underscores become spaces."""
    return text.replace("_", " ")


def _tier(name: str) -> str:
    tier = TIERS.get(name)
    if tier is not None:
        return tier.label
    return UNCOVERED_LABEL if name == UNCOVERED_LABEL else _words(name)


def tier_label(name: str) -> str:
    """A factor tier (or ``uncovered``) in words: ``estimated from chemistry``."""
    return _tier(name)


def role_label(group: str) -> str:
    """A PMI role group (:data:`lca.metrics.ROLE_GROUPS`) in words: ``work-up materials``."""
    return metric_label(f"pmi_{group}").text


def _stage(name: str) -> str:
    return STAGE_WORDS.get(name, _words(name))


def metric_label(metric: str) -> Label:
    """The label of a metric key (see the module docstring); never the raw key."""
    if metric in METRICS:
        text, level = METRICS[metric]
        return Label(text, level)
    head, _, rest = metric.partition(":")
    if head == "footprint" and rest:
        return Label(_words(rest), 1)
    if head == "coverage_mass" and rest:
        return Label(_tier(rest), 1)
    if head == "footprint_share" and rest:
        return Label(f"Footprint share: {_tier(rest)}", 0)
    if head == "pmi_stage" and rest:
        return Label(f"PMI, {_stage(rest)} stage", 0)
    if head == "pmi_through" and rest in STAGES:
        through = STAGES[: STAGES.index(rest) + 1]
        return Label("PMI, " + " + ".join(_stage(s) for s in through), 0)
    if head == "pmi_from" and rest:
        return Label(f"PMI from {_words(rest)}", 1)
    if head == "energy" and rest:
        return Label(f"Energy: {_words(rest)}", 0)
    if head == "energy_from" and rest:
        origin, _, carrier = rest.partition(":")
        return Label(f"Energy from {_words(origin)}: {_words(carrier)}".rstrip(": "), 1)
    words = ": ".join(_words(part) for part in metric.split(":"))
    return Label(words[:1].upper() + words[1:])


def parent_metric(metric: str) -> str | None:
    """The figure a level-1 metric is a part of (``pmi`` for ``pmi_solvents`` and
    ``pmi_from:cleaning_per_batch``, ``carbon_footprint`` for ``footprint:energy``), so that
    a table can show it under that figure; ``None`` for a figure of its own."""
    if metric.startswith("pmi_") and metric in METRICS and METRICS[metric][1] == 1:
        return "pmi"
    head, _, rest = metric.partition(":")
    if not rest:
        return None
    if head == "pmi_from":
        return "pmi"
    if head == "footprint":
        return "carbon_footprint"
    if head == "coverage_mass":
        return "coverage_mass"
    if head == "energy_from":
        return "energy:" + rest.partition(":")[2]
    return None


def grouped(metrics: list[str]) -> list[str]:
    """``metrics`` in their order, with every part moved under the figure it is a part of
    (when that figure is in the list; parts keep their relative order)."""
    present = set(metrics)
    children: dict[str, list[str]] = {}
    for metric in metrics:
        parent = parent_metric(metric)
        if parent in present:
            children.setdefault(parent, []).append(metric)
    placed = {m for parts in children.values() for m in parts}
    result: list[str] = []
    for metric in metrics:
        if metric not in placed:
            result.append(metric)
            result += children.get(metric, [])
    return result


_POWERS = {"**2": "²", "**3": "³"}
_LONG_UNITS = {"kilowatt_hour": "kWh", "kilogram": "kg", "megajoule": "MJ", "kilowatt": "kW",
               "cubic_meter": "m³", "liter": "L", "tonne": "t", "kilometer": "km", "hour": "h",
               "equivalent": "equiv", "dimensionless": ""}  # fmt: skip
_LONG_UNIT = re.compile(r"\b(" + "|".join(_LONG_UNITS) + r")\b")
_POWER = re.compile(r"\*\*[23]")


def unit_label(unit: str) -> str:
    """A unit as people write it: ``m**3/kg`` → ``m³/kg``, ``t*km`` → ``t·km``; pint's long
    names as symbols (``kilowatt_hour`` → ``kWh``); a ``count`` or ``flag`` has none."""
    if unit in ("count", "flag"):
        return ""
    text = _POWER.sub(lambda m: _POWERS[m.group()], unit)
    text = _LONG_UNIT.sub(lambda m: _LONG_UNITS[m.group()], text)
    return text.replace("*", "·")


# what the last part of a parameter path is, in words
_FIELDS = {"amount": "charge", "yield": "yield", "recovered": "recovered fraction",
           "power": "power", "duration": "duration", "failure_rate": "failure rate",
           "cycle_time": "cycle time", "run_time": "run time"}  # fmt: skip


def parameter_label(path: str) -> str:
    """A parameter path of ``lca parameters`` / ``--vary`` / a sensitivity input in words:
    ``amination.inputs.toluene.recovered`` → ``amination: toluene recovered fraction``,
    ``factor:energy:electricity@GB:value`` → ``factor: energy: electricity (GB)``."""
    text = str(path)
    if text.startswith("factor:"):
        stream, _, part = text[len("factor:") :].rpartition(":")
        key, _, region = stream.partition("@")
        name = f"factor: {_words(key).replace(':', ': ')}" + (f" ({region})" if region else "")
        return name if part in ("value", "0", "") else f"{name}, {_words(part)}"
    parts = text.split(".")
    if len(parts) < 2:
        return _words(text)
    step, rest = parts[0], parts[1:]
    field = _FIELDS.get(rest[-1], _words(rest[-1]))
    if rest[0] in ("inputs", "energy", "cleaning") and len(rest) >= 3:
        what = " ".join(rest[1:-1])
        prefix = "cleaning " if rest[0] == "cleaning" else ""
        return f"{step}: {prefix}{what} {field}"
    if rest[0] == "product" and len(rest) == 2:
        return f"{step}: {field}"
    return (
        f"{step}: "
        + " ".join(_words(p) for p in rest[:-1])
        + (" " if len(rest) > 1 else "")
        + (field)
    )


def decimals(value: float, digits: int = 3) -> int:
    """Decimal places that show ``value`` to ``digits`` significant figures, and never fewer
    than its whole digits (0 for 1,141; 1 for 53.4; 4 for 0.0123)."""
    if value == 0 or not math.isfinite(value):
        return 0
    rounded = float(f"{value:.{digits}g}")
    whole = math.floor(math.log10(abs(rounded))) + 1
    return max(digits - whole, 0)


def excel_format(value: float | None, digits: int = 3) -> str:
    """A spreadsheet number format showing ``value`` as :func:`format_number` does
    (``#,##0.0`` for 53.4, ``0.0123`` as ``#,##0.0000``); ``General`` when unknown."""
    if value is None or not math.isfinite(value):
        return "General"
    places = decimals(value, digits)
    return "#,##0" + ("." + "0" * places if places else "")


def format_value(value: float | None, unit: str = "", digits: int = 3) -> str:
    """A figure in its unit's way: a ``count`` as an integer, anything else by
    :func:`format_number`."""
    if unit == "count" and value is not None and math.isfinite(value):
        return f"{round(value):,d}"
    return format_number(value, digits)


def format_number(value: float | None, digits: int = 3) -> str:
    """A figure for display: ``digits`` significant figures, and every digit before the
    decimal point, thousands separated (``0.0123``, ``12.3``, ``169``, ``1,141``); ``n/a``
    when missing. The data behind it keep their full precision."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if value == 0:
        return "0"
    if not math.isfinite(value):
        return str(value)
    rounded = float(f"{value:.{digits}g}")
    if abs(rounded) < 10:
        return f"{value:.{digits}g}"  # no trailing zeros: 5, 1.7, 0.0123
    whole = math.floor(math.log10(abs(rounded))) + 1
    if whole >= digits:
        return f"{value:,.0f}"
    return f"{value:,.{digits - whole}f}"


def format_signed(value: float | None, digits: int = 3) -> str:
    """A difference with its sign (``+0.5``, ``−2.1``); ``0`` and ``n/a`` as they are."""
    if value is None or value == 0 or math.isnan(value):
        return format_number(value, digits)
    text = format_number(abs(value), digits)
    return ("+" if value > 0 else MINUS) + text


def format_percent(value: float | None) -> str:
    """A share already in per cent, one decimal: ``12.5 %``; ``n/a`` when missing."""
    return MISSING if value is None else f"{value:.1f} %"
