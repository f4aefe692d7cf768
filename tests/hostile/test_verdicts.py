"""Attacks on the verdict (tests/hostile/attacks.py): all-wrong answers earn nothing however
the kernel is bent, and delegated answers earn nothing however the profiler is dodged."""

from __future__ import annotations

import pytest

from tests.hostile._rows import check_row
from tests.hostile.attacks import ATTACKS

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("sid", sorted(ATTACKS))
def test_no_attack_earns_a_point(battery, sid):
    check_row(battery, sid)


@pytest.mark.parametrize("sid", ["ctypes-gc", "lying-eq", "rebind-globals"])
def test_a_wrong_answer_is_told_what_is_wrong(battery, sid):
    """However the kernel was bent, the grader's own comparison gives the message."""
    assert "CheckFailed" in battery.feedback(sid)


@pytest.mark.parametrize(
    "sid", ["hook-fake-module", "transformer", "compile", "patch-guard", "thread", "ctypes-gc"]
)
def test_code_that_reaches_into_the_grader_is_named_for_review(battery, sid):
    assert "review: cell" in battery.row(sid).message


@pytest.mark.parametrize(
    "sid",
    ["profiler-off", "reference-wrapped", "reference-when-unwatched", "reference-star-import"],
)
def test_delegation_is_named_in_the_feedback(battery, sid):
    feedback = battery.feedback(sid)
    assert "course.neurons" in feedback
