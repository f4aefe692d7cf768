"""Known-wrong and known-right answers, one module per notebook: ``NN_topic.py``.

Each module defines ``WRONG`` and ``RIGHT``: ``{grade_id: {label: source}}`` where ``grade_id``
names a solution cell and ``source`` replaces that cell's whole source. A wrong variant must
lose points in one of the ``<grade_id>_test*`` cells; a right one must keep full marks.
``HINTS`` (``{grade_id: {label: hint}}``) says, for every wrong variant, what the mistake is and
how to think about it (never the answer): the feedback shows it to a student whose failing
answer behaves like that variant.
"""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

VARIANTS_DIR = Path(__file__).resolve().parent


def variant_stems(variants_dir: Path = VARIANTS_DIR) -> list[str]:
    """Notebooks that have a variants module."""
    return sorted(p.stem for p in Path(variants_dir).glob("[0-9][0-9]_*.py"))


Table = dict[str, dict[str, str]]


def load(stem: str, variants_dir: Path = VARIANTS_DIR) -> tuple[Table, Table]:
    """``(WRONG, RIGHT)`` of notebook ``stem``, checked to be ``{grade_id: {label: source}}``."""
    path = Path(variants_dir) / f"{stem}.py"
    if not path.is_file():
        raise FileNotFoundError(f"no variants file {path}")
    spec = importlib.util.spec_from_file_location(f"_nn_course_variants_{stem}", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    tables = []
    for kind in ("WRONG", "RIGHT"):
        table = getattr(module, kind, {})
        if not isinstance(table, dict):
            raise ValueError(f"{path}: {kind} must be a dict {{grade_id: {{label: source}}}}")
        for grade_id, answers in table.items():
            if not isinstance(answers, dict):
                raise ValueError(f"{path}: {kind}[{grade_id!r}] must map labels to sources")
            for label, source in answers.items():
                if not isinstance(source, str):
                    raise ValueError(f"{path}: {kind}[{grade_id!r}][{label!r}] is not a str")
        tables.append(table)
    return tables[0], tables[1]


def hints(stem: str, variants_dir: Path = VARIANTS_DIR) -> dict[str, dict[str, str]]:
    """``HINTS`` of notebook ``stem``: ``{grade_id: {label: hint}}`` for its wrong variants."""
    path = Path(variants_dir) / f"{stem}.py"
    spec = importlib.util.spec_from_file_location(f"_nn_course_hints_{stem}", path)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    table = getattr(module, "HINTS", {})
    if not isinstance(table, dict):
        raise ValueError(f"{path}: HINTS must be a dict {{grade_id: {{label: hint}}}}")
    return table


def substitute(nb: dict, replacements: dict[str, str]) -> dict:
    """A copy of ``nb`` (a dict or NotebookNode) with the named solution cells' sources replaced.

    Replaced cells lose their outputs; a name with no solution cell (a test cell's, say) is a
    ``KeyError``.
    """
    nb = copy.deepcopy(nb)
    todo = dict(replacements)
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if grade_id in todo and meta.get("solution"):
            cell["source"] = todo.pop(grade_id).strip("\n")
            cell["outputs"], cell["execution_count"] = [], None
    if todo:
        raise KeyError(f"no solution cell named {sorted(todo)}")
    return nb
