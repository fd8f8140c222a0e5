"""The project's one table of 100-year global warming potentials (IPCC AR6 and AR5).

``factors/gwp100.csv`` holds one row per greenhouse gas: its id (also a pint unit name, see
:mod:`lca.units`), name, formula, CAS number, origin (``fossil`` or ``biogenic``) and GWP100 in
kg CO2e per kg of gas from

- AR6: Forster, P. et al. (2021) The Earth's Energy Budget, Climate Feedbacks, and Climate
  Sensitivity. In *Climate Change 2021: The Physical Science Basis*, WG I contribution to the
  IPCC Sixth Assessment Report, Cambridge University Press, Table 7.15 and Table 7.SM.7,
  doi:10.1017/9781009157896.009;
- AR5: Myhre, G. et al. (2013) Anthropogenic and Natural Radiative Forcing. In *Climate Change
  2013: The Physical Science Basis*, WG I contribution to the IPCC Fifth Assessment Report,
  Cambridge University Press, Table 8.A.1 (no climate-carbon feedbacks),
  doi:10.1017/CBO9781107415324.018.

``factors/GWP-SOURCES.md`` gives the pages, the licence and how the values were checked.
Biogenic CO2 (``CO2_biogenic``) has the physical GWP of CO2 but is reported apart and never added
to a fossil total; non-fossil methane counts in the total like any other gas.

The table is read on the first call, never at import.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lca.errors import FactorError

GWP_SETS = ("AR6", "AR5")
"""The GWP sets a footprint can be characterised with, the default first."""
DEFAULT_GWP = "AR6"
KINDS = ("fossil", "biogenic")
COLUMNS = ("gas", "name", "formula", "cas", "kind", "ar5", "ar6", "notes")


@dataclass(frozen=True)
class Gas:
    """One greenhouse gas of the GWP table.

    Attributes
    ----------
    id : str
        Identifier, also the pint unit name (``CH4_fossil``, ``HFC_134a``).
    kind : str
        ``fossil`` or ``biogenic`` (origin of the gas; only biogenic CO2 is kept out of totals).
    ar5, ar6 : float
        GWP100 [kg CO2e / kg gas].
    """

    id: str
    name: str
    formula: str
    cas: str
    kind: str
    ar5: float
    ar6: float

    def gwp(self, gwp_set: str = DEFAULT_GWP) -> float:
        """GWP100 of this gas in ``gwp_set`` [kg CO2e / kg gas]."""
        return self.ar6 if _check_set(gwp_set) == "AR6" else self.ar5


def gwp_table_path() -> Path:
    """Path of the bundled ``gwp100.csv``."""
    from lca.resources import data_dir

    return data_dir("factors") / "gwp100.csv"


def _check_set(gwp_set: str) -> str:
    key = str(gwp_set).upper()
    if key not in GWP_SETS:
        raise FactorError(f"unknown GWP set {gwp_set!r}; expected one of {', '.join(GWP_SETS)}")
    return key


def read_gwp_table(path: Path) -> dict[str, Gas]:
    """Read a GWP table in the format of ``factors/gwp100.csv``.

    Raises
    ------
    FactorError
        If a column is missing, a gas is listed twice, a kind is unknown or a GWP is not a
        positive number; the message names the file, line and column.
    """
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise FactorError(f"{path}: missing column(s) {', '.join(missing)}")
            gases: dict[str, Gas] = {}
            for line, row in enumerate(reader, start=2):
                where = f"{path}, line {line}"
                gas_id = row["gas"].strip()
                if not gas_id.isidentifier():
                    raise FactorError(f"{where}: gas id {gas_id!r} is not a valid unit name")
                if gas_id in gases:
                    raise FactorError(f"{where}: gas {gas_id} is listed twice")
                if row["kind"] not in KINDS:
                    raise FactorError(
                        f"{where}, column kind: {row['kind']!r} is not one of {', '.join(KINDS)}"
                    )
                values = {}
                for column in ("ar5", "ar6"):
                    try:
                        values[column] = float(row[column])
                    except ValueError:
                        values[column] = float("nan")
                    if not values[column] > 0:
                        raise FactorError(
                            f"{where}, column {column}: {row[column]!r} is not a positive GWP"
                        )
                gases[gas_id] = Gas(
                    id=gas_id,
                    name=row["name"],
                    formula=row["formula"],
                    cas=row["cas"],
                    kind=row["kind"],
                    ar5=values["ar5"],
                    ar6=values["ar6"],
                )
    except OSError as exc:
        raise FactorError(f"cannot read the GWP table {path}: {exc}") from None
    return gases


@lru_cache(maxsize=1)
def load_gwp_table() -> dict[str, Gas]:
    """The bundled GWP table, ``{gas id: Gas}``, in file order (read once, then cached)."""
    return read_gwp_table(gwp_table_path())


def gwp(gas_id: str, gwp_set: str = DEFAULT_GWP) -> float:
    """GWP100 of ``gas_id`` in ``gwp_set`` (``"AR6"`` or ``"AR5"``) [kg CO2e / kg gas].

    ``CH4`` is accepted as fossil methane, as in :mod:`lca.units`.

    Raises
    ------
    FactorError
        If the gas or the GWP set is unknown.
    """
    table = load_gwp_table()
    key = "CH4_fossil" if gas_id == "CH4" else gas_id
    if key not in table:
        raise FactorError(f"no GWP for gas {gas_id!r}; factors/gwp100.csv lists {', '.join(table)}")
    return table[key].gwp(gwp_set)
