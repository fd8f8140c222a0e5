"""Generated documents (hypothesis): whatever a recipe file or factor CSV holds, greenroute
answers with a result or with one of its own errors (``LcaError``), never another exception,
and a result it gives holds only finite numbers (issue 16).

The recipe documents are TOML written from generated data: recipe-shaped (steps, inputs,
products, energy, cleaning, facility, uncertainty, material overrides) with values drawn from
pools of valid, borderline and broken ones (units, nan, inf, 1e308, negative, wrong types, bad
ids), so that they reach deep into the checks; plus arbitrary text and bytes. The factor CSVs
mix valid and broken headers, delimiters, encodings, keys, values, units, regions, data-quality
and uncertainty cells.
"""

from __future__ import annotations

import contextlib
import json
import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lca.errors import LcaError
from lca.factors import COLUMNS, read_library
from lca.recipe import ROLES, parse_recipe, read_recipe
from lca.reporting.safe import to_json
from lca.validation import check_recipe

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- a small TOML writer (inline tables), enough for generated documents ------------------------


def toml_string(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code < 0x7F:
            out.append(char)
        else:
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def toml_key(key: str) -> str:
    bare = key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
    return key if bare else toml_string(key)


def to_toml(document: dict) -> str:
    return "\n".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in document.items()) + "\n"


# -- recipe-shaped documents: mostly valid, each field sometimes broken ---------------------------


def mostly(valid, broken):
    """``valid`` 19 times in 20, else ``broken``: documents get past the schema often enough
    to reach the inventory, unit, footprint and uncertainty checks."""
    return st.integers(0, 19).flatmap(lambda i: broken if i == 0 else valid)


def maybe(strategy):
    return st.one_of(st.none(), strategy)


def compact(**fields):
    return {k: v for k, v in fields.items() if v is not None}


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
any_number = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.sampled_from([0.0, 1e308, 1e-320, -1.0, 0.85, 1.5]),
)
positive = st.floats(1e-3, 1e4)
masses = st.builds(lambda n, u: f"{n!r} {u}", positive, st.sampled_from(["kg", "g", "t"]))
relative = st.builds(lambda n, u: f"{n!r} {u}", st.floats(0.01, 20), st.sampled_from(
    ["equiv", "vol", "wt", "L", "mol", "mL/min", "kg/h"]))  # fmt: skip
broken_amounts = st.one_of(
    st.builds(
        lambda n, u: f"{n} {u}".strip(),
        any_number,
        st.sampled_from(["kg", "mol", "kWh", "%", "ton", "foo", "", "kg CO2e", "degC", "kW"]),
    ),
    st.sampled_from(["nan kg", "kg", "(1 kg", "1e400 kg", "-3 L", "3 kg kg", "1/0 kg", "5"]),
    any_number,
    texts,
    st.booleans(),
)
amounts = mostly(st.one_of(masses, relative), broken_amounts)
fractions = mostly(
    st.floats(0.01, 1.0),
    st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(["85 %", "150 %", "-1", "x", "1e-320", 0, 1]),
        st.booleans(),
    ),
)
raw_ids = st.sampled_from(["sm", "water", "toluene", "ethyl-acetate", "acetic-anhydride", "x-1"])
roles = mostly(st.sampled_from(ROLES), st.sampled_from(["solvant", 3, ""]))
energy_amounts = mostly(
    st.builds(lambda n, u: f"{n!r} {u}", positive, st.sampled_from(["kWh", "MJ", "kg"])),
    broken_amounts,
)
energy = st.builds(
    compact,
    carrier=mostly(st.sampled_from(["electricity", "steam", "natural-gas"]), st.just("Power!")),
    amount=maybe(energy_amounts),
    power=maybe(mostly(st.just("5 kW"), broken_amounts)),
    duration=maybe(mostly(st.just("4 h"), broken_amounts)),
)


@st.composite
def steps_of(draw, n: int):
    """A linear chain: step i makes p<i> (the last makes api), step i > 0 charges p<i-1>."""
    steps = []
    for i in range(n):
        made = "api" if i == n - 1 else f"p{i}"
        inputs = [
            compact(
                material=draw(mostly(st.just("sm" if i == 0 else f"p{i - 1}"), raw_ids)),
                amount=draw(mostly(masses, broken_amounts)),
                role="reactant",
                limiting=draw(mostly(st.just(True), st.booleans())),
            )
        ]
        for _ in range(draw(st.integers(0, 3))):
            inputs.append(
                compact(
                    material=draw(raw_ids),
                    amount=draw(amounts),
                    role=draw(roles),
                    recovered=draw(maybe(fractions)),
                    coefficient=draw(maybe(mostly(st.floats(0.5, 3), any_number))),
                )
            )
        product = {"material": made}
        kind = draw(mostly(st.sampled_from(["yield", "amount"]), st.just("both")))
        if kind != "amount":
            product["yield"] = draw(fractions)
        if kind != "yield":
            product["amount"] = draw(amounts)
        mode = draw(mostly(st.just("batch"), st.sampled_from(["continuous", "semi"])))
        step = compact(
            id=draw(mostly(st.just(f"s{i}"), st.sampled_from(["s0", "S 1", ""]))),
            mode=mode,
            batches=draw(maybe(mostly(st.integers(1, 20), st.integers(-2, 0)))),
            run_time=draw(maybe(amounts)) if mode != "batch" else None,
            failure_rate=draw(maybe(fractions)),
            inputs=inputs,
            product=product,
            energy=draw(maybe(st.lists(energy, max_size=2))),
            cleaning=draw(
                maybe(
                    st.lists(
                        st.builds(
                            compact,
                            material=raw_ids,
                            amount=amounts,
                            per=mostly(st.sampled_from(["batch", "campaign"]), st.just("weekly")),
                        ),
                        max_size=2,
                    )
                )
            ),
        )
        steps.append(step)
    return steps


# the chain's own materials: a formula each (yields need molar masses), sometimes broken
CHAIN = {"sm": "C7H9N", "p0": "C9H11NO", "p1": "C11H15NO2", "api": "C11H15NO2"}
chain_materials = st.fixed_dictionaries(
    {
        name: mostly(st.just({"formula": formula}), st.just({"formula": "Xx2"}))
        for name, formula in CHAIN.items()
    }
)
extra_overrides = st.dictionaries(
    st.sampled_from(["toluene", "x-1", "water"]),
    st.builds(
        compact,
        formula=maybe(mostly(st.sampled_from(["C7H9N", "C9H11NO", "C6H6O"]), st.just("Xx2"))),
        molar_mass=maybe(mostly(st.floats(10, 1000), st.one_of(any_number, broken_amounts))),
        density=maybe(mostly(st.just("0.87 g/mL"), broken_amounts)),
        price=maybe(mostly(st.just("12 USD/kg"), broken_amounts)),
    ),
    max_size=3,
)
uncertainty = st.builds(
    compact,
    parameter=st.sampled_from(["s0.product.yield", "s0.inputs.sm.amount", "s1.yield", "nope"]),
    distribution=mostly(
        st.sampled_from(["uniform", "triangular", "normal", "lognormal"]), st.just("beta")
    ),
    min=maybe(mostly(st.floats(0.01, 1), st.one_of(any_number, broken_amounts))),
    max=maybe(mostly(st.floats(0.01, 1), st.one_of(any_number, broken_amounts))),
    mode=maybe(any_number),
    sd=maybe(mostly(st.floats(0, 0.5), any_number)),
    gsd=maybe(mostly(st.floats(1, 3), any_number)),
)
recipes = st.builds(
    compact,
    schema_version=mostly(st.just(1), st.sampled_from([2, "1", 1.0])),
    route=st.builds(
        compact,
        name=mostly(st.just("generated route"), texts),
        product=mostly(st.just("api"), raw_ids),
        source=mostly(st.just("generated by hypothesis"), st.just("")),
        region=maybe(
            mostly(
                st.sampled_from(["GB", "US-RFCE", "GLO"]), st.sampled_from(["UK", "de", "Germany"])
            )
        ),
        steam_heat=maybe(mostly(st.just("2 MJ/kg"), broken_amounts)),
    ),
    materials=st.builds(lambda a, b: {**a, **b}, chain_materials, extra_overrides),
    steps=st.integers(1, 3).flatmap(steps_of),
    facility=maybe(
        st.builds(
            compact,
            kind=mostly(st.sampled_from(["modular", "stick-built"]), st.just("tent")),
            campaign_time=maybe(amounts),
            overheads=maybe(st.lists(energy, max_size=2)),
        )
    ),
    transport=maybe(
        st.lists(
            st.builds(compact, material=raw_ids, mode=st.just("hgv"), distance=amounts),
            max_size=2,
        )
    ),
    uncertainty=maybe(st.lists(uncertainty, max_size=2)),
)


def assert_only_own_errors_and_finite_results(text: str) -> None:
    try:
        checked = check_recipe(parse_recipe(text, source="generated.toml"))
    except LcaError:
        return
    from lca.assessment import assess

    try:
        assessment = assess(checked.recipe, with_mode_effects=False)
    except LcaError:
        return
    document = json.loads(to_json({"metrics": [m.value for m in assessment.metrics]}))
    assert "non_finite" not in document, document["non_finite"]


@SETTINGS
@given(recipes)
def test_generated_recipes_give_a_result_or_an_lca_error(document):
    assert_only_own_errors_and_finite_results(to_toml(document))


@SETTINGS
@given(st.text(max_size=300))
def test_any_text_is_a_recipe_or_a_recipe_error(text):
    assert_only_own_errors_and_finite_results(text)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([b"", b"\xef\xbb\xbf"]))
def test_any_bytes_in_a_file_are_read_or_refused_cleanly(data, prefix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "recipe.toml"
        path.write_bytes(prefix + data)
        with contextlib.suppress(LcaError):
            read_recipe(path)


def test_the_toml_writer_round_trips():
    import tomllib

    document = {"a": [1, 2.5, "x\u202e\x00\U0001f600"], "b c": {"d": True, "e": math.inf}}
    assert tomllib.loads(to_toml(document)) == document


# -- factor CSVs ---------------------------------------------------------------------------------

cells = {
    "key": st.sampled_from(["energy:electricity", "material:toluene", "waste:incineration",
                            "Material X", "", "energy:", "spend:naics-325199"]),
    "value": st.one_of(
        st.sampled_from(["0", "0.233", "1,2", "-1", "nan", "inf", "1e-320", "1e308", "", "x"]),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    ),
    "unit": st.sampled_from(["kg CO2e / kWh", "kg CO2e / kg", "g CO2e / kWh", "kg CO2e / t",
                             "lb CH4 / MWh", "kg CO2e / ton", "kg / kg", "", "banana",
                             "kg CO2e / (t * km)", "kg CO2e / USD"]),
    "region": st.sampled_from(["GB", "US", "GLO", "US-RFCE", "UK", "Germany", "de", "", "XX"]),
    "source": st.sampled_from(["test source", "", "[desnz-2025] x"]),
    "licence": st.sampled_from(["CC0-1.0", ""]),
    "data_quality": st.sampled_from(["primary", "second-hand; flag", "derived", "good", ""]),
    "uncertainty": st.sampled_from(["", "50%", "95%:0.1-0.5", "95%:5-1", "10 %", "x%", "95%:a-b"]),
}  # fmt: skip
text_cell = st.text(max_size=10)
rows = st.fixed_dictionaries({column: cells.get(column, text_cell) for column in COLUMNS})
headers = st.one_of(
    st.just(list(COLUMNS)),
    st.permutations(list(COLUMNS)),
    st.lists(st.sampled_from([*COLUMNS, "tier", "gwp_basis", "comment", "license"]), max_size=14),
)


def csv_text(header, body, delimiter) -> str:
    def cell(text: str) -> str:
        if any(c in text for c in (delimiter, '"', "\n", "\r")):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [delimiter.join(cell(c) for c in header)]
    lines += [delimiter.join(cell(row.get(c, "")) for c in header) for row in body]
    return "\n".join(lines) + "\n"


@SETTINGS
@given(
    headers,
    st.lists(rows, max_size=4),
    st.sampled_from([",", ";", "\t", "|"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
def test_generated_factor_files_are_read_or_refused_with_a_factor_error(
    header, body, delimiter, encoding
):
    from lca.assessment import assess
    from lca.factors import load_factor_set
    from lca.resources import example_paths

    text = csv_text(header, body, delimiter)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mine.csv"
        path.write_bytes(text.encode(encoding, errors="replace"))
        try:
            library = read_library(path)
        except LcaError:
            return
        for row in library.rows:
            assert math.isfinite(row.kg_co2e_per_unit) and row.kg_co2e_per_unit >= 0
        paracetamol = next(p for p in example_paths() if p.stem == "paracetamol-linear")
        try:
            total = assess(
                paracetamol, factors=load_factor_set([path]), with_mode_effects=False
            ).footprint.total
        except LcaError:
            return
        assert math.isfinite(total)
