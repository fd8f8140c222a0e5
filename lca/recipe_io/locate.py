"""From field paths to cells: where in a workbook each recipe field was read.

Messages about a recipe name a field path, ``steps[1] (amidation).inputs[0] (edc-hcl).amount``
(pydantic's schema errors through :func:`lca.recipe._problems`, unit and graph errors from
:mod:`lca.inventory`). For a recipe read from a workbook, a :class:`Locator` turns such a path
into ``sheet 'inputs' row 7 column 'amount' (C7)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lca.errors import Problem

_LABEL = re.compile(r"(\[\d+\]) \([^()]*\)")


def canonical(where: str) -> str:
    """A field path as messages write it, without their labels: ``steps[1].inputs[0].amount``
    (the text form of :attr:`lca.fieldpath.FieldPath.canonical`)."""
    return _LABEL.sub(r"\1", where.strip())


def _prefixes(path: str):
    """``path`` and its shorter prefixes at ``.`` and ``[`` boundaries, longest first."""
    yield path
    for end in range(len(path) - 1, 0, -1):
        if path[end] in ".[":
            yield path[:end]
    yield ""


@dataclass
class Place:
    """One item of the recipe (a table row, or the route sheet for the root) and its cells."""

    sheet: str
    row: int | None
    cells: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    children: dict[str, str] = field(default_factory=dict)
    known: frozenset[str] = frozenset()

    @staticmethod
    def _named(rest: str, tables) -> str | None:
        """The text of the first table (``(mapping, text)`` pairs) that names ``rest``."""
        for table, text in tables:
            if rest in table:
                return text(table[rest])
        return None

    def describe(self, rest: str) -> str | None:
        if self.row is None:
            return self._describe_root(rest)
        where = f"sheet '{self.sheet}' row {self.row}"
        named = self._named(
            rest,
            (
                (self.cells, lambda cell: f"{where} {cell}"),
                (self.columns, lambda column: f"{where} column '{rest}' ({column}{self.row})"),
                (self.children, lambda sheet: f"{where} ({rest}: rows on sheet '{sheet}')"),
            ),
        )
        if named:
            return named
        for path in sorted({*self.cells, *self.columns}, key=len, reverse=True):
            if path and rest.startswith((path + ".", path + "[")):
                return self.describe(path)
        if rest == "":
            return where
        if rest in self.known:
            return f"{where} column '{rest}' (not in the header row)"
        return f"{where} ({rest})"

    def _describe_root(self, rest: str) -> str | None:
        named = self._named(
            rest,
            (
                (self.cells, lambda cell: f"sheet '{self.sheet}' {cell}"),
                (self.children, lambda sheet: f"sheet '{sheet}'"),
            ),
        )
        if named:
            return named
        if rest in self.known:
            return f"sheet '{self.sheet}' field '{rest}' (no row of the sheet gives it)"
        first = re.split(r"[.\[]", rest, maxsplit=1)[0]
        if first in self.children:
            return f"sheet '{self.children[first]}'"
        if any(path.split(".")[0] == first for path in {*self.known, *self.children}):
            return f"sheet '{self.sheet}' ({rest})"
        return None


@dataclass
class Locator:
    """The places of a workbook recipe's items, by canonical field path (``""``: the root)."""

    places: dict[str, Place] = field(default_factory=dict)

    def locate(self, where: str) -> str | None:
        """Sheet, row and column of a field path, or None if the path is not the recipe's."""
        path = canonical(where)
        if not path or not re.match(r"^[A-Za-z_]", path):
            return None
        for prefix in _prefixes(path):
            place = self.places.get(prefix)
            if place is not None:
                return place.describe(path[len(prefix) :].lstrip("."))
        return None

    def problem(self, problem: Problem) -> Problem:
        """``problem`` with its field path replaced by the cell it was read from."""
        if problem.where:
            located = self.locate(problem.where)
            return Problem(located, problem.message) if located else problem
        head, separator, rest = problem.message.partition(": ")
        if separator and " " not in canonical(head):
            located = self.locate(head)
            if located:
                return Problem(located, rest)
        return problem
