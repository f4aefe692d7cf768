"""Every course notebook: the solution autogrades to full marks, the release to zero.

One class of two students ("perfect" hands in the solutions, "blank" the released copies) is
graded once through the real pipeline; each notebook is then a parametrized test.
"""

import os
import shutil

import pytest

from autograde.grading.pipeline import grade_class
from autograde.grading.results import full_marks
from autograde.release.coursefolder import RELEASE_DIR, SOLUTIONS_DIR, course_stems

pytestmark = pytest.mark.slow

STEMS = course_stems()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    klass = tmp_path_factory.mktemp("class")
    for sid, folder in (("perfect", SOLUTIONS_DIR), ("blank", RELEASE_DIR)):
        (klass / sid).mkdir()
        for stem in STEMS:
            shutil.copy(folder / f"{stem}.ipynb", klass / sid)
    out = tmp_path_factory.mktemp("out")
    before = dict(os.environ)
    report = grade_class(klass, out, progress=False)
    graded = {(r.student_id, r.notebook): r for r in report.rows}
    graded["environment changed"] = {k: v for k, v in os.environ.items() if before.get(k) != v} | {
        k: None for k in before if k not in os.environ
    }
    return graded


def test_grading_leaves_the_instructors_environment_as_it_was(graded):
    # the answer keys are graded in this process: nothing it set may outlive it
    assert graded["environment changed"] == {}


def lost_points(row) -> str:
    """One line per graded cell that lost points: cell, points and the first line of its error."""
    lines = [
        f"{row.notebook}: {row.score:g}/{row.max_score:g} ({row.status}) {row.message}".rstrip()
    ]
    lines += [
        f"  {c.grade_id}: {c.score:g}/{c.max_score:g}  {c.message}".rstrip()
        for c in row.cells
        if c.score < c.max_score and not c.pending
    ]
    return "\n".join(lines)


@pytest.mark.parametrize("stem", STEMS)
def test_solution_autogrades_to_full_marks(graded, stem):
    """The named check CI runs in both environments (locked and newest)."""
    row = graded["perfect", stem]
    assert row.status == "graded" and row.max_score > 0, lost_points(row)
    # every point but the written answers', which wait for a person (never a silent 0)
    assert full_marks(row), lost_points(row)
    written = [c for c in row.cells if c.written]
    assert written, f"{stem} asks for no written answer"
    assert all(c.pending and c.score == 0 for c in written), written
    assert row.score == row.max_score - sum(c.max_score for c in written), lost_points(row)


@pytest.mark.parametrize("stem", STEMS)
def test_release_autogrades_to_zero(graded, stem):
    row = graded["blank", stem]
    assert row.status == "graded", lost_points(row)
    assert row.score == 0.0, f"{stem}: the release scores {row.score:g}, not 0"
    # a written answer left as released is no answer: 0 points, nothing for a person to grade
    written = [c for c in row.cells if c.written]
    assert written and not row.pending, written
    assert all(c.comment == "No response." for c in written), written
