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


def execute(path: Path, timeout: int = DEFAULT_TIMEOUT, fast: bool = True, progress: bool = True):
    """Run a copy of the notebook at ``path`` in a fresh kernel; returns the executed copy."""
    import nbformat
    from nbclient import NotebookClient
    from tqdm.auto import tqdm

    nb = nbformat.read(str(path), as_version=4)
    env_before = os.environ.get("NN_COURSE_FAST")
    os.environ["NN_COURSE_FAST"] = "1" if fast else "0"
    code = [c for c in nb.cells if c.cell_type == "code"]
    bar = tqdm(total=len(code), desc="running", unit="cell", disable=not progress, file=sys.stderr)
    client = NotebookClient(
        nb,
        timeout=timeout,
        allow_errors=True,
        interrupt_on_timeout=True,
        kernel_name=nb.metadata.get("kernelspec", {}).get("name", "python3"),
        resources={"metadata": {"path": str(path.parent)}},
        on_cell_executed=lambda **_: bar.update(1),
    )
    try:
        client.execute()
    finally:
        bar.close()
        if env_before is None:
            os.environ.pop("NN_COURSE_FAST", None)
        else:
            os.environ["NN_COURSE_FAST"] = env_before
    return nb
