"""The known mistakes ``nn-course check`` can name: the prints, cut to the visible tests.

A student's check runs the released notebook, whose test cells hold only the visible tests. So
that it can name a failing answer's mistake as the grader does
(:mod:`autograde.verdicts.misconceptions`), the course ships, per notebook,
``course/data/mistakes/<notebook>.json``: for every test cell, the answer key's records of its
visible tests and each known mistake's records on them, with its label and hint. It holds no
hidden test, no expected value the visible tests do not compute themselves, and no answer's
code: only values and the hints the grader's feedback shows anyway.

Made by ``nn-course release --mistakes`` from the class's answer key and prints (the key marks
where each cell's hidden tests begin: :func:`autograde.verdicts.key.split_visible`); stamped
with the SHA-256 of the solution notebook and of its variants file, which ``nn-course release
--check`` compares.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path

from autograde.verdicts.misconceptions import Print, first_failure, name_in_exercise
from course.records import NotData, load_line

FORMAT = 1


def shipped_dir() -> Path:
    import course

    return Path(course.__file__).resolve().parent / "data" / "mistakes"


def shipped_path(stem: str, folder: Path | None = None) -> Path:
    return (folder or shipped_dir()) / f"{stem}.json"


def source_hash(solution: Path, variants_file: Path) -> str:
    """What the shipped file of a notebook is made from: its solution and its known mistakes."""
    h = hashlib.sha256()
    for path in (solution, variants_file):
        h.update(Path(path).read_bytes())
    return h.hexdigest()


def _labels(lines: list[str]) -> list[tuple[str, str, int]]:
    """Each raw record line's label: (check, what, how many before it had that label)."""
    seen: dict[tuple[str, str], int] = defaultdict(int)
    out = []
    for line in lines:
        try:
            record = json.loads(line)
            label = (str(record.get("check")), str(record.get("what")))
        except (ValueError, AttributeError):
            label = ("", "")
        out.append((*label, seen[label]))
        seen[label] += 1
    return out


def cut(key_file: Path, prints_file: Path, source: str) -> dict:
    """The shipped payload of one notebook, from its answer key and its prints."""
    key = json.loads(Path(key_file).read_text(encoding="utf-8"))
    prints = json.loads(Path(prints_file).read_text(encoding="utf-8")).get("cells", {})
    cells = {}
    for grade_id, lines in key["cells"].items():
        visible_lines = lines[: key.get("visible", {}).get(grade_id, len(lines))]
        if not visible_lines:
            continue
        visible = set(_labels(visible_lines))
        kept = []
        for p in prints.get(grade_id, []):
            if p.get("uses"):
                continue  # refused for what it calls: the check's tests say so themselves
            mine = [
                ln
                for ln, lab in zip(p["lines"], _labels(p["lines"]), strict=True)
                if lab in visible
            ]
            stopped_in_view = len(mine) < len(visible_lines) and bool(p.get("error"))
            kept.append(
                {
                    "exercise": p["exercise"],
                    "label": p["label"],
                    "hint": p.get("hint", ""),
                    "lines": mine,
                    "error": p.get("error", "") if stopped_in_view else "",
                }
            )
        cells[grade_id] = {"key": visible_lines, "prints": kept}
    return {"format": FORMAT, "notebook": key.get("notebook", ""), "source": source, "cells": cells}


def write(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=0, sort_keys=True) + "\n", encoding="utf-8")


class Namer:
    """Names a failing visible test cell after the known mistake it behaves like."""

    def __init__(self, payload: dict) -> None:
        self.keys: dict[str, list[dict]] = {}
        self.prints: dict[str, list[Print]] = {}
        for grade_id, cell in payload.get("cells", {}).items():
            try:
                self.keys[grade_id] = [load_line(line, 1 << 30) for line in cell["key"]]
                self.prints[grade_id] = [
                    Print(
                        str(p["exercise"]),
                        str(p["label"]),
                        str(p.get("hint", "")),
                        [load_line(line, 1 << 30) for line in p["lines"]],
                        True,
                        str(p.get("error", "")),
                    )
                    for p in cell["prints"]
                ]
            except (NotData, KeyError, TypeError):
                self.keys.pop(grade_id, None)
                self.prints.pop(grade_id, None)

    @classmethod
    def shipped(cls, stem: str) -> Namer | None:
        """The namer of notebook ``stem`` from the installed course, or None."""
        try:
            payload = json.loads(shipped_path(stem).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return cls(payload) if payload.get("format") == FORMAT else None

    def name(
        self, grade_id: str, reported: dict[str, list[dict]], errors: dict[str, str]
    ) -> Print | None:
        """The mistake test cell ``grade_id`` behaves like (``reported``, ``errors``: the
        records and stopping errors of the notebook's test cells, by grade id), or None."""
        if grade_id not in self.keys:
            return None
        failed = first_failure(self.keys[grade_id], reported.get(grade_id, []))
        if failed is None and not errors.get(grade_id):
            return None
        return name_in_exercise(grade_id, self.keys, reported, self.prints, errors)
