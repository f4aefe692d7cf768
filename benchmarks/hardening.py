"""What does the hardening cost? One notebook autograded with and without sandbox and guard.

    python benchmarks/hardening.py                  # 01_neurons, 3 rounds
    python benchmarks/hardening.py --stem 03_activations --rounds 2

Each round autogrades the solution notebook once in every mode, interleaved (so a busy
machine slows all modes alike), in a course folder of its own, through nbgrader's API:

- ``stock``: nbgrader's own Execute preprocessor (no sandbox, no guard, no crash handling);
- ``limits``: :class:`autograde.hardening.execute.GuardedExecute` with bubblewrap and guard off
  (resource limits, IPC sockets, crash handling, output bounds);
- ``sandbox``: plus bubblewrap;
- ``sandbox+guard``: plus the guard restoring the protected modules around each test cell
  (what ``nn-course autograde`` runs).

Prints the median seconds per mode and the ratio to ``stock``; writes
``benchmarks/results/hardening.json``. Every mode must give the notebook full marks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from autograde.grading.pipeline import prepare_template  # noqa: E402
from autograde.hardening.preprocessors import hardening_config  # noqa: E402
from autograde.hardening.sandbox import sandbox_status  # noqa: E402
from autograde.release.coursefolder import SOLUTIONS_DIR, _cwd, nbgrader_config, quiet_nbgrader  # noqa: E402

MODES = {
    "stock": None,
    "limits": {"sandbox": False, "guard": False},
    "sandbox": {"sandbox": True, "guard": False},
    "sandbox+guard": {"sandbox": True, "guard": True},
}


def grade_once(template: Path, stem: str, mode: dict | None, timeout: int) -> tuple[float, float]:
    """Seconds to autograde the solution notebook in ``mode``, and the score it got."""
    from nbgrader.apps import NbGraderAPI

    work = Path(tempfile.mkdtemp(prefix="nn-course-bench-"))
    try:
        root = work / "course"
        shutil.copytree(template, root)
        target = root / "submitted" / "bench" / stem / f"{stem}.ipynb"
        target.parent.mkdir(parents=True)
        shutil.copyfile(SOLUTIONS_DIR / f"{stem}.ipynb", target)
        config = nbgrader_config(root, timeout)
        if mode is not None:
            config.merge(hardening_config(**mode))
        api = NbGraderAPI(config=config)
        start = time.perf_counter()
        with quiet_nbgrader(), _cwd(root):
            outcome = api.autograde(stem, "bench", force=True, create=True)
        seconds = time.perf_counter() - start
        if not outcome["success"]:
            raise RuntimeError(outcome.get("log", "")[-2000:])
        with api.gradebook as gb:
            score = float(gb.find_submission_notebook(stem, stem, "bench").score)
        return seconds, score
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--stem", default="01_neurons")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cell-timeout", type=int, default=120)
    p.add_argument("--threads", type=int, default=1, help="OMP_NUM_THREADS for the kernels")
    p.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "hardening.json")
    args = p.parse_args(argv)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    usable, why = sandbox_status()
    modes = {k: v for k, v in MODES.items() if usable or not (v and v["sandbox"])}
    times: dict[str, list[float]] = {k: [] for k in modes}
    with tempfile.TemporaryDirectory(prefix="nn-course-bench-template-") as tmp:
        template = Path(tmp) / "template"
        max_score = prepare_template(template, [args.stem])[args.stem]
        for r in range(args.rounds):
            for name, mode in modes.items():
                seconds, score = grade_once(template, args.stem, mode, args.cell_timeout)
                if score != max_score:
                    raise SystemExit(f"{name}: scored {score} of {max_score}")
                times[name].append(seconds)
                print(f"round {r + 1}: {name:<14} {seconds:7.2f} s", flush=True)
    stock = statistics.median(times["stock"])
    rows = {
        name: {
            "median_s": statistics.median(t),
            "runs_s": t,
            "vs_stock": statistics.median(t) / stock,
        }
        for name, t in times.items()
    }
    print(f"\n{args.stem}: autograde of the solution notebook, median of {args.rounds} rounds")
    print(f"{'mode':<14} {'seconds':>8} {'vs stock':>9}")
    for name, row in rows.items():
        print(f"{name:<14} {row['median_s']:8.2f} {row['vs_stock']:8.2f}x")
    if not usable:
        print(f"(bubblewrap modes skipped: {why})")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "stem": args.stem,
                "rounds": args.rounds,
                "machine": {
                    "platform": platform.platform(),
                    "cpus": os.cpu_count(),
                    "load_average": os.getloadavg(),
                },
                "sandbox": why,
                "modes": rows,
            },
            indent=2,
        )
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
