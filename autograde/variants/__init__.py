"""Known-wrong and known-right answers, one module per notebook: ``NN_topic.py``.

Each module defines ``WRONG`` and ``RIGHT``: ``{grade_id: {label: source}}`` where ``grade_id``
names a solution cell and ``source`` replaces that cell's whole source. A wrong variant must
lose points in one of the ``<grade_id>_test*`` cells; a right one must keep full marks.
"""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import nbformat

VARIANTS_DIR = Path(__file__).resolve().parent


def variant_stems() -> list[str]:
    """Notebooks that have a variants module."""
    return sorted(p.stem for p in VARIANTS_DIR.glob("[0-9][0-9]_*.py"))


def load(stem: str) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """``(WRONG, RIGHT)`` of notebook ``stem``."""
    path = VARIANTS_DIR / f"{stem}.py"
    if not path.is_file():
        raise FileNotFoundError(f"no variants module {path}")
    spec = importlib.util.spec_from_file_location(f"autograde.variants._{stem}", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return getattr(module, "WRONG", {}), getattr(module, "RIGHT", {})


def substitute(nb: nbformat.NotebookNode, replacements: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of ``nb`` with the solution cells named in ``replacements`` given new sources."""
    nb = copy.deepcopy(nb)
    found = set()
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in replacements:
            if not cell.metadata["nbgrader"].get("solution"):
                raise ValueError(f"cell {grade_id!r} is not a solution cell")
            cell.source = replacements[grade_id].strip("\n")
            found.add(grade_id)
    missing = set(replacements) - found
    if missing:
        raise KeyError(f"no solution cells named {sorted(missing)}")
    return nb
