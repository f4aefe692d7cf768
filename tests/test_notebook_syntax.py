"""Every code cell of every notebook compiles under the installed IPython's own transformation.

IPython 9 no longer strips a cell's common leading indentation, so a cell whose first line is
indented raises IndentationError there while older IPythons ran it. The kernel does exactly
this to a cell before running it: ``TransformerManager().transform_cell`` (magics, ``!``,
``?``), then ``compile``. This test does the same for ``solutions/`` and ``nbs/``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from IPython.core.inputtransformer2 import TransformerManager

from autograde.release.coursefolder import RELEASE_DIR, SOLUTIONS_DIR

NOTEBOOKS = sorted(SOLUTIONS_DIR.glob("[0-9][0-9]_*.ipynb")) + sorted(
    RELEASE_DIR.glob("[0-9][0-9]_*.ipynb")
)


def compile_errors(path: Path) -> list[str]:
    """One line per code cell of ``path`` that does not compile after IPython's transformation."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    manager = TransformerManager()
    problems = []
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "-")
        try:
            compile(manager.transform_cell(source), f"{path.name}[{index}]", "exec")
        except SyntaxError as exc:
            problems.append(
                f"{path.parent.name}/{path.name}, cell {index} (grade id {grade_id}): "
                f"{type(exc).__name__}: {exc.msg} at line {exc.lineno}"
            )
    return problems


def test_there_are_notebooks_to_check():
    assert len(NOTEBOOKS) == 12


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_code_cell_compiles_after_ipython_transforms_it(path):
    problems = compile_errors(path)
    assert not problems, "\n".join(problems)


def test_an_indented_first_line_is_reported_by_name(tmp_path):
    nb = {
        "cells": [
            {"cell_type": "code", "source": "x = 1\n", "metadata": {}},
            {
                "cell_type": "code",
                "source": "    import torch\nx = 2\n",
                "metadata": {"nbgrader": {"grade_id": "demo_test"}},
            },
        ]
    }
    path = tmp_path / "99_demo.ipynb"
    path.write_text(json.dumps(nb))
    problems = compile_errors(path)
    assert len(problems) == 1
    assert "99_demo.ipynb, cell 1 (grade id demo_test)" in problems[0]
