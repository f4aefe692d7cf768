"""How a changed hand-in is described: nbgrader's sanitize steps run on it (no kernel) and the
notes they record where they change something are read back."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest

from autograde.hardening.authentic import AuthenticCells
from autograde.hardening.notes import read_notes
from autograde.hardening.preprocessors import SafeDeduplicateIds, SafeOverwriteCells
from autograde.release.coursefolder import CourseFolder
from tests.hostile import builders as b

SOURCE = b.ROOT / "solutions" / f"{b.STEM}.ipynb"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    CourseFolder.create(root, [b.STEM], SOURCE.parent).generate(b.STEM)
    return root


def sanitize_notes(course: Path, nb, tmp_path: Path) -> list[str]:
    """The notes nn-course's sanitize steps record for hand-in ``nb``."""
    notes = tmp_path / "notes.jsonl"
    notes.unlink(missing_ok=True)
    resources = {
        "nbgrader": {
            "notebook": b.STEM,
            "assignment": b.STEM,
            "db_url": f"sqlite:///{course / 'gradebook.db'}",
            "student": "someone",
        }
    }
    nb = nbformat.from_dict(copy.deepcopy(nb))
    dedup = SafeDeduplicateIds(notes_path=str(notes))
    overwrite = SafeOverwriteCells(
        notes_path=str(notes), release_dir=str(course / "release"), add_missing_cells=True
    )
    nb, resources = dedup.preprocess(nb, resources)
    overwrite.preprocess(nb, resources)
    return read_notes(notes, b.STEM)


def test_untouched_hand_ins_have_nothing_to_report(course, tmp_path):
    assert sanitize_notes(course, b.perfect(), tmp_path) == []
    instructor = nbformat.read(str(SOURCE), as_version=4)
    assert sanitize_notes(course, instructor, tmp_path) == []  # a solution handed in


def test_an_edited_test_cell_is_named(course, tmp_path):
    notes = sanitize_notes(course, b.test_edited(), tmp_path)
    assert "locked or test cell relu_net_test was edited: the original was graded" in notes


def test_a_moved_test_cell_is_reported(course, tmp_path):
    notes = sanitize_notes(course, b.test_moved(), tmp_path)
    assert notes == ["cells were moved: the notebook was graded in the order it was handed in"]


def test_deleted_duplicated_and_unknown_cells_are_named(course, tmp_path):
    nb = b.perfect()
    del nb.cells[b.index_of(nb, "neuron_test")]
    twin = copy.deepcopy(nb.cells[b.index_of(nb, "logic_units_test")])
    nb.cells.insert(b.index_of(nb, "logic_units_test") + 1, twin)
    extra = nbformat.v4.new_code_cell("x = 1")
    extra.metadata["nbgrader"] = {
        "grade_id": "bonus_test",
        "grade": True,
        "points": 5,
        "solution": False,
        "locked": False,
        "schema_version": 3,
    }
    nb.cells.append(extra)
    notes = sanitize_notes(course, nb, tmp_path)
    assert (
        "cell neuron_test was missing (deleted or its grade id changed): the original was put back"
        in notes
    )
    assert "cell logic_units_test appears more than once: only its last copy was graded" in notes
    assert "cell bonus_test is not part of this assignment: graded as an ordinary cell" in notes


def test_changed_points_are_restored_and_named(course, tmp_path):
    nb = b.perfect()
    nb.cells[b.index_of(nb, "neuron_test")].metadata["nbgrader"]["points"] = 99
    notes = sanitize_notes(course, nb, tmp_path)
    assert notes == ["the metadata of cell neuron_test was changed: the original was restored"]


def test_authentic_cells_accept_the_release_and_the_source(course):
    cells = AuthenticCells.load(
        f"sqlite:///{course / 'gradebook.db'}",
        b.STEM,
        b.STEM,
        course / "release" / b.STEM / f"{b.STEM}.ipynb",
    )
    released = cells.released["relu_net_test"]
    assert not cells.edited("relu_net_test", released)
    assert not cells.edited("relu_net_test", cells.source["relu_net_test"].source)
    assert cells.edited("relu_net_test", released + "\nprint('hi')")
    assert not cells.edited("neuron", "anything")  # a solution cell is the student's
