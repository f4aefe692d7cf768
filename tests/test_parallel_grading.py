"""Grading in parallel and on Dask writes exactly the files a serial run writes."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from tinycourse import STEM, digest, write_class, write_course

from autograde.grading import executors
from autograde.grading.executors import LocalPoolExecutor, SerialExecutor, make_executor
from autograde.grading.pipeline import grade_class
from autograde.grading.results import GradingSettings, HandIn, Row, StudentJob
from autograde.grading.transport import pack_folder, unpacked_template

QUICK = GradingSettings(cell_timeout=60)


_digest = digest


# ------------------------------------------------------------------------ fast: the executors


def test_what_the_warm_server_preloads_exists_here():
    """multiprocessing skips a preload it cannot import: a misspelt name would go unnoticed
    and cost every student its import."""
    import importlib.util

    from autograde.grading.launch import PRELOAD

    missing = [name for name in PRELOAD if importlib.util.find_spec(name) is None]
    assert missing == []


WARMED_CHILD = r"""
import sys, nbformat, fastjsonschema
from sqlalchemy.orm import mapperlib
from pygments.lexer import RegexLexerMeta
import autograde.grading.warm_caches  # what the warm server imports before it forks

def refuse(*args, **kwargs):
    raise AssertionError("built again after the warm-up")

fastjsonschema.compile = refuse
mapperlib._configure_registries = refuse
RegexLexerMeta.process_tokendef = refuse
from nbgrader.api import Gradebook
nb = nbformat.read(sys.argv[1], as_version=4)
older = nbformat.from_dict(nb)
older.nbformat_minor = 4  # as older Jupyters write it: no cell ids
for cell in older.cells:
    cell.pop("id", None)
for notebook in (nb, older):
    for relax in (False, True):
        nbformat.validate(notebook, relax_add_props=relax)
with Gradebook("sqlite:///" + sys.argv[2]) as gb:
    gb.update_or_create_student("alice")
    assert [s.id for s in gb.students] == ["alice"]
from pygments.lexers import get_lexer_by_name
for name in ("ipython3", "python"):
    list(get_lexer_by_name(name).get_tokens("x = [1, 2]  # a list\n"))
print("warm")
"""


def test_the_warm_server_compiles_validators_and_configures_the_gradebook_once(tmp_path):
    """After the warm-up, validating notebooks (strict and relaxed, nbformat 4.4 and 4.5),
    using a gradebook and highlighting code compile and configure nothing more: a forked
    student's worker inherits it."""
    notebook = Path(__file__).resolve().parents[1] / "solutions" / "01_neurons.ipynb"
    run = subprocess.run(
        [sys.executable, "-c", WARMED_CHILD, str(notebook), str(tmp_path / "gradebook.db")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "warm"


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
    klass = write_class(root, solutions)
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


@pytest.mark.slow
def test_dask_worker_processes_survive_one_killed_mid_student(tiny_class, tmp_path):
    """A real scheduler and two `dask worker` processes on 127.0.0.1; one is killed with
    SIGKILL while it grades: its student is graded again elsewhere, no row lost or doubled."""
    distributed = pytest.importorskip("distributed")
    klass, solutions, serial = tiny_class
    dask = shutil.which("dask", path=str(Path(sys.executable).parent))
    if dask is None:
        pytest.skip("the dask command is not installed")
    scheduler_file = tmp_path / "scheduler.json"
    common = {"cwd": tmp_path, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
            + ["--scheduler-file", str(scheduler_file)],
            **common,
            start_new_session=True,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(scheduler_file.read_text())["address"]
        for _ in range(2):
            procs.append(
                subprocess.Popen(
                    [dask, "worker", address, "--nworkers", "1", "--nthreads", "1"]
                    + ["--no-dashboard", "--local-directory", str(tmp_path / "dw")],
                    **common,
                    start_new_session=True,
                )
            )
        client = distributed.Client(address, timeout=30)
        client.wait_for_workers(2, timeout=60)
        pids = client.run(os.getpid)  # worker address -> its process
        killed: list[str] = []

        def kill_a_busy_worker() -> None:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                for worker, keys in client.processing().items():
                    if any("nn-course-grade-ann" in str(k) for k in keys):
                        time.sleep(1.0)  # inside grade_student by now
                        os.kill(pids[worker], signal.SIGKILL)
                        killed.append(worker)
                        return
                time.sleep(0.05)

        killer = threading.Thread(target=kill_a_busy_worker)
        killer.start()
        grade_class(
            klass,
            tmp_path / "dask",
            solutions=solutions,
            settings=QUICK,
            progress=False,
            scheduler=address,
        )
        killer.join()
        client.close()
    finally:
        for proc in reversed(procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # each in a session of its own
            proc.wait(timeout=30)
    assert killed, "no worker was grading ann when the test looked"
    assert _digest(tmp_path / "dask") == _digest(serial)
