"""Grade one student in a course folder of their own: ``python -m autograde.grade_student REQ``.

The pipeline runs this module once per student in a separate process, so whatever a
submission does to nbgrader (or to the Python that runs it) stays with that student. The
request is a JSON file naming the prepared template course folder, the student, their valid
notebooks and a scratch folder; the answer is ``result.json`` in that scratch folder: per
notebook the status, score, max score, per-cell grades and the feedback file.
"""

from __future__ import annotations

import json
import shutil
import sys
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograde.coursefolder import CourseFolder, _cwd, quiet_nbgrader


@dataclass
class CellGrade:
    grade_id: str
    score: float
    max_score: float


@dataclass
class NotebookResult:
    notebook: str
    status: str  # graded | error
    score: float = 0.0
    max_score: float = 0.0
    cells: list[CellGrade] = field(default_factory=list)
    feedback: str = ""
    message: str = ""


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(str(text).strip().splitlines()[-lines:])


def grade(
    template: Path, student_id: str, notebooks: dict[str, str], workdir: Path, cell_timeout: int
) -> list[NotebookResult]:
    """Autograde and write feedback for each of ``notebooks`` (stem -> path)."""
    root = workdir / "course"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(template, root)
    for stem, path in notebooks.items():
        dest = root / "submitted" / student_id / stem / f"{stem}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)

    folder = CourseFolder(root, cell_timeout)
    api = folder.api()
    with api.gradebook as gb:
        gb.update_or_create_student(student_id)

    results = []
    for stem in notebooks:
        with quiet_nbgrader(), _cwd(root):
            outcome = api.autograde(stem, student_id, force=True, create=True)
        result = NotebookResult(stem, "graded" if outcome["success"] else "error")
        if not outcome["success"]:
            result.message = _tail(outcome.get("error") or outcome.get("log") or "autograde failed")
        _read_scores(api, stem, student_id, result)
        if result.status == "graded":
            with quiet_nbgrader(), _cwd(root):
                fb = api.generate_feedback(stem, student_id, force=True)
            html = root / "feedback" / student_id / stem / f"{stem}.html"
            if fb["success"] and html.is_file():
                result.feedback = str(html)
            else:
                result.message = _tail(fb.get("error") or fb.get("log") or "feedback failed")
        results.append(result)
    return results


def _read_scores(api, stem: str, student_id: str, result: NotebookResult) -> None:
    from nbgrader.api import MissingEntry

    with api.gradebook as gb:
        result.max_score = float(gb.find_notebook(stem, stem).max_score)
        try:
            nb = gb.find_submission_notebook(stem, stem, student_id)
        except MissingEntry:
            return
        result.score = float(nb.score or 0.0)
        result.cells = sorted(
            (CellGrade(g.name, float(g.score or 0.0), float(g.max_score)) for g in nb.grades),
            key=lambda c: c.grade_id,
        )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    request = json.loads(Path(argv[0]).read_text())
    workdir = Path(request["workdir"])
    try:
        results = grade(
            Path(request["template"]),
            request["student_id"],
            request["notebooks"],
            workdir,
            int(request["cell_timeout"]),
        )
        payload = {"ok": True, "results": [asdict(r) for r in results]}
    except Exception:  # noqa: BLE001 - report everything to the parent, which carries on
        payload = {"ok": False, "error": traceback.format_exc()}
    (workdir / "result.json").write_text(json.dumps(payload, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
