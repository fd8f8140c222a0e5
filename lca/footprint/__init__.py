"""Inventory × emission factors → cradle-to-gate carbon footprint, per kg of final product.

The footprint is compiled once into linear terms over the evaluated inventory
(:mod:`lca.footprint.model`) by small builders for materials, energy, waste and transport
(:mod:`lca.footprint.build`); :mod:`lca.footprint.result` evaluates it and reports
contributions, provenance, coverage by tier and data quality. The model is documented in
``docs/methodology.md``.

Categories: ``materials`` (cradle-to-gate production of raw materials, gross of recovery),
``energy`` (purchased energy, including the energy of solvent recovery), ``waste treatment``
(fossil CO2 of incinerated solvent and process residue from the carbon in the formulas, treatment
factors, wastewater), ``transport`` (freight the recipe gives) and ``credits`` (virgin material
avoided by recovered solvent, shown separately and negative). Biogenic CO2 and emissions the
incineration cut-off assigns elsewhere are reported apart.
"""

from lca.footprint.build import build_footprint_model
from lca.footprint.model import (
    CATEGORIES,
    ROOT_CLASS,
    Apart,
    FootprintModel,
    Gap,
    Term,
    factor_id,
)
from lca.footprint.result import Footprint, evaluate_footprint, strict_check

__all__ = [
    "CATEGORIES",
    "ROOT_CLASS",
    "Apart",
    "Footprint",
    "FootprintModel",
    "Gap",
    "Term",
    "build_footprint_model",
    "evaluate_footprint",
    "factor_id",
    "strict_check",
]
