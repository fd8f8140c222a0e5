"""Link USLCI's EcoSpold 1 unit processes into a technosphere matrix and solve it per gas.

EcoSpold 1 has no process UUIDs and no default providers: an input links to the dataset whose
reference product (or mass-allocated co-product) has the same name and unit; where several do,
the exchange's location narrows them; where several still do, the reviewed provider table
(``factors/build/uslci-providers.toml``) names the dataset, and the choice is recorded for every
result whose supply chain uses it. An input that nothing produces is cut off and counted.

The system is the classic square technosphere matrix (Heijungs & Suh 2002, *The Computational
Structure of Life Cycle Assessment*, Kluwer, doi:10.1007/978-94-015-9900-9): one column per
(dataset, product) activity, the product's output on the diagonal, inputs negative, so
self-consumption lowers the diagonal and a negative input (a credit written as an input) adds to
it; nothing is dropped. One sparse LU factorisation (scipy ``splu``) serves every demand.

Allocation of multi-output datasets (the EcoSpold 1 export carries no allocation factors):
co-products in energy units (``Recovered energy``...) get 0 % (USLCI's convention, stated in the
acetic acid dataset: "100% of elementary flows and inputs ... allocated to acetic acid, and 0% to
recovered heat"); the others share by mass (USLCI's Franklin Associates datasets partition by
mass); where outputs are not all in kg, the provider table states the reference product's mass
share and its basis.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lca.errors import LcaError
from lca.factorbuild.ecospold1 import Dataset, Exchange

AIR_CATEGORIES = ("air", "emission/air", "troposphere")
# EcoSpold 1 unit symbols that pint spells differently.
_PINT = {"m3": "m**3", "t*km": "tonne*km", "t*mi": "tonne*mile", "l": "liter", "Item(s)": "count"}
ENERGY_UNITS = ("MJ", "kWh", "GJ", "BTU", "btu")


class BuildError(LcaError, ValueError):
    """The USLCI build cannot link or allocate a dataset; the message says how to fix it."""


@dataclass(frozen=True)
class Activity:
    """One column of the technosphere matrix: a dataset producing one product."""

    dataset: Dataset
    product: str
    unit: str
    output: float
    share: float
    allocation: str

    @property
    def label(self) -> str:
        if self.product == self.dataset.name:
            return self.dataset.label
        return f"{self.product} [{self.unit}] from {self.dataset.label}"


@dataclass(frozen=True)
class Choice:
    """A provider chosen from several candidates for an input name."""

    name: str
    unit: str
    chosen: str
    candidates: int
    why: str


@dataclass
class System:
    """The linked technosphere of the activities reachable from the demanded ones."""

    activities: list[Activity]
    technosphere: Any  # scipy.sparse.csc_matrix (n, n)
    emissions: dict[str, np.ndarray]  # gas id -> kg per activity column
    cutoff_mass: np.ndarray  # kg of cut-off inputs (kg-unit only) per activity column
    cutoff_flows: list[set[str]]  # names of cut-off inputs per activity
    choices: list[set[Choice]]  # provider choices used by each activity
    unmapped_ghg: dict[str, np.ndarray] = field(default_factory=dict)  # flow -> kg per column
    _lu: Any = None  # scipy.sparse.linalg.SuperLU, factorised on first use

    def solve(self, index: int, amount: float = 1.0) -> np.ndarray:
        """Scaling vector x for ``amount`` of activity ``index``'s product (A x = f)."""
        from scipy.sparse.linalg import splu

        if self._lu is None:
            self._lu = splu(self.technosphere.tocsc())
        demand = np.zeros(len(self.activities))
        demand[index] = amount
        return self._lu.solve(demand)


def is_air(exchange: Exchange) -> bool:
    return exchange.group == "emission" and (
        exchange.category in AIR_CATEGORIES or exchange.subcategory == "air"
    )


def _allocation(
    dataset: Dataset, overrides: Mapping[str, Mapping]
) -> list[tuple[Exchange, float, str]]:
    """(product exchange, share of the dataset's burdens, how) for each product of a dataset."""
    products = [x for x in dataset.exchanges if x.group in ("reference", "coproduct")]
    reference = [x for x in products if x.group == "reference"]
    if len(reference) != 1:
        raise BuildError(f"{dataset.label}: {len(reference)} reference products; expected one")
    coproducts = [x for x in products if x.group == "coproduct" and x.amount > 0]
    if not coproducts:
        return [(reference[0], 1.0, "single output")]
    material = [x for x in coproducts if x.unit not in ENERGY_UNITS]
    energy = [x for x in coproducts if x.unit in ENERGY_UNITS]
    note = (
        f"; 0 % to {len(energy)} energy co-product(s) ({', '.join(x.name for x in energy)})"
        if energy
        else ""
    )
    if not material:
        return [(reference[0], 1.0, "100 % to the product" + note)]
    if dataset.name in overrides:
        # Outputs not all in kg: the table gives the dataset's mass basis and the densities of the
        # products measured by volume (products without a density get no share and no column).
        rule = overrides[dataset.name]
        if "reference_share" in rule:
            share = float(rule["reference_share"])
            return [(reference[0], share, f"{share:g} to the product ({rule['why']})" + note)]
        basis = float(rule["basis_kg"])
        densities = rule.get("densities", {})
        shares = []
        for x in [reference[0], *material]:
            if x.unit == "kg":
                mass = x.amount
            elif x.name in densities:
                mass = x.amount * float(densities[x.name])
            else:
                continue
            how = f"{mass / basis:.4f} by mass of the {basis:g} kg output basis ({rule['why']})"
            shares.append((x, mass / basis, how + note))
        return shares
    outputs = [reference[0], *material]
    if any(x.unit != "kg" for x in outputs):
        raise BuildError(
            f"{dataset.label}: co-products {[f'{x.name} [{x.unit}]' for x in material]} are "
            "not all in kg, so mass allocation needs a stated share: add "
            f'[allocation."{dataset.name}"] with reference_share and why to the provider table'
        )
    total = sum(x.amount for x in outputs)
    return [
        (x, x.amount / total, f"{x.amount / total:.4f} by mass of {total:g} kg outputs" + note)
        for x in outputs
    ]


def _biogenic(dataset: Dataset, prefixes: Sequence[str]) -> bool:
    return any(dataset.name.startswith(prefix) for prefix in prefixes)


# Air flows that are greenhouse-gas-like though no single GWP100 applies: unspecified halocarbon
# mixtures, and carbon monoxide (an indirect greenhouse gas).
_GHG_GROUPS = re.compile(
    r"^(Chlorofluorocarbons|Hydrochlorofluorocarbons|Hydrofluorocarbons|Perfluorocarbons|"
    r"Carbon monoxide)$"
)


def unmapped_ghg_flows(
    datasets: Sequence[Dataset], air_flows: Mapping[str, str], characterised: set[str]
) -> set[str]:
    """Names of greenhouse-gas-like air flows in ``datasets`` that ``air_flows`` does not map.

    Greenhouse-gas-like: characterised by the FLCAC IPCC method (``characterised``: flowable
    names with a non-zero AR5-100 or AR6-100 factor), or a halocarbon group or carbon monoxide.
    """
    names = {x.name for d in datasets for x in d.exchanges if is_air(x) and x.amount}
    return {
        name
        for name in names
        if name not in air_flows and (name in characterised or _GHG_GROUPS.match(name))
    }


def build_system(
    datasets: Sequence[Dataset],
    roots: Iterable[tuple[str, str]],
    providers: Mapping[str, Mapping],
    allocation: Mapping[str, Mapping],
    air_flows: Mapping[str, str],
    biogenic_prefixes: Sequence[str],
    gases: Iterable[str],
    unmapped_names: Iterable[str] = (),
    conversions: Mapping[str, Mapping] | None = None,
) -> tuple[System, dict[tuple[str, str], int]]:
    """Link the supply chains of ``roots`` ((dataset number, product name) pairs).

    Returns the system and the column index of every activity, keyed by (number, product).
    """
    from scipy.sparse import coo_matrix

    from lca.units import ureg

    conversions = conversions or {}

    by_number = {d.number: d for d in datasets}
    producers: dict[tuple[str, str], list[tuple[Dataset, Exchange, float, str]]] = {}
    allocations: dict[str, list[tuple[Exchange, float, str]]] = {}

    def allocate(dataset: Dataset) -> list[tuple[Exchange, float, str]]:
        if dataset.number not in allocations:
            allocations[dataset.number] = _allocation(dataset, allocation)
        return allocations[dataset.number]

    for dataset in datasets:
        for x in dataset.exchanges:
            if (x.group in ("reference", "coproduct") and x.unit not in ENERGY_UNITS) or (
                x.group == "reference"
            ):
                producers.setdefault((x.name, x.unit), []).append((dataset, x, 0.0, ""))

    index: dict[tuple[str, str], int] = {}
    activities: list[Activity] = []
    queue: list[tuple[str, str]] = []

    def column(number: str, product: str) -> int:
        key = (number, product)
        if key not in index:
            dataset = by_number[number]
            for x, share, how in allocate(dataset):
                if x.name == product:
                    index[key] = len(activities)
                    activities.append(Activity(dataset, product, x.unit, x.amount, share, how))
                    queue.append(key)
                    break
            else:
                raise BuildError(f"{dataset.label} does not produce {product!r} (or gives it 0 %)")
        return index[key]

    by_name: dict[str, set[str]] = {}
    for name, unit in producers:
        by_name.setdefault(name, set()).add(unit)

    def factor(x: Exchange) -> tuple[str, float] | None:
        """(producer unit, producer units per input unit) when the units differ but convert."""
        for unit in sorted(by_name.get(x.name, ())):
            if unit == x.unit:
                return unit, 1.0
            rule = conversions.get(x.name, {})
            if rule.get("from") == x.unit and rule.get("to") == unit:
                return unit, float(rule["factor"])
            try:
                return unit, float(
                    ureg.Quantity(1.0, _PINT.get(x.unit, x.unit)).m_as(_PINT.get(unit, unit))
                )
            except Exception:  # pint raises several types for unknown or incompatible units
                continue
        return None

    def provider(x: Exchange, user: Dataset) -> tuple[int | None, Choice | None, float]:
        converted = factor(x)
        if converted is None:
            return None, None, 1.0
        unit, scale = converted
        candidates = producers.get((x.name, unit), [])
        if len(candidates) > 1 and x.location:
            local = [c for c in candidates if c[0].location == x.location]
            candidates = local or candidates
        if not candidates:
            return None, None, 1.0
        if len(candidates) == 1:
            dataset, product = candidates[0][0], candidates[0][1]
            return column(dataset.number, product.name), None, scale
        rule = providers.get(x.name)
        if rule is None:
            raise BuildError(
                f"{user.label}: input {x.name!r} [{x.unit}] has {len(candidates)} producers "
                f"({', '.join(c[0].label for c in candidates[:4])}...); choose one in "
                "factors/build/uslci-providers.toml [providers]"
            )
        number = str(rule["dataset"])
        if number not in {c[0].number for c in candidates}:
            raise BuildError(
                f"provider table: dataset #{number} chosen for {x.name!r} does not produce it "
                f"in {x.unit}"
            )
        choice = Choice(x.name, unit, by_number[number].label, len(candidates), rule["why"])
        return column(number, x.name), choice, scale

    for number, product in roots:
        column(number, product)

    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    cutoff_mass: list[float] = []
    cutoff_flows: list[set[str]] = []
    choices: list[set[Choice]] = []
    gas_list = list(gases)
    emission_rows: dict[str, list[float]] = {gas: [] for gas in gas_list}
    unmapped_list = sorted(unmapped_names)
    unmapped: dict[str, list[float]] = {name: [] for name in unmapped_list}
    position = 0
    while position < len(queue):
        key = queue[position]
        j = index[key]
        position += 1
        act = activities[j]
        rows.append(j)
        cols.append(j)
        values.append(act.output)
        mass = 0.0
        cut: set[str] = set()
        used: set[Choice] = set()
        per_gas = dict.fromkeys(gas_list, 0.0)
        other = dict.fromkeys(unmapped_list, 0.0)
        biogenic = _biogenic(act.dataset, biogenic_prefixes)
        for x in act.dataset.exchanges:
            if x.group in ("input", "waste"):
                i, choice, scale = provider(x, act.dataset)
                if i is None:
                    if x.amount != 0:
                        cut.add(f"{x.name} [{x.unit}]")
                        if x.unit == "kg":
                            mass += abs(x.amount) * act.share
                    continue
                if choice is not None:
                    used.add(choice)
                rows.append(i)
                cols.append(j)
                values.append(-x.amount * scale * act.share)
            elif is_air(x):
                gas = air_flows.get(x.name)
                if gas == "CO2" and biogenic:
                    gas = "CO2_biogenic"
                if gas is not None:
                    if x.unit != "kg":
                        raise BuildError(f"{act.dataset.label}: {x.name} in {x.unit}, not kg")
                    per_gas[gas] += x.amount * act.share
                elif x.name in other:
                    other[x.name] += x.amount * act.share
        cutoff_mass.append(mass)
        cutoff_flows.append(cut)
        choices.append(used)
        for gas in gas_list:
            emission_rows[gas].append(per_gas[gas])
        for name in unmapped_list:
            unmapped[name].append(other[name])

    n = len(activities)
    technosphere = coo_matrix((values, (rows, cols)), shape=(n, n)).tocsc()
    system = System(
        activities=activities,
        technosphere=technosphere,
        emissions={gas: np.asarray(v) for gas, v in emission_rows.items()},
        cutoff_mass=np.asarray(cutoff_mass),
        cutoff_flows=cutoff_flows,
        choices=choices,
        unmapped_ghg={name: np.asarray(v) for name, v in unmapped.items()},
    )
    return system, index
