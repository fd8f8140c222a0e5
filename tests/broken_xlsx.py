"""Bad recipe workbooks, generated at test time from a good one, each with the error it must give.

Each case writes one defective workbook and names the fragments its one-line error must hold,
in order. Column letters come from the layout, so the cases keep working when the schema grows.
Run as a script to write the files for a look in Excel::

    python tests/broken_xlsx.py /tmp/broken-xlsx
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_RECIPE = ROOT / "processes" / "lidocaine-batch.toml"


def base_bytes() -> bytes:
    """The bundled lidocaine batch route as a workbook."""
    from lca.recipe import read_recipe
    from lca.recipe_io.xlsx_write import recipe_workbook

    buffer = io.BytesIO()
    recipe_workbook(read_recipe(BASE_RECIPE)).save(buffer)
    return buffer.getvalue()


def col(sheet: str, header: str) -> str:
    """Column letter of ``header`` on ``sheet`` in the workbook the writer makes."""
    from openpyxl.utils import get_column_letter

    from lca.recipe_io.layout import recipe_layout

    headers = [c.header for c in recipe_layout().sheet(sheet).columns]
    return get_column_letter(headers.index(header) + 1)


def edited(base: bytes, edit: Callable) -> bytes:
    """``base`` opened with openpyxl, changed by ``edit(book)``, saved."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(base))
    edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_member(data: bytes, change: Callable[[str, bytes], bytes], extra=()) -> bytes:
    """The archive with each member's bytes passed through ``change(name, content)``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            target.writestr(info.filename, content, compress_type=zipfile.ZIP_DEFLATED)
        for name, content in extra:
            target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def replace_cell(data: bytes, marker: str, xml: str) -> bytes:
    """Replace the inline-string cell holding ``marker`` by the raw cell XML ``xml``."""
    pattern = re.compile(rf'<c r="([A-Z]+[0-9]+)"[^>]*><is><t>{marker}</t></is></c>'.encode())

    def change(name: str, content: bytes) -> bytes:
        if name.startswith("xl/worksheets/"):
            return pattern.sub(lambda m: xml.format(ref=m.group(1).decode()).encode(), content)
        return content

    return with_member(data, change)


def _set(sheet: str, ref: str, value):
    def edit(book):
        book[sheet][ref] = value

    return edit


def _corrupt_member(data: bytes) -> bytes:
    """Flip bytes in the middle of the compressed data of the largest member."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = max(archive.infolist(), key=lambda i: i.compress_size)
    raw = bytearray(data)
    name_length = int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_length = int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    for offset in range(start + info.compress_size // 3, start + info.compress_size // 3 + 16):
        raw[offset] ^= 0xFF
    return bytes(raw)


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (30 * 2**20))
    return buffer.getvalue()


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
    "</sheetData></worksheet>"
)


def _billion_laughs(data: bytes) -> bytes:
    return with_member(
        data, lambda name, content: LAUGHS.encode() if name.endswith("sheet1.xml") else content
    )


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[bytes], bytes]
    expect: tuple[str, ...]
    suffix: str = ".xlsx"


def cases() -> list[Case]:
    """The bad workbooks. Rows of the base: inputs row 2 is the limiting 2,6-dimethylaniline
    (50 kg), row 3 chloroacetyl chloride (1.1 equiv); steps row 2 is 'acylation'."""
    amount, unit, role = (
        col("inputs", "amount"),
        col("inputs", "amount unit"),
        col("inputs", "role"),
    )
    step = col("inputs", "step")
    return [
        Case("not-a-zip", lambda b: b"schema_version = 1\n", ("not an Excel workbook",)),
        Case("truncated", lambda b: b[: len(b) // 2], ("not an Excel workbook", "truncated")),
        Case("corrupt-member", _corrupt_member, ("the workbook archive is damaged",)),
        Case("zip-bomb", lambda b: _zip_bomb(), ("unpacks to 30.0 MB", "possible zip bomb")),
        Case("billion-laughs", _billion_laughs, ("sheet1.xml declares a DTD",)),
        Case(
            "old-xls",
            lambda b: bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504),
            ("Excel 97-2003 (.xls) or password-protected", "save it as an .xlsx"),
        ),
        Case(
            "missing-sheet",
            lambda b: edited(b, lambda book: book.remove(book["inputs"])),
            ("sheet 'inputs': missing",),
        ),
        Case(
            "hidden-inputs",
            lambda b: edited(b, lambda book: setattr(book["inputs"], "sheet_state", "hidden")),
            ("sheet 'inputs': missing", "a hidden sheet of that name is not read"),
        ),
        Case(
            "unknown-sheet",
            lambda b: edited(b, lambda book: book.create_sheet("notes")),
            ("sheet 'notes': not a sheet of a recipe workbook", "hide it"),
        ),
        Case(
            "misspelt-header",
            lambda b: edited(b, _set("inputs", f"{amount}1", "amout")),
            (f"sheet 'inputs' column {amount} ({amount}1)", "did you mean 'amount'?"),
        ),
        Case(
            "merged-cells",
            lambda b: edited(b, lambda book: book["inputs"].merge_cells(f"{step}2:{step}3")),
            (f"sheet 'inputs' cells {step}2:{step}3: merged cells", "unmerge them"),
        ),
        Case(
            "date-for-amount",
            lambda b: edited(b, _set("inputs", f"{amount}3", dt.datetime(2024, 3, 1))),
            (f"sheet 'inputs' row 3 column 'amount' ({amount}3): a date (2024-03-01)",),
        ),
        Case(
            "number-without-unit",
            lambda b: edited(b, _set("inputs", f"{unit}3", None)),
            (
                f"sheet 'inputs' row 3 columns 'amount' and 'amount unit' ({amount}3, {unit}3)",
                "1.1 has no unit",
            ),
        ),
        Case(
            "formula-without-result",
            lambda b: edited(b, _set("inputs", f"{amount}3", "=1+0.1")),
            (f"row 3 column 'amount' ({amount}3): a formula (=1+0.1) with no saved result",),
        ),
        Case(
            "excel-error-value",
            lambda b: edited(b, _set("inputs", f"{amount}3", "#DIV/0!")),
            (f"row 3 column 'amount' ({amount}3): the Excel error value #DIV/0!",),
        ),
        Case(
            "unknown-step",
            lambda b: edited(b, _set("inputs", f"{step}3", "acylaton")),
            (f"row 3 column 'step' ({step}3): no step 'acylaton'", "did you mean 'acylation'?"),
        ),
        Case(
            "misspelt-role",
            lambda b: edited(b, _set("inputs", f"{role}3", "solventt")),
            (f"sheet 'inputs' row 3 column 'role' ({role}3): input should be", "'solventt'"),
        ),
        Case(
            "relative-limiting-amount",
            lambda b: edited(b, _set("inputs", f"{unit}2", "equiv")),
            (
                f"sheet 'inputs' row 2 columns 'amount' and 'amount unit' ({amount}2, {unit}2)",
                "the limiting reagent's amount '50 equiv' is relative to itself",
            ),
        ),
        Case(
            "unknown-uncertain-parameter",
            lambda b: edited(
                b, _set("uncertainty", f"{col('uncertainty', 'parameter')}2", "acylation.yeld")
            ),
            ("sheet 'uncertainty' row 2", "'acylation.yeld' is not a parameter of this recipe"),
        ),
    ]


def write_case(case: Case, folder: Path, base: bytes) -> Path:
    path = folder / f"{case.name}{case.suffix}"
    path.write_bytes(case.make(base))
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    good = base_bytes()
    for item in cases():
        print(write_case(item, target, good))
