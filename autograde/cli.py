"""The ``nn-course`` command: one subcommand per step of the course's life.

Subcommands live in their own modules, each exposing ``add_parser(subparsers)`` that registers
the subcommand and sets ``func(args) -> int`` as its handler; ``COMMAND_MODULES`` lists them.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = [
    "autograde.commands.release",
    "autograde.commands.autograde",
    "autograde.commands.grades",
    "autograde.commands.audit",
    "autograde.commands.check",
    "autograde.commands.data",
    "autograde.commands.lab",
    "autograde.commands.student_dist",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nn-course",
        description=(
            "nn-course: six autograded notebooks on neural networks. Students: open nbs/ in "
            "JupyterLab. Instructors: release, autograde, audit."
        ),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue  # the students' distribution leaves the instructor's audit out
        module.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        if not getattr(args, "pass_through", False):
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
        args.extra = unknown
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
