"""``nn-course lab``: copy the released notebooks into a work folder, open it in JupyterLab.

The student's work lives outside the course's files (``~/nn-course`` unless ``--work``): a
notebook is copied there only when the work folder has none of that name, so updating the
course (``git pull``, a newer student archive) never overwrites an answer.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograde import course_root
from course.openmp import apply_openmp_policy

DEFAULT_WORK = Path("~/nn-course")


def released_notebooks() -> Path | None:
    """Where the released notebooks are: nbs/ of a checkout, else the installed package's."""
    import course

    for folder in (course_root() / "nbs", Path(course.__file__).parent / "notebooks"):
        if any(folder.glob("*.ipynb")):
            return folder
    return None


def prepare_work(released: Path, work: Path) -> tuple[list[str], list[str]]:
    """Copy each released notebook that ``work`` lacks; returns (copied, kept) names."""
    work.mkdir(parents=True, exist_ok=True)
    copied, kept = [], []
    for notebook in sorted(released.glob("*.ipynb")):
        target = work / notebook.name
        if target.exists():
            kept.append(notebook.name)
        else:
            shutil.copyfile(notebook, target)
            copied.append(notebook.name)
    return copied, kept


def lab_command(notebooks: Path, extra: list[str], is_root: bool) -> list[str]:
    """The JupyterLab command line: nbs/ as the root folder, ``--allow-root`` only for root."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={notebooks}"]
    if is_root and "--allow-root" not in extra:
        command.append("--allow-root")
    return command + extra


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "lab",
        help="copy the course notebooks into your work folder and open it in JupyterLab",
        description=(
            "Copy the released notebooks into the work folder (default ~/nn-course; a notebook "
            "already there is never overwritten) and start JupyterLab on it. Any further "
            "arguments go to JupyterLab (e.g. --no-browser --port 8890). As root, --allow-root "
            "is added."
        ),
    )
    p.add_argument(
        "--work", type=Path, default=DEFAULT_WORK, metavar="DIR", help="your work folder"
    )
    p.set_defaults(func=run, pass_through=True, extra=[])


def run(args: argparse.Namespace) -> int:
    released = released_notebooks()
    if released is None:
        print(
            "no course notebooks found (set NN_COURSE_ROOT to the course checkout)",
            file=sys.stderr,
        )
        return 2
    work = args.work.expanduser().resolve()
    copied, kept = prepare_work(released, work)
    if copied:
        print(f"copied into {work}: {', '.join(copied)}")
    if kept:
        print(f"kept your own copies in {work} (not overwritten): {', '.join(kept)}")
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    # every kernel JupyterLab starts inherits it: torch's threads do not spin against other
    # programs on the student's laptop (course.openmp)
    env = apply_openmp_policy(dict(os.environ))
    return subprocess.call(lab_command(work, list(args.extra), is_root), env=env)
