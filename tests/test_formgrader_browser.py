"""Grading a written answer by hand, end to end in Chromium: nbgrader's formgrader opens the
course folder `nn-course autograde` leaves in OUT as it is; a grader gives points and a comment
to one written answer; `nn-course grades OUT` puts both into grades.csv, exercises.csv and that
student's feedback page. A hand-in with HTML in its answer runs no script in the grader's page."""

from __future__ import annotations

import csv
import json
import time

import pytest
from jupyterlab_browser import JupyterLab, chromium_page, offline_page, require_chromium
from tinycourse import STEM, WRITTEN_ID, write_class, write_course

from autograde.cli import main as nn_course
from autograde.grading.pipeline import grade_class
from autograde.grading.results import GradingSettings

pytestmark = [pytest.mark.slow, pytest.mark.browser]
COMMENT = "Right idea; say why the two factors multiply."
HOSTILE = "2 · 2 = 4 <script>window.pwned = 1</script><img src=x onerror='window.pwned = 2'>"


def _submission_id(out, student: str) -> str:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{out / 'nbgrader' / 'gradebook.db'}") as gb:
        return gb.find_submission_notebook(STEM, STEM, student).id


def _manual(out, student: str) -> tuple:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{out / 'nbgrader' / 'gradebook.db'}") as gb:
        grade = gb.find_grade(WRITTEN_ID, STEM, STEM, student)
        comment = gb.find_comment(WRITTEN_ID, STEM, STEM, student)
        return grade.manual_score, comment.manual_comment


def _set_answer(path, text: str) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == WRITTEN_ID:
            cell["source"] = text
    path.write_text(json.dumps(nb), encoding="utf-8")


def test_a_written_answer_graded_in_the_formgrader_reaches_grades_and_feedback(tmp_path):
    require_chromium()
    solutions = write_course(tmp_path, written=True)
    klass = write_class(tmp_path, solutions)
    _set_answer(klass / "cat" / f"{STEM}.ipynb", HOSTILE)
    out = tmp_path / "out"
    grade_class(
        klass, out, solutions=solutions, settings=GradingSettings(cell_timeout=60), progress=False
    )
    course = out / "nbgrader"
    server = JupyterLab(
        tmp_path / "jupyter", course, cwd=course
    )  # `cd OUT/nbgrader && jupyter lab`
    try:
        server.wait_ready()
        with chromium_page() as page:
            page.goto(server.url("tree"))  # log in as the instructor does (a cookie)
            # the formgrader's list of the notebook's submissions: ann, ben and cat
            page.goto(server.url(f"formgrader/gradebook/{STEM}/{STEM}"))
            page.wait_for_function(
                "() => document.querySelectorAll('tbody tr').length >= 3"
                " && !document.body.innerText.includes('Loading, please wait')",
                timeout=60_000,
            )
            assert page.locator("tbody tr").count() == 3  # dan and eve handed in no notebook
            # a hostile answer is shown as text and runs nothing
            page.goto(server.url(f"formgrader/submissions/{_submission_id(out, 'cat')}/"))
            page.wait_for_selector(f"input#{WRITTEN_ID}", timeout=60_000)
            assert page.evaluate("() => window.pwned") is None
            assert "<script>window.pwned" in page.inner_text("body")
            # ann's written answer: points and a comment, as a grader types them
            page.goto(server.url(f"formgrader/submissions/{_submission_id(out, 'ann')}/"))
            score = page.locator(f"input#{WRITTEN_ID}")
            score.wait_for(timeout=60_000)
            assert "Doubling twice multiplies" in page.inner_text("body")
            score.fill("1.5")
            score.press("Tab")
            comment = page.locator(f"textarea#{WRITTEN_ID}-comment")
            comment.fill(COMMENT)
            comment.press("Tab")
            deadline = time.monotonic() + 30
            while _manual(out, "ann") != (1.5, COMMENT) and time.monotonic() < deadline:
                page.wait_for_timeout(250)
            assert _manual(out, "ann") == (1.5, COMMENT), server.log()
    finally:
        server.stop()
    assert nn_course(["grades", str(out)]) == 0
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert (rows["ann"]["score"], rows["ann"]["status"]) == ("6.5", "graded")
    assert rows["cat"]["status"] == "needs manual grading"
    with open(out / "exercises.csv", newline="", encoding="utf-8") as f:
        cells = {(r["student_id"], r["grade_id"]): r for r in csv.DictReader(f)}
    assert (cells["ann", WRITTEN_ID]["score"], cells["ann", WRITTEN_ID]["comment"]) == (
        "1.5",
        COMMENT,
    )
    with offline_page() as (page, left):  # the student's page, as the student opens it
        page.goto((out / "feedback" / "ann" / f"{STEM}.html").as_uri())
        assert page.inner_text("#nn-score") == "6.5 / 7.0"
        body = page.inner_text("body")
        assert COMMENT in body and "needs manual grading" not in body
        assert left == []
