"""Opening an untrusted workbook safely: size, zip and XML checks before openpyxl parses it.

A ``.xlsx`` file is a zip archive of XML parts. Before openpyxl sees it, the archive is checked:
the file size, the number of members, their declared uncompressed size (the zip-bomb guard:
Python's :mod:`zipfile` never inflates a member past its declared size, it fails the CRC
instead), every member's CRC, and the absence of DTDs in the XML parts (a legitimate part never
has one; a DTD is how entity-expansion "billion laughs" attacks work). openpyxl then parses the
worksheets with defusedxml (a dependency: openpyxl uses it when it is installed), never runs
macros (``keep_vba=False`` drops them) and never follows external links.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from pathlib import Path

from lca.errors import RecipeError
from lca.files import read_bytes

MAX_FILE_BYTES = 10 * 2**20
MAX_UNCOMPRESSED_BYTES = 25 * 2**20
MAX_MEMBERS = 1000
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY|<\x00!\x00D\x00O\x00C\x00T\x00Y\x00P\x00E\x00")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def read_workbook_bytes(path: Path) -> bytes:
    """The bytes of a workbook file, after checking that it is a sound, reasonably small zip.

    Raises
    ------
    RecipeError
        One line naming the file and what is wrong with it.
    """
    data = read_bytes(
        path,
        "a workbook",
        RecipeError,
        MAX_FILE_BYTES,
        lambda size: (
            f"the workbook is {_mb(size)}; a recipe workbook is at most "
            f"{_mb(MAX_FILE_BYTES)} (remove pictures and sheets that are not the recipe's)"
        ),
    )
    if data.startswith(OLE_MAGIC):
        raise RecipeError(
            f"{path}: an Excel 97-2003 (.xls) or password-protected workbook; save it as an "
            ".xlsx workbook without a password"
        )
    check_archive(data, str(path))
    return data


def check_archive(data: bytes, source: str) -> None:
    """Check the zip container of a workbook: members, sizes, CRCs and XML without DTDs."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise RecipeError(
            f"{source}: not an Excel workbook (an .xlsx file is a zip archive and this file is "
            "not one, or is truncated); save it from Excel as .xlsx"
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise RecipeError(
                f"{source}: the workbook archive has {len(members)} parts; a recipe workbook "
                f"has far fewer than {MAX_MEMBERS}"
            )
        declared = sum(m.file_size for m in members)
        if declared > MAX_UNCOMPRESSED_BYTES:
            raise RecipeError(
                f"{source}: the workbook unpacks to {_mb(declared)}; a recipe workbook unpacks "
                f"to at most {_mb(MAX_UNCOMPRESSED_BYTES)} (refused as a possible zip bomb)"
            )
        for member in members:
            try:
                with archive.open(member) as handle:
                    content = handle.read(MAX_UNCOMPRESSED_BYTES + 1)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError) as exc:
                raise RecipeError(
                    f"{source}: the workbook archive is damaged ({member.filename}: {exc}); "
                    "save it again from Excel"
                ) from None
            except RuntimeError as exc:  # zipfile: an encrypted member
                raise RecipeError(f"{source}: cannot read {member.filename} ({exc})") from None
            if member.filename.lower().endswith(_XML_SUFFIXES) and _DTD.search(content):
                raise RecipeError(
                    f"{source}: {member.filename} declares a DTD or XML entities, which no Excel "
                    "part has (refused: entity expansion can exhaust memory)"
                )


def load_book(data: bytes, source: str, *, data_only: bool = False):
    """An openpyxl workbook from checked bytes; formulas as written, or their cached values.

    Raises
    ------
    RecipeError
        If openpyxl cannot parse the workbook.
    """
    import openpyxl

    try:
        with warnings.catch_warnings():
            # openpyxl warns about extensions it drops (conditional formats, slicers...)
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(
                io.BytesIO(data), data_only=data_only, keep_vba=False, keep_links=False
            )
    except Exception as exc:  # any parser failure of an untrusted file is one line
        cause: BaseException = exc
        while (cause.__cause__ or cause.__context__) is not None:  # openpyxl re-raises: the cause
            cause = cause.__cause__ or cause.__context__ or cause
        detail = (str(cause).splitlines() or [""])[0]
        raise RecipeError(
            f"{source}: not a readable Excel workbook ({type(cause).__name__}: {detail}); "
            "save it again from Excel as .xlsx"
        ) from None
