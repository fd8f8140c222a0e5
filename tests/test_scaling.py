"""Long routes: graph traversal without recursion, and work that grows linearly with the steps.

The timings themselves are measured in benchmarks/ (``python benchmarks/run.py``); these tests
check what makes them possible: a chain deeper than Python's recursion limit is read, checked,
assessed and reported, and the linear-time pieces give what their quadratic predecessors gave.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
from helpers import route, step
from hypothesis import given, settings
from hypothesis import strategies as st

import lca
from lca.engine import LineSum
from lca.errors import RecipeError
from lca.graph import check_graph
from lca.metrics import route_isolated_yield

DEEP = 1200  # deeper than CPython's default recursion limit of 1000 frames


def chain(steps: int, final_first: bool, cycle: bool = False) -> lca.Recipe:
    """``sm → int-0 → … → api``: each step turns 1 kg of the previous product, plus 0.5 kg of
    water, into 1 kg of its own product. With ``cycle``, the first step also charges the
    route's last intermediate, which closes a loop through every step but the last."""
    made = [f"int-{i}" for i in range(steps - 1)] + ["api"]
    fed = ["sm", *made[:-1]]
    recipe_steps = []
    for i in range(steps):
        inputs = [(fed[i], "1 kg", "reactant"), ("water", "0.5 kg", "water")]
        if cycle and i == 0:
            inputs.append((made[-2], "0.1 kg", "reactant"))
        recipe_steps.append(step(f"s{i}", made[i], "1 kg", *inputs))
    if final_first:
        recipe_steps.reverse()
    return route(recipe_steps)


def test_a_chain_deeper_than_the_recursion_limit_is_assessed_in_either_order():
    assert sys.getrecursionlimit() < 2 * DEEP  # the test means something
    for final_first in (False, True):
        assessment = lca.assess(chain(DEEP, final_first), with_mode_effects=False)
        # every step makes 1 kg from 1 kg: 1 kg of sm and 0.5 kg of water per step, per kg
        # of product: PMI = 1 + 0.5 × 1200 = 601 kg/kg
        assert assessment.value("pmi") == pytest.approx(1 + 0.5 * DEEP)
        # the longest linear sequence is the whole chain, first step to last
        chain_note = next(m for m in assessment.metrics if m.metric == "isolated_yield").note
        assert chain_note.startswith("isolated yield unknown") or "s0 → s1 →" in chain_note


def test_a_cycle_through_more_steps_than_the_recursion_limit_is_reported():
    _, problems = check_graph(chain(DEEP, final_first=True, cycle=True))
    [cycle] = [p for p in problems if "cycle" in p.message]
    # the loop through the 1199 steps s1198 → s1197 → … → s0 → s1198 is named step by step
    assert cycle.message.count("→") == DEEP - 1
    assert "(s1198 → s1197 → " in cycle.message and "s1 → s0 → s1198)" in cycle.message
    with pytest.raises(RecipeError, match="the steps form a cycle"):
        lca.assess(chain(DEEP, final_first=True, cycle=True))


def test_the_longest_chain_of_a_deep_route_and_its_yield():
    # a chain of 5000 steps, each yielding 99 %: overall 100 × 0.99^5000 %
    steps = 5000
    suppliers = [[]] + [[i - 1] for i in range(1, steps)]
    value, chain_steps = route_isolated_yield([99.0] * steps, suppliers, steps - 1)
    assert chain_steps == tuple(range(steps))
    assert value == pytest.approx(100 * 0.99**steps)


def test_of_two_longest_chains_the_lower_yield_is_reported():
    # final step 3 charges the products of 1 and 2, each made from step 0's: two chains of 3
    suppliers = [[], [0], [0], [1, 2]]
    yields = [90.0, 80.0, 50.0, 100.0]
    value, chosen = route_isolated_yield(yields, suppliers, 3)
    assert chosen == (0, 2, 3)
    assert value == pytest.approx(100 * 0.9 * 0.5 * 1.0)  # 45 %, below 0.9 × 0.8 = 72 %
    # an unknown yield on a longest chain makes the overall yield unknown, naming that chain
    assert route_isolated_yield([90.0, None, 50.0, 100.0], suppliers, 3) == (None, (0, 1, 3))


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 6),
    st.lists(st.integers(0, 4), min_size=1, max_size=12),
    st.integers(0, 2**32 - 1),
)
def test_sums_by_step_equal_the_one_hot_matrix_product(rows, steps_of_lines, seed):
    values = np.random.default_rng(seed).normal(size=(rows, len(steps_of_lines)))
    step_of_line = np.array(steps_of_lines)
    onehot = np.zeros((len(step_of_line), 5))
    onehot[np.arange(len(step_of_line)), step_of_line] = 1.0
    sums = LineSum(step_of_line, 5)
    assert np.allclose(values @ sums, values @ onehot, rtol=1e-13, atol=1e-13)
    mask = step_of_line % 2 == 0
    assert np.allclose(values[:, mask] @ sums[mask], values[:, mask] @ onehot[mask])
