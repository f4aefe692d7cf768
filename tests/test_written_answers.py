"""Written answers, graded by a person: never a silent 0, the formgrader's course folder in OUT,
``nn-course grades`` merging the person's points and comments, and a later run keeping the
grades of answers that did not change.

The person is played here through nbgrader's own gradebook API, exactly the fields the
formgrader writes (``manual_score``, ``manual_comment``); test_formgrader_browser.py does the
same through the formgrader's page in Chromium.
"""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from tinycourse import STEM, WRITTEN_ID, release_copy, write_class, write_course

from autograde.cli import main as nn_course
from autograde.grading.formgrader import answer_text, autograded_path, safe_for_browser
from autograde.grading.pipeline import grade_class
from autograde.grading.results import NEEDS_MANUAL_GRADING, GradingSettings

pytestmark = pytest.mark.slow
QUICK = GradingSettings(cell_timeout=60)
HOSTILE = "Doubling twice is 2 · 2 = 4. <script>window.pwned = 1</script><img src=x onerror='window.pwned = 2'>"


def _csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def answer(notebook_path, text):
    """Write ``text`` into the written-answer cell of a hand-in."""
    nb = json.loads(notebook_path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == WRITTEN_ID:
            cell["source"] = text
    notebook_path.write_text(json.dumps(nb), encoding="utf-8")


def give(out, student, points, comment):
    """What a grader does in the formgrader: points and a comment on one written answer."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{out / 'nbgrader' / 'gradebook.db'}") as gb:
        grade = gb.find_grade(WRITTEN_ID, STEM, STEM, student)
        grade.manual_score = points
        grade.needs_manual_grade = points is None
        gb.find_comment(WRITTEN_ID, STEM, STEM, student).manual_comment = comment
        gb.db.commit()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """ann hands in the solution (the master answer), ben the release (no answer), cat a
    wrong function and a written answer with HTML in it, fay the release without the written
    answer's cell."""
    root = tmp_path_factory.mktemp("written")
    solutions = write_course(root, written=True)
    klass = write_class(root, solutions)
    answer(klass / "cat" / f"{STEM}.ipynb", HOSTILE)
    fay = release_copy(solutions, klass / "fay" / f"{STEM}.ipynb")
    nb = json.loads(fay.read_text(encoding="utf-8"))
    nb["cells"] = [
        c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") != WRITTEN_ID
    ]
    fay.write_text(json.dumps(nb), encoding="utf-8")
    out = root / "out"
    grade_class(klass, out, solutions=solutions, settings=QUICK, progress=False)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    return root, klass, solutions, out, before


def test_an_ungraded_written_answer_says_so_in_every_output(graded):
    _, _, _, out, before = graded
    rows = {r["student_id"]: r for r in _csv_bytes(before["grades.csv"])}
    assert rows["ann"]["status"] == NEEDS_MANUAL_GRADING
    assert (rows["ann"]["score"], rows["ann"]["max_score"]) == ("5", "7")
    assert "written answers worth 2 points await a person" in rows["ann"]["message"]
    # an answer left as released, or deleted, is no answer: 0, decided, nothing for a person
    for sid in ("ben", "fay"):
        assert (rows[sid]["status"], rows[sid]["score"]) == ("graded", "0"), sid
    cells = {(r["student_id"], r["grade_id"]): r for r in _csv_bytes(before["exercises.csv"])}
    assert cells["ann", WRITTEN_ID]["score"] == ""
    assert cells["ann", WRITTEN_ID]["message"] == NEEDS_MANUAL_GRADING
    assert (cells["ben", WRITTEN_ID]["score"], cells["ben", WRITTEN_ID]["comment"]) == (
        "0",
        "No response.",
    )
    wide = {r["student_id"]: r for r in _csv_bytes(before["gradebook.csv"])}
    assert (wide["ann"][STEM], wide["ann"]["total"]) == ("", "")  # no provisional mark for an LMS
    assert (wide["ben"][STEM], wide["ben"]["total"]) == ("0", "0")
    page = (out / "feedback" / "ann" / f"{STEM}.html").read_text(encoding="utf-8")
    assert "needs manual grading" in page and "2.0 points of written answers" in page
    assert "needs manual grading" not in (out / "feedback" / "ben" / f"{STEM}.html").read_text()
    assert "need manual grading" in before["report.html"].decode()


def _csv_bytes(data: bytes):
    return list(csv.DictReader(data.decode("utf-8").splitlines()))


def test_out_holds_an_nbgrader_course_folder_the_formgrader_can_open(graded):
    from nbgrader.api import Gradebook

    _, _, _, out, _ = graded
    root = out / "nbgrader"
    assert (root / "nbgrader_config.py").is_file()
    assert (root / "source" / STEM / f"{STEM}.ipynb").is_file()  # the rubric, for the grader
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        # dan and eve handed in no notebook
        assert sorted(s.id for s in gb.students) == ["ann", "ben", "cat", "fay"]
        ann = gb.find_grade(WRITTEN_ID, STEM, STEM, "ann")
        assert ann.auto_score is None and ann.needs_manual_grade
        tests = gb.find_grade("quadruple_test", STEM, STEM, "cat")
        assert (tests.auto_score, tests.needs_manual_grade) == (0.0, False)
        assert gb.find_submission_notebook(STEM, STEM, "ann").score == 5.0
        assert gb.find_submission_notebook(STEM, STEM, "ann").needs_manual_grade
    for sid in ("ann", "ben", "cat"):
        assert autograded_path(root, sid, STEM).is_file()


def test_no_hand_in_can_run_a_script_in_the_formgrader(graded):
    _, _, _, out, _ = graded
    shown = answer_text(autograded_path(out / "nbgrader", "cat", STEM), WRITTEN_ID)
    assert "<script" not in shown and "<img" not in shown and "&lt;script>" in shown
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": "",
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {
                            "text/html": "<script>alert(1)</script>",
                            "application/javascript": "alert(1)",
                            "text/plain": "<IPython.core.display.HTML object>",
                        },
                    }
                ],
            },
            {"cell_type": "markdown", "metadata": {}, "source": "[x](JavaScript:alert(1))"},
        ]
    }
    safe = json.loads(safe_for_browser(json.dumps(nb).encode()))
    assert list(safe["cells"][0]["outputs"][0]["data"]) == ["text/plain"]
    assert "javascript:" not in safe["cells"][1]["source"].lower()


def test_nn_course_grades_merges_points_and_comments(graded, tmp_path, capsys):
    _, _, _, first, _ = graded
    out = tmp_path / "out"
    shutil.copytree(first, out)
    give(out, "ann", 1.5, "Right idea; say **why** the factors multiply.")
    assert nn_course(["grades", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1 written answers need manual grading" in printed  # cat's
    rows = {r["student_id"]: r for r in _csv(out / "grades.csv")}
    assert (rows["ann"]["score"], rows["ann"]["status"]) == ("6.5", "graded")
    assert rows["cat"]["status"] == NEEDS_MANUAL_GRADING
    cells = {(r["student_id"], r["grade_id"]): r for r in _csv(out / "exercises.csv")}
    assert cells["ann", WRITTEN_ID]["score"] == "1.5"
    assert cells["ann", WRITTEN_ID]["comment"].startswith("Right idea")
    wide = {r["student_id"]: r for r in _csv(out / "gradebook.csv")}
    assert (wide["ann"][STEM], wide["ann"]["total"]) == ("6.5", "6.5")
    page = (out / "feedback" / "ann" / f"{STEM}.html").read_text(encoding="utf-8")
    assert "6.5 / 7.0" in page and "Right idea" in page and "needs manual grading" not in page
    assert "Content-Security-Policy" in page  # written again, still locked down
    manifest = json.loads((out / "manifest.json").read_text())
    ann = next(e for e in manifest["hand_ins"] if e["student_id"] == "ann")
    assert (ann["score"], ann["graded"]) == (6.5, "graded")
    # running it again changes nothing
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.suffix == ".csv"}
    page_before = (out / "feedback" / "ann" / f"{STEM}.html").read_bytes()
    assert nn_course(["grades", str(out)]) == 0
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.suffix == ".csv"} == before
    assert (out / "feedback" / "ann" / f"{STEM}.html").read_bytes() == page_before
    # a grade taken back in the formgrader: the answer waits for a person again, everywhere
    give(out, "ann", None, None)
    assert nn_course(["grades", str(out)]) == 0
    rows = {r["student_id"]: r for r in _csv(out / "grades.csv")}
    assert (rows["ann"]["score"], rows["ann"]["status"]) == ("5", NEEDS_MANUAL_GRADING)
    page = (out / "feedback" / "ann" / f"{STEM}.html").read_text(encoding="utf-8")
    assert "needs manual grading" in page and "Right idea" not in page


def test_grading_again_keeps_the_grades_of_unchanged_answers(graded, tmp_path):
    root, klass, solutions, first, _ = graded
    previous = tmp_path / "previous"
    shutil.copytree(first, previous)
    give(previous, "ann", 2, "Exactly.")
    give(previous, "cat", 0.5, "Do not paste HTML.")
    again = tmp_path / "class"
    shutil.copytree(klass, again)
    answer(again / "cat" / f"{STEM}.ipynb", "Two doublings: 2 · 2 = 4.")  # cat answered again
    out = tmp_path / "out"
    grade_class(again, out, solutions=solutions, settings=QUICK, progress=False, compare=previous)
    rows = {r["student_id"]: r for r in _csv(out / "grades.csv")}
    assert (rows["ann"]["score"], rows["ann"]["status"]) == ("7", "graded")  # kept
    assert rows["cat"]["status"] == NEEDS_MANUAL_GRADING  # a new answer: graded afresh
    cells = {(r["student_id"], r["grade_id"]): r for r in _csv(out / "exercises.csv")}
    assert cells["ann", WRITTEN_ID]["comment"] == "Exactly."
    page = (out / "feedback" / "ann" / f"{STEM}.html").read_text(encoding="utf-8")
    assert "Exactly." in page and "7.0 / 7.0" in page


def test_grades_refuses_a_folder_that_is_no_graded_class(tmp_path, capsys):
    assert nn_course(["grades", str(tmp_path)]) == 2
    assert "holds no graded class" in capsys.readouterr().err
