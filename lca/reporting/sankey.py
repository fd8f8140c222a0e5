"""Sankey diagrams of one route, per kg of final product: mass flows and CO2e flows.

- :func:`sankey` (mass): raw materials → steps → product, with each step's recovered solvent,
  co-products and waste, read from the core's step balance
  (:attr:`lca.inventory.Inventory.step_balance`), so a step's waste is the Steps table's;
- :func:`co2e_sankey`: what the footprint comes from (the largest materials, energy carriers,
  waste treatment, transport) → the step it is charged to → the net footprint, with what the
  credits (recovered solvent) take off each step drawn apart, since a Sankey cannot draw below
  zero.

Every node's label carries its value, so the figure reads without hovering, and materials are
named as the recipe or the bundled table names them (``2,6-dimethylaniline``), not by id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lca.metrics import ROLE_GROUPS
from lca.reporting.charts import (
    CATEGORY_COLOURS,
    NODE_COLOURS,
    ROLE_COLOURS,
    ROLE_LABELS,
    _template,
    _title,
    plain,
)
from lca.reporting.labels import format_number

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from lca.assessment import Assessment

# materials drawn as their own node in the CO2e Sankey; the rest is one "other materials" node
CO2E_MATERIALS = 8
LABEL_SHADOW = "auto"  # a halo in the page colour: links behind a label do not strike it through


def _rgba(colour: str, alpha: float) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def material_name(assessment: Assessment, material: str) -> str:
    """The material's name (recipe or bundled table), else its id."""
    known = assessment.inventory.materials.get(material)
    return (known.name if known is not None and known.name else "") or material


class _Graph:
    """Nodes keyed by (kind, key) and links added up by (source, target)."""

    def __init__(self) -> None:
        self.nodes: list[dict] = []
        self.index: dict[tuple[str, str], int] = {}
        self.links: dict[tuple[int, int], dict] = {}

    def node(self, kind: str, key: str, label: str, hover: str, colour: str) -> int:
        if (kind, key) not in self.index:
            self.index[(kind, key)] = len(self.nodes)
            self.nodes.append(
                {"kind": kind, "key": key, "label": label, "hover": hover, "colour": colour}
            )
        return self.index[(kind, key)]

    def link(self, source: int, target: int, value: float, label: str) -> None:
        entry = self.links.setdefault(
            (source, target), {"source": source, "target": target, "value": 0.0, "label": label}
        )
        entry["value"] += value

    def result(self, unit: str) -> tuple[list[dict], list[dict]]:
        links = [entry for entry in self.links.values() if entry["value"] > 0]
        inflow = [0.0] * len(self.nodes)
        outflow = [0.0] * len(self.nodes)
        for entry in links:
            inflow[entry["target"]] += entry["value"]
            outflow[entry["source"]] += entry["value"]
        for i, node in enumerate(self.nodes):
            node["value"] = max(inflow[i], outflow[i])
            node["text"] = f"{node['label']}  {format_number(node['value'])} {unit}"
        return self.nodes, links


def sankey_links(assessment: Assessment) -> tuple[list[dict], list[dict]]:
    """Nodes and links of the mass-flow Sankey, per kg of final product.

    Nodes: raw materials (one per material, whatever step or origin), steps, the final product,
    and per step its recovered solvent, its waste and its co-products. Links: raw material →
    step (kg charged), step → consuming step (the intermediate), final step → product (1 kg),
    step → recovered, waste and co-products.

    The outputs are the step's mass balance computed in the core
    (:attr:`lca.inventory.Inventory.step_balance`): inflow = product + recovered + co-products
    + waste, so each step node balances and its waste is the Steps table's.

    Returns
    -------
    nodes : list of dict
        ``kind`` (raw, step, product, recovered, waste, coproduct), ``key`` (material or step
        id), ``label`` (what it is), ``text`` (label and value, as drawn), ``value`` [kg / kg
        product], ``hover``, ``colour``.
    links : list of dict
        ``source``, ``target`` (node positions), ``value`` [kg / kg product], ``label``.
    """
    inventory = assessment.inventory
    steps = inventory.step_ids
    names = {step.id: step.name or step.id for step in assessment.recipe.steps}
    amounts = inventory.result.flow[0]
    group_of = {role: group for group, roles in ROLE_GROUPS.items() for role in roles}
    graph = _Graph()

    # raw materials first, so plotly places them in the first column in a stable order
    for flow in inventory.flows:
        if not flow.intermediate:
            group = group_of.get(flow.role, "reactants")
            name = material_name(assessment, flow.material)
            graph.node("raw", flow.material, name, ROLE_LABELS[group], ROLE_COLOURS[group])
    for step in steps:
        graph.node("step", step, step, names[step], NODE_COLOURS["step"])
    product = assessment.recipe.route.product
    final = steps[inventory.route.final_step]
    product_node = graph.node(
        "product", product, material_name(assessment, product), "final product",
        NODE_COLOURS["product"],
    )  # fmt: skip

    producers = inventory.route.flow_producer
    for flow, amount, made_by in zip(inventory.flows, amounts, producers, strict=True):
        target = graph.index[("step", flow.step)]
        name = material_name(assessment, flow.material)
        if flow.intermediate:
            graph.link(graph.index[("step", steps[made_by])], target, float(amount), name)
        else:
            graph.link(graph.index[("raw", flow.material)], target, float(amount), name)
    balance = inventory.step_balance
    final_position = inventory.route.final_step
    graph.link(
        graph.index[("step", final)], product_node, float(balance.product[final_position]),
        material_name(assessment, product),
    )  # fmt: skip
    outputs = (
        ("recovered", balance.recovered, "recovered", "solvent recovered for reuse",
         "recovered solvent"),
        ("waste", balance.waste, "waste", "charged, neither isolated nor recovered", "waste"),
        ("coproduct", balance.coproducts, "co-products", "co-products, leaving as products",
         "co-products"),
    )  # fmt: skip
    for position, step in enumerate(steps):
        source = graph.index[("step", step)]
        for kind, values, name, hover, label in outputs:
            if values[position] > 0:
                target = graph.node(kind, step, f"{name} ({step})", hover, NODE_COLOURS[kind])
                graph.link(source, target, float(values[position]), label)
    return graph.result("kg")


def _figure(nodes: list[dict], links: list[dict], link_colours: list[str], title: str,
            route: str, unit: str) -> go.Figure:  # fmt: skip
    import plotly.graph_objects as go

    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            valueformat=".3g",
            valuesuffix=f" {unit}",
            textfont={"shadow": LABEL_SHADOW, "size": 12},
            node={
                "label": [plain(entry["text"]) for entry in nodes],
                "customdata": [plain(entry["hover"]) for entry in nodes],
                "color": [entry["colour"] for entry in nodes],
                "pad": 16,
                "thickness": 14,
                "line": {"width": 0},
                "hovertemplate": "%{label}<br>%{customdata}<br>%{value} per kg of final product"
                "<extra></extra>",
            },
            link={
                "source": [entry["source"] for entry in links],
                "target": [entry["target"] for entry in links],
                "value": [entry["value"] for entry in links],
                "label": [plain(entry["label"]) for entry in links],
                "color": [_rgba(colour, 0.35) for colour in link_colours],
                "hovertemplate": "%{source.label} → %{target.label}<br>%{label}: %{value}"
                " per kg of final product<extra></extra>",
            },
        )
    )
    fig.update_layout(
        template=_template(),
        title=_title(title, route),
        height=max(420, 24 * len(nodes)),
        margin={"l": 10, "r": 10, "t": 80, "b": 20},
    )
    return fig


def sankey(assessment: Assessment) -> go.Figure:
    """Mass flows of one route [kg / kg final product]: raw materials → steps → product.

    Waste and recovered solvent leave each step; intermediates go from step to step. Every step
    node's inflow equals its outflow (see :func:`sankey_links`), and the product node receives
    exactly 1 kg. Energy is not a mass flow and is not shown.
    """
    nodes, links = sankey_links(assessment)
    colours = [entry["colour"] for entry in nodes]
    # a link takes the colour of what it carries: the raw material, the waste, the recovered
    # solvent, the product; an intermediate is a product on its way
    link_colours = [
        colours[entry["source"]]
        if nodes[entry["source"]]["kind"] == "raw"
        else NODE_COLOURS["product"]
        if nodes[entry["target"]]["kind"] == "step"
        else colours[entry["target"]]
        for entry in links
    ]
    return _figure(
        nodes, links, link_colours, "Mass flows per kg of final product", assessment.name, "kg"
    )


def _material_of(assessment: Assessment, term) -> str | None:
    """The material a footprint term is about (a raw line or a step's product), if any."""
    if term.array == "flow":
        return assessment.inventory.flows[term.index].material
    if term.array == "step":
        return assessment.recipe.steps[term.index].made.material
    return None


def co2e_sankey_links(assessment: Assessment) -> tuple[list[dict], list[dict]]:
    """Nodes and links of the CO2e Sankey [kg CO2e / kg final product].

    Sources: the :data:`CO2E_MATERIALS` materials with the largest production footprint, the
    other materials as one node, each energy carrier, waste treatment and transport. Each
    (source, step) pair is one link of its net contribution. A negative one (a credit for
    recovered solvent, the process residue's correction for carbon leaving in the product)
    cannot be drawn below zero: the step's positive inflow (its gross footprint) leaves it as
    its net footprint, to the ``net footprint`` node (the route's total), and as what the
    credits take off, to ``credits and corrections (subtracted)``.

    Returns ``(nodes, links)`` as :func:`sankey_links`; empty without a footprint.
    """
    footprint = assessment.footprint
    if footprint is None:
        return [], []
    terms, values = footprint.model.terms, footprint.contributions
    by_material: dict[str, float] = {}
    for term, value in zip(terms, values, strict=True):
        material = _material_of(assessment, term)
        if term.category == "materials" and material is not None:
            by_material[material] = by_material.get(material, 0.0) + float(value)
    shown = set(sorted(by_material, key=lambda m: -by_material[m])[:CO2E_MATERIALS])

    def source_of(term) -> tuple[str, str, str, str]:
        """(kind, key, label, colour) of the node a term flows from."""
        colour = CATEGORY_COLOURS.get(term.category, "#777777")
        material = _material_of(assessment, term)
        if term.category in ("materials", "credits"):
            if material in shown:
                return "material", material, material_name(assessment, material), colour
            return "material", "", "other materials", colour
        if term.category == "energy":
            carrier = term.carrier or term.flow
            return "energy", carrier, carrier, colour
        return "category", term.category, term.category, colour

    # net contribution of each (source, step)
    net: dict[tuple[tuple[str, str, str, str], str], float] = {}
    for term, value in zip(terms, values, strict=True):
        key = (source_of(term), term.step)
        net[key] = net.get(key, 0.0) + float(value)
    graph = _Graph()
    for (kind, name, label, colour), _ in sorted(net, key=lambda k: -net[k]):
        graph.node(kind, name, label, f"{kind}: {label}", colour)
    for step in assessment.inventory.step_ids:
        graph.node("step", step, step, "step", NODE_COLOURS["step"])
    total = graph.node("net", "", "net footprint", "the route's total", NODE_COLOURS["product"])
    credits = None
    for ((kind, name, label, _), at), amount in net.items():
        if amount > 0:
            graph.link(graph.index[(kind, name)], graph.index[("step", at)], amount, label)
    for step in assessment.inventory.step_ids:
        into = sum(v for (_, s), v in net.items() if s == step and v > 0)
        off = -sum(v for (_, s), v in net.items() if s == step and v < 0)
        # a step's gross contribution leaves it as its net part and what credits take off
        graph.link(graph.index[("step", step)], total, into - off, step)
        if off > 0:
            if credits is None:
                credits = graph.node(
                    "credits", "", "credits and corrections (subtracted)",
                    "recovered solvent credits and the process residue's correction for carbon "
                    "leaving in the product", CATEGORY_COLOURS["credits"],
                )  # fmt: skip
            graph.link(graph.index[("step", step)], credits, min(off, into), "credits")
    return graph.result("kg CO2e")


def co2e_sankey(assessment: Assessment) -> go.Figure:
    """CO2e flows of one route [kg CO2e / kg final product]: sources → steps → footprint
    (:func:`co2e_sankey_links`). The net footprint node is the route's total."""
    nodes, links = co2e_sankey_links(assessment)
    colours = [entry["colour"] for entry in nodes]
    link_colours = [colours[entry["source"]] for entry in links]
    link_colours = [
        colours[entry["target"]] if nodes[entry["source"]]["kind"] == "step" else colour
        for entry, colour in zip(links, link_colours, strict=True)
    ]
    return _figure(
        nodes, links, link_colours, "CO2e flows per kg of final product", assessment.name,
        "kg CO2e",
    )  # fmt: skip
