"""Co-products: how a step shares its burden with what it makes besides its product.

A step with co-products (``Step.coproducts``) and an ``allocation``:

- ``mass``: the product bears ``P / (P + Σ C)`` of the step's burden (P, C: kg made on the step's
  campaign basis);
- ``economic``: ``P·p_P / (P·p_P + Σ C·p_C)`` with the prices the recipe gives;
- ``system-expansion``: the product bears the whole burden and each co-product is credited with
  the production it displaces (``displaces``, default itself), shown under *credits*;
- none: the product bears the whole burden and nothing is credited.

The share applies to everything the step is charged with, its own inputs, energy and waste and
the burden of the intermediates it consumes: the share of a step is its own allocation times the
share of the step that consumes its product (ISO 14044 §4.3.4.2; ISO 14067 §6.4.6). Whatever the
allocation, co-products leave the step as products: their carbon is not in the process residue
burned as fossil CO2.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from lca.errors import RecipeError
from lca.footprint.model import Apart, Entry, Gap, Term
from lca.prices import Price

if TYPE_CHECKING:
    from lca.inventory import Inventory


def _product_shares(inventory: Inventory) -> list:
    """Per step, the share of its own burden its product bears (floats or (N,) arrays)."""
    shares: list = [1.0] * len(inventory.step_ids)
    lines = inventory.coproducts
    for step_index, method in enumerate(inventory.allocation):
        if method not in ("mass", "economic"):
            continue
        product = inventory.product_columns[step_index]
        mine = [
            (kg, line)
            for kg, line, step in zip(
                inventory.coproduct_columns, lines, inventory.coproduct_step, strict=True
            )
            if step == step_index
        ]
        if method == "mass":
            shares[step_index] = product / (product + sum(kg for kg, _ in mine))
        else:
            # economic allocation has a price on the product and each co-product
            # (lca.coproducts.coproduct_problems refuses the recipe otherwise)
            value = product * _per_kg(inventory.product_price[step_index])
            others = sum(kg * _per_kg(line.price) for kg, line in mine)
            shares[step_index] = value / (value + others)
    return shares


def _per_kg(price: Price | None) -> float:
    if price is None:
        raise RecipeError("economic allocation needs a price on the product and co-products")
    return price.per_kg


def burden_shares(inventory: Inventory) -> list:
    """Per step, the share of its burden that 1 kg of final product bears: its own product share
    times that of the step(s) consuming its product (weighted by what each consumes)."""
    own = _product_shares(inventory)
    if all(np.ndim(share) == 0 and share == 1.0 for share in own):
        return own
    route = inventory.route
    columns = inventory.columns()
    shares: list = list(own)
    for step in route.order[1:]:
        consumers = [
            (route.flow_step[line], columns.flow[line])
            for line, producer in enumerate(route.flow_producer)
            if producer == step
        ]
        total = sum(flow for _, flow in consumers)
        downstream = sum(shares[consumer] * flow for consumer, flow in consumers) / total
        shares[step] = own[step] * downstream
    return shares


def allocate(terms, apart, inventory) -> tuple[list[Term], list[Apart]]:
    """Terms and apart-reported terms with each step's burden share applied."""
    shares = burden_shares(inventory)
    index = {step_id: i for i, step_id in enumerate(inventory.step_ids)}

    def shared(term: Term) -> Term:
        share = shares[index[term.step]]
        if np.ndim(share) == 0 and share == 1.0:
            return term
        return replace(term, allocation=term.allocation * share)

    return [shared(t) for t in terms], [replace(a, term=shared(a.term)) for a in apart]


def expansion_terms(inventory: Inventory, resolver) -> tuple[list[Term], list[Gap]]:
    """Credits for the production co-products displace (system expansion)."""
    terms: list[Term] = []
    gaps: list[Gap] = []
    for column, (line, step) in enumerate(
        zip(inventory.coproducts, inventory.coproduct_step, strict=True)
    ):
        if inventory.allocation[step] != "system-expansion":
            continue
        displaced = line.displaces or line.material
        per_product = inventory.coproduct_columns[column] / inventory.product_columns[step]
        label = f"{line.material} displaces {displaced} (system expansion)"
        factor = resolver.own(displaced)
        entry = Entry(
            array="step", index=int(step), multiplier=per_product, amount_unit="kg",
            step=line.step, category="credits", flow=label,
        )  # fmt: skip
        if factor is None or factor.per_unit != "kg" or factor.tier == "proxy":
            why = (
                "no factor"
                if factor is None
                else f"only a {factor.tier} factor per {factor.per_unit}"
            )
            reason = (
                f"{why} for the displaced material:{displaced}: the credit of system expansion "
                "is not counted"
            )
            gaps.append(entry.missing(reason, material=displaced))
            continue
        basis = f"system expansion: {line.material} replaces the production of {displaced}"
        terms.append(entry.with_factor(factor, sign=-1.0, basis=basis))
    return terms, gaps
