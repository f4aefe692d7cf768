"""``nn-course lab``: open the student notebooks in JupyterLab."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from autograde import course_root


def lab_command(notebooks: Path, extra: list[str], is_root: bool) -> list[str]:
    """The JupyterLab command line: nbs/ as the root folder, ``--allow-root`` only for root."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={notebooks}"]
    if is_root and "--allow-root" not in extra:
        command.append("--allow-root")
    return command + extra


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "lab",
        help="open the course notebooks (nbs/) in JupyterLab",
        description=(
            "Start JupyterLab on the student notebooks in nbs/. Any further arguments go to "
            "JupyterLab (e.g. --no-browser --port 8890). As root, --allow-root is added."
        ),
    )
    p.set_defaults(func=run, pass_through=True, extra=[])


def run(args: argparse.Namespace) -> int:
    notebooks = course_root() / "nbs"
    if not notebooks.is_dir():
        print(
            f"no notebooks folder at {notebooks} (set NN_COURSE_ROOT to the course checkout)",
            file=sys.stderr,
        )
        return 2
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    return subprocess.call(lab_command(notebooks, list(args.extra), is_root))
