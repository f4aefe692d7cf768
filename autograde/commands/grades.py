"""``nn-course grades OUT``: merge the written answers a person graded into a class's outputs."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "grades",
        help="after grading written answers in the formgrader: re-export grades and feedback",
        description=(
            "Read the points and comments a person gave in nbgrader's formgrader "
            "(OUT/nbgrader/gradebook.db, the course folder `nn-course autograde` leaves) and "
            "write OUT/grades.csv, exercises.csv, gradebook.csv, report.html, the changed "
            "students' feedback pages and the manifest again with them merged in. Written "
            "answers nobody has graded yet keep the status `needs manual grading`. Safe to run "
            "as often as you like."
        ),
    )
    p.add_argument("out", type=Path, metavar="OUT", help="the --out folder of an autograde run")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autograde.commands.autograde import print_totals, print_waiting
    from autograde.grading.formgrader import NotAGradedClass, load_rows, merge_manual_grades
    from autograde.grading.manifest import with_scores, write_manifest
    from autograde.grading.outputs import write_outputs

    out = args.out.resolve()
    try:
        rows = load_rows(out)
    except NotAGradedClass as exc:
        print(f"nn-course grades: {exc}", file=sys.stderr)
        return 2
    rows = merge_manual_grades(out, rows)
    manifest_path = out / "manifest.json"
    manifest = (
        json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    )
    stems = manifest.get("run", {}).get("stems") or sorted({r.notebook for r in rows})
    write_outputs(rows, out, stems)
    if manifest:
        write_manifest(with_scores(manifest, rows), manifest_path)
    print_totals(rows)
    graded = sum(1 for r in rows for c in r.cells if c.written and not c.pending)
    print(f"merged the formgrader's grades: {graded} written answers graded; wrote {out}/")
    print_waiting(rows, out)
    return 0
