"""Is this cell the course's own? One answer, from the gradebook and the released notebook.

The gradebook holds the instructor's source of every graded and locked cell (hidden tests
included); the release holds what students were given (hidden tests removed). A locked or test
cell of a hand-in is *authentic* when its source is one of the two; after nbgrader's
OverwriteCells has put the gradebook's version back, a test cell is authentic when it is the
gradebook's source (or ends with it, after the comment nbgrader adds to a cell it re-added).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

CellKind = Literal["test", "locked", "student", "other"]


@dataclass(frozen=True)
class SourceCell:
    source: str
    locked: bool
    test: bool  # graded and not a solution: the course's tests


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def grade_id_of(cell) -> str | None:
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    nbgrader = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    grade_id = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    return grade_id if isinstance(grade_id, str) else None


class AuthenticCells:
    """The course's version of each cell of one notebook, by grade id."""

    def __init__(self, source: dict[str, SourceCell], released: dict[str, str]) -> None:
        self.source = source
        self.released = released

    @classmethod
    def load(
        cls, db_url: str, notebook: str, assignment: str, release: Path | None
    ) -> AuthenticCells:
        """From the gradebook at ``db_url`` and the released notebook file ``release``."""
        from nbgrader.api import Gradebook

        with Gradebook(db_url) as gb:
            nb = gb.find_notebook(notebook, assignment)
            grade_ids = {c.name for c in nb.grade_cells}
            solution_ids = {c.name for c in nb.solution_cells}
            source = {
                c.name: SourceCell(
                    c.source, bool(c.locked), c.name in grade_ids and c.name not in solution_ids
                )
                for c in nb.source_cells
            }
        released: dict[str, str] = {}
        if release is not None and Path(release).is_file():
            for cell in json.loads(Path(release).read_text(encoding="utf-8")).get("cells", []):
                grade_id = grade_id_of(cell)
                if grade_id:
                    released[grade_id] = _text(cell.get("source"))
        return cls(source, released)

    @property
    def release_order(self) -> list[str]:
        return list(self.released)

    def edited(self, grade_id: str, text: str) -> bool:
        """Whether a hand-in's locked or test cell ``grade_id`` differs from what the course
        gave out (the release) and from the instructor's source (a solution handed in)."""
        cell = self.source.get(grade_id)
        if cell is None or not cell.locked:
            return False
        text = _text(text).strip()
        return (
            text != self.released.get(grade_id, cell.source).strip() and text != cell.source.strip()
        )

    def kind(self, cell) -> CellKind:
        """'test' (the course's tests, authentic), 'locked' (authentic, not graded), 'student'
        (anything a student may have written) or 'other' (not code)."""
        if cell.get("cell_type") != "code":
            return "other"
        grade_id = grade_id_of(cell)
        source = self.source.get(grade_id) if grade_id else None
        if source is None:
            return "student"
        text = _text(cell.get("source"))
        if text != source.source and not (source.test and text.endswith("\n" + source.source)):
            return "student"
        if source.test:
            return "test"
        return "locked" if source.locked else "student"
