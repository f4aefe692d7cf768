"""The class as one nbgrader course folder, ``OUT/nbgrader``, for grading written answers by hand.

Every student is autograded in a course folder of their own (:mod:`autograde.grading.worker`);
a person grades written answers in nbgrader's formgrader, which wants the whole class in one
course folder. :func:`write_course_folder` builds it from the graded rows:

    OUT/nbgrader/nbgrader_config.py      the course root is this folder, wherever it is moved
    OUT/nbgrader/gradebook.db            every student's grades, written through nbgrader.api
    OUT/nbgrader/autograded/<id>/<nb>/<nb>.ipynb   what the formgrader shows
    OUT/nbgrader/source/, release/       the assignments (source holds each answer's rubric)
    OUT/nbgrader/rows.json               the run's rows as autograded, which ``nn-course grades``
                                         re-exports with a person's grades merged in
    OUT/nbgrader/merged.json             what the last merge changed (to rewrite only new pages)

The gradebook holds each autograded cell's score as nbgrader's ``auto_score``; a written answer
a student wrote has none and ``needs_manual_grade`` set, until a grader gives it points in the
formgrader (``manual_score``) and perhaps a comment (``manual_comment``).
:func:`merge_manual_grades` reads those back into the rows and writes each changed student's
feedback page again (``nn-course grades OUT`` runs it, then rewrites every output).

A student's notebook is shown in the instructor's browser, logged in to their Jupyter: the
copies here keep only outputs that cannot run code (as the feedback pages do), and the raw HTML
of every markdown cell is shown as text, so no hand-in can run a script in the formgrader.

Grading the class again with ``--compare PREVIOUS_OUT`` keeps the points and comments a person
gave to every written answer whose text has not changed (:func:`carry_over`).
"""

from __future__ import annotations

import json
import re
import shutil
import warnings
from dataclasses import asdict, replace
from pathlib import Path

from autograde.grading.feedback import keep_safe_formats
from autograde.grading.journal import row_from_dict, row_to_dict
from autograde.grading.results import CellGrade, Row

FOLDER = "nbgrader"
ROWS_FILE = "rows.json"  # the rows as autograded (a person's grades are merged on top)
MERGED_FILE = "merged.json"  # the cells the last merge changed, to rewrite only changed pages

CONFIG = """\
# The class's nbgrader course folder, written by `nn-course autograde`.
# Grade the written answers in nbgrader's formgrader:
#     cd {folder} && jupyter lab        (then Nbgrader > Formgrader)
# and merge the points and comments into grades.csv, exercises.csv, gradebook.csv and the
# feedback pages with:
#     nn-course grades {out}
# The rubric of each written answer is in source/<notebook>/<notebook>.ipynb.
import os

c = get_config()  # noqa: F821 (traitlets defines it)
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "nn-course"
c.HTMLExporter.sanitize_html = True
"""


class NotAGradedClass(ValueError):
    """The folder given is not the OUT of an ``nn-course autograde`` run with written answers."""


def folder_of(out: Path) -> Path:
    return Path(out) / FOLDER


# --------------------------------------------------------------------------- notebooks shown


def safe_for_browser(notebook: bytes) -> bytes:
    """An autograded notebook that cannot run code in the browser that shows it: outputs keep
    only :data:`~autograde.grading.feedback.SAFE_MIME` formats, markdown shows its HTML as text."""
    nb = json.loads(notebook.decode("utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            cell["source"] = _markdown_as_text(_text(cell.get("source", "")))
            cell.pop("attachments", None)
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            keep_safe_formats(output)
    return json.dumps(nb, ensure_ascii=False, indent=1).encode("utf-8")


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _markdown_as_text(source: str) -> str:
    """Markdown whose raw HTML and ``javascript:`` links are shown, never interpreted."""
    source = source.replace("<", "&lt;")
    return re.sub(r"(?i)javascript\s*:", "javascript&#58;", source)


def answer_text(notebook: Path, grade_id: str) -> str | None:
    """The text of the cell ``grade_id`` in a notebook file, or None."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if isinstance(meta, dict) and meta.get("grade_id") == grade_id:
            return _text(cell.get("source", "")).strip()
    return None


def autograded_path(root: Path, student_id: str, stem: str) -> Path:
    return root / "autograded" / student_id / stem / f"{stem}.ipynb"


# --------------------------------------------------------------------------- the folder


def write_course_folder(
    out: Path, template: Path, rows: list[Row], previous: Path | None = None
) -> list[Row]:
    """Write ``OUT/nbgrader`` for ``rows`` (see the module doc); with ``previous`` (an earlier
    run's OUT) its manual grades of unchanged written answers are kept. Returns the rows with
    those grades in."""
    from nbgrader.api import Gradebook, MissingEntry

    root = folder_of(out)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for part in ("source", "release"):
        shutil.copytree(template / part, root / part)
    shutil.copyfile(template / "gradebook.db", root / "gradebook.db")
    (root / "nbgrader_config.py").write_text(
        CONFIG.format(folder=root, out=Path(out)), encoding="utf-8"
    )
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*not in session")  # nbgrader's autoflush
        for student in list(gb.students):  # the template's gradebook holds assignments only
            gb.remove_student(student.id)
        for row in rows:
            if not row.autograded_ipynb:
                continue  # missing, invalid, or not graded: nothing for the formgrader
            target = autograded_path(root, row.student_id, row.notebook)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(safe_for_browser(row.autograded_ipynb))
            gb.update_or_create_student(row.student_id)
            gb.add_submission(row.notebook, row.student_id)
            for cell in row.cells:
                grade = gb.find_grade(cell.grade_id, row.notebook, row.notebook, row.student_id)
                grade.auto_score = None if cell.pending else cell.score
                grade.needs_manual_grade = cell.pending
                if cell.written or cell.comment:
                    try:
                        comment = gb.find_comment(
                            cell.grade_id, row.notebook, row.notebook, row.student_id
                        )
                    except MissingEntry:  # a graded test cell takes no comment
                        continue
                    comment.auto_comment = cell.comment or None
        gb.db.commit()
    if previous is not None:
        carry_over(Path(previous), root)
    save_rows(root, rows)
    return merge_manual_grades(out, rows)


def save_rows(root: Path, rows: list[Row]) -> None:
    data = [row_to_dict(r, files=False) for r in rows]
    (root / ROWS_FILE).write_text(json.dumps(data, indent=1), encoding="utf-8")


def load_rows(out: Path) -> list[Row]:
    """The rows of the run in ``out``, each with its feedback page and autograded notebook."""
    root = folder_of(out)
    path = root / ROWS_FILE
    if not path.is_file():
        raise NotAGradedClass(
            f"{out} holds no graded class with a formgrader folder ({path} is missing): give the "
            "--out folder of an `nn-course autograde` run"
        )
    rows = [row_from_dict(d) for d in json.loads(path.read_text(encoding="utf-8"))]
    for r in rows:
        page = Path(out) / "feedback" / r.student_id / f"{r.notebook}.html"
        if r.status == "graded" and page.is_file():
            r.feedback_html = page.read_bytes()
        notebook = autograded_path(root, r.student_id, r.notebook)
        if notebook.is_file():
            r.autograded_ipynb = notebook.read_bytes()
    return rows


# --------------------------------------------------------------------------- manual grades


def _manual_entries(root: Path) -> dict[tuple[str, str, str], tuple[float | None, str | None]]:
    """(student, notebook, grade id) -> (manual score, manual comment), for every cell a person
    gave points or a comment to in ``root``'s gradebook."""
    from nbgrader.api import Gradebook

    found: dict[tuple[str, str, str], tuple[float | None, str | None]] = {}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for assignment in gb.assignments:
            for submission in gb.assignment_submissions(assignment.name):
                for nb in submission.notebooks:
                    scores = {g.name: g.manual_score for g in nb.grades}
                    notes = {c.name: c.manual_comment for c in nb.comments}
                    for name in scores.keys() | notes.keys():
                        score, note = scores.get(name), notes.get(name)
                        if score is not None or note:
                            found[(submission.student.id, nb.name, name)] = (score, note)
    return found


def carry_over(previous_out: Path, root: Path) -> int:
    """Give ``root``'s gradebook the manual grades of ``previous_out`` for written answers whose
    text is unchanged (the same student, notebook and answer cell); returns how many."""
    from nbgrader.api import Gradebook, MissingEntry

    before = folder_of(previous_out)
    if not (before / "gradebook.db").is_file():
        return 0
    kept = 0
    entries = _manual_entries(before)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for (sid, stem, grade_id), (score, note) in sorted(entries.items()):
            now = autograded_path(root, sid, stem)
            then = autograded_path(before, sid, stem)
            text_now = answer_text(now, grade_id)
            if text_now is None or text_now != answer_text(then, grade_id):
                continue  # answered again (or not handed in now): a person grades it afresh
            try:
                grade = gb.find_grade(grade_id, stem, stem, sid)
            except MissingEntry:
                continue
            if grade.needs_manual_grade is False and grade.auto_score is not None:
                continue  # an autograded cell: this run's tests decide it
            grade.manual_score = score
            grade.needs_manual_grade = score is None
            if note:
                try:
                    gb.find_comment(grade_id, stem, stem, sid).manual_comment = note
                except MissingEntry:
                    pass
            kept += 1
        gb.db.commit()
    return kept


def merge_manual_grades(out: Path, rows: list[Row]) -> list[Row]:
    """``rows`` (as autograded) with the points and comments a person gave in ``OUT/nbgrader``'s
    gradebook. A row whose merged grades differ from the last merge's (``merged.json``) gets its
    feedback page written again: running this after grading a few more
    answers rewrites only those students' pages, and a grade taken back shows as waiting again."""
    root = folder_of(out)
    entries = _manual_entries(root)
    last_path = root / MERGED_FILE
    last = json.loads(last_path.read_text(encoding="utf-8")) if last_path.is_file() else {}
    now: dict[str, list[dict]] = {}
    result = []
    for row in rows:
        cells = [
            _merged_cell(c, entries.get((row.student_id, row.notebook, c.grade_id)))
            for c in row.cells
        ]
        key = f"{row.student_id}/{row.notebook}"
        state = [asdict(c) for c in cells]
        before = last.get(key, [asdict(c) for c in row.cells])
        if cells != row.cells:
            now[key] = state
        if state != before:
            row = _with_cells(row, cells)
            if row.status == "graded":
                row.feedback_html = feedback_page(root, row) or row.feedback_html
        elif cells != row.cells:
            row = replace(_with_cells(row, cells), feedback_html=row.feedback_html)
        result.append(row)
    last_path.write_text(json.dumps(now, indent=1), encoding="utf-8")
    return result


def _merged_cell(cell: CellGrade, entry: tuple[float | None, str | None] | None) -> CellGrade:
    """``cell`` with a person's points (``entry[0]``) and comment (``entry[1]``), if any."""
    score, note = entry or (None, None)
    if score is None and not note:
        return cell
    return replace(
        cell,
        score=float(score) if score is not None else cell.score,
        pending=cell.pending and score is None,
        comment=note or cell.comment,
    )


def _with_cells(row: Row, cells: list[CellGrade]) -> Row:
    return replace(row, cells=cells, score=sum(c.score for c in cells if not c.pending))


def feedback_page(root: Path, row: Row) -> bytes:
    """``row``'s feedback page written again from ``root``'s gradebook (b"" if it fails)."""
    from nbgrader.apps import NbGraderAPI

    from autograde.grading.worker import write_feedback
    from autograde.release.coursefolder import nbgrader_config

    api = NbGraderAPI(config=nbgrader_config(root))
    try:
        page, _ = write_feedback(api, root, row.notebook, row.student_id, row.seconds)
        return page.read_bytes() if page is not None else b""
    finally:
        shutil.rmtree(root / "feedback" / row.student_id, ignore_errors=True)
