"""Grade a whole class: collect, autograde each student in isolation, write grades and feedback.

    report = grade_class(Path("hand-ins.zip"), Path("out"))

Steps, one function each: :func:`prepare_template` (an nbgrader course folder whose gradebook
knows every notebook), :func:`grade_one` (a student, in a separate process and a course folder
of their own), :func:`write_outputs` (``grades.csv``, ``exercises.csv``, ``feedback/``). Nothing
is written into the submissions or outside ``out`` and a scratch folder that is removed at the end.
"""

from __future__ import annotations

import csv
import html
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from autograde import PACKAGE_ROOT
from autograde.coursefolder import DEFAULT_CELL_TIMEOUT, SOLUTIONS_DIR, CourseFolder, course_stems
from autograde.executors import StudentJob, make_executor
from autograde.submissions import Class, HandIn, collect
from autograde.warm_start import run_grader

GRADES_COLUMNS = ["student_id", "notebook", "score", "max_score", "status", "message"]
EXERCISE_COLUMNS = ["student_id", "notebook", "grade_id", "score", "max_score", "message"]


@dataclass
class Row:
    """One student's result on one notebook."""

    student_id: str
    notebook: str
    score: float
    max_score: float
    status: str  # graded | missing | invalid | error
    message: str = ""
    cells: list[dict] = field(default_factory=list)
    feedback: str = ""  # path of the feedback HTML where it was graded
    feedback_html: bytes = b""  # the feedback itself, as the executors hand it back


@dataclass
class Report:
    rows: list[Row]
    warnings: list[str]
    out: Path

    @property
    def problems(self) -> list[Row]:
        return [r for r in self.rows if r.status not in ("graded", "missing")]


def prepare_template(
    root: Path,
    stems: list[str],
    solutions: Path = SOLUTIONS_DIR,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
) -> dict[str, float]:
    """Build the course folder every student's grading starts from; returns max score per stem."""
    folder = CourseFolder.create(root, stems, solutions, cell_timeout)
    for stem in stems:
        folder.generate(stem)
    with folder.api().gradebook as gb:
        return {stem: float(gb.find_notebook(stem, stem).max_score) for stem in stems}


def grade_one(
    template: Path,
    student_id: str,
    hand_ins: dict[str, HandIn],
    workdir: Path,
    max_scores: dict[str, float],
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    student_timeout: float | None = None,
) -> list[Row]:
    """Grade one student's valid notebooks in a child process; every notebook gets a Row."""
    workdir.mkdir(parents=True, exist_ok=True)
    rows = {
        stem: Row(student_id, stem, 0.0, max_scores[stem], h.status, h.problem)
        for stem, h in hand_ins.items()
    }
    valid = {stem: str(h.path) for stem, h in hand_ins.items() if h.status == "ok"}
    if not valid:
        return list(rows.values())
    request = workdir / "request.json"
    request.write_text(
        json.dumps(
            {
                "template": str(template),
                "student_id": student_id,
                "notebooks": valid,
                "workdir": str(workdir),
                "cell_timeout": cell_timeout,
            }
        )
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
    limit = student_timeout or (cell_timeout * 10 * len(valid) + 120)
    failure = ""
    try:
        proc = run_grader(request, workdir, env, limit)  # a process of its own, started warm
        if proc.returncode != 0:
            failure = f"grader process exited with {proc.returncode}: {proc.stderr[-2000:]}"
    except subprocess.TimeoutExpired:
        failure = f"grading this student took longer than {limit:.0f} s and was stopped"
    result_file = workdir / "result.json"
    payload = json.loads(result_file.read_text()) if result_file.is_file() else None
    if payload is None or not payload.get("ok"):
        message = failure or (payload or {}).get("error", "grader produced no result")
        for stem in valid:
            rows[stem].status, rows[stem].message = "error", message.strip()[-2000:]
        return list(rows.values())
    if payload.get("sandboxed") is False:
        _warn_unsandboxed(payload.get("sandbox", "bubblewrap unavailable"))
    for res in payload["results"]:
        row = rows[res["notebook"]]
        row.status, row.score, row.message = res["status"], res["score"], res["message"]
        row.max_score = res["max_score"] or row.max_score
        row.cells, row.feedback = res["cells"], res["feedback"]
    return list(rows.values())


_warned: set[str] = set()


def _warn_unsandboxed(why: str) -> None:
    """Say once per run, on stderr and in the log, that kernels ran without bubblewrap."""
    if why not in _warned:
        _warned.add(why)
        logging.getLogger("autograde").warning("%s", why)
        print(f"WARNING: {why}", file=sys.stderr)


def _fallback_feedback(row: Row) -> str:
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


def write_outputs(rows: list[Row], out: Path) -> None:
    """grades.csv (one row per student and notebook), exercises.csv, feedback/<id>/<nb>.html."""
    out.mkdir(parents=True, exist_ok=True)
    rows = sorted(rows, key=lambda r: (r.student_id, r.notebook))
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(GRADES_COLUMNS)
        for r in rows:
            writer.writerow(
                [
                    r.student_id,
                    r.notebook,
                    f"{r.score:g}",
                    f"{r.max_score:g}",
                    r.status,
                    r.message.replace("\n", " ")[:500],
                ]
            )
    with open(out / "exercises.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(EXERCISE_COLUMNS)
        for r in rows:
            for c in r.cells:
                writer.writerow(
                    [
                        r.student_id,
                        r.notebook,
                        c["grade_id"],
                        f"{c['score']:g}",
                        f"{c['max_score']:g}",
                        c.get("message", "") if c["score"] < c["max_score"] else "",
                    ]
                )
    for r in rows:
        target = out / "feedback" / r.student_id / f"{r.notebook}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        if r.feedback_html:
            target.write_bytes(r.feedback_html)
        elif r.feedback and Path(r.feedback).is_file():
            shutil.copyfile(r.feedback, target)
        else:
            target.write_text(_fallback_feedback(r), encoding="utf-8")


def grade_class(
    submissions: Path,
    out: Path,
    *,
    stems: list[str] | None = None,
    solutions: Path = SOLUTIONS_DIR,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    keep_workdir: bool = False,
    progress: bool = True,
    workers: int = 1,
    scheduler: str | None = None,
) -> Report:
    """Grade every student in ``submissions`` (folder or zip) into ``out``.

    ``workers`` students are graded at once on this machine, or every student is a task on the
    Dask scheduler at ``scheduler``; the outputs are the same files either way.
    """
    executor = make_executor(workers, scheduler)
    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    if out == submissions or submissions in out.parents and submissions.is_dir():
        raise ValueError("--out must not be inside the submissions folder (it is never written to)")
    stems = stems or course_stems(solutions)
    work = Path(tempfile.mkdtemp(prefix="nn-course-grading-"))
    try:
        klass: Class = collect(submissions, stems, work)
        template = work / "template"
        max_scores = prepare_template(template, stems, solutions, cell_timeout)
        jobs = [StudentJob.from_hand_ins(sid, klass.hand_ins[sid]) for sid in klass.students]
        rows: list[Row] = executor.grade(
            template, jobs, max_scores, cell_timeout, work / "students-work", progress
        )
        write_outputs(rows, out)
        return Report(rows, klass.warnings, out)
    finally:
        if keep_workdir:
            print(f"kept the grading folder {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
