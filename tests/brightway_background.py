"""Build the synthetic Brightway background of the tests (``tests/data/brightway``) in a project.

Used by tests/test_brightway.py and, in a subprocess, by the README test. Importing this module
does not import Brightway; only calling :func:`build_background` does.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

SYNTHETIC = Path(__file__).resolve().parent / "data" / "brightway" / "synthetic-background.toml"


def build_background(project: str, spec_path: Path = SYNTHETIC) -> None:
    """Write the synthetic biosphere, background database and methods to a new project."""
    from lca.backends.brightway import brightway, switched_project

    (bd,) = brightway("bw2data")
    spec = tomllib.loads(spec_path.read_text(encoding="utf-8"))
    bio, db = spec["biosphere"], spec["database"]
    with switched_project(project, create=True, writing=True):
        bd.Database(bio).write(
            {
                (bio, code): {
                    "name": flow["name"],
                    "categories": tuple(flow["categories"]),
                    "type": "emission",
                    "unit": "kilogram",
                }
                for code, flow in spec["biosphere_flows"].items()
            }
        )
        activities = {}
        for code, activity in spec["activities"].items():
            exchanges = [
                {
                    "input": (db, code),
                    "type": "production",
                    "amount": activity.get("production", 1.0),
                }
            ]
            exchanges += [
                {"input": (db, other), "type": "technosphere", "amount": amount}
                for other, amount in activity.get("inputs", {}).items()
            ]
            exchanges += [
                {"input": (bio, flow), "type": "biosphere", "amount": amount}
                for flow, amount in activity.get("emissions", {}).items()
            ]
            activities[(db, code)] = {
                "name": activity["name"],
                "reference product": activity["product"],
                "location": activity["location"],
                "unit": activity["unit"],
                "type": "process",
                "exchanges": exchanges,
            }
        bd.Database(db).write(activities)
        for method in spec["methods"]:
            written = bd.Method(tuple(method["name"]))
            written.register(unit=method["unit"])
            written.write([((bio, flow), cf) for flow, cf in method["factors"].items()])
