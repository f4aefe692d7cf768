"""A run that is cut loses nothing: the journal, --resume, and no silent overwrite."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from tinycourse import STEM, digest, write_class, write_course

from autograde.grading import executors, journal
from autograde.grading.journal import JOURNAL_DIR, PreviousRun
from autograde.grading.pipeline import grade_class
from autograde.grading.results import GradingSettings

QUICK = GradingSettings(cell_timeout=60)
REAL_GRADE_STUDENT = executors.grade_student
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("resume")
    solutions = write_course(root, written=True)  # rows with a written answer waiting, too
    klass = write_class(root, solutions)
    whole = root / "whole"
    grade_class(klass, whole, solutions=solutions, settings=QUICK, progress=False)
    return klass, solutions, whole


class Cut(BaseException):
    """Stands for Ctrl-C (pytest itself stops on a real KeyboardInterrupt)."""


def _counting(monkeypatch, stop_after: int | None = None) -> list[str]:
    """Count the students really graded; raise Ctrl-C once ``stop_after`` have finished."""
    graded: list[str] = []
    real = REAL_GRADE_STUDENT

    def grade_student(job, *args, **kwargs):
        if stop_after is not None and len(graded) == stop_after:
            raise Cut
        rows = real(job, *args, **kwargs)
        graded.append(job.student_id)
        return rows

    monkeypatch.setattr(executors, "grade_student", grade_student)
    return graded


def test_a_run_cut_by_ctrl_c_resumes_to_the_outputs_of_an_uncut_run(course, tmp_path, monkeypatch):
    klass, solutions, whole = course
    out = tmp_path / "out"
    graded = _counting(monkeypatch, stop_after=2)
    with pytest.raises(Cut):
        grade_class(klass, out, solutions=solutions, settings=QUICK, progress=False)
    assert sorted(p.name for p in (out / JOURNAL_DIR).glob("*.json")) == ["ann.json", "ben.json"]
    assert not (out / "grades.csv").exists()
    with pytest.raises(PreviousRun, match="--resume"):
        grade_class(klass, out, solutions=solutions, settings=QUICK, progress=False)
    graded = _counting(monkeypatch)
    report = grade_class(
        klass, out, solutions=solutions, settings=QUICK, progress=False, resume=True
    )
    assert sorted(graded) == ["cat", "dan", "eve"] and report.resumed == 2
    assert digest(out) == digest(whole)  # the journal is gone, the files are the same


def test_a_complete_run_is_never_overwritten_and_has_nothing_to_resume(course, tmp_path):
    klass, solutions, whole = course
    before = digest(whole)
    with pytest.raises(PreviousRun, match="previous run"):
        grade_class(klass, whole, solutions=solutions, settings=QUICK, progress=False)
    with pytest.raises(PreviousRun, match="nothing to resume"):
        grade_class(klass, whole, solutions=solutions, settings=QUICK, progress=False, resume=True)
    assert digest(whole) == before


def test_a_student_who_handed_in_again_is_graded_again(course, tmp_path, monkeypatch):
    klass, solutions, whole = course
    out = tmp_path / "out"
    _counting(monkeypatch, stop_after=3)
    with pytest.raises(Cut):
        grade_class(klass, out, solutions=solutions, settings=QUICK, progress=False)
    changed = tmp_path / "class"
    subprocess.run(["cp", "-r", str(klass), str(changed)], check=True)
    ann = changed / "ann" / f"{STEM}.ipynb"
    ann.write_text(json.dumps(json.loads(ann.read_text()) | {"metadata": {"changed": True}}))
    graded = _counting(monkeypatch)
    grade_class(changed, out, solutions=solutions, settings=QUICK, progress=False, resume=True)
    assert sorted(graded) == ["ann", "dan", "eve"]


def test_a_grader_killed_with_sigkill_resumes_to_the_same_outputs(course, tmp_path):
    klass, solutions, whole = course
    out = tmp_path / "out"
    script = (
        "import sys; from pathlib import Path; "
        "from autograde.grading.pipeline import grade_class; "
        "from autograde.grading.results import GradingSettings; "
        "grade_class(Path(sys.argv[1]), Path(sys.argv[2]), solutions=Path(sys.argv[3]), "
        "settings=GradingSettings(cell_timeout=60), progress=False)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(klass), str(out), str(solutions)],
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while not list((out / JOURNAL_DIR).glob("*.json")) and time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the grader ended (exit {proc.returncode}) before it could be killed")
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    finished = len(list((out / JOURNAL_DIR).glob("*.json")))
    assert 1 <= finished < 5 and not (out / "grades.csv").exists()
    report = grade_class(
        klass, out, solutions=solutions, settings=QUICK, progress=False, resume=True
    )
    assert report.resumed == finished
    assert digest(out) == digest(whole)


class _DiskFillsUp:
    """``os`` for the journal, on a disk that fills up after ``room`` entries were synced."""

    def __init__(self, room: int) -> None:
        self.room = room

    def fsync(self, fd: int) -> None:
        if self.room == 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= 1
        os.fsync(fd)

    def __getattr__(self, name: str):
        return getattr(os, name)


def test_a_run_cut_by_a_full_disk_keeps_what_was_written_and_resumes(course, tmp_path, monkeypatch):
    klass, solutions, whole = course
    out = tmp_path / "out"
    monkeypatch.setattr(journal, "os", _DiskFillsUp(room=2))
    with pytest.raises(OSError) as cut:
        grade_class(klass, out, solutions=solutions, settings=QUICK, progress=False)
    assert cut.value.errno == errno.ENOSPC
    entries = sorted(p.name for p in (out / JOURNAL_DIR).iterdir())
    assert entries == ["ann.json", "ben.json"]  # whole entries only: no half-written file
    monkeypatch.setattr(journal, "os", os)  # space was freed
    report = grade_class(
        klass, out, solutions=solutions, settings=QUICK, progress=False, resume=True
    )
    assert report.resumed == 2
    assert digest(out) == digest(whole)


def test_the_command_says_what_to_do_when_the_disk_is_full(tmp_path, monkeypatch, capsys):
    from autograde.cli import main

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "out" / ".journal"))

    monkeypatch.setattr("autograde.grading.pipeline.grade_class", full)
    (tmp_path / "class").mkdir()
    code = main(["autograde", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "disk is full" in err and "--resume" in err and ".journal" in err
