"""Where students are graded: one after another, N at a time on this machine, or on Dask.

    executor = make_executor(workers=2)                  # or scheduler="tcp://host:8786"
    rows = executor.grade(template, jobs, max_scores, settings, workdir, progress=True)

Every executor runs the same function, :func:`~autograde.grading.student.grade_student`, once
per student, and returns that
student's rows with the feedback HTML *as bytes* (never a path on the machine that graded it),
so the pipeline merges them into one grades CSV and feedback tree whatever graded them: a
parallel or distributed run writes exactly the files a serial run writes.

- :class:`SerialExecutor`: one student at a time, in this process's thread.
- :class:`LocalPoolExecutor`: ``workers`` students at a time. Each student is already graded
  by a child process of its own (see :mod:`autograde.grading.student`), so a thread per
  slot only starts that process and waits: N threads drive N grading processes.
- :class:`DaskExecutor`: a Dask distributed cluster (``--scheduler ADDRESS``). What travels to
  a worker is data: the template course folder as a tar archive (broadcast once, unpacked once
  per worker process), each student's notebooks as bytes; rows come back as data.
"""

from __future__ import annotations

import traceback
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from tqdm.auto import tqdm

from autograde.grading.results import GradingSettings, Row, StudentJob
from autograde.grading.student import failed_rows, grade_student
from autograde.grading.transport import pack_folder

# -------------------------------------------------------------------------------- executors

#: Called in the caller's thread with each student's rows as soon as they are known.
OnDone = Callable[[StudentJob, list[Row]], None]


class Executor:
    """Grades a batch of students; subclasses decide where."""

    name = "executor"

    def grade(
        self,
        template: Path,
        jobs: Iterable[StudentJob],
        max_scores: dict[str, float],
        settings: GradingSettings,
        workdir: Path,
        progress: bool = True,
        on_done: OnDone | None = None,
    ) -> list[Row]:
        jobs = list(jobs)
        bar = tqdm(total=len(jobs), desc="grading", unit="student", disable=not progress)
        rows: list[Row] = []
        counts: Counter[str] = Counter()
        try:
            for job, job_rows in self._run(template, jobs, max_scores, settings, workdir):
                if on_done is not None:
                    on_done(job, job_rows)
                rows += job_rows
                counts.update(r.status for r in job_rows)
                bar.set_postfix_str(" ".join(f"{k} {v}" for k, v in sorted(counts.items())))
                bar.update(1)
        finally:
            bar.close()
        return sorted(rows, key=lambda r: (r.student_id, r.notebook))  # whatever finished first

    def _run(self, template, jobs, max_scores, settings, workdir):  # pragma: no cover
        raise NotImplementedError

    @staticmethod
    def _guarded(job: StudentJob, max_scores, run: Callable[[], list[Row]]) -> list[Row]:
        """Whatever goes wrong around one student becomes that student's error rows."""
        try:
            return run()
        except Exception:  # noqa: BLE001 - one student's failure must not stop the batch
            return failed_rows(job, max_scores, "grading failed: " + traceback.format_exc()[-1500:])


class SerialExecutor(Executor):
    name = "serial"

    def _run(self, template, jobs, max_scores, settings, workdir):
        for job in jobs:
            yield (
                job,
                self._guarded(
                    job,
                    max_scores,
                    lambda job=job: grade_student(
                        job, template, max_scores, settings, workdir / job.student_id
                    ),
                ),
            )


class LocalPoolExecutor(Executor):
    """``workers`` students graded at once, each by its own child process."""

    name = "local"

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.workers = workers

    def _run(self, template, jobs, max_scores, settings, workdir):
        with ThreadPoolExecutor(self.workers, thread_name_prefix="grader") as pool:
            futures = {
                pool.submit(
                    self._guarded,
                    job,
                    max_scores,
                    lambda job=job: grade_student(
                        job, template, max_scores, settings, workdir / job.student_id
                    ),
                ): job
                for job in jobs
            }
            try:
                for future in as_completed(futures):
                    yield futures[future], future.result()
            finally:  # cut short (Ctrl-C): start no one else
                for future in futures:
                    future.cancel()


class DaskExecutor(Executor):
    """Students graded as tasks on a Dask distributed scheduler at ``address``."""

    name = "dask"

    def __init__(self, address: str, connect_timeout: float = 20.0) -> None:
        if not address or not isinstance(address, str):
            raise ValueError("a Dask scheduler address such as tcp://127.0.0.1:8786 is needed")
        self.address = address
        self.connect_timeout = connect_timeout

    def _run(self, template, jobs, max_scores, settings, workdir):
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
                    grade_student,
                    job.portable(),
                    archive,
                    max_scores,
                    settings,
                    key=f"nn-course-grade-{job.student_id}-{uuid.uuid4().hex[:12]}",
                    pure=False,
                    retries=1,
                )
                futures[future] = job
            for future in as_completed(list(futures), loop=client.loop):
                job = futures[future]
                try:
                    rows = future.result()
                except Exception as exc:  # noqa: BLE001 - a lost worker, an unpicklable result
                    rows = failed_rows(job, max_scores, f"grading on the cluster failed: {exc!r}")
                yield job, rows


def make_executor(workers: int = 1, scheduler: str | None = None) -> Executor:
    """The executor for ``--workers N`` / ``--scheduler ADDRESS``."""
    if scheduler:
        return DaskExecutor(scheduler)
    if workers < 1:
        raise ValueError(f"--workers must be at least 1, got {workers}")
    return SerialExecutor() if workers == 1 else LocalPoolExecutor(workers)
