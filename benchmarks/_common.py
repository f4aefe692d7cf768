"""What every benchmark shares: where the repository is, how a figure is timed, where JSON goes.

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _common import ROOT, median_time, write_results

Figures are medians of repeated wall-clock timings after a warm-up call; benchmarks compare
ratios taken in the same run, never absolute seconds against a fixed bound.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def median_time(fn: Callable[[], object], repeats: int, warmup: bool = True) -> float:
    """Median wall time of ``fn()`` in seconds over ``repeats`` calls (after one warm-up call)."""
    if warmup:
        fn()
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    """``fn()``'s result and its wall time in seconds (one call, no warm-up)."""
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def set_threads(threads: int) -> None:
    """BLAS / OpenMP threads for this process and its children (before numpy / torch import)."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(threads)


def machine() -> dict:
    """The facts a reader needs to compare two result files."""
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def write_results(data: dict, out: Path | str) -> Path:
    """Write ``data`` as JSON to ``out`` (a path, or a name under benchmarks/results/)."""
    path = Path(out) if str(out).endswith(".json") else RESULTS / f"{out}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(f"wrote {path}")
    return path
