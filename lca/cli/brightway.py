"""Brightway in the CLI: ``lca brightway export``, and the background of a Brightway project
that ``assess``, ``compare`` and ``report`` take with ``--brightway-project``."""

import contextlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from lca.cli.common import (
    RECIPE_HELP,
    FactorsOption,
    brightway_app,
    echo,
    echo_err,
    reported,
    warn,
)
from lca.errors import FactorError


@brightway_app.command("export")
def brightway_export(
    recipe: Annotated[Path, typer.Argument(help=RECIPE_HELP, show_default=False)],
    project: Annotated[
        str, typer.Option("--project", help="Brightway project to write to.", show_default=False)
    ],
    database: Annotated[
        str | None,
        typer.Option("--database", help="Database name (default: greenroute-<recipe name>)."),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            help="CSV or TOML file: flow key → background activity (docs/brightway.md).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the database if greenroute wrote it before.")
    ] = False,
    create_project: Annotated[
        bool, typer.Option("--create-project", help="Create the project if it does not exist.")
    ] = False,
    allow_unlinked: Annotated[
        bool,
        typer.Option(
            "--allow-unlinked",
            help="Write flows without a mapping row as proxy activities carrying greenroute's "
            "factor (as fossil CO2).",
        ),
    ] = False,
    factors: FactorsOption = None,
) -> None:
    """Write a route to a Brightway project as a database linked to its background."""
    with reported():
        from lca.backends.brightway import export_route

        with contextlib.redirect_stdout(sys.stderr):
            result = export_route(
                recipe,
                project,
                mapping=mapping,
                database=database,
                force=force,
                create_project=create_project,
                allow_unlinked=allow_unlinked,
                factors=factors or (),
            )
    warn(result.warnings)
    echo(
        f"wrote database '{result.database}' to Brightway project '{result.project}': "
        f"{result.activities} activities, {result.exchanges} exchanges, "
        f"{len(result.linked)} flows linked to the background; final product: "
        f"{result.final[0]}:{result.final[1]}"
    )


def require_background(project, methods) -> None:
    if project is None or not methods:
        raise FactorError(
            "a Brightway background needs --brightway-project and at least one --method "
            "(--mapping and --database are optional)"
        )


def warn_unmatched(background) -> None:
    """The route's flows the bundled ecoinvent mapping did not link, one line each."""
    if background.database:
        warn(
            f"ecoinvent mapping ({background.database}): not linked: {line}"
            for line in background.unmatched
        )


def background_factor_set(recipes, project, methods, mapping, database, factors):
    """The factor set of one Brightway method for several routes (compare, report)."""
    require_background(project, methods)
    if len(methods) != 1:
        raise FactorError("compare and report take one --method; run them once per method")
    from lca.backends.brightway import load_background
    from lca.validation import check_recipe

    # every route checked as every command checks it, before Brightway is touched
    inventories = [check_recipe(path, factors or ()).inventory for path in recipes]
    with contextlib.redirect_stdout(sys.stderr):
        (background,) = load_background(
            project,
            mapping,
            methods,
            inventories=inventories,
            factors=factors or (),
            database=database,
        )
    warn_unmatched(background)
    echo_err(f"LCIA method: {' | '.join(background.method)} (Brightway project '{project}')")
    return background.factor_set
