"""greenroute benchmarks: run with `python benchmarks/run.py` from a checkout (after
`pip install -e '.[dev]'`). Every figure is the median of several runs (``--repeats``, at least
5 for the table in docs/performance.md) with its minimum and maximum, measured in this run
beside the baseline it is compared with; the machine's load is recorded before each section.
Results go to benchmarks/results.json and into the table of docs/performance.md.

(a) engine: route variants per second of a Monte Carlo run of the 10-step route (30 uncertain
    parameters and its factors' uncertainty), against a per-variant loop that rebuilds the
    inventory and footprint model for every variant, a per-variant loop that reuses the
    compiled model, and the rate at which the same random numbers alone are drawn;
(b) factor-only problem (the route's factors uncertain, its recipe fixed): greenroute against
    Brightway's Monte Carlo loop (bw2calc, ``next(lca)``) and against the vectorised use of
    Brightway's libraries (one ``lci``, all draws at once, one matrix product), means compared
    in standard errors;
(c) memory: peak resident memory of fresh ``lca`` processes (each measured from its own start):
    ``lca compare --mc 1e7`` of one and two routes, Monte Carlo of 100- and 1,000-step routes,
    and ``lca sweep`` of 10^6 points streamed to CSV and Parquet (with their times);
(d) scaling: seconds to assess linear chains of 10 to 10,000 steps, and the fitted exponent;
(e) start-up: wall time of ``lca --help`` and ``lca assess`` on an example, against the Python
    interpreter's own start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from routes import ten_step_route, write_chain  # noqa: E402

from lca.factors import load_factor_set  # noqa: E402

LCA = str(Path(sys.executable).with_name("lca"))
PROCESSES = ROOT / "processes"
TARGETS = {
    "engine_per_s": 5_000_000,
    "memory_two_routes_mib": 1024,
    "scaling_exponent": 1.1,
    "help_s": 0.2,
    "assess_s": 0.35,
}


def load(seconds: float = 2.0) -> float:
    """Processors' worth of work done by other processes over ``seconds`` while this one sleeps
    (from /proc/stat; the 1-minute load average where there is none). The load average would
    count this benchmark's own previous section."""

    def ticks() -> tuple[int, int]:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        values = [int(v) for v in fields]
        idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
        return sum(values) - idle, sum(values)

    try:
        busy, total = ticks()
        time.sleep(seconds)
        busy2, total2 = ticks()
    except (OSError, ValueError, IndexError):
        return os.getloadavg()[0]
    return (busy2 - busy) / max(1, total2 - total) * (os.cpu_count() or 1)


def spread(values: list[float]) -> dict:
    """Median, minimum, maximum and count of repeated measurements."""
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": len(values),
    }


def repeat(measure: Callable[[], float], repeats: int) -> dict:
    return spread([measure() for _ in range(repeats)])


def rate(n: int, seconds: dict) -> dict:
    """Per-second rates of ``n`` items from a spread of seconds (min time → max rate)."""
    return {
        "median": n / seconds["median"],
        "min": n / seconds["max"],
        "max": n / seconds["min"],
        "runs": seconds["runs"],
    }


def seconds_of(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


# -- (a) engine --------------------------------------------------------------------------------


def bench_engine(n: int, loop: int, reuse_loop: int, repeats: int) -> dict:
    from lca.blocks import (
        BLOCK,
        COMPILED_FROM,
        default_workers,
        evaluate,
        kernels_available,
        prepare,
    )
    from lca.draws import sampler
    from lca.montecarlo import simulate

    recipe, factors = ten_step_route(), load_factor_set()
    outputs = ("pmi", "carbon_footprint")
    compiled = n >= COMPILED_FROM and kernels_available()
    # caches warm, numba's compiled loops loaded
    simulate(recipe, max(1000, COMPILED_FROM if compiled else 0), seed=1, factors=factors)
    before = load()
    engine = {
        workers: rate(
            n,
            repeat(
                lambda w=workers: seconds_of(
                    lambda: simulate(recipe, n, seed=1, factors=factors, outputs=outputs, workers=w)
                ),
                repeats,
            ),
        )
        for workers in sorted({1, default_workers()})
    }
    draws = sampler(recipe, factors, seed=1)
    run = prepare(recipe, factors, draws, outputs)
    assert run.fused is not None, "the benchmark route does not compile"

    def draw_only(workers: int) -> float:
        # the same random numbers, in the same pieces and threads, and nothing else
        def block(index: int) -> None:
            made = draws.block(index)
            size = min(BLOCK, n - index * BLOCK)
            if compiled:
                from lca.kernels import fill

                plan = run._plan()
                states, rows = made.states()[plan.order], np.empty((plan.streams, plan.piece))
                for start in range(0, size, plan.piece):
                    fill(plan, states, rows, min(plan.piece, size - start))
                return
            for start in range(0, size, run.piece):
                made.draw(min(run.piece, size - start))

        blocks = range(-(-n // BLOCK))
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(block, blocks))
        return time.perf_counter() - start

    workers = default_workers()
    ceiling = rate(n, repeat(lambda: draw_only(workers), repeats))
    columns, scales = draws.draw(0, max(loop, reuse_loop))

    def one(i: int) -> tuple[dict, dict]:
        return (
            {k: v[i : i + 1] for k, v in columns.items()},
            {k: v[i : i + 1] for k, v in scales.items()},
        )

    def rebuilding() -> list[float]:
        return [
            evaluate(recipe, factors, *one(i), size=1, with_gaps=True)["carbon_footprint"][0]
            for i in range(loop)
        ]

    work = np.empty((run.fused.program.rows, 1))

    def reusing() -> list[float]:
        out = []
        for i in range(reuse_loop):
            column, scale = one(i)
            result = run.fused.evaluate(column, scale, work, 1)
            assert result is not None, "a guard of the compiled route failed"
            out.append(result["carbon_footprint"][0])
        return out

    looped_rebuild, looped_reuse = rebuilding(), reusing()
    m = max(loop, reuse_loop)
    together = run.fused.evaluate(columns, scales, np.empty((run.fused.program.rows, m)), m)
    assert together is not None
    same = together["carbon_footprint"]
    assert np.allclose(same[:loop], looped_rebuild, rtol=1e-12), "rebuilding loop disagrees"
    assert np.allclose(same[:reuse_loop], looped_reuse, rtol=1e-12), "reusing loop disagrees"
    rebuild = rate(loop, repeat(lambda: seconds_of(rebuilding), repeats))
    reuse = rate(reuse_loop, repeat(lambda: seconds_of(reusing), repeats))
    best = engine[workers]["median"]
    return {
        "route": "10-step linear route, 30 uncertain parameters, 17 uncertain factor rows",
        "compiled_loops": compiled,
        "variants": n,
        "load_before": before,
        "threads": workers,
        "engine_per_s": engine[workers],
        "engine_one_thread_per_s": engine[1],
        "thread_speed_up": best / engine[1]["median"],
        "draws_only_per_s": ceiling,
        "share_of_draw_rate": best / ceiling["median"],
        "loop_rebuilding_per_s": rebuild,
        "loop_reusing_compiled_per_s": reuse,
        "ratio_to_rebuilding_loop": best / rebuild["median"],
        "ratio_to_reusing_loop": best / reuse["median"],
        "random_numbers_per_variant": len(draws.parameters)
        + sum(len(f.rows) for f in draws.factors),
        "loops_agree_to": 1e-12,
    }


# -- (b) factor-only problem against Brightway ---------------------------------------------------


def bench_factor_only(n: int, bw_loop: int, bw_vector: int, repeats: int) -> dict:
    # bw2calc creates a data folder when imported: keep it out of the home directory
    scratch = tempfile.mkdtemp(prefix="greenroute-bench-bw-")
    os.environ.setdefault("BRIGHTWAY2_DIR", scratch)
    for variable in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ.setdefault(variable, scratch)
    try:
        from lca.backends.brightway_montecarlo import factor_problem, mean_difference_in_se
    except ImportError as exc:  # the Brightway extra is not installed
        return {"skipped": f"Brightway not available: {exc}"}
    from lca.montecarlo import simulate

    factors = load_factor_set()
    problem = factor_problem(ten_step_route(), factors, seed=1)
    before = load()
    ours: dict[str, np.ndarray] = {}

    def greenroute() -> float:
        start = time.perf_counter()
        ours["draws"] = simulate(
            problem.recipe, n, seed=1, factors=factors, outputs=("carbon_footprint",)
        )["carbon_footprint"]
        return time.perf_counter() - start

    gr = rate(n, repeat(greenroute, repeats))
    scores: dict[str, np.ndarray] = {}

    def timed(name: str, run: Callable[[], tuple[float, np.ndarray]]) -> Callable[[], float]:
        def measure() -> float:
            seconds, scores[name] = run()
            return seconds

        return measure

    loop = rate(bw_loop, repeat(timed("loop", lambda: problem.loop(bw_loop)), repeats))
    stats = rate(
        bw_vector, repeat(timed("stats_arrays", lambda: problem.vectorised(bw_vector)), repeats)
    )
    fast = rate(
        bw_vector,
        repeat(timed("numpy", lambda: problem.vectorised(bw_vector, generator="numpy")), repeats),
    )
    best = max(stats["median"], fast["median"])
    return {
        "route": "10-step route, factor uncertainty only",
        "uncertain_factor_rows": len(problem.components),
        "clipped_components": problem.clipped_components,
        "load_before": before,
        "greenroute_per_s": gr,
        "bw_loop_per_s": loop,
        "bw_vectorised_stats_arrays_per_s": stats,
        "bw_vectorised_numpy_per_s": fast,
        "ratio_to_bw_loop": gr["median"] / loop["median"],
        "ratio_to_best_bw_vectorised": gr["median"] / best,
        "means": {
            "greenroute": float(ours["draws"].mean()),
            **{name: float(values.mean()) for name, values in scores.items()},
        },
        "mean_difference_in_se": {
            name: mean_difference_in_se(values, ours["draws"]) for name, values in scores.items()
        },
        "bw2calc": __import__("bw2calc").__version__,
        "stats_arrays": __import__("stats_arrays").__version__,
    }


# -- (c) memory, in fresh processes -------------------------------------------------------------

PEAK = (
    "import resource, subprocess, sys, time\n"
    "start = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "seconds = time.perf_counter() - start\n"
    "if done.returncode: sys.exit(done.stderr.decode()[-2000:])\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, seconds)\n"
)


def peak(command: list[str]) -> tuple[float, float]:
    """(peak resident MiB, seconds) of ``command`` run as a fresh process: the peak of that
    process alone, from its own start (not inherited from this one)."""
    output = subprocess.run(
        [sys.executable, "-c", PEAK, *command], capture_output=True, text=True, check=False
    )
    if output.returncode:
        raise RuntimeError(f"{' '.join(command)} failed: {output.stderr.strip()}")
    kib, seconds = output.stdout.split()
    return int(kib) / 1024, float(seconds)


def bench_memory(n: int, repeats: int, sweep_points: int, folder: Path) -> dict:
    flow, batch = str(PROCESSES / "lidocaine-flow.toml"), str(PROCESSES / "lidocaine-batch.toml")
    before = load()
    cases = {
        "compare_no_mc": [LCA, "compare", flow, batch],
        "compare_one_route": [LCA, "compare", flow, "--mc", str(n)],
        "compare_two_routes": [LCA, "compare", flow, batch, "--mc", str(n)],
    }
    for steps, draws in ((100, 1_000_000), (1000, 30_000)):
        chain = write_chain(folder / f"chain-{steps}.toml", steps, yield_=0.999)
        cases[f"compare_{steps}_steps"] = [LCA, "compare", str(chain), "--mc", str(draws)]
    side = round(sweep_points**0.5)
    vary = [
        "--vary",
        f"amination.product.yield=0.7:0.95:{side}",
        "--vary",
        f"acylation.product.yield=0.7:0.95:{side}",
    ]
    for suffix in ("csv", "parquet"):
        out = folder / f"sweep.{suffix}"
        cases[f"sweep_{suffix}"] = [LCA, "sweep", flow, *vary, "--out", str(out), "--force"]
    results = {}
    for name, command in cases.items():
        runs = [peak(command) for _ in range(repeats)]
        results[name] = {
            "command": " ".join(Path(c).name if "/" in c else c for c in command),
            "peak_mib": spread([r[0] for r in runs]),
            "seconds": spread([r[1] for r in runs]),
        }
    results["sweep_points"] = side * side
    results["variants"] = n
    results["load_before"] = before
    return results


# -- (d) scaling --------------------------------------------------------------------------------


def bench_scaling(sizes: list[int], repeats: int) -> dict:
    from routes import chain_data

    from lca.assessment import assess
    from lca.recipe import parse_recipe

    before = load()
    times = {}
    for steps in sizes:
        recipe = parse_recipe(chain_data(steps, final_first=True, yield_=0.999), source="bench")
        assess(recipe, with_mode_effects=False)  # warm: unit readings and factor lookups
        times[steps] = repeat(
            lambda r=recipe: seconds_of(lambda: assess(r, with_mode_effects=False)), repeats
        )
    x = np.log([float(s) for s in sizes])
    y = np.log([times[s]["median"] for s in sizes])
    exponent, _ = np.polyfit(x, y, 1)
    upper = np.log(sizes[-1] / sizes[-2])
    return {
        "seconds": {str(s): t for s, t in times.items()},
        "exponent": float(exponent),
        "exponent_last_decade": float(
            np.log(times[sizes[-1]]["median"] / times[sizes[-2]]["median"]) / upper
        ),
        "steps_written": "final step first (the order that overflowed recursion before)",
        "load_before": before,
    }


# -- (e) start-up -------------------------------------------------------------------------------


def bench_startup(repeats: int) -> dict:
    def wall(command: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return time.perf_counter() - start

    example = str(PROCESSES / "lidocaine-batch.toml")
    commands = {
        "python_s": [sys.executable, "-c", "pass"],
        "help_s": [LCA, "--help"],
        "assess_s": [LCA, "assess", example],
    }
    # as an installed package has it: bytecode of lca compiled (an editable install with
    # PYTHONDONTWRITEBYTECODE set would compile every module from source on every run)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "lca")], check=True)
    for command in commands.values():  # caches warm (lca.cache), files in the page cache
        wall(command)
    before = load()
    results: dict = {
        name: repeat(lambda c=command: wall(c), repeats) for name, command in commands.items()
    }
    results["load_before"] = before
    results["example"] = "processes/lidocaine-batch.toml"
    results["bytecode"] = "compiled (python -m compileall lca), caches warm"
    return results


# -- the table of docs/performance.md -----------------------------------------------------------


def span(figure: dict, unit: str = "", scale: float = 1.0, digits: int = 3) -> str:
    def show(value: float) -> str:
        value *= scale
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:#.{digits}g}".rstrip(".")

    return (
        f"{show(figure['median'])}{unit} ({show(figure['min'])}–{show(figure['max'])}, "
        f"{figure['runs']} runs)"
    )


def verdict(ok: bool, results: dict, section: dict) -> str:
    """'met' or 'not met', said only of medians of at least 5 runs on a machine that was not
    busy before the section (other processes using less than half a processor); otherwise not
    judged."""
    busy = section.get("load_before", 0.0)
    if results["repeats"] < 5:
        return f"not judged ({results['repeats']} runs)"
    if not ok and busy >= 0.5:
        return f"not judged (load {busy:.2f} before the run)"
    return "met" if ok else "NOT met"


def write_docs(results: dict) -> None:
    doc = ROOT / "docs" / "performance.md"
    text = doc.read_text(encoding="utf-8")
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    a, c, d, e = (results[k] for k in ("engine", "memory", "scaling", "startup"))
    per_s = " /s"
    rows = [
        "| benchmark | measured (median, min–max) | baseline in the same run | ratio | target |",
        "|---|---|---|---|---|",
        f"| (a) variants/s, 10-step route, {a['threads']} threads | "
        f"{span(a['engine_per_s'], per_s)} | {span(a['loop_rebuilding_per_s'], per_s)} "
        "per-variant loop rebuilding inventory and model | "
        f"{a['ratio_to_rebuilding_loop']:,.0f}× | |",
        f"| | | {span(a['loop_reusing_compiled_per_s'], per_s)} per-variant loop reusing the "
        f"compiled model | {a['ratio_to_reusing_loop']:,.0f}× | "
        f"≥ 5,000,000 /s: {verdict(a['engine_per_s']['median'] >= 5e6, results, a)} |",
        f"| | | {span(a['draws_only_per_s'], per_s)} drawing the same "
        f"{a['random_numbers_per_variant']} random numbers per variant, nothing else | "
        f"{a['share_of_draw_rate']:.2f} of the draw rate | |",
        f"| | {span(a['engine_one_thread_per_s'], per_s)} on 1 thread | | "
        f"{a['thread_speed_up']:.2f}× from {a['threads']} threads | |",
    ]
    b = results.get("factor_only") or {}
    if "greenroute_per_s" in b:
        se = b["mean_difference_in_se"]
        rows += [
            f"| (b) factor-only draws/s ({b['uncertain_factor_rows']} uncertain factor rows) | "
            f"{span(b['greenroute_per_s'], per_s)} | {span(b['bw_loop_per_s'], per_s)} "
            f"Brightway Monte Carlo loop (bw2calc {b['bw2calc']}, next(lca)) | "
            f"{b['ratio_to_bw_loop']:,.0f}× | ahead: "
            f"{verdict(b['ratio_to_bw_loop'] > 1, results, b)} |",
            f"| | | {span(b['bw_vectorised_stats_arrays_per_s'], per_s)} Brightway vectorised "
            f"(one lci, stats_arrays {b['stats_arrays']} draws, one product); "
            f"{span(b['bw_vectorised_numpy_per_s'], per_s)} with numpy Generator draws | "
            f"{b['ratio_to_best_bw_vectorised']:.2f}× the faster | ahead: "
            f"{verdict(b['ratio_to_best_bw_vectorised'] > 1, results, b)} |",
            f"| | means: greenroute {b['means']['greenroute']:.6g}, loop "
            f"{b['means']['loop']:.6g} ({se['loop']:.2f} SE), vectorised "
            f"{b['means']['stats_arrays']:.6g} ({se['stats_arrays']:.2f} SE) and "
            f"{b['means']['numpy']:.6g} ({se['numpy']:.2f} SE); components clipped by greenroute "
            f"only: {b['clipped_components']} | | | |",
        ]
    else:
        rows.append(f"| (b) factor-only vs Brightway | not run: {b.get('skipped', 'n/a')} | | | |")
    mib = " MiB"
    two = c["compare_two_routes"]["peak_mib"]["median"]
    rows += [
        f"| (c) peak memory, `lca compare` of 2 routes, --mc {c['variants']:,.0f} | "
        f"{span(c['compare_two_routes']['peak_mib'], mib)} | "
        f"{span(c['compare_no_mc']['peak_mib'], mib)} the same without --mc | "
        f"{two / 1024:.2f} of 1 GiB | < 1024 MiB: {verdict(two < 1024, results, c)} |",
        f"| | 1 route: {span(c['compare_one_route']['peak_mib'], mib)} | | | |",
        f"| | 100 steps, --mc 1,000,000: {span(c['compare_100_steps']['peak_mib'], mib)}; "
        f"1,000 steps, --mc 30,000: {span(c['compare_1000_steps']['peak_mib'], mib)} | | | |",
        f"| (c) `lca sweep` of {c['sweep_points']:,} points streamed to CSV | "
        f"{span(c['sweep_csv']['seconds'], ' s')}, {span(c['sweep_csv']['peak_mib'], mib)} | "
        f"to Parquet: {span(c['sweep_parquet']['seconds'], ' s')}, "
        f"{span(c['sweep_parquet']['peak_mib'], mib)} | "
        f"{c['sweep_csv']['seconds']['median'] / c['sweep_parquet']['seconds']['median']:.2f}× "
        "| |",
    ]
    sizes = list(d["seconds"])
    rows.append(
        "| (d) seconds to assess a chain of "
        + ", ".join(f"{int(s):,}" for s in sizes)
        + " steps | "
        + "; ".join(span(d["seconds"][s], " s") for s in sizes)
        + f" | | fitted exponent {d['exponent']:.2f} (last decade "
        f"{d['exponent_last_decade']:.2f}) | ≤ 1.1: "
        f"{verdict(d['exponent'] <= 1.1, results, d)} |"
    )
    rows += [
        f"| (e) `lca --help` | {span(e['help_s'], ' s')} | {span(e['python_s'], ' s')} "
        f"python -c pass | {e['help_s']['median'] / e['python_s']['median']:.1f}× | "
        f"< 0.2 s: {verdict(e['help_s']['median'] < 0.2, results, e)} |",
        f"| (e) `lca assess {e['example']}` | {span(e['assess_s'], ' s')} | | "
        f"{e['assess_s']['median'] / e['python_s']['median']:.1f}× | "
        f"< 0.35 s: {verdict(e['assess_s']['median'] < 0.35, results, e)} |",
    ]
    machine = results["machine"]
    loads = ", ".join(
        f"{name} {results[name]['load_before']:.2f}"
        for name in ("engine", "factor_only", "memory", "scaling", "startup")
        if "load_before" in results.get(name, {})
    )
    table = "\n".join(
        [
            f"Measured {results['date']} on {machine['processor']} ({machine['cpus']} CPUs), "
            f"Python {machine['python']}, numpy {machine['numpy']}, by "
            f"`python benchmarks/run.py` ({results['repeats']} runs of each figure). "
            f"Processors busy with other work just before each section: {loads}.",
            "",
            *rows,
        ]
    )
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    doc.write_text(f"{before}{start}\n{table}\n{end}{after}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each figure (≥ 5)")
    parser.add_argument("--variants", type=int, default=4_000_000)
    parser.add_argument("--loop", type=int, default=200)
    parser.add_argument("--reuse-loop", type=int, default=3_000)
    parser.add_argument("--factor-variants", type=int, default=4_000_000)
    parser.add_argument("--brightway-loop", type=int, default=2_000)
    parser.add_argument("--brightway-vectorised", type=int, default=2_000_000)
    parser.add_argument("--memory-variants", type=int, default=10_000_000)
    parser.add_argument("--sweep-points", type=int, default=1_000_000)
    parser.add_argument("--sizes", default="10,100,1000,10000", help="chain lengths (steps)")
    parser.add_argument("--only", help="comma-separated sections: engine,factor_only,...")
    parser.add_argument("--no-docs", action="store_true", help="Do not update docs/performance.md")
    args = parser.parse_args()
    sections = {
        "engine": lambda: bench_engine(args.variants, args.loop, args.reuse_loop, args.repeats),
        "factor_only": lambda: bench_factor_only(
            args.factor_variants, args.brightway_loop, args.brightway_vectorised, args.repeats
        ),
        "memory": lambda: bench_memory(
            args.memory_variants, args.repeats, args.sweep_points, Path(scratch)
        ),
        "scaling": lambda: bench_scaling([int(s) for s in args.sizes.split(",")], args.repeats),
        "startup": lambda: bench_startup(max(args.repeats, 7)),
    }
    chosen = args.only.split(",") if args.only else list(sections)
    results: dict = {
        "date": time.strftime("%Y-%m-%d"),
        "repeats": args.repeats,
        "machine": {
            "processor": platform.machine(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
            "load_average_at_start": os.getloadavg(),
        },
    }
    with tempfile.TemporaryDirectory(prefix="greenroute-bench-") as scratch:
        for name in chosen:
            print(f"{name} ...", file=sys.stderr, flush=True)
            results[name] = sections[name]()
            print(json.dumps({name: results[name]}, indent=2), flush=True)
    assert threading.active_count() == 1
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    if not args.no_docs and set(chosen) == set(sections):
        write_docs(results)
    elif not args.no_docs:
        print("docs/performance.md is written only by a run of every section", file=sys.stderr)


if __name__ == "__main__":
    main()
