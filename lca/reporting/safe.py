"""Text that leaves greenroute: safe for terminals, spreadsheets, Markdown and JSON readers.

Route, step and material names, notes, sources and file names are the user's text (or text from
a factor file someone sent them). Before it reaches an output:

- **terminal and every text output**: control characters are shown, never obeyed: an ESC that
  would set the window title, print a hyperlink or clear the screen, a carriage return that would
  overwrite the line, the C1 controls (0x80-0x9f, ``\\x9b`` is CSI on some terminals) and the
  Unicode bidirectional overrides ("Trojan Source", CVE-2021-42574) become visible ``\\x1b``-style
  escapes. Line feeds and tabs stay;
- **CSV**: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is a
  formula to Excel, LibreOffice and Google Sheets; it gets a leading ``'`` as OWASP advises
  ("CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection), as the Excel writer
  marks such cells as text with a quote prefix (:mod:`lca.reporting.excel`). Numbers are untouched;
- **Markdown**: table separators and markup characters are backslash-escaped, ``<``/``>`` become
  entities, so a name cannot add columns, links or HTML;
- **JSON**: always valid JSON (RFC 8259 has no NaN or Infinity): a non-finite number becomes
  ``null`` and the document lists where in ``non_finite``; C1 and bidirectional controls are
  written as ``\\uXXXX`` escapes (the same string to a JSON reader, inert on a terminal).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# A typed entry starting with one of these is read as a formula by Excel, LibreOffice or Google
# Sheets (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# C0 controls but tab and line feed, DEL, C1 controls, bidirectional embeddings, overrides and
# isolates, and the line/paragraph separators that some terminals and editors break lines at
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_MARKDOWN = re.compile(r"([\\`*_\[\]|#])")


def _visible(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: Any) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\u202e``)."""
    return _CONTROL.sub(_visible, str(text))


def csv_cell(value: Any) -> Any:
    """A CSV cell: text made printable and kept from being read as a formula; others as given."""
    if not isinstance(value, str):
        return value
    text = printable(value)
    return "'" + text if value.startswith(FORMULA_PREFIXES) else text


def csv_frame(frame):
    """A copy of a DataFrame with every text cell and column name through :func:`csv_cell`."""
    from pandas.api.types import is_numeric_dtype

    safe = frame.copy()
    for column in safe.columns:
        if not is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(csv_cell).astype(object)
    safe.columns = [csv_cell(str(c)) for c in safe.columns]
    return safe


def markdown_cell(text: Any) -> str:
    """Text for a Markdown table cell: printable, with markup and separators escaped."""
    escaped = _MARKDOWN.sub(r"\\\1", printable(text))
    return escaped.replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _finite(value: Any, path: str, found: list[str]) -> Any:
    """``value`` with non-finite floats replaced by ``None`` (their paths added to ``found``)."""
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        found.append(path)
        return None
    if isinstance(value, dict):
        return {k: _finite(v, f"{path}.{k}" if path else str(k), found) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v, f"{path}[{i}]", found) for i, v in enumerate(value)]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _finite(value.item(), path, found)
    return value


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def to_json(document: dict, indent: int | None = 2) -> str:
    """``document`` as valid JSON text, safe to print to a terminal.

    Non-finite numbers become ``null`` and their paths are listed in ``non_finite`` (which is
    only present when there are some).
    """
    found: list[str] = []
    clean = _finite(document, "", found)
    if found:
        clean["non_finite"] = {
            "note": "these numbers were not finite (NaN or infinite) and are written as null",
            "paths": found,
        }
    text = json.dumps(clean, indent=indent, ensure_ascii=False, allow_nan=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
