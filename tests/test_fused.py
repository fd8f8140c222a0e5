"""The compiled route (lca.tape, lca.fused) against the builders it was recorded from.

What the compiled route computes must be what the inventory and footprint builders compute for
the same draws, on every bundled example; a draw the recorded path does not cover must go back
to the builders; and the draws must not depend on threads or on how a run is cut.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from conftest import ROOT
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lca.blocks import prepare
from lca.draws import sampler
from lca.factors import load_factor_set
from lca.montecarlo import simulate
from lca.recipe import parse_recipe, read_recipe
from lca.tape import Tape, compile_tape

sys.path.insert(0, str(ROOT / "benchmarks"))
from routes import chain_data

EXAMPLES = sorted((ROOT / "processes").glob("*.toml"))


@pytest.fixture(scope="module")
def factors():
    return load_factor_set()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_compiles_and_gives_what_the_builders_give(path, factors):
    recipe = read_recipe(path)
    run = prepare(recipe, factors, sampler(recipe, factors, 4))
    assert run.fused is not None
    compiled = simulate(recipe, 3000, seed=4, factors=factors)
    built = simulate(recipe, 3000, seed=4, factors=factors, compiled=False)
    for name, values in built.items():
        assert np.allclose(compiled[name], values, rtol=1e-12, atol=1e-12, equal_nan=True), name


def test_one_variant_through_the_builders_equals_it_among_many(factors):
    # a piece of one variant (the tail of a run, a guard failing on it, a per-variant loop)
    # went down the recipe-as-written path and crashed converting a (1,) array to float
    from lca.blocks import evaluate

    recipe = read_recipe(ROOT / "processes" / "lidocaine-flow.toml")
    columns, scales = sampler(recipe, factors, 3).draw(0, 4)
    many = evaluate(recipe, factors, columns, scales, size=4, with_gaps=True)
    for i in range(4):
        one = evaluate(
            recipe,
            factors,
            {k: v[i : i + 1] for k, v in columns.items()},
            {k: v[i : i + 1] for k, v in scales.items()},
            size=1,
            with_gaps=True,
        )
        for name, values in many.items():
            assert one[name][0] == pytest.approx(values[i], rel=1e-12), name


def test_the_benchmark_route_compiles_to_a_few_operations_per_step(factors):
    recipe = parse_recipe(chain_data(10), source="benchmark")
    run = prepare(recipe, factors, sampler(recipe, factors, 1))
    assert run.fused is not None
    # per step: the reciprocal of its product, the step's scale, the solvent's amount and
    # what its drawn recovered fraction makes of it (spent, recovered, recovery steam)
    assert run.fused.operations <= 10 * 8
    # every guard (a product above zero, no mass created, a fraction above zero...) is
    # decided by the bounds of the triangular and uniform draws
    assert run.fused.program.guards == ()
    compiled = simulate(recipe, 5000, seed=2, factors=factors)
    built = simulate(recipe, 5000, seed=2, factors=factors, compiled=False)
    for name, values in built.items():
        assert np.allclose(compiled[name], values, rtol=1e-12, atol=1e-12, equal_nan=True), name


def test_draws_depend_neither_on_threads_nor_on_how_the_run_is_cut(factors):
    recipe = parse_recipe(chain_data(3), source="benchmark")
    n = 70_000  # more than one block of 65,536 variants
    one = simulate(recipe, n, seed=8, factors=factors, workers=1)
    two = simulate(recipe, n, seed=8, factors=factors, workers=2)
    small = simulate(recipe, n, seed=8, factors=factors, chunk=1000, compiled=False, workers=3)
    first = simulate(recipe, 1000, seed=8, factors=factors)
    for name in one:
        # categories the recipe does not assess are NaN in both
        assert np.array_equal(one[name], two[name], equal_nan=True)
        assert np.allclose(small[name], one[name], rtol=1e-12, equal_nan=True)
        assert np.array_equal(first[name], one[name][:1000], equal_nan=True)


def test_a_draw_outside_the_recorded_path_goes_back_to_the_builders(factors):
    # recovered ~ U(0, 0.3): when every draw of a piece happens to be zero the footprint
    # skips the recovery energy (np.all(recovered <= 0)); the samples recorded it as False.
    tape = Tape(4)
    recovered = tape.leaf("r", np.array([0.1, 0.0, 0.2, 0.05]))
    assert not np.all(recovered <= 0)
    spent = 1.0 - recovered
    program = compile_tape(tape, [spent.node], {"r": (0.0, 0.3)})
    assert len(program.guards) == 1  # bounds that include 0 do not decide it
    work = np.empty((program.rows, 3))
    work[program.leaf_rows["r"]] = [0.0, 0.1, 0.3]
    assert program.bind(work)() is True
    assert list(work[program.outputs[spent.node]]) == [1.0, 0.9, 0.7]
    work[program.leaf_rows["r"]] = 0.0  # a piece of zeros: the guard fails
    assert program.bind(work)() is False


def test_a_constant_is_not_taken_for_the_node_of_the_same_number():
    # 1 == 1.0 in Python: a + 1.0 was recorded as the node of a + b (leaf b is node 1), found
    # by hypothesis; and 1 / -0.0 is -inf, not the inf of 1 / 0.0
    tape = Tape(2)
    a, b = tape.leaf("a", np.array([1.0, 2.0])), tape.leaf("b", np.array([10.0, 20.0]))
    both, shifted = a + b, a + 1.0
    assert shifted.node != both.node
    assert list(shifted.values) == [2.0, 3.0]
    with np.errstate(divide="ignore"):
        positive, negative = a / 0.0, a / -0.0
    assert positive.node != negative.node
    assert list(negative.values) == [-math.inf, -math.inf]


def test_bounds_that_decide_a_guard_remove_it():
    tape = Tape(2)
    y = tape.leaf("yield", np.array([0.8, 0.9]))
    product = y * 739.83 * 151.165 / 1000.0
    assert not np.any(product <= 0)
    program = compile_tape(tape, [product.node], {"yield": (0.75, 0.92)})
    assert program.guards == () and program.pruned == 1
    # three recorded operations by constants are one: y × (739.83 × 151.165 / 1000)
    assert len(program.steps) == 1


def test_what_the_tape_cannot_replay_breaks_it():
    tape = Tape(3)
    x = tape.leaf("x", np.array([1.0, 2.0, 3.0]))
    assert not tape.broken
    np.asarray(x)
    assert "plain array" in tape.broken
    other = Tape(3)
    with pytest.raises(TypeError):
        float(other.leaf("x", np.array([1.0, 2.0, 3.0])))
    assert other.broken


OPERATIONS = ["add", "subtract", "multiply", "divide"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(OPERATIONS),
            st.integers(0, 50),
            st.one_of(st.integers(0, 50), st.floats(0.5, 2.0)),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    ),
    st.integers(0, 2**32 - 1),
)
@example(
    [("add", 0, 0, False), ("add", 0, 0, False), ("add", 0, 1, False), ("add", 0, 1.0, False)], 0
)
def test_replayed_arithmetic_equals_numpy_to_the_last_bits(operations, seed):
    # random expressions over two leaves, recorded (constants folded, divisions as products
    # with shared reciprocals) and replayed on new values, against numpy step by step
    rng = np.random.default_rng(seed)
    sample, fresh = rng.uniform(0.5, 2.0, (2, 4)), rng.uniform(0.5, 2.0, (2, 5))
    tape = Tape(4)
    traced = [tape.leaf("a", sample[0]), tape.leaf("b", sample[1])]
    plain = [fresh[0], fresh[1]]
    for name, left, right, swap in operations:
        a, pa = traced[left % len(traced)], plain[left % len(plain)]
        if isinstance(right, float):
            b, pb = right, right
        else:
            b, pb = traced[right % len(traced)], plain[right % len(plain)]
        if swap:
            a, b, pa, pb = b, a, pb, pa
        function = {"add": np.add, "subtract": np.subtract, "multiply": np.multiply}.get(
            name, np.divide
        )
        traced.append(function(a, b))
        plain.append(function(pa, pb))
    result = traced[-1]
    if not hasattr(result, "node"):
        return  # two constants made a constant
    program = compile_tape(tape, [result.node])
    work = np.empty((program.rows, 5))
    for index, name in enumerate("ab"):
        if name in program.leaf_rows:
            work[program.leaf_rows[name]] = fresh[index]
    assert program.bind(work)()
    replayed = work[program.outputs[result.node]]
    scale = max(1.0, float(np.max(np.abs(plain[-1]))))
    # x − x is 0, and 0 / 0 is NaN on both sides: equal when both are NaN
    assert np.allclose(replayed, plain[-1], rtol=1e-12, atol=1e-12 * scale, equal_nan=True)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["add", "subtract", "multiply", "divide", "sqrt", "exp", "log"]),
    st.tuples(st.floats(-5, 5), st.floats(0, 5)),
    st.tuples(st.floats(-5, 5), st.floats(0, 5)),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_bounds_hold_every_value_the_inputs_can_take(name, first, second, u, v):
    from lca.tape import _bounds

    (low_a, width_a), (low_b, width_b) = first, second
    a, b = (low_a, low_a + width_a), (low_b, low_b + width_b)
    x, y = low_a + u * width_a, low_b + v * width_b
    unary = name in ("sqrt", "exp", "log")
    low, high = _bounds(name, [a] if unary else [a, b])
    with np.errstate(all="ignore"):
        value = float(getattr(np, name)(x) if unary else getattr(np, name)(x, y))
    if math.isfinite(value):
        assert low <= value <= high


def test_a_long_route_runs_in_pieces_sized_by_memory(factors, tmp_path):
    # a 300-step chain: the compiled route's work rows and the builders' arrays stay within
    # their budgets (32 MiB and 256 MiB) whatever the route's size
    from lca.blocks import BUILDER_BYTES, CACHE_BYTES, builder_memory

    recipe = parse_recipe(chain_data(300, yield_=0.999), source=str(tmp_path / "long.toml"))
    run = prepare(recipe, factors, sampler(recipe, factors, 1))
    assert run.fused is not None
    rows = run.fused.program.rows + len(run.fused.columns) + len(run.sampler.parameters)
    assert run.piece * rows * 8 <= max(CACHE_BYTES, 256 * rows * 8)
    assert builder_memory(recipe, run.chunk) <= BUILDER_BYTES
    draws = simulate(recipe, 2000, seed=1, factors=factors, outputs=("pmi",))
    built = simulate(recipe, 2000, seed=1, factors=factors, outputs=("pmi",), compiled=False)
    assert np.allclose(draws["pmi"], built["pmi"], rtol=1e-11)


def test_the_sample_the_builders_ran_on_is_not_kept_in_the_results(factors):
    # the compiled route was recorded on the first 8 draws; every draw is replayed anyway, so
    # a run of 1 variant is the first variant of a run of many
    recipe = parse_recipe(chain_data(2), source="benchmark")
    assert simulate(recipe, 1, seed=3, factors=factors)["pmi"][0] == pytest.approx(
        simulate(recipe, 100, seed=3, factors=factors)["pmi"][0], rel=1e-15
    )
