"""The answer key: what the instructor's solution reports in every test cell.

Made once per class (:func:`autograde.grading.keys.build_keys`): each notebook of ``solutions/`` is graded like a
hand-in, in its own sandboxed kernel that runs no student's code, with the test cells whole
(expected values computed by the references there); every record of every test cell is
kept, per grade id, in ``keys/<notebook>.json`` of the template course folder. The key never
enters a student's sandbox (the grading folder is not mounted there). A solution that fails
one of its own tests stops the run (:class:`KeyFailed`): a key must be all right.
"""

from __future__ import annotations

import json
from pathlib import Path

from course.records import HIDDEN_MARK, NotData, load_line

KEYS_DIR = "keys"
FORMAT = 3


class KeyFailed(RuntimeError):
    """The instructor's solution does not pass its own tests: no key can be made."""

    def __init__(
        self, message: str, notebook: str = "", score: float = 0.0, max_score: float = 0.0
    ):
        super().__init__(message)
        self.notebook, self.score, self.max_score = notebook, score, max_score


def key_path(keys_dir: Path, notebook: str) -> Path:
    return Path(keys_dir) / f"{notebook}.json"


def split_visible(lines: list[str]) -> tuple[list[str], int]:
    """The key's record lines of one test cell without :data:`course.records.HIDDEN_MARK`,
    and how many of them its visible tests made (all, when it has no hidden tests)."""
    kept, visible = [], None
    for line in lines:
        try:
            is_mark = json.loads(line) == HIDDEN_MARK
        except ValueError:
            is_mark = False
        if is_mark:
            visible = len(kept) if visible is None else visible
        else:
            kept.append(line)
    return kept, len(kept) if visible is None else visible


def write_key(
    path: Path,
    notebook: str,
    cells: dict[str, list[str]],
    forbidden: dict[str, list[str]],
    visible: dict[str, int] | None = None,
) -> None:
    """Store the raw record lines of every test cell of ``notebook``, every name of the
    functions each test cell forbids (see :func:`autograde.verdicts.evidence.other_names`),
    and how many of each cell's records its visible tests make (the first ones)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "format": FORMAT,
        "notebook": notebook,
        "cells": cells,
        "forbidden": forbidden,
        "visible": visible or {g: len(lines) for g, lines in cells.items()},
    }
    path.write_text(json.dumps(payload, indent=0), encoding="utf-8")


def load_visible(path: Path) -> dict[str, int]:
    """grade id -> how many of the key's first records that test cell's visible tests make."""
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    return {g: int(n) for g, n in payload.get("visible", {}).items()}


def load_forbidden(path: Path) -> dict[str, list[str]]:
    """grade id -> the names the key recorded as forbidden for that test cell."""
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    return {g: [str(n) for n in names] for g, names in payload.get("forbidden", {}).items()}


def load_key(path: Path) -> dict[str, list[dict]]:
    """grade id -> the key's records (each checked as any record is)."""
    payload = json.loads(Path(path).read_text(encoding="utf-8"))
    if payload.get("format") != FORMAT:
        raise KeyFailed(f"{path}: an answer key of another format; grade the class again")
    try:
        return {
            grade_id: [load_line(line, 1 << 30) for line in lines]
            for grade_id, lines in payload["cells"].items()
        }
    except NotData as exc:
        raise KeyFailed(f"{path}: a record of the key is not valid: {exc}") from None
