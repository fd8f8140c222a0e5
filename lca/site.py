"""The recipe fields the footprint needs beyond the inventory, read once into numbers.

Steam state (heat per kg of steam), market-based electricity, the incineration cut-off, prices
and spend sectors of materials, biogenic carbon shares and freight legs: every field is checked
here and reported as a recipe problem naming its field, so the footprint itself only combines
numbers with factors (and a recipe mistake never surfaces as a factor error).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from lca import units as u
from lca.arrays import Variable
from lca.errors import Problem, RecipeError, UnitError
from lca.fieldpath import ROUTE, FieldPath, material_path, transport_path
from lca.prices import Price, parse_price
from lca.recipe import Recipe
from lca.steam import SteamHeat, steam_heat
from lca.units import WRITTEN, Values, magnitude

T = TypeVar("T")


@dataclass(frozen=True)
class MarketInstrument:
    """Contractual electricity: rate [kg CO2e/kWh] for ``share`` of the site's electricity."""

    instrument: str
    kg_per_kwh: float
    share: float
    residual_kg_per_kwh: float | None
    source: str


@dataclass(frozen=True)
class Leg:
    """Freight of one raw material: ``km`` by ``mode``; ``position`` in ``[[transport]]``."""

    material: str
    mode: str
    km: Variable
    distance: str
    position: int


@dataclass(frozen=True)
class Site:
    """Numbers read from the route-level fields of a recipe."""

    steam: SteamHeat
    market: MarketInstrument | None
    energy_recovery_cutoff: bool
    prices: Mapping[str, Price]
    biogenic: Mapping[str, float]
    legs: tuple[Leg, ...]


def _quantity(values: Values, text: str, where: FieldPath, unit: str, what: str):
    quantity = values.quantity(text, where)
    if quantity.dimensionality != u.dimension_of(unit):
        raise UnitError(f"{where}: '{text}' is not {what}")
    return magnitude(quantity, unit)


def _steam(recipe: Recipe, values: Values) -> SteamHeat:
    route = recipe.route
    if route.steam_heat is not None:
        kwh = _quantity(
            values,
            route.steam_heat,
            ROUTE / "steam_heat",
            "kWh/kg",
            "an energy per mass (e.g. '2.6 MJ/kg')",
        )
        return SteamHeat(kwh, f"route.steam_heat = {route.steam_heat} (recipe)")
    spec = route.steam
    steam = ROUTE / "steam"
    bar = _quantity(values, spec.pressure, steam / "pressure", "bar", "a pressure")
    feed = values.quantity(spec.feedwater_temperature, steam / "feedwater_temperature")
    if feed.dimensionality != u.TEMPERATURE:
        raise UnitError(
            f"{steam / 'feedwater_temperature'}: '{spec.feedwater_temperature}' is not a "
            "temperature (e.g. '105 degC')"
        )
    superheat = None
    if spec.temperature is not None:
        hot = values.quantity(spec.temperature, steam / "temperature")
        if hot.dimensionality != u.TEMPERATURE:
            raise UnitError(f"{steam / 'temperature'}: '{spec.temperature}' is not a temperature")
        superheat = float(hot.m_as("degC"))
    try:
        heat = steam_heat(float(bar), float(feed.m_as("degC")), superheat)
    except ValueError as exc:
        raise UnitError(f"{steam}: {exc}") from None
    note = f"; {spec.source}" if spec.source else ""
    return SteamHeat(heat.kwh_per_kg, heat.source + note)


def _rate(values: Values, text: str, where: FieldPath) -> float:
    quantity = values.quantity(text, where)
    try:
        return float(quantity.m_as("kg CO2e / kWh"))
    except Exception:  # pint DimensionalityError
        raise UnitError(f"{where}: '{text}' is not an emission rate per energy "
                        "(e.g. '0.02 kg CO2e/kWh')") from None  # fmt: skip


def _market(recipe: Recipe, values: Values) -> MarketInstrument | None:
    spec = recipe.route.electricity
    if spec is None:
        return None
    where = ROUTE / "electricity"
    return MarketInstrument(
        instrument=spec.instrument,
        kg_per_kwh=_rate(values, spec.factor, where / "factor"),
        share=float(values.fraction(spec.share, where / "share")),
        residual_kg_per_kwh=(
            None
            if spec.residual_factor is None
            else _rate(values, spec.residual_factor, where / "residual_factor")
        ),
        source=spec.source,
    )


def _legs(recipe: Recipe, values: Values) -> tuple[Leg, ...]:
    legs = []
    for position, leg in enumerate(recipe.transport):
        where = transport_path(recipe, position) / "distance"
        km = _quantity(values, leg.distance, where, "km", "a distance (e.g. '800 km')")
        legs.append(Leg(leg.material, leg.mode, km, leg.distance, position))
    return tuple(legs)


def read_site(recipe: Recipe, values: Values = WRITTEN) -> Site:
    """The route-level numbers of a recipe.

    Raises
    ------
    RecipeError
        With every problem, each naming its field.
    """
    problems: list[Problem] = []

    def read(reader: Callable[[Recipe, Values], T], default: T) -> T:
        try:
            return reader(recipe, values)
        except UnitError as exc:
            problems.append(Problem("", str(exc)))
            return default

    steam = read(_steam, SteamHeat(0.0, ""))
    market = read(_market, None)
    no_legs: tuple[Leg, ...] = ()
    legs = read(_legs, no_legs)
    prices: dict[str, Price] = {}
    biogenic: dict[str, float] = {}
    for material, props in recipe.materials.items():
        try:
            if props.price:
                price = parse_price(props.price, material_path(material) / "price", values)
                prices[material] = replace(price, sector=props.spend_sector or "")
            if props.biogenic_carbon is not None:
                biogenic[material] = float(
                    values.fraction(
                        props.biogenic_carbon, material_path(material) / "biogenic_carbon"
                    )
                )
        except UnitError as exc:
            problems.append(Problem("", str(exc)))
    if problems:
        raise RecipeError(recipe.locate(problems), source=recipe.origin)
    return Site(
        steam=steam,
        market=market,
        energy_recovery_cutoff=recipe.route.incineration_energy_recovery,
        prices=prices,
        biogenic=biogenic,
        legs=legs,
    )
