"""Reading hidden tests or other students' files, writing outside, network, privileges and
bounds: the sandbox, as whoever runs the tests (CI: root)."""

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


def test_no_privileges_come_back_whoever_runs_the_grader(sandboxed):
    check_row(sandboxed, "escalate")
    assert "ESCALATED 0 []" in html.unescape(sandboxed.feedback("escalate"))


def test_a_notebook_filling_its_folder_is_stopped_and_costs_only_its_later_cells(sandboxed):
    check_row(sandboxed, "disk-fill")


def test_tmp_is_bounded_in_ram(sandboxed):
    check_row(sandboxed, "tmp-fill")
    held = re.search(r"TMP-HELD (\d+) MiB", sandboxed.feedback("tmp-fill"))
    assert held and 0 < int(held.group(1)) <= 256, held


def test_processes_are_bounded(sandboxed):
    check_row(sandboxed, "fork-bomb")
    forked = re.search(r"FORKED (\d+)", sandboxed.feedback("fork-bomb"))
    assert forked and int(forked.group(1)) < 256, forked


def test_hidden_tests_the_kernel_ran_do_not_reach_the_feedback(sandboxed):
    check_row(sandboxed, "echo-hidden")
    page = html.unescape(sandboxed.feedback("echo-hidden"))
    assert "CALLER" in page and "a line of the hidden tests was removed" in page
    assert b._hidden_marker() not in page
    assert b._hidden_marker().replace('"', "'") not in page  # as the kernel ran it (re-printed)


def test_feedback_pages_carry_no_script(sandboxed):
    check_row(sandboxed, "script-output")
    page = sandboxed.feedback("script-output")
    assert "<script>document.title" not in page
    assert not re.search(r"<script[^>]*>[^<]*pwned", page)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
