"""Wide gradebooks an LMS imports: ``OUT/gradebook.csv`` and Canvas's import file.

``gradebook.csv``: one row per student, one column per notebook (its points), then ``total``;
the second line, ``points_possible``, gives each column's maximum. A notebook whose written
answers no person has graded yet is left empty (and so is the total) in both files, so that an
LMS import never takes a provisional score as final; ``nn-course grades OUT`` fills it in::

    student_id,01_neurons,02_backprop,total
    points_possible,12,20,32
    ann,12,17.5,29.5

``canvas.csv`` (``--lms canvas --roster EXPORT.csv``) is written in the layout of the CSV that
Canvas's gradebook exports (Grades > Export) and imports back (Grades > Import): the identity
columns ``Student, ID, SIS User ID, SIS Login ID, Section`` copied from the roster, a
``Points Possible`` line, and one column per notebook. A notebook column reuses the header of
the roster's assignment column whose name starts with the notebook's name (``01_neurons
(12345)``: Canvas updates assignment 12345); otherwise its header is the notebook's name and
Canvas creates that assignment on import. A student is matched by their id (the folder name
of their hand-ins) against the roster's SIS Login ID, SIS User ID, then ID, ignoring case.
Roster students with no grades get empty cells, which Canvas leaves unchanged.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from autograde.grading.results import Row

CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
CANVAS_MATCH_ORDER = ["SIS Login ID", "SIS User ID", "ID"]
POINTS_POSSIBLE = "Points Possible"


class RosterError(ValueError):
    """The roster is not a Canvas gradebook export (or cannot be matched unambiguously)."""


def _points(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def score_table(
    rows: list[Row], stems: list[str]
) -> tuple[dict[str, dict[str, float | None]], dict]:
    """student -> notebook -> score, and notebook -> max score, from ``rows``. A notebook whose
    written answers await a person has no score yet (None): an LMS must not take it as final."""
    scores: dict[str, dict[str, float | None]] = defaultdict(dict)
    maxima: dict[str, float] = {}
    for r in rows:
        scores[r.student_id][r.notebook] = None if r.pending else r.score
        maxima[r.notebook] = max(maxima.get(r.notebook, 0.0), r.max_score)
    return dict(scores), {s: maxima.get(s, 0.0) for s in stems}


def write_gradebook(rows: list[Row], stems: list[str], path: Path) -> Path:
    """``gradebook.csv``: one row per student (see the module doc)."""
    scores, maxima = score_table(rows, stems)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student_id", *stems, "total"])
        writer.writerow(
            ["points_possible", *(_points(maxima[s]) for s in stems), _points(sum(maxima.values()))]
        )
        for sid in sorted(scores):
            got = [scores[sid].get(s, 0.0) for s in stems]
            total = None if None in got else sum(got)
            writer.writerow([sid, *(_points(g) for g in got), _points(total)])
    return path


@dataclass
class Roster:
    """A Canvas gradebook export: its header, its students' identity columns."""

    header: list[str]
    students: list[dict[str, str]]


def read_canvas_roster(path: Path) -> Roster:
    """Read the CSV Canvas's gradebook exports; raises :class:`RosterError` when it is not one."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # Canvas writes a byte-order mark
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"cannot read the roster {path}: {exc}") from exc
    lines = list(csv.reader(text.splitlines()))
    if not lines:
        raise RosterError(f"the roster {path} is empty")
    header = [h.strip() for h in lines[0]]
    missing = [c for c in CANVAS_IDENTITY if c not in header]
    if missing:
        raise RosterError(
            f"the roster {path} has no column {', '.join(missing)}: give the CSV that Canvas's "
            "gradebook exports (Grades > Export > Export Entire Gradebook)"
        )
    students = []
    for values in lines[1:]:
        entry = dict(zip(header, (v.strip() for v in values), strict=False))
        if not any(entry.get(c) for c in CANVAS_MATCH_ORDER):
            continue  # the "Points Possible" and "Manual Posting" lines, blank lines
        students.append({c: entry.get(c, "") for c in CANVAS_IDENTITY})
    return Roster(header, students)


def _column_for(stem: str, header: list[str]) -> str:
    """The roster's assignment column for ``stem`` (``01_neurons (12345)``), or ``stem``."""
    pattern = re.compile(rf"^{re.escape(stem)}(\s*\(\d+\))?$", re.IGNORECASE)
    for name in header:
        if name not in CANVAS_IDENTITY and pattern.match(name.strip()):
            return name
    return stem


def match_students(roster: Roster, student_ids: list[str]) -> tuple[dict[str, int], list[str]]:
    """student id -> index in ``roster.students``, and the ids the roster does not hold."""
    matched: dict[str, int] = {}
    unmatched = []
    for sid in student_ids:
        key = sid.casefold()
        found = None
        for column in CANVAS_MATCH_ORDER:
            hits = [i for i, s in enumerate(roster.students) if s[column].casefold() == key]
            if len(hits) > 1:
                raise RosterError(f"{len(hits)} roster students have {column} {sid!r}")
            if hits:
                found = hits[0]
                break
        if found is None:
            unmatched.append(sid)
        elif found in matched.values():
            other = next(k for k, v in matched.items() if v == found)
            raise RosterError(f"the students {other!r} and {sid!r} match the same roster line")
        else:
            matched[sid] = found
    return matched, unmatched


def write_canvas(rows: list[Row], stems: list[str], roster: Roster, path: Path) -> list[str]:
    """Canvas's import file (see the module doc); returns the graded ids the roster lacks."""
    scores, maxima = score_table(rows, stems)
    matched, unmatched = match_students(roster, sorted(scores))
    by_line = {i: sid for sid, i in matched.items()}
    columns = [_column_for(s, roster.header) for s in stems]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([*CANVAS_IDENTITY, *columns])
        writer.writerow([POINTS_POSSIBLE, "", "", "", "", *(_points(maxima[s]) for s in stems)])
        for i, student in enumerate(roster.students):
            sid = by_line.get(i)
            cells = [_points(scores[sid].get(s, 0.0)) for s in stems] if sid else [""] * len(stems)
            writer.writerow([student[c] for c in CANVAS_IDENTITY] + cells)
    return unmatched
