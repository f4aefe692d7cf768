"""The one vocabulary of grading, from a collected hand-in to the rows of ``grades.csv``.

    HandIn  --(a StudentJob: one student's hand-ins)-->  worker  -->  NotebookResult
    NotebookResult + the student  -->  Row  -->  Report (a class)

Every type here is plain data: it crosses process boundaries as JSON (the worker's result
file) or pickled by Dask, and nothing in it points at a file on the machine that graded it
except :attr:`HandIn.path` and :attr:`NotebookResult.feedback`, which are only read where they
were written.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Literal

from autograde.hardening.sandbox import DEFAULT_MEMORY_LIMIT

#: Seconds a single cell may run while autograding before it is interrupted.
DEFAULT_CELL_TIMEOUT = 120

#: A collected hand-in: readable (``ok``), not handed in, or not a gradeable notebook.
HandInStatus = Literal["ok", "missing", "invalid"]
#: A notebook's grading outcome as ``grades.csv`` reports it.
RowStatus = Literal["graded", "missing", "invalid", "error"]


@dataclass(frozen=True)
class HandIn:
    """One notebook of one student: its file (a path here, or its bytes elsewhere), or why not."""

    student_id: str
    notebook: str
    status: HandInStatus = "ok"
    problem: str = ""
    path: str | None = None
    content: bytes | None = None

    def portable(self) -> HandIn:
        """The same hand-in with the file's bytes inside it, for grading on another machine."""
        if self.path is None or self.content is not None:
            return self
        return replace(self, content=Path(self.path).read_bytes(), path=None)

    def file_in(self, folder: Path) -> Path | None:
        """Where the notebook is on this machine (written under ``folder`` when it travelled)."""
        if self.content is not None:
            target = Path(folder) / f"{self.notebook}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.content)
            return target
        return Path(self.path) if self.path else None


@dataclass(frozen=True)
class StudentJob:
    """Everything needed to grade one student: their id and one HandIn per course notebook."""

    student_id: str
    hand_ins: tuple[HandIn, ...]

    def portable(self) -> StudentJob:
        return replace(self, hand_ins=tuple(h.portable() for h in self.hand_ins))


@dataclass(frozen=True)
class GradingSettings:
    """Every setting a grading worker needs, carried in its request (never the environment)."""

    cell_timeout: int = DEFAULT_CELL_TIMEOUT
    memory_limit: int = DEFAULT_MEMORY_LIMIT  # address space per kernel, bytes; 0: no limit
    sandbox: bool = True  # bubblewrap; False only when the instructor asked for it
    student_timeout: float | None = None  # seconds for a whole student; None: from the above
    records_dir: str = ""  # keep every student's records there (to build misconception prints)

    def student_limit(self, notebooks: int) -> float:
        """How long one student's grading process may take before it is stopped."""
        return self.student_timeout or (self.cell_timeout * 10 * notebooks + 120)

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> GradingSettings:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


#: A test cell's grade id: the exercise, ``_test``, then an optional part (``conv2d_test_2``).
TEST_ID = re.compile(r"_test_?(\w*)$")


def split_test_id(grade_id: str) -> tuple[str, str]:
    """``conv2d_test_2`` -> ``("conv2d", "2")``; ``and_gate_test`` -> ``("and_gate", "")``;
    a grade id that names no test -> ``(grade_id, "")``."""
    match = TEST_ID.search(grade_id)
    if match is None or match.start() == 0:
        return grade_id, ""
    return grade_id[: match.start()], match.group(1)


#: What ``grades.csv`` and ``exercises.csv`` say of a written answer no person has graded yet.
NEEDS_MANUAL_GRADING = "needs manual grading"


@dataclass
class CellGrade:
    """Points of one graded cell, and the first line of its error when it lost points.

    A written answer (an nbgrader manually graded cell) is ``pending`` until a person grades it
    in the formgrader: its ``score`` is then 0 *only as a placeholder*, and every output says
    ``needs manual grading`` instead of a number. ``comment`` is the grader's comment (or
    nbgrader's "No response." for an answer left as released, which scores 0 and is not pending).
    """

    grade_id: str
    score: float
    max_score: float
    message: str = ""
    misconception: str = ""  # the known-wrong answer this failure behaved like, if any
    pending: bool = False  # a written answer waiting for a person
    comment: str = ""
    written: bool = False  # a written answer (graded by a person), pending or not


def pending_points(cells: list[CellGrade]) -> float:
    """Points of the written answers among ``cells`` that wait for a person."""
    return sum(c.max_score for c in cells if getattr(c, "pending", False))


def full_marks(graded) -> bool:
    """Whether a graded notebook (a Row or NotebookResult: status, score, max_score, cells)
    earned every point that can be decided without a person (written answers wait for one)."""
    return graded.status == "graded" and graded.score >= graded.max_score - pending_points(
        graded.cells
    )


@dataclass
class NotebookResult:
    """What the worker reports for one notebook it graded."""

    notebook: str
    status: Literal["graded", "error"]
    score: float = 0.0
    max_score: float = 0.0
    cells: list[CellGrade] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what happened, in the student's terms
    feedback: str = ""  # the feedback page, a path in the worker's folder
    seconds: float = 0.0  # wall time of nbgrader's autograde (what the feedback page shows)
    autograded: str = ""  # the autograded notebook, a path in the worker's folder (formgrader)

    @property
    def pending_points(self) -> float:
        return pending_points(self.cells)

    @classmethod
    def from_dict(cls, data: dict) -> NotebookResult:
        data = dict(data)
        data["cells"] = [CellGrade(**c) for c in data.get("cells", [])]
        return cls(**data)


@dataclass
class Row:
    """One student's result on one notebook: a line of ``grades.csv`` and its feedback page."""

    student_id: str
    notebook: str
    score: float
    max_score: float
    status: RowStatus
    message: str = ""
    cells: list[CellGrade] = field(default_factory=list)
    feedback_html: bytes = b""  # empty: the outputs write a page saying why there is none
    seconds: float = 0.0  # grading wall time (0: not graded)
    autograded_ipynb: bytes = b""  # the autograded notebook, for the formgrader (empty: none)

    @property
    def pending(self) -> list[CellGrade]:
        """The written answers of this notebook that no person has graded yet."""
        return [c for c in self.cells if c.pending]

    @property
    def pending_points(self) -> float:
        return pending_points(self.cells)

    @property
    def shown_status(self) -> str:
        """The status ``grades.csv`` gives: ``needs manual grading`` while a written answer waits."""
        if self.status == "graded" and self.pending:
            return NEEDS_MANUAL_GRADING
        return self.status

    @classmethod
    def ungraded(cls, hand_in: HandIn, max_score: float, message: str = "") -> Row:
        """The row of a hand-in that was not graded: missing, invalid, or ``error`` (message)."""
        if hand_in.status == "ok":
            return cls(hand_in.student_id, hand_in.notebook, 0.0, max_score, "error", message)
        return cls(
            hand_in.student_id, hand_in.notebook, 0.0, max_score, hand_in.status, hand_in.problem
        )

    @classmethod
    def from_result(cls, student_id: str, result: NotebookResult, max_score: float) -> Row:
        html = b""
        if result.feedback and Path(result.feedback).is_file():
            html = Path(result.feedback).read_bytes()
        notebook = b""
        if result.autograded and Path(result.autograded).is_file():
            notebook = Path(result.autograded).read_bytes()
        return cls(
            student_id,
            result.notebook,
            result.score,
            result.max_score or max_score,
            result.status,
            "; ".join(result.notes),
            list(result.cells),
            html,
            result.seconds,
            notebook,
        )


@dataclass
class Report:
    """A graded class: every row, warnings about skipped entries, and where the files went."""

    rows: list[Row]
    warnings: list[str]
    out: Path
    resumed: int = 0  # students taken from the journal of a run that was cut
    changes: list = field(default_factory=list)  # compare.Change against --compare's run
    unmatched: list[str] = field(default_factory=list)  # graded ids Canvas's roster lacks

    def counts(self) -> dict[str, int]:
        """How many rows have each status."""
        found: dict[str, int] = {}
        for r in self.rows:
            found[r.status] = found.get(r.status, 0) + 1
        return dict(sorted(found.items()))

    @property
    def problems(self) -> list[Row]:
        return [r for r in self.rows if r.status not in ("graded", "missing")]
