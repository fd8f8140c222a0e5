"""Prices: a value per kg in one currency, for economic allocation and spend-based factors.

A price is written with its unit, ``"0.6 USD/kg"`` or ``"600 EUR/t"`` (currencies are separate
dimensions, :mod:`lca.units`, so a USD factor can never be applied to a EUR price). The product
and co-products of a step carry one for economic allocation (:mod:`lca.coproducts`); a material
may carry one with its spend sector for a spend-based estimate (:mod:`lca.site`).
"""

from __future__ import annotations

from dataclasses import dataclass

from lca.errors import UnitError
from lca.fieldpath import FieldPath
from lca.units import WRITTEN, Values

CURRENCIES = ("USD", "EUR", "GBP")


@dataclass(frozen=True)
class Price:
    """A value per kg in one currency, as written (``text``); for a purchased material, the
    NAICS-6 sector of its spend-based factor (``sector``, may be empty)."""

    per_kg: float
    currency: str
    text: str = ""
    sector: str = ""


def parse_price(text: str, where: FieldPath, values: Values = WRITTEN) -> Price:
    """Read a price such as ``'0.6 USD/kg'`` or ``'600 EUR/t'`` as currency per kg.

    Raises
    ------
    UnitError
        If the text is not a currency per mass.
    """
    quantity = values.quantity(text, where)
    for currency in CURRENCIES:
        try:
            per_kg = float(quantity.m_as(f"{currency}/kg"))
        except Exception:  # pint DimensionalityError: another currency or not per mass
            continue
        return Price(per_kg, currency, text)
    raise UnitError(
        f"{where}: '{text}' is not a price per mass; write e.g. '0.6 USD/kg' or '600 EUR/t' "
        f"(currencies: {', '.join(CURRENCIES)})"
    )
