"""The files a graded class leaves in OUT: ``grades.csv``, ``exercises.csv``, ``feedback/``,
``gradebook.csv`` (wide, see :mod:`autograde.grading.gradebook`) and ``report.html`` (the
class at a glance, see :mod:`autograde.grading.class_report`).

``grades.csv``: one row per student and course notebook (student_id, notebook, score,
max_score, status, message). ``exercises.csv``: one row per graded cell (student_id, notebook,
grade_id, score, max_score, message: the first line of its error when it lost points,
misconception: the known mistake its failure behaved like, if any; comment: the grader's).
A written answer no person has graded yet has no score in ``exercises.csv`` and the message
``needs manual grading``; its notebook's status in ``grades.csv`` says the same, and its score
there counts only the points decided so far.
``feedback/<student_id>/<notebook>.html``: nbgrader's feedback page, or a page saying why there
is none (not handed in, not a notebook, grading failed).
"""

from __future__ import annotations

import csv
import html
from pathlib import Path

from autograde.grading.class_report import write_report
from autograde.grading.gradebook import write_gradebook
from autograde.grading.results import NEEDS_MANUAL_GRADING, Row

GRADES_COLUMNS = ["student_id", "notebook", "score", "max_score", "status", "message"]
#: Files in OUT that record a run (when it ran, how long each hand-in took), not its results:
#: two runs that grade the same class the same way differ only in these (and in each feedback
#: page's grading time, see :func:`autograde.grading.feedback_page.without_grading_time`).
RUN_RECORDS = frozenset({"manifest.json", "report.html"})
#: The formgrader's course folder (:mod:`autograde.grading.formgrader`) is a run record too: its
#: gradebook has nbgrader's random ids and timestamps, its rows the grading times.
RUN_RECORD_FOLDERS = ("nbgrader/",)


def is_run_record(relative_path: str) -> bool:
    """Whether a file of OUT (``"report.html"``, ``"nbgrader/gradebook.db"``) records how a run
    went rather than its results."""
    return relative_path in RUN_RECORDS or relative_path.startswith(RUN_RECORD_FOLDERS)


EXERCISE_COLUMNS = [
    "student_id",
    "notebook",
    "grade_id",
    "score",
    "max_score",
    "message",
    "misconception",
    "comment",
]


def fallback_feedback(row: Row) -> str:
    """The feedback page of a notebook nbgrader gave none for."""
    what = {
        "missing": "was not handed in",
        "invalid": "could not be graded",
        "error": "could not be graded completely",
    }.get(row.status, row.status)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(row.notebook)}: {html.escape(row.student_id)}</title></head><body>"
        f"<h1>{html.escape(row.notebook)}</h1><p>Student: {html.escape(row.student_id)}</p>"
        f"<p>This notebook {what}. Score: {row.score:g} / {row.max_score:g}.</p>"
        f"<pre>{html.escape(row.message)}</pre></body></html>"
    )


def write_outputs(rows: list[Row], out: Path, stems: list[str] | None = None) -> None:
    """grades.csv, exercises.csv, feedback/<id>/<nb>.html, gradebook.csv and report.html for
    ``rows``, sorted by student; ``stems`` (default: the rows' notebooks) orders the columns."""
    out.mkdir(parents=True, exist_ok=True)
    rows = sorted(rows, key=lambda r: (r.student_id, r.notebook))
    stems = stems or sorted({r.notebook for r in rows})
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(GRADES_COLUMNS)
        for r in rows:
            message = r.message.replace("\n", " ")[:500]
            if r.pending:
                waiting = f"written answers worth {r.pending_points:g} points await a person"
                message = f"{waiting}; {message}" if message else waiting
            writer.writerow(
                [
                    r.student_id,
                    r.notebook,
                    f"{r.score:g}",
                    f"{r.max_score:g}",
                    r.shown_status,
                    message,
                ]
            )
    with open(out / "exercises.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(EXERCISE_COLUMNS)
        for r in rows:
            for c in r.cells:
                lost = c.score < c.max_score and not c.pending
                writer.writerow(
                    [
                        r.student_id,
                        r.notebook,
                        c.grade_id,
                        "" if c.pending else f"{c.score:g}",
                        f"{c.max_score:g}",
                        NEEDS_MANUAL_GRADING if c.pending else (c.message if lost else ""),
                        c.misconception if lost else "",
                        c.comment.replace("\n", " ")[:500],
                    ]
                )
    for r in rows:
        target = out / "feedback" / r.student_id / f"{r.notebook}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        if r.feedback_html:
            target.write_bytes(r.feedback_html)
        else:
            target.write_text(fallback_feedback(r), encoding="utf-8")
    write_gradebook(rows, stems, out / "gradebook.csv")
    write_report(rows, stems, out / "report.html")
