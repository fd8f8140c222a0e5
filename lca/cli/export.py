"""``lca export pact``: a route's footprint in an exchange format (see docs/pact.md)."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from lca.cli.common import (
    RECIPE_HELP,
    FactorsOption,
    Gwp,
    GwpOption,
    echo,
    export_app,
    load_factors,
    reported,
    warn,
    write_json,
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
    with reported():
        from lca.assessment import assess as assess_route
        from lca.reporting.output import check_target
        from lca.reporting.pact import pact_footprint, write_pact

        if out is not None:
            check_target(out, force)  # refuse before the work, not after it
        chosen = load_factors(factors, gwp)
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
            primary_libraries=primary_library or (),
        )
        warn(assessment.warnings)
        warn(result.warnings)
        if out is None:
            write_json(result.document)
            return
        written = write_pact(result, out, force=force)
    pcf = result.document["pcf"]
    echo(
        f"wrote {written}: PACT {result.document['specVersion']} ProductFootprint, "
        f"pCfExcludingBiogenic {pcf['pCfExcludingBiogenic']} kg CO2e/kg"
    )
