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


#: A timing sample lasts at least this long: a call of a few microseconds is repeated within
#: one sample (as ``timeit.autorange`` does), so the clock's resolution and one preemption by
#: another process do not decide the figure.
MIN_SAMPLE_SECONDS = 0.01


def calls_per_sample(fn: Callable[[], object], min_seconds: float = MIN_SAMPLE_SECONDS) -> int:
    """How many calls of ``fn`` make a sample of at least ``min_seconds``."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds or number >= 1_000_000:
            return number
        number = max(number * 2, int(number * min_seconds / max(elapsed, 1e-9) * 1.2))


def _sample(fn: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        fn()
    return (time.perf_counter() - start) / number


def median_time(fn: Callable[[], object], repeats: int, warmup: bool = True) -> float:
    """Median wall time of one ``fn()`` call in seconds, over ``repeats`` samples (after a
    warm-up call); a sample times enough calls to last :data:`MIN_SAMPLE_SECONDS`."""
    if warmup:
        fn()
    number = calls_per_sample(fn)
    return statistics.median(_sample(fn, number) for _ in range(max(1, repeats)))


def interleaved_median_times(
    fns: dict[str, Callable[[], object]], repeats: int
) -> dict[str, float]:
    """:func:`median_time` of several functions whose samples take turns (a, b, a, b, ...), so a
    burst of load from another process falls on all of them and their ratios hold."""
    numbers = {}
    for name, fn in fns.items():
        fn()
        numbers[name] = calls_per_sample(fn)
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(max(1, repeats)):
        for name, fn in fns.items():
            samples[name].append(_sample(fn, numbers[name]))
    return {name: statistics.median(values) for name, values in samples.items()}


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
