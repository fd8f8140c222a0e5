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
    # a charge of the baseline's final step, raised by 100 kg per campaign
    book = openpyxl.load_workbook(workbook)
    balance = book["Mass balance"]
    head = columns(balance)
    final = [r for r in table_rows(balance) if balance.cell(row=r, column=1).value == 1
             and balance.cell(row=r, column=head["Step"]).value == "amination"
             and balance.cell(row=r, column=head["Material"]).value == "toluene"]  # fmt: skip
    charge = balance.cell(row=final[0], column=head["Charge [kg per campaign]"])
    steps = row_of(balance, 1, "Route #", start=final[0] + 1)
    product = next(
        balance.cell(row=r, column=5).value
        for r in range(steps + 1, steps + 10)
        if balance.cell(row=r, column=1).value == 1 and balance.cell(row=r, column=4).value
        == "amination"
    )  # fmt: skip
    expected["charge"] = (charge.value, product)
    charge.value = charge.value + 100.0
    book.save(out / "edited-charge.xlsx")
    edited = [
        out / name
        for name in ("edited-row.xlsx", "edited-factor.xlsx", "sorted.xlsx", "edited-charge.xlsx")
    ]
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
    summary = book["Figures"]
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
    contributions = book["Charts"]
    assert contributions.cell(row=HEADER_ROW + 1, column=2).value.startswith("=SUMIFS(Inventory!")
    assert summary.freeze_panes == "D5" and ws.freeze_panes == "G5"
    assert ws.auto_filter.ref.startswith(f"A{HEADER_ROW}:")
    assert summary.cell(row=HEADER_ROW, column=1).font.b
    assert len(book["Charts"]._charts) == 2


def test_figures_put_routes_side_by_side_with_deltas_against_the_baseline(flagship, workbook):
    ws = openpyxl.load_workbook(workbook)["Figures"]
    head = columns(ws)
    assert [head[label] for label in flagship.labels] == [4, 5, 6]
    assert head["Unit"] == 3
    pmi = row_of(ws, 2, "pmi")
    assert ws.cell(row=pmi, column=4).value.startswith("='Mass balance'!$C$")  # live
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
    summary = book["Figures"]
    row = row_of(summary, 2, "carbon_footprint")
    contributions = book["Charts"]
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


def mass_balance(book) -> tuple[dict, dict]:
    """(route # → PMI, (route #, step) → waste) as the Mass balance sheet computes them."""
    ws = book["Mass balance"]
    steps = row_of(ws, 1, "Route #", start=HEADER_ROW + 1)
    head = columns(ws, steps)
    waste = {}
    r = steps + 1
    while ws.cell(row=r, column=1).value is not None:
        key = (ws.cell(row=r, column=1).value, ws.cell(row=r, column=4).value)
        waste[key] = ws.cell(row=r, column=head["Waste [kg/kg]"]).value
        r += 1
    routes = row_of(ws, 1, "Route #", start=r)
    pmi = {}
    r = routes + 1
    while ws.cell(row=r, column=1).value is not None:
        pmi[ws.cell(row=r, column=1).value] = ws.cell(row=r, column=3).value
        r += 1
    return pmi, waste


def test_the_mass_balance_reproduces_the_pmi_and_step_waste(flagship, edits):
    files, _ = edits
    pmi, waste = mass_balance(openpyxl.load_workbook(files["flagship.xlsx"], data_only=True))
    for number, assessment in enumerate(flagship.assessments, 1):
        assert pmi[number] == pytest.approx(assessment.value("pmi"), rel=REL)
        for step in assessment.inventory.step_ids:
            assert waste[number, step] == pytest.approx(
                assessment.value("waste", step), rel=REL, abs=1e-12
            )


def test_editing_a_charge_moves_the_pmi(flagship, edits):
    """100 kg more toluene per campaign in the baseline's final step (amination, whose scale is
    1 kg per kg of final product) adds 100 / P kg/kg to the PMI, P the step's kg of product per
    campaign; the other routes do not move."""
    files, expected = edits
    _, product = expected["charge"]
    before, _ = mass_balance(openpyxl.load_workbook(files["flagship.xlsx"], data_only=True))
    book = openpyxl.load_workbook(files["edited-charge.xlsx"], data_only=True)
    after, _ = mass_balance(book)
    assert after[1] - before[1] == pytest.approx(100.0 / product, rel=REL)
    assert after[2] == pytest.approx(before[2], rel=REL)
    assert after[3] == pytest.approx(before[3], rel=REL)
    # the Summary's headline PMI and the Figures sheet follow
    summary = book["Summary"]
    r = row_of(summary, 1, flagship.labels[0], start=HEADER_ROW)
    assert summary.cell(row=r, column=2).value == pytest.approx(after[1], rel=REL)
    figures = book["Figures"]
    assert figures.cell(row=row_of(figures, 2, "pmi"), column=4).value == pytest.approx(
        after[1], rel=REL
    )


def pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) of each page of a PDF LibreOffice wrote (its page objects are plain)."""
    import re

    data = pdf.read_bytes()
    pages = []
    for match in re.finditer(rb"/Type\s*/Page\b(?!s)", data):
        start = data.rfind(b"obj", 0, match.start())
        end = data.find(b"endobj", match.end())
        box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)",
                        data[start:end])  # fmt: skip
        x0, y0, x1, y1 = (float(v) for v in box.groups())
        pages.append((x1 - x0, y1 - y0))
    return pages


def test_libreoffice_prints_the_three_lidocaine_routes_on_ten_landscape_pages(workbook, tmp_path):
    soffice = require_tool("soffice", "libreoffice")
    command = [
        soffice, "--headless", "--norestore",
        f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
        "--convert-to", "pdf", "--outdir", str(tmp_path), str(workbook),
    ]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    pages = pdf_pages(tmp_path / "flagship.pdf")
    print(f"{len(pages)} pages")
    assert 1 <= len(pages) <= 10
    assert all(width > height for width, height in pages)  # landscape


def test_every_sheet_prints_landscape_to_the_page_width(workbook):
    book = openpyxl.load_workbook(workbook)
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert book["Inventory"].print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert book["Summary"].page_setup.fitToHeight == 1  # one page


def test_numbers_show_three_significant_figures_and_keep_full_precision(flagship, workbook):
    book = openpyxl.load_workbook(workbook)
    figures = book["Figures"]
    pmi = figures.cell(row=row_of(figures, 2, "pmi"), column=4)
    assert pmi.number_format == "#,##0.0"  # 53.4
    inventory = book["Inventory"]
    head = columns(inventory)
    for r in table_rows(inventory):
        cell = inventory.cell(row=r, column=head["Amount [unit per kg product]"])
        places = len(cell.number_format.partition(".")[2])
        # 3 significant figures: 0.0123 has 4 decimals, 12.3 one, 123 none
        from lca.reporting.labels import decimals

        assert places == decimals(cell.value), (cell.value, cell.number_format)
        assert not isinstance(cell.value, str)  # a number, unrounded


def test_figures_a_mode_does_not_make_are_zero_so_deltas_show(flagship, workbook):
    ws = openpyxl.load_workbook(workbook)["Figures"]
    head = columns(ws)
    partial = [
        m for m, _ in flagship.route_metrics()
        if m.startswith(("pmi_from:", "energy_from:", "energy:", "coverage_mass:"))
        and any(_route_has_not(a, m) for a in flagship.assessments)
    ]  # fmt: skip
    assert partial
    for metric in partial:
        r = row_of(ws, 2, metric)
        for label, assessment in zip(flagship.labels, flagship.assessments, strict=True):
            if _route_has_not(assessment, metric):
                assert ws.cell(row=r, column=head[label]).value == 0, (metric, label)
        for label in flagship.labels[1:]:
            assert str(ws.cell(row=r, column=head[f"Δ {label}"]).value).startswith("=")


def _route_has_not(assessment, metric) -> bool:
    return not any(m.metric == metric and m.scope == "route" for m in assessment.metrics)


def test_charts_have_the_html_colours_formatted_axes_and_legends_below(workbook):
    from lca.reporting.charts import CATEGORY_COLOURS, ROLE_COLOURS

    charts = openpyxl.load_workbook(workbook)["Charts"]._charts
    # openpyxl reads charts back without their data; check the written XML instead
    assert len(charts) == 2
    import zipfile

    with zipfile.ZipFile(workbook) as archive:
        xml = "".join(
            archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/")
        )
    for colour in (*CATEGORY_COLOURS.values(), ROLE_COLOURS["solvents"], ROLE_COLOURS["water"]):
        if colour != CATEGORY_COLOURS["transport"]:  # no route has transport: still a series
            assert colour.lstrip("#").upper() in xml.upper(), colour
    assert 'formatCode="#,##0.##" sourceLinked="0"' in xml
    assert xml.count('<legendPos val="b"/>') == 2


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
    summary = book["Figures"]
    assert summary.cell(row=HEADER_ROW, column=4).value == PAYLOAD  # the route's name
    inventory = book["Inventory"]
    names = [inventory.cell(row=r, column=columns(inventory)["Material name"]).value
             for r in table_rows(inventory)]  # fmt: skip
    assert PAYLOAD in names  # the material's name
    steps = book["Steps"]
    assert steps.cell(row=HEADER_ROW + 1, column=columns(steps)["Step name"]).value == PAYLOAD
    assert {"Summary", "Figures", "Inventory", "Steps", "Assumptions", "Coverage"} <= set(found)
    # a real spreadsheet program keeps it as text as well
    converted = recalculate(tmp_path, path)["injection.xlsx"]
    again = openpyxl.load_workbook(converted)["Figures"].cell(row=HEADER_ROW, column=4)
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
    summary = book["Figures"]
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

    contributions = book["Charts"]
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
