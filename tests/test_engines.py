"""nbgrader's gradebooks share one engine per database while a student is graded, and nothing
of it outlives the block."""

from __future__ import annotations

import nbgrader.api
from nbgrader.api import Gradebook

from autograde.grading.engines import shared_engines


def test_openings_of_one_gradebook_share_an_engine_and_see_each_others_writes(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    other = f"sqlite:///{tmp_path / 'other.db'}"
    original = nbgrader.api.create_engine
    with shared_engines():
        with Gradebook(url) as first:
            first.add_student("ann")
            engine = first.engine
        with Gradebook(url) as second:
            assert second.engine is engine  # SQLAlchemy's compiled queries are kept
            assert [s.id for s in second.students] == ["ann"]
            second.add_student("bob")
        with Gradebook(other) as elsewhere:
            assert elsewhere.engine is not engine and elsewhere.students == []
    assert nbgrader.api.create_engine is original
    with Gradebook(url) as after:  # nbgrader's own engines again, and the data are there
        assert after.engine is not engine
        assert sorted(s.id for s in after.students) == ["ann", "bob"]


def test_the_patch_is_undone_when_grading_fails(tmp_path):
    original = nbgrader.api.create_engine
    try:
        with shared_engines():
            raise RuntimeError("a notebook broke the worker")
    except RuntimeError:
        pass
    assert nbgrader.api.create_engine is original
