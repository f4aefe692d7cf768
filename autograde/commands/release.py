"""``nn-course release [STEM ...] [--check]``."""

from __future__ import annotations

import argparse
import sys

from autograde.release.coursefolder import course_stems


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "release",
        help="regenerate nbs/ from solutions/ (or --check that it is in sync)",
        description=(
            "Regenerate the student notebooks nbs/NN_topic.ipynb from the instructor's "
            "solutions/NN_topic.ipynb with nbgrader generate_assignment (solutions become "
            "stubs, hidden tests are removed, graded cells are locked). With --check, write "
            "nothing and exit 1, naming each notebook that is out of date."
        ),
    )
    p.add_argument("stems", nargs="*", metavar="STEM", help="notebooks to release (default: all)")
    p.add_argument("--check", action="store_true", help="only check that nbs/ is up to date")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autograde.release.generate import out_of_date, release

    known = course_stems()
    stems = args.stems or known
    unknown = [s for s in stems if s not in known]
    if unknown:
        print(
            f"no solution notebook for: {', '.join(unknown)} (known: {', '.join(known)})",
            file=sys.stderr,
        )
        return 2
    if args.check:
        stale = out_of_date(stems)
        if stale:
            for stem in stale:
                print(
                    f"out of date: nbs/{stem.split(' ')[0]}.ipynb {stem.partition(' ')[2]}".rstrip()
                )
            print("run `nn-course release` to regenerate nbs/ from solutions/", file=sys.stderr)
            return 1
        print(f"nbs/ is in sync with solutions/ ({len(stems)} notebooks)")
        return 0
    for path in release(stems):
        print(f"released {path}")
    return 0
