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
    p.add_argument(
        "--check",
        action="store_true",
        help="only check that nbs/ (and the shipped known mistakes) are up to date",
    )
    p.add_argument(
        "--mistakes",
        action="store_true",
        help=(
            "also rebuild course/data/mistakes/, what `nn-course check` needs to name a known "
            "mistake (grades every known-wrong answer: minutes when nothing is cached)"
        ),
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from autograde.release.generate import out_of_date, release
    from autograde.release.mistakes import build_mistakes, mistakes_out_of_date

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
        for stem in stale:
            print(f"out of date: nbs/{stem.split(' ')[0]}.ipynb {stem.partition(' ')[2]}".rstrip())
        if stale:
            print("run `nn-course release` to regenerate nbs/ from solutions/", file=sys.stderr)
        mistakes = mistakes_out_of_date(stems)
        for stem in mistakes:
            print(f"out of date: course/data/mistakes/{stem}.json")
        if mistakes:
            print(
                "run `nn-course release --mistakes` to rebuild the known mistakes "
                "`nn-course check` names",
                file=sys.stderr,
            )
        if stale or mistakes:
            return 1
        print(f"nbs/ and the known mistakes are in sync with solutions/ ({len(stems)} notebooks)")
        return 0
    for path in release(stems):
        print(f"released {path}")
    if args.mistakes:
        for path in build_mistakes(stems):
            print(f"wrote {path}")
    return 0
