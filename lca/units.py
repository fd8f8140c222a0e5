"""The one pint unit registry of greenroute, and how recipe amounts are read.

Process chemistry writes relative amounts that pint does not know; they are defined here with
dimensions of their own so that they can never be silently converted to a mass:

- ``equiv`` (alias ``eq``): moles per mole of the step's limiting reagent;
- ``vol``: litres per kg of the limiting reagent (the "10 volumes" convention; ``L/kg`` and
  ``mL/g`` are the same thing and are accepted too);
- ``wt``: kg per kg of the limiting reagent ("0.1 wt" of a filter aid);
- ``CO2e``: its own dimension, so ``kg CO2e`` can never be added to ``kg`` of material;
  ``CO2`` is the same unit, while every other gas of ``factors/gwp100.csv`` (``CH4_fossil``, alias
  ``CH4``; ``N2O``; ``SF6``; ``HFC_134a``...) has a dimension of its own and becomes CO2e only
  through a GWP set (:mod:`lca.gwp`);
- ``USD``, ``EUR``, ``GBP``: separate dimensions, for spend-based factors.

pint's ``ton`` is the US short ton (907.18 kg). A process chemist who writes "ton" almost always
means the metric tonne, so the bare word is refused and the message says to write ``t``/``tonne``
(metric) or ``short_ton`` (US).

Amounts are read by pint and computed with as :class:`lca.quantities.Quantity` (pint's numbers,
bit for bit); pint's readings are kept between runs, so the registry (``ureg``, ``Q_``) is set up
only when pint is needed: an amount or unit not read before, an error to explain, or a caller of
``ureg`` itself.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lca.arrays import Floats, Variable
from lca.errors import UnitError
from lca.fieldpath import FieldPath, Location
from lca.quantities import (
    Dimension,
    Quantity,
    Units,
    keep_amount,
    keep_fraction,
    stored_amount,
    stored_fraction,
    units_of,
)

if TYPE_CHECKING:
    import pint


def _registry() -> pint.UnitRegistry:
    """pint's registry with greenroute's units, from their parsed definitions when
    :mod:`lca.cache` has them (loading them takes a hundredth of a second, parsing the text a
    fifth)."""
    import pint

    from lca.cache import cache_dir

    registry: pint.UnitRegistry
    folder = cache_dir("pint")
    if folder is not None:
        try:
            registry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, cache_folder=folder)
            # pint caches the parse of a file (by its content), not of a list of lines
            registry.load_definitions(_definitions_file(folder))
            return registry
        except Exception:  # an unreadable or foreign cache file: parse the definitions instead
            pass
    registry = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    registry.load_definitions(list(DEFINITIONS))
    return registry


_REGISTRY: list[pint.UnitRegistry] = []
_REGISTRY_LOCK = threading.Lock()


def registry() -> pint.UnitRegistry:
    """The one pint registry (``ureg``), set up the first time pint is needed: an assessment whose
    amounts were all read before never needs it (:mod:`lca.quantities`)."""
    if not _REGISTRY:
        with _REGISTRY_LOCK:  # builders run on threads; quantities of two registries do not mix
            if not _REGISTRY:
                _REGISTRY.append(_registry())
    return _REGISTRY[0]


def __getattr__(name: str) -> Any:
    # ``ureg`` and ``Q_`` are pint's, made on first use (PEP 562)
    if name == "ureg":
        return registry()
    if name == "Q_":
        return registry().Quantity
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _definitions_file(folder: Path) -> Path:
    """:data:`DEFINITIONS` as a file in ``folder``, named by its content (written once)."""
    import hashlib

    from lca.cache import write_text

    text = "\n".join(DEFINITIONS) + "\n"
    path = folder / f"greenroute-{hashlib.sha256(text.encode()).hexdigest()[:20]}.txt"
    try:
        written = path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        written = None
    if written != text:  # missing, or changed since: pint would read what is there
        write_text(path, text)
    return path


# Per-gas units for factor rows published gas by gas (``kg SF6 / kg``, ``lb CH4 / MWh``): every
# gas of factors/gwp100.csv but CO2 has a dimension of its own and becomes CO2e only through a
# GWP set (lca.gwp), so kg of methane can never be added to kg CO2e. The ids are written here,
# not read from the table, so that importing lca reads no file; a test checks they match.
GAS_IDS = (
    "CO2",
    "CO2_biogenic",
    "CH4_fossil",
    "CH4_nonfossil",
    "N2O",
    "SF6",
    "NF3",
    "SF5CF3",
    "SO2F2",
    "CF4",
    "C2F6",
    "C3F8",
    "PFC_318",
    "C4F10",
    "C5F12",
    "C6F14",
    "HFC_23",
    "HFC_32",
    "HFC_125",
    "HFC_134",
    "HFC_134a",
    "HFC_143",
    "HFC_143a",
    "HFC_152a",
    "HFC_227ea",
    "HFC_236fa",
    "HFC_245fa",
    "HFC_365mfc",
    "CFC_11",
    "CFC_12",
    "CFC_13",
    "CFC_113",
    "CFC_114",
    "CFC_115",
    "HCFC_21",
    "HCFC_22",
    "HCFC_123",
    "HCFC_124",
    "HCFC_141b",
    "HCFC_142b",
    "Halon_1211",
    "Halon_1301",
    "CCl4",
    "CH3CCl3",
    "CHCl3",
    "CH2Cl2",
    "CH3Cl",
    "C2H4Cl2",
    "CH3Br",
)
DEFINITIONS = (
    "equivalent = [equivalent] = equiv = eq = eqv",
    "vol = liter / kilogram",
    "wt = [mass_ratio]",
    "CO2e = [co2e] = CO2eq = CO2_eq",
    "CO2 = CO2e",
    # Fossil methane keeps the dimension [ch4] and the short name CH4 that published per-gas
    # rows (EPA, eGRID) use; every other gas's dimension is its id in lower case.
    "CH4_fossil = [ch4] = CH4",
    *(f"{gas} = [{gas.lower()}]" for gas in GAS_IDS if gas not in ("CO2", "CH4_fossil")),
    # Currencies are separate dimensions: a USD factor can never be applied to a EUR price.
    "USD = [currency_usd]",
    "EUR = [currency_eur]",
    "GBP = [currency_gbp]",
)
"""greenroute's own units, added to pint's (read in one pass: one by one takes longer)."""

# Dimensions written out (pint's, a test checks them), so that importing lca needs no pint.
MASS = Dimension({"[mass]": 1})
VOLUME = Dimension({"[length]": 3})
SUBSTANCE = Dimension({"[substance]": 1})
ENERGY = Dimension({"[length]": 2, "[mass]": 1, "[time]": -2})
POWER = Dimension({"[length]": 2, "[mass]": 1, "[time]": -3})
TIME = Dimension({"[time]": 1})
LENGTH = Dimension({"[length]": 1})
TEMPERATURE = Dimension({"[temperature]": 1})
PRESSURE = Dimension({"[length]": -1, "[mass]": 1, "[time]": -2})
EQUIVALENT = Dimension({"[equivalent]": 1})
VOLUME_PER_MASS = Dimension({"[length]": 3, "[mass]": -1})
MASS_RATIO = Dimension({"[mass_ratio]": 1})
MOLAR_MASS = Dimension({"[mass]": 1, "[substance]": -1})
DENSITY = Dimension({"[mass]": 1, "[length]": -3})
CONCENTRATION = Dimension({"[substance]": 1, "[length]": -3})
DIMENSIONLESS = Dimension()
EMISSION = Dimension({"[mass]": 1, "[co2e]": 1})
TRANSPORT = Dimension({"[mass]": 1, "[length]": 1})
"""Freight: mass × distance (t·km)."""
SUBSTANCE_FLOW = Dimension({"[substance]": 1, "[time]": -1})
GAS_DIMENSIONS = {
    gas: Dimension({"[ch4]" if gas == "CH4_fossil" else f"[{gas.lower()}]": 1})
    for gas in GAS_IDS
    if gas != "CO2"
}
"""Dimension of each gas unit but CO2 (which is CO2e itself), by gas id."""
GASES = {"CH4": GAS_DIMENSIONS["CH4_fossil"], "N2O": GAS_DIMENSIONS["N2O"]}
CURRENCIES = {code: Dimension({f"[currency_{code.lower()}]": 1}) for code in ("USD", "EUR", "GBP")}
VOLUME_FLOW = Dimension({"[length]": 3, "[time]": -1})
MASS_FLOW = Dimension({"[mass]": 1, "[time]": -1})

_AMBIGUOUS_TON = re.compile(r"(?<![\w_])tons?(?![\w_])")

EXAMPLES = "e.g. '6.2 kg', '60 L', '0.35 mol', '1.2 equiv', '10 vol', '0.1 wt'"

# Magnitudes greenroute computes with, in SI base units. A product or quotient of a few numbers in
# this range stays far inside float64 (about 1e-308 to 1e308), so an exponent typed wrong ("1e308
# kg", "1e-320 kg") is refused where it is read instead of overflowing to inf, or losing its
# precision as a subnormal, several operations later. Real process numbers are far inside it.
LARGEST = 1e100
SMALLEST = 1e-100


def parse_quantity(text: str | float | int, where: Location) -> Quantity:
    """Read ``text`` (a number with a unit, like ``"6.2 kg"``) as a quantity: pint's reading, as
    a :class:`lca.quantities.Quantity` (kept between runs: a text read before needs no pint).

    Parameters
    ----------
    text : str
        The amount as written in the recipe.
    where : FieldPath or str
        Where the amount stands (file, step, field), used in error messages only.

    Raises
    ------
    UnitError
        If the text has no unit, an unknown unit, the ambiguous ``ton``, or a value that is not a
        finite, non-negative number.

    Readings are cached by text alone (a recipe writes the same few amounts many times, and a
    Monte Carlo run rebuilds a route chunk after chunk), so a route of thousands of steps reads
    each distinct amount once; callers never modify the returned quantity in place.
    """
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise UnitError(f"{where}: expected an amount with a unit ({EXAMPLES}), got {text!r}")
    if not isinstance(text, str):
        raise UnitError(
            f"{where}: {text!r} has no unit; write it as a string with a unit ({EXAMPLES})"
        )
    quantity = _read_quantity(text)
    if isinstance(quantity, str):
        raise UnitError(f"{where}: {quantity}")
    return quantity


@lru_cache(maxsize=65536)
def _read_quantity(text: str) -> Quantity | str:
    """The quantity ``text`` reads as, or what is wrong with it (a message without its place).

    A text that read as a valid amount before (by this code and this pint) is taken from the
    kept readings; anything else is read by pint, and only valid amounts are kept.
    """
    stored = stored_amount(text)
    if stored is not None:
        return stored
    import pint

    if _AMBIGUOUS_TON.search(text):
        return (
            f"'{text}' uses 'ton', which pint reads as the US short ton (907.18 kg); "
            "write 't' or 'tonne' for the metric tonne, or 'short_ton' if you mean the US ton"
        )
    try:
        quantity: pint.Quantity = registry().Quantity(text)
    except Exception as exc:  # pint's parser raises many types (tokenize.TokenError among them)
        return f"cannot read '{text}' as an amount ({exc}); {EXAMPLES}"
    if not isinstance(quantity, pint.Quantity):
        return f"'{text}' has no unit; {EXAMPLES}"
    magnitude = quantity.magnitude
    if not isinstance(magnitude, int | float) or not math.isfinite(magnitude):
        return f"'{text}' is not a finite number"
    if magnitude < 0:
        return f"'{text}' is negative; amounts charged must be zero or more"
    if quantity.dimensionality == DIMENSIONLESS:
        return f"'{text}' has no unit; {EXAMPLES}"
    problem = _magnitude_problem(float(quantity.to_base_units().magnitude), repr(text))
    return problem or keep_amount(text, quantity)


def _magnitude_problem(value: float, text: str) -> str:
    """What is wrong with a number's size (see :func:`check_magnitude`), ``""`` if nothing."""
    size = abs(value)
    if not math.isfinite(size):
        return f"{text} is not a finite number"
    if size != 0 and not SMALLEST <= size <= LARGEST:
        return (
            f"{text} is outside the range greenroute computes with ({SMALLEST:g} to "
            f"{LARGEST:g} in SI units, or 0); check the exponent and the unit"
        )
    return ""


def check_magnitude(value: float, text: str, where: Location) -> None:
    """Refuse a number that is not finite, or whose size (in SI base units) lies outside
    [SMALLEST, LARGEST] (zero is fine).

    Raises
    ------
    UnitError
        Naming ``where`` and the number as written (``text``).
    """
    problem = _magnitude_problem(value, text)
    if problem:
        raise UnitError(f"{where}: {problem}")


def check_values(
    values: Floats, where: Location, fraction: bool, source: str, base: Floats | None = None
) -> None:
    """The checks a written amount (or fraction) gets, applied to N values that replace it.

    ``source`` says where the values come from ("the sweep", "the Monte Carlo draws");
    ``base`` holds the same values in SI base units, which the range applies to (default:
    ``values``).

    Raises
    ------
    UnitError
        Naming ``where``, the first offending value and how many of the N are offending.
    """
    array = np.asarray(values, dtype=float)
    size = np.abs(array if base is None else np.asarray(base, dtype=float))
    bad = ~np.isfinite(size) | (array < 0) | ((size != 0) & ((size < SMALLEST) | (size > LARGEST)))
    rule = f"a finite number ≥ 0 (non-zero: {SMALLEST:g} to {LARGEST:g})"
    if fraction:
        bad |= array > 1.0
        rule = "a fraction between 0 and 1"
    if np.any(bad):
        first = float(array[bad][0])
        shown = f"{first:g}" if first == 0 or abs(first) >= 1e-300 else repr(first)
        raise UnitError(
            f"{where}: {source} sets it to {shown} ({int(bad.sum())} of {array.size} "
            f"values), but it must be {rule}, as in a recipe"
        )


def parse_fraction(value: str | float | int, where: Location) -> float:
    """Read a fraction written as ``0.85`` or ``"85 %"``; it must lie in [0, 1]."""
    if isinstance(value, bool):
        raise UnitError(f"{where}: expected a fraction such as 0.85 or '85 %', got {value!r}")
    if isinstance(value, str):
        fraction: float | str = _read_fraction(value)
        if isinstance(fraction, str):
            raise UnitError(f"{where}: {fraction}")
    elif isinstance(value, int | float):
        fraction = float(value)
    else:
        raise UnitError(f"{where}: expected a fraction such as 0.85 or '85 %', got {value!r}")
    if not math.isfinite(fraction) or not 0.0 <= fraction <= 1.0:
        raise UnitError(f"{where}: {value!r} is not a fraction between 0 and 1 (or 0 % and 100 %)")
    check_magnitude(fraction, repr(value), where)
    return fraction


@lru_cache(maxsize=4096)
def _read_fraction(value: str) -> float | str:
    """The number a fraction written as text reads as, or what is wrong with it (pint's reading,
    kept as amounts are)."""
    stored = stored_fraction(value)
    if stored is not None:
        return stored
    import pint

    try:
        quantity: Any = registry().Quantity(value)  # a Quantity, or a plain number
    except Exception:  # pint's parser raises many types (tokenize.TokenError among them)
        return f"cannot read '{value}' as a fraction; write 0.85 or '85 %'"
    if not isinstance(quantity, pint.Quantity):
        return keep_fraction(value, float(quantity))
    if quantity.dimensionality != DIMENSIONLESS:
        return f"'{value}' is not a fraction; write 0.85 or '85 %'"
    return keep_fraction(value, float(quantity.m_as("dimensionless")))


def parse_property(value: float | str, unit: str, dimension, where: Location) -> float:
    """A positive property (molar mass, density) in ``unit``: a number in it, or a string with
    units of the same dimension."""
    if isinstance(value, bool):
        raise UnitError(f"{where}: expected a number or a string with units, got {value!r}")
    if isinstance(value, int | float):
        check_magnitude(float(value), repr(value), where)
        quantity = Quantity(float(value), units_of(unit))
    else:
        quantity = parse_quantity(value, where)
    if quantity.dimensionality != dimension:
        raise UnitError(f"{where}: '{value}' is not in {unit} (or another unit of the same kind)")
    in_unit = float(quantity.m_as(unit))
    if in_unit <= 0:
        raise UnitError(f"{where}: '{value}' must be positive")
    return in_unit


def dimension_name(quantity: Quantity) -> str:
    """What kind of quantity this is, with its article, for messages ("a mass", "an energy")."""
    names = {
        MASS: "a mass",
        VOLUME: "a volume",
        SUBSTANCE: "an amount of substance",
        ENERGY: "an energy",
        POWER: "a power",
        TIME: "a time",
        EQUIVALENT: "an amount in equivalents",
        VOLUME_PER_MASS: "a volume per mass of limiting reagent",
        MASS_RATIO: "a mass per mass of limiting reagent",
        VOLUME_FLOW: "a flow rate (volume per time)",
        MASS_FLOW: "a flow rate (mass per time)",
        TEMPERATURE: "a temperature",
        CONCENTRATION: "a concentration",
        MOLAR_MASS: "a molar mass",
        DENSITY: "a density",
    }
    name = names.get(quantity.dimensionality)
    # any other dimension is named by pint, as pint writes it
    return name or f"of dimension {quantity.to_pint().dimensionality}"


def quantity(value: Any, unit: str) -> Quantity:
    """``value`` (a number, an array of variants) in ``unit``, as pint's ``Q_(value, unit)``."""
    if isinstance(value, list | tuple):
        value = np.asarray(value)  # as pint keeps a sequence
    return Quantity(value, units_of(unit))


def dimension_of(unit: str) -> Dimension:
    """The dimension of a unit written as text (``"kWh"``: an energy)."""
    return units_of(unit).dimensionality


def magnitude(quantity: Quantity, unit: str) -> Variable:
    """The magnitude in ``unit``: a float, or an array when the quantity holds variants."""
    value = quantity.m_as(unit)
    return value if np.ndim(value) else float(value)


@dataclass(frozen=True)
class Values:
    """Where a recipe's numbers come from: as written, or overridden field by field.

    ``overrides`` maps a field (:class:`lca.fieldpath.FieldPath`, the value the inventory reads
    it at, as :attr:`lca.parameters.Parameter.where` names it) to an array of N values in the
    unit the recipe writes that field in (a fraction for yields and recovered fractions). Every
    amount the inventory reads goes through here, so N variants of a route are built by the same
    code as the recipe itself (N = 1).
    """

    overrides: Mapping[FieldPath, Any] = field(default_factory=dict)
    source: str = "an override"
    checked: bool = False
    """The caller has checked the overrides as :func:`check_override` would (the Monte Carlo
    draws of :mod:`lca.fused`, block by block): they are used as they are."""

    @property
    def size(self) -> int:
        sizes = {len(v) for v in self.overrides.values()}
        if len(sizes) > 1:
            raise ValueError(f"overrides of different lengths: {sorted(sizes)}")
        return sizes.pop() if sizes else 1

    def quantity(self, text: str, where: FieldPath) -> Quantity:
        """The quantity of a field: as written, or its N overriding values in the same unit."""
        quantity = parse_quantity(text, where)
        if where in self.overrides:
            values = self.overrides[where]
            if not self.checked:
                values = check_override(values, where, quantity.units, self.source)
            if isinstance(values, list | tuple):
                values = np.asarray(values)  # as pint keeps a sequence
            return Quantity(values, quantity.units)
        return quantity

    def fraction(self, value: str | float, where: FieldPath) -> Variable:
        """The fraction of a field: as written, or its N overriding values."""
        fraction = parse_fraction(value, where)
        if where in self.overrides:
            values = self.overrides[where]
            return values if self.checked else check_override(values, where, None, self.source)
        return fraction


def check_override(values, where: Location, unit, source: str) -> Floats:
    """N values that replace a recipe field, after the checks a written value gets.

    ``unit`` is the field's unit as text or :class:`~lca.quantities.Units` (``None`` for a
    fraction: yield, recovered, failure rate).

    Raises
    ------
    UnitError
        See :func:`check_values`.
    """
    array = np.asarray(values, dtype=float)
    if unit is None:
        check_values(array, where, True, source)
    else:
        with np.errstate(over="ignore", invalid="ignore"):
            units = unit.container() if isinstance(unit, Units) else unit
            base = registry().Quantity(array, units).to_base_units().magnitude
        check_values(array, where, False, source, base)
    return array


WRITTEN = Values()
