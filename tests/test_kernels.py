"""numba's compiled loops (lca.kernels) against numpy and the interpreted compiled route.

The loops must draw numpy's numbers bit for bit (the same SFC64 stream, the same ziggurat),
run every operation of a program as numpy's ufunc does on float rows, decide guards over a
whole piece as the recorded path did, and give every bundled example's figures to within
rounding, independently of threads and of how a run is cut.
"""

from __future__ import annotations

import math
import sys
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

import lca.blocks
from lca.draws import sampler
from lca.errors import RecipeError
from lca.factors import load_factor_set
from lca.montecarlo import simulate
from lca.recipe import parse_recipe, read_recipe
from lca.tape import UFUNCS, Tape, compile_tape
from lca.uncertainty import Distribution

sys.path.insert(0, str(ROOT / "benchmarks"))
from routes import chain_data

kernels = pytest.importorskip("lca.kernels")

EXAMPLES = sorted((ROOT / "processes").glob("*.toml"))
DISTRIBUTIONS = [
    Distribution("uniform", {"min": 0.3, "max": 0.9}, 0.0, 1.0),
    Distribution("range", {"min": 1.0, "max": 5.0}),
    Distribution("triangular", {"min": 0.5, "mode": 0.8, "max": 0.95}, 0.0, 1.0),
    Distribution("triangular", {"min": 0.5, "mode": 0.5, "max": 0.95}),
    Distribution("triangular", {"min": 0.5, "mode": 0.95, "max": 0.95}),
    Distribution("normal", {"mean": 1.0, "sd": 0.4}, -math.inf),
    Distribution("lognormal", {"median": 2.5, "gsd": 1.3}),
]


@pytest.fixture(scope="module")
def factors():
    return load_factor_set()


@pytest.fixture
def always_compiled(monkeypatch):
    """Runs of any size go through the compiled loops."""
    monkeypatch.setattr(lca.blocks, "COMPILED_FROM", 0)


def generator(key: int) -> np.random.Generator:
    sequence = np.random.SeedSequence(entropy=3, spawn_key=(9, key))
    return np.random.Generator(np.random.SFC64(sequence))


def state(g: np.random.Generator) -> np.ndarray:
    return np.array(g.bit_generator.state["state"]["state"], dtype=np.uint64)


def test_draws_are_numpys_bit_for_bit_and_leave_the_generator_where_numpy_does():
    n, cut = 300_007, 100_000
    kinds = np.array([kernels._kind(d)[0] for d in DISTRIBUTIONS])
    params = np.array([kernels._kind(d)[1:] for d in DISTRIBUTIONS])
    states = np.stack([state(generator(k)) for k in range(len(DISTRIBUTIONS))])
    out = np.empty((len(DISTRIBUTIONS), n))
    # in two pieces: a block is drawn piece after piece from the same state
    kernels.draw_piece(states, kinds, params, out, cut)
    kernels.draw_piece(states, kinds, params, out[:, cut:], n - cut)
    for k, distribution in enumerate(DISTRIBUTIONS):
        g = generator(k)
        expected = distribution.sample(g, n)
        drawn = np.exp(out[k]) if kinds[k] == kernels.LOG_NORMAL else out[k]
        drawn = np.clip(drawn, distribution.low, distribution.high)
        assert np.array_equal(drawn, expected), distribution.kind
        assert np.array_equal(states[k], state(g)), distribution.kind
    normals = out[kinds == kernels.NORMAL][0]
    # the ziggurat's tail (beyond r = 3.654) and wedges were taken, not only its rectangles
    assert np.any(np.abs(normals - 1.0) / 0.4 > kernels.ziggurat_nor_r)


VALUES = np.array(
    [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1e-300, 1e300, -7.25, math.inf, -math.inf, math.nan]
)


@pytest.mark.parametrize("name", list(UFUNCS))
def test_every_operation_is_numpys_on_float_rows(name):
    x, y = np.meshgrid(VALUES, VALUES)
    x, y = x.ravel().copy(), y.ravel().copy()
    out = np.empty_like(x)
    with np.errstate(all="ignore"):
        kernels._operate(kernels.OPCODES[name], x, y, out, len(x))
        ufunc = UFUNCS[name]
        expected = (ufunc(x) if ufunc.nin == 1 else ufunc(x, y)).astype(float)
    if name in ("exp", "log", "power"):
        # the C library's and numpy's vectorised functions may differ in the last bit
        assert np.allclose(out, expected, rtol=4e-16, atol=0.0, equal_nan=True), name
        assert np.array_equal(np.isnan(out), np.isnan(expected)), name
    else:
        assert np.array_equal(out, expected, equal_nan=True), name


def guarded_plan(m: int):
    """A one-leaf program, ``spent = 1 - r``, with the guard ``np.all(r <= 0)`` recorded
    False (as the footprint records whether any solvent was recovered)."""
    tape = Tape(4)
    recovered = tape.leaf("r", np.array([0.1, 0.0, 0.2, 0.05]))
    assert not np.all(recovered <= 0)
    spent = 1.0 - recovered
    program = compile_tape(tape, [spent.node], {"r": (0.0, 0.3)})
    assert len(program.guards) == 1
    coefficients = np.zeros((1, program.rows))
    coefficients[0, program.outputs[spent.node]] = 1.0
    fused = SimpleNamespace(
        program=program,
        inputs={program.leaf_rows["r"]: "r"},
        coefficients=coefficients,
        constants=np.zeros(1),
        columns=(("footprint:energy", ""),),
    )
    parameter = SimpleNamespace(where="r")
    streams = SimpleNamespace(
        parameters=[(parameter, Distribution("uniform", {"min": 0.0, "max": 0.3}))],
        factors=[],
    )
    plan = kernels.Plan(fused, streams)
    _, work, _ = plan.buffers()
    return plan, (np.empty((1, m)), work, np.empty((len(plan.names), m)))


def test_constants_of_a_program_keep_their_sign_of_zero():
    tape = Tape(2)
    a = tape.leaf("a", np.array([1.0, 2.0]))
    with np.errstate(divide="ignore"):
        positive, negative = a / 0.0, a / -0.0
    program = compile_tape(tape, [positive.node, negative.node])
    fused = SimpleNamespace(
        program=program,
        inputs={program.leaf_rows["a"]: "a"},
        coefficients=np.zeros((1, program.rows)),
        constants=np.zeros(1),
        columns=(("pmi", ""),),
    )
    streams = SimpleNamespace(
        parameters=[(SimpleNamespace(where="a"), Distribution("uniform", {"min": 1, "max": 2}))],
        factors=[],
    )
    plan = kernels.Plan(fused, streams)
    assert sorted(map(str, plan.constants)) == ["-0.0", "0.0"]
    draws, work, out = np.full((1, 4), 1.5), plan.buffers()[1], np.empty((len(plan.names), 4))
    assert plan.run((draws, work, out), 4) is not None
    assert list(work[program.outputs[positive.node], :4]) == [math.inf] * 4
    assert list(work[program.outputs[negative.node], :4]) == [-math.inf] * 4


def test_a_guard_is_decided_over_the_whole_piece_as_the_recorded_path_decided_it():
    m = 3 * kernels.SUB_BLOCK
    plan, buffers = guarded_plan(m)
    draws = buffers[0]
    draws[0, : kernels.SUB_BLOCK] = 0.0  # a first pass of zeros only: not all of the piece
    draws[0, kernels.SUB_BLOCK :] = 0.1
    result = plan.run(buffers, m)
    assert result is not None
    # 1 − 0 = 1 for the zeros, 1 − 0.1 = 0.9 for the rest; the energy is the whole total
    assert np.array_equal(result["footprint:energy"][: kernels.SUB_BLOCK], np.ones(512))
    assert np.allclose(result["footprint:energy"][kernels.SUB_BLOCK :], 0.9, rtol=0, atol=0)
    assert np.array_equal(result["carbon_footprint"], result["footprint:energy"])
    draws[0] = 0.0  # every draw of the piece zero: np.all(r <= 0) is now True
    assert plan.run(buffers, m) is None


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_gives_what_the_interpreted_route_gives(path, factors, monkeypatch):
    recipe = read_recipe(path)
    interpreted = simulate(recipe, 3000, seed=4, factors=factors)
    monkeypatch.setattr(lca.blocks, "COMPILED_FROM", 0)
    compiled = simulate(recipe, 3000, seed=4, factors=factors)
    for name, values in interpreted.items():
        assert np.allclose(compiled[name], values, rtol=1e-12, atol=1e-12, equal_nan=True), name


def test_compiled_runs_depend_neither_on_threads_nor_on_their_length(factors, always_compiled):
    recipe = parse_recipe(chain_data(3), source="benchmark")
    n = 70_000  # more than one block of 65,536 variants, several pieces each
    one = simulate(recipe, n, seed=8, factors=factors, workers=1)
    two = simulate(recipe, n, seed=8, factors=factors, workers=2)
    first = simulate(recipe, 1000, seed=8, factors=factors)
    for name in one:
        assert np.array_equal(one[name], two[name], equal_nan=True), name
        assert np.array_equal(first[name], one[name][:1000], equal_nan=True), name


def test_the_threshold_chooses_the_compiled_loops_only_for_large_runs(factors, monkeypatch):
    recipe = parse_recipe(chain_data(2), source="benchmark")
    draws = sampler(recipe, factors, 1)
    run = lca.blocks.prepare(recipe, factors, draws, ("carbon_footprint",))
    used = []
    monkeypatch.setattr(
        lca.blocks.RouteRun,
        "_plan",
        lambda self: used.append(1) or None,  # no plan: the interpreted route
    )
    lca.blocks.run_blocks([run], 10, lambda *_: None, workers=1)
    assert used == []
    monkeypatch.setattr(lca.blocks, "COMPILED_FROM", 10)
    lca.blocks.run_blocks([run], 10, lambda *_: None, workers=1)
    assert used


def test_draws_the_checks_refuse_are_refused_as_by_the_interpreted_route(always_compiled):
    from test_validation import yield_drawn_below_zero

    recipe = yield_drawn_below_zero()
    # yields drawn below 0 are clipped to 0, which makes nothing: the guard fails and the
    # builders say so, from the draws the compiled loops made
    with pytest.raises(RecipeError, match=r"makes no product \(0 kg\) in \d+ of the 1000 "):
        simulate(recipe, 1000, seed=0, with_factors=False)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5000), st.integers(0, 2**32 - 1))
def test_any_length_of_run_gives_the_first_variants_of_a_longer_one(n, seed):
    recipe = ROUTE
    longer = simulate(recipe, 6000, seed=seed % 1000, factors=FACTORS, outputs=OUT)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lca.blocks, "COMPILED_FROM", 0)
        shorter = simulate(recipe, n, seed=seed % 1000, factors=FACTORS, outputs=OUT)
        compiled_longer = simulate(recipe, 6000, seed=seed % 1000, factors=FACTORS, outputs=OUT)
    assert np.array_equal(shorter["carbon_footprint"], compiled_longer["carbon_footprint"][:n])
    assert np.allclose(shorter["carbon_footprint"], longer["carbon_footprint"][:n], rtol=1e-12)


ROUTE = parse_recipe(chain_data(2), source="benchmark")
FACTORS = load_factor_set()
OUT = ("carbon_footprint",)


def test_pieces_hold_a_few_megabytes_of_draws_and_at_most_a_block(factors):
    from lca.uncertainty import BLOCK

    recipe = parse_recipe(chain_data(10), source="benchmark")
    draws = sampler(recipe, factors, 1)
    run = lca.blocks.prepare(recipe, factors, draws)
    plan = kernels.Plan(run.fused, draws)
    # 47 streams: 6 MiB / (47 × 8 bytes) = 16,732 variants, in passes of 512: 16,384
    assert plan.streams == 47 and plan.piece == 16_384
    few = lca.blocks.prepare(recipe, factors, sampler(recipe, factors, 1, with_factors=False))
    # 30 streams: 6 MiB / 240 bytes = 26,214 → 26,112; one stream: a block at most
    assert kernels.Plan(few.fused, few.sampler).piece == 26_112
    plan, _ = guarded_plan(1)
    assert plan.streams == 1 and plan.piece == BLOCK
