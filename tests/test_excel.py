"""The Excel report: live formulas, recalculation by LibreOffice, formula injection, no overwrite.

The recalculation tests convert the workbook with LibreOffice (headless), which computes every
formula and stores the results, and read them back with ``openpyxl`` (``data_only=True``). The
golden file holds the workbook's structure (sheet names, header rows, contribution rows) as JSON;
after a deliberate change regenerate it with ``GREENROUTE_UPDATE_GOLDEN=1 pytest
tests/test_excel.py`` and review the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import ROOT, require_tool
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter

from lca.comparison import compare
from lca.errors import OutputError
from lca.footprint import CATEGORIES
from lca.recipe import parse_recipe
from lca.reporting.excel import HEADER_ROW, SHEETS, load_style, write_workbook

FLAGSHIP = sorted(
    path
    for path in (ROOT / "processes").glob("lidocaine-*.toml")
    if path.stem != "lidocaine-solvent-recovery"
)
GOLDEN = ROOT / "tests" / "golden" / "excel-summary.json"
PAYLOAD = '=HYPERLINK("http://x","y")'
REL = 1e-9


# -- helpers ----------------------------------------------------------------------------------
def recalculate(out: Path, *paths: Path) -> dict[str, Path]:
    """Open each workbook in LibreOffice, which calculates every formula, and save a copy."""
    soffice = require_tool("soffice", "libreoffice")
    profile = out / "lo-profile"  # a private profile: runs as root, no home configuration
    command = [
        soffice, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
        "--convert-to", "xlsx", "--outdir", str(out / "recalculated"), *map(str, paths),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    converted = {path.name: out / "recalculated" / path.name for path in paths}
    assert all(path.is_file() for path in converted.values()), converted
    return converted


def columns(ws, row: int = HEADER_ROW) -> dict[str, int]:
    """Header text → column number."""
    return {cell.value: cell.column for cell in ws[row] if cell.value is not None}


def row_of(ws, column: int, value, start: int = 1) -> int:
    for row in range(start, ws.max_row + 1):
        if ws.cell(row=row, column=column).value == value:
            return row
    raise LookupError(f"{value!r} not in column {column} of {ws.title}")


def table_rows(ws) -> range:
    """Data rows of a sheet's first table: from its header to the first empty row."""
    last = HEADER_ROW
    while ws.cell(row=last + 1, column=1).value is not None:
        last += 1
    return range(HEADER_ROW + 1, last + 1)


def inventory_totals(ws) -> dict[tuple, float]:
    """The totals table under the terms: (route #, step # or None, category) → total."""
    top = row_of(ws, 1, "Route #", start=HEADER_ROW + 1)
    head = columns(ws, top)
    total = next(c for text, c in head.items() if text.startswith("Total"))
    result = {}
    for row in range(top + 1, ws.max_row + 1):
        key = tuple(
            ws.cell(row=row, column=head[h]).value for h in ("Route #", "Step #", "Category")
        )
        result[key] = ws.cell(row=row, column=total).value
    return result


def relative(a: float, b: float) -> float:
    return abs(a - b) / max(abs(b), 1e-300) if b else abs(a)


# -- fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def flagship():
    return compare(FLAGSHIP)


@pytest.fixture(scope="module")
def workbook(flagship, tmp_path_factory) -> Path:
    return write_workbook(flagship, tmp_path_factory.mktemp("excel") / "flagship.xlsx")


def reverse_rows(ws, rows: range) -> None:
    """Sort a block of rows the way Excel does: relative references move with their row."""
    cells = [[cell.value for cell in ws[r]] for r in rows]
    for new, old, values in zip(reversed(rows), rows, cells, strict=True):
        for col, value in enumerate(values, 1):
            if isinstance(value, str) and value.startswith("="):
                value = Translator(value, origin=f"A{old}").translate_formula(f"A{new}")
            ws.cell(row=new, column=col).value = value


@pytest.fixture(scope="module")
def edits(workbook, tmp_path_factory):
    """Copies of the workbook with one factor changed (on the Inventory, on the Provenance) and
    with the Inventory and Provenance tables sorted, all recalculated by LibreOffice.

    Returns the recalculated files and what the factor changes should do to the totals.
    """
    out = tmp_path_factory.mktemp("recalc")
    book = openpyxl.load_workbook(workbook)
    ws, provenance = book["Inventory"], book["Provenance"]
    head = columns(ws)
    rows = table_rows(ws)

    def cell(r, header):
        return ws.cell(row=r, column=head[header])

    electricity = [r for r in rows if cell(r, "Factor key").value == "energy:electricity"]
    one, number = electricity[0], cell(electricity[0], "Factor #").value
    factor_row = row_of(provenance, 1, number, start=HEADER_ROW + 1)
    value = provenance.cell(row=factor_row, column=columns(provenance)["Value [kg CO2e per unit]"])
    change = 0.125
    weight = {}  # route # → Σ amount × multiplier of the terms that use the factor
    for r in electricity:
        term = cell(r, "Amount [unit per kg product]").value * cell(r, "Multiplier").value
        weight[cell(r, "Route #").value] = weight.get(cell(r, "Route #").value, 0.0) + term
    expected = {
        "row": (
            cell(one, "Route #").value,
            cell(one, "Amount [unit per kg product]").value * cell(one, "Multiplier").value,
        ),
        "provenance": weight,
        "change": change,
    }
    cell(one, "Factor value [kg CO2e per factor unit]").value = value.value + change
    book.save(out / "edited-row.xlsx")
    book = openpyxl.load_workbook(workbook)
    book["Provenance"][value.coordinate].value = value.value + change
    book.save(out / "edited-factor.xlsx")
    book = openpyxl.load_workbook(workbook)
    reverse_rows(book["Inventory"], rows)
    reverse_rows(book["Provenance"], table_rows(book["Provenance"]))
    book.save(out / "sorted.xlsx")
    edited = [out / name for name in ("edited-row.xlsx", "edited-factor.xlsx", "sorted.xlsx")]
    return recalculate(out, workbook, *edited), expected


def injection_recipe():
    """A route whose user-written texts are formula payloads, in every place they can appear."""
    return parse_recipe(
        {
            "schema_version": 1,
            "route": {
                "name": PAYLOAD,
                "product": "api",
                "source": "@SUM(1+1) test route (ILLUSTRATIVE)",
                "region": "GB",
                "notes": "+cmd|' /C calc'!A0",
                "description": "-2+3",
            },
            "materials": {
                "water": {"name": PAYLOAD},
                "api": {"name": "\t=1+1", "formula": "C8H9NO2"},
            },
            "steps": [
                {
                    "id": "s",
                    "name": PAYLOAD,
                    "notes": "\r=2+2",
                    "inputs": [
                        {
                            "material": "methanol",
                            "amount": "2 kg",
                            "role": "reactant",
                            "limiting": True,
                            "notes": PAYLOAD,
                        },
                        {"material": "water", "amount": "5 kg", "role": "water"},
                    ],
                    "product": {"material": "api", "amount": "1 kg"},
                    "energy": [{"carrier": "electricity", "amount": "3 kWh", "notes": PAYLOAD}],
                }
            ],
        },
        source="injection.toml",
    )


# -- structure and formulas -------------------------------------------------------------------
def test_workbook_has_the_sheets_and_live_formulas(flagship, workbook):
    book = openpyxl.load_workbook(workbook)  # data_only=False: formulas as written
    assert book.sheetnames == list(SHEETS)
    ws = book["Inventory"]
    head = columns(ws)
    letter = {text: get_column_letter(c) for text, c in head.items()}
    amount, multiplier, factor, number = (
        letter[h]
        for h in (
            "Amount [unit per kg product]",
            "Multiplier",
            "Factor value [kg CO2e per factor unit]",
            "Factor #",
        )
    )
    rows = table_rows(ws)
    assert len(rows) == sum(len(a.footprint.model.terms) for a in flagship.assessments)
    for r in rows:
        cell = ws[f"{letter['Contribution [kg CO2e/kg product]']}{r}"]
        assert cell.data_type == "f"
        assert cell.value == f"={amount}{r}*{multiplier}{r}*{factor}{r}"
        link = ws[f"{factor}{r}"]
        if ws[f"{letter['Factor key']}{r}"].value == "computed":
            assert isinstance(link.value, float)
        else:
            assert link.data_type == "f"
            assert link.value.startswith("=INDEX(Provenance!$D$")
            assert f"MATCH({number}{r},Provenance!$A$" in link.value
    top = row_of(ws, 1, "Route #", start=rows[-1] + 1)
    totals = [ws.cell(row=r, column=6) for r in range(top + 1, ws.max_row + 1)]
    assert totals and all(c.data_type == "f" and c.value.startswith("=SUM") for c in totals)
    assert totals[0].value == f"=SUMIFS($Q${rows[0]}:$Q${rows[-1]},$A${rows[0]}:$A${rows[-1]},1)"
    summary = book["Summary"]
    footprint_row = row_of(summary, 2, "carbon_footprint")
    for c in range(4, 4 + len(flagship.labels)):
        assert summary.cell(row=footprint_row, column=c).value.startswith("=Inventory!$F$")
    for category in CATEGORIES:
        r = row_of(summary, 2, f"footprint:{category.replace(' ', '_')}")
        cell = summary.cell(row=r, column=4).value
        # a category the recipe does not model says so instead of showing 0
        assert cell.startswith("=Inventory!$F$") or (
            cell == "not assessed" and category == "transport"
        ), category
    contributions = book["Contributions"]
    assert contributions.cell(row=HEADER_ROW + 1, column=2).value.startswith("=SUMIFS(Inventory!")
    assert summary.freeze_panes == "D5" and ws.freeze_panes == "G5"
    assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
    assert summary.cell(row=HEADER_ROW, column=1).font.b
    assert len(book["Charts"]._charts) == 2


def test_summary_puts_routes_side_by_side_with_deltas_against_the_baseline(flagship, workbook):
    ws = openpyxl.load_workbook(workbook)["Summary"]
    head = columns(ws)
    assert [head[label] for label in flagship.labels] == [4, 5, 6]
    assert head["Unit"] == 3
    pmi = row_of(ws, 2, "pmi")
    assert ws.cell(row=pmi, column=4).value == pytest.approx(
        flagship.value(flagship.labels[0], "pmi")
    )
    assert ws.cell(row=pmi, column=head[f"Δ {flagship.labels[1]}"]).value == f"=E{pmi}-D{pmi}"
    assert f"Δ {flagship.labels[0]}" not in head  # no delta of the baseline with itself


# -- recalculation by LibreOffice -------------------------------------------------------------
def test_libreoffice_recalculation_reproduces_greenroute(flagship, edits):
    files, _ = edits
    book = openpyxl.load_workbook(files["flagship.xlsx"], data_only=True)
    totals = inventory_totals(book["Inventory"])
    worst = 0.0
    for number, assessment in enumerate(flagship.assessments, 1):
        footprint = assessment.footprint
        pairs = [(totals[number, None, "all"], footprint.total)]
        pairs += [(totals[number, None, c], v) for c, v in footprint.by_category().items()]
        pairs += [
            (totals[number, k, "all"], footprint.by_step()[step])
            for k, step in enumerate(assessment.inventory.step_ids, 1)
        ]
        for recalculated, own in pairs:
            assert recalculated == pytest.approx(own, rel=REL, abs=1e-12)
            worst = max(worst, relative(recalculated, own))
    print(f"largest relative difference, LibreOffice vs greenroute: {worst:.2e}")
    summary = book["Summary"]
    row = row_of(summary, 2, "carbon_footprint")
    contributions = book["Contributions"]
    steps = book["Steps"]
    pmi_total = row_of(steps, 1, "Total")
    for c, assessment in enumerate(flagship.assessments, 4):
        assert summary.cell(row=row, column=c).value == pytest.approx(
            assessment.footprint.total, rel=REL
        )
        by_category = assessment.footprint.by_category()
        for r, category in enumerate(CATEGORIES, HEADER_ROW + 1):
            assert contributions.cell(row=r, column=c - 2).value == pytest.approx(
                by_category[category], rel=REL, abs=1e-12
            )
        # raw materials by step add up to the route's PMI
        assert steps.cell(row=pmi_total, column=c - 2).value == pytest.approx(
            assessment.value("pmi"), rel=REL
        )


def test_changing_a_factor_moves_the_totals_by_amount_times_change(flagship, edits):
    files, expected = edits

    def totals(name):
        found = inventory_totals(openpyxl.load_workbook(files[name], data_only=True)["Inventory"])
        return {n: found[n, None, "all"] for n in range(1, len(flagship.labels) + 1)}

    before, by_row, by_factor, by_sorted = (
        totals(name)
        for name in ("flagship.xlsx", "edited-row.xlsx", "edited-factor.xlsx", "sorted.xlsx")
    )
    change = expected["change"]
    route, weight = expected["row"]
    assert all(expected["provenance"].get(n) for n in before)  # every route uses electricity
    for n in before:
        moved = by_row[n] - before[n]
        assert moved == pytest.approx(weight * change if n == route else 0.0, rel=REL, abs=1e-12)
        moved = by_factor[n] - before[n]
        assert moved == pytest.approx(expected["provenance"][n] * change, rel=REL)
        # sorting the tables moves no figure: formulas find rows by number, not by position
        assert by_sorted[n] == pytest.approx(before[n], rel=REL)


# -- safety -----------------------------------------------------------------------------------
def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    comparison = compare([injection_recipe()])
    path = write_workbook(comparison, tmp_path / "injection.xlsx")
    book = openpyxl.load_workbook(path)
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert "HYPERLINK" not in cell.value and "cmd" not in cell.value
                if cell.value == PAYLOAD:
                    assert cell.data_type == "s" and cell.quotePrefix
                    found.setdefault(ws.title, []).append(cell.coordinate)
                elif isinstance(cell.value, str) and cell.value.startswith(
                    ("+", "-", "@", "\t", "\r")
                ):
                    assert cell.data_type == "s" and cell.quotePrefix, cell.coordinate
    summary = book["Summary"]
    assert summary.cell(row=HEADER_ROW, column=4).value == PAYLOAD  # the route's name
    inventory = book["Inventory"]
    names = [inventory.cell(row=r, column=columns(inventory)["Material name"]).value
             for r in table_rows(inventory)]  # fmt: skip
    assert PAYLOAD in names  # the material's name
    steps = book["Steps"]
    assert steps.cell(row=HEADER_ROW + 1, column=columns(steps)["Step name"]).value == PAYLOAD
    assert {"Summary", "Inventory", "Steps", "Assumptions", "Coverage"} <= set(found)
    # a real spreadsheet program keeps it as text as well
    converted = recalculate(tmp_path, path)["injection.xlsx"]
    again = openpyxl.load_workbook(converted)["Summary"].cell(row=HEADER_ROW, column=4)
    assert again.value == PAYLOAD and again.data_type == "s"


def test_an_existing_file_is_kept_unless_forced(flagship, tmp_path):
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"the auditor's annotated copy")
    with pytest.raises(OutputError, match="already exists"):
        write_workbook(flagship, path)
    assert path.read_bytes() == b"the auditor's annotated copy"
    messages = []
    assert write_workbook(flagship, path, force=True, progress=messages.append) == path
    assert openpyxl.load_workbook(path).sheetnames == list(SHEETS)
    assert any("Inventory" in m for m in messages) and messages[-1].startswith("saving")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.xlsx"]  # no temporary left


def test_only_xlsx_file_names_are_accepted(flagship, tmp_path):
    with pytest.raises(OutputError, match=r"\.xlsx"):
        write_workbook(flagship, tmp_path / "report.xls")
    assert not (tmp_path / "report.xls").exists()


def test_importing_the_module_does_not_import_openpyxl():
    code = "import sys, lca.reporting.excel; print('openpyxl' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# -- style ------------------------------------------------------------------------------------
def test_a_copied_style_restyles_the_workbook(flagship, tmp_path):
    style = tmp_path / "house-style.toml"
    style.write_text(
        '[header]\nfill = "FF0000"\n[number_formats.units]\n"kg/kg" = "0.0"\n'
        "[column_widths]\nroute = 50\n",
        encoding="utf-8",
    )
    book = openpyxl.load_workbook(write_workbook(flagship, tmp_path / "styled.xlsx", style=style))
    summary = book["Summary"]
    assert summary.cell(row=HEADER_ROW, column=1).fill.fgColor.rgb.endswith("FF0000")
    assert summary.cell(row=row_of(summary, 2, "pmi"), column=4).number_format == "0.0"
    assert summary.column_dimensions["D"].width == 50
    # keys the copy leaves out keep the bundled values
    assert summary.cell(row=HEADER_ROW, column=1).font.b


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[header]\nfil = 'FF0000'\n", "unknown style key 'header.fil'"),
        ("[header]\nfill = 'red'\n", "not an RRGGBB colour"),
        ("[font]\nsize = 'big'\n", "'font.size' must be int"),
        ("[font\n", "cannot read the Excel style"),
    ],
)
def test_a_bad_style_is_refused_with_the_key(tmp_path, text, message):
    style = tmp_path / "style.toml"
    style.write_text(text, encoding="utf-8")
    with pytest.raises(OutputError, match=message):
        load_style(style)


def test_the_bundled_style_is_complete():
    style = load_style()
    assert {"font", "title", "header", "note", "number_formats", "column_widths", "charts"} <= set(
        style
    )
    assert style["number_formats"]["units"]["kg CO2e/kg"]


# -- golden -----------------------------------------------------------------------------------
def test_workbook_structure_matches_golden(tmp_path):
    comparison = compare([ROOT / "processes" / "paracetamol-linear.toml"])
    book = openpyxl.load_workbook(write_workbook(comparison, tmp_path / "one-route.xlsx"))

    def header(ws):
        values = [c.value for c in ws[HEADER_ROW]]
        while values and values[-1] is None:
            values.pop()
        return values

    contributions = book["Contributions"]
    routes = [c.value for c in contributions[HEADER_ROW][1:] if c.value is not None]
    inventory = book["Inventory"]
    head = columns(inventory)
    actual = {
        "sheets": book.sheetnames,
        "headers": {ws.title: header(ws) for ws in book.worksheets},
        "contributions": sorted(
            [route, contributions.cell(row=r, column=1).value]
            for r in range(HEADER_ROW + 1, HEADER_ROW + 1 + len(CATEGORIES))
            for route in routes
        ),
        "inventory": sorted(
            {
                tuple(
                    inventory.cell(row=r, column=head[h]).value
                    for h in ("Route", "Step", "Category", "Flow")
                )
                for r in table_rows(inventory)
            }
        ),
    }
    actual = json.loads(json.dumps(actual))  # tuples as lists, as in the file
    if os.environ.get("GREENROUTE_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert actual == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_assumptions_name_each_library_with_the_version_the_assessment_recorded(tmp_path):
    """A user's library is written with its own version and GWP basis (was: 'version not
    recorded in the assessment'), from the assessment, without reading any library again."""
    library = tmp_path / "ours"
    library.mkdir()
    (library / "library.toml").write_text(
        'name = "ours"\nversion = "7.1"\ngwp_basis = "AR6"\n'
        '[[sources]]\nid = "s"\ncitation = "a test source"\nlicence = "CC0"\n',
        encoding="utf-8",
    )
    (library / "factors.csv").write_text(
        "key,name,value,unit,region,year,scope,source,licence,data_quality,uncertainty,notes\n"
        "material:phenol,Phenol (test),2.5,kg CO2e / kg,GLO,2025,cradle-to-gate,[s] test,CC0,"
        "primary,,\n",
        encoding="utf-8",
    )
    comparison = compare([ROOT / "processes" / "paracetamol-linear.toml"], factors=[library])
    assert comparison.assessments[0].libraries[0].version == "7.1"
    book = openpyxl.load_workbook(write_workbook(comparison, tmp_path / "ours.xlsx"))
    ws = book["Assumptions"]
    values = [ws.cell(row=r, column=5).value for r in range(HEADER_ROW + 1, ws.max_row + 1)]
    libraries = [v for v in values if v and "GWP basis:" in v]
    assert "ours 7.1; GWP basis: AR6" in libraries
    assert any(v.startswith("greenroute-open ") for v in libraries)
    assert not any("not recorded" in v for v in values if v)
