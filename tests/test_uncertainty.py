"""Distributions, seeded named streams (common random numbers) and sensitivity indices."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from lca.errors import UnitError
from lca.uncertainty import (
    Distribution,
    Streams,
    factor_distribution,
    parse_distribution,
    sobol_indices,
    tornado,
)

CASES = [
    ({"distribution": "uniform", "min": 2.0, "max": 4.0}, 3.0, (4.0 - 2.0) ** 2 / 12),
    ({"distribution": "range", "min": 1.0, "max": 2.0}, 1.5, 1 / 12),
    # triangular(1, 2, 6): mean (1 + 2 + 6)/3 = 3; var (1+4+36-2-6-12)/18 = 21/18
    ({"distribution": "triangular", "min": 1.0, "mode": 2.0, "max": 6.0}, 3.0, 21 / 18),
    ({"distribution": "normal", "mean": 10.0, "sd": 0.5}, 10.0, 0.25),
    # lognormal median 2, gsd e^0.3: mean 2 e^(0.045), var (e^0.09 - 1) e^(2 ln 2 + 0.09)
    (
        {"distribution": "lognormal", "median": 2.0, "gsd": math.exp(0.3)},
        2 * math.exp(0.045),
        (math.exp(0.09) - 1) * 4 * math.exp(0.09),
    ),
]


@pytest.mark.parametrize(("spec", "mean", "variance"), CASES)
def test_moments_match_the_analytical_ones(spec, mean, variance):
    distribution = parse_distribution(spec, base=0.0, where="test")
    assert distribution.mean == pytest.approx(mean)
    assert distribution.variance == pytest.approx(variance)
    draws = Streams(7).draw("p", distribution, 200_000)
    assert draws.mean() == pytest.approx(mean, rel=0.01)
    assert draws.var() == pytest.approx(variance, rel=0.03)


def test_defaults_come_from_the_recipe_value():
    assert (
        parse_distribution({"distribution": "triangular", "min": 0.7, "max": 0.9}, 0.8, "w").params[
            "mode"
        ]
        == 0.8
    )
    assert parse_distribution({"distribution": "normal", "sd": 1}, 5, "w").params["mean"] == 5
    assert (
        parse_distribution({"distribution": "lognormal", "gsd": 1.2}, 3, "w").params["median"] == 3
    )


def test_sampling_is_reproducible_by_seed_and_name():
    d = Distribution("uniform", {"min": 0, "max": 1})
    assert np.array_equal(Streams(1).draw("a", d, 100), Streams(1).draw("a", d, 100))
    assert not np.array_equal(Streams(1).draw("a", d, 100), Streams(2).draw("a", d, 100))
    assert not np.array_equal(Streams(1).draw("a", d, 100), Streams(1).draw("b", d, 100))


def test_common_random_numbers_do_not_depend_on_draw_order():
    # the same parameter drawn in two routes, with other draws before it in one of them
    d = Distribution("normal", {"mean": 1, "sd": 0.1})
    first, second = Streams(3), Streams(3)
    second.draw("something else", d, 50)
    assert np.array_equal(
        first.draw("energy:electricity@GB", d, 1000), second.draw("energy:electricity@GB", d, 1000)
    )


def test_draws_are_clipped_to_the_parameter_domain():
    yield_ = Distribution("normal", {"mean": 0.95, "sd": 0.1}, low=0.0, high=1.0)
    draws = Streams(0).draw("y", yield_, 10_000)
    assert draws.max() <= 1.0 and draws.min() >= 0.0


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({"distribution": "beta"}, "is not one of"),
        ({"distribution": "uniform", "min": 1}, "needs max"),
        ({"distribution": "uniform", "min": 2, "max": 1}, "is above max"),
        ({"distribution": "triangular", "min": 1, "mode": 5, "max": 2}, "outside [min, max]"),
        ({"distribution": "lognormal", "gsd": 0.5}, "gsd ≥ 1"),
    ],
)
def test_bad_distributions_are_named(spec, fragment):
    with pytest.raises(UnitError, match=re.escape(fragment)):
        parse_distribution(spec, 1.0, "steps[0].yield")


def test_factor_uncertainty_cells():
    # ADEME "50%": a 95 % interval of ±50 % → sd = 0.5 × 458 / 1.96 = 116.84, drawn as the
    # lognormal with that mean and sd: cv = 0.2551, σ² = ln(1 + cv²), median = 458/√(1 + cv²)
    spread = factor_distribution("50%", 458.0, "row")
    cv = 0.5 / 1.959963984540054
    assert spread.kind == "lognormal"
    assert spread.params["median"] == pytest.approx(458 / math.sqrt(1 + cv**2))
    assert spread.mean == pytest.approx(458.0)
    assert math.sqrt(spread.variance) == pytest.approx(cv * 458.0)
    draws = spread.sample(np.random.default_rng(0), 100_000)
    assert draws.min() > 0  # never a pile of exact zeros, as a clipped normal would give
    # Nuss & Eckelman 95 % range 3090-4860 → lognormal median √(3090 × 4860)
    lognormal = factor_distribution("95%:3090-4860", 3880.0, "row")
    assert lognormal.params["median"] == pytest.approx(math.sqrt(3090 * 4860))
    assert lognormal.ppf(0.025) == pytest.approx(3090, rel=1e-6)
    assert lognormal.ppf(0.975) == pytest.approx(4860, rel=1e-6)
    assert factor_distribution("", 1.0, "row") is None
    with pytest.raises(UnitError, match="neither"):
        factor_distribution("about half", 1.0, "row")


def test_sobol_indices_of_an_additive_model_match_the_analytical_values():
    # Y = 1 X1 + 2 X2 + 3 X3 with Xi ~ U(0, 1): Var(Y) = (1 + 4 + 9)/12;
    # S_i = a_i² / Σ a_j² = 1/14, 4/14, 9/14, and S_Ti = S_i (no interactions).
    coefficients = np.array([1.0, 2.0, 3.0])
    uniform = Distribution("uniform", {"min": 0, "max": 1})
    indices = sobol_indices(lambda x: x @ coefficients, [uniform] * 3, 40_000, Streams(11))
    expected = coefficients**2 / (coefficients**2).sum()
    assert indices["first"] == pytest.approx(expected, abs=0.02)
    assert indices["total"] == pytest.approx(expected, abs=0.02)
    assert float(indices["variance"]) == pytest.approx(14 / 12, rel=0.03)


def test_sobol_bootstrap_intervals_cover_the_analytical_values_and_shrink_with_n():
    # the additive model above: S_i = 1/14, 4/14, 9/14 = 0.0714, 0.286, 0.643
    coefficients = np.array([1.0, 2.0, 3.0])
    uniform = Distribution("uniform", {"min": 0, "max": 1})
    expected = coefficients**2 / (coefficients**2).sum()
    calls = []

    def model(x):
        calls.append(len(x))
        return x @ coefficients

    small = sobol_indices(model, [uniform] * 3, 2_000, Streams(4))
    assert sum(calls) == 2_000 * (3 + 2)  # the bootstrap evaluates nothing more
    for kind in ("first", "total"):
        low, high = small[f"{kind}_low"], small[f"{kind}_high"]
        assert (low <= small[kind]).all() and (small[kind] <= high).all()
    # 95 % intervals: over six seeds, 36 intervals, nearly all cover the analytical value
    covered = 0
    for seed in range(6):
        run = sobol_indices(lambda x: x @ coefficients, [uniform] * 3, 2_000, Streams(seed))
        for kind in ("first", "total"):
            covered += int(
                ((run[f"{kind}_low"] <= expected) & (expected <= run[f"{kind}_high"])).sum()
            )
    assert covered >= 0.85 * 36, covered
    large = sobol_indices(model, [uniform] * 3, 32_000, Streams(4))
    # the width of an interval falls as 1/√n: 16 times the rows, about a quarter the width
    ratio = (large["first_high"] - large["first_low"]) / (small["first_high"] - small["first_low"])
    assert ((ratio > 0.15) & (ratio < 0.4)).all(), ratio
    again = sobol_indices(lambda x: x @ coefficients, [uniform] * 3, 2_000, Streams(4))
    assert (again["first_low"] == small["first_low"]).all()  # seeded: reproducible
    none = sobol_indices(lambda x: x @ coefficients, [uniform] * 3, 500, Streams(4), resamples=0)
    assert np.isnan(none["total_high"]).all()


def test_sobol_total_exceeds_first_order_with_an_interaction():
    # Y = X1 X2 with Xi ~ U(-1, 1): all variance is interaction: S1 = S2 = 0, ST1 = ST2 = 1
    symmetric = Distribution("uniform", {"min": -1, "max": 1}, low=-1)
    indices = sobol_indices(lambda x: x[:, 0] * x[:, 1], [symmetric] * 2, 40_000, Streams(5))
    assert indices["first"] == pytest.approx([0, 0], abs=0.03)
    assert indices["total"] == pytest.approx([1, 1], abs=0.05)


def test_tornado_swings_one_parameter_at_a_time():
    uniform = Distribution("uniform", {"min": 0, "max": 10})
    swings = tornado(lambda x: x[:, 0] + 2 * x[:, 1], [uniform, uniform], base=[5, 5])
    # 5th and 95th percentiles of U(0, 10) are 0.5 and 9.5
    assert swings[0] == pytest.approx((0.5 + 10, 9.5 + 10))
    assert swings[1] == pytest.approx((5 + 1, 5 + 19))
