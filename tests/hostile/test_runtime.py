"""Loops, sleeps, dying kernels, exits, memory bombs and output floods."""

from __future__ import annotations

import pytest

from tests.hostile._rows import check_row

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "sid",
    [
        "loop",
        "sleep-loop",
        "unstoppable",
        "os-exit",
        "segfault",
        "sys-exit",
        "raise-systemexit",
        "memory-bomb",
    ],
)
def test_runtime_failure_is_graded_and_explained(battery, sid):
    check_row(battery, sid)


@pytest.mark.parametrize("sid", ["os-exit", "segfault", "unstoppable"])
def test_dead_kernel_explained_in_the_feedback(battery, sid):
    feedback = battery.feedback(sid)
    assert "Grading notes" in feedback
    assert "KernelDied" in feedback


@pytest.mark.parametrize("sid", ["print-flood", "image-flood"])
def test_output_flood_is_bounded(battery, sid):
    check_row(battery, sid)
    feedback = (battery.out / "feedback" / sid / "01_neurons.html").stat().st_size
    perfect = (battery.out / "feedback" / "alice" / "01_neurons.html").stat().st_size
    assert feedback < perfect + 3 * 1024 * 1024
    assert "output truncated by the grader" in battery.feedback(sid)
