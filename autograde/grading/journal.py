"""A run that is cut loses nothing: each finished student's rows, on disk as soon as known.

The journal is ``OUT/.journal/``: one file per student, ``<student_id>.json``, written
atomically (a temporary file, flushed and synced, then renamed), holding that student's rows
(feedback pages included) and two fingerprints:

- the *run's*: the released notebooks the class is graded against, their answer keys and the
  class's shared files (the models the kernels load), the grading settings and the notebooks
  graded; a journal of another run is never mixed into this one;
- the *student's*: the SHA-256 of each hand-in, so a student who handed in again is graded again.

``nn-course autograde ... --resume`` takes every student whose entry matches from the journal
and grades the others; the outputs are then written from all rows, exactly as an uninterrupted
run writes them, and the journal is removed. Without ``--resume`` an OUT that holds a previous
run (``grades.csv`` or a journal) is refused: :class:`PreviousRun`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

from autograde.grading.results import CellGrade, GradingSettings, Row, StudentJob
from autograde.grading.shared import SHARED_DIR
from autograde.verdicts.key import KEYS_DIR

JOURNAL_DIR = ".journal"
FORMAT = 2  # 2: rows carry the autograded notebook and written answers


class PreviousRun(ValueError):
    """OUT holds the results of an earlier run (the message says how to go on)."""


def run_fingerprint(template: Path, stems: list[str], settings: GradingSettings) -> str:
    """What a run's grades depend on besides the hand-ins: the releases, the answer keys and the
    shared files, the settings, the notebooks."""
    digest = hashlib.sha256(f"format {FORMAT}\n".encode())
    for stem in sorted(stems):
        release = template / "release" / stem / f"{stem}.ipynb"
        digest.update(stem.encode() + b"\0" + release.read_bytes() + b"\0")
    for folder in (KEYS_DIR, SHARED_DIR):  # keys and the shared manifest, file by file
        for path in sorted((template / folder).glob("*.json")):
            digest.update(f"{folder}/{path.name}\0".encode() + path.read_bytes() + b"\0")
    digest.update(json.dumps(asdict(settings), sort_keys=True).encode())
    return digest.hexdigest()


def student_fingerprint(job: StudentJob) -> str:
    """The SHA-256 of a student's hand-ins (status, reason and bytes of each)."""
    digest = hashlib.sha256()
    for hand_in in sorted(job.hand_ins, key=lambda h: h.notebook):
        digest.update(f"{hand_in.notebook}\0{hand_in.status}\0{hand_in.problem}\0".encode())
        if hand_in.content is not None:
            digest.update(hand_in.content)
        elif hand_in.path:
            digest.update(Path(hand_in.path).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


#: The fields of a Row that hold files (written as base64 in JSON).
BYTES_FIELDS = ("feedback_html", "autograded_ipynb")


def row_to_dict(row: Row, files: bool = True) -> dict:
    """``row`` as JSON-ready data; ``files=False`` leaves out the feedback page and notebook."""
    data = asdict(row)
    for name in BYTES_FIELDS:
        if files:
            data[name] = base64.b64encode(getattr(row, name)).decode("ascii")
        else:
            data.pop(name)
    return data


def row_from_dict(data: dict) -> Row:
    data = dict(data)
    data["cells"] = [CellGrade(**c) for c in data.get("cells", [])]
    for name in BYTES_FIELDS:
        data[name] = base64.b64decode(data.get(name, ""))
    return Row(**data)


def holds_previous_run(out: Path) -> bool:
    """Whether ``out`` holds the outputs or the journal of an earlier run."""
    return (out / "grades.csv").exists() or (out / JOURNAL_DIR).is_dir()


class Journal:
    """The journal of one run in ``out``."""

    def __init__(self, out: Path, fingerprint: str) -> None:
        self.folder = out / JOURNAL_DIR
        self.fingerprint = fingerprint

    def _path(self, student_id: str) -> Path:
        return self.folder / f"{student_id}.json"

    def record(self, job: StudentJob, rows: list[Row]) -> None:
        """Write ``job``'s rows, atomically: after a crash the file is whole or absent."""
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = {
            "format": FORMAT,
            "run": self.fingerprint,
            "student": student_fingerprint(job),
            "rows": [row_to_dict(r) for r in rows],
        }
        fd, tmp = tempfile.mkstemp(prefix=f".{job.student_id}-", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(entry, f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self._path(job.student_id))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def finished(self, job: StudentJob) -> list[Row] | None:
        """``job``'s rows from an earlier, cut run of the same grading, or None."""
        try:
            entry = json.loads(self._path(job.student_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if entry.get("run") != self.fingerprint or entry.get("student") != student_fingerprint(job):
            return None
        return [row_from_dict(r) for r in entry["rows"]]

    def other_runs(self) -> int:
        """How many entries belong to a run with other releases or settings."""
        count = 0
        for path in self.folder.glob("*.json"):
            try:
                run = json.loads(path.read_text(encoding="utf-8")).get("run")
            except (OSError, ValueError):
                continue
            count += run != self.fingerprint
        return count

    def remove(self) -> None:
        """The run is complete and its outputs written: the journal has done its job."""
        shutil.rmtree(self.folder, ignore_errors=True)
