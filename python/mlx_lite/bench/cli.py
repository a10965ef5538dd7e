"""``python -m mlx_lite.bench``: options, the run, and what it writes."""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import sys
import time
from dataclasses import asdict
from typing import Any, Callable, Dict, List, Optional, Sequence

import numpy as np

import mlx_lite as ml

from .cases import Case, case_table
from .demo import dask_row, demo
from .measure import (DEFAULT, QUICK, LoadMonitor, Result, Settings, fresh_pages, mlx_cache_limit,
                      run_case)
from .peers import LITE_CACHE, MLX_CACHE, mx
from .report import (LEGEND, format_row, header_lines, others_line, regime_notes, row_cells,
                     section_line, shortfalls, summary_counts, write_json, write_markdown)


def parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m mlx_lite.bench",
        description="Benchmark mlx_lite's scans against their fair floors (np.copyto with the result "
                    "cache, x.astype without it), NumPy and MLX.")
    parser.add_argument("--quick", action="store_true", help="a small subset with few repetitions (1-2 min)")
    parser.add_argument("--cases", metavar="REGEX", help="run only cases whose name or section matches")
    parser.add_argument("--list", action="store_true", help="list the selected cases and exit")
    parser.add_argument("--json", metavar="PATH", help="write every measurement as JSON")
    parser.add_argument("--markdown", metavar="PATH", help="write README-ready markdown tables")
    parser.add_argument("--plot", metavar="PATH",
                        help="write a PNG: heat map of ratio to floor, and the (rows, channels) sweep")
    parser.add_argument("--threads", type=int, metavar="N", help="set MLX_LITE_NUM_THREADS")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the inputs")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo")
    parser.add_argument("--no-fresh-pages", action="store_true",
                        help="leave glibc's malloc thresholds alone (results under 32 MiB then reuse "
                             "freed heap memory in the uncached regime too, on both sides)")
    parser.add_argument("--dask", action="store_true",
                        help="add the Dask row (2*10^8 float32, needs dask[array] and ~2 GB); "
                             "--dask --cases dask runs it alone")
    return parser.parse_args(argv)


def select_cases(quick: bool, pattern: Optional[str]) -> List[Case]:
    cases = [c for c in case_table() if c.quick or not quick]
    if pattern:
        regex = re.compile(pattern)
        cases = [c for c in cases if regex.search(c.name) or regex.search(c.section)]
    return cases


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> Dict[str, Any]:
    """Where and with what the benchmark ran."""
    from .. import _native

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu_model(), "cores": os.cpu_count(), "usable_cores": usable,
        "platform": platform.platform(), "python": platform.python_version(), "numpy": np.__version__,
        "mlx": getattr(mx, "__version__", None) if mx is not None else None,
        "mlx_lite": ml.__version__, "mlx_lite_build": str(_native.core.cpu_target),
        "MLX_LITE_NUM_THREADS": os.environ.get("MLX_LITE_NUM_THREADS"),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "mlx_lite_cache_limit": LITE_CACHE.limit(), "mlx_cache_limit": mlx_cache_limit(),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
    }


def print_machine(info: Dict[str, Any]) -> None:
    threads = info["MLX_LITE_NUM_THREADS"] or f"default ({info['usable_cores']})"
    mlx_limit = info["mlx_cache_limit"]
    print(f"Machine: {info['cpu']}, {info['cores']} cores ({info['usable_cores']} usable); "
          f"numpy {info['numpy']}, mlx {info['mlx'] or 'not available'}, mlx_lite {info['mlx_lite']} "
          f"({info['mlx_lite_build']} build), mlx_lite threads: {threads}; cache limits: mlx_lite "
          f"{info['mlx_lite_cache_limit'] / 2**30:.1f} GiB, MLX "
          f"{'-' if mlx_limit is None else f'{mlx_limit / 2**20:.0f} MiB'}; "
          f"OPENBLAS_NUM_THREADS={info['OPENBLAS_NUM_THREADS']}")
    if info.get("fresh_pages") is False:
        print("Note: glibc's malloc keeps its dynamic thresholds: uncached results under 32 MiB may "
              "reuse freed heap memory (see the regime checks).")
    if not info["mlx_lite_cache_limit"]:
        print("Note: mlx_lite's result cache is off (MLX_LITE_CACHE_LIMIT=0): both regimes are uncached.")
    print()


def run(cases: Sequence[Case], settings: Settings, seed: int = 0,
        emit: Callable[[str], None] = print) -> List[Result]:
    """Measure ``cases`` in order, emitting the table's lines as they come.
    MLX's cache limit is raised to mlx_lite's meanwhile, so that in the cached
    regime MLX too reuses its results' memory (its default keeps 32 MiB)."""
    rng = np.random.default_rng(seed)
    results: List[Result] = []
    section = None
    mlx_saved = None
    if MLX_CACHE is not None:
        mlx_saved = mx.set_cache_limit(max(MLX_CACHE.limit(), LITE_CACHE.limit()))
    try:
        for line in header_lines():
            emit(line)
        for case in cases:
            if case.section != section:
                section = case.section
                emit(section_line(section))
            result = run_case(case, settings, rng)
            results.append(result)
            emit(format_row(row_cells(result)))
            extra = others_line(result)
            if extra:
                emit(extra)
    finally:
        if mlx_saved is not None:
            mx.set_cache_limit(mlx_saved)
    return results


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    fresh = False if args.no_fresh_pages else fresh_pages()
    if args.threads is not None:
        os.environ["MLX_LITE_NUM_THREADS"] = str(args.threads)
    settings = QUICK if args.quick else DEFAULT
    cases = [] if args.dask and args.cases == "dask" else select_cases(args.quick, args.cases)
    if args.list:
        for case in cases:
            print(f"{case.section:<9} {case.name}")
        print(f"{len(cases)} cases")
        return 0
    if not cases and not args.dask:
        print(f"No case matches {args.cases!r}.", file=sys.stderr)
        return 2
    info = dict(machine(), fresh_pages=fresh)
    if not args.no_demo:
        demo()
    print_machine(info)
    load, started = LoadMonitor(), time.perf_counter()
    results = run(cases, settings, args.seed, lambda line: print(line, flush=True)) if cases else []
    if results:
        print()
        print(LEGEND)
    dask_result = dask_row(args.seed) if args.dask else None
    found = shortfalls(results)
    print()
    if results:
        print(summary_counts(results))
    print("Where mlx_lite falls short:" if found else "mlx_lite met every bar; no peer was faster.")
    for line in found:
        print("  - " + line)
    notes = regime_notes(results)
    if notes:
        print("Regime checks (page faults per call):")
        for line in notes:
            print("  - " + line)
    background = load.background()
    elapsed = time.perf_counter() - started
    print(f"\n{len(results)} cases in {elapsed:.0f} s; other processes used "
          f"{'?' if background is None else f'{100 * background:.0f}%'} of the CPUs meanwhile.")
    header = dict(info, quick=args.quick, cases=args.cases, seed=args.seed, seconds=elapsed, fresh_pages=fresh,
                  background_cpu_share=background, settings=asdict(settings), dask=dask_result,
                  floors={"cached": "np.copyto(buf, x, casting='unsafe') into a touched buffer of the "
                                    "result's layout and dtype; mlx_lite with its result cache",
                          "uncached": "x.astype(result_dtype, order='K'); mlx_lite after set_cache_limit(0)"
                                      + ("; malloc takes blocks >= 1 MiB from the kernel" if fresh else ""),
                          "two inputs": "np.multiply(a, b, out=buf) / np.multiply(a, b)"})
    if args.json:
        write_json(args.json, results, header)
        print(f"Wrote {args.json}")
    if args.markdown:
        write_markdown(args.markdown, results, info)
        print(f"Wrote {args.markdown}")
    if args.plot:
        from .plot import write_plot

        write_plot(args.plot, results, info)
        print(f"Wrote {args.plot}")
    return 0
