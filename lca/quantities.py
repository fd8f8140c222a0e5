"""Quantities as greenroute computes with them: a magnitude and pint's units, with pint's
arithmetic, and pint's readings of unit text kept between runs, so that a command whose amounts
and units were all read before does not import pint.

Importing pint and setting up its registry takes about a tenth of a second, more than the rest of
an assessment. What the builders do with an amount is little: compare its dimension, multiply
two amounts, express one in a unit. :class:`Quantity` does that the way pint does it, so that
every number is pint's, bit for bit:

- every *reading* is pint's own answer: an amount's text → magnitude and units, the units a unit
  text names, the dimension of units, the factor between two units. It is asked of pint the
  first time and kept in the cache of :mod:`lca.cache`, in a file named by pint's version and
  this code (:func:`lca.cache.code_digest`), so it is never another pint's or another code's
  answer;
- a *product* multiplies the magnitudes and merges the units as pint's ``UnitsContainer`` does
  (the order of the unit names kept, a unit whose exponents cancel dropped);
- a *conversion* gives the magnitude itself when the units are equal, otherwise the magnitude
  times pint's factor between the two units: pint converts with that one multiplication.

Units with an offset (°C, °F) or a fractional exponent are left to pint: every operation on them
but a conversion to the same units goes through pint. An amount that does not read (a typo, an
unknown unit) is never kept: it goes to pint each time, which gives the message it always gave.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from lca.cache import JsonStore, code_digest

Exponent = int | float
Terms = tuple[tuple[str, Exponent], ...]

READINGS_LIMIT = 20_000
"""Most readings kept; a run that would keep more starts the file over (its size stays below a
megabyte, read in a few milliseconds at each start)."""


class Dimension(Mapping[str, Exponent]):
    """A dimension, such as ``{"[length]": 3, "[time]": -1}``.

    It equals pint's dimensionality of the same terms and hashes like it, so either finds the
    other in a dict.
    """

    __slots__ = ("_hash", "_terms")

    def __init__(self, terms: Mapping[str, Exponent] | Iterable[tuple[str, Exponent]] = ()):
        self._terms = dict(terms)
        self._hash = hash(frozenset(self._terms.items()))  # as pint's UnitsContainer

    def __getitem__(self, key: str) -> Exponent:
        return self._terms[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._terms)

    def __len__(self) -> int:
        return len(self._terms)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Dimension):
            return self._hash == other._hash and self._terms == other._terms
        if isinstance(other, Mapping):
            return self._terms == dict(other.items())
        return NotImplemented

    def __mul__(self, other: Dimension) -> Dimension:
        terms = dict(self._terms)
        for name, exponent in other._terms.items():
            total = terms.get(name, 0) + exponent
            if total:
                terms[name] = total
            else:
                terms.pop(name, None)
        return Dimension(terms)

    def __repr__(self) -> str:
        return f"Dimension({dict(sorted(self._terms.items()))!r})"


def _key(terms: Terms) -> str:
    """Units as text that keeps their order: ``kilogram^1 hour^-1``."""
    return " ".join(f"{name}^{exponent!r}" for name, exponent in terms)


class Units:
    """pint's units of a quantity: unit names and exponents in pint's order, and their dimension.

    ``own`` says whether greenroute computes with them itself (multiplicative units with whole
    exponents); other units are left to pint.
    """

    __slots__ = ("_mapping", "dimensionality", "key", "own", "terms")

    def __init__(self, terms: Terms, dimensionality: Dimension, own: bool):
        self.terms = terms
        self.key = _key(terms)
        self.dimensionality = dimensionality
        self.own = own
        self._mapping = dict(terms)

    def __eq__(self, other: object) -> bool:
        # as pint's: the same names with the same exponents, in any order
        return isinstance(other, Units) and self._mapping == other._mapping

    def __hash__(self) -> int:
        return hash(frozenset(self._mapping.items()))

    def __repr__(self) -> str:
        return f"Units({self.key!r})"

    def __str__(self) -> str:
        """pint's text of the units (``milliliter / minute``), kept as readings are."""
        text = _READINGS.get("s " + self.key)
        if not isinstance(text, str):
            text = str(_registry().Unit(self.container()))
            _READINGS.put("s " + self.key, text)
        return text

    def container(self):
        """The units as pint's ``UnitsContainer`` (the same names, exponents and order)."""
        return _registry().UnitsContainer(self._mapping)


class Quantity:
    """A magnitude (a number, an array of N variants, or a traced value) and pint's units.

    The operations the builders use, computed as pint computes them (see the module's text):
    :attr:`dimensionality`, ``*`` of two quantities, :meth:`m_as`; :meth:`to_pint` gives pint's
    own quantity for anything else.
    """

    __slots__ = ("magnitude", "units")

    def __init__(self, magnitude: Any, units: Units):
        self.magnitude = magnitude
        self.units = units

    @property
    def dimensionality(self) -> Dimension:
        return self.units.dimensionality

    def __mul__(self, other: Quantity) -> Quantity:
        if not isinstance(other, Quantity):
            return NotImplemented
        if self.units.own and other.units.own:
            return Quantity(self.magnitude * other.magnitude, product(self.units, other.units))
        return from_pint(self.to_pint() * other.to_pint())

    def m_as(self, unit: str) -> Any:
        """The magnitude in ``unit`` (a unit as text, such as ``"kg"`` or ``"mL/min"``).

        Raises
        ------
        pint.DimensionalityError
            If ``unit`` is of another dimension (pint's error, from pint).
        """
        target = units_of(unit)
        if self.units == target:
            return self.magnitude  # pint returns the magnitude itself, offset units included
        if self.units.own and target.own and self.dimensionality == target.dimensionality:
            return self.magnitude * conversion_factor(self.units, target)
        return self.to_pint().m_as(unit)

    def to_pint(self):
        """pint's quantity of the same magnitude and units."""
        return _registry().Quantity(self.magnitude, self.units.container())

    def __repr__(self) -> str:
        return f"Quantity({self.magnitude!r}, {self.units.key!r})"


def _registry():
    from lca.units import registry

    return registry()


def _readings_file() -> str | None:
    """Name of the kept readings: pint's answers depend on its version and on greenroute's unit
    definitions and code (lca/units.py, this module)."""
    here = Path(__file__)
    digest = code_digest("pint", here, here.with_name("units.py"))
    return None if digest is None else f"readings-{digest}.json"


_READINGS = JsonStore("units", _readings_file, at_exit=True, limit=READINGS_LIMIT)
"""pint's readings, by kind: ``q <amount text>`` → [magnitude, units key]; ``u <units key>`` →
[terms, dimension, own]; ``t <unit text>`` → units key; ``c <units key> > <units key>`` →
factor; ``f <fraction text>`` → the fraction; ``s <units key>`` → pint's text of the units."""
_UNITS: dict[str, Units] = {}
_PRODUCTS: dict[tuple[str, str], Units] = {}
_FACTORS: dict[tuple[str, str], Exponent] = {}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _terms(value: Any) -> Terms | None:
    """Terms read back from JSON (``[[name, exponent], ...]``), ``None`` if malformed."""
    if not isinstance(value, list):
        return None
    terms = []
    for term in value:
        if not (isinstance(term, list) and len(term) == 2 and isinstance(term[0], str)):
            return None
        if not _number(term[1]):
            return None
        terms.append((term[0], term[1]))
    return tuple(terms)


def _stored_units(key: str) -> Units | None:
    found = _UNITS.get(key)
    if found is not None:
        return found
    entry = _READINGS.get("u " + key)
    if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[2], bool)):
        return None
    terms, dimension = _terms(entry[0]), _terms(entry[1])
    if terms is None or dimension is None or _key(terms) != key:
        return None
    found = _UNITS[key] = Units(terms, Dimension(dimension), entry[2])
    return found


def units_from_pint(container) -> Units:
    """:class:`Units` of pint's ``UnitsContainer`` (kept with its dimension)."""
    terms = tuple(container.items())
    key = _key(terms)
    found = _UNITS.get(key) or _stored_units(key)
    if found is None:
        registry = _registry()
        dimension = Dimension(registry.get_dimensionality(container).items())
        own = all(
            float(exponent).is_integer() and registry._units[name].is_multiplicative
            for name, exponent in terms
        ) and all(float(exponent).is_integer() for exponent in dimension.values())
        found = _UNITS[key] = Units(terms, dimension, own)
        _READINGS.put(
            "u " + key, [[list(t) for t in terms], [list(t) for t in dimension.items()], own]
        )
    return found


def from_pint(quantity) -> Quantity:
    """greenroute's :class:`Quantity` of pint's quantity (the same magnitude, the same units)."""
    return Quantity(quantity.magnitude, units_from_pint(quantity._units))


@lru_cache(maxsize=1024)
def units_of(text: str) -> Units:
    """The units ``text`` names (``"kg"``, ``"mL/min"``), as pint reads a unit to convert to.

    Raises
    ------
    pint.UndefinedUnitError
        (and pint's other errors) if pint cannot read ``text``.
    """
    key = _READINGS.get("t " + text)
    found = _stored_units(key) if isinstance(key, str) else None
    if found is None:
        from pint.util import to_units_container

        found = units_from_pint(to_units_container(text, _registry()))
        _READINGS.put("t " + text, found.key)
    return found


def product(a: Units, b: Units) -> Units:
    """The units of a product, merged as pint's ``UnitsContainer`` merges them (``a`` and ``b``
    greenroute's own)."""
    found = _PRODUCTS.get((a.key, b.key))
    if found is None:
        terms = dict(a.terms)
        for name, exponent in b.terms:
            terms[name] = terms.get(name, 0) + exponent
            if terms[name] == 0:
                del terms[name]
        found = _UNITS.get(_key(tuple(terms.items())))
        if found is None:
            found = Units(tuple(terms.items()), a.dimensionality * b.dimensionality, True)
            _UNITS[found.key] = found
        _PRODUCTS[(a.key, b.key)] = found
    return found


def conversion_factor(source: Units, target: Units) -> Exponent:
    """The factor pint multiplies a magnitude in ``source`` by to express it in ``target``
    (units of one dimension, both greenroute's own and not equal)."""
    pair = (source.key, target.key)
    found = _FACTORS.get(pair)
    if found is None:
        key = f"c {source.key} > {target.key}"
        stored = _READINGS.get(key)
        if _number(stored):
            found = stored
        else:
            # 1 × factor is the factor itself, int or float as pint has it
            found = _registry().convert(1, source.container(), target.container())
            _READINGS.put(key, found)
        _FACTORS[pair] = found
    return found


def stored_amount(text: str) -> Quantity | None:
    """The quantity an amount's text was read as before, ``None`` if it was not."""
    entry = _READINGS.get("q " + text)
    if isinstance(entry, list) and len(entry) == 2 and _number(entry[0]):
        units = _stored_units(entry[1]) if isinstance(entry[1], str) else None
        if units is not None:
            return Quantity(entry[0], units)
    return None


def keep_amount(text: str, quantity) -> Quantity:
    """pint's reading of an amount's ``text`` (a valid amount) as a :class:`Quantity`, kept."""
    found = from_pint(quantity)
    if _number(found.magnitude):
        _READINGS.put("q " + text, [found.magnitude, found.units.key])
    return found


def stored_fraction(text: str) -> float | None:
    """The fraction a text (``"85 %"``) was read as before, ``None`` if it was not."""
    entry = _READINGS.get("f " + text)
    return entry if isinstance(entry, float) else None


def keep_fraction(text: str, fraction: float) -> float:
    """pint's reading of a fraction's ``text``, kept."""
    _READINGS.put("f " + text, fraction)
    return fraction
