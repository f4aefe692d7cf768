"""Start each student's worker process warm: forked from a server that imported nbgrader once.

Every student is graded by a process of their own (:mod:`autograde.grading.student`), so
whatever one submission does to nbgrader stays with that student. Started cold
(``python -m autograde.grading.worker``), each such process spends about 2 s of CPU importing
nbgrader, nbconvert, SQLAlchemy and Jupyter's machinery before it grades anything: for a light
notebook that is as much as executing it. Here a multiprocessing *forkserver* imports all
that once (``set_forkserver_preload``) and forks a fresh child per student: still one process
per student, no state shared between students, but the imports are already done.

:func:`run_worker` is a drop-in for the ``subprocess.run`` that starts a cold grader: it
returns a ``CompletedProcess`` (exit code, stderr) and raises ``subprocess.TimeoutExpired``.
It starts cold where forking is unavailable or not allowed (not POSIX, inside a daemonic
process such as a Dask worker), or when ``NN_COURSE_COLD_START=1``.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import subprocess
import sys
import threading
from pathlib import Path

COLD_ENV = "NN_COURSE_COLD_START"
#: What the server imports once: the worker and nbgrader, and what grading a notebook would
#: otherwise import in every child (matplotlib's cache folder for the sandbox, SQLite's
#: dialect, the feedback page's maths and code highlighting): about 0.3 s of CPU a student.
#: A module that cannot be imported is skipped (multiprocessing ignores its ImportError).
PRELOAD = [
    "autograde.grading.worker",
    "autograde.hardening.execute",
    "autograde.hardening.preprocessors",
    "autograde.hardening.repair",
    "nbgrader.apps",
    "autograde.grading.warm_caches",  # compiles and configures what each child would (0.12 s)
    "matplotlib",
    "sqlalchemy.dialects.sqlite",
    "sqlite3",
    "autograde.release.hidden_marker",
    "latex2mathml.converter",
    "IPython.lib.lexers",
    "jinja2.ext",
    "pygments.styles.default",
    "ipykernel.kernelspec",
]

_context = None
_lock = threading.Lock()


def _warm_context():
    """The forkserver context (started on first use), or None where it cannot be used."""
    global _context
    if os.environ.get(COLD_ENV, "").strip() in {"1", "true", "yes", "on"}:
        return None
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None
    if multiprocessing.current_process().daemon:
        return None  # daemonic processes may not have children (Dask workers are daemonic)
    with _lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(PRELOAD)
            _context = ctx
        return _context


@contextlib.contextmanager
def _main_not_rerun():
    """Keep multiprocessing from re-running the caller's script in the child.

    A forkserver child imports ``__main__`` again, by module name when the program was started
    with ``-m`` (harmless: guarded) or by running its file when started as ``python x.py``,
    which would run an unguarded script a second time. The child needs nothing from
    ``__main__``, so while the child is started the script's path is not offered.
    """
    main = sys.modules["__main__"]
    hide = getattr(main, "__spec__", None) is None and "__file__" in main.__dict__
    saved = main.__dict__.pop("__file__") if hide else None
    try:
        yield
    finally:
        if hide:
            main.__file__ = saved


def _child(request: str, workdir: str, env: dict[str, str], stderr_path: str) -> None:
    """In the forked process: become what ``python -m autograde.grading.worker REQ`` would be."""
    os.chdir(workdir)
    os.environ.clear()
    os.environ.update(env)
    with open(stderr_path, "ab", buffering=0) as err:
        os.dup2(err.fileno(), 2)
        os.dup2(err.fileno(), 1)
    from autograde.grading import worker

    code = worker.main([request])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code or 0))


def run_worker(
    request: Path, workdir: Path, env: dict[str, str], timeout: float
) -> subprocess.CompletedProcess:
    """Run ``autograde.grading.worker`` on ``request`` in a process of its own, warm if possible."""
    command = [sys.executable, "-m", "autograde.grading.worker", str(request)]
    ctx = _warm_context()
    if ctx is None:
        return subprocess.run(
            command,
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    stderr_path = Path(workdir) / "grader-stderr.txt"
    proc = ctx.Process(
        target=_child, args=(str(request), str(workdir), dict(env), str(stderr_path))
    )
    with _lock, _main_not_rerun():
        proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        raise subprocess.TimeoutExpired(command, timeout)
    stderr = stderr_path.read_text(errors="replace") if stderr_path.is_file() else ""
    return subprocess.CompletedProcess(command, proc.exitcode, "", stderr)
