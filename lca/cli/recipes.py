"""``lca validate``, ``template``, ``convert``, ``schema`` and ``examples``: recipes themselves."""

import functools
import shutil
from pathlib import Path
from typing import Annotated

import typer

from lca.cli.common import (
    TEMPLATE_EXAMPLE,
    FactorsOption,
    RecipeArgs,
    echo,
    echo_err,
    examples_app,
    reported,
    warn,
    write_json,
)
from lca.errors import OutputError


def validate(recipes: RecipeArgs, factors: FactorsOption = None) -> None:
    """Check recipes as every command uses them: schema, route graph, units, properties,
    uncertainty tables and what the footprint needs."""
    from lca.factors import load_factor_set
    from lca.validation import check_recipe

    with reported():
        factor_set = load_factor_set(tuple(factors or ()))
    failed = 0
    for path in recipes:
        try:
            with reported():
                checked = check_recipe(path, factor_set)
        except typer.Exit:
            failed += 1
            continue
        warn(checked.warnings)
        recipe = checked.recipe
        echo(f"ok: {path} (route '{recipe.route.name}', {len(recipe.steps)} steps)")
    if failed:
        raise typer.Exit(1)


def template(
    out: Annotated[Path, typer.Argument(help="Workbook to write (.xlsx).", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a recipe workbook to fill in: every sheet and column, notes, drop-down lists, and
    a bundled example route (lidocaine, batch) filled in."""
    from lca.recipe import read_recipe
    from lca.recipe_io.xlsx_write import write_recipe_workbook
    from lca.resources import data_dir

    with reported():
        example = read_recipe(data_dir("processes") / TEMPLATE_EXAMPLE)
        written = write_recipe_workbook(example, out, force=force)
    echo(f"wrote {written} (the example route {TEMPLATE_EXAMPLE}; replace it with yours)")


def convert(
    source: Annotated[
        Path, typer.Argument(help="Recipe to read (.toml or .xlsx).", show_default=False)
    ],
    out: Annotated[
        Path, typer.Argument(help="Recipe to write (.toml or .xlsx).", show_default=False)
    ],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Convert a recipe between TOML and an Excel workbook (either direction, same recipe)."""
    from lca.recipe import read_recipe
    from lca.recipe_io import write_recipe
    from lca.reporting.output import check_target

    with reported():
        check_target(out, force)  # refuse before reading, not after
        recipe = read_recipe(source)
        written = write_recipe(recipe, out, force=force)
    echo(f"wrote {written}")


def schema() -> None:
    """Print the JSON Schema of the recipe format (also in docs/recipe.schema.json)."""
    from lca.recipe import recipe_json_schema

    write_json(recipe_json_schema())


@examples_app.command("list")
def examples_list() -> None:
    """List the bundled example recipes."""
    from lca.recipe import read_recipe
    from lca.resources import example_paths

    with reported():
        for path in example_paths():
            recipe = read_recipe(path)
            echo(f"{path.stem:<34} {recipe.route.name}")


@examples_app.command("copy")
def examples_copy(
    name: Annotated[str, typer.Argument(help="Example name (see `lca examples list`), or 'all'.")],
    destination: Annotated[Path, typer.Argument(help="Folder to copy into.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Copy a bundled example recipe to a folder, to edit it."""
    from lca.resources import example_paths

    with reported():
        available = {path.stem: path for path in example_paths()}
        if name == "all":
            chosen = list(available.values())
        elif name.removesuffix(".toml") in available:
            chosen = [available[name.removesuffix(".toml")]]
        else:
            raise OutputError(
                f"no bundled example named '{name}'; `lca examples list` shows "
                f"{', '.join(available)}"
            )
        if destination.exists() and not destination.is_dir():
            raise OutputError(f"{destination} is a file; give the folder to copy into")
        try:
            destination.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"cannot create the folder {destination}: {exc.strerror or exc}"
            ) from None
        clashes = [destination / p.name for p in chosen if (destination / p.name).exists()]
        if clashes and not force:
            raise OutputError(
                f"{clashes[0]} already exists; pass --force to overwrite it "
                "or choose another folder"
            )
        from lca.reporting.output import write_atomically

        for path in chosen:
            target = destination / path.name
            write_atomically(target, functools.partial(_copy, path), force)
            echo_err(f"copied {target}")


def _copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)
