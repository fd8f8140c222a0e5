"""``lca assess``: one route, with greenroute's factors or a Brightway project's background."""

import contextlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from lca.cli.brightway import require_background, warn_unmatched
from lca.cli.common import (
    RECIPE_HELP,
    Backend,
    BackendOption,
    DatabaseOption,
    FactorsOption,
    Format,
    Gwp,
    GwpOption,
    MappingOption,
    MethodOption,
    ProjectOption,
    StrictOption,
    echo,
    load_factors,
    reported,
    solving,
    warn,
    write_csv,
    write_json,
)


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

    with reported(), solving(backend):
        assessment = assess_route(
            recipe,
            factors=load_factors(factors, gwp),
            strict=strict,
            backend=backend.value,
            # the what-ifs of the operating mode are in the table and the JSON, not the CSV
            with_mode_effects=output_format is not Format.csv,
        )
    warn(assessment.warnings)
    if output_format is Format.json:
        from lca.reporting.documents import assessment_to_dict

        write_json(assessment_to_dict(assessment))
    elif output_format is Format.csv:
        write_csv(assessment.to_frame())
    else:
        from lca.reporting.terminal import print_assessment

        print_assessment(assessment)


def _assess_with_brightway_project(
    recipe, output_format, factors, strict, backend, project, methods, mapping, database
) -> None:
    """``lca assess`` with a Brightway background: one assessment per method."""
    with reported():
        require_background(project, methods)
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
    warn_unmatched(results[0].background)
    warn(results[0].assessment.warnings)
    if output_format is Format.json:
        from lca.reporting.documents import method_assessments_to_dict

        write_json(method_assessments_to_dict(results, project))
    elif output_format is Format.csv:
        import pandas as pd

        frames = [r.assessment.to_frame().assign(method=method_label(r.method)) for r in results]
        write_csv(pd.concat(frames))
    else:
        from lca.reporting.terminal import print_assessment

        for r in results:
            echo(f"LCIA method: {method_label(r.method)} (Brightway project '{project}')")
            print_assessment(r.assessment)
