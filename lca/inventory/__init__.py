"""Recipe → inventory: every flow in kg (energy in kWh, kg of steam, ...) per kg of final product.

Each step's charges are converted to kg with pint (volumes through the density, amounts of
substance through the molar mass, ``equiv``/``vol``/``wt`` through the step's limiting reagent),
first multiplied into campaign totals by the step's mode (:mod:`lca.modes`: batches, run time,
start-up, cleaning, facility overheads), normalised per kg of the step's isolated product and
propagated from 1 kg of final product through the route graph by :func:`lca.engine.evaluate`.
"""

from lca.inventory.build import build_inventory
from lca.inventory.model import CoproductLine, EnergyLine, Flow, Inventory, StepBalance

__all__ = ["CoproductLine", "EnergyLine", "Flow", "Inventory", "StepBalance", "build_inventory"]
