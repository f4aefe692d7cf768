"""The one in-kernel harness for the topic tests' known answers (about 4x faster than the audit).

    outcomes = try_known_answers("04_convolution")
    assert not problems(outcomes)

One kernel walks the solution notebook as grading would (fast mode, one BLAS thread): every
locked code cell runs where it stands; at each solution cell, every known answer of that
exercise (``autograde/variants/NN_topic.py``), the released stub and the solution itself is
tried in turn: the names the exercise defines are forgotten, the answer runs, then the
exercise's test cells (hidden parts included). The solution is run last, so later cells see
its state. A right answer (and the solution) must pass every test cell, without an error or
stderr output; a wrong answer (and the stub) must fail one. ``nn-course audit`` checks the same
known answers through the real grading pipeline.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograde import variants
from autograde.release.coursefolder import RELEASE_DIR, SOLUTIONS_DIR

ROOT = SOLUTIONS_DIR.parent


@dataclass
class Outcome:
    """What the tests of one exercise said about one answer."""

    grade_id: str
    label: str
    kind: str  # solution | wrong | right | release
    passed: list[bool] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    answer_error: str = ""  # the answer cell itself raised (other than NotImplementedError)

    @property
    def should_pass(self) -> bool:
        return self.kind in ("solution", "right")

    @property
    def as_expected(self) -> bool:
        if self.should_pass:
            return bool(self.passed) and all(self.passed) and not self.answer_error
        return not all(self.passed)


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def defined_names(source: str) -> set[str]:
    """Top-level names a cell defines (functions, classes, assignments, imports)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def _released_stubs(stem: str) -> dict[str, str]:
    path = RELEASE_DIR / f"{stem}.ipynb"
    if not path.is_file():
        return {}
    nb = nbformat.read(str(path), as_version=4)
    return {
        _grade_id(c): c.source
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"
    }


def try_known_answers(stem: str, timeout: int = 300) -> list[Outcome]:
    """Every known answer, the released stub and the solution of every exercise of ``stem``."""
    from nbclient import NotebookClient

    wrong, right = variants.load(stem)
    stubs = _released_stubs(stem)
    nb = nbformat.read(str(SOLUTIONS_DIR / f"{stem}.ipynb"), as_version=4)
    saved = {k: os.environ.get(k) for k in ("NBGRADER_EXECUTION", "OMP_NUM_THREADS")}
    os.environ.update(NBGRADER_EXECUTION="autograde", OMP_NUM_THREADS="1")
    client = NotebookClient(
        nbformat.v4.new_notebook(),
        kernel_name="python3",
        timeout=timeout,
        allow_errors=True,
        resources={"metadata": {"path": str(ROOT)}},
    )

    def run(source: str):
        cell = nbformat.v4.new_code_cell(source)
        client.nb.cells = [cell]  # nbclient writes outputs back by index
        client.execute_cell(cell, 0)
        return cell

    def problem(cell) -> str:
        for o in cell.outputs:
            if o.output_type == "error":
                return f"{o.ename}: {o.evalue}"
            if o.output_type == "stream" and o.name == "stderr":
                return f"stderr: {o.text[:300]}"
        return ""

    outcomes: list[Outcome] = []
    try:
        with client.setup_kernel():
            for cell in nb.cells:
                meta = cell.metadata.get("nbgrader", {})
                gid = _grade_id(cell)
                if cell.cell_type != "code":
                    continue
                if meta.get("locked") and not meta.get("grade"):
                    why = problem(run(cell.source))
                    if why:
                        raise AssertionError(f"{stem}: locked cell {gid} failed: {why}")
                if not meta.get("solution"):
                    continue
                tests = [
                    c.source for c in nb.cells if (_grade_id(c) or "").startswith(f"{gid}_test")
                ]
                answers = [(label, "wrong", src) for label, src in wrong.get(gid, {}).items()]
                answers += [(label, "right", src) for label, src in right.get(gid, {}).items()]
                if gid in stubs:
                    answers.append(("the released stub", "release", stubs[gid]))
                answers.append(("the solution", "solution", cell.source))
                for label, kind, source in answers:
                    forget = sorted(defined_names(cell.source) | defined_names(source))
                    run("".join(f"globals().pop({n!r}, None)\n" for n in forget) or "pass")
                    outcome = Outcome(gid, label, kind)
                    why = problem(run(source))
                    if why and not why.startswith("NotImplementedError"):
                        outcome.answer_error = why
                    for test in tests:
                        why = problem(run(test))
                        outcome.passed.append(not why)
                        if why:
                            outcome.why.append(why)
                    outcomes.append(outcome)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return outcomes


def problems(outcomes: list[Outcome]) -> list[str]:
    """One line per answer the tests judged wrongly."""
    lines = []
    for o in outcomes:
        if o.as_expected:
            continue
        if o.should_pass:
            lines.append(
                f"{o.grade_id}: {o.kind} answer '{o.label}' lost points: {o.answer_error or o.why}"
            )
        else:
            lines.append(f"{o.grade_id}: {o.kind} answer '{o.label}' kept full marks")
    return lines


def notebook_path(stem: str) -> Path:
    return SOLUTIONS_DIR / f"{stem}.ipynb"
