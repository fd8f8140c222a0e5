"""Monte Carlo through the one engine: reproducible, common random numbers, analytical checks."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT

from lca.errors import RecipeError
from lca.factors import FactorSet, read_library
from lca.montecarlo import compare_monte_carlo, evaluate, sensitivity, simulate
from lca.parameters import recipe_distributions, recipe_parameters
from lca.recipe import parse_recipe

FLOW = ROOT / "processes" / "lidocaine-flow.toml"


def toy(uncertainty=None):
    data = {
        "schema_version": 1,
        "route": {"name": "toy", "product": "api", "source": "test", "region": "GB"},
        "steps": [
            {
                "id": "s",
                "inputs": [
                    {"material": "a", "amount": "1 kg", "role": "reactant"},
                    {"material": "solv", "amount": "10 kg", "role": "solvent"},
                ],
                "product": {"material": "api", "amount": "0.5 kg"},
            }
        ],
    }
    if uncertainty:
        data["uncertainty"] = uncertainty
    return parse_recipe(data, source="toy.toml")


@pytest.fixture(scope="module")
def factors(tmp_path_factory):
    path = tmp_path_factory.mktemp("f") / "f.csv"
    path.write_text(
        "key,name,value,unit,region,year,scope,source,licence,data_quality,uncertainty,notes\n"
        "material:solv,solvent,2,kg CO2e / kg,GLO,2025,,test,CC0,primary,,\n"
    )
    return FactorSet((read_library(path),))


def test_linear_toy_model_matches_the_analytical_mean_and_variance(factors):
    # X ~ U(5, 15) kg of solvent; PMI = (1 + X) / 0.5: mean 22, variance 4 × (10²/12) = 33.33
    # the solvent's factor F states no uncertainty: its tier's default, a lognormal with median
    # 2 and σ = ln(gsd), independent of X. materials = F × X / 0.5:
    #   mean = 2 e^(σ²/2) × 10 / 0.5,   variance = 4 (E[F²] E[X²] − E[F]² E[X]²)
    #   with E[F²] = 4 e^(2σ²) and E[X²] = 100/12 + 10²
    from lca.tiers import TIERS

    sigma = np.log(TIERS["user"].default_gsd)
    recipe = toy(
        [{"parameter": "s.inputs.solv.amount", "distribution": "uniform", "min": 5, "max": 15}]
    )
    draws = simulate(recipe, 200_000, seed=3, factors=factors)
    assert draws["pmi"].mean() == pytest.approx(22, rel=0.005)
    assert draws["pmi"].var() == pytest.approx(4 * 100 / 12, rel=0.02)
    mean_f, mean_f2 = 2 * np.exp(sigma**2 / 2), 4 * np.exp(2 * sigma**2)
    mean_x, mean_x2 = 10.0, 100 / 12 + 100
    assert draws["footprint:materials"].mean() == pytest.approx(mean_f * mean_x / 0.5, rel=0.005)
    variance = 4 * (mean_f2 * mean_x2 - mean_f**2 * mean_x**2)
    assert draws["footprint:materials"].var() == pytest.approx(variance, rel=0.02)


def test_without_uncertainty_tables_pmi_is_fixed_and_factors_keep_their_default(factors):
    from lca.tiers import TIERS

    draws = simulate(toy(), 20_000, seed=1, factors=factors)
    assert np.ptp(draws["pmi"]) == 0
    assert draws["pmi"][0] == pytest.approx(22.0)
    # the factor's default lognormal: median 2 × 10 / 0.5 = 40, log-spread ln(gsd)
    materials = draws["footprint:materials"]
    assert np.median(materials) == pytest.approx(40, rel=0.01)
    assert np.log(materials).std() == pytest.approx(np.log(TIERS["user"].default_gsd), rel=0.02)
    assert materials.min() > 0  # lognormal: never zero, never negative
    fixed = simulate(toy(), 1000, seed=1, factors=factors, with_factors=False)
    assert np.ptp(fixed["carbon_footprint"]) == 0


def test_reproducible_by_seed_and_independent_of_chunk_size():
    first = simulate(FLOW, 3000, seed=5, chunk=1000)
    again = simulate(FLOW, 3000, seed=5, chunk=3000)
    other = simulate(FLOW, 3000, seed=6)
    assert np.array_equal(first["carbon_footprint"], again["carbon_footprint"])
    assert not np.array_equal(first["carbon_footprint"], other["carbon_footprint"])


def test_a_route_against_a_copy_of_itself_differs_by_exactly_zero_on_every_draw():
    mc = compare_monte_carlo([FLOW, FLOW], ["a", "b"], 2000, seed=9)
    for metric in ("pmi", "carbon_footprint"):
        assert np.array_equal(mc.draws[0][metric], mc.draws[1][metric])
        assert mc.probability_lower(metric)[0, 1] == 0  # never lower, never higher: ties
    assert np.ptp(mc.draws[0]["pmi"]) > 0  # while the route itself does vary


def test_probabilities_of_beating_each_other_are_consistent():
    routes = [ROOT / "processes" / f"lidocaine-{m}.toml" for m in ("batch", "flow", "modular")]
    mc = compare_monte_carlo(routes, ["batch", "flow", "modular"], 4000, seed=1)
    p = mc.probability_lower("carbon_footprint")
    assert np.allclose(p + p.T, 1 - np.eye(3) * 1)  # no ties between different routes
    # the probability is the share of paired draws (common random numbers) in which it holds
    draws = [d["carbon_footprint"] for d in mc.draws]
    assert p[2, 1] == pytest.approx(np.mean(draws[2] < draws[1]))
    summary = {row["route"]: row for row in mc.summary("pmi")}
    assert summary["batch"]["p5"] < summary["batch"]["p50"] < summary["batch"]["p95"]


def test_a_comparison_keeps_a_bounded_sample_and_counts_every_draw():
    # 1e7 draws must fit in memory: percentiles come from the first `keep` draws, but means,
    # standard deviations and probabilities from all of them, and every output says so
    from lca.reporting.documents import monte_carlo_to_dict
    from lca.reporting.terminal import monte_carlo_text

    routes = [ROOT / "processes" / f"lidocaine-{m}.toml" for m in ("batch", "flow")]
    n, keep = 150_000, 70_000  # blocks of 65,536 draws: the sample ends inside the second
    kept = compare_monte_carlo(routes, ["batch", "flow"], n, seed=3, keep=keep)
    full = compare_monte_carlo(routes, ["batch", "flow"], n, seed=3)
    assert kept.kept == keep and full.kept == n
    for metric in ("pmi", "carbon_footprint"):
        for route in range(2):
            assert np.array_equal(kept.draws[route][metric], full.draws[route][metric][:keep])
            row, every = kept.summary(metric)[route], full.summary(metric)[route]
            values = full.draws[route][metric]
            assert row["mean"] == pytest.approx(values.mean(), rel=1e-12)
            assert row["sd"] == pytest.approx(values.std(ddof=1), rel=1e-9)
            assert row["p50"] == pytest.approx(np.percentile(values[:keep], 50), rel=1e-12)
            assert row["percentiles_of"] == keep and "percentiles_of" not in every
        assert np.array_equal(kept.probability_lower(metric), full.probability_lower(metric))
    note = "percentiles and paired differences from the first 70,000 draws of each route"
    assert note in monte_carlo_text(kept) and note not in monte_carlo_text(full)
    assert monte_carlo_to_dict(kept)["percentiles_from_first"] == keep


def test_categories_a_recipe_does_not_assess_are_empty_in_every_variant_not_zero(tmp_path):
    # lidocaine-flow has no [[transport]] legs (assess says "not assessed") but recovers
    # solvent: its sweep and Monte Carlo columns say the same, and the total is unchanged
    from lca.montecarlo import sweep

    frame = sweep(FLOW, [("amination.product.yield", 0.7, 0.95, 3)])
    assert frame["footprint:transport"].isna().all()
    assert frame["footprint:credits"].notna().all() and (frame["footprint:credits"] < 0).all()
    parts = [c for c in frame.columns if c.startswith("footprint:") and "transport" not in c]
    assert np.allclose(frame[parts].sum(axis=1), frame["carbon_footprint"], rtol=1e-12)
    # written to a file block by block: empty cells, as pandas writes NaN
    from lca.sweeps import write_sweep

    target = tmp_path / "sweep.csv"
    assert write_sweep(FLOW, [("amination.product.yield", 0.7, 0.95, 3)], target) == 3
    header, first, *_ = target.read_text().splitlines()
    cells = dict(zip(header.split(","), first.split(","), strict=True))
    assert cells["footprint:transport"] == "" and float(cells["footprint:credits"]) < 0
    draws = simulate(FLOW, 500, seed=2)
    assert np.isnan(draws["footprint:transport"]).all()
    assert np.isfinite(draws["carbon_footprint"]).all()
    # no recovered input and no recovered fraction varied: credits are not assessed either
    plain = toy()
    assert np.isnan(simulate(plain, 50, seed=1)["footprint:credits"]).all()
    # recovery written on a cleaning line only: credits are assessed (as lca assess says)
    from lca.assessment import assess

    data = plain.model_dump(by_alias=True, exclude_none=True)
    data["steps"][0]["cleaning"] = [
        {"material": "toluene", "amount": "5 kg", "per": "batch", "recovered": 0.5}
    ]
    rinsed = parse_recipe(data, source="rinse.toml")
    credits = assess(rinsed).footprint.by_category()["credits"]
    assert credits < 0
    drawn = simulate(rinsed, 50, seed=1, with_factors=False)["footprint:credits"]
    assert np.allclose(drawn, credits, rtol=1e-12)


def test_vectorised_variants_equal_one_build_per_variant(factors):
    recipe = toy()
    where = recipe_parameters(recipe)["s.inputs.solv.amount"].where
    values = np.array([3.0, 7.5, 12.0])
    together = evaluate(recipe, factors, {where: values})
    for i, value in enumerate(values):
        alone = evaluate(recipe, factors, {where: np.array([value])})
        for name in together:
            assert together[name][i] == pytest.approx(alone[name][0], rel=1e-12)
    assert together["pmi"] == pytest.approx((1 + values) / 0.5)


def test_uncertainty_tables_are_checked():
    with pytest.raises(RecipeError, match=r"'s\.inputs\.solvent\.amount' is not a parameter"):
        recipe_distributions(
            toy(
                [
                    {
                        "parameter": "s.inputs.solvent.amount",
                        "distribution": "uniform",
                        "min": 1,
                        "max": 2,
                    }
                ]
            )
        )
    with pytest.raises(RecipeError, match="is not in kilogram"):
        recipe_distributions(
            toy(
                [
                    {
                        "parameter": "s.inputs.solv.amount",
                        "distribution": "uniform",
                        "min": "1 h",
                        "max": "2 h",
                    }
                ]
            )
        )
    with pytest.raises(RecipeError, match="is above max"):
        recipe_distributions(
            toy(
                [
                    {
                        "parameter": "s.inputs.solv.amount",
                        "distribution": "uniform",
                        "min": 9,
                        "max": 2,
                    }
                ]
            )
        )
    # strings with units are converted to the parameter's unit (kg): 5000 g = 5 kg
    [(_, distribution, _)] = recipe_distributions(
        toy(
            [
                {
                    "parameter": "s.inputs.solv.amount",
                    "distribution": "uniform",
                    "min": "5000 g",
                    "max": "15 kg",
                }
            ]
        )
    )
    assert distribution.params == {"min": 5.0, "max": 15.0}


def test_sensitivity_ranks_the_inputs(factors):
    # PMI = 2 + 2 X + 2 Y with X ~ U(5, 15) and Y ~ U(0, 1) on another input: X dominates
    recipe = toy(
        [
            {"parameter": "s.inputs.solv.amount", "distribution": "uniform", "min": 5, "max": 15},
            {"parameter": "s.inputs.a.amount", "distribution": "uniform", "min": 0.5, "max": 1.5},
        ]
    )
    rows = {
        r["parameter"]: r
        for r in sensitivity(recipe, n=40_000, seed=2, factors=factors, metric="pmi")
    }
    solvent, reactant = rows["s.inputs.solv.amount"], rows["s.inputs.a.amount"]
    # Var contributions: 4 × 100/12 and 4 × 1/12 → S = 100/101 and 1/101
    assert solvent["first_order"] == pytest.approx(100 / 101, abs=0.03)
    assert reactant["first_order"] == pytest.approx(1 / 101, abs=0.03)
    # tornado at the 5th/95th percentiles: X 5.5 → 13 … 14.5 → 31 kg/kg
    assert (solvent["low"], solvent["high"]) == pytest.approx((2 + 2 * 5.5, 2 + 2 * 14.5))
