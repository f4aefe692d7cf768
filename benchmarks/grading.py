"""How fast does the class get graded? Serial vs 2 workers, and the pipeline vs bare nbclient.

    python benchmarks/grading.py                       # 40 students x every course notebook
    python benchmarks/grading.py --students 8 --notebooks 01_neurons --overhead-students 2

1. A synthetic class: ``--students`` students, each handing in every notebook in
   ``--notebooks``; a quarter each *perfect* (the solution notebook), *partial* (every other
   exercise replaced by a known-wrong variant, or by the stub where there is none), *blank*
   (the released notebook) and *hostile* (rotating: corrupt JSON, ``raise SystemExit`` in the
   first answer, ``numpy.allclose`` monkeypatched to pass, a megabyte output flood, an endless
   loop stopped by the cell timeout).
2. The class graded serially, then with ``--workers`` (default 2), in the same run; the CSVs
   must be byte-identical and the feedback files the same (a page's bytes can differ with
   the order a kernel's stdout and stderr arrived in). Ratio: serial time / parallel time.
3. Overhead: every gradeable hand-in of the class executed once with bare ``nbclient`` (same
   cell timeout, ``NBGRADER_EXECUTION=autograde``), one after another. Ratio: serial pipeline
   time / bare time. Per notebook: one perfect student graded with that notebook alone, then
   ``--overhead-students`` K of them (the template cached in both), against K bare executions
   of the solution. What each further student adds, (cost of K - cost of 1) / (K - 1), is the
   per-hand-in cost of a class; the rest of the one-student run is the run's fixed cost
   (starting the warm pool, checking the cached template, writing outputs and the report),
   reported beside it. The template course folder (answer key and the prints of the known
   mistakes) is timed on its own, as built once per class.
   Per notebook also: CPU seconds per hand-in (the machine's, from ``/proc/stat``: a sandboxed
   kernel is reaped by no process of ours, so getrusage would miss it), a bare kernel's peak
   memory, and where a bare run's seconds go (kernel start, the imports cell, answers, tests,
   other cells) beside what grading adds to it.

4. With ``--dask``: the class graded on a real Dask scheduler with 1 and then 2 ``dask worker``
   processes on 127.0.0.1 (started and stopped here, one thread each): wall time, and the
   scheduling overhead per hand-in against the serial run.
5. A table extrapolated from the measured per-hand-in costs: the wall time for 100, 500 and
   1,000 students x these notebooks on this machine (2 workers) and on N such machines.

Prints a table and writes ``benchmarks/results/grading.json``, after every phase (``"complete": false``
until the last), so a run that is cut keeps what it measured. Kernels run with
``OMP_NUM_THREADS=--threads`` (default 1) in every measurement, so two workers do not
oversubscribe two cores. Targets: 2 workers >= 1.8x serial, pipeline <= 1.3x bare (CPU),
one perfect student's six notebooks < 60 s of CPU. Run it on an otherwise quiet machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from autograde.audit import load_variants, solution_ids, substitute  # noqa: E402
from autograde.grading.feedback_page import without_grading_time  # noqa: E402
from autograde.grading.outputs import is_run_record  # noqa: E402
from autograde.grading.pipeline import grade_class, prepare_template  # noqa: E402
from autograde.grading.results import GradingSettings  # noqa: E402
from autograde.release.coursefolder import SOLUTIONS_DIR, course_stems  # noqa: E402
from autograde.release.generate import generate_releases  # noqa: E402
from course.threads import machine_busy_seconds  # noqa: E402

KINDS = ["perfect", "partial", "blank", "hostile"]
HOSTILE = {
    "corrupt": None,
    "system_exit": "raise SystemExit(3)",
    "monkeypatch": "import numpy\nnumpy.allclose = lambda *a, **k: True\n"
    "numpy.testing.assert_allclose = lambda *a, **k: None",
    "flood": "for i in range(20000):\n    print('spam' * 12, i)",
    "endless_loop": "while True:\n    pass",
}


def _hostile(nb: dict, how: str) -> str | None:
    """The hand-in text for a hostile student (the first answer cell replaced), or None."""
    code = HOSTILE[how]
    if code is None:
        return '{"cells": [ {"cell_type": "code", "source": '  # truncated JSON
    first = solution_ids(nb)[0]
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == first:
            cell["source"] = code
    return json.dumps(nb)


def _partial(stem: str, nb: dict) -> dict:
    """Every other exercise wrong (its first known-wrong variant) or left as the stub."""
    try:
        wrong = {}
        for v in load_variants(stem):
            if v.kind == "wrong":
                wrong.setdefault(v.grade_id, v)
    except FileNotFoundError:
        wrong = {}
    ids = solution_ids(nb)[::2]
    nb = substitute(nb, [wrong[g] for g in ids if g in wrong])
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in ids and gid not in wrong:
            cell["source"] = "raise NotImplementedError()"
    return nb


def build_class(root: Path, stems: list[str], students: int) -> dict[str, str]:
    """Write the synthetic class under ``root``; returns student id -> kind."""
    solutions = {s: json.loads((SOLUTIONS_DIR / f"{s}.ipynb").read_text()) for s in stems}
    released = generate_releases(stems)
    kinds = {}
    hostile_ways = list(HOSTILE)
    for i in range(students):
        kind = KINDS[i % len(KINDS)]
        sid = f"s{i:03d}-{kind}"
        if kind == "hostile":
            how = hostile_ways[(i // len(KINDS)) % len(hostile_ways)]
            sid += f"-{how.replace('_', '')}"
        folder = root / sid
        folder.mkdir(parents=True)
        for stem in stems:
            nb = json.loads(json.dumps(solutions[stem]))
            if kind == "perfect":
                text = json.dumps(nb)
            elif kind == "partial":
                text = json.dumps(_partial(stem, nb))
            elif kind == "blank":
                text = released[stem]
            else:
                text = _hostile(nb, how)
            (folder / f"{stem}.ipynb").write_text(text, encoding="utf-8")
        kinds[sid] = kind if kind != "hostile" else f"hostile ({how})"
    return kinds


def bare_execute(path: Path, cell_timeout: int) -> dict:
    """Execute a copy of ``path`` with plain nbclient, as nbgrader would: wall and CPU seconds
    (the machine's) and where the wall seconds went (kernel start, the first cell's imports, answers, tests, other cells), from the
    timestamps nbclient records on each cell."""
    from datetime import UTC, datetime

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as tmp:
        before = _machine_busy()
        began = datetime.now(UTC)
        start = time.perf_counter()
        NotebookClient(
            nb,
            timeout=cell_timeout,
            interrupt_on_timeout=True,
            allow_errors=True,
            kernel_name="python3",
            record_timing=True,
            resources={"metadata": {"path": tmp}},
        ).execute()
        wall = time.perf_counter() - start
        cpu = _machine_busy() - before
    return {"wall_s": wall, "cpu_s": cpu, **where_time_went(nb, began, wall)}


def _machine_busy() -> float:
    """CPU seconds the whole machine has spent busy since boot (``/proc/stat``, see
    :func:`course.threads.machine_busy_seconds`). A sandboxed kernel is reaped by no process of
    ours, so getrusage misses it; the machine's counter does not, on a machine kept otherwise
    quiet."""
    busy = machine_busy_seconds()
    if busy is None:
        raise SystemExit("this benchmark needs Linux's /proc/stat to count CPU seconds")
    return busy


def _cell_kind(cell: dict, first_code: bool) -> str:
    grading = cell.get("metadata", {}).get("nbgrader", {})
    if grading.get("solution"):
        return "answers"
    if grading.get("grade"):
        return "tests"
    return "imports" if first_code else "other"


def where_time_went(nb: dict, began, wall: float) -> dict:
    """Seconds per part of an executed notebook: ``kernel_start`` (until the first cell ran),
    ``imports`` (the first code cell), ``answers``, ``tests``, ``other`` (demos, training,
    plots) and ``teardown`` (the rest of ``wall``)."""
    from datetime import datetime

    parts = dict.fromkeys(["kernel_start", "imports", "answers", "tests", "other"], 0.0)
    first, seen_code = None, False
    for cell in nb["cells"]:
        timing = cell.get("metadata", {}).get("execution", {})
        if cell["cell_type"] != "code" or "shell.execute_reply" not in timing:
            continue
        busy = datetime.fromisoformat(timing["iopub.status.busy"].replace("Z", "+00:00"))
        reply = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
        first = first or busy
        parts[_cell_kind(cell, not seen_code)] += (reply - busy).total_seconds()
        seen_code = True
    if first is not None:
        parts["kernel_start"] = (first - began).total_seconds()
    parts["teardown"] = max(wall - sum(parts.values()), 0.0)
    return parts


def measured(fn, *args) -> dict:
    """Run ``fn(*args)`` in a fresh process: its result, wall seconds, CPU seconds (the
    machine's, see :func:`_machine_busy`) and the peak resident memory in MiB of the largest
    child the process reaped (a kernel's for a bare run; a sandboxed kernel is not among them)."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_measure_here, (fn, *args))


def _measure_here(fn, *args) -> dict:
    import resource

    before = _machine_busy()
    start = time.perf_counter()
    result = fn(*args)
    wall = time.perf_counter() - start
    cpu = _machine_busy() - before
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    return {"result": result, "wall_s": wall, "cpu_s": cpu, "peak_child_mib": peak_mib}


def _digests(root: Path) -> dict[str, str]:
    """SHA-256 of each result file; feedback pages without their grading time."""
    return {
        str(p.relative_to(root)): hashlib.sha256(without_grading_time(p.read_bytes())).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not is_run_record(p.relative_to(root).as_posix())
    }


def compare_outputs(a: Path, b: Path) -> dict:
    """CSVs byte for byte; feedback: the same files, and how many differ in content.

    A feedback page can differ between two runs of the same notebook without any grading
    difference: the order in which a kernel's stdout and stderr reach the grader is not fixed.
    """
    da, db = _digests(a), _digests(b)
    csvs = ["grades.csv", "exercises.csv"]
    return {
        "csv_identical": all(da.get(n) == db.get(n) and n in da for n in csvs),
        "csv_rows_that_differ": _differing_rows(a, b, csvs),
        "feedback_same_files": sorted(da) == sorted(db),
        "feedback_content_differs": sorted(n for n in da if n not in csvs and da[n] != db.get(n)),
    }


def _differing_rows(a: Path, b: Path, names: list[str], most: int = 20) -> list[str]:
    """The rows of the CSVs ``names`` that are not the same in ``a`` and ``b`` (both sides)."""
    found = []
    for name in names:
        rows = [
            (p / name).read_text(encoding="utf-8").splitlines() if (p / name).is_file() else []
            for p in (a, b)
        ]
        only_a = [r for r in rows[0] if r not in set(rows[1])]
        only_b = [r for r in rows[1] if r not in set(rows[0])]
        found += [f"{name} {a.name}: {r}" for r in only_a] + [
            f"{name} {b.name}: {r}" for r in only_b
        ]
    return found[:most]


def _grade(klass: Path, out: Path, stems: list[str], timeout: int, workers: int) -> None:
    settings = GradingSettings(cell_timeout=timeout)
    grade_class(klass, out, stems=stems, settings=settings, progress=False, workers=workers)


def _template(folder: Path, stems: list[str], timeout: int) -> None:
    prepare_template(folder, stems, SOLUTIONS_DIR, timeout)


class DaskProcesses:
    """A scheduler and ``workers`` ``dask worker`` processes on 127.0.0.1 (a context manager)."""

    def __init__(self, workers: int, folder: Path) -> None:
        self.workers, self.folder, self.procs = workers, folder, []

    def __enter__(self) -> str:
        import subprocess

        dask = shutil.which("dask", path=str(Path(sys.executable).parent)) or "dask"
        scheduler_file = self.folder / "scheduler.json"
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "cwd": self.folder}
        self.procs.append(
            subprocess.Popen(
                [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
                + ["--scheduler-file", str(scheduler_file)],
                **quiet,
            )
        )
        while not scheduler_file.is_file():
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        for _ in range(self.workers):
            self.procs.append(
                subprocess.Popen(
                    [dask, "worker", address, "--nthreads", "1", "--no-dashboard"],
                    **quiet,
                )
            )
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(self.workers, timeout=120)
        return address

    def __exit__(self, *exc: object) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
            proc.wait(timeout=60)


def save_partial(results: dict, out: Path, complete: bool = False) -> None:
    """Write what has been measured so far (``"complete": false`` until the end): a run that is
    cut, or stopped by a time limit, keeps the figures of every phase it finished."""
    out.parent.mkdir(parents=True, exist_ok=True)
    part = out.with_name(out.name + ".part")
    part.write_text(json.dumps({**results, "complete": complete}, indent=2))
    part.replace(out)


def extrapolate(
    per_hand_in: float, notebooks: int, speedup: float, cluster_per_hand_in: float
) -> list[dict]:
    """Wall hours for classes of 100, 500 and 1,000 students, from measured costs: one hand-in
    graded serially (``per_hand_in`` s), the 2-worker ``speedup`` of one machine, and one
    hand-in on one Dask worker process (``cluster_per_hand_in`` s, scheduling included); a
    cluster machine runs two worker processes at that same speedup."""
    rows = []
    for students in (100, 500, 1000):
        hand_ins = students * notebooks
        row = {
            "students": students,
            "serial_h": round(hand_ins * per_hand_in / 3600, 2),
            "this_machine_2_workers_h": round(hand_ins * per_hand_in / speedup / 3600, 2),
        }
        for machines in (4, 16):
            hours = hand_ins * cluster_per_hand_in / (speedup * machines) / 3600
            row[f"{machines}_machines_h"] = round(hours, 2)
        rows.append(row)
    return rows


PARTS = ["kernel_start", "imports", "answers", "tests", "other", "teardown"]


def _mean(values: list[float]) -> float:
    return sum(values) / max(len(values), 1)


def marginal_and_fixed(one: float, many: float, k: int) -> tuple[float, float]:
    """Split the cost of grading ``k`` students (``many``) and of one student alone (``one``)
    into what each further student adds and what a run pays once (starting the warm pool,
    checking the cached template, writing the outputs and the report): ``many = fixed + k *
    marginal`` and ``one = fixed + marginal``."""
    if k < 2:
        raise ValueError("need k >= 2 students to tell a student's cost from the run's")
    marginal = max(many - one, 0.0) / (k - 1)
    return marginal, max(one - marginal, 0.0)


def notebook_costs(tmp: Path, stem: str, k: int, timeout: int, class_bare: list[dict]) -> dict:
    """One notebook's costs: one perfect student graded alone, then ``k`` (template cached in
    both), against ``k`` bare executions of the solution. Per hand-in is what each further
    student adds (:func:`marginal_and_fixed`: the cost of a class, once a run's fixed cost is
    spread over it), wall and CPU; beside it the run's fixed cost, the largest process's peak
    memory, and where a bare run's time went; ``grading_steps`` is what the pipeline adds per
    hand-in (nbgrader's preprocessors, sandbox, guard, checks, feedback)."""
    perfect = {n: tmp / f"perfect{n}-{stem}" for n in (1, k)}
    for n, folder in perfect.items():
        for i in range(n):
            (folder / f"p{i}").mkdir(parents=True)
            shutil.copyfile(SOLUTIONS_DIR / f"{stem}.ipynb", folder / f"p{i}" / f"{stem}.ipynb")
    template = measured(_template, tmp / f"template-{stem}", [stem], timeout)
    alone = measured(_grade, perfect[1], tmp / f"out1-{stem}", [stem], timeout, 1)
    graded = measured(_grade, perfect[k], tmp / f"out-{stem}", [stem], timeout, 1)
    wall, fixed_wall = marginal_and_fixed(alone["wall_s"], graded["wall_s"], k)
    cpu, fixed_cpu = marginal_and_fixed(alone["cpu_s"], graded["cpu_s"], k)
    bare = [measured(bare_execute, SOLUTIONS_DIR / f"{stem}.ipynb", timeout) for _ in range(k)]
    bare_wall = _mean([r["result"]["wall_s"] for r in bare])
    bare_cpu = _mean([r["result"]["cpu_s"] for r in bare])
    parts = {part: round(_mean([r["result"][part] for r in bare]), 2) for part in PARTS}
    parts["grading_steps"] = round(max(wall - bare_wall, 0.0), 2)
    return {
        "notebook": stem,
        "students": k,
        "pipeline_s": round(wall, 2),
        "pipeline_cpu_s": round(cpu, 2),
        "fixed_per_run_s": round(fixed_wall, 2),
        "fixed_per_run_cpu_s": round(fixed_cpu, 2),
        "bare_nbclient_s": round(bare_wall, 2),
        "bare_cpu_s": round(bare_cpu, 2),
        "overhead_ratio": round(wall / bare_wall, 2),
        "cpu_overhead_ratio": round(cpu / bare_cpu, 2),
        "peak_reaped_process_mib": round(graded["peak_child_mib"]),
        "bare_kernel_peak_mib": round(max(r["peak_child_mib"] for r in bare)),
        "template_once_per_class_s": round(template["wall_s"], 2),
        "where_time_went_s": parts,
        "dominant": max(parts, key=parts.get),
        "bare_mean_in_class_s": round(_mean([r["wall_s"] for r in class_bare]), 2),
        "bare_cpu_mean_in_class_s": round(_mean([r["cpu_s"] for r in class_bare]), 2),
    }


def print_tables(results: dict, workers: int) -> None:
    """The benchmark's tables on stdout (the same figures as the JSON)."""
    r = results
    print(f"\n{'measure':<44} {'value':>10}  target")
    for label, value, target in [
        ("answer keys and prints, once per class (s)", r["template_first_build_s"], ""),
        ("serial grading (s)", r["serial_s"], ""),
        ("serial grading, CPU (s)", r["serial_cpu_s"], ""),
        (f"{workers} workers (s)", r["parallel_s"], ""),
        ("bare nbclient, same hand-ins (s)", r["bare_class_s"], ""),
        ("bare nbclient, same hand-ins, CPU (s)", r["bare_class_cpu_s"], ""),
        ("CPU per hand-in (s)", r["cpu_per_hand_in_s"], ""),
        ("speedup (x)", r["speedup"], ">= 1.8x"),
        ("pipeline / bare (class, wall) (x)", r["class_overhead_ratio"], "<= 1.3x"),
        ("pipeline / bare (class, CPU) (x)", r["class_cpu_overhead_ratio"], "<= 1.3x"),
        ("one perfect student, six notebooks, CPU (s)", r["perfect_student_cpu_s"], "< 60"),
    ]:
        shown = "not run" if value is None else f"{value:.2f}"
        print(f"{label:<44} {shown:>10}  {target}")
    print(f"{'grades.csv and exercises.csv byte-identical':<44} {str(r['csv_identical']):>10}")
    for row in r["csv_rows_that_differ"]:
        print(f"  differs: {row}")
    print(f"{'same feedback files':<44} {str(r['feedback_same_files']):>10}")
    print(f"{'feedback pages whose bytes differ':<44} {len(r['feedback_content_differs']):>10}")
    print(
        f"\nper hand-in: what each further student adds; fixed: what a run pays once"
        f"\n{'notebook':<16} {'pipe s':>7} {'bare s':>7} {'ratio':>6} {'pipe CPU':>9} "
        f"{'bare CPU':>9} {'ratio':>6} {'fixed CPU':>9} {'kernel MiB':>10} {'template s':>11}"
    )
    for row in r["per_notebook"]:
        print(
            f"{row['notebook']:<16} {row['pipeline_s']:>7.2f} {row['bare_nbclient_s']:>7.2f} "
            f"{row['overhead_ratio']:>5.2f}x {row['pipeline_cpu_s']:>9.2f} {row['bare_cpu_s']:>9.2f} "
            f"{row['cpu_overhead_ratio']:>5.2f}x {row['fixed_per_run_cpu_s']:>9.2f} "
            f"{row['bare_kernel_peak_mib']:>10} "
            f"{row['template_once_per_class_s']:>11.2f}"
        )
    parts = PARTS + ["grading_steps"]
    print(
        f"\nwhere a hand-in's seconds go\n{'notebook':<16} " + " ".join(f"{p:>13}" for p in parts)
    )
    for row in r["per_notebook"]:
        spent = row["where_time_went_s"]
        print(f"{row['notebook']:<16} " + " ".join(f"{spent[p]:>13.2f}" for p in parts))
    if r["dask"]:
        print()
        for key, value in r["dask"].items():
            print(f"dask {key:<40} {value}")
    print(
        f"\n{'students':>8} {'serial h':>9} {'2 workers h':>12} {'4 machines h':>13} {'16 machines h':>14}"
    )
    for row in r["extrapolated"]:
        print(
            f"{row['students']:>8} {row['serial_h']:>9.2f} {row['this_machine_2_workers_h']:>12.2f} "
            f"{row['4_machines_h']:>13.2f} {row['16_machines_h']:>14.2f}"
        )
    print(f"\nmachine: {r['machine']}; load at end {r['load_average_at_end']}")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--students", type=int, default=40)
    p.add_argument("--notebooks", nargs="+", metavar="STEM", help="default: every notebook")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--cell-timeout", type=int, default=15, metavar="SECONDS")
    p.add_argument("--overhead-students", type=int, default=4, metavar="K")
    p.add_argument("--threads", type=int, default=1, help="OMP_NUM_THREADS for every kernel")
    p.add_argument("--dask", action="store_true", help="also grade on 1 and 2 dask workers")
    p.add_argument(
        "--class-only",
        action="store_true",
        help="only the class, serially and with --workers (no bare runs, no per-notebook costs)",
    )
    p.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "grading.json")
    args = p.parse_args(argv)
    stems = args.notebooks or course_stems()
    unknown = [s for s in stems if not (SOLUTIONS_DIR / f"{s}.ipynb").is_file()]
    if unknown or args.students < 1 or args.workers < 2 or args.overhead_students < 2:
        p.error(
            f"unknown notebooks {unknown}"
            if unknown
            else "need >= 1 student, >= 2 workers, >= 2 overhead students"
        )
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    os.environ["NBGRADER_EXECUTION"] = "autograde"  # bare runs see what graded kernels see

    results: dict = {
        "machine": f"{platform.node()} {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start",
        "students": args.students,
        "notebooks": stems,
        "workers": args.workers,
        "cell_timeout_s": args.cell_timeout,
        "threads_per_kernel": args.threads,
    }
    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        tmp = Path(tmp)
        kinds = build_class(tmp / "class", stems, args.students)
        results["mix"] = {k: sum(v.startswith(k) for v in kinds.values()) for k in KINDS}
        print(f"class: {args.students} students x {len(stems)} notebooks {results['mix']}")

        t = args.cell_timeout
        # the answer keys and the prints of known mistakes are made once per class and cached:
        # made here first, so that the serial and the parallel runs both find them made
        first = measured(_template, tmp / "template-first", stems, t)
        results["template_first_build_s"] = round(first["wall_s"], 1)
        print(f"template, keys and prints made once per class: {first['wall_s']:.1f} s")
        serial = measured(_grade, tmp / "class", tmp / "serial", stems, t, 1)
        print(f"serial grading: {serial['wall_s']:.1f} s, {serial['cpu_s']:.1f} s CPU")
        results.update(serial_s=round(serial["wall_s"], 1), serial_cpu_s=round(serial["cpu_s"], 1))
        save_partial(results, args.out)
        parallel = measured(_grade, tmp / "class", tmp / "parallel", stems, t, args.workers)
        print(f"{args.workers} workers: {parallel['wall_s']:.1f} s")
        same = compare_outputs(tmp / "serial", tmp / "parallel")
        results.update(parallel_s=round(parallel["wall_s"], 1), **same)
        save_partial(results, args.out)

        bare_runs: dict[str, list[dict]] = {s: [] for s in stems}
        for folder in [] if args.class_only else sorted((tmp / "class").iterdir()):
            for stem in stems:
                if "corrupt" not in folder.name:
                    run = measured(bare_execute, folder / f"{stem}.ipynb", t)
                    bare_runs[stem].append(run["result"])
        bare = sum(r["wall_s"] for runs in bare_runs.values() for r in runs)
        bare_cpu = sum(r["cpu_s"] for runs in bare_runs.values() for r in runs)
        if not args.class_only:
            print(
                f"bare nbclient, same hand-ins one after another: {bare:.1f} s, {bare_cpu:.1f} s CPU"
            )
            results.update(bare_class_s=round(bare, 1), bare_class_cpu_s=round(bare_cpu, 1))
            save_partial(results, args.out)

        dask: dict = {}
        if args.dask:
            for n in (1, 2):
                with DaskProcesses(n, tmp) as address:
                    start = time.perf_counter()
                    grade_class(
                        tmp / "class",
                        tmp / f"dask-{n}",
                        stems=stems,
                        settings=GradingSettings(cell_timeout=t),
                        progress=False,
                        scheduler=address,
                    )
                    dask[f"{n}_workers_s"] = round(time.perf_counter() - start, 1)
                print(f"dask, {n} worker process(es): {dask[f'{n}_workers_s']} s")
                results["dask"] = dask
                save_partial(results, args.out)
            hand_ins = args.students * len(stems)
            dask["scheduling_overhead_per_hand_in_s"] = round(
                (dask["1_workers_s"] - serial["wall_s"]) / hand_ins, 2
            )
            dask["speedup_2_over_1"] = round(dask["1_workers_s"] / dask["2_workers_s"], 2)
            dask.update(compare_outputs(tmp / "serial", tmp / "dask-2"))

        per_notebook = results["per_notebook"] = []
        for stem in [] if args.class_only else stems:
            per_notebook.append(
                notebook_costs(tmp, stem, args.overhead_students, t, bare_runs[stem])
            )
            save_partial(results, args.out)

    hand_ins = args.students * len(stems)
    results.update(
        {
            "serial_s": round(serial["wall_s"], 1),
            "serial_cpu_s": round(serial["cpu_s"], 1),
            "parallel_s": round(parallel["wall_s"], 1),
            "parallel_cpu_s": round(parallel["cpu_s"], 1),
            "speedup": round(serial["wall_s"] / parallel["wall_s"], 2),
            **same,
            "bare_class_s": round(bare, 1) if bare else None,
            "bare_class_cpu_s": round(bare_cpu, 1) if bare else None,
            "class_overhead_ratio": round(serial["wall_s"] / bare, 2) if bare else None,
            "class_cpu_overhead_ratio": round(serial["cpu_s"] / bare_cpu, 2) if bare else None,
            "cpu_per_hand_in_s": round(serial["cpu_s"] / hand_ins, 2),
            "per_notebook": per_notebook,
            "perfect_student_cpu_s": round(sum(r["pipeline_cpu_s"] for r in per_notebook), 1)
            if per_notebook
            else None,
            "dask": dask,
            "extrapolated": extrapolate(
                serial["wall_s"] / hand_ins,
                len(stems),
                serial["wall_s"] / parallel["wall_s"],
                dask.get("1_workers_s", serial["wall_s"]) / hand_ins,
            ),
            "load_average_at_end": round(os.getloadavg()[0], 1),
        }
    )
    print_tables(results, args.workers)
    save_partial(results, args.out, complete=True)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
