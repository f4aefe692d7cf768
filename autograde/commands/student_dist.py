"""``nn-course student-dist``: build the students' archive (the work: release.student_dist)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "student-dist",
        help="build the archive students install: released notebooks and tools, no answers",
        description=(
            "Write nn-course-student-VERSION.zip into --out: the course library with the "
            "released notebooks (nbs/) and the nn-course lab / check commands, without "
            "solutions/, hidden tests or known answers (the archive is scanned for them before "
            "it is kept). Students install it with pip."
        ),
    )
    p.add_argument("--out", type=Path, default=Path("dist"), help="folder for the archive")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autograde.release.coursefolder import course_stems
    from autograde.release.generate import out_of_date
    from autograde.release.student_dist import build, leaks

    stale = out_of_date(course_stems())
    if stale:
        print(
            "nn-course student-dist: nbs/ is out of date for "
            + ", ".join(stale)
            + "; run `nn-course release` first",
            file=sys.stderr,
        )
        return 2
    archive = build(args.out)
    found = leaks(archive)
    if found:
        archive.unlink()
        print("nn-course student-dist: refused, the archive would leak:", file=sys.stderr)
        for line in found[:20]:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(
        f"wrote {archive} ({archive.stat().st_size / 1e6:.1f} MB): no hidden test or known answer in it"
    )
    return 0
