"""One module per ``nn-course`` subcommand: arguments and printing only, in the caller's process.

Each exposes ``add_parser(subparsers)``, which registers the subcommand and sets
``func(args) -> int``; the work itself lives in ``release``, ``grading`` and ``audit``.
"""
