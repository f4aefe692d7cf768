"""Reading hidden tests or other students' files, writing outside, network: the sandbox."""

from __future__ import annotations

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
    assert "WROTE 0 []" in sandboxed.feedback("writer")
    from pathlib import Path

    for folder in (Path.home(), b.ROOT / "solutions", b.ROOT / "course", sandboxed.submissions):
        assert not list(folder.rglob(f"*{sandboxed.canary}*")), folder
    assert sandboxed.after == sandboxed.before


def test_no_network_connections(sandboxed):
    check_row(sandboxed, "network")
    assert "NET-REACHED 0 []" in sandboxed.feedback("network")
    assert sandboxed.connections == 0
