"""greenroute benchmarks: run with `python benchmarks/run.py` from a checkout (after
`pip install -e '.[dev]'`). Every figure is measured in this run; speeds are reported as ratios
against a baseline measured in the same run. Results go to benchmarks/results.json and into the
table of docs/performance.md.

(a) route variants per second through the vectorised engine vs a per-variant Python loop over
    the same engine (10-step route);
(b) Monte Carlo draws per second vs Brightway's own Monte Carlo (bw2calc with distributions) on
    the same route and factors, with the means compared against the Monte Carlo error;
(c) peak memory of 10 million variants (a separate process).
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from routes import ten_step_route  # noqa: E402

from lca.factors import load_factor_set  # noqa: E402
from lca.montecarlo import evaluate, sampler, simulate  # noqa: E402


def bench_vectorised(n: int, loop: int) -> dict:
    recipe, factors = ten_step_route(), load_factor_set()
    simulate(recipe, 1000, seed=1, factors=factors)  # warm caches
    start = time.perf_counter()
    draws = simulate(recipe, n, seed=1, factors=factors, outputs=("pmi", "carbon_footprint"))
    vectorised = n / (time.perf_counter() - start)
    one_at_a_time = sampler(recipe, factors, seed=1)
    columns, scales = one_at_a_time.draw(loop)
    start = time.perf_counter()
    looped = [
        evaluate(
            recipe,
            factors,
            {k: v[i : i + 1] for k, v in columns.items()},
            {k: v[i : i + 1] for k, v in scales.items()},
            size=1,
        )["carbon_footprint"][0]
        for i in range(loop)
    ]
    per_variant = loop / (time.perf_counter() - start)
    same = evaluate(recipe, factors, columns, scales, size=loop)["carbon_footprint"]
    assert np.allclose(same, looped, rtol=1e-12), "the loop and the vectorised engine disagree"
    return {
        "route": "10-step linear route, 30 uncertain parameters",
        "variants": n,
        "vectorised_per_s": vectorised,
        "loop_per_s": per_variant,
        "ratio": vectorised / per_variant,
        "target_per_s": 1_000_000,
        "mean_pmi": float(draws["pmi"].mean()),
    }


def bench_memory(n: int) -> dict:
    code = "\n".join(
        [
            "import resource, sys",
            f"sys.path.insert(0, {str(HERE)!r})",
            "from routes import ten_step_route",
            "from lca.montecarlo import simulate",
            "r = ten_step_route(); simulate(r, 1000, seed=1)",
            "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss",
            f"out = simulate(r, {n}, seed=1, outputs=('pmi', 'carbon_footprint'))",
            "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss",
            "print(base, peak, len(out['pmi']))",
        ]
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    base, peak, count = int(output[0]), int(output[1]), int(output[2])
    return {
        "variants": count,
        "peak_mib": peak / 1024,
        "before_run_mib": base / 1024,
        "limit_mib": 1024,
        "ratio_to_limit": peak / 1024 / 1024,
    }


def bench_brightway(n: int) -> dict:
    # bw2calc creates a data folder when imported: keep it out of the home directory
    import os
    import tempfile

    scratch = tempfile.mkdtemp(prefix="greenroute-bench-bw-")
    os.environ.setdefault("BRIGHTWAY2_DIR", scratch)
    for variable in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        os.environ.setdefault(variable, scratch)
    try:
        from lca.backends.brightway_montecarlo import monte_carlo_benchmark
    except ImportError as exc:  # the Brightway extra is not installed
        return {"skipped": f"Brightway not available: {exc}"}
    return monte_carlo_benchmark(ten_step_route(), load_factor_set(), n)


def write_docs(results: dict) -> None:
    doc = HERE.parent / "docs" / "performance.md"
    text = doc.read_text(encoding="utf-8")
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    a, c = results["vectorised"], results["memory"]
    rows = [
        "| benchmark | measured | baseline in the same run | ratio | target |",
        "|---|---|---|---|---|",
        f"| (a) route variants/s, vectorised engine | {a['vectorised_per_s']:,.0f} /s | "
        f"{a['loop_per_s']:,.0f} /s (per-variant loop, same engine) | {a['ratio']:,.0f}× | "
        f"≥ 1,000,000 /s: {'met' if a['vectorised_per_s'] >= 1e6 else 'NOT met'} |",
    ]
    b = results.get("brightway") or {}
    if "gr_per_s" in b:
        rows.append(
            f"| (b) Monte Carlo draws/s vs Brightway | {b['gr_per_s']:,.0f} /s | "
            f"{b['bw_per_s']:,.0f} /s (bw2calc {b.get('bw2calc', '')}, use_distributions) | "
            f"{b['ratio']:,.0f}× | ≥ 100×: {'met' if b['ratio'] >= 100 else 'NOT met'}; means "
            f"{b['gr_mean']:.6g} vs {b['bw_mean']:.6g} ({b['mean_difference_in_se']:.2f} standard "
            "errors) |"
        )
    else:
        rows.append(f"| (b) Monte Carlo vs Brightway | not run: {b.get('skipped', 'n/a')} | | | |")
    rows.append(
        f"| (c) peak memory, {c['variants']:,} variants | {c['peak_mib']:,.0f} MiB | "
        f"{c['before_run_mib']:,.0f} MiB before the run | {c['ratio_to_limit']:.2f} of the "
        f"limit | < 1024 MiB: {'met' if c['peak_mib'] < 1024 else 'NOT met'} |"
    )
    machine = results["machine"]
    table = "\n".join(
        [
            f"Measured {results['date']} on {machine['processor']} ({machine['cpus']} CPUs), "
            f"Python {machine['python']}, numpy {machine['numpy']}, by "
            "`python benchmarks/run.py`.",
            "",
            *rows,
        ]
    )
    before, _, rest = text.partition(start)
    _, _, after = rest.partition(end)
    doc.write_text(f"{before}{start}\n{table}\n{end}{after}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=2_000_000)
    parser.add_argument("--loop", type=int, default=300)
    parser.add_argument("--memory-variants", type=int, default=10_000_000)
    parser.add_argument("--brightway-draws", type=int, default=2_000)
    parser.add_argument("--no-docs", action="store_true", help="Do not update docs/performance.md")
    args = parser.parse_args()
    import os

    results = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": {
            "processor": platform.machine(),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "numpy": np.__version__,
        },
        "vectorised": bench_vectorised(args.variants, args.loop),
        "brightway": bench_brightway(args.brightway_draws),
        "memory": bench_memory(args.memory_variants),
        "max_rss_mib_of_this_process": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    if not args.no_docs:
        write_docs(results)


if __name__ == "__main__":
    main()
