"""An isolated nbgrader course folder: source notebooks, gradebook and configuration.

nbgrader wants a course directory laid out as ``source/<assignment>/<notebook>.ipynb`` with a
gradebook database. Every command of this package builds one in a folder of its own (never in
the repository or a student's submission), one nbgrader assignment per notebook, named by the
notebook's stem (``01_neurons``).
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from traitlets.config import Config

from autograde import course_root
from autograde.grading.results import DEFAULT_CELL_TIMEOUT
from autograde.release.alembic_head import read_head_in_process

SOLUTIONS_DIR = course_root() / "solutions"
RELEASE_DIR = course_root() / "nbs"


def course_stems(solutions: Path = SOLUTIONS_DIR) -> list[str]:
    """The course's notebooks, by stem, in order (``01_neurons``, ``02_backprop``, ...)."""
    return sorted(p.stem for p in solutions.glob("[0-9][0-9]_*.ipynb"))


def nbgrader_config(root: Path, cell_timeout: int = DEFAULT_CELL_TIMEOUT) -> Config:
    """The configuration every nbgrader step of the course runs with."""
    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    c.CourseDirectory.course_id = "nn-course"
    # A student who deletes a graded cell gets it back (scored on the original tests).
    c.OverwriteCells.add_missing_cells = True
    c.Execute.timeout = cell_timeout
    c.Execute.interrupt_on_timeout = True
    c.Execute.allow_errors = True
    c.NbGrader.logfile = ""
    # The student copy says where hidden tests run (nn-course check counts their points).
    from autograde.release.hidden_marker import generate_preprocessors  # imports nbgrader

    read_head_in_process()  # a new gradebook's version without an ``alembic`` process

    c.GenerateAssignment.preprocessors = generate_preprocessors()
    # Students see which check failed and why, never the hidden tests' code.
    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "autograde.grading.feedback.RedactHiddenTests",
        "autograde.grading.feedback_page.ReadableFeedback",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    ]
    # ... on a page a student wants to read: exercise names, maths offline, message first
    from autograde.grading.feedback_page import exporter_config

    exporter_config(c)
    return c


@contextmanager
def quiet_nbgrader(level: int = logging.ERROR):
    """Silence nbgrader's chatty INFO logging for the duration of the block."""
    loggers = [logging.getLogger(n) for n in ("traitlets", "nbgrader", "NbGraderAPI")]
    previous = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(level)
    try:
        yield
    finally:
        for lg, lvl in zip(loggers, previous, strict=True):
            lg.setLevel(lvl)


class CourseFolder:
    """A scratch nbgrader course folder at ``root`` holding the course's source notebooks."""

    def __init__(self, root: Path, cell_timeout: int = DEFAULT_CELL_TIMEOUT) -> None:
        self.root = Path(root)
        self.cell_timeout = cell_timeout

    @classmethod
    def create(
        cls,
        root: Path,
        stems: Iterable[str],
        solutions: Path = SOLUTIONS_DIR,
        cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    ) -> CourseFolder:
        """Copy each solution notebook to ``source/<stem>/<stem>.ipynb`` under ``root``."""
        folder = cls(root, cell_timeout)
        for stem in stems:
            src = solutions / f"{stem}.ipynb"
            if not src.is_file():
                raise FileNotFoundError(f"no solution notebook {src}")
            dest = folder.root / "source" / stem / f"{stem}.ipynb"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
        return folder

    def api(self):
        """An ``NbGraderAPI`` bound to this folder (imported lazily: nbgrader is slow to import)."""
        from nbgrader.apps import NbGraderAPI

        return NbGraderAPI(config=nbgrader_config(self.root, self.cell_timeout))

    def generate(self, stem: str) -> Path:
        """Run nbgrader's generate_assignment for ``stem``; returns the released notebook."""
        with quiet_nbgrader(), _cwd(self.root):
            result = self.api().generate_assignment(stem, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment failed for {stem}:\n{result['log']}")
        return self.root / "release" / stem / f"{stem}.ipynb"


@contextmanager
def _cwd(path: Path):
    """nbgrader resolves some paths against the working directory: run it inside the folder."""
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)
