"""The Provenance and Inventory sheets: every factor once, and every footprint term as a row with
a live formula ``amount × multiplier × factor``, with totals by route, category and step."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from lca.footprint import CATEGORIES
from lca.reporting.excel.cells import (
    AMOUNT,
    FACTOR,
    FACTOR_NO,
    FIRST_ROW,
    HEADER_ROW,
    MULTIPLIER,
    PER_KG,
    Column,
    Formula,
    Route,
    Rows,
    Writer,
)
from lca.reporting.labels import unit_label
from lca.resources import data_dir

if TYPE_CHECKING:
    from lca.factors import Factor
    from lca.footprint import Term


# -- provenance and inventory ---------------------------------------------------------------------
def _factor_id(factor: Factor) -> tuple:
    return (factor.key, factor.region, factor.per_unit, factor.value, factor.library)


@dataclass(frozen=True)
class Factors:
    """The Provenance table: each factor's number, and the lookup of a number's value."""

    numbers: dict[tuple, int]
    first: int
    last: int

    def value(self, number_cell: str) -> Formula:
        """The value of the factor whose number is in ``number_cell`` (sort-proof lookup)."""
        values = f"Provenance!$D${self.first}:$D${self.last}"
        numbers = f"Provenance!$A${self.first}:$A${self.last}"
        return Formula(f"=INDEX({values},MATCH({number_cell},{numbers},0))")


def provenance_sheet(ws, w: Writer, routes: list[Route]) -> Factors:
    """One row per library factor used, numbered 1, 2, ... in the first column."""
    used: dict[tuple, dict] = {}
    for route in routes:
        footprint = route.assessment.footprint
        for term in footprint.model.terms if footprint else ():
            if term.factor is None:
                continue
            entry = used.setdefault(
                _factor_id(term.factor), {"factor": term.factor, "routes": {}, "fallbacks": {}}
            )
            entry["routes"][route.label] = entry["routes"].get(route.label, 0) + 1
            if term.factor.fallback:
                entry["fallbacks"][term.factor.fallback] = None
    w.heading(
        ws,
        "Emission factors used",
        "Change a value here and every Inventory term that uses it, and every total, follows.",
        "Coefficients computed from formulas (fossil CO2 of waste) are on the Inventory sheet, "
        "with factor key 'computed' and their basis.",
    )
    columns = [
        Column("Factor #", "index"), Column("Factor key", "name"), Column("Region", "index"),
        Column("Value [kg CO2e per unit]", "number", "factor"), Column("Unit", "name"),
        Column("Name", "flow"), Column("Source", "text"), Column("Licence", "name"),
        Column("Data quality", "flow"), Column("Library", "name"), Column("File and row", "flow"),
        Column("Fallback", "text"), Column("Used by (terms)", "route"),
    ]  # fmt: skip
    entries = sorted(used.items(), key=lambda item: item[0][:2])
    rows = []
    for number, (_, entry) in enumerate(entries, 1):
        f = entry["factor"]
        rows.append([
            number, f.key, f.region, f.value, unit_label(f"kg CO2e/{f.per_unit}"),
            " + ".join(dict.fromkeys(r.name for r in f.rows)), f.source, f.licence,
            f.data_quality, f.library, "; ".join(_where(r.where) for r in f.rows),
            "; ".join(entry["fallbacks"]),
            "; ".join(f"{label} ({count})" for label, count in entry["routes"].items()),
        ])  # fmt: skip
    first, last = w.table(ws, HEADER_ROW, columns, rows)
    w.print_setup(ws)
    numbers = {key: number for number, (key, _) in enumerate(entries, 1)}
    return Factors(numbers, first, max(first, last))


def _where(where: str) -> str:
    """A bundled file's row relative to the installation (no local paths in a shared file)."""
    root = str(data_dir("factors").parent) + os.sep
    return where[len(root) :] if where.startswith(root) else where


INVENTORY_COLUMNS = [
    Column("Route #", "index"), Column("Route", "route"), Column("Step #", "index"),
    Column("Step", "name"), Column("Category", "name"), Column("Flow", "flow"),
    Column("Material name", "flow"), Column("Origin", "name"),
    Column("Amount [unit per kg product]", "number", "amount"), Column("Unit", "index"),
    Column("Factor #", "index"), Column("Factor key", "name"), Column("Factor region", "index"),
    Column("Factor value [kg CO2e per factor unit]", "number", "factor"),
    Column("Factor unit", "name"), Column("Multiplier", "number", "multiplier"),
    Column(f"Contribution [{PER_KG}]", "number", "contribution"), Column("Basis", "text"),
    Column("Data quality", "flow"), Column("Fallback", "text"), Column("Note", "text"),
]  # fmt: skip


def _factor_and_multiplier(term: Term) -> tuple[float, float, str]:
    """(factor value, multiplier, note) with ``amount × multiplier × factor`` = the contribution.

    A library factor keeps its own unit; the multiplier is the conversion the model made
    (density, steam heat, molar mass, price) times the product's share of a step with co-products,
    with the sign of a credit. A computed term (no
    factor) shows its kg CO2 per kg C and the carbon fraction as the multiplier.
    """
    multiplier = term.sign * np.mean(term.conversion) * np.mean(term.allocation)
    return term.value, float(multiplier), ""


def _term_rows(route: Route, factors: Factors, top: int) -> list[list]:
    """Inventory rows of one route from row ``top``: by step, category, then the model's order."""
    footprint = route.assessment.footprint
    if footprint is None:
        return []
    inventory, terms = route.assessment.inventory, footprint.model.terms
    steps = {step_id: k for k, step_id in enumerate(route.step_ids, 1)}
    order = sorted(
        range(len(terms)),
        key=lambda i: (steps[terms[i].step], CATEGORIES.index(terms[i].category), i),
    )
    rows = []
    for r, i in enumerate(order, top):
        term, f = terms[i], terms[i].factor
        if term.array == "flow":
            flow = inventory.flows[term.index]
            material, origin = flow.material, flow.origin
        elif term.array == "step":
            material, origin = route.assessment.recipe.steps[term.index].made.material, "product"
        else:
            material, origin = "", inventory.energy_lines[term.index].origin
        known = inventory.materials.get(material)
        value, multiplier, caveat = _factor_and_multiplier(term)
        rows.append([
            route.number, route.label, steps[term.step], term.step, term.category, term.flow,
            known.name if known else "", origin, float(footprint.amounts[i]),
            unit_label(term.amount_unit),
            factors.numbers[_factor_id(f)] if f else None, f.key if f else "computed",
            f.region if f else "", factors.value(f"{FACTOR_NO}{r}") if f else value,
            unit_label(f"kg CO2e/{f.per_unit if f else term.amount_unit}"), multiplier,
            Formula(f"={AMOUNT}{r}*{MULTIPLIER}{r}*{FACTOR}{r}", float(footprint.contributions[i])),
            term.basis,
            f.data_quality if f else "computed", f.fallback if f else "",
            "; ".join(x for x in (term.note, caveat) if x),
        ])  # fmt: skip
    return rows


def inventory_sheet(ws, w: Writer, routes: list[Route], factors: Factors):
    """The term table, then totals by route, category and step, all formulas over the terms.

    Returns the totals' cells, keyed ``(route #, step # or None, category or None)``, and where
    the term rows are.
    """
    w.heading(
        ws,
        "Inventory: every footprint term, per kg of final product",
        "Contribution = Amount × Multiplier × Factor value, a live formula; factor values are "
        "looked up by Factor # on the Provenance sheet. Totals are below the table.",
        "Multiplier: converts the amount to the factor's unit (density for a factor per m³, "
        "steam heat for one per kWh, molar mass, price for spend-based factors); −1 for credits. "
        "Factor key 'computed': a coefficient from the formula, per unit of the amount.",
    )
    rows: list[list] = []
    for route in routes:
        rows += _term_rows(route, factors, FIRST_ROW + len(rows))
    first, last = w.table(ws, HEADER_ROW, INVENTORY_COLUMNS, rows, freeze="G5")
    terms = Rows(first, max(last, first))  # an empty table still gives valid, empty ranges
    top = terms.last + 3
    w.put(ws, top - 1, 1, "Totals (formulas over the rows above)", font=w.title_font)
    # (key: route #, step # or None, category or None; step #; step; category; formula;
    # greenroute's own figure)
    lines: list[tuple[tuple[int, int | None, str | None], int | None, str, str, Formula, float]]
    lines = []
    for route in routes:
        n, footprint = route.number, route.assessment.footprint
        if footprint is None:
            continue
        total = terms.sumifs(n, expected=footprint.total)
        lines.append(((n, None, None), None, "all steps", "all", total, footprint.total))
        lines += [
            ((n, None, c), None, "all steps", c, terms.sumifs(n, category=c, expected=value), value)
            for c, value in footprint.by_category().items()
        ]
        lines += [
            (
                (n, k, None),
                k,
                step,
                "all",
                terms.sumifs(n, step=k, expected=footprint.by_step()[step]),
                footprint.by_step()[step],
            )
            for k, step in enumerate(route.step_ids, 1)
        ]
    label = {r.number: r.label for r in routes}
    table = [
        [key[0], label[key[0]], k, step, category, formula, value, Formula(f"=F{r}-G{r}", 0.0)]
        for r, (key, k, step, category, formula, value) in enumerate(lines, top + 1)
    ]
    columns = [
        Column("Route #"), Column("Route"), Column("Step #"), Column("Step"),
        Column("Category"), Column(f"Total [{PER_KG}]", number_format="contribution"),
        Column("greenroute's own figure", number_format="contribution"),
        Column("Difference", number_format="contribution"),
    ]  # fmt: skip
    w.table(ws, top, columns, table, main=False)
    w.print_setup(ws)
    cells = {key: f"Inventory!$F${r}" for r, (key, *_) in enumerate(lines, top + 1)}
    return cells, terms
