"""The ``lca`` command: parse arguments, call the library, render, write.

Data goes to stdout, messages to stderr. An :class:`~lca.errors.LcaError` becomes one line per
problem on stderr and exit code 1, without a traceback (``lca --debug ...`` shows it).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lca import __version__
from lca.errors import FactorError, LcaError, OutputError

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


def _out(text: str) -> None:
    """A line of output; text from recipes and factor files is shown, never obeyed by the
    terminal (lca.reporting.safe)."""
    from lca.reporting.safe import printable

    typer.echo(printable(text))


def _err(text: str) -> None:
    """A message on stderr, made printable like :func:`_out`."""
    from lca.reporting.safe import printable

    typer.echo(printable(text), err=True)


def _csv(frame) -> None:
    """A table as CSV on stdout, its text cells kept from being read as formulas."""
    from lca.reporting.safe import csv_frame

    csv_frame(frame).to_csv(sys.stdout, index=False, lineterminator="\n")


def _json(document: dict) -> None:
    """A document as valid JSON on stdout (non-finite numbers become null, with a note)."""
    from lca.reporting.safe import to_json

    typer.echo(to_json(document))


@contextlib.contextmanager
def _reported():
    """Turn library errors into one line each on stderr and exit code 1."""
    try:
        yield
    except LcaError as exc:
        if _State.debug:
            raise
        for line in str(exc).splitlines() or [type(exc).__name__]:
            _err(f"error: {line}")
        raise typer.Exit(1) from None


@contextlib.contextmanager
def _progress(title: str):
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


def _warn(messages) -> None:
    for message in messages:
        _err(f"warning: {message}")


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


@app.command()
def validate(recipes: RecipeArgs, factors: FactorsOption = None) -> None:
    """Check recipes as every command uses them: schema, route graph, units, properties,
    uncertainty tables and what the footprint needs."""
    from lca.factors import load_factor_set
    from lca.validation import check_recipe

    with _reported():
        factor_set = load_factor_set(tuple(factors or ()))
    failed = 0
    for path in recipes:
        try:
            with _reported():
                checked = check_recipe(path, factor_set)
        except typer.Exit:
            failed += 1
            continue
        _warn(checked.warnings)
        recipe = checked.recipe
        _out(f"ok: {path} (route '{recipe.route.name}', {len(recipe.steps)} steps)")
    if failed:
        raise typer.Exit(1)


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


def _factor_set(factors, gwp: Gwp):
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
def _solving(backend: Backend):
    """Brightway's own messages go to stderr (stdout is the data), and say who solved."""
    if backend is not Backend.brightway:
        yield
        return
    with contextlib.redirect_stdout(sys.stderr):
        yield
    _err("note: footprint solved by bw2calc (in-memory datapackage)")


@app.command()
def assess(
    recipe: Annotated[Path, typer.Argument(help=RECIPE_HELP, show_default=False)],
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="Output format.")
    ] = Format.table,
    factors: FactorsOption = None,
    strict: StrictOption = False,
    gwp: GwpOption = Gwp.AR6,
    backend: BackendOption = Backend.greenroute,
    brightway_project: ProjectOption = None,
    method: MethodOption = None,
    mapping: MappingOption = None,
    database: DatabaseOption = None,
) -> None:
    """Mass metrics and carbon footprint of one route per kg of final product."""
    if brightway_project is not None or method or mapping is not None or database is not None:
        _assess_with_brightway_project(
            recipe, output_format, factors, strict, backend, brightway_project, method, mapping,
            database,
        )  # fmt: skip
        return
    from lca.assessment import assess as assess_route

    with _reported(), _solving(backend):
        assessment = assess_route(
            recipe, factors=_factor_set(factors, gwp), strict=strict, backend=backend.value
        )
    _warn(assessment.warnings)
    if output_format is Format.json:
        from lca.reporting.documents import assessment_to_dict

        _json(assessment_to_dict(assessment))
    elif output_format is Format.csv:
        _csv(assessment.to_frame())
    else:
        from lca.reporting.terminal import print_assessment

        print_assessment(assessment)


def _require_background(project, methods) -> None:
    if project is None or not methods:
        raise FactorError(
            "a Brightway background needs --brightway-project and at least one --method "
            "(--mapping and --database are optional)"
        )


def _warn_unmatched(background) -> None:
    """The route's flows the bundled ecoinvent mapping did not link, one line each."""
    if background.database:
        _warn(
            f"ecoinvent mapping ({background.database}): not linked: {line}"
            for line in background.unmatched
        )


def _assess_with_brightway_project(
    recipe, output_format, factors, strict, backend, project, methods, mapping, database
) -> None:
    """``lca assess`` with a Brightway background: one assessment per method."""
    with _reported():
        _require_background(project, methods)
        from lca.backends.brightway import assess_with_background, method_label

        with contextlib.redirect_stdout(sys.stderr):
            results = assess_with_background(
                recipe,
                project,
                methods,
                mapping,
                database=database,
                factors=factors or (),
                strict=strict,
                backend=backend.value,
            )
    _warn_unmatched(results[0].background)
    _warn(results[0].assessment.warnings)
    if output_format is Format.json:
        from lca.reporting.documents import method_assessments_to_dict

        _json(method_assessments_to_dict(results, project))
    elif output_format is Format.csv:
        import pandas as pd

        frames = [r.assessment.to_frame().assign(method=method_label(r.method)) for r in results]
        _csv(pd.concat(frames))
    else:
        from lca.reporting.terminal import print_assessment

        for r in results:
            _out(f"LCIA method: {method_label(r.method)} (Brightway project '{project}')")
            print_assessment(r.assessment)


def _background_factor_set(recipes, project, methods, mapping, database, factors):
    """The factor set of one Brightway method for several routes (compare, report)."""
    _require_background(project, methods)
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
    _warn_unmatched(background)
    _err(f"LCIA method: {' | '.join(background.method)} (Brightway project '{project}')")
    return background.factor_set


@app.command()
def compare(
    recipes: RecipeArgs,
    baseline: Annotated[
        str | None,
        typer.Option(
            "--baseline",
            "-b",
            help="Baseline route: name, file name or position (default: the first).",
        ),
    ] = None,
    output_format: Annotated[
        CompareFormat, typer.Option("--format", "-f", help="Output format.")
    ] = CompareFormat.table,
    factors: FactorsOption = None,
    strict: StrictOption = False,
    gwp: GwpOption = Gwp.AR6,
    mc: Annotated[
        int, typer.Option("--mc", help="Monte Carlo draws per route (0: none).", min=0)
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo draws.")] = 0,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            help="Practical significance: also report P(lower by more than this share), "
            "e.g. 0.05 for 5 %.",
            min=0.0,
            max=1.0,
        ),
    ] = 0.05,
    backend: BackendOption = Backend.greenroute,
    brightway_project: ProjectOption = None,
    method: MethodOption = None,
    mapping: MappingOption = None,
    database: DatabaseOption = None,
    max_memory: MaxMemoryOption = None,
) -> None:
    """Routes side by side: PMI, E-factors, footprint by category, deltas and their drivers.

    With --mc N, also N Monte Carlo draws per route (the recipes' [[uncertainty]] tables and
    the factors' uncertainties, common random numbers across routes): percentiles and the
    probability that each route is lower than each other route.
    """
    from lca.comparison import compare as compare_routes

    with _reported():
        chosen = _factor_set(factors, gwp)
        if brightway_project is not None or method or mapping is not None or database:
            if mc:
                raise FactorError(
                    "--mc draws greenroute's factor distributions; it cannot be combined with "
                    "--brightway-project"
                )
            chosen = _background_factor_set(
                recipes, brightway_project, method, mapping, database, factors
            )
        with _solving(backend):
            comparison = compare_routes(
                recipes, baseline=baseline, factors=chosen, strict=strict, backend=backend.value
            )
        monte_carlo = None
        if mc:
            from lca.montecarlo import compare_monte_carlo

            with _progress(f"Monte Carlo, {mc} draws × {len(recipes)} routes") as step:
                monte_carlo = compare_monte_carlo(
                    [a.recipe for a in comparison.assessments],
                    comparison.labels,
                    mc,
                    seed,
                    chosen,
                    progress=step,
                    threshold=threshold,
                    max_memory=_size(max_memory),
                )
    for assessment in comparison.assessments:
        _warn(assessment.warnings)
    _warn(comparison.warnings)
    if output_format is CompareFormat.json:
        from lca.reporting.documents import comparison_to_dict

        _json(comparison_to_dict(comparison, monte_carlo))
    elif output_format is CompareFormat.csv:
        _csv(comparison.to_frame())
    elif output_format is CompareFormat.markdown:
        from lca.reporting.terminal import comparison_markdown

        _out(comparison_markdown(comparison))
    else:
        from lca.reporting.terminal import print_comparison

        print_comparison(comparison)
    if monte_carlo is not None and output_format is not CompareFormat.json:
        from lca.reporting.terminal import monte_carlo_text

        _out(monte_carlo_text(monte_carlo))


@app.command()
def report(
    recipes: RecipeArgs,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help="Write an Excel workbook (live formulas).")
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    baseline: Annotated[
        str | None, typer.Option("--baseline", "-b", help="Baseline route (default: the first).")
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option("--template", help="Your copy of reports/report.html.j2 for --html."),
    ] = None,
    style: Annotated[
        Path | None,
        typer.Option("--style", help="Your copy of reports/excel-style.toml for --xlsx."),
    ] = None,
    factors: FactorsOption = None,
    strict: StrictOption = False,
    gwp: GwpOption = Gwp.AR6,
    backend: BackendOption = Backend.greenroute,
    brightway_project: ProjectOption = None,
    method: MethodOption = None,
    mapping: MappingOption = None,
    database: DatabaseOption = None,
) -> None:
    """Excel and/or HTML report of one route or a comparison of several."""
    from lca.comparison import compare as compare_routes

    def progress(message: str) -> None:
        _err(message)

    with _reported():
        if xlsx is None and html is None:
            raise OutputError("nothing to write: give --xlsx FILE and/or --html FILE")
        from lca.reporting.output import check_target

        for target in (xlsx, html):  # refuse before the long work, not after it
            if target is not None:
                check_target(target, force)
        chosen = _factor_set(factors, gwp)
        if brightway_project is not None or method or mapping is not None or database:
            chosen = _background_factor_set(
                recipes, brightway_project, method, mapping, database, factors
            )
        progress(f"assessing {len(recipes)} route(s)…")
        with _solving(backend):
            comparison = compare_routes(
                recipes, baseline=baseline, factors=chosen, strict=strict, backend=backend.value
            )
        for assessment in comparison.assessments:
            _warn(assessment.warnings)
        _warn(comparison.warnings)
        if xlsx is not None:
            from lca.reporting.excel import write_workbook

            progress(f"writing the workbook {xlsx}…")
            written = write_workbook(comparison, xlsx, force=force, style=style, progress=progress)
            _out(f"wrote {written}")
        if html is not None:
            from lca.reporting.html import write_html

            progress(f"writing the HTML report {html}…")
            written = write_html(
                comparison, html, force=force, template=template, progress=progress
            )
            _out(f"wrote {written}")


@app.command()
def parameters(
    recipe: Annotated[Path, typer.Argument(help=RECIPE_HELP, show_default=False)],
) -> None:
    """The recipe's numbers as parameter paths (for [[uncertainty]] and `lca sweep --vary`)."""
    from lca.parameters import recipe_distributions, recipe_parameters
    from lca.recipe import read_recipe

    with _reported():
        loaded = read_recipe(recipe)
        found = recipe_parameters(loaded)
        uncertain = {p.path: d for p, d, _ in recipe_distributions(loaded)}
    for path, parameter in found.items():
        spread = ""
        if path in uncertain:
            d = uncertain[path]
            spread = f"  {d.kind} " + ", ".join(f"{k}={v:g}" for k, v in d.params.items())
        _out(f"{path:<58} {parameter.value:>10g} {parameter.unit or 'fraction'}{spread}")


@app.command()
def sensitivity(
    recipe: Annotated[Path, typer.Argument(help=RECIPE_HELP, show_default=False)],
    metric: Annotated[
        str, typer.Option("--metric", help="carbon_footprint, pmi or footprint:<category>.")
    ] = "carbon_footprint",
    n: Annotated[
        int, typer.Option("--n", help="Base sample size of the Sobol design.", min=100)
    ] = 2000,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    factors: FactorsOption = None,
    gwp: GwpOption = Gwp.AR6,
    max_memory: MaxMemoryOption = None,
) -> None:
    """Tornado swings and Sobol indices of the recipe's uncertain parameters and factors."""
    from lca.montecarlo import OUTPUTS
    from lca.montecarlo import sensitivity as analyse

    with _reported():
        if metric not in OUTPUTS:
            raise OutputError(f"--metric '{metric}' is not one of {', '.join(OUTPUTS)}")
        rows = analyse(
            recipe,
            n=n,
            seed=seed,
            factors=_factor_set(factors, gwp),
            metric=metric,
            max_memory=_size(max_memory),
        )
    if not rows:
        _err("the recipe has no [[uncertainty]] tables and its factors state none")
        raise typer.Exit(1)
    _out(f"{'parameter':<58} {'P5 → P95 output':>24} {'swing':>9} {'S1':>6} {'ST':>6}")
    for row in sorted(rows, key=lambda r: -r["swing"]):
        span = f"{row['low']:.4g} → {row['high']:.4g}"
        _out(
            f"{row['parameter']:<58} {span:>24} {row['swing']:>9.4g} "
            f"{row['first_order']:>6.2f} {row['total']:>6.2f}"
        )


def _size(text: str | None) -> int | None:
    from lca.limits import parse_size

    return None if text is None else parse_size(text)


def _vary(text: str) -> tuple[str, float, float, int]:
    path, _, spec = text.partition("=")
    parts = spec.split(":")
    try:
        if len(parts) != 3 or not path:
            raise ValueError
        start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        raise OutputError(
            f"--vary '{text}': write PATH=START:STOP:N, e.g. amination.product.yield=0.7:0.95:6"
        ) from None
    return path, start, stop, count


@app.command()
def sweep(
    recipe: Annotated[Path, typer.Argument(help=RECIPE_HELP, show_default=False)],
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            help="PATH=START:STOP:N in the parameter's unit (repeatable).",
            show_default=False,
        ),
    ],
    lhs: Annotated[
        int,
        typer.Option(
            "--lhs", help="A Latin hypercube of this many points instead of the grid.", min=0
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write the table (.csv or .parquet).")
    ] = None,
    plot: Annotated[Path | None, typer.Option("--plot", help="Write a plot (.html).")] = None,
    metric: Annotated[str, typer.Option("--metric", help="Metric to plot.")] = "carbon_footprint",
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    factors: FactorsOption = None,
    gwp: GwpOption = Gwp.AR6,
    max_memory: MaxMemoryOption = None,
) -> None:
    """Evaluate a grid or Latin hypercube of parameter values; write a table and a plot."""
    from lca.montecarlo import sweep as run_sweep
    from lca.reporting.output import check_target, write_atomically
    from lca.reporting.safe import csv_frame

    with _reported():
        ranges = [_vary(text) for text in vary]
        for target in (out, plot):
            if target is not None:
                check_target(target, force)
        if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
            raise OutputError(f"{out}: the table is written as .csv or .parquet")
        with _progress("sweep") as step:
            frame = run_sweep(
                recipe,
                ranges,
                lhs=lhs or None,
                seed=seed,
                factors=_factor_set(factors, gwp),
                progress=step,
                max_memory=_size(max_memory),
            )
        if out is None:
            _csv(frame)
        elif out.suffix.lower() == ".csv":
            safe = csv_frame(frame)
            write_atomically(out, lambda tmp: safe.to_csv(tmp, index=False), force)
            _err(f"wrote {out} ({len(frame)} rows)")
        else:
            try:
                import pyarrow  # noqa: F401
            except ImportError:
                raise OutputError(
                    "writing .parquet needs pyarrow: pip install 'greenroute[parquet]'"
                ) from None
            write_atomically(out, lambda tmp: frame.to_parquet(tmp, index=False), force)
            _err(f"wrote {out} ({len(frame)} rows)")
        if plot is not None:
            from lca.reporting.charts import sweep_figure

            figure = sweep_figure(frame, metric)
            write_atomically(plot, lambda tmp: figure.write_html(tmp, include_plotlyjs=True), force)
            _err(f"wrote {plot}")


@app.command()
def template(
    out: Annotated[Path, typer.Argument(help="Workbook to write (.xlsx).", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a recipe workbook to fill in: every sheet and column, notes, drop-down lists, and
    a bundled example route (lidocaine, batch) filled in."""
    from lca.recipe import read_recipe
    from lca.recipe_io.xlsx_write import write_recipe_workbook
    from lca.resources import data_dir

    with _reported():
        example = read_recipe(data_dir("processes") / TEMPLATE_EXAMPLE)
        written = write_recipe_workbook(example, out, force=force)
    _out(f"wrote {written} (the example route {TEMPLATE_EXAMPLE}; replace it with yours)")


@app.command()
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

    with _reported():
        check_target(out, force)  # refuse before reading, not after
        recipe = read_recipe(source)
        written = write_recipe(recipe, out, force=force)
    _out(f"wrote {written}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the recipe format (also in docs/recipe.schema.json)."""
    from lca.recipe import recipe_json_schema

    _json(recipe_json_schema())


@examples_app.command("list")
def examples_list() -> None:
    """List the bundled example recipes."""
    from lca.recipe import read_recipe
    from lca.resources import example_paths

    with _reported():
        for path in example_paths():
            recipe = read_recipe(path)
            _out(f"{path.stem:<34} {recipe.route.name}")


@examples_app.command("copy")
def examples_copy(
    name: Annotated[str, typer.Argument(help="Example name (see `lca examples list`), or 'all'.")],
    destination: Annotated[Path, typer.Argument(help="Folder to copy into.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Copy a bundled example recipe to a folder, to edit it."""
    from lca.resources import example_paths

    with _reported():
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
            write_atomically(target, lambda tmp, source=path: shutil.copyfile(source, tmp), force)
            _err(f"copied {target}")


class ListFormat(StrEnum):
    table = "table"
    csv = "csv"


@factors_app.command("list")
def factors_list(
    factors: FactorsOption = None,
    gwp: GwpOption = Gwp.AR6,
    key: Annotated[
        str, typer.Option("--key", help="Only keys matching this glob, e.g. 'energy:*'.")
    ] = "*",
    output_format: Annotated[
        ListFormat,
        typer.Option(
            "--format",
            "-f",
            help="table, or csv: the rows in the factor-file format, to start your own file.",
        ),
    ] = ListFormat.table,
) -> None:
    """One line per factor row: key, region, value, unit, library."""
    import fnmatch

    from lca.factors import COLUMNS, OPTIONAL_COLUMNS

    with _reported():
        factor_set = _factor_set(factors, gwp)
    rows = [
        (layer, row)
        for layer in factor_set.layers
        for row in layer.rows
        if fnmatch.fnmatchcase(row.key, key)
    ]
    if output_format is ListFormat.csv:
        import pandas as pd

        columns = (*COLUMNS, *OPTIONAL_COLUMNS)
        _csv(
            pd.DataFrame(
                [{c: getattr(row, c) for c in columns} for _, row in rows], columns=columns
            )
        )
        return
    for layer, row in rows:
        _out(
            f"{row.key:<34} {row.region:<8} {row.value:>12g} {row.unit:<24} "
            f"{row.scope[:30]:<30} {layer.name}"
        )


@factors_app.command("search")
def factors_search(
    text: Annotated[str, typer.Argument(help="Text to look for in keys, names and regions.")],
    factors: FactorsOption = None,
    gwp: GwpOption = Gwp.AR6,
) -> None:
    """Factor rows whose key, name or region contains TEXT."""

    with _reported():
        rows = _factor_set(factors, gwp).search(text)
    if not rows:
        _err(f"no factor matches '{text}'")
        raise typer.Exit(1)
    for row in rows:
        _out(f"{row.key:<34} {row.region:<8} {row.value:>12g} {row.unit:<24} {row.name}")


@factors_app.command("show")
def factors_show(
    key: Annotated[
        str | None,
        typer.Argument(
            help="A factor key, e.g. energy:electricity. "
            "Without it: the libraries and their "
            "attribution."
        ),
    ] = None,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            help="Site region (energy, waste, transport) or production region (materials) of "
            "the lookup (default: GLO; for materials, the library's documented order).",
        ),
    ] = None,
    factors: FactorsOption = None,
    gwp: GwpOption = Gwp.AR6,
) -> None:
    """A factor as a route would get it: which tier and region answered and why, every
    candidate, the components with sources and licences; or the libraries' attribution."""
    from lca.reporting.terminal import print_factor, print_libraries

    with _reported():
        factor_set = _factor_set(factors, gwp)
        if key is None:
            print_libraries(factor_set)
            return
        factor, why = _resolve_for_show(factor_set, key, region)
        print_factor(factor, factor_set.candidates(factor.key), why)


def _resolve_for_show(factor_set, key: str, region: str | None):
    """The factor a route would use for ``key`` and, for a class proxy, why it answers."""
    from lca.materials import bundled_materials

    if not key.startswith("material:"):
        factor = factor_set.lookup(key, region or "GLO")
        if factor is None:
            raise FactorError(
                f"no factor '{key}' for region {region or 'GLO'} in any library; "
                "`lca factors search` lists what there is"
            )
        return factor, ""
    factor = factor_set.lookup_material(key, region)
    if factor is not None:
        return factor, ""
    material = bundled_materials().get(key.removeprefix("material:"))
    proxy = factor_set.lookup_class(material.material_class) if material else None
    if proxy is None:
        raise FactorError(
            f"no factor '{key}' in any library and no class proxy for it; "
            "`lca factors search` lists what there is"
        )
    return proxy, (
        f"{key} has no factor of its own: its class '{material.material_class}' answers with "
        "a class proxy"
    )


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
    with _reported():
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
    _warn(result.warnings)
    _out(
        f"wrote database '{result.database}' to Brightway project '{result.project}': "
        f"{result.activities} activities, {result.exchanges} exchanges, "
        f"{len(result.linked)} flows linked to the background; final product: "
        f"{result.final[0]}:{result.final[1]}"
    )


class PactRule(StrEnum):
    tfs = "tfs"
    pas_2090 = "pas-2090"


class PactStatus(StrEnum):
    active = "Active"
    deprecated = "Deprecated"


def _pact_option(name: str, text: str, **kwargs):
    return typer.Option(name, help=text, show_default=False, rich_help_panel="Data owner", **kwargs)


@export_app.command("pact")
def export_pact(
    recipe: Annotated[Path, typer.Argument(help=RECIPE_HELP, show_default=False)],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the JSON to this file (default: stdout)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    factors: FactorsOption = None,
    gwp: GwpOption = Gwp.AR6,
    company_name: Annotated[str | None, _pact_option("--company-name", "Data owner.")] = None,
    company_id: Annotated[
        list[str] | None, _pact_option("--company-id", "Company URN; repeat for several.")
    ] = None,
    product_id: Annotated[
        list[str] | None, _pact_option("--product-id", "Product URN; repeat for several.")
    ] = None,
    product_name: Annotated[
        str | None, _pact_option("--product-name", "Trade name (default: the material's name).")
    ] = None,
    cpc: Annotated[str | None, _pact_option("--cpc", "UN CPC v2.1 code of the product.")] = None,
    period_start: Annotated[
        str | None, _pact_option("--period-start", "Reference period start, YYYY-MM-DD.")
    ] = None,
    period_end: Annotated[
        str | None,
        _pact_option("--period-end", "Reference period end (excluded), YYYY-MM-DD."),
    ] = None,
    geography: Annotated[
        str | None,
        _pact_option(
            "--geography",
            "Country, subdivision, UN region or 'global' (default: the route's region).",
        ),
    ] = None,
    exempted_percent: Annotated[
        float | None,
        _pact_option(
            "--exempted-percent",
            "Your estimate of the emissions left out [%], 0-5; "
            "required when some flow has no factor.",
        ),
    ] = None,
    exempted_note: Annotated[
        str | None, _pact_option("--exempted-note", "How you estimated them.")
    ] = None,
    rule: Annotated[
        list[PactRule] | None,
        _pact_option("--rule", "Sector rules you followed; repeat for several."),
    ] = None,
    status: Annotated[
        PactStatus, typer.Option("--status", help="Status of the footprint.")
    ] = PactStatus.active,
    pf_version: Annotated[
        int, typer.Option("--pf-version", help="Version number of the footprint.", min=0)
    ] = 1,
    pf_id: Annotated[
        str | None, typer.Option("--id", help="Its UUID v4 (default: a new one).")
    ] = None,
    primary_library: Annotated[
        list[str] | None,
        typer.Option(
            "--primary-library",
            help="A --factors library of supplier-specific (primary) factors, by its name.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """A route's footprint as a PACT ProductFootprint (Technical Specifications 2.3.3)."""
    with _reported():
        from lca.assessment import assess as assess_route
        from lca.reporting.output import check_target
        from lca.reporting.pact import pact_footprint, write_pact

        if out is not None:
            check_target(out, force)  # refuse before the work, not after it
        chosen = _factor_set(factors, gwp)
        assessment = assess_route(recipe, factors=chosen, with_mode_effects=False)
        result = pact_footprint(
            assessment,
            company_name=company_name,
            company_ids=company_id,
            product_ids=product_id,
            product_name=product_name,
            cpc=cpc,
            reference_period_start=period_start,
            reference_period_end=period_end,
            geography=geography,
            exempted_emissions_percent=exempted_percent,
            exempted_emissions_note=exempted_note,
            rules=[r.value for r in rule or ()],
            status=status.value,
            version=pf_version,
            pf_id=pf_id,
            factors=chosen,
            primary_libraries=primary_library or (),
        )
        _warn(assessment.warnings)
        _warn(result.warnings)
        if out is None:
            _json(result.document)
            return
        written = write_pact(result, out, force=force)
    pcf = result.document["pcf"]
    _out(
        f"wrote {written}: PACT {result.document['specVersion']} ProductFootprint, "
        f"pCfExcludingBiogenic {pcf['pCfExcludingBiogenic']} kg CO2e/kg"
    )


def main() -> None:
    """Console-script entry point.

    Termination signals remove temporary files before the process ends (the library itself
    never takes over signals), and output that cannot be written (a full disk, a closed
    pipe) is a one-line error, not a traceback.
    """
    from lca.reporting.output import cleanup_on_signals

    with cleanup_on_signals():
        try:
            app()
        except OSError as exc:
            # stdout failed; drop what is still buffered so the exit does not fail again
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            if exc.errno != errno.EPIPE:  # a reader that closed the pipe needs no message
                with contextlib.suppress(OSError):
                    sys.stderr.write(f"error: cannot write the output: {exc.strerror or exc}\n")
            sys.exit(1)
