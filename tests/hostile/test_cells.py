"""Test cells deleted, edited, moved, duplicated, renamed; cells added; metadata stripped."""

from __future__ import annotations

import pytest

from tests.hostile._rows import check_row

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "sid",
    [
        "tests-deleted",
        "test-edited",
        "test-moved",
        "test-duplicated",
        "grade-id-changed",
        "cell-added",
        "metadata-stripped",
        "different-notebook",
    ],
)
def test_changed_cells_are_graded_on_the_original_tests(battery, sid):
    check_row(battery, sid)


def test_restored_test_cells_say_so_in_the_feedback(battery):
    assert "was missing from the submission" in battery.feedback("tests-deleted")


def test_a_claimed_bonus_cell_adds_no_points(battery):
    row = battery.row("cell-added")
    assert {c.grade_id for c in row.cells} == {c.grade_id for c in battery.row("alice").cells}
