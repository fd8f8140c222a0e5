"""greenroute: mass intensity and carbon footprint of pharmaceutical synthesis routes.

The two top-level functions are :func:`lca.assess` (one route → :class:`Assessment`) and
:func:`lca.compare` (several routes → :class:`Comparison`). ``import lca`` is cheap and has no
side effects: the public names below are imported on first use (PEP 562), so a notebook or the
CLI pays only for what it touches.
"""

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "LcaError": "lca.errors",
    "RecipeError": "lca.errors",
    "UnitError": "lca.errors",
    "Recipe": "lca.recipe",
    "read_recipe": "lca.recipe",
    "parse_recipe": "lca.recipe",
    "build_inventory": "lca.inventory",
    "Inventory": "lca.inventory",
    "assess": "lca.assessment",
    "Assessment": "lca.assessment",
    "compare": "lca.comparison",
    "Comparison": "lca.comparison",
    "FactorError": "lca.errors",
    "load_factor_set": "lca.factors",
    "examples": "lca.resources",
    "ureg": "lca.units",
    "Q_": "lca.units",
}

__all__ = [*sorted(_EXPORTS), "__version__"]


def __getattr__(name: str):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'lca' has no attribute {name!r}") from None
    return getattr(import_module(module), name)


def __dir__():
    return __all__
