"""The worker: one student graded in a course folder of their own, ``python -m
autograde.grading.worker REQUEST`` (started warm by :mod:`autograde.grading.launch`).

Each student is graded by a separate process, so whatever a submission does to nbgrader (or to
the Python that runs it) stays with that student. The request is a JSON file naming the
prepared template course folder, the student, their valid notebooks, a scratch folder and the
:class:`~autograde.grading.results.GradingSettings`; the answer is ``result.json`` in that
folder: one :class:`~autograde.grading.results.NotebookResult` per notebook.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import sys
import time
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from autograde.grading.engines import shared_engines
from autograde.grading.feedback import lock_down
from autograde.grading.feedback_page import finish_page, first_error_line
from autograde.grading.results import CellGrade, GradingSettings, NotebookResult
from autograde.grading.shared import SHARED_DIR, verify_shared
from autograde.hardening.notes import add_note, read_findings, read_notes
from autograde.hardening.sandbox import MODELS_ENV, SandboxUnavailable, require_sandbox
from autograde.release.coursefolder import _cwd, nbgrader_config, quiet_nbgrader
from autograde.verdicts.key import KEYS_DIR


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(str(text).strip().splitlines()[-lines:])


def _failure(outcome: dict) -> str:
    """Why nbgrader gave up on a notebook: the last exception its log or error names."""
    text = str(outcome.get("error") or outcome.get("log") or "")
    errors = re.findall(r"^\s*([A-Za-z_.]*(?:Error|Exception): .+)$", text, flags=re.M)
    errors = [e for e in errors if "NbGraderException" not in e]
    if errors:
        return f"nbgrader could not grade this notebook: {errors[-1].strip()}"
    return _tail(text or "autograde failed")


def _api(root: Path, settings: GradingSettings, notes_path: Path, make_keys: bool = False):
    """nbgrader's API for the student's course folder, with the hardened steps; test cells
    are judged against the answer keys in ``root/keys`` (``make_keys``: written there)."""
    from nbgrader.apps import NbGraderAPI

    from autograde.hardening.preprocessors import hardening_config

    config = nbgrader_config(root, settings.cell_timeout)
    config.merge(
        hardening_config(
            notes_path=notes_path,
            release_dir=root / "release",
            memory_limit=settings.memory_limit,
            sandbox=settings.sandbox,
            keys_dir=root / KEYS_DIR,
            make_keys=make_keys,
            records_dir=settings.records_dir,
        )
    )
    return NbGraderAPI(config=config)


def grade(
    template: Path,
    student_id: str,
    notebooks: dict[str, str],
    workdir: Path,
    settings: GradingSettings,
    make_keys: bool = False,
) -> list[NotebookResult]:
    """Autograde and write feedback for each of ``notebooks`` (stem -> path); ``make_keys``:
    these are the instructor's solutions, whose records become the answer keys."""
    root = workdir / "course"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(template, root)
    with shared_models(verify_shared(root / SHARED_DIR)), warnings.catch_warnings():
        # nbgrader's own gradebook code trips SQLAlchemy's autoflush notice on every submission
        warnings.filterwarnings("ignore", message=".*not in session")
        return _grade_all(root, student_id, notebooks, workdir, settings, make_keys)


@contextlib.contextmanager
def shared_models(folder: Path | None) -> Iterator[None]:
    """While grading, the kernels read the class's trained model in ``folder``, read-only
    (``$NN_COURSE_MODELS``); afterwards the environment is as it was, so a grader that runs in
    the instructor's own process (the answer keys) does not point later code at a folder that
    is gone."""
    before = os.environ.get(MODELS_ENV)
    if folder is not None:
        os.environ[MODELS_ENV] = str(folder.resolve())
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(MODELS_ENV, None)
        else:
            os.environ[MODELS_ENV] = before


def _grade_all(
    root: Path,
    student_id: str,
    notebooks: dict[str, str],
    workdir: Path,
    settings: GradingSettings,
    make_keys: bool,
) -> list[NotebookResult]:
    notes_path = workdir / "notes.jsonl"
    for stem, path in notebooks.items():
        dest = root / "submitted" / student_id / stem / f"{stem}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        _submit_repaired(Path(path), root / "release" / stem / f"{stem}.ipynb", dest, notes_path)

    api = _api(root, settings, notes_path, make_keys)
    with api.gradebook as gb:
        gb.update_or_create_student(student_id)

    results = []
    for stem in notebooks:
        start = time.perf_counter()
        try:
            result = _grade_notebook(api, root, stem, student_id, notes_path)
        except Exception as exc:  # noqa: BLE001 - one broken notebook costs only itself
            result = NotebookResult(stem, "error")
            result.notes = read_notes(notes_path, stem)
            result.notes.append(f"this notebook could not be graded: {type(exc).__name__}: {exc}")
            result.seconds = round(time.perf_counter() - start, 3)
        results.append(result)
    return results


def _submit_repaired(hand_in: Path, release: Path, dest: Path, notes_path: Path) -> None:
    """Put the hand-in where nbgrader looks, its structure mended (see hardening.repair)."""
    from autograde.hardening.repair import repair

    nb, notes = repair(
        json.loads(hand_in.read_text(encoding="utf-8")),
        json.loads(release.read_text(encoding="utf-8")),
    )
    dest.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    for note in notes:
        add_note(notes_path, dest.stem, note)


def _grade_notebook(
    api, root: Path, stem: str, student_id: str, notes_path: Path
) -> NotebookResult:
    """Autograde one notebook and write its feedback."""
    start = time.perf_counter()
    with quiet_nbgrader(), _cwd(root):
        outcome = api.autograde(stem, student_id, force=True, create=True)
    result = NotebookResult(stem, "graded" if outcome["success"] else "error")
    result.seconds = round(time.perf_counter() - start, 3)  # the page and the report show it
    result.notes = read_notes(notes_path, stem)
    if not outcome["success"]:
        result.notes.append(_failure(outcome))
    _read_scores(api, root, stem, student_id, result)
    named = read_findings(notes_path, stem)
    for cell in result.cells:
        cell.misconception = named.get(cell.grade_id, "") if cell.score < cell.max_score else ""
    if result.status == "graded":
        page, why_not = write_feedback(api, root, stem, student_id, result.seconds)
        if page is not None:
            result.feedback = str(page)
        else:
            result.notes.append(why_not)
    return result


def write_feedback(
    api, root: Path, stem: str, student_id: str, seconds: float
) -> tuple[Path | None, str]:
    """The student's feedback page for ``stem`` from ``root``'s gradebook, on the course's page,
    locked down and with its grading time: ``(page, "")``, or ``(None, why not)``. Also what
    ``nn-course grades`` writes again once a person has graded written answers."""
    with quiet_nbgrader(), _cwd(root):
        fb = _generate_feedback(api, stem, student_id)
    html = root / "feedback" / student_id / stem / f"{stem}.html"
    if fb["success"] and html.is_file():
        lock_down(html)
        finish_page(html, seconds)
        return html, ""
    return None, _tail(fb.get("error") or fb.get("log") or "feedback failed")


def _generate_feedback(api, stem: str, student_id: str) -> dict:
    """nbgrader's ``generate_feedback`` with the course's page (the API's own call insists on
    nbgrader's template; see :mod:`autograde.grading.feedback_page`)."""
    from nbgrader.converters import GenerateFeedback
    from nbgrader.utils import capture_log, temp_attrs

    with temp_attrs(api.coursedir, assignment_id=stem, student_id=student_id):
        app = GenerateFeedback(coursedir=api.coursedir, parent=api)
        app.force = True
        return capture_log(app)


def _read_scores(api, root: Path, stem: str, student_id: str, result: NotebookResult) -> None:
    """Each graded cell's points from the student's gradebook. A written answer nbgrader left to
    a person (no automatic score) is ``pending``, never a silent 0."""
    from nbgrader.api import MissingEntry

    with api.gradebook as gb:
        result.max_score = float(gb.find_notebook(stem, stem).max_score)
        written = {
            c.name for c in gb.find_notebook(stem, stem).grade_cells if c.cell_type == "markdown"
        }
        try:
            nb = gb.find_submission_notebook(stem, stem, student_id)
        except MissingEntry:
            return
        result.score = float(nb.score or 0.0)
        autograded = root / "autograded" / student_id / stem / f"{stem}.ipynb"
        if autograded.is_file():
            result.autograded = str(autograded)
        errors = _cell_errors(autograded)
        comments = {c.name: c.comment or "" for c in nb.comments}
        result.cells = sorted(
            (
                CellGrade(
                    g.name,
                    float(g.score or 0.0),
                    float(g.max_score),
                    errors.get(g.name, ""),
                    pending=g.auto_score is None and g.manual_score is None,
                    comment=comments.get(g.name, ""),
                    written=g.name in written,
                )
                for g in nb.grades
            ),
            key=lambda c: c.grade_id,
        )


def _cell_errors(path: Path) -> dict[str, str]:
    """grade id -> the first line of that cell's error output, from the autograded notebook."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    errors = {}
    for cell in nb.get("cells", []):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            errors[grade_id] = first_error_line(cell)
    return errors


def _sandbox_report(settings: GradingSettings) -> tuple[bool, str]:
    """(sandboxed, what to tell the instructor); raises SandboxUnavailable (fails closed)."""
    if not settings.sandbox:
        return False, (
            "student notebooks ran WITHOUT the bubblewrap sandbox, as asked (--no-sandbox): "
            "only memory and file-size limits applied"
        )
    return True, require_sandbox()


def die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (a killed grader or Dask worker
    leaves no student's grading running on); a no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def main(argv: list[str] | None = None) -> int:
    die_with_parent()  # a grader or Dask worker killed mid-student takes this process along
    argv = sys.argv[1:] if argv is None else argv
    request = json.loads(Path(argv[0]).read_text())
    workdir = Path(request["workdir"])
    try:
        settings = GradingSettings.from_dict(request.get("settings", {}))
        logging.getLogger("traitlets").setLevel(logging.ERROR)
        sandboxed, why = _sandbox_report(settings)  # before any student code runs
        with shared_engines():  # this process grades one student: no other thread patches
            results = grade(
                Path(request["template"]),
                request["student_id"],
                request["notebooks"],
                workdir,
                settings,
            )
        payload = {
            "ok": True,
            "results": [asdict(r) for r in results],
            "sandbox": why,
            "sandboxed": sandboxed,
        }
    except SandboxUnavailable as exc:
        payload = {"ok": False, "error": str(exc)}
    except Exception:  # noqa: BLE001 - report everything to the parent, which carries on
        payload = {"ok": False, "error": traceback.format_exc()}
    (workdir / "result.json").write_text(json.dumps(payload, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
