"""``nn-course autograde SUBMISSIONS --out OUT``."""

from __future__ import annotations

import argparse
import errno
import sys
from collections import defaultdict
from pathlib import Path

from autograde.grading.results import DEFAULT_CELL_TIMEOUT

DISK_FULL = {errno.ENOSPC, errno.EDQUOT}  # no space, or the user's quota spent


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "autograde",
        help="grade a class's notebooks: grades CSV and per-student HTML feedback",
        description=(
            "Grade every student in SUBMISSIONS, a folder with one folder per student id "
            "holding that student's notebooks under their released names "
            "(alice/01_neurons.ipynb), or a .zip of such a folder. Each student is graded with "
            "nbgrader (autograde, generate_feedback) in a course folder of their own; "
            "SUBMISSIONS is never written to. Writes OUT/grades.csv (student_id, notebook, "
            "score, max_score, status, message; one row per student and course notebook; "
            "status is graded, needs manual grading, missing, invalid or error), "
            "OUT/exercises.csv (points per graded cell), OUT/feedback/<student_id>/<notebook>.html, "
            "OUT/gradebook.csv (one row per student, one column per notebook), OUT/report.html "
            "(the class at a glance), OUT/manifest.json (hashes, versions, options) and "
            "OUT/nbgrader, an nbgrader course folder of the whole class in which a person grades "
            "the written answers with nbgrader's formgrader (then `nn-course grades OUT` merges "
            "their points and comments). Exits 0 when the batch completes, even if some "
            "submissions are broken; they are listed at the end."
        ),
    )
    p.add_argument("submissions", type=Path, metavar="SUBMISSIONS")
    p.add_argument("--out", type=Path, required=True, metavar="OUT", help="output folder")
    p.add_argument(
        "--notebooks",
        nargs="+",
        metavar="STEM",
        help="grade only these notebooks (default: all course notebooks)",
    )
    p.add_argument(
        "--cell-timeout",
        type=int,
        default=DEFAULT_CELL_TIMEOUT,
        metavar="SECONDS",
        help=f"seconds one cell may run before it is interrupted (default {DEFAULT_CELL_TIMEOUT})",
    )
    p.add_argument(
        "--keep-work",
        action="store_true",
        help="keep the scratch grading folder (its path is printed) for debugging",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="grade N students at once on this machine, each in a process and folder of its "
        "own (default 1; about one per CPU core); the outputs are the same as a serial run's",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on a Dask distributed cluster (e.g. tcp://10.0.0.5:8786): each student is "
        "a task; notebooks and the course template travel as data, so workers need only this "
        "package installed, not the submissions folder",
    )
    p.add_argument(
        "--memory-limit",
        metavar="SIZE",
        help="address space each grading kernel may use, e.g. 4G (default 6G; 0 for no limit, "
        "e.g. on GPU machines); a memory bomb then fails in its own cell",
    )
    p.add_argument(
        "--no-sandbox",
        action="store_true",
        help="run kernels without bubblewrap (they can then read and write whatever this "
        "user can); by default grading stops with the reason where the sandbox cannot start",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="finish a run into the same --out that was cut (Ctrl-C, a killed grader, a full "
        "disk): students already graded are taken from OUT/.journal, the others are graded; "
        "the outputs are those of an uninterrupted run",
    )
    p.add_argument(
        "--compare",
        type=Path,
        metavar="PREVIOUS_OUT",
        help="an earlier run's --out: print and write OUT/changes.csv, the students whose "
        "scores this run changes, by how much and on which cells (e.g. after a test was fixed); "
        "the points and comments a person gave to written answers in that run are kept for "
        "every answer whose text has not changed",
    )
    p.add_argument(
        "--lms",
        choices=["canvas"],
        help="also write the grades in the layout this LMS imports (canvas: OUT/canvas.csv, "
        "from the roster given with --roster)",
    )
    p.add_argument(
        "--roster",
        type=Path,
        metavar="CSV",
        help="with --lms canvas: the CSV Canvas's gradebook exports (Grades > Export); "
        "students are matched by SIS Login ID, SIS User ID or Canvas ID",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autograde.grading.gradebook import RosterError
    from autograde.grading.pipeline import grade_class
    from autograde.grading.results import GradingSettings
    from autograde.grading.submissions import SubmissionError
    from autograde.hardening.sandbox import DEFAULT_MEMORY_LIMIT, SandboxUnavailable, parse_size

    if (args.lms is None) != (args.roster is None):
        print("nn-course autograde: --lms canvas and --roster go together", file=sys.stderr)
        return 2
    try:
        settings = GradingSettings(
            cell_timeout=args.cell_timeout,
            memory_limit=parse_size(args.memory_limit)
            if args.memory_limit
            else DEFAULT_MEMORY_LIMIT,
            sandbox=not args.no_sandbox,
        )
        report = grade_class(
            args.submissions,
            args.out,
            stems=args.notebooks,
            settings=settings,
            keep_workdir=args.keep_work,
            progress=not args.quiet,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            compare=args.compare,
            canvas_roster=args.roster,
        )
    except KeyboardInterrupt:
        print(
            f"nn-course autograde: interrupted. The students graded so far are kept in "
            f"{args.out}/.journal: run the same command with --resume to grade the rest",
            file=sys.stderr,
        )
        return 130
    except (SubmissionError, SandboxUnavailable, RosterError, ValueError, FileNotFoundError) as exc:
        print(f"nn-course autograde: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if exc.errno not in DISK_FULL:
            raise
        print(
            f"nn-course autograde: the disk is full ({exc.strerror}: {exc.filename or args.out}). "
            f"The students graded so far are kept in {args.out}/.journal: free some space and "
            "run the same command with --resume to grade the rest",
            file=sys.stderr,
        )
        return 1
    print_totals(report.rows)
    for w in report.warnings:
        print(f"warning: {w}")
    for r in report.problems:
        first = r.message.strip().splitlines()[-1] if r.message.strip() else ""
        print(f"problem: {r.student_id}/{r.notebook}.ipynb: {r.status}: {first}")
    counts = ", ".join(f"{n} {status}" for status, n in report.counts().items())
    resumed = f" ({report.resumed} from the journal of the cut run)" if report.resumed else ""
    print(f"notebooks: {counts}{resumed}")
    if args.compare is not None:
        print(f"against {args.compare}: {len(report.changes)} notebooks changed")
        for change in report.changes:
            print(f"  {change.describe()}")
    if args.roster is not None:
        for sid in report.unmatched:
            print(f"warning: {sid} is not in the roster {args.roster}: not in canvas.csv")
    extra = [n for n, on in (("canvas.csv", args.roster), ("changes.csv", args.compare)) if on]
    students = len({r.student_id for r in report.rows})
    print(
        f"graded {students} students; wrote {report.out}/: grades.csv, exercises.csv, "
        f"gradebook.csv, report.html, manifest.json, {', '.join(extra + ['feedback/', 'nbgrader/'])}"
    )
    print_waiting(report.rows, report.out)
    return 0


def print_totals(rows) -> None:
    """Each student's total, and the points of written answers a person has yet to grade."""
    totals: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for r in rows:
        totals[r.student_id][0] += r.score
        totals[r.student_id][1] += r.max_score
        totals[r.student_id][2] += r.pending_points
    print(f"{'student':<24} {'score':>12}")
    for sid, (score, most, waiting) in sorted(totals.items()):
        later = (
            f"  (+ up to {waiting:g} of written answers: needs manual grading)" if waiting else ""
        )
        print(f"{sid:<24} {score:>6g} / {most:<5g}{later}")


def print_waiting(rows, out: Path) -> None:
    """Say how many written answers wait for a person, and how to grade them."""
    waiting = sum(len(r.pending) for r in rows)
    if waiting:
        print(
            f"{waiting} written answers need manual grading: cd {out}/nbgrader && jupyter lab, "
            f"open Nbgrader > Formgrader, grade them, then run: nn-course grades {out}"
        )
