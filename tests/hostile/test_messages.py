"""How a changed hand-in is described, without running a kernel."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograde.grade_student import _edited_cells, _submission_notes
from autograde.release import generate_releases
from tests.hostile import builders as b


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("release") / f"{b.STEM}.ipynb"
    path.write_text(generate_releases([b.STEM])[b.STEM], encoding="utf-8")
    return path


def _hand_in(tmp_path: Path, nb) -> Path:
    path = tmp_path / f"{b.STEM}.ipynb"
    b.write_notebook(nb, path)
    return path


SOURCE = b.ROOT / "solutions" / f"{b.STEM}.ipynb"


def test_untouched_hand_ins_have_nothing_to_report(released, tmp_path):
    assert _edited_cells(released, _hand_in(tmp_path, b.perfect()), SOURCE) == []
    assert _edited_cells(released, SOURCE, SOURCE) == []  # the instructor's own notebook


def test_an_edited_test_cell_is_named(released, tmp_path):
    notes = _edited_cells(released, _hand_in(tmp_path, b.test_edited()), SOURCE)
    assert notes == ["locked or test cell relu_net_test was edited: the original was graded"]


def test_a_moved_test_cell_is_reported(released, tmp_path):
    notes = _edited_cells(released, _hand_in(tmp_path, b.test_moved()), SOURCE)
    assert notes == ["cells were moved: the notebook was graded in the order it was handed in"]


def test_nbgrader_log_lines_become_student_messages():
    log = "\n".join(
        [
            "[WARNING] Missing grade cell neuron_test encountered, adding to notebook",
            "[WARNING] Cell with id 'logic_units_test' exists multiple times!",
            "[WARNING] Cell 'bonus_test' does not exist in the database",
            "[INFO] something else",
        ]
    )
    assert _submission_notes(log) == [
        "cell neuron_test was missing (deleted or its grade id changed): the original was put back",
        "cell logic_units_test appears more than once: only its last copy was graded",
        "cell bonus_test is not part of this assignment: graded as an ordinary cell",
    ]
