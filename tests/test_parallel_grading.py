"""Grading in parallel and on Dask writes exactly the files a serial run writes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from tinycourse import STEM, WRONG, release_copy, write_course

from autograde.audit import Variant, substitute
from autograde.grading import executors
from autograde.grading.executors import LocalPoolExecutor, SerialExecutor, make_executor
from autograde.grading.pipeline import grade_class
from autograde.grading.results import GradingSettings, HandIn, Row, StudentJob
from autograde.grading.transport import pack_folder, unpacked_template

QUICK = GradingSettings(cell_timeout=60)


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


# ------------------------------------------------------------------------ fast: the executors


def test_make_executor_picks_by_flags():
    assert isinstance(make_executor(1), SerialExecutor)
    pool = make_executor(3)
    assert isinstance(pool, LocalPoolExecutor) and pool.workers == 3
    assert make_executor(2, "tcp://127.0.0.1:8786").name == "dask"
    with pytest.raises(ValueError, match="at least 1"):
        make_executor(0)


def test_template_archive_round_trip(tmp_path):
    folder = tmp_path / "template"
    (folder / "source" / "01_x").mkdir(parents=True)
    (folder / "source" / "01_x" / "01_x.ipynb").write_text("{}")
    (folder / "gradebook.db").write_bytes(bytes(range(256)))
    archive = pack_folder(folder)
    unpacked = unpacked_template(archive)
    assert _digest(unpacked) == _digest(folder)
    assert unpacked_template(archive) == unpacked  # unpacked once per process


def test_portable_job_carries_bytes_not_paths(tmp_path):
    nb = tmp_path / "01_x.ipynb"
    nb.write_bytes(b'{"cells": []}')
    job = StudentJob(
        "ann",
        (HandIn("ann", "01_x", path=str(nb)), HandIn("ann", "02_y", "missing", "not handed in")),
    )
    portable = job.portable()
    assert portable.hand_ins[0].content == b'{"cells": []}' and portable.hand_ins[0].path is None
    assert portable.hand_ins[1] == job.hand_ins[1]


@pytest.mark.parametrize("executor", [SerialExecutor(), LocalPoolExecutor(2)])
def test_a_crash_around_one_student_becomes_their_error_rows(monkeypatch, tmp_path, executor):
    def fake_grade_student(job, template, max_scores, settings, workdir=None):
        if job.student_id == "bad":
            raise RuntimeError("grader exploded")
        return [Row(job.student_id, "01_x", 1.0, 1.0, "graded")]

    monkeypatch.setattr(executors, "grade_student", fake_grade_student)
    jobs = [StudentJob(sid, (HandIn(sid, "01_x", path="unused"),)) for sid in ["a", "bad", "c"]]
    rows = executor.grade(tmp_path, jobs, {"01_x": 1.0}, QUICK, tmp_path, progress=False)
    by_id = {r.student_id: r for r in rows}
    assert set(by_id) == {"a", "bad", "c"}
    assert by_id["a"].status == by_id["c"].status == "graded"
    assert by_id["bad"].status == "error" and "grader exploded" in by_id["bad"].message


# -------------------------------------------------------------- slow: a class through nbgrader


@pytest.fixture(scope="module")
def tiny_class(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny")
    solutions = write_course(root)
    klass = root / "class"
    (klass / "ann").mkdir(parents=True)
    shutil.copyfile(solutions / f"{STEM}.ipynb", klass / "ann" / f"{STEM}.ipynb")
    release_copy(solutions, klass / "ben" / f"{STEM}.ipynb")
    nb = json.loads((solutions / f"{STEM}.ipynb").read_text())
    wrong = Variant(STEM, "quadruple", "wrong", "triples", WRONG["quadruple"]["triples"])
    (klass / "cat").mkdir()
    (klass / "cat" / f"{STEM}.ipynb").write_text(json.dumps(substitute(nb, [wrong])))
    (klass / "dan").mkdir()
    (klass / "dan" / f"{STEM}.ipynb").write_text("{ not json")
    (klass / "eve").mkdir()  # hands in nothing
    serial = root / "serial"
    grade_class(klass, serial, solutions=solutions, settings=QUICK, progress=False)
    return klass, solutions, serial


@pytest.mark.slow
def test_serial_grades_are_what_the_class_handed_in(tiny_class):
    _, _, serial = tiny_class
    lines = (serial / "grades.csv").read_text().splitlines()
    got = {line.split(",")[0]: line.split(",")[1:5] for line in lines[1:]}
    assert got == {
        "ann": [STEM, "5", "5", "graded"],
        "ben": [STEM, "0", "5", "graded"],
        "cat": [STEM, "2", "5", "graded"],
        "dan": [STEM, "0", "5", "invalid"],
        "eve": [STEM, "0", "5", "missing"],
    }


@pytest.mark.slow
def test_two_workers_write_the_same_files_as_serial(tiny_class, tmp_path):
    klass, solutions, serial = tiny_class
    grade_class(
        klass, tmp_path / "par", solutions=solutions, settings=QUICK, progress=False, workers=2
    )
    assert _digest(tmp_path / "par") == _digest(serial)


@pytest.mark.slow
def test_dask_local_cluster_writes_the_same_files_as_serial(tiny_class, tmp_path):
    distributed = pytest.importorskip("distributed")
    klass, solutions, serial = tiny_class
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        grade_class(
            klass,
            tmp_path / "dask",
            solutions=solutions,
            settings=QUICK,
            progress=False,
            scheduler=cluster.scheduler_address,
        )
    assert _digest(tmp_path / "dask") == _digest(serial)


def test_unreachable_scheduler_is_a_clear_error(tmp_path):
    executor = executors.DaskExecutor("tcp://127.0.0.1:9", connect_timeout=2)
    with pytest.raises(ValueError, match="cannot reach the Dask scheduler"):
        executor.grade(tmp_path, [], {}, QUICK, tmp_path, progress=False)
