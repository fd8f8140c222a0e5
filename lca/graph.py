"""Route-graph checks: which step makes what, which inputs are intermediates, and the order.

An input whose material is made by another step is an intermediate; that is how linear and
convergent routes form a graph. Every problem is collected so a file is fixed in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass

from lca.errors import Problem
from lca.fieldpath import ROUTE, step_path
from lca.recipe import Recipe


@dataclass(frozen=True)
class RouteGraph:
    """The route's steps in order and who makes what."""

    producer: dict[str, int]
    """material id → index of the step that makes it"""
    order: tuple[int, ...]
    """step indices in reverse topological order: the final step first"""
    final_step: int


def check_graph(recipe: Recipe) -> tuple[RouteGraph | None, list[Problem]]:
    """Check the route graph and order the steps; ``None`` with problems if it is not a route."""
    problems: list[Problem] = []
    steps = recipe.steps
    seen_ids: dict[str, int] = {}
    for index, step in enumerate(steps):
        if step.id in seen_ids:
            problems.append(
                Problem(
                    f"{step_path(recipe, index)}.id",
                    f"step id '{step.id}' is also used by steps[{seen_ids[step.id]}]; "
                    "give every step its own id",
                )
            )
        else:
            seen_ids[step.id] = index

    producer: dict[str, int] = {}
    for index, step in enumerate(steps):
        if step.product is None:
            problems.append(
                Problem(
                    str(step_path(recipe, index)),
                    f"step '{step.id}' has no product: add [steps.product] with the material it "
                    "makes and its isolated amount or yield",
                )
            )
            continue
        material = step.product.material
        if material in producer:
            other = steps[producer[material]].id
            problems.append(
                Problem(
                    f"{step_path(recipe, index)}.product.material",
                    f"steps '{other}' and '{step.id}' both make '{material}'; "
                    "each material must be "
                    "made by exactly one step (rename one product)",
                )
            )
        else:
            producer[material] = index

    final = recipe.route.product
    consumers: dict[str, list[int]] = {}
    for index, step in enumerate(steps):
        for position, item in enumerate(step.inputs):
            consumers.setdefault(item.material, []).append(index)
            if step.product is not None and item.material == step.product.material:
                problems.append(
                    Problem(
                        f"{step_path(recipe, index)}.inputs[{position}]",
                        f"step '{step.id}' charges its own product '{item.material}'; "
                        "a step cannot "
                        "consume what it makes",
                    )
                )
    if final not in producer:
        problems.append(
            Problem(
                str(ROUTE / "product"),
                f"the route product '{final}' is not made by any step; set route.product to the "
                "material of the last step's [steps.product]",
            )
        )
    for index in dict.fromkeys(consumers.get(final, [])):
        product = steps[index].product
        if product is not None and product.material == final:
            continue
        problems.append(
            Problem(
                str(step_path(recipe, index)),
                f"the route product '{final}' is charged to step '{steps[index].id}'; the final "
                "product cannot be an input of the route",
            )
        )
    for material, index in producer.items():
        if material != final and material not in consumers:
            problems.append(
                Problem(
                    f"{step_path(recipe, index)}.product.material",
                    f"step '{steps[index].id}' makes '{material}', which no step uses and which is "
                    f"not the route product '{final}' (a dangling intermediate): charge it to the "
                    "step that uses it, or remove the step",
                )
            )
    for index, step in enumerate(steps):
        if step.feeds is None:
            continue
        target = seen_ids.get(step.feeds)
        if target is None:
            problems.append(
                Problem(
                    f"{step_path(recipe, index)}.feeds",
                    f"step '{step.id}' feeds '{step.feeds}', which is not a step id of this recipe",
                )
            )
        elif step.product is not None and all(
            item.material != step.product.material for item in steps[target].inputs
        ):
            problems.append(
                Problem(
                    f"{step_path(recipe, index)}.feeds",
                    f"step '{step.id}' feeds '{step.feeds}', "
                    f"but step '{step.feeds}' does not charge "
                    f"'{step.product.material}'; add it to that step's inputs or fix `feeds`",
                )
            )

    cycle = _find_cycle(recipe, producer)
    if cycle:
        problems.append(
            Problem(
                "steps",
                "the steps form a cycle (" + " → ".join(cycle) + "); a route must be acyclic",
            )
        )
    if problems:
        return None, problems
    final_step = producer[final]
    return RouteGraph(producer, _reverse_topological(recipe, producer, final_step), final_step), []


def _edges(recipe: Recipe, producer: dict[str, int]) -> dict[int, list[int]]:
    """step → the steps whose products it charges (its suppliers)."""
    return {
        index: [producer[i.material] for i in step.inputs if i.material in producer]
        for index, step in enumerate(recipe.steps)
    }


def _find_cycle(recipe: Recipe, producer: dict[str, int]) -> list[str]:
    """The step ids of a cycle of the route graph (the first met, closed), or ``[]``.

    Depth-first, with an explicit stack: a chain of thousands of steps written final step first
    is as deep as it is long, deeper than Python's recursion allows.
    """
    edges = _edges(recipe, producer)
    state: dict[int, int] = {}  # 1: on the current path, 2: done
    for root in edges:
        if root in state:
            continue
        path, pending = [root], [iter(edges[root])]
        state[root] = 1
        while pending:
            node = path[-1]
            for supplier in pending[-1]:
                if supplier == node:
                    continue  # a step charging its own product is reported on its own
                if state.get(supplier) == 1:
                    cycle = [*path[path.index(supplier) :], supplier]
                    return [recipe.steps[i].id for i in cycle]
                if supplier not in state:
                    state[supplier] = 1
                    path.append(supplier)
                    pending.append(iter(edges[supplier]))
                    break
            else:
                pending.pop()
                state[path.pop()] = 2
    return []


def _reverse_topological(
    recipe: Recipe, producer: dict[str, int], final_step: int
) -> tuple[int, ...]:
    """Every consumer before its suppliers, starting from the final step."""
    suppliers = _edges(recipe, producer)
    consumers_left = {index: 0 for index in suppliers}
    for index in suppliers:
        for supplier in suppliers[index]:
            consumers_left[supplier] += 1
    ready = [final_step]
    order: list[int] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for supplier in suppliers[node]:
            consumers_left[supplier] -= 1
            if consumers_left[supplier] == 0:
                ready.append(supplier)
    return tuple(order)
