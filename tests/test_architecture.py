"""docs/architecture.md matches the code: its module table names every module under lca/, and
names no module that does not exist."""

from __future__ import annotations

import re

from conftest import ROOT

DOC = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
TABLE = re.compile(r"^\| `([\w/.]+)` \| (.*) \|$", re.MULTILINE)


def rows() -> dict[str, str]:
    return {name: text for name, text in TABLE.findall(DOC)}


def test_every_module_is_in_the_table():
    table = rows()
    missing = []
    for path in sorted((ROOT / "lca").rglob("*.py")):
        relative = path.relative_to(ROOT / "lca")
        name = relative.as_posix()
        if name in table:
            continue
        package = f"{relative.parts[0]}/" if len(relative.parts) > 1 else None
        if package not in table:
            missing.append(name)
            continue
        listed = re.findall(r"`([\w/]+\.py)`", table[package])
        # a package row that lists its files lists them all (its __init__.py by the row itself)
        if (
            listed
            and relative.name != "__init__.py"
            and not any(name.endswith(entry) for entry in listed)
        ):
            missing.append(name)
    assert missing == [], f"modules missing from docs/architecture.md: {missing}"


def test_every_module_in_the_table_exists():
    for name, text in rows().items():
        assert (ROOT / "lca" / name).exists(), name
        if name.endswith("/"):
            for entry in re.findall(r"`([\w/]+\.py)`", text):
                assert (ROOT / "lca" / name / entry).is_file(), f"{name}{entry}"
