"""Checks of a step's co-products and of how it shares its burden with them (``allocation``).

greenroute computes the mass side (co-product kg per kg of final product, in the inventory); the
carbon footprint allocates with it. These checks make sure each allocation has what it needs:
co-products at all, and for economic allocation a price on the product and on every co-product,
in one currency.
"""

from __future__ import annotations

from collections.abc import Mapping

from lca.errors import Problem, UnitError
from lca.fieldpath import ROOT, item_path, step_path
from lca.prices import parse_price
from lca.recipe import Recipe


def coproduct_problems(recipe: Recipe, index: int, producer: Mapping[str, int]) -> list[Problem]:
    """Problems of step ``index``'s co-products and allocation, each at its field."""
    step = recipe.steps[index]
    label = step_path(recipe, index)
    problems = []
    seen: set[str] = set()
    for position, line in enumerate(step.coproducts):
        where = item_path(label, "coproducts", position, line.material)
        if line.material == step.made.material:
            problems.append(
                Problem(
                    f"{where}.material",
                    f"'{line.material}' is the product of step '{step.id}'; a co-product is "
                    "another output",
                )
            )
        elif line.material in producer:
            other = recipe.steps[producer[line.material]].id
            problems.append(
                Problem(
                    f"{where}.material",
                    f"'{line.material}' is the product of step '{other}'; a material made as "
                    "a product of the route cannot also be a co-product",
                )
            )
        if line.material in seen:
            problems.append(
                Problem(
                    f"{where}.material",
                    f"'{line.material}' is listed twice as a co-product of step '{step.id}'; "
                    "give it once, with its total amount",
                )
            )
        seen.add(line.material)
    if step.allocation is not None and not step.coproducts:
        problems.append(
            Problem(
                f"{label}.allocation",
                f"allocation = \"{step.allocation}\" but step '{step.id}' has no co-products: "
                "add [[steps.coproducts]] or remove `allocation`",
            )
        )
    if step.allocation == "economic" and step.coproducts:
        if step.made.price is None:
            problems.append(
                Problem(
                    f"{label}.product.price",
                    "economic allocation needs the value of the product: give "
                    'product.price, e.g. "40 USD/kg"',
                )
            )
        for position, line in enumerate(step.coproducts):
            if line.price is None:
                problems.append(
                    Problem(
                        str(item_path(label, "coproducts", position, line.material) / "price"),
                        "economic allocation needs the value of every co-product: give "
                        'price, e.g. "0.6 USD/kg"',
                    )
                )
        currencies = set()
        for price in (step.made.price, *(c.price for c in step.coproducts)):
            if price is None:
                continue  # reported above
            try:
                currencies.add(parse_price(price, ROOT).currency)
            except UnitError:  # unreadable: reported where the price is read
                continue
        if len(currencies) > 1:
            problems.append(
                Problem(
                    f"{label}.allocation",
                    f"economic allocation needs prices in one currency, got "
                    f"{', '.join(sorted(currencies))}: convert them to one",
                )
            )
    return problems
