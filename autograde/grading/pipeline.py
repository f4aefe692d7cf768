"""Grade a whole class: collect, template, executor, outputs.

    report = grade_class(Path("hand-ins.zip"), Path("out"))

In call order: :func:`~autograde.grading.submissions.collect` reads the class (folder or zip)
into a scratch folder; :func:`prepare_template` builds the nbgrader course folder every
student's grading starts from; an executor (:mod:`autograde.grading.executors`) grades each
student in a process and folder of their own; :func:`~autograde.grading.outputs.write_outputs`
writes ``grades.csv``, ``exercises.csv``, ``feedback/``, ``gradebook.csv`` and ``report.html``,
the formgrader's course folder ``nbgrader/`` (:mod:`autograde.grading.formgrader`),
then ``manifest.json`` (:mod:`autograde.grading.manifest`), and on request Canvas's import file
(:mod:`autograde.grading.gradebook`) and ``changes.csv`` against an earlier run
(:mod:`autograde.grading.compare`). Nothing is written into the
submissions or outside ``out`` and the scratch folder, which is removed at the end.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from autograde.grading.compare import compare as compare_runs
from autograde.grading.compare import read_previous, write_changes
from autograde.grading.executors import make_executor
from autograde.grading.formgrader import write_course_folder
from autograde.grading.gradebook import match_students, read_canvas_roster, write_canvas
from autograde.grading.journal import (
    JOURNAL_DIR,
    Journal,
    PreviousRun,
    holds_previous_run,
    run_fingerprint,
)
from autograde.grading.keys import build_keys, key_hashes
from autograde.grading.manifest import build_manifest, release_hashes, write_manifest
from autograde.grading.outputs import write_outputs
from autograde.grading.prints import build_prints
from autograde.grading.results import (
    DEFAULT_CELL_TIMEOUT,
    GradingSettings,
    Report,
    Row,
    StudentJob,
)
from autograde.grading.shared import SHARED_DIR, build_shared
from autograde.grading.submissions import Class, collect
from autograde.hardening.sandbox import require_sandbox
from autograde.release.coursefolder import SOLUTIONS_DIR, CourseFolder, course_stems


def prepare_template(
    root: Path,
    stems: list[str],
    solutions: Path = SOLUTIONS_DIR,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    settings: GradingSettings | None = None,
    workers: int = 1,
) -> dict[str, float]:
    """Build the course folder every student's grading starts from (with the class's shared
    files and the answer keys); returns max score per stem."""
    settings = settings or GradingSettings(cell_timeout=cell_timeout)
    folder = CourseFolder.create(root, stems, solutions, cell_timeout)
    for stem in stems:
        folder.generate(stem)
    build_shared(root / SHARED_DIR, stems, solutions)
    build_keys(root, stems, solutions, settings)
    build_prints(root, stems, solutions, settings, workers)
    with folder.api().gradebook as gb:
        return {stem: float(gb.find_notebook(stem, stem).max_score) for stem in stems}


def _check_previous_run(out: Path, resume: bool) -> None:
    """Refuse to overwrite a previous run's outputs, or to resume a run that is complete."""
    if not holds_previous_run(out):
        return
    if not resume:
        raise PreviousRun(
            f"{out} holds the results of a previous run (grades.csv or .journal/); nothing was "
            "changed. Pass --resume to finish a run that was cut, or choose another --out"
        )
    if not (out / JOURNAL_DIR).is_dir():
        raise PreviousRun(f"{out} holds a complete run (no journal): nothing to resume")


def grade_class(
    submissions: Path,
    out: Path,
    *,
    stems: list[str] | None = None,
    solutions: Path = SOLUTIONS_DIR,
    settings: GradingSettings | None = None,
    keep_workdir: bool = False,
    progress: bool = True,
    workers: int = 1,
    scheduler: str | None = None,
    resume: bool = False,
    compare: Path | None = None,
    canvas_roster: Path | None = None,
) -> Report:
    """Grade every student in ``submissions`` (folder or zip) into ``out``.

    ``workers`` students are graded at once on this machine, or every student is a task on the
    Dask scheduler at ``scheduler``; the outputs are the same files either way. Each student's
    rows go into the journal in ``out`` as soon as they are known; ``resume`` finishes a run
    that was cut (see :mod:`autograde.grading.journal`), and without it an ``out`` holding a
    previous run is refused (:class:`~autograde.grading.journal.PreviousRun`). ``compare``
    (an earlier run's ``out``) adds ``changes.csv``; ``canvas_roster`` (Canvas's gradebook
    export) adds ``canvas.csv``; both are read before anything is graded.
    """
    settings = settings or GradingSettings()
    if settings.sandbox:
        require_sandbox()  # fails closed, before anything is collected or graded
    executor = make_executor(workers, scheduler)
    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    if out == submissions or submissions in out.parents and submissions.is_dir():
        raise ValueError("--out must not be inside the submissions folder (it is never written to)")
    stems = stems or course_stems(solutions)
    _check_previous_run(out, resume)
    if compare is not None:
        compare = Path(compare).resolve()
        if compare == out:
            raise ValueError("--compare needs an earlier run's folder, not this run's --out")
        read_previous(compare)  # fails now, not after the class was graded
    roster = read_canvas_roster(canvas_roster) if canvas_roster is not None else None
    work = Path(tempfile.mkdtemp(prefix="nn-course-grading-"))
    try:
        klass: Class = collect(submissions, stems, work)
        if roster is not None:
            match_students(roster, klass.students)  # an ambiguous roster fails before grading
        template = work / "template"
        max_scores = prepare_template(
            template, stems, solutions, settings.cell_timeout, settings, max(1, workers)
        )
        jobs = [
            StudentJob(sid, tuple(klass.hand_ins[sid][stem] for stem in stems))
            for sid in klass.students
        ]
        journal = Journal(out, run_fingerprint(template, stems, settings))
        if resume and journal.other_runs():
            raise PreviousRun(
                f"the journal in {out} was written by a run against other released notebooks or "
                "settings: its results cannot be mixed with this run's; choose another --out"
            )
        done: list[Row] = []
        todo: list[StudentJob] = []
        for job in jobs:
            finished = journal.finished(job) if resume else None
            if finished is None:
                todo.append(job)
            else:
                done += finished
        rows: list[Row] = executor.grade(
            template,
            todo,
            max_scores,
            settings,
            work / "students-work",
            progress,
            on_done=journal.record,
        )
        rows = sorted(done + rows, key=lambda r: (r.student_id, r.notebook))
        # one nbgrader course folder for the formgrader, with the manual grades of an earlier
        # run's unchanged written answers
        rows = write_course_folder(out, template, rows, previous=compare)
        write_outputs(rows, out, stems)
        hand_ins = [h for job in jobs for h in job.hand_ins]
        run = {
            "stems": stems,
            "workers": workers,
            "scheduler": scheduler or "",
            "resume": resume,
            "answer_keys": key_hashes(template, stems),
        }
        manifest = build_manifest(hand_ins, rows, release_hashes(template, stems), settings, run)
        write_manifest(manifest, out / "manifest.json")
        report = Report(rows, klass.warnings, out, resumed=len(jobs) - len(todo))
        if roster is not None:
            report.unmatched = write_canvas(rows, stems, roster, out / "canvas.csv")
        if compare is not None:
            report.changes = compare_runs(compare, rows)
            write_changes(report.changes, out / "changes.csv")
        journal.remove()
        return report
    finally:
        if keep_workdir:
            print(f"kept the grading folder {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
