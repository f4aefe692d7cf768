"""Build nbgrader notebooks from Python: one function per kind of cell.

    nb = notebook([markdown("# Title"), setup_cell("import numpy as np"), ...])
    write(nb, "solutions/01_neurons.ipynb")

Cells get nbgrader's schema-3 metadata: a *solution* cell is where the student writes code
(released with ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` replaced by a stub), a *tests*
cell is locked and carries points, a *locked* cell cannot be changed by the student.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SCHEMA_VERSION = 3


def _meta(grade_id: str, *, solution: bool, grade: bool, locked: bool, points: float = 0) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _clean(source: str) -> str:
    return dedent(source).strip("\n")


def markdown(source: str) -> nbformat.NotebookNode:
    """A plain markdown cell (statement, maths, discussion)."""
    return new_markdown_cell(_clean(source))


def code(source: str) -> nbformat.NotebookNode:
    """A plain code cell the student may run and change (demos, plots)."""
    return new_code_cell(_clean(source))


def locked(grade_id: str, source: str) -> nbformat.NotebookNode:
    """A read-only code cell (setup, data loading) restored by nbgrader if edited."""
    return new_code_cell(
        _clean(source), metadata=_meta(grade_id, solution=False, grade=False, locked=True)
    )


def solution(grade_id: str, source: str) -> nbformat.NotebookNode:
    """The student's answer cell; mark the answer with BEGIN/END SOLUTION."""
    text = _clean(source)
    if "### BEGIN SOLUTION" not in text:
        raise ValueError(f"solution cell {grade_id!r} has no '### BEGIN SOLUTION' marker")
    return new_code_cell(text, metadata=_meta(grade_id, solution=True, grade=False, locked=False))


def tests(grade_id: str, points: float, source: str) -> nbformat.NotebookNode:
    """A locked, graded test cell worth ``points`` (hidden part between HIDDEN TESTS markers)."""
    if points <= 0:
        raise ValueError(f"test cell {grade_id!r} needs positive points")
    return new_code_cell(
        _clean(source),
        metadata=_meta(grade_id, solution=False, grade=True, locked=True, points=points),
    )


def written(grade_id: str, points: float, source: str) -> nbformat.NotebookNode:
    """A written answer a person grades (nbgrader's "manually graded answer"): a markdown cell
    whose whole text, the master answer and its rubric, is the solution (students get
    "YOUR ANSWER HERE")."""
    if points <= 0:
        raise ValueError(f"written answer {grade_id!r} needs positive points")
    return new_markdown_cell(
        _clean(source),
        metadata=_meta(grade_id, solution=True, grade=True, locked=False, points=points),
    )


def notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    """A Python 3 notebook holding ``cells``; grade ids must be unique."""
    ids = [c.metadata["nbgrader"]["grade_id"] for c in cells if "nbgrader" in c.metadata]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate grade ids: {duplicates}")
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def strip_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove outputs and execution counts in place (solutions are stored without them)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def write(nb: nbformat.NotebookNode, path: str | Path) -> Path:
    """Validate and write ``nb`` without outputs."""
    path = Path(path)
    strip_outputs(nb)
    nbformat.validate(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def total_points(nb: nbformat.NotebookNode) -> float:
    """Sum of the points of every graded cell."""
    return sum(
        float(c.metadata["nbgrader"].get("points", 0))
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    )
