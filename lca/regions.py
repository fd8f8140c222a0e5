"""Region codes of factor rows and sites: ISO 3166-1 alpha-2, subdivisions, and a few groups.

A region code that is not one of these makes a factor row that no lookup reaches (a user's row for
``UK`` is never used for a site in ``GB``: the bundled ``GB`` row is), so it is refused where it is
read, with the code meant when that can be told (``UK`` → ``GB``, ``Germany`` → ``DE``).

Accepted: the 249 ISO 3166-1 alpha-2 codes (``factors/iso3166.tab``, copied from the public-domain
tz database), subdivisions written ``<country>-<code>`` (ISO 3166-2 ``US-CA``, or grid regions
such as the eGRID subregion ``US-RFCE``), ``GLO`` (the world), ``RoW`` (rest of the world),
``EU``, ``RER`` (Europe), and any region a library declares in its ``[region_parents]``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from functools import lru_cache

from lca.resources import data_dir

GROUPS = {"GLO": "the world", "RoW": "rest of the world", "EU": "European Union", "RER": "Europe"}
SUBDIVISION = re.compile(r"^([A-Z]{2})-[A-Z0-9]{1,8}$")
# common names that are not the ISO code
ALIASES = {"UK": "GB", "EL": "GR", "WORLD": "GLO", "GLOBAL": "GLO", "EUROPE": "RER"}


@lru_cache(maxsize=1)
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code → English name."""
    table = {}
    text = (data_dir("factors") / "iso3166.tab").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t", 1)
            table[code] = name
    return table


def region_problem(code: str, declared: Iterable[str] = ()) -> str | None:
    """Why ``code`` is not a region code (with the likely intended code), or ``None``."""
    known = countries()
    declared = set(declared)
    if code in known or code in GROUPS or code in declared:
        return None
    match = SUBDIVISION.match(code)
    if match and match.group(1) in known:
        return None
    hint = _meant(code, known, declared)
    return (
        f"region '{code}' is not a region code{hint}; use an ISO 3166-1 alpha-2 code (GB, US, "
        "DE...), a subdivision such as US-RFCE, or GLO for the world"
    )


def _meant(code: str, known: dict[str, str], declared: set[str]) -> str:
    text = code.strip()
    upper = text.upper()
    if upper in ALIASES:
        return f" (did you mean '{ALIASES[upper]}'?)"
    if upper != text and (upper in known or upper in declared):
        return f" (codes are upper case: '{upper}')"
    by_name = {name.lower(): c for c, name in known.items()}
    by_name.update({name.lower(): c for c, name in GROUPS.items()})
    close = difflib.get_close_matches(text.lower(), list(by_name), n=1, cutoff=0.8)
    if close:
        return f" (did you mean '{by_name[close[0]]}', {close[0].title()}?)"
    return ""
