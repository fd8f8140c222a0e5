"""greenroute's quantities compute pint's numbers bit for bit, and pint's readings kept between
runs (lca.quantities) change how fast a command starts, never what it says."""

from __future__ import annotations

import json
import math

import numpy as np
import pint
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from test_startup import run

from lca import quantities as qs
from lca import units as u
from lca.cache import JsonStore, code_digest
from lca.errors import UnitError

ureg = u.ureg

AMOUNTS = (
    "6.2 kg", "60 L", "0.35 mol", "1.2 equiv", "10 vol", "0.1 wt", "12 mL/min", "15 kW",
    "2.5 MJ", "300 kg", "6 h", "3 d", "1.5 h", "0.902 g/mL", "134.22 g/mol", "2 lb", "10 bar",
    "800 km", "0.5 t", "25 mL/g", "3 kg/h", "1e-3 t/min", "4 m**3", "120 kWh", "0.2 mol/L",
    "0.02 kg CO2e/kWh", "12 USD/kg", "7 EUR / kg", "20 degC", "180 degC", "68 degF", "300 K",
    "1 m**0.5", "5 g/L", "1 gallon",
)  # fmt: skip
UNITS = (
    "kg", "g", "mL", "L", "mol", "h", "min", "kWh", "MJ", "m**3", "equiv", "wt", "L/kg",
    "kg/h", "mL/min", "g/mol", "g/mL", "kg/L", "mol/L", "bar", "km", "t", "degC", "degF", "K",
    "kg CO2e / kWh", "USD/kg", "m**0.5",
)  # fmt: skip


def same(a, b) -> bool:
    """Equal bit for bit (the same type too: pint keeps an int an int)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(a, b) and np.asarray(a).dtype == np.asarray(b).dtype
    return type(a) is type(b) and (a == b or (math.isnan(a) and math.isnan(b)))


def m_as(quantity, unit):
    """``quantity.m_as(unit)``, or the type of pint's error."""
    try:
        return quantity.m_as(unit)
    except pint.DimensionalityError as exc:
        return type(exc)


WRITTEN_OUT = {
    "MASS": "kg", "VOLUME": "L", "SUBSTANCE": "mol", "ENERGY": "kWh", "POWER": "kW", "TIME": "h",
    "LENGTH": "km", "TEMPERATURE": "K", "PRESSURE": "bar", "EQUIVALENT": "equiv",
    "VOLUME_PER_MASS": "L/kg", "MASS_RATIO": "wt", "MOLAR_MASS": "g/mol", "DENSITY": "g/mL",
    "CONCENTRATION": "mol/L", "DIMENSIONLESS": "dimensionless", "EMISSION": "kg CO2e",
    "TRANSPORT": "t*km", "SUBSTANCE_FLOW": "mol/h", "VOLUME_FLOW": "L/h", "MASS_FLOW": "kg/h",
}  # fmt: skip


@pytest.mark.parametrize("name", WRITTEN_OUT)
def test_dimensions_written_out_are_pints(name):
    pints = ureg.Unit(WRITTEN_OUT[name]).dimensionality
    assert pints == getattr(u, name) and hash(pints) == hash(getattr(u, name))


def test_gas_and_currency_dimensions_are_pints():
    gases = {gas: ureg(gas).dimensionality for gas in u.GAS_IDS if gas != "CO2"}
    assert gases == u.GAS_DIMENSIONS
    assert {"CH4": ureg.CH4.dimensionality, "N2O": ureg.N2O.dimensionality} == u.GASES
    assert {code: ureg(code).dimensionality for code in ("USD", "EUR", "GBP")} == u.CURRENCIES


def test_a_dimension_and_pints_find_each_other_in_a_dict():
    pints = ureg.kilowatt_hour.dimensionality
    assert hash(u.ENERGY) == hash(pints) and pints == u.ENERGY
    assert u.ENERGY.__eq__(pints) is True  # either side of ==
    assert {u.ENERGY: "kWh"}[pints] == "kWh" and {pints: "kWh"}[u.ENERGY] == "kWh"
    assert u.ENERGY != u.POWER and u.ENERGY != "kWh"
    assert u.MASS * u.VOLUME_PER_MASS == u.VOLUME and u.MASS * u.DIMENSIONLESS == u.MASS


@pytest.mark.parametrize("text", AMOUNTS)
def test_readings_convert_as_pint_converts(text):
    ours, theirs = u.parse_quantity(text, "here"), ureg.Quantity(text)
    assert same(ours.magnitude, theirs.magnitude)
    assert ours.dimensionality == theirs.dimensionality
    assert str(ours.units) == str(theirs.units)
    for unit in UNITS:
        assert same(m_as(ours, unit), m_as(theirs, unit)), unit
        assert u.dimension_of(unit) == ureg.Unit(unit).dimensionality


@pytest.mark.parametrize("text", AMOUNTS)
def test_products_are_pints_products(text):
    ours, theirs = u.parse_quantity(text, "here"), ureg.Quantity(text)
    for other, unit in (("2.5 h", "kg"), ("0.5 kg", "L"), ("3 kg", "mL"), ("10 min", "mol")):
        a, b = ours * u.parse_quantity(other, "x"), theirs * ureg.Quantity(other)
        assert str(a.units) == str(b.units) and a.dimensionality == b.dimensionality
        assert same(a.magnitude, b.magnitude)
        assert same(m_as(a, unit), m_as(b, unit))
        for target in UNITS:
            assert same(m_as(a, target), m_as(b, target)), (text, other, target)


@settings(max_examples=200, deadline=None)
@given(
    value=st.floats(min_value=1e-6, max_value=1e6),
    first=st.sampled_from(AMOUNTS),
    second=st.sampled_from(AMOUNTS),
    unit=st.sampled_from(UNITS),
)
def test_any_chain_gives_pints_number(value, first, second, unit):
    ours = u.quantity(value, "kg") * u.parse_quantity(first, "x") * u.parse_quantity(second, "y")
    theirs = ureg.Quantity(value, "kg") * ureg.Quantity(first) * ureg.Quantity(second)
    assert same(m_as(ours, unit), m_as(theirs, unit))


def test_variants_convert_as_pint_converts():
    values = np.array([0.5, 1.5, 2e3])
    ours = u.quantity(values, "mL/min") * u.quantity(2.0, "h")
    theirs = ureg.Quantity(values, "mL/min") * ureg.Quantity(2.0, "h")
    assert same(ours.m_as("L"), theirs.m_as("L"))
    assert same(u.magnitude(ours, "mL"), theirs.m_as("mL"))
    assert same(u.quantity([1, 2], "kg").magnitude, ureg.Quantity([1, 2], "kg").magnitude)


def test_offset_units_are_left_to_pint():
    warm = u.parse_quantity("180 degC", "x")
    assert not warm.units.own
    assert same(warm.m_as("degC"), 180)  # the same units: the magnitude itself, as pint
    assert same(warm.m_as("degF"), ureg.Quantity("180 degC").m_as("degF"))
    assert same(warm.m_as("K"), ureg.Quantity("180 degC").m_as("K"))
    with pytest.raises(pint.DimensionalityError):
        warm.m_as("kg")
    product = warm * u.quantity(2.0, "h")
    expected = ureg.Quantity("180 degC") * ureg.Quantity(2.0, "h")
    assert same(product.m_as("K*h"), expected.m_as("K*h"))


def test_dimension_names_are_unchanged():
    assert u.dimension_name(u.parse_quantity("3 kg/h", "x")) == "a flow rate (mass per time)"
    assert u.dimension_name(u.parse_quantity("20 degC", "x")) == "a temperature"
    odd = u.parse_quantity("3 kg*m", "x")
    assert u.dimension_name(odd) == f"of dimension {ureg.Quantity('3 kg*m').dimensionality}"


def test_a_bad_amount_is_never_kept_and_keeps_its_message():
    for text, message in (
        ("6.2 kgg", "cannot read '6.2 kgg' as an amount"),
        ("-1 kg", "'-1 kg' is negative"),
        ("3 ton", "'3 ton' uses 'ton'"),
        ("5", "'5' has no unit"),
    ):
        with pytest.raises(UnitError, match=message):
            u.parse_quantity(text, "here")
        assert qs.stored_amount(text) is None


def test_readings_are_named_by_pint_and_the_code(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("A = 1\n")
    first = code_digest("pint", module)
    module.write_text("A = 2\n")
    assert code_digest("pint", module) != first
    assert code_digest("numpy", module) != code_digest("pint", module)
    assert code_digest("no-such-package-here", module) is None
    assert code_digest("pint", tmp_path / "missing.py") is None


def test_a_store_starts_over_at_its_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("GREENROUTE_CACHE_DIR", str(tmp_path))
    store = JsonStore("x", lambda: "s.json", limit=3)
    for key in "abc":
        store.put(key, 1)
    store.put("d", 2)
    assert [store.get(k) for k in "abcd"] == [None, None, None, 2]
    store.flush()
    assert json.loads((tmp_path / "x" / "s.json").read_text()) == {"d": 2}


EVERY_EXAMPLE = (
    "import json, sys\n"
    "from lca.assessment import assess\n"
    "from lca.resources import example_paths\n"
    "from lca.reporting.documents import assessment_to_dict\n"
    "documents = [assessment_to_dict(assess(path)) for path in example_paths()]\n"
    "print(json.dumps([json.dumps(documents, sort_keys=True), 'pint' in sys.modules]))"
)


def test_every_example_is_the_same_with_a_cold_a_warm_and_no_cache(tmp_path):
    cache = str(tmp_path / "cache")
    cold, cold_pint = run(EVERY_EXAMPLE, cache)
    warm, warm_pint = run(EVERY_EXAMPLE, cache)
    off, off_pint = run(EVERY_EXAMPLE, "off")
    assert cold == warm == off
    assert cold_pint and off_pint  # read by pint
    assert not warm_pint  # every reading kept: pint is not imported
    [readings] = (tmp_path / "cache" / "units").glob("readings-*.json")
    # a broken file is read again by pint (and rewritten)
    readings.write_text("{not json")
    assert run(EVERY_EXAMPLE, cache) == [cold, True]
    assert run(EVERY_EXAMPLE, cache) == [cold, False]
    # malformed entries are ignored, well-formed ones used
    stored = json.loads(readings.read_text())
    broken = {
        key: ("x" if key.startswith("q ") else [1, 2]) if i % 2 else value
        for i, (key, value) in enumerate(stored.items())
    }
    readings.write_text(json.dumps(broken))
    assert run(EVERY_EXAMPLE, cache)[0] == cold


def test_assess_with_a_warm_cache_imports_no_pint(tmp_path):
    cache = str(tmp_path / "cache")
    code = (
        "import contextlib, io, json, sys\nfrom lca.cli import main\n"
        f"sys.argv = ['lca', 'assess', {str(ROOT / 'processes' / 'lidocaine-batch.toml')!r}]\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out, contextlib.suppress(SystemExit):\n"
        "    main()\n"
        "pint = sorted(m for m in sys.modules if m.startswith('pint'))\n"
        "print(json.dumps([out.getvalue(), pint]))"
    )
    cold = run(code, cache)
    warm = run(code, cache)
    assert warm[0] == cold[0] == run(code, "off")[0]
    assert cold[1] and warm[1] == []
