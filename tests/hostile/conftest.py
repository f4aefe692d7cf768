"""One class of hostile students, graded once for the whole battery (and the good ones alone).

The class holds two well-behaved students (``alice`` perfect, ``bob`` partly wrong), every
hostile notebook of :mod:`tests.hostile.builders`, files that are not notebooks, unsafe folder
names and symbolic links. It is graded with a short cell timeout and a 2 GiB kernel memory
limit; the tests then read the rows, the feedback and the snapshots taken around the run.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograde.grading.pipeline import grade_class
from autograde.grading.results import GradingSettings, Report
from autograde.hardening.sandbox import parse_size, sandbox_status
from tests.hostile import attacks
from tests.hostile import builders as b

CELL_TIMEOUT = 20
MEMORY = "2G"
WELL_BEHAVED = ("alice", "bob")


def tree_digest(root: Path) -> dict[str, str]:
    """Every file under ``root`` (links not followed) with its SHA-256; links by their target."""
    digest = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                digest[rel] = "link:" + os.readlink(path)
            elif path.is_file():
                digest[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def key_files() -> dict[str, str]:
    """Files outside the grading folder a hostile kernel would most like to change."""
    home = Path.home()
    paths = [home / ".bashrc", home / ".profile", b.ROOT / "solutions" / f"{b.STEM}.ipynb"]
    paths += [b.ROOT / "nbs" / f"{b.STEM}.ipynb", b.ROOT / "course" / "checks.py"]
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "absent"
        for p in paths
    }


class Listener:
    """A TCP server on 127.0.0.1 that counts connections (none may come from a kernel)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


@dataclass
class Batch:
    report: Report
    out: Path
    submissions: Path
    cases: dict
    canary: str
    sandboxed: bool
    connections: int = 0
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)

    def row(self, sid: str):
        rows = [r for r in self.report.rows if r.student_id == sid and r.notebook == b.STEM]
        assert len(rows) == 1, f"expected one row for {sid}, got {len(rows)}"
        return rows[0]

    def feedback(self, sid: str) -> str:
        return (self.out / "feedback" / sid / f"{b.STEM}.html").read_text(encoding="utf-8")


def _grade(submissions: Path, out: Path) -> Report:
    settings = GradingSettings(cell_timeout=CELL_TIMEOUT, memory_limit=parse_size(MEMORY))
    return grade_class(
        submissions, out, stems=[b.STEM], settings=settings, progress=False, workers=2
    )


def _good_students(submissions: Path) -> None:
    b.write_notebook(b.perfect(), submissions / "alice" / f"{b.STEM}.ipynb")
    partial = b.perfect()
    partial.cells[b.index_of(partial, "neuron")].source = b.WRONG_NEURON
    b.write_notebook(partial, submissions / "bob" / f"{b.STEM}.ipynb")


@pytest.fixture(scope="session")
def battery(tmp_path_factory) -> Batch:
    base = tmp_path_factory.mktemp("hostile")
    submissions, out = base / "class", base / "out"
    canary = f"nn_course_canary_{uuid.uuid4().hex[:10]}"
    listener = Listener()
    sandboxed = sandbox_status()[0]
    cases = b.cases(submissions, Path.home(), listener.port, canary, sandboxed)
    cases |= {sid: b.Case(build, 0) for sid, build in attacks.ATTACKS.items()}
    _good_students(submissions)
    for sid, case in cases.items():
        b.write_notebook(case.build(), submissions / sid / f"{b.STEM}.ipynb")
    for sid, (data, _) in b.NOT_NOTEBOOKS.items():
        (submissions / sid).mkdir(parents=True)
        (submissions / sid / f"{b.STEM}.ipynb").write_bytes(data)
    for bad in ("bad id", "-rf", "x;rm", "caf\u00e9"):
        b.write_notebook(b.perfect(), submissions / bad / f"{b.STEM}.ipynb")
    (submissions / "mallory").symlink_to(submissions / "alice", target_is_directory=True)
    (submissions / "eve").mkdir()
    (submissions / "eve" / f"{b.STEM}.ipynb").symlink_to(submissions / "alice" / f"{b.STEM}.ipynb")
    (submissions / "frank").mkdir()
    (submissions / "frank" / f"{b.STEM}.ipynb").symlink_to("/etc/passwd")
    b.write_notebook(b.perfect(), submissions / "renamed" / f"{b.STEM} (1).ipynb")
    b.write_notebook(b.perfect(), submissions / "twin" / f"{b.STEM} (1).ipynb")
    b.write_notebook(
        b._nb(b.ROOT / "nbs" / f"{b.STEM}.ipynb"), submissions / "twin" / f"{b.STEM}.ipynb"
    )
    for sid, (build, _) in b.MALFORMED.items():
        b.write_notebook(build(), submissions / sid / f"{b.STEM}.ipynb")

    before = {"submissions": tree_digest(submissions), "keys": key_files()}
    try:
        report = _grade(submissions, out)
    finally:
        listener.close()
    after = {"submissions": tree_digest(submissions), "keys": key_files()}
    return Batch(
        report, out, submissions, cases, canary, sandboxed, listener.accepted, before, after
    )


@pytest.fixture(scope="session")
def solo(tmp_path_factory) -> Report:
    """The well-behaved students graded on their own."""
    base = tmp_path_factory.mktemp("solo")
    _good_students(base / "class")
    return _grade(base / "class", base / "out")
