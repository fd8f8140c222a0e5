"""FEDEFL flow identifiers and the Federal LCA Commons IPCC method (openLCA JSON-LD).

FEDEFL (the Federal LCA Commons Elementary Flow List) names its flows by UUIDs derived from the
flow's flowable, context and unit: ``uuid3(NAMESPACE_OID, "flowable/context/unit")`` with each
part stripped and lower-cased (``esupy.util.make_uuid``, used by
``fedelemflowlist``). Rebuilding them lets us read the IPCC method's characterisation factors,
which are keyed by flow UUID only.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path


def fedefl_uuid(flowable: str, context: str = "emission/air", unit: str = "kg") -> str:
    """The FEDEFL flow UUID of ``flowable`` in ``context`` measured in ``unit``."""
    path = "/".join(part.strip().lower() for part in (flowable, context, unit))
    return str(uuid.uuid3(uuid.NAMESPACE_OID, path))


def read_lcia_categories(zip_path: Path) -> dict[str, dict[str, float]]:
    """Characterisation factors of an openLCA JSON-LD method zip: ``{category: {flow uuid: CF}}``.

    Categories are named as in the file (``AR6-100``, ``AR5-100`` for the FLCAC IPCC method).
    """
    categories: dict[str, dict[str, float]] = {}
    with zipfile.ZipFile(zip_path) as archive:
        for name in sorted(archive.namelist()):
            if not (name.startswith("lcia_categories/") and name.endswith(".json")):
                continue
            data = json.loads(archive.read(name))
            categories[data["name"]] = {
                factor["flow"]["@id"]: float(factor["value"]) for factor in data["impactFactors"]
            }
    return categories
