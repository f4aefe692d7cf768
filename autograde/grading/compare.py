"""``--compare PREVIOUS_OUT``: whose scores a new grading run changes, by how much, and where.

After a test is fixed and the class graded again, the instructor sees before publishing which
students' scores move. Reads ``PREVIOUS_OUT/grades.csv`` and ``exercises.csv`` (any earlier
run's outputs) and writes ``OUT/changes.csv``: one line per student and notebook whose score
or status changed (student_id, notebook, before, after, change, status_before, status_after,
cells: ``grade_id before -> after`` for each graded cell whose points changed). A notebook only
one run graded has an empty ``before`` or ``after``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from autograde.grading.results import Row

CHANGES_COLUMNS = [
    "student_id",
    "notebook",
    "before",
    "after",
    "change",
    "status_before",
    "status_after",
    "cells",
]


@dataclass
class Change:
    """One student's notebook whose score or status differs between the runs."""

    student_id: str
    notebook: str
    before: float | None
    after: float | None
    status_before: str
    status_after: str
    cells: list[tuple[str, float | None, float | None]] = field(default_factory=list)

    @property
    def change(self) -> float:
        return (self.after or 0.0) - (self.before or 0.0)

    def describe(self) -> str:
        def fmt(v: float | None) -> str:
            return "-" if v is None else f"{v:g}"

        where = ", ".join(f"{g} {fmt(b)} -> {fmt(a)}" for g, b, a in self.cells)
        status = (
            f" ({self.status_before} -> {self.status_after})"
            if self.status_before != self.status_after
            else ""
        )
        return (
            f"{self.student_id} {self.notebook}: {fmt(self.before)} -> {fmt(self.after)} "
            f"({self.change:+g}){status}" + (f" in {where}" if where else "")
        )


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: --compare takes an earlier run's OUT")
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_previous(out: Path) -> tuple[dict, dict]:
    """(student, notebook) -> (score, status), and (student, notebook) -> {grade_id: score}."""
    grades = {
        (r["student_id"], r["notebook"]): (float(r["score"]), r["status"])
        for r in _read_csv(Path(out) / "grades.csv")
    }
    cells: dict[tuple[str, str], dict[str, float | None]] = {}
    exercises = Path(out) / "exercises.csv"
    for r in _read_csv(exercises) if exercises.is_file() else []:
        score = float(r["score"]) if r["score"] else None  # empty: a written answer not yet graded
        cells.setdefault((r["student_id"], r["notebook"]), {})[r["grade_id"]] = score
    return grades, cells


def compare(previous_out: Path, rows: list[Row]) -> list[Change]:
    """The changes from the run in ``previous_out`` to ``rows``, sorted by student."""
    grades, cells = read_previous(previous_out)
    now = {(r.student_id, r.notebook): r for r in rows}
    changes = []
    for key in sorted(set(grades) | set(now)):
        before, status_before = grades.get(key, (None, ""))
        row = now.get(key)
        after, status_after = (row.score, row.shown_status) if row else (None, "")
        old_cells = cells.get(key, {})
        new_cells = {c.grade_id: None if c.pending else c.score for c in row.cells} if row else {}
        moved = [
            (g, old_cells.get(g), new_cells.get(g))
            for g in sorted(set(old_cells) | set(new_cells))
            if (g in old_cells) != (g in new_cells) or old_cells.get(g) != new_cells.get(g)
        ]
        if before != after or status_before != status_after or moved:
            changes.append(Change(*key, before, after, status_before, status_after, moved))
    return changes


def write_changes(changes: list[Change], path: Path) -> Path:
    def fmt(v: float | None) -> str:
        return "" if v is None else f"{v:g}"

    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(CHANGES_COLUMNS)
        for c in changes:
            writer.writerow(
                [
                    c.student_id,
                    c.notebook,
                    fmt(c.before),
                    fmt(c.after),
                    f"{c.change:+g}",
                    c.status_before,
                    c.status_after,
                    "; ".join(f"{g} {fmt(b) or '-'} -> {fmt(a) or '-'}" for g, b, a in c.cells),
                ]
            )
    return path
