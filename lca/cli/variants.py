"""``lca parameters``, ``sensitivity`` and ``sweep``: a recipe's numbers and their variants."""

from pathlib import Path
from typing import Annotated

import typer

from lca.cli.common import (
    RECIPE_HELP,
    FactorsOption,
    Gwp,
    GwpOption,
    MaxMemoryOption,
    echo,
    echo_err,
    load_factors,
    memory_limit,
    progress_bar,
    reported,
    write_csv,
)
from lca.errors import OutputError


def parameters(
    recipe: Annotated[Path, typer.Argument(help=RECIPE_HELP, show_default=False)],
) -> None:
    """The recipe's numbers as parameter paths (for [[uncertainty]] and `lca sweep --vary`)."""
    from lca.parameters import recipe_distributions, recipe_parameters
    from lca.recipe import read_recipe

    with reported():
        loaded = read_recipe(recipe)
        found = recipe_parameters(loaded)
        uncertain = {p.path: d for p, d, _ in recipe_distributions(loaded)}
    for path, parameter in found.items():
        spread = ""
        if path in uncertain:
            d = uncertain[path]
            spread = f"  {d.kind} " + ", ".join(f"{k}={v:g}" for k, v in d.params.items())
        echo(f"{path:<58} {parameter.value:>10g} {parameter.unit or 'fraction'}{spread}")


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
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write a tornado plot (.html).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing plot.")] = False,
    max_memory: MaxMemoryOption = None,
) -> None:
    """Tornado swings and Sobol indices (with 95 % bootstrap intervals) of the recipe's
    uncertain parameters and factors, for one metric; --plot writes the tornado."""
    from lca.assessment import assess
    from lca.montecarlo import OUTPUTS
    from lca.montecarlo import sensitivity as analyse
    from lca.reporting.output import check_target

    with reported():
        if metric not in OUTPUTS:
            raise OutputError(f"--metric '{metric}' is not one of {', '.join(OUTPUTS)}")
        if plot is not None:
            check_target(plot, force)
            if plot.suffix.lower() not in (".html", ".htm"):
                raise OutputError(f"{plot}: the tornado plot is written as .html")
        chosen = load_factors(factors, gwp)
        rows = analyse(
            recipe,
            n=n,
            seed=seed,
            factors=chosen,
            metric=metric,
            max_memory=memory_limit(max_memory),
        )
        base = assess(recipe, factors=chosen, with_mode_effects=False).value(metric)
    if not rows:
        echo_err("the recipe has no [[uncertainty]] tables and its factors state none")
        raise typer.Exit(1)
    _print_sensitivity(rows, metric, base, n)
    if plot is not None:
        from lca.reporting.charts import tornado_figure

        with reported():
            write_plot(tornado_figure(rows, metric, base), plot, force)
        echo_err(f"wrote {plot}")


def _print_sensitivity(rows: list[dict], metric: str, base: float | None, n: int) -> None:
    """The table of ``lca sensitivity``: the metric, its unit and base value first."""
    import shutil
    import textwrap

    from lca.reporting.charts import metric_unit
    from lca.reporting.labels import format_number, metric_label, parameter_label

    unit = metric_unit(metric)
    columns = shutil.get_terminal_size((110, 24)).columns  # COLUMNS when piped
    for text in (
        f"{metric_label(metric).text} [{unit}]: base value {format_number(base)} (the recipe as "
        "written; flows without a factor left out, which the design draws from the broadest "
        "class proxy)",
        f"Sobol indices from a Saltelli design of n = {n:,}, with 95 % bootstrap intervals; "
        f"swing [{unit}]: the output with the input at its 5th and 95th percentile, others at "
        "their base values",
    ):
        echo(textwrap.fill(text, max(columns, 40)))
    fixed = 17 + 9 + 18 + 18 + 4
    width = min(max(len(parameter_label(r["parameter"])) for r in rows), max(columns - fixed, 16))
    echo(
        f"{'input':<{width}} {'P5 → P95':>17} {'swing':>9} {'S1 [95 % CI]':>18} "
        f"{'ST [95 % CI]':>18}"
    )
    for row in sorted(rows, key=lambda r: -r["swing"]):
        span = f"{format_number(row['low'])} → {format_number(row['high'])}"
        first = f"{row['first_order']:.2f} [{row['first_order_ci'][0]:.2f}, " + (
            f"{row['first_order_ci'][1]:.2f}]"
        )
        total = f"{row['total']:.2f} [{row['total_ci'][0]:.2f}, {row['total_ci'][1]:.2f}]"
        name = parameter_label(row["parameter"])
        if len(name) > width:
            name = name[: width - 1] + "…"
        echo(f"{name:<{width}} {span:>17} {format_number(row['swing']):>9} {first:>18} {total:>18}")


def write_plot(figure, path: Path, force: bool) -> None:
    """A plot as HTML that loads plotly.js from ``plotly.min.js`` beside it (written once per
    folder), so that many plots stay small and open offline."""
    from lca.reporting.output import write_atomically

    write_atomically(path, lambda tmp: figure.write_html(tmp, include_plotlyjs="directory"), force)


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
    """Evaluate a grid or Latin hypercube of parameter values; write a table and a plot.

    With --out and no --plot the table is streamed: any size fits in one block's memory.
    """
    from lca.reporting.output import check_target, write_atomically

    with reported():
        ranges = [_vary(text) for text in vary]
        for target in (out, plot):
            if target is not None:
                check_target(target, force)
        if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
            raise OutputError(f"{out}: the table is written as .csv or .parquet")
        chosen = load_factors(factors, gwp)
        if out is not None and plot is None:
            from lca.sweeps import write_sweep

            fmt = out.suffix.lower().lstrip(".")
            with progress_bar("sweep") as step:
                written: list[int] = []
                write_atomically(
                    out,
                    lambda tmp: written.append(
                        write_sweep(
                            recipe, ranges, tmp, fmt, lhs or None, seed, chosen, progress=step
                        )
                    ),
                    force,
                )
            echo_err(f"wrote {out} ({written[0]} rows)")
            return
        from lca.sweeps import sweep as run_sweep

        with progress_bar("sweep") as step:
            frame = run_sweep(
                recipe,
                ranges,
                lhs=lhs or None,
                seed=seed,
                factors=chosen,
                progress=step,
                max_memory=memory_limit(max_memory),
            )
        if out is None:
            write_csv(frame)
        else:
            from lca.reporting.safe import csv_frame

            if out.suffix.lower() == ".csv":
                safe = csv_frame(frame)
                write_atomically(out, lambda tmp: safe.to_csv(tmp, index=False), force)
            else:
                try:
                    import pyarrow  # noqa: F401
                except ImportError:
                    raise OutputError(
                        "writing .parquet needs pyarrow: pip install 'greenroute[parquet]'"
                    ) from None
                write_atomically(out, lambda tmp: frame.to_parquet(tmp, index=False), force)
            echo_err(f"wrote {out} ({len(frame)} rows)")
        if plot is not None:
            from lca.reporting.charts import sweep_figure

            write_plot(sweep_figure(frame, metric), plot, force)
            echo_err(f"wrote {plot} (plotly.js: {plot.parent / 'plotly.min.js'})")
