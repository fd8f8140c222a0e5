"""The corpus of broken recipes in ``tests/data/broken``: each must fail cleanly.

Every file holds one deliberate defect (``three-problems.toml`` holds three) and starts with its
expectations, one ``# expect:`` line per error line the file must produce::

    # expect: steps[0] (acetylation).inputs[3] (water).amount: '-10 vol' is negative

An expectation may be split by `` ... `` into fragments that must all appear, in that order, on
the same error line (to name the field and the message without quoting all of it). A file must
produce exactly as many error lines as it has ``# expect:`` lines, each matched by one of them:
a single-problem file gives exactly one line, without follow-on errors.

Files in ``KNOWN_DEFECTS`` show library defects (a crash, a misleading or extra message); their
tests are strict xfails, so they start to fail the day the library is fixed, as a reminder to
remove the entry.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lca.cli import app
from lca.errors import LcaError, RecipeError
from lca.validation import check_recipe

BROKEN = Path(__file__).resolve().parent / "data" / "broken"
FILES = sorted(BROKEN.glob("*.toml"))
EXPECT = re.compile(r"^# expect: (.+?)\s*$")
SEPARATOR = " ... "

KNOWN_DEFECTS: dict[str, str] = {}

GOOD_RECIPE = """\
schema_version = 1

[route]
name = "N-Benzylacetamide, one-step acetylation (batch)"
product = "n-benzylacetamide"
source = "Quantities are ILLUSTRATIVE, chosen for the greenroute test suite."

[materials.benzylamine]
formula = "C7H9N"

[materials.n-benzylacetamide]
formula = "C9H11NO"

[[steps]]
id = "acetylation"
inputs = [
  { material = "benzylamine", amount = "5.0 kg", role = "reactant", limiting = true },
  { material = "acetic-anhydride", amount = "1.1 equiv", role = "reactant" },
  { material = "ethyl-acetate", amount = "8 vol", role = "solvent", recovered = 0.8 },
  { material = "water", amount = "5 vol", role = "water" },
]
product = { material = "n-benzylacetamide", yield = 0.85 }
energy = [{ carrier = "electricity", power = "2 kW", duration = "4 h" }]
"""


def expectations(path: Path) -> list[str]:
    """The ``# expect:`` lines of a corpus file, one per error line it must produce (a file
    that is not UTF-8 on purpose has them in its first, UTF-8, lines)."""
    lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
    return [m.group(1) for line in lines if (m := EXPECT.match(line))]


def matches(expectation: str, line: str) -> bool:
    """Whether the fragments of ``expectation`` all appear in ``line``, in order."""
    start = 0
    for fragment in expectation.split(SEPARATOR):
        found = line.find(fragment, start)
        if found < 0:
            return False
        start = found + len(fragment)
    return True


def assert_expected(lines: list[str], expected: list[str], path: Path) -> None:
    """One line per expectation, each expectation on some line and every line expected."""
    for expectation in expected:
        assert any(matches(expectation, line) for line in lines), (
            f"{path.name}: no error line matches {expectation!r}; got:\n" + "\n".join(lines)
        )
    unexpected = [line for line in lines if not any(matches(e, line) for e in expected)]
    assert not unexpected, f"{path.name}: unexpected error lines:\n" + "\n".join(unexpected)
    assert len(lines) == len(expected), (
        f"{path.name}: {len(expected)} problem(s) expected, {len(lines)} reported:\n"
        + "\n".join(lines)
    )


def error_text(result) -> str:
    """The command's stderr, wherever this click/typer version's CliRunner puts it.

    typer >= 0.16 (own runner) and click >= 8.2 keep ``result.stderr`` apart and mix both streams
    in ``result.output``; older click mixes stderr into ``output`` by default and raises
    ``ValueError`` on ``result.stderr``.
    """
    try:
        return result.stderr
    except ValueError:
        return result.output


def corpus_params():
    return [
        pytest.param(
            path,
            id=path.name,
            marks=(
                [pytest.mark.xfail(strict=True, reason=KNOWN_DEFECTS[path.name])]
                if path.name in KNOWN_DEFECTS
                else []
            ),
        )
        for path in FILES
    ]


def test_corpus_is_complete():
    assert len(FILES) >= 15, f"only {len(FILES)} broken recipes in {BROKEN}"
    for path in FILES:
        first = path.read_bytes().decode("utf-8", errors="replace").splitlines()[0]
        assert EXPECT.match(first), f"{path.name}: the first line must be '# expect: ...'"
        assert expectations(path), f"{path.name}: no '# expect:' line"
    assert any(len(expectations(path)) >= 3 for path in FILES), "no file with several problems"
    stale = sorted(set(KNOWN_DEFECTS) - {path.name for path in FILES})
    assert not stale, f"KNOWN_DEFECTS names files that are not in the corpus: {stale}"


@pytest.mark.parametrize("path", corpus_params())
def test_cli_reports_broken_recipe(path: Path):
    result = CliRunner().invoke(app, ["validate", str(path)])
    errors = error_text(result)
    # CliRunner catches a crash and reports exit code 1; it must have been a clean exit
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{path.name}: crashed with {result.exception!r}"
    )
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    assert f"ok: {path}" not in result.output
    lines = errors.splitlines()
    assert lines, f"{path.name}: no error output"
    for line in lines:
        assert line.startswith(f"error: {path}: "), f"not an 'error: FILE: ...' line: {line!r}"
    assert_expected([line.removeprefix("error: ") for line in lines], expectations(path), path)


@pytest.mark.parametrize("path", corpus_params())
def test_api_raises_recipe_error(path: Path):
    # the one validation path every command goes through (lca.validation.check_recipe)
    with pytest.raises(LcaError) as caught:
        check_recipe(path)
    assert isinstance(caught.value, ValueError)
    lines = str(caught.value).splitlines()
    if isinstance(caught.value, RecipeError) and caught.value.problems[0].where:
        lines = [str(problem) for problem in caught.value.problems]
    assert lines
    for line in lines:
        assert line.startswith(str(path)), line
    assert_expected(lines, expectations(path), path)


def test_validate_reports_good_and_broken_together(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text(GOOD_RECIPE, encoding="utf-8")
    broken = BROKEN / "negative-amount.toml"
    result = CliRunner().invoke(app, ["validate", str(good), str(broken)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"ok: {good} " in result.output
    errors = [line for line in error_text(result).splitlines() if line.startswith("error: ")]
    assert errors, result.output
    assert all(line.startswith(f"error: {broken}: ") for line in errors), errors
    assert any("'-10 vol' is negative" in line for line in errors), errors
    assert f"ok: {broken}" not in result.output
