"""``python -m lca.factorbuild [--check] [--stage computed]``: regenerate or check the files.

Each stage is a function ``run(root) -> {relative path: text}``, run in the order of ``STAGES``:
``computed`` (USLCI), ``estimated`` (route recipes, which use the computed rows) and ``proxy``
(class proxies from the rows of the tiers before it). Without ``--check`` the files are written;
with it nothing is written and the exit code is 1 if a committed file differs, naming the first
differing line.
The build reads only vendored files and never downloads anything.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from lca.errors import LcaError


def _computed(root: Path) -> dict[str, str]:
    from lca.factorbuild import computed

    return computed.run(root)


def _estimated(root: Path) -> dict[str, str]:
    from lca.factorbuild import estimated

    return estimated.run(root)


def _proxy(root: Path) -> dict[str, str]:
    from lca.factorbuild import proxy

    library = root / "factors" / "greenroute-open"
    return {
        f"factors/greenroute-open/{proxy.PROXY_FILE}": proxy.proxies_text(
            library, root / "factors" / "materials.csv"
        )
    }


# In dependency order: proxies are computed from the tiers before them.
STAGES: dict[str, Callable[[Path], dict[str, str]]] = {
    "computed": _computed,
    "estimated": _estimated,
    "proxy": _proxy,
}


def first_difference(path: Path, expected: str) -> str | None:
    """None if ``path`` holds ``expected``; else a one-line description of the first difference."""
    if not path.exists():
        return f"{path}: missing; run python -m lca.factorbuild to generate it"
    actual = path.read_text(encoding="utf-8")
    if actual == expected:
        return None
    old, new = actual.splitlines(), expected.splitlines()
    for number, (a, b) in enumerate(zip(old, new, strict=False), start=1):
        if a != b:
            return f"{path}:{number}: committed {a[:80]!r}, build gives {b[:80]!r}"
    number = min(len(old), len(new)) + 1
    return f"{path}:{number}: committed has {len(old)} lines, build gives {len(new)}"


def build(stages: list[str], root: Path, check: bool) -> list[str]:
    """Run ``stages``; write their files, or (``check``) return the stale ones' differences."""
    problems: list[str] = []
    for stage in [name for name in STAGES if name in stages]:  # dependency order
        if problems:
            break  # a later stage reads what an earlier one makes: check it once that is current
        for relative, text in STAGES[stage](root).items():
            path = root / relative
            if check:
                difference = first_difference(path, text)
                if difference:
                    problems.append(difference)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8", newline="\n")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lca.factorbuild",
        description="Regenerate the generated factor files from vendored public data.",
    )
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    parser.add_argument(
        "--stage", choices=sorted(STAGES), action="append", help="stage(s) to run (default: all)"
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parents[2],
        help="repository root (default: the checkout this package is in)",
    )
    args = parser.parse_args(argv)
    try:
        problems = build(args.stage or list(STAGES), args.root, args.check)
    except (LcaError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if problems:
        print(f"stale: {problems[0]}", file=sys.stderr)
        for problem in problems[1:]:
            print(f"stale: {problem}", file=sys.stderr)
        return 1
    print("up to date" if args.check else "written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
