"""Recipes in Excel: the schema-driven layout, lossless round trips, the commands, bad workbooks."""

from __future__ import annotations

import io
import json
import typing
import zipfile
from typing import Literal

import numpy as np
import openpyxl
import pytest
from broken_xlsx import base_bytes, cases, col, replace_cell, with_member, write_case
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field
from typer.testing import CliRunner

from lca.assessment import assess
from lca.cli import app
from lca.errors import LcaError, OutputError, RecipeError
from lca.inventory import build_inventory
from lca.parameters import recipe_distributions
from lca.recipe import Amount, Input, Product, Recipe, Route, Step, read_recipe
from lca.recipe_io import write_recipe
from lca.recipe_io.layout import recipe_layout
from lca.recipe_io.xlsx_open import load_book
from lca.recipe_io.xlsx_read import BLANK, WorkbookReader, join_amount, read_workbook_recipe
from lca.recipe_io.xlsx_write import _stored, recipe_workbook, split_amount
from lca.reporting.documents import assessment_to_dict
from lca.resources import example_paths

EXAMPLES = [*example_paths(), *sorted((ROOT / "docs" / "examples").glob("*.toml"))]
runner = CliRunner()


@pytest.fixture(scope="module")
def base() -> bytes:
    return base_bytes()


# -- the layout covers the schema ---------------------------------------------------------------
def _models_in(annotation) -> list[type[BaseModel]]:
    """The pydantic models anywhere inside a type annotation."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def schema_leaves(model: type[BaseModel], prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """The path (by alias, as TOML writes it) of every non-model field, walking every model."""
    leaves: set[tuple[str, ...]] = set()
    for name, info in model.model_fields.items():
        path = (*prefix, info.alias or name)
        models = _models_in(info.annotation)
        if models:
            for inner in models:
                leaves |= schema_leaves(inner, path)
        else:
            leaves.add(path)
    return leaves


def layout_leaves(layout) -> set[tuple[str, ...]]:
    found = set()
    for sheet in layout.sheets:
        for column in sheet.columns:
            if not column.kind.startswith("key") and column.kind != "unit":
                found.add((*sheet.path, *column.path))
    return found


def test_every_field_of_every_recipe_model_has_a_place_in_the_workbook():
    layout = recipe_layout()
    assert schema_leaves(Recipe) == layout_leaves(layout)
    sheet_paths = {sheet.path for sheet in layout.sheets}
    for model_path in {p[:n] for p in schema_leaves(Recipe) for n in range(1, len(p))}:
        # every list or mapping of models on the way to a field is a sheet of its own
        info = _field_at(Recipe, model_path)
        if typing.get_origin(info.annotation) in (list, dict):
            assert model_path in sheet_paths, model_path


def _field_at(model, path):
    for part in path:
        info = next(i for n, i in model.model_fields.items() if (i.alias or n) == part)
        model = next(iter(_models_in(info.annotation)), None)
    return info


def test_sheet_names_are_valid_and_unique():
    names = [sheet.name for sheet in recipe_layout().sheets]
    assert len(names) == len(set(names))
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)
    assert names[:4] == ["route", "materials", "steps", "inputs"]


# A schema grown the ways other work on greenroute grows it: new scalars, an enumeration, a
# boolean, an amount, nested models with their own lists, lists of scalars and a mapping.
class Solute(BaseModel):
    material: str
    concentration: str = Field(description="e.g. '0.5 mol/L'")


class Coproduct(BaseModel):
    material: str
    amount: Amount
    allocation_share: float | None = None


class Electricity(BaseModel):
    basis: Literal["location", "market"] = "location"
    supplier_factor: str | None = None
    certificates: list[str] = Field(default_factory=list)


class GrownInput(Input):
    basis: Literal["as-is", "anhydrous"] | None = None
    stage: str | None = None
    solutes: list[Solute] = Field(default_factory=list)


class GrownProduct(Product):
    isolated: bool = True


class GrownStep(Step):
    inputs: list[GrownInput] = Field(min_length=1)
    product: GrownProduct | None = None
    coproducts: list[Coproduct] = Field(default_factory=list)
    allocation: Literal["mass", "economic"] | None = None
    tags: dict[str, str] = Field(default_factory=dict)


class GrownRoute(Route):
    electricity: Electricity | None = None
    steam_pressure: str | None = Field(None, description="e.g. '10 bar'")


class GrownRecipe(Recipe):
    route: GrownRoute
    steps: list[GrownStep] = Field(min_length=1)


def test_a_grown_schema_gets_its_columns_and_round_trips_without_code_changes():
    layout = recipe_layout(GrownRecipe)
    assert schema_leaves(GrownRecipe) == layout_leaves(layout)
    names = {sheet.name: sheet for sheet in layout.sheets}
    assert {"inputs.solutes", "coproducts", "tags", "route.electricity.certificates"} <= set(names)
    assert [k.header for k in names["inputs.solutes"].keys] == ["step", "input"]
    data = read_recipe(ROOT / "processes" / "benzamide-convergent.toml").model_dump(
        by_alias=True, exclude_unset=True
    )
    data["route"]["electricity"] = {"basis": "market", "certificates": ["rego-2024", "go-7"]}
    data["route"]["steam_pressure"] = "10 bar"
    coupling = data["steps"][2]
    coupling["allocation"] = "mass"
    coupling["coproducts"] = [{"material": "urea-byproduct", "amount": "0.8 kg"}]
    coupling["tags"] = {"site": "B7", "campaign": "2025-03"}
    coupling["product"]["isolated"] = False
    coupling["inputs"][1].update(basis="anhydrous", stage="coupling")
    coupling["inputs"][5]["solutes"] = [{"material": "lithium-chloride", "concentration": "5 %"}]
    grown = GrownRecipe.model_validate(data)

    book = recipe_workbook(grown, layout)
    buffer = io.BytesIO()
    book.save(buffer)
    reader = WorkbookReader(load_book(buffer.getvalue(), "grown.xlsx"), b"", "grown.xlsx", layout)
    back = GrownRecipe.model_validate(reader.read())
    assert back.model_dump_json() == grown.model_dump_json()
    inputs = book["inputs"]
    header = [c.value for c in inputs[1]]
    assert {"basis", "stage"} <= set(header)
    assert book["coproducts"]["C2"].value == 0.8 and book["coproducts"]["D2"].value == "kg"


# -- lossless round trips of every bundled example ---------------------------------------------
def _without_file(value):
    if isinstance(value, dict):
        return {k: _without_file(v) for k, v in value.items() if k != "file"}
    if isinstance(value, list):
        return [_without_file(v) for v in value]
    return value


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_round_trips_toml_xlsx_toml_to_an_equal_recipe_and_equal_results(path, tmp_path):
    original = read_recipe(path)
    workbook = write_recipe(original, tmp_path / f"{path.stem}.xlsx")
    from_workbook = read_recipe(workbook)
    toml = write_recipe(from_workbook, tmp_path / f"{path.stem}.toml")
    back = read_recipe(toml)
    for recipe in (from_workbook, back):
        for name in Recipe.model_fields:
            assert getattr(recipe, name) == getattr(original, name), name
        # the JSON form also tells 1 from 1.0 and "0.5" from 0.5
        assert recipe.model_dump_json() == original.model_dump_json()
    first, second, third = assess(path), assess(workbook), assess(toml)
    for other in (second, third):
        assert other.to_frame().equals(first.to_frame())
        assert np.array_equal(other.footprint.contributions, first.footprint.contributions)
        assert other.footprint.total == first.footprint.total
        assert _without_file(assessment_to_dict(other)) == _without_file(assessment_to_dict(first))


def test_written_toml_is_readable_text(tmp_path):
    recipe = read_recipe(ROOT / "processes" / "lidocaine-batch.toml")
    text = write_recipe(recipe, tmp_path / "x.toml").read_text(encoding="utf-8")
    assert text.startswith("# Written by greenroute")
    assert 'cycle_time = "14 h"' in text
    assert '{ material = "acetic-acid", amount = "5 vol", role = "solvent" },' in text


# -- amounts: number and unit cells -----------------------------------------------------------
def test_amounts_split_into_number_and_unit_and_join_back():
    assert split_amount("6.2 kg") == (6.2, "kg")
    assert split_amount("10 vol") == (10, "vol")
    assert split_amount("12 mL/min") == (12, "mL/min")
    # written as text so that they come back as written
    assert split_amount("0.50 kg") == ("0.50", "kg")
    assert split_amount("1e3 kg") == ("1e3", "kg")
    assert split_amount("6.2kg") == ("6.2kg", "")
    assert join_amount(6.2, "kg") == ("6.2 kg", None)
    assert join_amount("0.50", "kg") == ("0.50 kg", None)
    assert join_amount("6.2 kg", BLANK) == ("6.2 kg", None)
    assert join_amount(6.2, BLANK)[1].startswith("6.2 has no unit")
    assert "keep the unit in one place" in join_amount("6.2 kg", "kg")[1]


amounts = st.one_of(
    st.builds(
        lambda n, u: f"{n} {u}",
        st.one_of(
            st.integers(-(10**6), 10**6).map(str),
            st.floats(1e-9, 1e9, allow_nan=False).map(repr),
            st.sampled_from(["0.50", "1e3", "+2", ".5", "10.0"]),
        ),
        st.sampled_from(["kg", "mL/min", "equiv", "%", "kg CO2e", "g / L"]),
    ),
    st.text(min_size=1, max_size=20).filter(lambda t: t.strip() and not t.startswith("=")),
)


@given(amounts)
@settings(max_examples=300, deadline=None)
def test_any_amount_text_survives_the_cells(text):
    value, unit = split_amount(text)
    stored = _stored(value) if isinstance(value, int | float) else value
    joined, problem = join_amount(stored, unit or BLANK)
    if problem is None:
        assert joined == text
    else:  # only a bare number has no unit to give back
        assert "has no unit" in problem and unit == ""


# -- the template --------------------------------------------------------------------------------
def test_template_writes_the_example_with_notes_and_drop_down_lists(tmp_path):
    out = tmp_path / "recipe.xlsx"
    result = runner.invoke(app, ["template", str(out)])
    assert result.exit_code == 0, result.output
    assert read_recipe(out).model_dump_json() == (
        read_recipe(ROOT / "processes" / "lidocaine-batch.toml").model_dump_json()
    )
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [s.name for s in recipe_layout().sheets] + ["help"]
    inputs = book["inputs"]
    role = col("inputs", "role")
    assert "reactant" in inputs[f"{role}1"].comment.text
    rules = {str(r.sqref).split(":")[0]: r for r in inputs.data_validations.dataValidation}
    assert rules[f"{role}2"].formula1 == '"reactant,reagent,catalyst,solvent,water,workup"'
    assert rules[f"{col('inputs', 'amount unit')}2"].showErrorMessage is False
    assert rules[f"{col('inputs', 'step')}2"].formula1.startswith("'steps'!$A$2")
    assert [c.value for c in inputs[2]][:5] == [
        "acylation",
        "2-6-dimethylaniline",
        50,
        "kg",
        "reactant",
    ]
    assert book["route"]["A1"].value == "field" and book["route"]["A3"].value == "route.name"


def test_template_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "recipe.xlsx"
    out.write_bytes(b"precious")
    result = runner.invoke(app, ["template", str(out)])
    assert result.exit_code == 1
    assert "already exists; pass --force" in result.output
    assert out.read_bytes() == b"precious"
    assert runner.invoke(app, ["template", str(out), "--force"]).exit_code == 0
    assert zipfile.is_zipfile(out)


# -- the commands take workbooks ------------------------------------------------------------------
def test_convert_both_ways_and_refuse_to_overwrite(tmp_path):
    source = ROOT / "processes" / "paracetamol-linear.toml"
    workbook, toml = tmp_path / "p.xlsx", tmp_path / "p.toml"
    assert runner.invoke(app, ["convert", str(source), str(workbook)]).exit_code == 0
    assert runner.invoke(app, ["convert", str(workbook), str(toml)]).exit_code == 0
    assert read_recipe(toml).model_dump_json() == read_recipe(source).model_dump_json()
    before = toml.read_bytes()
    result = runner.invoke(app, ["convert", str(workbook), str(toml)])
    assert result.exit_code == 1 and "already exists; pass --force" in result.output
    assert toml.read_bytes() == before
    assert runner.invoke(app, ["convert", str(workbook), str(toml), "--force"]).exit_code == 0
    result = runner.invoke(app, ["convert", str(source), str(tmp_path / "p.csv")])
    assert result.exit_code == 1 and "written as .toml or .xlsx" in result.output


def test_assess_compare_report_and_validate_take_workbooks(tmp_path):
    toml = ROOT / "processes" / "benzamide-convergent.toml"
    workbook = write_recipe(read_recipe(toml), tmp_path / "benzamide.xlsx")
    from_toml = runner.invoke(app, ["assess", str(toml), "--format", "json"])
    from_xlsx = runner.invoke(app, ["assess", str(workbook), "--format", "json"])
    assert from_xlsx.exit_code == 0, from_xlsx.output
    assert _without_file(json.loads(from_xlsx.stdout)) == _without_file(
        json.loads(from_toml.stdout)
    )
    other = ROOT / "processes" / "paracetamol-linear.toml"
    compared = runner.invoke(app, ["compare", str(workbook), str(other), "--format", "csv"])
    assert compared.exit_code == 0 and "N-Benzyl-4-methoxybenzamide" in compared.stdout
    report = runner.invoke(app, ["report", str(workbook), "--xlsx", str(tmp_path / "r.xlsx")])
    assert report.exit_code == 0, report.output
    validated = runner.invoke(app, ["validate", str(workbook)])
    assert validated.exit_code == 0 and f"ok: {workbook}" in validated.stdout
    assert runner.invoke(app, ["parameters", str(workbook)]).exit_code == 0


def test_reading_a_toml_recipe_does_not_import_openpyxl():
    from test_import import modules_after

    loaded = modules_after(f"from lca.recipe import read_recipe\nread_recipe({str(EXAMPLES[0])!r})")
    assert "openpyxl" not in loaded and "tomli_w" not in loaded


# -- workbooks that are not plain tables -------------------------------------------------------
def test_a_formula_is_read_by_the_result_excel_saved(tmp_path, base):
    amount = col("inputs", "amount")
    marked = _edit(base, lambda book: book["inputs"].__setitem__(f"{amount}3", "__MARK__"))
    data = replace_cell(marked, "__MARK__", '<c r="{ref}"><f>1+0.1</f><v>1.1</v></c>')
    path = tmp_path / "cached.xlsx"
    path.write_bytes(data)
    assert read_workbook_recipe(path).steps[0].inputs[1].amount == "1.1 equiv"


def test_hidden_sheets_and_the_help_sheet_are_not_read(tmp_path, base):
    def edit(book):
        scratch = book.create_sheet("scratch")
        scratch["A1"] = "anything at all"
        scratch.sheet_state = "hidden"

    path = tmp_path / "hidden.xlsx"
    path.write_bytes(_edit(base, edit))
    assert (
        read_recipe(path).model_dump_json()
        == read_recipe(ROOT / "processes" / "lidocaine-batch.toml").model_dump_json()
    )


def test_an_xlsm_workbook_is_read_without_its_macros(tmp_path, base):
    vba = b'Attribute VB_Name = "Module1"\nSub Auto_Open()\nShell "calc"\nEnd Sub\n'
    data = with_member(base, lambda name, content: content, extra=[("xl/vbaProject.bin", vba)])
    path = tmp_path / "macro.xlsm"
    path.write_bytes(data)
    assert read_recipe(path).route.name == "Lidocaine, batch (stick-built plant)"


def test_defusedxml_guards_the_worksheet_parser(base):
    import openpyxl.xml.functions as xml

    assert openpyxl.DEFUSEDXML is True
    assert xml.iterparse.__module__.startswith("defusedxml")
    from broken_xlsx import _billion_laughs

    # past the archive check, the parser itself refuses the entities
    with pytest.raises(RecipeError, match=r"(EntitiesForbidden|DTDForbidden)"):
        load_book(_billion_laughs(base), "laughs.xlsx")["route"]


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.xlsx"
    with path.open("wb") as handle:
        handle.truncate(50 * 2**20)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"error: {path}: the workbook is 50.0 MB; a recipe workbook is at most 10.0 MB (remove "
        "pictures and sheets that are not the recipe's)"
    )


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.name)
def test_bad_workbook_gives_one_line_naming_the_place(case, tmp_path, base):
    path = write_case(case, tmp_path, base)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: {path}: ")
    assert "Traceback" not in result.output
    position = 0
    for fragment in case.expect:
        found = lines[0].find(fragment, position)
        assert found >= 0, f"{fragment!r} not in {lines[0]!r}"
        position = found + len(fragment)
    with pytest.raises(RecipeError):  # the library raises the same, as its own error type
        recipe = read_recipe(path)
        build_inventory(recipe)
        recipe_distributions(recipe)


def test_errors_found_while_assessing_name_the_cell_too(tmp_path):
    recipe = read_recipe(ROOT / "processes" / "paracetamol-linear.toml")
    path = write_recipe(recipe, tmp_path / "paracetamol.xlsx")
    book = openpyxl.load_workbook(path)
    distance = col("transport", "distance unit")
    book["transport"][f"{distance}2"] = "kg"
    book.save(path)
    with pytest.raises(LcaError) as caught:  # checked with the site's other figures
        assess(path)
    assert str(caught.value).startswith(
        f"{path}: sheet 'transport' row 2 columns 'distance' and 'distance unit' "
        f"({col('transport', 'distance')}2, {distance}2): "
    )
    assert "is not a distance" in str(caught.value)


def test_there_are_at_least_eight_bad_workbooks():
    assert len(cases()) >= 8


def test_write_recipe_refuses_other_suffixes(tmp_path):
    with pytest.raises(OutputError, match=r"\.toml or \.xlsx"):
        write_recipe(read_recipe(EXAMPLES[0]), tmp_path / "x.json")


def test_an_xls_name_is_told_to_save_as_xlsx(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"")
    with pytest.raises(RecipeError, match=r"save this \.xls file as \.xlsx"):
        read_recipe(path)


def _edit(base: bytes, edit) -> bytes:
    from broken_xlsx import edited

    return edited(base, edit)
