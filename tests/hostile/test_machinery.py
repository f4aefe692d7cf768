"""Monkeypatching numpy, course, sys.modules, builtins, torch, IPython; calling the reference."""

from __future__ import annotations

import pytest

from tests.hostile._rows import check_row

pytestmark = pytest.mark.slow

PATCHES = [
    "patch-numpy",
    "patch-checks-code",
    "patch-sys-modules",
    "patch-builtins",
    "patch-torch",
    "patch-course",
    "patch-ipython",
    "patch-during-test",
]


@pytest.mark.parametrize("sid", PATCHES)
def test_monkeypatching_earns_exactly_what_the_real_answers_deserve(battery, sid):
    check_row(battery, sid)


@pytest.mark.parametrize("sid", PATCHES)
def test_tampering_is_reported_in_the_feedback(battery, sid):
    feedback = battery.feedback(sid)
    assert "Grading notes" in feedback
    assert "tamper" in feedback.lower()


def test_answer_that_only_calls_the_reference_gets_no_credit_and_is_told_why(battery):
    check_row(battery, "reference-only")
    row = battery.row("reference-only")
    assert next(c for c in row.cells if c.grade_id == "neuron_test").score == 0
    assert "no credit for calling the reference" in battery.feedback("reference-only")
