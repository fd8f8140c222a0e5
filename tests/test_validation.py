"""One validation path (issue 16): every command refuses what `validate` refuses, and values that
sweeps and Monte Carlo draws put into a recipe get the checks of values written in the file."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import ROOT
from helpers import route, step
from test_broken_recipes import FILES, error_text
from typer.testing import CliRunner

from lca.assessment import assess
from lca.cli import app
from lca.errors import LimitError, RecipeError, UnitError
from lca.montecarlo import simulate, sweep
from lca.recipe import parse_recipe

PARACETAMOL = ROOT / "processes" / "paracetamol-linear.toml"
FLOW = ROOT / "processes" / "lidocaine-flow.toml"


def invoke(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def errors(result) -> list[str]:
    return [line for line in error_text(result).splitlines() if line.startswith("error: ")]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_command_refuses_what_validate_refuses(path, tmp_path):
    validated = invoke("validate", path)
    assert validated.exit_code == 1
    html = tmp_path / "report.html"
    for command in (
        ("assess", path),
        ("compare", PARACETAMOL, path),
        ("report", path, "--html", html),
        ("sweep", path, "--vary", "x.product.yield=0.5:0.9:3"),
        ("compare", path, "--mc", "50"),
    ):
        result = invoke(*command)
        assert result.exit_code == 1, (command, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), command
        assert set(errors(validated)) <= set(errors(result)), (command, result.output)
    assert not html.exists()


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        (
            "acetylation.product.yield=0.7:1.2:6",
            "steps[2] (acetylation).product.yield: the sweep sets it to 1.1 (2 of 6 values), "
            "but it must be a fraction between 0 and 1",
        ),
        (
            "acetylation.product.yield=-0.5:0.9:4",
            "the sweep sets it to -0.5 (2 of 4 values), but it must be a fraction",
        ),
        (
            "acetylation.product.yield=0:0.9:4",
            "step 'acetylation' makes no product (0 kg) in 1 of the 4 variants of the sweep",
        ),
        (
            "nitration.inputs.phenol.amount=-5:10:4",
            "(phenol).amount: the sweep sets it to -5 (1 of 4 values), but it must be a finite "
            "number ≥ 0",
        ),
        (
            "nitration.inputs.water.amount=0:1e200:3",
            "(water).amount: the sweep sets it to 5e+199 (2 of 3 values)",
        ),
    ],
)
def test_sweep_values_get_the_checks_of_written_values(vary, message, tmp_path):
    """Was: exit 0 with negative PMI, negative footprints, inf and empty cells."""
    out = tmp_path / "sweep.csv"
    result = invoke("sweep", PARACETAMOL, "--vary", vary, "--out", out)
    assert result.exit_code == 1, result.output
    lines = errors(result)
    assert len(lines) == 1 and message in lines[0], lines
    assert lines[0].startswith(f"error: {PARACETAMOL}: ")
    assert not out.exists()


def test_a_sweep_that_creates_mass_is_refused():
    recipe = route([step("s", "api", "4 kg", ("sm", "10 kg", "reactant"))])
    with pytest.raises(RecipeError) as caught:
        sweep(recipe, [("s.product.amount", 5, 12, 3)])  # 5, 8.5 and 12 kg from 10 kg
    assert (
        "step 's' isolates 12 kg of 'api' from 10 kg of inputs in 1 of the 3 variants of the "
        "sweep; mass cannot be created" in str(caught.value)
    )


def test_a_valid_sweep_has_only_finite_positive_figures():
    frame = sweep(PARACETAMOL, [("acetylation.product.yield", 0.5, 0.9, 5)])
    # paracetamol recovers nothing: its credits are not assessed (empty), all else is finite
    assessed = frame.drop(columns=["footprint:credits"])
    assert np.all(np.isfinite(assessed.to_numpy())) and (frame["pmi"] > 1).all()
    assert frame["footprint:credits"].isna().all() and (frame["footprint:transport"] > 0).all()


def test_sweep_path_errors_quote_what_the_user_typed():
    """Was: "'step.product.product.yield' is not a parameter", a path nobody typed."""
    result = invoke("sweep", PARACETAMOL, "--vary", "step.product.yield=0.7:0.95:6")
    (line,) = errors(result)
    assert "'step.product.yield' is not a parameter of this recipe" in line
    assert "product.product" not in line
    assert "e.g. nitration.product.yield" in line


def uncertain_route(steps: list[dict], uncertainty: list[dict], materials=None):
    data = route(steps, materials=materials).model_dump(by_alias=True, exclude_none=True)
    return parse_recipe({**data, "uncertainty": uncertainty}, "test.toml")


def test_monte_carlo_draws_outside_the_valid_range_are_clipped_as_documented():
    # a normal on an amount that reaches below zero: draws are clipped at 0 (docs/uncertainty.md)
    recipe = uncertain_route(
        [step("s", "api", "4 kg", ("sm", "10 kg", "reactant"), ("solv", "20 kg", "solvent"))],
        [{"parameter": "s.inputs.solv.amount", "distribution": "normal", "sd": 15}],
    )
    draws = simulate(recipe, 4000, seed=2, with_factors=False)
    # PMI = (10 + max(X, 0)) / 4 ≥ 2.5: P(X < 0) = P(Z < -4/3) ≈ 9 %, clipped, never negative
    assert draws["pmi"].min() == pytest.approx(2.5)
    assert 0.05 < np.mean(draws["pmi"] == 2.5) < 0.13


def yield_drawn_below_zero():
    """A one-step route whose yield is drawn from N(0.5, 0.5), clipped at 0."""
    return uncertain_route(
        [
            {
                "id": "s",
                "inputs": [
                    {"material": "sm", "amount": "10 kg", "role": "reactant", "limiting": True}
                ],
                "product": {"material": "api", "yield": 0.5},
            }
        ],
        [{"parameter": "s.product.yield", "distribution": "normal", "sd": 0.5}],
        materials={"sm": {"molar_mass": 100}, "api": {"molar_mass": 100}},
    )


def test_monte_carlo_draws_that_make_no_product_are_an_error():
    recipe = yield_drawn_below_zero()
    # P(yield draw ≤ 0) = P(Z < -1) ≈ 16 %: those draws are clipped to 0, which makes nothing
    with pytest.raises(
        RecipeError,
        match=r"makes no product \(0 kg\) in \d+ of the 1000 "
        "variants of the Monte Carlo draws",
    ):
        simulate(recipe, 1000, seed=0, with_factors=False)


def test_overridden_values_are_checked_like_written_ones():
    from lca.units import check_override

    with pytest.raises(UnitError, match=r"x: the sweep sets it to nan \(1 of 2 values\)"):
        check_override([1.0, math.nan], "x", "kg", "the sweep")
    with pytest.raises(UnitError, match="sets it to 1e-320"):
        check_override([1e-320], "x", "kg", "the sweep")
    with pytest.raises(UnitError, match="sets it to 1e\\+98 "):
        check_override([1e98], "x", "t", "the sweep")  # 1e101 kg
    assert list(check_override([0.0, 0.5, 1.0], "x", None, "the sweep")) == [0.0, 0.5, 1.0]


def test_atom_economy_above_100_percent_is_a_warning_naming_the_likely_cause():
    # benzylamine (C7H9N, 107.15) + acetic anhydride → N-benzylacetamide (C9H11NO, 149.19):
    # with the anhydride given as a reagent, AE = 149.19 / 107.15 = 139 %
    recipe = route(
        [
            {
                "id": "acetylation",
                "inputs": [
                    {
                        "material": "benzylamine",
                        "amount": "5 kg",
                        "role": "reactant",
                        "limiting": True,
                    },
                    {"material": "acetic-anhydride", "amount": "1.1 equiv", "role": "reagent"},
                ],
                "product": {"material": "n-benzylacetamide", "yield": 0.85},
            }
        ],
        product="n-benzylacetamide",
        materials={
            "benzylamine": {"formula": "C7H9N"},
            "n-benzylacetamide": {"formula": "C9H11NO"},
        },
    )
    assessment = assess(recipe, with_mode_effects=False)
    assert assessment.value("atom_economy", "acetylation") == pytest.approx(
        100 * 149.19 / 107.15, rel=1e-3
    )
    # the warning of the metrics checks (lca.stoichiometry), on the one validation path
    (warning,) = [w for w in assessment.warnings if "atom economy" in w]
    assert "atom economy is 139.2 %" in warning
    assert "(acetic-anhydride).role" in warning and 'make it role = "reactant"' in warning
    from lca.validation import check_recipe

    assert warning in check_recipe(recipe).warnings  # what `lca validate` prints


def test_a_negative_process_residue_is_a_warning():
    # 3 kg of reactant and 10 kg of water give 5 kg of a hydrate: the residue the footprint
    # incinerates would be 3 − 5 = −2 kg (a credit) unless the water is a reactant
    recipe = route(
        [step("s", "api", "5 kg", ("sm", "3 kg", "reactant"), ("water", "10 kg", "water"))]
    )
    (warning,) = [w for w in assess(recipe, with_mode_effects=False).warnings if "residue" in w]
    assert "process residue is negative" in warning and "(5 kg per campaign)" in warning
    result = invoke("validate", PARACETAMOL)
    assert "warning" not in result.output  # the bundled routes have none


def test_values_outside_the_computable_range_are_refused_where_read():
    for text in ("1e308 kg", "1e-320 kg", "1e99 t"):
        with pytest.raises(RecipeError, match="outside the range greenroute computes with"):
            assess(route([step("s", "api", "1 kg", ("sm", text, "reactant"))]))
    # zero is a value, not a tiny one
    assert assess(
        route([step("s", "api", "1 kg", ("sm", "2 kg", "reactant"), ("x", "0 kg", "workup"))]),
        with_mode_effects=False,
    ).value("pmi") == pytest.approx(2.0)


def test_a_recipe_over_the_stated_size_is_refused(monkeypatch, tmp_path):
    import lca.recipe

    monkeypatch.setattr(lca.recipe, "MAX_STEPS", 2)
    with pytest.raises(RecipeError, match="3 steps, more than greenroute assesses"):
        lca.recipe.read_recipe(ROOT / "processes" / "paracetamol-linear.toml")
    monkeypatch.setattr(lca.recipe, "MAX_RECIPE_BYTES", 1000)
    with pytest.raises(
        RecipeError, match=r"bytes, more than greenroute reads as a recipe \(1,000\)"
    ):
        lca.recipe.read_recipe(PARACETAMOL)
    result = invoke("validate", PARACETAMOL)
    assert result.exit_code == 1 and "more than greenroute reads" in result.output


def test_a_sweep_larger_than_memory_is_refused_up_front():
    with pytest.raises(LimitError) as caught:
        sweep(
            PARACETAMOL,
            [
                ("acetylation.product.yield", 0.5, 0.9, 10_000),
                ("nitration.yield", 0.3, 0.5, 10_000),
            ],
            max_memory=2 * 10**9,
        )
    # 10^8 points × (2 varied + 7 outputs) columns × 8 bytes × 3 (points, outputs, table)
    assert "a sweep of 100,000,000 points × 9 columns needs about 21.6 GB" in str(caught.value)
    assert "more than the stated limit of 2 GB" in str(caught.value)
    result = invoke(
        "sweep",
        PARACETAMOL,
        "--vary",
        "acetylation.product.yield=0.5:0.9:100000",
        "--vary",
        "nitration.yield=0.3:0.5:100000",
    )
    assert result.exit_code == 1
    assert "a sweep of 10,000,000,000 points" in result.output and "of memory available" in (
        result.output
    )


def test_monte_carlo_and_sensitivity_larger_than_memory_are_refused_up_front():
    from lca.montecarlo import compare_monte_carlo, sensitivity

    with pytest.raises(LimitError) as caught:
        compare_monte_carlo([FLOW, FLOW], ["a", "b"], 10**9, max_memory=10**8)
    # a comparison keeps 2^23 draws of PMI and footprint per route for its percentiles:
    # 2^23 × 2 routes × 2 metrics × 8 bytes = 268 MB, and 3 × 2^23 × 8 = 201 MB while the
    # paired differences are computed, plus each thread's piece of each route (work rows within
    # CACHE_BYTES, 32 MiB, and its draws) and three blocks of outputs (3 × 2 × 65,536 × 8 B):
    # above 469 MB, whatever n, and below 469 MB + threads × 2 routes × 40 MB
    from lca.blocks import default_workers

    message = str(caught.value)
    assert "1,000,000,000 Monte Carlo draws of 2 route(s) needs about " in message
    needed = float(message.split("needs about ")[1].split(" MB")[0])
    assert 469 < needed < 469 + default_workers() * 2 * 40
    with pytest.raises(LimitError, match="a Sobol design of n = 100,000,000 for"):
        sensitivity(FLOW, n=10**8, max_memory=10**9)
    result = invoke("compare", FLOW, FLOW, "--mc", 10**9, "--max-memory", "100 MB")
    assert result.exit_code == 1
    assert "more than the stated limit of 100 MB; use fewer draws (--mc N)" in result.stderr
    bad = invoke("compare", FLOW, "--mc", 10, "--max-memory", "lots")
    assert bad.exit_code == 1 and "'lots' is not a memory size" in bad.stderr


@pytest.mark.parametrize(
    ("variant", "transform"),
    [
        ("a byte-order mark (Notepad, Excel)", lambda b: b"\xef\xbb\xbf" + b),
        ("Windows line ends", lambda b: b.replace(b"\n", b"\r\n")),
    ],
)
def test_recipes_saved_by_windows_tools_are_read(tmp_path, variant, transform):
    path = tmp_path / "recipe.toml"
    path.write_bytes(transform(PARACETAMOL.read_bytes()))
    result = invoke("validate", path)
    assert result.exit_code == 0, (variant, result.output)
