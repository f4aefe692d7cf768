"""Grade one student in a course folder of their own: ``python -m autograde.grade_student REQ``.

The pipeline runs this module once per student in a separate process, so whatever a
submission does to nbgrader (or to the Python that runs it) stays with that student. The
request is a JSON file naming the prepared template course folder, the student, their valid
notebooks and a scratch folder; the answer is ``result.json`` in that scratch folder: per
notebook the status, score, max score, per-cell grades and the feedback file.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from autograde.coursefolder import _cwd, nbgrader_config, quiet_nbgrader
from autograde.sandbox import (
    DEFAULT_MEMORY_LIMIT,
    MEMORY_ENV,
    SANDBOX_ENV,
    UNSANDBOXED_WARNING,
    parse_size,
    sandbox_status,
)


@dataclass
class CellGrade:
    grade_id: str
    score: float
    max_score: float
    message: str = ""  # the first line of the cell's error, when it lost points


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


#: nbgrader's log lines about a changed submission, and what they mean for the student.
_TAMPER_LOGS = [
    (
        re.compile(r"Attribute '(?:cell_type|locked|points)' for cell (\S+) has changed"),
        "the metadata of cell {} was changed: the original was restored",
    ),
    (
        re.compile(r"Missing grade cell (\S+) encountered"),
        "cell {} was missing (deleted or its grade id changed): the original was put back",
    ),
    (
        re.compile(r"Cell with id '([^']+)' exists multiple times"),
        "cell {} appears more than once: only its last copy was graded",
    ),
    (
        re.compile(r"Cell '([^']+)' does not exist in the database"),
        "cell {} is not part of this assignment: graded as an ordinary cell",
    ),
]


def _submission_notes(log: str) -> list[str]:
    """What nbgrader's log says about a changed submission, in the student's terms."""
    notes: list[str] = []
    for line in str(log or "").splitlines():
        for pattern, text in _TAMPER_LOGS:
            m = pattern.search(line)
            if m:
                note = text.format(m.group(1).strip("'\"."))
                if note not in notes:
                    notes.append(note)
    return notes


def _edited_cells(released: Path, submitted: Path, source_nb: Path | None = None) -> list[str]:
    """Locked and test cells whose source differs from the released notebook's (and from the
    instructor's source, so a solution notebook handed in as a test is not "edited")."""
    try:
        release = json.loads(released.read_text(encoding="utf-8"))
        hand_in = json.loads(submitted.read_text(encoding="utf-8"))
        instructor = json.loads(source_nb.read_text(encoding="utf-8")) if source_nb else {}
    except (OSError, ValueError):
        return []

    def source(cell: dict) -> str:
        text = cell.get("source", "")
        return "".join(text) if isinstance(text, list) else str(text)

    def grade_id(cell: dict) -> str | None:
        meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
        nbgrader = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
        return nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None

    originals = {
        grade_id(c): source(c)
        for c in release.get("cells", [])
        if grade_id(c) and c.get("metadata", {}).get("nbgrader", {}).get("locked")
    }
    sources = {grade_id(c): source(c).strip() for c in instructor.get("cells", []) if grade_id(c)}
    notes = []
    for cell in hand_in.get("cells", []):
        gid = grade_id(cell)
        text = source(cell).strip()
        if gid in originals and text != originals[gid].strip() and text != sources.get(gid):
            note = f"locked or test cell {gid} was edited: the original was graded"
            if note not in notes:
                notes.append(note)
    order = [grade_id(c) for c in release.get("cells", []) if grade_id(c)]
    handed = [g for g in dict.fromkeys(grade_id(c) for c in hand_in.get("cells", [])) if g in order]
    if handed != [g for g in order if g in handed]:
        notes.append("cells were moved: the notebook was graded in the order it was handed in")
    return notes


def _failure(outcome: dict) -> str:
    """The error that made nbgrader give up on a notebook, from its log when it names one."""
    log = str(outcome.get("log") or "")
    errors = re.findall(r"^\s*([A-Za-z_.]*(?:Error|Exception): .+)$", log, flags=re.M)
    errors = [e for e in errors if "NbGraderException" not in e]
    if errors:
        return f"nbgrader could not grade this notebook: {errors[-1].strip()}"
    return _tail(outcome.get("error") or log or "autograde failed")


def _api(root: Path, cell_timeout: int, memory_limit: int, sandbox: bool):
    """nbgrader's API for the student's course folder, with the hardened Execute step."""
    from nbgrader.apps import NbGraderAPI

    from autograde.safe_execute import hardening_config

    config = nbgrader_config(root, cell_timeout)
    config.merge(hardening_config(memory_limit=memory_limit, sandbox=sandbox))
    return NbGraderAPI(config=config)


def grade(
    template: Path,
    student_id: str,
    notebooks: dict[str, str],
    workdir: Path,
    cell_timeout: int,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
    sandbox: bool = True,
) -> list[NotebookResult]:
    """Autograde and write feedback for each of ``notebooks`` (stem -> path)."""
    from autograde.safe_execute import NOTES

    root = workdir / "course"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(template, root)
    for stem, path in notebooks.items():
        dest = root / "submitted" / student_id / stem / f"{stem}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)

    api = _api(root, cell_timeout, memory_limit, sandbox)
    with api.gradebook as gb:
        gb.update_or_create_student(student_id)

    results = []
    for stem in notebooks:
        NOTES.pop(stem, None)
        # at WARNING, nbgrader's log says which cells were edited, deleted or duplicated
        with quiet_nbgrader(logging.WARNING), _cwd(root):
            outcome = api.autograde(stem, student_id, force=True, create=True)
        result = NotebookResult(stem, "graded" if outcome["success"] else "error")
        released = root / "release" / stem / f"{stem}.ipynb"
        instructor = root / "source" / stem / f"{stem}.ipynb"
        notes = _edited_cells(released, Path(notebooks[stem]), instructor)
        notes += _submission_notes(outcome.get("log", "")) + NOTES.pop(stem, [])
        if not outcome["success"]:
            notes.append(_failure(outcome))
        result.message = "; ".join(notes)
        _read_scores(api, stem, student_id, result)
        if result.status == "graded":
            with quiet_nbgrader(), _cwd(root):
                fb = api.generate_feedback(stem, student_id, force=True)
            html = root / "feedback" / student_id / stem / f"{stem}.html"
            if fb["success"] and html.is_file():
                result.feedback = str(html)
            else:
                failed = _tail(fb.get("error") or fb.get("log") or "feedback failed")
                result.message = "; ".join(filter(None, [result.message, failed]))
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
        errors = _cell_errors(api.coursedir.root, stem, student_id)
        result.cells = sorted(
            (
                CellGrade(g.name, float(g.score or 0.0), float(g.max_score), errors.get(g.name, ""))
                for g in nb.grades
            ),
            key=lambda c: c.grade_id,
        )


def _cell_errors(root: str, stem: str, student_id: str) -> dict[str, str]:
    """grade id -> the first line of that cell's error output, from the autograded notebook."""
    path = Path(root) / "autograded" / student_id / stem / f"{stem}.ipynb"
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    errors = {}
    for cell in nb.get("cells", []):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        for out in cell.get("outputs", []) if grade_id else []:
            if out.get("output_type") == "error":
                text = f"{out.get('ename', 'Error')}: {out.get('evalue', '')}"
                errors[grade_id] = text.strip().splitlines()[0][:300] if text.strip() else ""
                break
    return errors


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    request = json.loads(Path(argv[0]).read_text())
    workdir = Path(request["workdir"])
    try:
        memory_limit = parse_size(
            request.get("memory_limit") or os.environ.get(MEMORY_ENV) or DEFAULT_MEMORY_LIMIT
        )
        use_sandbox = bool(request.get("sandbox", os.environ.get(SANDBOX_ENV, "1") != "0"))
        results = grade(
            Path(request["template"]),
            request["student_id"],
            request["notebooks"],
            workdir,
            int(request["cell_timeout"]),
            memory_limit,
            use_sandbox,
        )
        usable, why = sandbox_status()
        if not use_sandbox:
            why = (
                "student notebooks ran WITHOUT the bubblewrap sandbox, as asked "
                f"(--no-sandbox or {SANDBOX_ENV}=0): only memory and file-size limits applied"
            )
        elif not usable:
            why = f"{UNSANDBOXED_WARNING} ({why})"
        payload = {
            "ok": True,
            "results": [asdict(r) for r in results],
            "sandbox": why,
            "sandboxed": usable and use_sandbox,
        }
    except Exception:  # noqa: BLE001 - report everything to the parent, which carries on
        payload = {"ok": False, "error": traceback.format_exc()}
    (workdir / "result.json").write_text(json.dumps(payload, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
