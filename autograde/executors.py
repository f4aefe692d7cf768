"""Where students are graded: one after another, N at a time on this machine, or on Dask.

    executor = make_executor(workers=2)                  # or scheduler="tcp://host:8786"
    rows = executor.grade(template, jobs, max_scores, cell_timeout, workdir, progress=True)

Every executor runs the same function, :func:`grade_job`, once per student, and returns that
student's rows with the feedback HTML *as bytes* (never a path on the machine that graded it),
so the pipeline merges them into one grades CSV and feedback tree whatever graded them: a
parallel or distributed run writes exactly the files a serial run writes.

- :class:`SerialExecutor`: one student at a time, in this process's thread.
- :class:`LocalPoolExecutor`: ``workers`` students at a time. Each student is already graded
  by a child process of its own (see :func:`autograde.pipeline.grade_one`), so a thread per
  slot only starts that process and waits: N threads drive N grading processes.
- :class:`DaskExecutor`: a Dask distributed cluster (``--scheduler ADDRESS``). What travels to
  a worker is data: the template course folder as a tar archive (broadcast once, unpacked once
  per worker process), each student's notebooks as bytes; rows come back as data.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import shutil
import tarfile
import tempfile
import threading
import traceback
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm.auto import tqdm

from autograde.submissions import HandIn


@dataclass(frozen=True)
class HandInData:
    """One notebook of one student, portable: its status and (when valid) its bytes or path."""

    notebook: str
    status: str  # ok | missing | invalid
    problem: str = ""
    path: str | None = None  # a file on the machine that built the job (local executors)
    content: bytes | None = None  # the file itself (distributed executors)


@dataclass(frozen=True)
class StudentJob:
    """Everything needed to grade one student, without reference to the client's disk."""

    student_id: str
    hand_ins: tuple[HandInData, ...]

    @classmethod
    def from_hand_ins(cls, student_id: str, hand_ins: dict[str, HandIn]) -> StudentJob:
        return cls(
            student_id,
            tuple(
                HandInData(stem, h.status, h.problem, str(h.path) if h.path else None)
                for stem, h in hand_ins.items()
            ),
        )

    def portable(self) -> StudentJob:
        """The same job with every valid notebook's bytes inside it instead of a path."""
        return replace(
            self,
            hand_ins=tuple(
                replace(h, content=Path(h.path).read_bytes(), path=None)
                if h.path and h.content is None
                else h
                for h in self.hand_ins
            ),
        )


# ---------------------------------------------------------------------------- the work itself


def grade_job(
    job: StudentJob,
    template: Path | bytes,
    max_scores: dict[str, float],
    cell_timeout: int,
    workdir: Path | None = None,
) -> list:
    """Grade one student; returns their :class:`~autograde.pipeline.Row` s, feedback as bytes.

    ``template`` is the prepared course folder, or a tar archive of it (from
    :func:`pack_folder`) when this runs on another machine. ``workdir`` is where the student
    is graded (a fresh temporary folder, removed afterwards, when None).
    """
    from autograde.pipeline import Row, grade_one

    template_dir = template if isinstance(template, Path) else unpacked_template(template)
    scratch = None
    if workdir is None:
        scratch = tempfile.mkdtemp(prefix=f"nn-course-{job.student_id}-")
        workdir = Path(scratch)
    try:
        hand_ins = {}
        for h in job.hand_ins:
            path = Path(h.path) if h.path else None
            if h.content is not None:
                path = workdir / "handed-in" / f"{h.notebook}.ipynb"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(h.content)
            hand_ins[h.notebook] = HandIn(job.student_id, h.notebook, path, h.status, h.problem)
        rows: list[Row] = grade_one(
            template_dir, job.student_id, hand_ins, workdir / "grading", max_scores, cell_timeout
        )
        for row in rows:
            if row.feedback and Path(row.feedback).is_file():
                row.feedback_html = Path(row.feedback).read_bytes()
            row.feedback = ""
        return rows
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


def failed_rows(job: StudentJob, max_scores: dict[str, float], message: str) -> list:
    """Rows for a student whose grading could not run at all (every valid notebook: error)."""
    from autograde.pipeline import Row

    return [
        Row(
            job.student_id,
            h.notebook,
            0.0,
            max_scores[h.notebook],
            "error" if h.status == "ok" else h.status,
            message if h.status == "ok" else h.problem,
        )
        for h in job.hand_ins
    ]


# ------------------------------------------------------------------ template on other machines


def pack_folder(folder: Path) -> bytes:
    """A tar archive of ``folder`` (relative names, no owners; times kept: nbgrader reads them)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path in sorted(Path(folder).rglob("*")):
            info = tar.gettarinfo(str(path), arcname=str(path.relative_to(folder)))
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if path.is_file():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            elif path.is_dir():
                tar.addfile(info)
    return buf.getvalue()


_UNPACKED: dict[str, Path] = {}
_UNPACK_LOCK = threading.Lock()


def unpacked_template(archive: bytes) -> Path:
    """Unpack a template archive once per process (cached by content); removed at exit."""
    key = hashlib.sha256(archive).hexdigest()
    with _UNPACK_LOCK:
        if key not in _UNPACKED or not _UNPACKED[key].is_dir():
            root = Path(tempfile.mkdtemp(prefix="nn-course-template-"))
            with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
                tar.extractall(root, filter="data")
            atexit.register(shutil.rmtree, root, True)
            _UNPACKED[key] = root
        return _UNPACKED[key]


# -------------------------------------------------------------------------------- executors

Progress = Callable[[str], None]


class Executor:
    """Grades a batch of students; subclasses decide where."""

    name = "executor"

    def grade(
        self,
        template: Path,
        jobs: Iterable[StudentJob],
        max_scores: dict[str, float],
        cell_timeout: int,
        workdir: Path,
        progress: bool = True,
    ) -> list:
        jobs = list(jobs)
        bar = tqdm(total=len(jobs), desc="grading", unit="student", disable=not progress)
        rows: list = []
        try:
            for job_rows in self._run(template, jobs, max_scores, cell_timeout, workdir):
                rows += job_rows
                if job_rows:
                    bar.set_postfix_str(job_rows[0].student_id)
                bar.update(1)
        finally:
            bar.close()
        return sorted(rows, key=lambda r: (r.student_id, r.notebook))  # whatever finished first

    def _run(self, template, jobs, max_scores, cell_timeout, workdir):  # pragma: no cover
        raise NotImplementedError

    @staticmethod
    def _guarded(job: StudentJob, max_scores, run: Callable[[], list]) -> list:
        """Whatever goes wrong around one student becomes that student's error rows."""
        try:
            return run()
        except Exception:  # noqa: BLE001 - one student's failure must not stop the batch
            return failed_rows(job, max_scores, "grading failed: " + traceback.format_exc()[-1500:])


class SerialExecutor(Executor):
    name = "serial"

    def _run(self, template, jobs, max_scores, cell_timeout, workdir):
        for job in jobs:
            yield self._guarded(
                job,
                max_scores,
                lambda job=job: grade_job(
                    job, template, max_scores, cell_timeout, workdir / job.student_id
                ),
            )


class LocalPoolExecutor(Executor):
    """``workers`` students graded at once, each by its own child process."""

    name = "local"

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers

    def _run(self, template, jobs, max_scores, cell_timeout, workdir):
        with ThreadPoolExecutor(self.workers, thread_name_prefix="grader") as pool:
            futures = [
                pool.submit(
                    self._guarded,
                    job,
                    max_scores,
                    lambda job=job: grade_job(
                        job, template, max_scores, cell_timeout, workdir / job.student_id
                    ),
                )
                for job in jobs
            ]
            for future in as_completed(futures):
                yield future.result()


class DaskExecutor(Executor):
    """Students graded as tasks on a Dask distributed scheduler at ``address``."""

    name = "dask"

    def __init__(self, address: str, connect_timeout: float = 20.0) -> None:
        if not address or not isinstance(address, str):
            raise ValueError("a Dask scheduler address such as tcp://127.0.0.1:8786 is needed")
        self.address = address
        self.connect_timeout = connect_timeout

    def _run(self, template, jobs, max_scores, cell_timeout, workdir):
        try:
            from distributed import Client, as_completed
        except ImportError as exc:  # pragma: no cover - dask is in the test extra
            raise RuntimeError(
                "--scheduler needs Dask distributed: pip install 'dask[distributed]'"
            ) from exc
        try:
            client = Client(self.address, timeout=self.connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from exc
        with client:
            archive = client.scatter(pack_folder(template), broadcast=True, hash=True)
            futures = {}
            for job in jobs:
                future = client.submit(
                    grade_job,
                    job.portable(),
                    archive,
                    max_scores,
                    cell_timeout,
                    key=f"nn-course-grade-{job.student_id}-{uuid.uuid4().hex[:12]}",
                    pure=False,
                    retries=1,
                )
                futures[future] = job
            for future in as_completed(list(futures), loop=client.loop):
                job = futures[future]
                try:
                    yield future.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker, an unpicklable result
                    yield failed_rows(job, max_scores, f"grading on the cluster failed: {exc!r}")


def make_executor(workers: int = 1, scheduler: str | None = None) -> Executor:
    """The executor for ``--workers N`` / ``--scheduler ADDRESS``."""
    if scheduler:
        return DaskExecutor(scheduler)
    if workers < 1:
        raise ValueError(f"--workers must be at least 1, got {workers}")
    return SerialExecutor() if workers == 1 else LocalPoolExecutor(workers)
