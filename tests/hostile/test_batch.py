"""The batch as a whole: it finishes, the well-behaved are unaffected, nothing else changes."""

from __future__ import annotations

import pytest

from tests.hostile import builders as b
from tests.hostile.conftest import WELL_BEHAVED

pytestmark = pytest.mark.slow


def test_batch_finished_with_a_row_for_every_safe_student(battery):
    graded = {r.student_id for r in battery.report.rows}
    expected = set(battery.cases) | set(b.NOT_NOTEBOOKS) | set(WELL_BEHAVED)
    expected |= {"eve", "frank", "renamed", "twin"} | set(b.MALFORMED)
    assert graded == expected
    assert (battery.out / "grades.csv").is_file()
    for sid in graded:
        assert (battery.out / "feedback" / sid / f"{b.STEM}.html").is_file(), sid


@pytest.mark.parametrize("sid", WELL_BEHAVED)
def test_well_behaved_students_get_exactly_their_solo_grade(battery, solo, sid):
    alone = next(r for r in solo.rows if r.student_id == sid)
    together = battery.row(sid)
    assert (together.score, together.max_score, together.status) == (
        alone.score,
        alone.max_score,
        alone.status,
    )
    assert together.cells == alone.cells
    assert together.message == alone.message == ""
    assert alone.score == (b.FULL if sid == "alice" else b.FULL - 2)


def test_the_submissions_are_unchanged(battery):
    assert battery.after["submissions"] == battery.before["submissions"]


def test_files_outside_the_grading_folder_are_unchanged(battery):
    assert battery.after["keys"] == battery.before["keys"]
