"""What happened to a notebook while it was graded, recorded where it happened.

Each step that changes or refuses something in a hand-in (a sanitize preprocessor that puts a
test cell back, the Execute step that stops an endless loop) calls :meth:`RecordsNotes.note`,
which appends one JSON line ``{"notebook": ..., "note": ...}`` to the student's notes file (its
path is the preprocessors' ``notes_path`` configuration, set by the worker). The worker then
reads the notes of each notebook (:func:`read_notes`) into its result, and the Execute step
shows them in a "Grading notes" box at the top of the feedback.
"""

from __future__ import annotations

import json
from pathlib import Path

from traitlets import HasTraits, Unicode


def add_note(path: str | Path, notebook: str, text: str) -> None:
    """Append one note for ``notebook`` to the notes file at ``path`` (nothing when unset)."""
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"notebook": notebook, "note": text}) + "\n")


def read_notes(path: str | Path, notebook: str) -> list[str]:
    """The notes recorded for ``notebook``, in order, each once."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    notes: list[str] = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("notebook") == notebook and record.get("note") not in notes:
            notes.append(str(record["note"]))
    return notes


class RecordsNotes(HasTraits):
    """Mixin for nbgrader preprocessors: ``self.note(resources, text)`` records a note."""

    notes_path = Unicode("", help="file the grading notes are appended to").tag(config=True)

    def note(self, resources: dict, text: str) -> None:
        notebook = (resources or {}).get("nbgrader", {}).get("notebook", "")
        add_note(self.notes_path, notebook, text)


def findings_path(notes_path: str | Path) -> str:
    """Where the structured findings (named misconceptions) go, beside the notes file."""
    return f"{notes_path}.findings.jsonl" if notes_path else ""


def add_finding(notes_path: str | Path, notebook: str, grade_id: str, label: str) -> None:
    """Record that test cell ``grade_id`` of ``notebook`` failed like the known-wrong answer
    ``label``."""
    path = findings_path(notes_path)
    if path:
        with open(path, "a", encoding="utf-8") as f:
            record = {"notebook": notebook, "grade_id": grade_id, "misconception": label}
            f.write(json.dumps(record) + "\n")


def read_findings(notes_path: str | Path, notebook: str) -> dict[str, str]:
    """grade id -> the misconception its failure was named after, for ``notebook``."""
    try:
        lines = Path(findings_path(notes_path)).read_text(encoding="utf-8").splitlines()
    except (OSError, ValueError):
        return {}
    found: dict[str, str] = {}
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("notebook") == notebook:
            found[str(record.get("grade_id"))] = str(record.get("misconception"))
    return found
