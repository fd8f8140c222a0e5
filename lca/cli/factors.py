"""``lca factors list|search|show``: the emission-factor libraries."""

from enum import StrEnum
from typing import Annotated

import typer

from lca.cli.common import (
    FactorsOption,
    Gwp,
    GwpOption,
    echo,
    echo_err,
    factors_app,
    load_factors,
    reported,
    write_csv,
)
from lca.errors import FactorError


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

    with reported():
        factor_set = load_factors(factors, gwp)
    rows = [
        (layer, row)
        for layer in factor_set.layers
        for row in layer.rows
        if fnmatch.fnmatchcase(row.key, key)
    ]
    if output_format is ListFormat.csv:
        import pandas as pd

        columns = (*COLUMNS, *OPTIONAL_COLUMNS)
        write_csv(
            pd.DataFrame(
                [{c: getattr(row, c) for c in columns} for _, row in rows], columns=columns
            )
        )
        return
    for layer, row in rows:
        echo(
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

    with reported():
        rows = load_factors(factors, gwp).search(text)
    if not rows:
        echo_err(f"no factor matches '{text}'")
        raise typer.Exit(1)
    for row in rows:
        echo(f"{row.key:<34} {row.region:<8} {row.value:>12g} {row.unit:<24} {row.name}")


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

    with reported():
        factor_set = load_factors(factors, gwp)
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
    if material is None or proxy is None:
        raise FactorError(
            f"no factor '{key}' in any library and no class proxy for it; "
            "`lca factors search` lists what there is"
        )
    return proxy, (
        f"{key} has no factor of its own: its class '{material.material_class}' answers with "
        "a class proxy"
    )
