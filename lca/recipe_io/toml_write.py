"""Writing a recipe as TOML text (``lca convert recipe.xlsx recipe.toml``).

Fields are written as the recipe sets them (defaults it leaves out stay out), amounts as strings
with units, short tables inline (``inputs = [{ material = ..., amount = "5 kg", ... }]``), as the
bundled examples are written.
"""

from __future__ import annotations

from pathlib import Path

from lca.errors import OutputError
from lca.recipe import Recipe


def recipe_to_toml(recipe: Recipe, comment: str = "") -> str:
    """The recipe as TOML text, with ``comment`` lines on top.

    Raises
    ------
    OutputError
        If a value has no TOML form (a field set to None where its default is not None).
    """
    import tomli_w

    data = recipe.model_dump(mode="python", by_alias=True, exclude_unset=True)
    try:
        text = tomli_w.dumps(data, indent=2)
    except TypeError as exc:
        raise OutputError(f"{recipe.origin}: cannot write the recipe as TOML ({exc})") from None
    header = "".join(f"# {line}\n" for line in comment.splitlines())
    return header + text


def write_recipe_toml(recipe: Recipe, path: str | Path, force: bool = False) -> Path:
    """Write ``recipe`` as a TOML file (atomically; an existing file only with ``force``)."""
    from lca import __version__
    from lca.reporting.output import write_text

    comment = f"Written by greenroute {__version__} from {Path(recipe.origin).name}."
    text = recipe_to_toml(recipe, comment)
    return write_text(path, text, force)
