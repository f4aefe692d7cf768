"""The student's self-check (``nn-course check NOTEBOOK``): run a copy, summarise the tests.

Runs the notebook top to bottom in a fresh kernel (as the grader would: fast mode, each cell
with a time limit; the file itself is not changed) and prints one line per exercise: whether
its tests passed, why not, and the points it is worth. In a student copy only the visible
tests run; the grader adds hidden ones, so passing here is necessary, not sufficient.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograde.release.hidden_marker import HIDDEN_MARKER

DEFAULT_TIMEOUT = 300


@dataclass
class TestCell:
    grade_id: str
    points: float
    passed: bool
    why: str = ""
    hidden: bool = False  # the grader adds hidden tests to this cell
    mistake: str = ""  # the known mistake the failure looks like, with its hint


@dataclass
class Exercise:
    name: str
    status: str = "passed"  # passed | failed | not done | no tests
    tests: list[TestCell] = field(default_factory=list)
    why: str = ""

    @property
    def points(self) -> float:
        return sum(t.points for t in self.tests)

    @property
    def earned(self) -> float:
        return sum(t.points for t in self.tests if t.passed)

    @property
    def hidden_points(self) -> float:
        """Points of this exercise's test cells to which the grader adds hidden tests."""
        return sum(t.points for t in self.tests if t.hidden)


def _source(cell) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def _problem(cell) -> str:
    """Why an executed cell failed (its error, or that it wrote to stderr), or ``""``."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            value = re.sub(r"\x1b\[[0-9;]*m", "", str(out.get("evalue", ""))).strip()
            first = value.splitlines()[0] if value else ""
            return f"{out.get('ename', 'Error')}: {first}".rstrip(": ")
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            return "wrote to stderr (the grader counts that as a failure)"
    return ""


#: What a released written-answer cell holds until the student writes in it.
ANSWER_STUB = "YOUR ANSWER HERE"


@dataclass
class WrittenAnswer:
    """A written answer (a markdown cell a person grades): its id, points, and whether the
    student has written anything in it yet."""

    grade_id: str
    points: float
    answered: bool


def written_answers(nb) -> list[WrittenAnswer]:
    """The notebook's written answers, in order (no test can check them: a person will)."""
    found = []
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.get("cell_type") == "markdown" and meta.get("grade") and meta.get("solution"):
            text = _source(cell).strip()
            answered = bool(text) and text != ANSWER_STUB
            found.append(
                WrittenAnswer(
                    meta.get("grade_id", "?"), float(meta.get("points", 0) or 0), answered
                )
            )
    return found


def summarise(nb) -> list[Exercise]:
    """Exercises of an executed notebook, each with its test cells' outcomes."""
    exercises: dict[str, Exercise] = {}
    order: list[str] = []
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if cell.get("cell_type") != "code" or not gid:
            continue
        if meta.get("solution"):
            ex = exercises.setdefault(gid, Exercise(gid))
            if gid not in order:
                order.append(gid)
            problem = _problem(cell)
            if problem.startswith("NotImplementedError"):
                ex.status, ex.why = "not done", "the solution cell still raises NotImplementedError"
            elif problem:
                ex.status, ex.why = "failed", f"the solution cell fails: {problem}"
        if meta.get("grade") and not meta.get("solution"):
            owner = next(
                (g for g in reversed(order) if re.match(rf"^{re.escape(g)}_test", gid)), None
            )
            owner = owner or gid
            if owner not in exercises:
                exercises[owner] = Exercise(owner)
                order.append(owner)
            problem = _problem(cell)
            exercises[owner].tests.append(
                TestCell(
                    gid,
                    float(meta.get("points", 0) or 0),
                    not problem,
                    problem,
                    HIDDEN_MARKER in _source(cell),
                )
            )
    for ex in exercises.values():
        if ex.status == "passed" and not ex.tests:
            ex.status = "no tests"
        elif ex.status == "passed" and not all(t.passed for t in ex.tests):
            failed = next(t for t in ex.tests if not t.passed)
            if failed.why.startswith("NotImplementedError"):
                ex.status, ex.why = "not done", "the solution still raises NotImplementedError"
            else:
                ex.status, ex.why = "failed", f"{failed.grade_id}: {failed.why}"
    return [exercises[g] for g in order]


@dataclass
class Observed:
    """What the checks of each test cell reported (``course.records``), by grade id, and the
    error that stopped each test cell that did not finish."""

    records: dict[str, list[dict]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _is_test(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def execute(
    path: Path,
    timeout: int = DEFAULT_TIMEOUT,
    fast: bool = True,
    progress: bool = True,
    observed: Observed | None = None,
):
    """Run a copy of the notebook at ``path`` in a fresh kernel; returns the executed copy.

    Given ``observed``, the test cells run as the grader runs them (the same labels for
    their checks) and what each reported is kept there, for :func:`name_mistakes`."""
    import tempfile

    import nbformat
    from nbclient import NotebookClient
    from tqdm.auto import tqdm

    from autograde.verdicts.withhold import for_kernel
    from course.records import RECORDS_ENV, NotData, load_line

    nb = nbformat.read(str(path), as_version=4)
    tests = {i for i, c in enumerate(nb.cells) if _is_test(c)}
    originals = {}
    if observed is not None:
        for i in tests:
            try:
                originals[i], nb.cells[i].source = (
                    nb.cells[i].source,
                    for_kernel(nb.cells[i].source, withhold=False),
                )
            except SyntaxError:
                pass  # the kernel reports it
    scratch = tempfile.TemporaryDirectory(prefix="nn-course-check-")
    channel = Path(scratch.name) / "records.jsonl"

    def before(cell, cell_index, **_):
        if observed is not None and cell_index in tests:
            channel.write_text("", encoding="utf-8")

    def after(cell, cell_index, **_):
        bar.update(1)
        if observed is None or cell_index not in tests:
            return
        grade_id = cell.metadata.nbgrader.grade_id
        try:
            lines = channel.read_text(encoding="utf-8").splitlines()
            observed.records[grade_id] = [load_line(line, 1 << 28) for line in lines]
        except (OSError, NotData):
            observed.records[grade_id] = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                stopped = f"{out.get('ename', '')}: {out.get('evalue', '')}".strip()
                observed.errors[grade_id] = stopped[:500]
                break

    saved = {k: os.environ.get(k) for k in ("NN_COURSE_FAST", RECORDS_ENV)}
    os.environ["NN_COURSE_FAST"] = "1" if fast else "0"
    if observed is not None:
        os.environ[RECORDS_ENV] = str(channel)
    code = [c for c in nb.cells if c.cell_type == "code"]
    bar = tqdm(total=len(code), desc="running", unit="cell", disable=not progress, file=sys.stderr)
    client = NotebookClient(
        nb,
        timeout=timeout,
        allow_errors=True,
        interrupt_on_timeout=True,
        kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_execute=before,
        on_cell_executed=after,
    )
    try:
        client.execute()
    finally:
        bar.close()
        scratch.cleanup()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        for i, source in originals.items():
            nb.cells[i].source = source  # the student's own cell, as the file holds it
    return nb


def name_mistakes(stem: str, exercises: list[Exercise], observed: Observed) -> None:
    """Set ``mistake`` on each failed visible test cell that behaves like a known mistake
    (the course's ``course/data/mistakes/<stem>.json``; nothing when it has none)."""
    from autograde.verdicts.visible import Namer

    namer = Namer.shipped(stem)
    if namer is None:
        return
    for ex in exercises:
        for test in ex.tests:
            if test.passed:
                continue
            found = namer.name(test.grade_id, observed.records, observed.errors)
            if found is not None:
                test.mistake = f"{found.label}. {found.hint}".strip()
