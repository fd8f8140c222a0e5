"""The in-memory backend: a compiled route as a bw_processing datapackage, solved by bw2calc.

Nothing touches a Brightway project: the datapackage lives in memory and bw2calc reads it through
``LCA(demand, data_objs=[datapackage])``. The datapackage is a small foreground system:

- one activity per step, producing 1 kg of the step's product;
- one activity per input line (``phenol charged to nitration``), producing 1 kg of that line; the
  line of an intermediate consumes 1 kg of the product of the step that makes it, the line of a
  raw material has no upstream;
- one activity per energy line, producing one unit of it (kWh, kg of steam, m³ of gas).

A step consumes, per kg of its product, ``q`` kg of each input line (the charge over the isolated
product, campaign totals included) and its energy lines. Each footprint term (see
:mod:`lca.footprint`) is a characterised flow of its own: the activity of the inventory entry it
multiplies emits 1 of it per unit, and its characterisation factor is the term's coefficient.
With ``demand = {final step: 1}``, bw2calc's supply array is then the inventory per kg of final
product (``Evaluation.flow``, ``.energy``, ``.step_scale`` of :mod:`lca.engine`), a row of the
characterised inventory is the contribution of one term, and a column the contribution of one
activity, hence of one step. The same numbers come out of greenroute's own engine by a different
path (triangular substitution instead of bw2calc's sparse LU), which makes this a cross-check.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np

from lca.arrays import Floats, Indices
from lca.backends.brightway_project import brightway, require_deterministic
from lca.footprint import Footprint, FootprintModel
from lca.inventory import Inventory


@dataclass(frozen=True)
class RouteNodes:
    """Integer ids of the datapackage's activities (ids of products are the same numbers)."""

    steps: Indices
    flows: Indices
    energy: Indices

    @classmethod
    def of(cls, inventory: Inventory) -> RouteNodes:
        n_steps, n_flows = inventory.route.n_steps, len(inventory.flows)
        n_energy = len(inventory.energy_lines)
        return cls(
            steps=np.arange(n_steps),
            flows=n_steps + np.arange(n_flows),
            energy=n_steps + n_flows + np.arange(n_energy),
        )

    def entry(self, array: str, index: int) -> int:
        """The activity whose supply is the inventory entry ``(array, index)``."""
        return int({"flow": self.flows, "energy": self.energy, "step": self.steps}[array][index])

    def step_of(self, inventory: Inventory) -> Floats:
        """Step index of every activity id."""
        route = inventory.route
        return np.concatenate([self.steps, route.flow_step, route.energy_step]).astype(int)


def index_pairs(bwp, rows, cols) -> Floats:
    """(row, column) pairs in bw_processing's index dtype."""
    return np.array(list(zip(rows, cols, strict=True)), dtype=bwp.INDICES_DTYPE)


def technosphere_entries(inventory: Inventory, nodes: RouteNodes):
    """Rows, columns, amounts and flips of the route's technosphere matrix."""
    route = inventory.route
    product_kg = inventory.product_kg
    # per kg of the step's product: the same normalisation lca.engine.evaluate starts from
    q = inventory.charge_kg / product_kg[route.flow_step]
    energy = inventory.energy_amount / product_kg[route.energy_step]
    every = np.concatenate([nodes.steps, nodes.flows, nodes.energy])
    rows, cols = list(every), list(every)
    data, flip = [1.0] * len(every), [False] * len(every)  # production of every node

    def consumes(row: int, col: int, amount: float) -> None:
        rows.append(row)
        cols.append(col)
        data.append(amount)
        flip.append(True)

    for f, step in enumerate(route.flow_step):
        consumes(nodes.flows[f], nodes.steps[step], q[f])
        producer = route.flow_producer[f]
        if producer >= 0:
            consumes(nodes.steps[producer], nodes.flows[f], 1.0)
    for e, step in enumerate(route.energy_step):
        consumes(nodes.energy[e], nodes.steps[step], energy[e])
    return rows, cols, data, flip


def add_technosphere(bwp, package, inventory: Inventory) -> RouteNodes:
    """Add the route's technosphere (:func:`technosphere_entries`) to a datapackage."""
    nodes = RouteNodes.of(inventory)
    rows, cols, data, flip = technosphere_entries(inventory, nodes)
    package.add_persistent_vector(
        matrix="technosphere_matrix",
        name="greenroute-technosphere",
        indices_array=index_pairs(bwp, rows, cols),
        data_array=np.array(data, dtype=float),
        flip_array=np.array(flip, dtype=bool),
    )
    return nodes


def route_datapackage(model: FootprintModel, inventory: Inventory):
    """The route and its footprint terms as an in-memory ``bw_processing`` datapackage.

    Returns
    -------
    (bw_processing.Datapackage, RouteNodes)
    """
    require_deterministic(inventory)
    (bwp,) = brightway("bw_processing")
    package = bwp.create_datapackage(
        name="greenroute-route", metadata={"route": inventory.recipe.route.name}
    )
    nodes = add_technosphere(bwp, package, inventory)
    terms = model.terms
    if terms:
        ids = np.arange(len(terms))
        package.add_persistent_vector(
            matrix="biosphere_matrix",
            name="greenroute-terms",
            indices_array=index_pairs(bwp, ids, [nodes.entry(t.array, t.index) for t in terms]),
            data_array=np.ones(len(terms)),
        )
        package.add_persistent_vector(
            matrix="characterization_matrix",
            name="greenroute-coefficients",
            indices_array=index_pairs(bwp, ids, ids),
            data_array=np.array([t.coefficient for t in terms], dtype=float),
        )
    return package, nodes


@dataclass(frozen=True)
class BrightwaySolution:
    """What bw2calc computed, per kg of final product.

    Attributes
    ----------
    score : float
        Footprint total [kg CO2e].
    contributions : numpy.ndarray
        ``(T,)`` contribution of each footprint term [kg CO2e] (rows of the characterised
        inventory).
    by_step : dict
        Step id → contribution [kg CO2e] (columns of the characterised inventory, by step).
    flow, energy, step_scale : numpy.ndarray
        Supply of the input-line, energy-line and step activities: the inventory [kg, kWh...].
    seconds : float
        Wall time of building the datapackage and solving it.
    activities : int
        Size of the technosphere matrix.
    """

    score: float
    contributions: Floats
    by_step: dict[str, float]
    flow: Floats
    energy: Floats
    step_scale: Floats
    seconds: float
    activities: int


def solve_route(model: FootprintModel, inventory: Inventory) -> BrightwaySolution:
    """Build the datapackage of a route and solve it with ``bw2calc.LCA``."""
    (bc,) = brightway("bw2calc")
    start = time.perf_counter()
    package, nodes = route_datapackage(model, inventory)
    final = int(nodes.steps[inventory.route.final_step])
    with warnings.catch_warnings():
        # bw2calc warns when a system has no characterised flow; a route without factors has none
        warnings.simplefilter("ignore")
        lca = bc.LCA(demand={final: 1.0}, data_objs=[package])
        lca.lci()
        if model.terms:
            lca.lcia()
    columns = lca.dicts.activity
    supply = lca.supply_array
    n_terms = len(model.terms)
    contributions = np.zeros(n_terms)
    per_activity = np.zeros(len(columns))
    if n_terms:
        characterised = lca.characterized_inventory.tocsr()
        by_row = np.asarray(characterised.sum(axis=1)).ravel()
        contributions = by_row[[lca.dicts.biosphere[t] for t in range(n_terms)]]
        per_activity = np.asarray(characterised.sum(axis=0)).ravel()
    step_ids = inventory.step_ids
    by_step = dict.fromkeys(step_ids, 0.0)
    for node, step in enumerate(nodes.step_of(inventory)):
        by_step[step_ids[step]] += float(per_activity[columns[node]])
    score = float(lca.score) if n_terms else 0.0
    return BrightwaySolution(
        score=score,
        contributions=contributions,
        by_step=by_step,
        flow=supply[[columns[int(i)] for i in nodes.flows]],
        energy=supply[[columns[int(i)] for i in nodes.energy]],
        step_scale=supply[[columns[int(i)] for i in nodes.steps]],
        seconds=time.perf_counter() - start,
        activities=len(columns),
    )


def brightway_footprint(
    model: FootprintModel, inventory: Inventory, solution: BrightwaySolution | None = None
) -> Footprint:
    """The :class:`~lca.footprint.Footprint` with every number taken from bw2calc's solution."""
    solution = solution or solve_route(model, inventory)
    values = {"flow": solution.flow, "energy": solution.energy, "step": solution.step_scale}

    def amounts(items) -> Floats:
        return np.array([values[i.array][i.index] * i.multiplier for i in items], dtype=float)

    return Footprint(
        model=model,
        inventory=inventory,
        contributions=np.asarray(solution.contributions, dtype=float),
        amounts=amounts(model.terms),
        gap_amounts=amounts(model.gaps),
        apart_values=np.array(
            [values[a.term.array][a.term.index] * a.term.coefficient for a in model.apart],
            dtype=float,
        ),
    )


def relative_difference(values, reference) -> float:
    """``max |values − reference| / max |reference|`` (0 when both are all zero)."""
    values = np.atleast_1d(np.asarray(values, dtype=float))
    reference = np.atleast_1d(np.asarray(reference, dtype=float))
    if values.size == 0:
        return 0.0
    scale = float(np.max(np.abs(reference)))
    error = float(np.max(np.abs(values - reference)))
    return error / scale if scale else error


@dataclass(frozen=True)
class CrossCheck:
    """Agreement of bw2calc with greenroute's engine on one route (normwise relative)."""

    route: str
    total: float
    by_term: float
    by_step: float
    inventory: float
    brightway_seconds: float
    greenroute_seconds: float

    @property
    def worst(self) -> float:
        return max(self.total, self.by_term, self.by_step, self.inventory)


def cross_check(model: FootprintModel, inventory: Inventory) -> CrossCheck:
    """Solve a route with bw2calc and with :func:`lca.engine.evaluate`, and compare."""
    from lca.engine import evaluate

    start = time.perf_counter()
    ev = evaluate(
        inventory.route,
        inventory.charge_kg[None, :],
        inventory.product_kg[None, :],
        inventory.energy_amount[None, :],
    )
    own = model.contributions(ev)[0]
    greenroute_seconds = time.perf_counter() - start
    solution = solve_route(model, inventory)
    own_by_step = dict.fromkeys(inventory.step_ids, 0.0)
    for term, value in zip(model.terms, own, strict=True):
        own_by_step[term.step] += float(value)
    steps = list(own_by_step)
    return CrossCheck(
        route=inventory.recipe.route.name,
        total=relative_difference(solution.score, own.sum()),
        by_term=relative_difference(solution.contributions, own),
        by_step=relative_difference(
            [solution.by_step[s] for s in steps], [own_by_step[s] for s in steps]
        ),
        inventory=max(
            relative_difference(solution.flow, ev.flow[0]),
            relative_difference(solution.energy, ev.energy[0]),
            relative_difference(solution.step_scale, ev.step_scale[0]),
        ),
        brightway_seconds=solution.seconds,
        greenroute_seconds=greenroute_seconds,
    )
