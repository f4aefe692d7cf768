"""Reading hidden tests or other students' files, writing outside, network: the sandbox."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest

from tests.hostile import builders as b
from tests.hostile._rows import check_row

pytestmark = pytest.mark.slow


@pytest.fixture
def sandboxed(battery):
    if not battery.sandboxed:
        pytest.skip("bubblewrap is not usable here: these students would really do harm")
    return battery


def test_hidden_tests_cannot_be_read(sandboxed):
    check_row(sandboxed, "snoop")
    assert "HIDDEN-FOUND 0 []" in sandboxed.feedback("snoop")


def test_other_students_files_cannot_be_read(sandboxed):
    assert "OTHERS-FOUND 0 []" in sandboxed.feedback("snoop")


def test_nothing_can_be_written_outside_the_kernels_folder(sandboxed):
    check_row(sandboxed, "writer")
    reported = re.search(r"WROTE (\d+) (\[.*?\])", html.unescape(sandboxed.feedback("writer")))
    assert reported, "the writer's report is missing from its feedback"
    wrote = ast.literal_eval(reported.group(2))
    # inside, /tmp is a throw-away tmpfs (where the kernel's own folder is mounted): a write
    # there reaches nothing outside; no gradebook, home, course or submission file was writable
    assert all(p.startswith("/tmp/") and not p.endswith("gradebook.db") for p in wrote), wrote
    assert not [p for p in wrote if Path(p).exists()], wrote
    for folder in (Path.home(), b.ROOT / "solutions", b.ROOT / "course", sandboxed.submissions):
        assert not list(folder.rglob(f"*{sandboxed.canary}*")), folder
    assert sandboxed.after == sandboxed.before


def test_no_network_connections(sandboxed):
    check_row(sandboxed, "network")
    assert "NET-REACHED 0 []" in sandboxed.feedback("network")
    assert sandboxed.connections == 0
