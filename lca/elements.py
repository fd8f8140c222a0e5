"""Standard atomic weights and molecular-formula arithmetic.

Values are the IUPAC abridged standard atomic weights (conventional values for elements with an
interval), from Prohaska et al., "Standard atomic weights of the elements 2021 (IUPAC Technical
Report)", Pure Appl. Chem. 94 (2022) 573-600, doi:10.1515/pac-2019-0603, as tabulated by the
IUPAC Commission on Isotopic Abundances and Atomic Weights (ciaaw.org).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

ATOMIC_WEIGHTS: dict[str, float] = {
    "H": 1.008, "He": 4.0026, "Li": 6.94, "Be": 9.0122, "B": 10.81, "C": 12.011, "N": 14.007,
    "O": 15.999, "F": 18.998, "Ne": 20.180, "Na": 22.990, "Mg": 24.305, "Al": 26.982,
    "Si": 28.085, "P": 30.974, "S": 32.06, "Cl": 35.45, "Ar": 39.95, "K": 39.098, "Ca": 40.078,
    "Ti": 47.867, "V": 50.942, "Cr": 51.996, "Mn": 54.938, "Fe": 55.845, "Co": 58.933,
    "Ni": 58.693, "Cu": 63.546, "Zn": 65.38, "Ga": 69.723, "Ge": 72.630, "As": 74.922,
    "Se": 78.971, "Br": 79.904, "Rb": 85.468, "Sr": 87.62, "Zr": 91.224, "Mo": 95.95,
    "Ru": 101.07, "Rh": 102.91, "Pd": 106.42, "Ag": 107.87, "Cd": 112.41, "In": 114.82,
    "Sn": 118.71, "Sb": 121.76, "Te": 127.60, "I": 126.90, "Cs": 132.91, "Ba": 137.33,
    "Ce": 140.12, "W": 183.84, "Os": 190.23, "Ir": 192.22, "Pt": 195.08, "Au": 196.97,
    "Hg": 200.59, "Pb": 207.2, "Bi": 208.98,
}  # fmt: skip


class FormulaError(ValueError):
    """A molecular formula cannot be parsed."""


def parse_formula(formula: str) -> Counter[str]:
    """Count the atoms of each element in a formula such as ``C4H8O2``, ``Ca(OH)2``, ``CuSO4·5H2O``.

    Raises
    ------
    FormulaError
        On unknown elements, unbalanced parentheses or stray characters.
    """
    text = formula.replace(" ", "")
    if not text:
        raise FormulaError("empty formula")
    parts = re.split(r"[·.*]", text)
    total: Counter[str] = Counter()
    for part in parts:
        digits = len(part) - len(part.lstrip("0123456789"))  # a hydrate's leading count
        multiplier = int(part[:digits]) if digits else 1
        for element, count in _parse_group(part[digits:], formula).items():
            total[element] += count * multiplier
    return total


def _parse_group(text: str, formula: str) -> Counter[str]:
    stack: list[Counter[str]] = [Counter()]
    position = 0
    for token in re.finditer(r"([A-Z][a-z]?)(\d*)|(\()|(\))(\d*)", text):
        if token.start() != position:
            raise FormulaError(f"cannot read '{text[position : token.start()]}' in '{formula}'")
        position = token.end()
        element, count, opening, closing, group_count = token.groups()
        if element:
            if element not in ATOMIC_WEIGHTS:
                raise FormulaError(f"unknown element '{element}' in '{formula}'")
            stack[-1][element] += int(count) if count else 1
        elif opening:
            stack.append(Counter())
        elif closing:
            if len(stack) == 1:
                raise FormulaError(f"unbalanced ')' in '{formula}'")
            group = stack.pop()
            factor = int(group_count) if group_count else 1
            for key, value in group.items():
                stack[-1][key] += value * factor
    if position != len(text):
        raise FormulaError(f"cannot read '{text[position:]}' in '{formula}'")
    if len(stack) != 1:
        raise FormulaError(f"unbalanced '(' in '{formula}'")
    if not stack[0]:
        raise FormulaError(f"no elements in '{formula}'")
    return stack[0]


@lru_cache(maxsize=4096)  # a route names the same few formulas on every step
def molar_mass(formula: str) -> float:
    """Molar mass [g/mol] of a formula from IUPAC standard atomic weights."""
    return sum(ATOMIC_WEIGHTS[element] * count for element, count in parse_formula(formula).items())


@lru_cache(maxsize=4096)
def carbon_atoms(formula: str) -> int:
    """Number of carbon atoms in one formula unit."""
    return parse_formula(formula).get("C", 0)


def carbon_mass_fraction(formula: str) -> float:
    """Mass fraction of carbon [kg C / kg] in a compound of this formula."""
    return carbon_atoms(formula) * ATOMIC_WEIGHTS["C"] / molar_mass(formula)
