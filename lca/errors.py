"""Error types. Every message says what is wrong, where (file, step, field) and how to fix it.

Each subclass also inherits the matching builtin, as pint's errors do, so callers that catch
``ValueError`` or ``KeyError`` keep working.
"""

from __future__ import annotations

from dataclasses import dataclass


class LcaError(Exception):
    """Base class of every error greenroute raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file: where it is and what is wrong."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class RecipeError(LcaError, ValueError):
    """A recipe is invalid. Carries every problem found, so a file is fixed in one pass."""

    def __init__(self, problems: list[Problem] | str, source: str | None = None):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        if source:
            problems = [
                Problem(f"{source}: {p.where}" if p.where else source, p.message) for p in problems
            ]
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnitError(LcaError, ValueError):
    """A quantity cannot be read or converted (unknown unit, wrong dimension, missing property)."""


class FactorError(LcaError, ValueError):
    """An emission-factor library is invalid or a lookup cannot be satisfied."""


class OutputError(LcaError, OSError):
    """An output cannot be written (for example it exists and ``--force`` was not given)."""


class BackendError(LcaError, ValueError):
    """A calculation backend is unknown, or cannot solve what it was given."""


class LimitError(LcaError, ValueError):
    """A request exceeds a stated size (memory, steps, bytes); the message gives the estimate."""


class PactError(LcaError, ValueError):
    """A footprint cannot be written as a PACT product footprint (a field the data owner must
    give is missing, or a value is outside what the specification allows)."""
