"""One place for what a person reads: metric labels, units and numbers (lca.reporting.labels)."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from lca.reporting.labels import (
    Label,
    format_number,
    format_signed,
    metric_label,
    unit_label,
)

EXAMPLES = sorted((ROOT / "processes").glob("*.toml"))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "n/a"),
        (float("nan"), "n/a"),
        (0.0, "0"),
        (5.0, "5"),  # a count reads as a whole number
        (0.012345, "0.0123"),  # 3 significant figures: 1, 2, 3
        (1.6949, "1.69"),
        (12.345, "12.3"),  # 3 significant figures: 1, 2, 3
        (10.0, "10.0"),
        (169.04, "169"),  # was 169.0 (four figures)
        (99.96, "100"),  # rounds to 3 figures: 100
        (1141.2, "1,141"),  # every digit before the point is kept
        (4650.3, "4,650"),
        (-12.345, "-12.3"),
    ],
)
def test_numbers_have_three_significant_figures_and_every_whole_digit(value, shown):
    assert format_number(value) == shown


def test_four_digits_on_request_and_signs_of_differences():
    assert format_number(0.123456, 4) == "0.1235"
    assert format_number(123.456, 4) == "123.5"
    assert format_signed(1.6949) == "+1.69"
    assert format_signed(-2.1) == "−2.1"  # U+2212, a typeset minus
    assert format_signed(0.0) == "0" and format_signed(None) == "n/a"


@given(st.floats(min_value=1e-6, max_value=1e12))
def test_a_shown_number_is_within_half_a_unit_of_its_third_figure(value):
    shown = float(format_number(value).replace(",", ""))
    # three significant figures: the error is at most half of 10^(exponent - 2)
    exponent = int(f"{value:e}".split("e")[1])
    assert abs(shown - value) <= 0.5 * 10 ** (exponent - 2) * (1 + 1e-9)


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("pmi", Label("PMI (cumulative)", 0)),
        ("pmi_solvents", Label("solvents", 1)),
        ("footprint:waste_treatment", Label("waste treatment", 1)),
        ("coverage_mass:computed", Label("computed (public LCI)", 1)),
        ("coverage_mass:uncovered", Label("uncovered", 1)),
        ("footprint_share:proxy", Label("Footprint share: class proxy", 0)),
        ("pmi_stage:workup", Label("PMI, work-up stage", 0)),
        ("pmi_through:purification", Label("PMI, reaction + work-up + purification", 0)),
        ("pmi_from:cleaning_per_batch", Label("PMI from cleaning per batch", 1)),
        ("energy:natural-gas", Label("Energy: natural-gas", 0)),
        ("energy_from:facility_overhead:electricity", Label("Energy from facility overhead: "
                                                            "electricity", 1)),
        ("something_new:x_y", Label("Something new: x y", 0)),
    ],
)  # fmt: skip
def test_labels_by_rule_with_an_explicit_level(key, label):
    assert metric_label(key) == label
    assert not label.text.startswith(" ")  # indentation is the level, never leading spaces
    assert metric_label(key).indented() == "  " * label.level + label.text


def test_units_as_people_write_them():
    assert unit_label("m**3") == "m³"
    assert unit_label("m**3/kg") == "m³/kg"
    assert unit_label("kg CO2e/t*km") == "kg CO2e/t·km"
    assert unit_label("kg CO2e/kg") == "kg CO2e/kg"


@pytest.fixture(scope="module")
def comparison():
    from lca.comparison import compare

    return compare(EXAMPLES)


def test_no_metric_of_any_example_is_shown_as_its_key(comparison):
    keys = {row.metric for a in comparison.assessments for row in a.metrics}
    for key in keys:
        text = metric_label(key).text
        assert text != key and "_" not in text and not re.search(r":\S", text), key


def test_notebook_tables_show_labels_not_keys(comparison):
    shown = comparison._repr_html_() + "".join(a._repr_html_() for a in comparison.assessments)
    # a key is followed by its name ("footprint:waste_treatment"); words by a space
    for key in ("pmi_from:", "energy_from:", "coverage_mass:", r"footprint:\S", "pmi_reactants"):
        assert not re.search(key, shown), key
    assert "m**3" not in shown
