"""Naming a failing answer after the known mistake it behaves like (precision first)."""

from __future__ import annotations

import numpy as np
import pytest

from autograde import variants
from autograde.verdicts.misconceptions import Print, first_failure, name


def close(what, value, expected=None, **tol):
    record = {"check": "close", "what": what, "actual": np.asarray(value, float), **tol}
    if expected is not None:
        record["expected"] = np.asarray(expected, float)
    return record


KEY = [
    close("at zero", 0.5, 0.5, rtol=0.0, atol=1e-6),
    close("case a", [0.6, 0.7], [0.6, 0.7], rtol=0.0, atol=1e-6),
    close("case b", [0.2], [0.2], rtol=0.0, atol=1e-6),
]
BIAS_FORGOTTEN = Print(
    "neuron",
    "bias forgotten",
    "add b",
    [close("at zero", 0.5), close("case a", [0.5, 0.6]), close("case b", [0.1])],
)
TANH = Print(
    "neuron",
    "tanh",
    "range",
    [close("at zero", 0.0), close("case a", [0.3, 0.4]), close("case b", [-0.5])],
)


def test_a_right_answer_is_never_named():
    right = [close("at zero", 0.5), close("case a", [0.6, 0.7]), close("case b", [0.2])]
    assert first_failure(KEY, right) is None
    assert name(KEY, right, [BIAS_FORGOTTEN, TANH]) == []


def test_a_mistake_is_named_when_every_value_agrees():
    student = [close("at zero", 0.5), close("case a", [0.5, 0.6000001]), close("case b", [0.1])]
    assert [p.label for p in name(KEY, student, [BIAS_FORGOTTEN, TANH])] == ["bias forgotten"]


def test_a_different_mistake_is_not_named():
    other = [close("at zero", 0.5), close("case a", [0.5, 0.6]), close("case b", [0.15])]
    assert name(KEY, other, [BIAS_FORGOTTEN, TANH]) == []  # agrees on a, not on b


def test_a_mistake_that_does_not_fail_where_the_answer_fails_is_not_named():
    student = [close("at zero", 0.4), close("case a", [0.5, 0.6]), close("case b", [0.1])]
    assert name(KEY, student, [BIAS_FORGOTTEN]) == []  # fails at zero, the print does not


def test_an_answer_that_stopped_early_is_named_on_what_it_reported():
    student = [close("at zero", 0.5), close("case a", [0.5, 0.6])]
    assert [p.label for p in name(KEY, student, [BIAS_FORGOTTEN])] == ["bias forgotten"]
    assert name(KEY, [close("at zero", 0.5)], [BIAS_FORGOTTEN]) == []  # never failed


@pytest.mark.parametrize("stem", variants.variant_stems())
def test_every_known_mistake_has_a_hint(stem):
    wrong, _ = variants.load(stem)
    hints = variants.hints(stem)
    for grade_id, answers in wrong.items():
        for label in answers:
            hint = hints.get(grade_id, {}).get(label, "")
            assert 20 <= len(hint) <= 240, (stem, grade_id, label)
    assert {(g, lbl) for g, h in hints.items() for lbl in h} == {
        (g, lbl) for g, a in wrong.items() for lbl in a
    }


def test_two_mistakes_the_tests_cannot_tell_apart_are_not_named():
    from autograde.verdicts.misconceptions import name_in_exercise

    key = {"q_test_a": [{"check": "equal", "what": "a", "actual": False, "expected": False}]}
    said_true = [{"check": "equal", "what": "a", "actual": True}]
    prints = {
        "q_test_a": [
            Print("q", "everything true", "h", said_true),
            Print("q", "another misreading", "h", said_true),
        ]
    }
    assert name_in_exercise("q_test_a", key, {"q_test_a": said_true}, prints) is None
    prints["q_test_a"].pop()
    assert (
        name_in_exercise("q_test_a", key, {"q_test_a": said_true}, prints).label
        == "everything true"
    )


def test_the_other_test_cells_of_the_exercise_must_agree_too():
    from autograde.verdicts.misconceptions import name_in_exercise

    key = {
        "q_test_a": [{"check": "equal", "what": "a", "actual": False, "expected": False}],
        "q_test_b": [{"check": "equal", "what": "b", "actual": True, "expected": True}],
    }
    everything_true = {
        "q_test_a": [
            Print("q", "everything true", "h", [{"check": "equal", "what": "a", "actual": True}])
        ],
        "q_test_b": [
            Print(
                "q",
                "everything true",
                "h",
                [{"check": "equal", "what": "b", "actual": True}],
                False,
            )
        ],
    }
    student = {
        "q_test_a": [{"check": "equal", "what": "a", "actual": True}],
        "q_test_b": [{"check": "equal", "what": "b", "actual": False}],
    }
    assert name_in_exercise("q_test_a", key, student, everything_true) is None
    student["q_test_b"] = [{"check": "equal", "what": "b", "actual": True}]
    assert name_in_exercise("q_test_a", key, student, everything_true).label == "everything true"
