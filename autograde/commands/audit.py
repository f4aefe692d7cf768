"""``nn-course audit [STEM ...]``: every known-wrong answer caught, every known-right accepted."""

from __future__ import annotations

import argparse
import sys
import time

from autograde.grading.results import DEFAULT_CELL_TIMEOUT


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "audit",
        help="test the tests: grade the known-wrong and known-right answers of each exercise",
        description=(
            "For every notebook with a variants file autograde/variants/NN_topic.py (WRONG and "
            "RIGHT: {grade_id: {label: source}}), grade the solution notebook with each variant "
            "in place of its solution cell, through the same pipeline as `nn-course autograde`. "
            "A wrong variant must lose points in one of its <grade_id>_test* cells; a right one "
            "must keep the whole notebook at full marks. Variants are batched (several per "
            "notebook, never two from exercises that interact) and graded again one by one "
            "when a batch fails. Prints a table per exercise; exits 1 unless every wrong "
            "variant is caught and every right one accepted, 2 when a variants file is unusable."
        ),
    )
    p.add_argument("stems", nargs="*", metavar="STEM", help="notebooks to audit (default: all)")
    p.add_argument(
        "--workers", type=int, default=2, metavar="N", help="notebooks graded at once (default 2)"
    )
    p.add_argument("--scheduler", metavar="ADDRESS", help="grade on this Dask scheduler instead")
    p.add_argument(
        "--isolated",
        action="store_true",
        help="grade every variant in a notebook of its own (no batching; slower)",
    )
    p.add_argument(
        "--cell-timeout",
        type=int,
        default=DEFAULT_CELL_TIMEOUT,
        metavar="SECONDS",
        help=f"seconds one cell may run (default {DEFAULT_CELL_TIMEOUT})",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autograde.audit import run_audit, variant_stems

    known = variant_stems()
    unknown = [s for s in args.stems if s not in known]
    if unknown:
        print(
            f"nn-course audit: no variants file for {', '.join(unknown)} "
            f"(have: {', '.join(known) or 'none'})",
            file=sys.stderr,
        )
        return 2
    if args.workers < 1:
        print("nn-course audit: --workers must be at least 1", file=sys.stderr)
        return 2
    start = time.perf_counter()
    report = run_audit(
        args.stems or None,
        workers=args.workers,
        scheduler=args.scheduler,
        cell_timeout=args.cell_timeout,
        isolated=args.isolated,
        progress=not args.quiet,
    )
    print(report.table())
    print(f"audit took {time.perf_counter() - start:.0f} s")
    if report.problems:
        return 2
    return 0 if report.ok else 1
