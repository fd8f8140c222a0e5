"""The Mass balance sheet: every step's charges, product, recovered solvent and waste, with the
PMI as live formulas from the charges, as users of the ACS GCI PMI calculator expect: change a
charge and the step's waste, the route's PMI and every figure that uses it move.

The formulas are greenroute's engine (:func:`lca.engine.evaluate_columns`) written out cell by
cell, so the recalculated workbook reproduces greenroute's figures:

- a line's kg per kg of final product = charge ÷ its step's product × the step's scale;
- a step's scale (kg of its product per kg of final product) = 1 for the final step, else the
  sum of the kg per kg of final product of the lines that charge it as an intermediate;
- a step's waste = its inflow − product − co-products − recovered (the core's
  :attr:`lca.inventory.Inventory.step_balance`); the PMI = the sum of the raw-material lines.

Charges are the amounts the inventory charges per campaign (kg), after the operating mode
(batches, lost batches, start-up, cleaning) and the conversion of equivalents and volumes; a
line written relative to another (equivalents) does not follow when that other is edited.
Formulas refer to the cells they use directly (a range function would make every step depend on
every line, a circular reference to Excel): this sheet is not to be sorted.
"""

from __future__ import annotations

import numpy as np

from lca.inventory import Flow
from lca.metrics import ROLE_GROUPS
from lca.reporting.excel.cells import FIRST_ROW, HEADER_ROW, Column, Formula, Route, Writer
from lca.reporting.labels import role_label

LINE_COLUMNS = [
    Column("Route #", "index"), Column("Route", "route"), Column("Step #", "index"),
    Column("Step", "name"), Column("Material", "name"), Column("Material name", "flow"),
    Column("Role", "index"), Column("Role group", "name"), Column("Made in step #", "index"),
    Column("Charge [kg per campaign]", "number", "charge"),
    Column("Recovered [fraction]", "number", "multiplier"),
    Column("kg per kg final product", "number", "amount"),
    Column("Recovered [kg per kg final product]", "number", "amount"),
]  # fmt: skip
# columns of the line table that formulas use
L_ROUTE, L_STEP, L_GROUP, L_FROM, L_CHARGE, L_RECOVERED, L_PER_KG, L_RECOVERED_KG = "ACHIJKLM"
STEP_COLUMNS = [
    Column("Route #", "index"), Column("Route", "route"), Column("Step #", "index"),
    Column("Step", "name"), Column("Product [kg per campaign]", "number", "charge"),
    Column("Co-products [kg per campaign]", "number", "charge"),
    Column("Scale [kg per kg final product]", "number", "amount"),
    Column("Inflow [kg/kg]", "number", "amount"),
    Column("Raw materials [kg/kg]", "number", "amount"),
    Column("Product [kg/kg]", "number", "amount"),
    Column("Co-products [kg/kg]", "number", "amount"),
    Column("Recovered [kg/kg]", "number", "amount"), Column("Waste [kg/kg]", "number", "amount"),
    Column("Step PMI [kg/kg step product]", "number", "amount"),
]  # fmt: skip


def _material_name(route: Route, material: str) -> str:
    known = route.assessment.inventory.materials.get(material)
    return known.name if known is not None and known.name else ""


def mass_balance_sheet(ws, w: Writer, routes: list[Route]) -> dict:
    """Write the sheet; returns the cells other sheets use: ``pmi`` (route # → the PMI cell)
    and ``groups`` (the PMI by role group matrix: header row, first and last data row)."""
    w.heading(
        ws,
        "Mass balance: PMI as live formulas from the charges",
        "Change a charge (kg per campaign) or a step's product and the step balances, the PMI "
        "and every figure that uses it recalculate. kg/kg: per kg of final product.",
        "Charges are the inventory's campaign amounts after the operating mode and the "
        "conversion of equivalents and volumes. The formulas refer to cells directly: do not "
        "sort this sheet.",
    )
    lines: list[tuple[Route, int, Flow, float, float]] = []  # route, line, flow, charge, recovered
    for route in routes:
        inventory = route.assessment.inventory
        charges = np.atleast_1d(inventory.charge_kg)
        for index, flow in enumerate(inventory.flows):
            lines.append(
                (route, index, flow, float(charges[index]), float(np.mean(flow.recovered)))
            )
    first_line = FIRST_ROW
    last_line = first_line + len(lines) - 1
    step_top = last_line + 3  # the step table's header
    first_step = step_top + 1
    step_row: dict[tuple[int, int], int] = {}
    r = first_step
    for route in routes:
        for k in range(1, len(route.step_ids) + 1):
            step_row[(route.number, k)] = r
            r += 1
    last_step = r - 1
    line_row: dict[tuple[int, int], int] = {}
    row = first_line
    for route, index, *_ in lines:
        line_row[(route.number, index)] = row
        row += 1

    group_of = {role: group for group, roles in ROLE_GROUPS.items() for role in roles}
    rows = []
    for route, index, flow, charge, recovered in lines:
        inventory = route.assessment.inventory
        r = line_row[(route.number, index)]
        step = inventory.step_ids.index(flow.step) + 1
        producer = int(inventory.route.flow_producer[index])
        made_in = producer + 1 if producer >= 0 else None
        at = step_row[(route.number, step)]
        per_kg = float(inventory.result.flow[0][index])
        rows.append([
            route.number, route.label, step, flow.step, flow.material,
            _material_name(route, flow.material), flow.role,
            role_label(group_of.get(flow.role, "reactants"))
            if not flow.intermediate else "intermediate",
            made_in, charge, recovered,
            Formula(f"={L_CHARGE}{r}/E{at}*G{at}", per_kg),
            Formula(f"={L_PER_KG}{r}*{L_RECOVERED}{r}", per_kg * recovered),
        ])  # fmt: skip
    w.table(ws, HEADER_ROW, LINE_COLUMNS, rows, freeze="F5")
    ws.auto_filter.ref = None  # direct references: sorting would break them

    w.put(ws, step_top - 1, 1, "Steps: the balance of each step per kg of final product",
          font=w.title_font)  # fmt: skip
    steps = []
    for route in routes:
        inventory = route.assessment.inventory
        products = np.atleast_1d(inventory.product_kg)
        balance = inventory.step_balance
        final = inventory.route.final_step
        coproducts_per_product = inventory.coproducts_per_step_product()[0]
        for position, step_id in enumerate(route.step_ids):
            k = position + 1
            r = step_row[(route.number, k)]
            consumers = [
                line_row[(route.number, f)]
                for f, producer in enumerate(inventory.route.flow_producer)
                if producer == position
            ]
            if position == final:
                scale = Formula("=1", 1.0)
            elif consumers:
                scale = Formula("=" + "+".join(f"{L_PER_KG}{c}" for c in consumers),
                                float(balance.product[position]))  # fmt: skip
            else:
                scale = Formula("=0", 0.0)
            mine = [line_row[(route.number, f)] for f, flow in enumerate(inventory.flows)
                    if flow.step == step_id]  # fmt: skip
            raw = [
                line_row[(route.number, f)] for f, flow in enumerate(inventory.flows)
                if flow.step == step_id and not flow.intermediate
            ]  # fmt: skip

            def total(cells: list[int], column: str) -> str:
                return "+".join(f"{column}{c}" for c in cells) or "0"

            steps.append([
                route.number, route.label, k, step_id, float(products[position]),
                float(coproducts_per_product[position] * products[position]), scale,
                Formula(f"={total(mine, L_PER_KG)}", float(balance.inflow[position])),
                Formula(f"={total(raw, L_PER_KG)}", float(balance.raw[position])),
                Formula(f"=G{r}", float(balance.product[position])),
                Formula(f"=IF(E{r}=0,0,F{r}/E{r}*G{r})", float(balance.coproducts[position])),
                Formula(f"={total(mine, L_RECOVERED_KG)}", float(balance.recovered[position])),
                Formula(f"=H{r}-J{r}-K{r}-L{r}", float(balance.waste[position])),
                Formula(f"=IF(G{r}=0,0,H{r}/G{r})",
                        route.assessment.value("step_pmi", step_id) or 0.0),
            ])  # fmt: skip
    w.table(ws, step_top, STEP_COLUMNS, steps, main=False)

    top = last_step + 3
    w.put(ws, top - 1, 1, "PMI of each route: the sum of its raw-material lines",
          font=w.title_font)  # fmt: skip
    pmi_cells, table = {}, []
    span = f"${L_PER_KG}${first_line}:${L_PER_KG}${last_line}"
    route_span = f"$A${first_line}:$A${last_line}"
    group_span = f"${L_GROUP}${first_line}:${L_GROUP}${last_line}"
    for i, route in enumerate(routes):
        r = top + 1 + i
        pmi = route.assessment.value("pmi")
        raw = [line_row[(route.number, f)] for f, flow in
               enumerate(route.assessment.inventory.flows) if not flow.intermediate]  # fmt: skip
        table.append([
            route.number, route.label,
            Formula(f"={'+'.join(f'{L_PER_KG}{c}' for c in raw) or '0'}", pmi), pmi,
            Formula(f"=C{r}-D{r}", 0.0),
        ])  # fmt: skip
        pmi_cells[route.number] = f"'Mass balance'!$C${r}"
    columns = [
        Column("Route #"), Column("Route"), Column("PMI [kg/kg] (formula)", number_format="amount"),
        Column("greenroute's own figure", number_format="amount"),
        Column("Difference", number_format="amount"),
    ]  # fmt: skip
    w.table(ws, top, columns, table, main=False)

    # PMI by role group, one column per route: the chart's data
    top = top + len(routes) + 3
    w.put(ws, top - 1, 1, "PMI by role group [kg/kg]", font=w.title_font)
    groups = [g for g in ROLE_GROUPS if any(
        route.assessment.value(f"pmi_{g}") for route in routes)]  # fmt: skip
    matrix = []
    for group in groups:
        cells = []
        for route in routes:
            expected = route.assessment.value(f"pmi_{group}") or 0.0
            cells.append(Formula(
                f'=SUMIFS({span},{route_span},{route.number},{group_span},"{role_label(group)}")',
                expected,
            ))  # fmt: skip
        matrix.append([role_label(group), *cells])
    w.table(ws, top, [Column("Role group"), *(Column(r.label, number_format="amount")
                                               for r in routes)], matrix, main=False)  # fmt: skip
    # one page, so that the three lidocaine routes' workbook prints on ten
    w.print_setup(ws, one_page=True)
    return {"pmi": pmi_cells, "groups": (top, top + 1, top + len(matrix)), "group_names": groups}
