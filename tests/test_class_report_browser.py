"""A graded class's instructor files, end to end: report.html opened offline in a real Chromium
(figures load, counts agree with grades.csv, every feedback link resolves, no request leaves
the page), gradebook.csv, canvas.csv, changes.csv and manifest.json."""

from __future__ import annotations

import collections
import csv
import hashlib
import json
import shutil

import pytest
from jupyterlab_browser import offline_page
from tinycourse import STEM, write_class, write_course

from autograde.grading.pipeline import grade_class
from autograde.grading.results import GradingSettings

pytestmark = [pytest.mark.slow]
QUICK = GradingSettings(cell_timeout=60)
ROSTER = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,Quiz (7)\n"
    "    Points Possible,,,,,10\n"
    "Ann A,1,u1,ann,S1,9\nBen B,2,u2,BEN,S1,\nCat C,3,u3,cat,S2,\nDan D,4,u4,dan,S2,\n"
)


def _csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The tiny class graded, then graded again after ben handed in the solution."""
    root = tmp_path_factory.mktemp("classview")
    solutions = write_course(root)
    klass = write_class(root, solutions)
    first = root / "first"
    grade_class(klass, first, solutions=solutions, settings=QUICK, progress=False)
    shutil.copyfile(solutions / f"{STEM}.ipynb", klass / "ben" / f"{STEM}.ipynb")
    (root / "roster.csv").write_text(ROSTER, encoding="utf-8")
    second = root / "second"
    report = grade_class(
        klass,
        second,
        solutions=solutions,
        settings=QUICK,
        progress=False,
        compare=first,
        canvas_roster=root / "roster.csv",
    )
    return klass, first, second, report


def test_changes_name_the_student_who_handed_in_again(graded):
    _, _, second, report = graded
    assert [(c.student_id, c.before, c.after) for c in report.changes] == [("ben", 0.0, 5.0)]
    lines = _csv(second / "changes.csv")
    assert [(r["student_id"], r["change"]) for r in lines] == [("ben", "+5")]
    assert (
        "double_test 0 -> 2" in lines[0]["cells"] and "quadruple_test 0 -> 3" in lines[0]["cells"]
    )


def test_gradebook_and_canvas_agree_with_grades_csv(graded):
    _, _, second, report = graded
    grades = {r["student_id"]: r["score"] for r in _csv(second / "grades.csv")}
    book = {r["student_id"]: r[STEM] for r in _csv(second / "gradebook.csv")}
    assert book.pop("points_possible") == "5"
    assert book == grades
    canvas = _csv(second / "canvas.csv")
    assert list(canvas[0])[:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert canvas[0]["Student"] == "Points Possible" and canvas[0][STEM] == "5"
    assert {r["SIS Login ID"]: r[STEM] for r in canvas[1:]} == {
        "ann": "5",
        "BEN": "5",  # matched without regard to case
        "cat": grades["cat"],
        "dan": "0",
    }
    assert report.unmatched == ["eve"]  # graded, not on the roster


def test_the_manifest_lets_every_grade_be_derived_again(graded):
    klass, first, second, _ = graded
    m1 = json.loads((first / "manifest.json").read_text())
    m2 = json.loads((second / "manifest.json").read_text())
    entries = {e["student_id"]: e for e in m2["hand_ins"]}
    for sid in ("ann", "ben", "cat", "dan"):
        data = (klass / sid / f"{STEM}.ipynb").read_bytes()
        assert entries[sid]["sha256"] == hashlib.sha256(data).hexdigest(), sid
    assert entries["eve"]["status"] == "missing" and entries["eve"]["sha256"] == ""
    assert entries["ann"]["graded"] == "graded" and entries["ann"]["seconds"] > 0
    assert m1["releases"] == m2["releases"] and len(m2["releases"][STEM]) == 64
    assert m2["versions"]["nbgrader"] and m2["versions"]["torch"] and m2["created"]


@pytest.mark.browser
def test_the_report_opens_offline_with_its_figures_and_the_counts_of_grades_csv(graded, tmp_path):
    _, _, second, _ = graded
    counts = collections.Counter(r["status"] for r in _csv(second / "grades.csv"))
    with offline_page() as (page, left):
        page.goto((second / "report.html").as_uri())
        page.wait_for_load_state("load")
        sizes = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.id, e.complete, e.naturalWidth, e.naturalHeight])"
        )
        shown = page.eval_on_selector_all(
            "#status-counts span[data-status]",
            "els => els.map(e => [e.dataset.status, Number(e.textContent)])",
        )
        links = page.eval_on_selector_all("#students a", "els => els.map(e => e.href)")
        kinds = page.eval_on_selector_all(
            "#problems [data-kind]", "els => els.map(e => e.dataset.kind)"
        )
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    print(f"screenshot: {tmp_path / 'report.png'}")
    assert [s[0] for s in sizes] == ["fig-scores", "fig-rates", "fig-time"]
    assert all(complete and w > 100 and h > 50 for _, complete, w, h in sizes), sizes
    assert {k: v for k, v in shown if v} == dict(counts)
    assert len(links) == 5
    for link in links:
        assert (
            link.startswith("file://") and (second / link.split(second.as_uri() + "/")[1]).is_file()
        )
    assert sorted(kinds) == ["invalid", "missing"]
    assert left == [], f"the report asked the network for {left}"
