"""What every ``lca`` command shares: the typer app, output to stdout and stderr, error
handling, progress, and the options several commands take.

Data goes to stdout, messages to stderr (both made printable, :mod:`lca.reporting.safe`). An
:class:`~lca.errors.LcaError` becomes one line per problem on stderr and exit code 1, without a
traceback (``lca --debug ...`` shows it).
"""

import contextlib
import gc
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lca import __version__
from lca.errors import LcaError

app = typer.Typer(
    name="lca",
    help="greenroute: mass intensity and carbon footprint of pharmaceutical synthesis routes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
examples_app = typer.Typer(help="List or copy the bundled example recipes.", no_args_is_help=True)
app.add_typer(examples_app, name="examples")
factors_app = typer.Typer(
    help="Browse emission-factor libraries: the bundled one and your own.", no_args_is_help=True
)
app.add_typer(factors_app, name="factors")
brightway_app = typer.Typer(
    help="Brightway: export a route to a project (see docs/brightway.md).", no_args_is_help=True
)
app.add_typer(brightway_app, name="brightway")
export_app = typer.Typer(
    help="Write a route's footprint in an exchange format (see docs/pact.md).",
    no_args_is_help=True,
)
app.add_typer(export_app, name="export")


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class CompareFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Backend(StrEnum):
    greenroute = "greenroute"
    brightway = "brightway"


class _State:
    debug = False


def collect_cycles() -> None:
    """Freeze the objects made so far (modules, classes, functions: they live as long as the
    process) and turn the cycle collector on, if :func:`lca.cli.main` turned it off."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"greenroute {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    _State.debug = debug


def echo(text: str) -> None:
    """A line of output; text from recipes and factor files is shown, never obeyed by the
    terminal (lca.reporting.safe)."""
    from lca.reporting.safe import printable

    typer.echo(printable(text))


def echo_err(text: str) -> None:
    """A message on stderr, made printable like :func:`echo`."""
    from lca.reporting.safe import printable

    typer.echo(printable(text), err=True)


def write_csv(frame) -> None:
    """A table as CSV on stdout, its text cells kept from being read as formulas."""
    from lca.reporting.safe import csv_frame

    csv_frame(frame).to_csv(sys.stdout, index=False, lineterminator="\n")


def write_json(document: dict) -> None:
    """A document as valid JSON on stdout (non-finite numbers become null, with a note)."""
    from lca.reporting.safe import to_json

    typer.echo(to_json(document))


@contextlib.contextmanager
def reported():
    """Turn library errors into one line each on stderr and exit code 1.

    The library's work starts here: the cycle collector, off while the command's modules were
    imported (:func:`lca.cli.main`), runs again, over the objects made from here on.
    """
    collect_cycles()
    try:
        yield
    except LcaError as exc:
        if _State.debug:
            raise
        for line in str(exc).splitlines() or [type(exc).__name__]:
            echo_err(f"error: {line}")
        raise typer.Exit(1) from None


@contextlib.contextmanager
def progress_bar(title: str):
    """A progress bar on stderr for long work; yields the callback ``(done, total)``."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(title, total=None)

        def step(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield step


def warn(messages) -> None:
    for message in messages:
        echo_err(f"warning: {message}")


TEMPLATE_EXAMPLE = "lidocaine-batch.toml"
RECIPE_HELP = "Recipe file (TOML or Excel .xlsx)."
RecipeArgs = Annotated[
    list[Path], typer.Argument(help="Recipe files (TOML or Excel .xlsx).", show_default=False)
]


FactorsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--factors",
        help="Your factor library (folder with library.toml + factors.csv, or a CSV), laid "
        "over the bundled one; repeat for several, the first wins.",
        show_default=False,
    ),
]


MaxMemoryOption = Annotated[
    str | None,
    typer.Option(
        "--max-memory",
        help="Refuse a run whose results would need more memory than this, e.g. '2 GB' "
        "(default: the memory available now).",
        show_default=False,
    ),
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Fail if any flow has no emission factor.")
]


class Gwp(StrEnum):
    AR6 = "AR6"
    AR5 = "AR5"


GwpOption = Annotated[
    Gwp,
    typer.Option(
        "--gwp",
        help="GWP100 set of the footprint (IPCC AR6 or AR5); rows published in CO2e on another "
        "basis are used as published and flagged.",
    ),
]


def load_factors(factors, gwp: Gwp):
    """The user's libraries over the bundled one, read with one GWP set."""
    from lca.factors import load_factor_set

    return load_factor_set(tuple(factors or ()), gwp_set=gwp.value)


ProjectOption = Annotated[
    str | None,
    typer.Option(
        "--brightway-project",
        help="Characterise the route's flows with this Brightway project's background (e.g. "
        "your ecoinvent): the bundled ecoinvent mapping links them, --mapping overrides it. "
        "The project is only read.",
    ),
]
MethodOption = Annotated[
    list[str] | None,
    typer.Option(
        "--method",
        help="LCIA method of the Brightway project, in kg CO2-eq: its parts joined by '|' "
        "or words unique to it; repeat for several.",
        show_default=False,
    ),
]
MappingOption = Annotated[
    Path | None,
    typer.Option(
        "--mapping",
        help="CSV or TOML file: flow key → Brightway activity; overrides the bundled ecoinvent "
        "mapping flow by flow (docs/brightway.md).",
        show_default=False,
    ),
]
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        help="Your ecoinvent database in the --brightway-project, for the bundled mapping "
        "(default: the one database holding its activity names).",
        show_default=False,
    ),
]


BackendOption = Annotated[
    Backend,
    typer.Option(
        "--backend",
        help="Who solves the footprint: greenroute's engine, or bw2calc from an in-memory "
        "Brightway datapackage (a cross-check; needs the brightway extra).",
    ),
]


@contextlib.contextmanager
def solving(backend: Backend):
    """Brightway's own messages go to stderr (stdout is the data), and say who solved."""
    if backend is not Backend.brightway:
        yield
        return
    with contextlib.redirect_stdout(sys.stderr):
        yield
    echo_err("note: footprint solved by bw2calc (in-memory datapackage)")


def memory_limit(text: str | None) -> int | None:
    from lca.limits import parse_size

    return None if text is None else parse_size(text)
