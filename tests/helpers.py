"""Build small recipes in code for tests."""

from __future__ import annotations

from lca.recipe import Recipe, parse_recipe


def route(steps: list[dict], product: str = "api", materials: dict | None = None) -> Recipe:
    """A recipe from step dicts (``inputs`` as dicts), with route metadata filled in."""
    data = {
        "schema_version": 1,
        "route": {"name": "test route", "product": product, "source": "test (illustrative)"},
        "steps": steps,
    }
    if materials:
        data["materials"] = materials
    return parse_recipe(data, source="test.toml")


def step(step_id: str, product: str, product_amount: str, *inputs: tuple) -> dict:
    """A step dict; each input is ``(material, amount, role)`` or with extra fields as a dict."""
    return {
        "id": step_id,
        "inputs": [
            item
            if isinstance(item, dict)
            else {"material": item[0], "amount": item[1], "role": item[2]}
            for item in inputs
        ],
        "product": {"material": product, "amount": product_amount},
    }
