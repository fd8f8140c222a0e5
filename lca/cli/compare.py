"""``lca compare`` and ``lca report``: routes side by side, in the terminal or as files."""

from pathlib import Path
from typing import Annotated

import typer

from lca.cli.brightway import background_factor_set
from lca.cli.common import (
    Backend,
    BackendOption,
    CompareFormat,
    DatabaseOption,
    FactorsOption,
    Gwp,
    GwpOption,
    MappingOption,
    MaxMemoryOption,
    MethodOption,
    ProjectOption,
    RecipeArgs,
    StrictOption,
    echo,
    echo_err,
    load_factors,
    memory_limit,
    progress_bar,
    reported,
    solving,
    warn,
    write_csv,
    write_json,
)
from lca.errors import FactorError, OutputError


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
    with reported():
        comparison, monte_carlo = _compared(
            recipes, baseline, factors, gwp, strict, backend,
            (brightway_project, method, mapping, database), mc, seed, threshold, max_memory,
        )  # fmt: skip
    if output_format is CompareFormat.json:
        from lca.reporting.documents import comparison_to_dict

        write_json(comparison_to_dict(comparison, monte_carlo))
    elif output_format is CompareFormat.csv:
        write_csv(comparison.to_frame())
    elif output_format is CompareFormat.markdown:
        from lca.reporting.terminal import comparison_markdown

        echo(comparison_markdown(comparison))
    else:
        from lca.reporting.terminal import print_comparison

        print_comparison(comparison, monte_carlo)
    if monte_carlo is not None and output_format is not CompareFormat.json:
        from lca.reporting.terminal import monte_carlo_text

        echo(monte_carlo_text(monte_carlo))


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
    mc: Annotated[
        int,
        typer.Option(
            "--mc",
            help="Monte Carlo draws per route for the HTML report's intervals (0: none).",
            min=0,
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo draws.")] = 0,
    backend: BackendOption = Backend.greenroute,
    brightway_project: ProjectOption = None,
    method: MethodOption = None,
    mapping: MappingOption = None,
    database: DatabaseOption = None,
    max_memory: MaxMemoryOption = None,
) -> None:
    """Excel and/or HTML report of one route or a comparison of several.

    With --mc N, the HTML report's answer carries the Monte Carlo intervals of the differences
    (N paired draws per route, --seed S) and a plot of their distribution.
    """

    def progress(message: str) -> None:
        echo_err(message)

    with reported():
        if xlsx is None and html is None:
            raise OutputError("nothing to write: give --xlsx FILE and/or --html FILE")
        from lca.reporting.output import check_target

        for target in (xlsx, html):  # refuse before the long work, not after it
            if target is not None:
                check_target(target, force)
        progress(f"assessing {len(recipes)} route(s)…")
        comparison, monte_carlo = _compared(
            recipes, baseline, factors, gwp, strict, backend,
            (brightway_project, method, mapping, database), mc, seed, 0.05, max_memory,
        )  # fmt: skip
        if xlsx is not None:
            from lca.reporting.excel import write_workbook

            progress(f"writing the workbook {xlsx}…")
            written = write_workbook(comparison, xlsx, force=force, style=style, progress=progress)
            echo(f"wrote {written}")
        if html is not None:
            from lca.reporting.html import write_html

            progress(f"writing the HTML report {html}…")
            written = write_html(
                comparison,
                html,
                force=force,
                template=template,
                progress=progress,
                monte_carlo=monte_carlo,
            )
            echo(f"wrote {written}")


def _compared(
    recipes, baseline, factors, gwp, strict, backend, brightway, mc, seed, threshold, max_memory
):
    """The comparison of ``compare`` and ``report``, and its Monte Carlo run when asked for;
    warnings are printed, once each."""
    from lca.comparison import compare as compare_routes

    chosen = load_factors(factors, gwp)
    project, method, mapping, database = brightway
    if project is not None or method or mapping is not None or database:
        if mc:
            raise FactorError(
                "--mc draws greenroute's factor distributions; it cannot be combined with "
                "--brightway-project"
            )
        chosen = background_factor_set(recipes, project, method, mapping, database, factors)
    with solving(backend):
        comparison = compare_routes(
            recipes, baseline=baseline, factors=chosen, strict=strict, backend=backend.value
        )
    # a warning shared by several routes (the same grid factor, say) is said once
    warn(dict.fromkeys(w for a in comparison.assessments for w in a.warnings))
    warn(comparison.warnings)
    monte_carlo = None
    if mc:
        from lca.montecarlo import compare_monte_carlo

        with progress_bar(f"Monte Carlo, {mc} draws × {len(recipes)} routes") as step:
            monte_carlo = compare_monte_carlo(
                [a.recipe for a in comparison.assessments],
                comparison.labels,
                mc,
                seed,
                chosen,
                progress=step,
                threshold=threshold,
                max_memory=memory_limit(max_memory),
            )
    return comparison, monte_carlo
