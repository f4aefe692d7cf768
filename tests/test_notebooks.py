"""Every course notebook: the solution autogrades to full marks, the release to zero.

One class of two students ("perfect" hands in the solutions, "blank" the released copies) is
graded once through the real pipeline; each notebook is then a parametrized test.
"""

import csv
import shutil

import pytest

from autograde.coursefolder import RELEASE_DIR, SOLUTIONS_DIR, course_stems
from autograde.pipeline import grade_class

pytestmark = pytest.mark.slow

STEMS = course_stems()


@pytest.fixture(scope="module")
def grades(tmp_path_factory) -> dict[tuple[str, str], dict]:
    klass = tmp_path_factory.mktemp("class")
    for sid, folder in (("perfect", SOLUTIONS_DIR), ("blank", RELEASE_DIR)):
        (klass / sid).mkdir()
        for stem in STEMS:
            shutil.copy(folder / f"{stem}.ipynb", klass / sid)
    out = tmp_path_factory.mktemp("out")
    grade_class(klass, out, progress=False)
    with open(out / "grades.csv", newline="") as f:
        return {(r["student_id"], r["notebook"]): r for r in csv.DictReader(f)}


@pytest.mark.parametrize("stem", STEMS)
def test_solution_autogrades_to_full_marks(grades, stem):
    row = grades["perfect", stem]
    assert row["status"] == "graded", row["message"]
    assert float(row["max_score"]) > 0
    assert float(row["score"]) == float(row["max_score"]), row


@pytest.mark.parametrize("stem", STEMS)
def test_release_autogrades_to_zero(grades, stem):
    row = grades["blank", stem]
    assert row["status"] == "graded", row["message"]
    assert float(row["score"]) == 0.0, row
