"""Hand-ins that are not notebooks, unsafe student ids, symbolic links, renamed notebooks."""

from __future__ import annotations

import pytest

from tests.hostile import builders as b

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("sid", sorted(b.NOT_NOTEBOOKS))
def test_not_a_notebook_is_invalid_with_the_reason(battery, sid):
    row = battery.row(sid)
    assert (row.status, row.score, row.max_score) == ("invalid", 0, b.TOTAL)
    assert b.NOT_NOTEBOOKS[sid][1].lower() in row.message.lower()
    assert "could not be graded" in battery.feedback(sid)


@pytest.mark.parametrize("name", ["bad id", "-rf", "x;rm", "caf\u00e9"])
def test_unsafe_student_id_is_skipped_with_a_warning(battery, name):
    assert not [r for r in battery.report.rows if r.student_id == name]
    assert any(repr(name) in w and "not a safe student id" in w for w in battery.report.warnings)
    assert not (battery.out / "feedback" / name).exists()


def test_student_folder_that_is_a_link_is_skipped(battery):
    assert not [r for r in battery.report.rows if r.student_id == "mallory"]
    assert any("'mallory'" in w and "symbolic link" in w for w in battery.report.warnings)


@pytest.mark.parametrize("sid", ["eve", "frank"])
def test_notebook_that_is_a_link_is_invalid(battery, sid):
    row = battery.row(sid)
    assert (row.status, row.score) == ("invalid", 0)
    assert "symbolic link" in row.message


def test_renamed_notebook_is_missing_and_the_message_names_it(battery):
    row = battery.row("renamed")
    assert (row.status, row.score) == ("missing", 0)
    assert "01_neurons (1).ipynb" in row.message
