"""Mend a hand-in's notebook structure before nbgrader reads it, so a broken notebook costs
only what is broken in it.

nbgrader trusts the cell metadata it finds: points set to ``"lots"``, a test cell flagged as a
solution, an answer cell flagged as graded, or a cell that is not a JSON object end its run in
a traceback and zero the notebook. :func:`repair` returns a notebook nbgrader can grade on the
course's own tests, and one line per kind of repair for the grading notes:

- an nbformat 3 notebook is converted to nbformat 4;
- entries of ``cells`` that are not notebook cells (not an object, no known ``cell_type``) are
  dropped; sources, outputs, metadata and execution counts of the wrong type are reset;
- the nbgrader metadata of every cell whose grade id is one of the release's is the release's
  (points, flags, schema), whatever the hand-in says; nbgrader metadata that is not an object,
  or has no string grade id, is removed (the cell is then the student's own);
- lone surrogates (text no file can hold) become U+FFFD.

    nb, notes = repair(json.loads(text), released_notebook)
"""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

CELL_TYPES = ("code", "markdown", "raw")
CELL_ID = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def _clean_text(value: Any) -> str:
    """A cell source or text output as one string, without lone surrogates."""
    if isinstance(value, list):
        value = "".join(v if isinstance(v, str) else str(v) for v in value)
    elif not isinstance(value, str):
        value = "" if value is None else str(value)
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _scrub(value: Any) -> Any:
    """``value`` with every string freed of lone surrogates (JSON structure kept)."""
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    if isinstance(value, dict):
        return {_clean_text(k): _scrub(v) for k, v in value.items()}
    return value


def _released_metadata(release: dict) -> dict[str, dict]:
    """grade id -> the nbgrader metadata of that cell in the released notebook."""
    found = {}
    for cell in release.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader")
        if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
            found[meta["grade_id"]] = meta
    return found


def _upgrade(nb: dict, notes: list[str]) -> dict:
    """An nbformat 3 notebook as nbformat 4 (what nbgrader reads)."""
    if nb.get("nbformat") != 3:
        return nb
    import nbformat

    converted = nbformat.convert(nbformat.from_dict(nb), 4)
    notes.append("the notebook was saved in the old nbformat 3; it was converted to nbformat 4")
    return converted


def _repair_cell(cell: Any, released: dict[str, dict], found: dict[str, int]) -> dict | None:
    """The cell fit for nbgrader (None: not a cell); counts each kind of repair in ``found``."""
    if not isinstance(cell, dict) or cell.get("cell_type") not in CELL_TYPES:
        found["dropped"] = found.get("dropped", 0) + 1
        return None
    cell = dict(cell)
    kind = cell["cell_type"]
    raw = cell.get("source")
    joined = "".join(map(str, raw)) if isinstance(raw, list) else str(raw or "")
    source = _clean_text(raw)
    if source != joined:
        found["text"] = found.get("text", 0) + 1
    cell["source"] = source
    metadata = cell.get("metadata")
    if not isinstance(metadata, dict):
        metadata = {}
        found["metadata"] = found.get("metadata", 0) + 1
    metadata = dict(_scrub(metadata))
    if "nbgrader" in metadata:
        meta = metadata["nbgrader"]
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if not isinstance(grade_id, str):
            del metadata["nbgrader"]
            found["junk"] = found.get("junk", 0) + 1
        elif grade_id in released and meta != released[grade_id]:
            metadata["nbgrader"] = copy.deepcopy(released[grade_id])
            found["restored"] = found.get("restored", 0) + 1
    cell["metadata"] = metadata
    if kind == "code":
        if not isinstance(cell.get("outputs"), list):
            cell["outputs"] = []
        cell["outputs"] = [o for o in _scrub(cell["outputs"]) if isinstance(o, dict)]
        count = cell.get("execution_count")
        if not (count is None or (isinstance(count, int) and not isinstance(count, bool))):
            cell["execution_count"] = None
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    if "attachments" in cell and not isinstance(cell["attachments"], dict):
        del cell["attachments"]
    if "id" in cell and not (isinstance(cell["id"], str) and CELL_ID.match(cell["id"])):
        del cell["id"]
    return cell


def _unique_ids(cells: list[dict]) -> None:
    """Every cell a valid id of its own (nbformat 4.5 requires them)."""
    seen: set[str] = set()
    for cell in cells:
        if cell.get("id") in seen or "id" not in cell:
            cell["id"] = uuid.uuid4().hex[:12]
        seen.add(cell["id"])


_SAY = {
    "dropped": "{n} entries of the notebook's cell list were not notebook cells; they were left out",
    "text": "{n} cells held text no file can store (lone surrogates); it was replaced by U+FFFD",
    "metadata": "{n} cells had metadata that is not an object; it was reset",
    "junk": "{n} cells had nbgrader metadata without a grade id; it was removed",
    "restored": "the grading metadata of {n} cells (points, solution and test flags) differed "
    "from the released notebook; the release's was used",
}


def repair(nb: Any, release: dict) -> tuple[dict, list[str]]:
    """``nb`` (parsed JSON) fit for nbgrader, graded by ``release``'s cells; and the notes."""
    notes: list[str] = []
    nb = _upgrade(dict(nb), notes)
    released = _released_metadata(release)
    found: dict[str, int] = {}
    raw_cells = nb.get("cells") if isinstance(nb.get("cells"), list) else []
    cells = [_repair_cell(c, released, found) for c in raw_cells]
    nb["cells"] = [c for c in cells if c is not None]
    if not isinstance(nb.get("metadata"), dict):
        nb["metadata"] = {}
        found["metadata"] = found.get("metadata", 0) + 1
    nb["metadata"] = _scrub(nb["metadata"])
    minor = nb.get("nbformat_minor")
    nb["nbformat"] = 4
    nb["nbformat_minor"] = minor if isinstance(minor, int) and 0 <= minor < 100 else 4
    if nb["nbformat_minor"] >= 5:
        _unique_ids(nb["cells"])
    notes += [_SAY[k].format(n=n) for k, n in found.items()]
    return nb, notes
