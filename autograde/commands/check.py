"""``nn-course check NOTEBOOK``: arguments and the printed table (the work: grading.selfcheck)."""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from pathlib import Path

from autograde.grading.selfcheck import DEFAULT_TIMEOUT, Exercise, WrittenAnswer


def table(exercises: list[Exercise]) -> str:
    w = max([26] + [len(ex.name) for ex in exercises])
    lines = [f"{'exercise':<{w}} {'result':<9} {'points':>6}  why"]
    for ex in exercises:
        lines.append(f"{ex.name:<{w}} {ex.status:<9} {ex.points:>6g}  {ex.why}"[:160].rstrip())
        for test in ex.tests:
            if test.mistake:
                lines += textwrap.wrap(
                    f"this looks like a known mistake: {test.mistake}",
                    width=110,
                    initial_indent=" " * 4,
                    subsequent_indent=" " * 6,
                )
    earned = sum(ex.earned for ex in exercises if ex.status == "passed")
    total = sum(ex.points for ex in exercises)
    lines.append(
        f"{'total':<{w}} {'':<9} {total:>6g}  tests passed for {earned:g} of {total:g} points"
    )
    hidden = [ex for ex in exercises if ex.hidden_points]
    if hidden:
        guarded = sum(ex.hidden_points for ex in hidden)
        lines.append(
            f"hidden tests: the grader adds more cases to {len(hidden)} of these exercises "
            f"({guarded:g} of the {total:g} points depend on them too): passing the tests here "
            "does not guarantee those points"
        )
    return "\n".join(lines)


def written_table(answers: list[WrittenAnswer]) -> str:
    """The written answers: no test can check them, a person grades them after the deadline."""
    if not answers:
        return ""
    points = sum(a.points for a in answers)
    done = sum(1 for a in answers if a.answered)
    lines = [
        f"written answers: {done} of {len(answers)} answered, worth {points:g} more points, "
        "graded by a person after you hand in (not counted above)"
    ]
    for a in answers:
        state = "answered" if a.answered else "not answered yet (an empty answer scores 0)"
        lines.append(f"  {a.grade_id:<30} {a.points:>4g} pts  {state}")
    return "\n".join(lines)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check",
        help="run a notebook's tests and print a table of exercises, passed or not",
        description=(
            "Run NOTEBOOK top to bottom in a fresh kernel, as the grader would (fast mode; the "
            "file is not changed), and print a table: each exercise, whether its tests passed "
            "(or why not), and the points it is worth. In a student copy only the visible "
            "tests run; the grader adds hidden ones. Exits 0 when every test passed."
        ),
    )
    p.add_argument("notebook", type=Path, metavar="NOTEBOOK")
    p.add_argument(
        "--full", action="store_true", help="run heavy steps (training) at full size, not fast"
    )
    p.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"seconds one cell may run (default {DEFAULT_TIMEOUT})",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autograde.grading.selfcheck import (
        Observed,
        execute,
        name_mistakes,
        summarise,
        written_answers,
    )
    from autograde.grading.submissions import validate_notebook

    path = args.notebook
    problem = validate_notebook(path) if path.is_file() else "no such file"
    if problem:
        print(f"nn-course check: {path}: {problem}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    observed = Observed()
    nb = execute(
        path.resolve(), args.timeout, fast=not args.full, progress=not args.quiet, observed=observed
    )
    exercises = summarise(nb)
    name_mistakes(_course_stem(nb, path), exercises, observed)
    if not exercises:
        print(f"nn-course check: {path} has no graded exercises (not a course notebook?)")
        return 2
    print(table(exercises))
    written = written_table(written_answers(nb))
    if written:
        print(written)
    print(f"ran {path} in {time.perf_counter() - start:.0f} s")
    return 0 if all(ex.status == "passed" for ex in exercises) else 1


def _course_stem(nb, path: Path) -> str:
    """Which course notebook this is: by its file name, else (a renamed copy) the course
    notebook whose test cells it shares most."""
    import json

    from autograde.verdicts.visible import shipped_dir

    shipped = {p.stem: p for p in sorted(shipped_dir().glob("*.json"))}
    if path.stem in shipped:
        return path.stem
    ids = {
        c.metadata.get("nbgrader", {}).get("grade_id")
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    best, overlap = "", 0
    for stem, file in shipped.items():
        try:
            cells = set(json.loads(file.read_text(encoding="utf-8")).get("cells", {}))
        except (OSError, ValueError):
            continue
        if len(cells & ids) > overlap:
            best, overlap = stem, len(cells & ids)
    return best
