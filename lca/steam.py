"""Heat delivered per kg of steam, from IAPWS-IF97 steam tables.

A recipe gives steam in kg; a steam factor is per kWh of heat. The heat one kg of steam brings
is the enthalpy rise from the feedwater to the steam the boiler delivers, not the latent heat
alone: at 10 bar(a) saturated steam from 20 °C feedwater that is 2692 kJ/kg, against 2014 kJ/kg
of latent heat (which would understate the steam's energy, and so its footprint, by a quarter).
Enthalpies come from the ``iapws`` package (IAPWS-IF97 industrial formulation: W. Wagner et
al., J. Eng. Gas Turbines Power 122 (2000) 150-184, doi:10.1115/1.483186). Results are kept in
the cache of :mod:`lca.cache` by iapws version and state, so a command does not import iapws
(and the scipy it needs) for the states it has computed before.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

DEFAULT_PRESSURE_BAR = 10.0  # absolute
DEFAULT_FEEDWATER_C = 20.0
KELVIN = 273.15


@dataclass(frozen=True)
class SteamHeat:
    """Heat per kg of steam [kWh/kg] and how it was obtained."""

    kwh_per_kg: float
    source: str

    @property
    def kj_per_kg(self) -> float:
        return self.kwh_per_kg * 3600.0


def steam_heat(
    pressure_bar: float = DEFAULT_PRESSURE_BAR,
    feedwater_c: float = DEFAULT_FEEDWATER_C,
    temperature_c: float | None = None,
) -> SteamHeat:
    """Enthalpy rise from feedwater to steam [kWh/kg], IAPWS-IF97.

    Parameters
    ----------
    pressure_bar : float
        Steam pressure [bar, absolute].
    feedwater_c : float
        Feedwater temperature [°C], as liquid at the boiler pressure.
    temperature_c : float, optional
        Superheated steam temperature [°C]; saturated (dry) steam when omitted.

    Raises
    ------
    ValueError
        If the state is outside IAPWS-IF97 or the feedwater is not liquid at that pressure.
    """
    superheat = None if temperature_c is None else float(temperature_c)
    return _steam_heat(float(pressure_bar), float(feedwater_c), superheat)


@lru_cache(maxsize=64)
def _steam_heat(pressure_bar: float, feedwater_c: float, temperature_c: float | None) -> SteamHeat:
    from lca.cache import cache_dir, read_json, write_json

    folder = cache_dir("steam")
    key = f"{pressure_bar!r} {feedwater_c!r} {temperature_c!r}"
    path = None
    if folder is not None:
        from importlib.metadata import version

        path = folder / f"iapws-{version('iapws')}.json"
        known = read_json(path)
        known = known if isinstance(known, dict) else {}
        found = known.get(key)
        if isinstance(found, list) and len(found) == 2:
            return SteamHeat(float(found[0]), str(found[1]))
    heat = _iapws_steam_heat(pressure_bar, feedwater_c, temperature_c)
    if path is not None:
        write_json(path, {**known, key: [heat.kwh_per_kg, heat.source]})
    return heat


def _iapws_steam_heat(
    pressure_bar: float, feedwater_c: float, temperature_c: float | None
) -> SteamHeat:
    from iapws import IAPWS97

    mpa = pressure_bar / 10.0
    if temperature_c is None:
        steam = IAPWS97(P=mpa, x=1.0)
        state = f"saturated steam at {pressure_bar:g} bar(a) ({steam.T - KELVIN:.1f} °C)"
    else:
        steam = IAPWS97(P=mpa, T=temperature_c + KELVIN)
        if steam.region not in (2, 3) or steam.x < 1:
            raise ValueError(
                f"{temperature_c:g} °C at {pressure_bar:g} bar(a) is not superheated steam"
            )
        state = f"steam at {pressure_bar:g} bar(a), {temperature_c:g} °C"
    water = IAPWS97(P=mpa, T=feedwater_c + KELVIN)
    if water.x != 0 or feedwater_c + KELVIN >= IAPWS97(P=mpa, x=0.0).T:
        raise ValueError(
            f"feedwater at {feedwater_c:g} °C is not liquid at {pressure_bar:g} bar(a)"
        )
    rise = float(steam.h - water.h)  # kJ/kg
    return SteamHeat(
        rise / 3600.0,
        f"{rise:.1f} kJ/kg: enthalpy of {state} minus feedwater at {feedwater_c:g} °C (IAPWS-IF97)",
    )
