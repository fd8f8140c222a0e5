"""Recipes in other files than TOML: Excel workbooks in and out, TOML out.

:func:`lca.recipe.read_recipe` reads ``.xlsx`` (and ``.xlsm``) recipes through
:mod:`.xlsx_read`; :func:`write_recipe` writes a recipe as ``.toml`` or ``.xlsx``. The workbook
layout is derived from the schema (:mod:`.layout`). openpyxl is imported only here, when a
workbook is read or written.
"""

from __future__ import annotations

from pathlib import Path

from lca.errors import OutputError
from lca.recipe import Recipe


def write_recipe(recipe: Recipe, path: str | Path, force: bool = False) -> Path:
    """Write a recipe as ``.toml`` or ``.xlsx``, chosen by the suffix of ``path``.

    Raises
    ------
    OutputError
        If the file exists and ``force`` is false, or the suffix is neither.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        from lca.recipe_io.toml_write import write_recipe_toml

        return write_recipe_toml(recipe, path, force)
    if suffix == ".xlsx":
        from lca.recipe_io.xlsx_write import write_recipe_workbook

        return write_recipe_workbook(recipe, path, force)
    raise OutputError(f"{path}: a recipe is written as .toml or .xlsx")
