"""One student's job: hand-ins in, rows out, graded by a worker process of their own.

    rows = grade_student(job, template, max_scores, settings)

The job's valid notebooks and every setting go into one request file; the worker
(:mod:`autograde.grading.worker`, started by :mod:`autograde.grading.launch`) grades them in a
course folder of its own and writes ``result.json``; each of the student's notebooks becomes a
:class:`~autograde.grading.results.Row` with its feedback page as bytes, whatever went wrong.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import traceback
from pathlib import Path

from autograde import PACKAGE_ROOT
from autograde.grading.launch import run_worker
from autograde.grading.results import GradingSettings, NotebookResult, Row, StudentJob
from autograde.grading.transport import unpacked_template


def grade_student(
    job: StudentJob,
    template: Path | bytes,
    max_scores: dict[str, float],
    settings: GradingSettings,
    workdir: Path | None = None,
) -> list[Row]:
    """Grade one student; every hand-in of the job gets exactly one Row.

    ``template`` is the prepared course folder, or its archive (from
    :func:`~autograde.grading.transport.pack_folder`) on another machine. ``workdir`` is where
    the student is graded (a fresh temporary folder, removed afterwards, when None).
    """
    template_dir = template if isinstance(template, Path) else unpacked_template(template)
    scratch = None
    if workdir is None:
        scratch = tempfile.mkdtemp(prefix=f"nn-course-{job.student_id}-")
        workdir = Path(scratch)
    try:
        return _grade(job, template_dir, max_scores, settings, Path(workdir))
    except Exception:  # noqa: BLE001 - one student's failure must not stop the batch
        return failed_rows(job, max_scores, "grading failed: " + traceback.format_exc()[-1500:])
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def failed_rows(job: StudentJob, max_scores: dict[str, float], message: str) -> list[Row]:
    """Rows for a student whose grading could not run at all (every valid notebook: error)."""
    return [Row.ungraded(h, max_scores[h.notebook], message) for h in job.hand_ins]


def _grade(
    job: StudentJob,
    template: Path,
    max_scores: dict[str, float],
    settings: GradingSettings,
    workdir: Path,
) -> list[Row]:
    workdir.mkdir(parents=True, exist_ok=True)
    rows = {h.notebook: Row.ungraded(h, max_scores[h.notebook]) for h in job.hand_ins}
    valid = {
        h.notebook: str(h.file_in(workdir / "handed-in")) for h in job.hand_ins if h.status == "ok"
    }
    if not valid:
        return list(rows.values())
    grading = workdir / "grading"
    grading.mkdir(parents=True, exist_ok=True)
    request = grading / "request.json"
    request.write_text(
        json.dumps(
            {
                "template": str(template),
                "student_id": job.student_id,
                "notebooks": valid,
                "workdir": str(grading),
                "settings": settings.as_dict(),
            }
        )
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
    limit = settings.student_limit(len(valid))
    failure = ""
    try:
        proc = run_worker(request, grading, env, limit)  # a process of its own, started warm
        if proc.returncode != 0:
            failure = f"grader process exited with {proc.returncode}: {proc.stderr[-2000:]}"
    except subprocess.TimeoutExpired:
        failure = f"grading this student took longer than {limit:.0f} s and was stopped"
    result_file = grading / "result.json"
    payload = json.loads(result_file.read_text()) if result_file.is_file() else None
    if payload is None or not payload.get("ok"):
        message = (failure or (payload or {}).get("error", "grader produced no result")).strip()
        for stem in valid:
            rows[stem] = Row.ungraded(
                next(h for h in job.hand_ins if h.notebook == stem),
                max_scores[stem],
                message[-2000:],
            )
        return list(rows.values())
    if payload.get("sandboxed") is False:
        warn_unsandboxed(payload.get("sandbox", "bubblewrap unavailable"))
    for data in payload["results"]:
        result = NotebookResult.from_dict(data)
        rows[result.notebook] = Row.from_result(job.student_id, result, max_scores[result.notebook])
    return list(rows.values())


_warned: set[str] = set()


def warn_unsandboxed(why: str) -> None:
    """Say once per run, on stderr and in the log, that kernels ran without bubblewrap."""
    import logging
    import sys

    if why not in _warned:
        _warned.add(why)
        logging.getLogger("autograde").warning("%s", why)
        print(f"WARNING: {why}", file=sys.stderr)
