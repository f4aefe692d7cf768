"""Naming a failing answer after the known mistake it behaves like (precision first)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from autograde import variants
from autograde.verdicts.misconceptions import Print, first_failure, name
from course.records import encode


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


def test_answers_that_overflow_at_the_same_places_behave_alike():
    key = [close("large logits", [1.0, 0.0], [1.0, 0.0], rtol=0.0, atol=1e-6)]
    overflow = Print("softmax", "no max shift", "shift", [close("large logits", [np.nan, 0.0])])
    same = [close("large logits", [np.nan, 0.0])]
    elsewhere = [close("large logits", [1.0, np.nan])]
    assert [p.label for p in name(key, same, [overflow])] == ["no max shift"]
    assert name(key, elsewhere, [overflow]) == []


OVERFLOW = "FloatingPointError: overflow encountered in exp"
CRASHES = Print("neuron", "exp overflows", "stable form", [close("at zero", 0.5)], error=OVERFLOW)


def test_an_answer_stopped_by_the_same_error_at_the_same_point_is_named():
    stopped = [close("at zero", 0.5)]
    assert [p.label for p in name(KEY, stopped, [CRASHES], OVERFLOW)] == ["exp overflows"]


@pytest.mark.parametrize(
    "records, error",
    [
        ([close("at zero", 0.5)], "ValueError: shapes (2,) and (3,) not aligned"),  # other error
        ([], OVERFLOW),  # stopped before the first check
        ([close("at zero", 0.5), close("case a", [0.6, 0.7])], OVERFLOW),  # stopped later
        ([close("at zero", 0.4)], OVERFLOW),  # failed a check before the error
        ([close("at zero", 0.5)], ""),  # no error: nothing failed
    ],
)
def test_an_error_names_a_mistake_only_where_and_as_the_mistake_stops(records, error):
    assert name(KEY, records, [CRASHES], error) == []


def test_a_refused_answer_is_named_after_the_mistake_that_calls_the_same_functions():
    from autograde.verdicts.evidence import canonical
    from autograde.verdicts.misconceptions import name_delegation

    torch_print = Print("sigmoid", "calls torch", "write it", [], uses=canonical(["torch.sigmoid"]))
    ref_print = Print(
        "sigmoid",
        "calls the reference",
        "write it",
        [],
        uses=canonical(["course.activations.sigmoid", "course.activations.sigmoid_grad"]),
    )
    prints = [torch_print, ref_print]
    # reached through another module (torch.sigmoid is torch._C._VariableFunctions.sigmoid)
    assert (
        name_delegation(canonical(["torch._C._VariableFunctions.sigmoid"]), prints) is torch_print
    )
    both = canonical(["course.activations.sigmoid", "course.activations.sigmoid_grad"])
    assert name_delegation(both, prints) is ref_print
    assert name_delegation(canonical(["course.activations.sigmoid"]), prints) is None  # part only
    assert name_delegation(both | canonical(["torch.sigmoid"]), prints) is None  # ambiguous
    assert name_delegation(canonical(["torch.special.expit"]), prints) is None
    assert name_delegation(frozenset(), prints) is None


def _line(what, value, **extra):
    return json.dumps({"check": "close", "what": what, "actual": encode(value), **extra})


def test_the_check_gets_the_visible_records_only_and_names_from_them(tmp_path):
    from autograde.verdicts.visible import Namer, cut

    key = {
        "notebook": "01_x",
        "cells": {
            "f_test": [
                _line("visible a", 1.0, expected=encode(1.0), rtol=0.0, atol=1e-6),
                _line("visible b", 2.0, expected=encode(2.0), rtol=0.0, atol=1e-6),
                _line("hidden c", 3.0, expected=encode(3.0), rtol=0.0, atol=1e-6),
            ]
        },
        "visible": {"f_test": 2},
    }
    off_by_one = [_line("visible a", 2.0), _line("visible b", 3.0), _line("hidden c", 4.0)]
    crashes = [_line("visible a", 1.0)]
    late_crash = [_line("visible a", 1.0), _line("visible b", 2.0)]
    prints = {
        "cells": {
            "f_test": [
                {"exercise": "f", "label": "off by one", "hint": "h1", "lines": off_by_one},
                {
                    "exercise": "f",
                    "label": "crashes",
                    "hint": "h2",
                    "lines": crashes,
                    "error": "ValueError: bad",
                },
                {
                    "exercise": "f",
                    "label": "late crash",
                    "hint": "h3",
                    "lines": late_crash,
                    "error": "KeyError: 'c'",
                },
                {
                    "exercise": "f",
                    "label": "delegates",
                    "hint": "h4",
                    "lines": [],
                    "uses": ["torch.sigmoid"],
                },
            ]
        }
    }
    (tmp_path / "key.json").write_text(json.dumps(key))
    (tmp_path / "prints.json").write_text(json.dumps(prints))
    payload = cut(tmp_path / "key.json", tmp_path / "prints.json", "abc")
    cell = payload["cells"]["f_test"]
    assert len(cell["key"]) == 2 and "hidden" not in json.dumps(payload)  # nothing hidden ships
    assert [p["label"] for p in cell["prints"]] == ["off by one", "crashes", "late crash"]
    assert [p["error"] for p in cell["prints"]] == ["", "ValueError: bad", ""]

    namer = Namer(payload)
    student = [close("visible a", 2.0)]  # the check stops at the first failing value
    assert namer.name("f_test", {"f_test": student}, {}).label == "off by one"
    stopped = {"f_test": [close("visible a", 1.0)]}
    assert namer.name("f_test", stopped, {"f_test": "ValueError: bad"}).label == "crashes"
    assert namer.name("f_test", stopped, {"f_test": "ValueError: other"}) is None
    right = {"f_test": [close("visible a", 1.0), close("visible b", 2.0)]}
    assert namer.name("f_test", right, {}) is None
    assert namer.name("g_test", right, {}) is None


@pytest.mark.slow
def test_mistakes_written_apart_from_the_variants_are_caught_and_never_misnamed():
    """tests/other_mistakes: wrong answers coded unlike the variants, graded through the real
    pipeline. Each must lose points and none may get a wrong name (a "novel:" one no name at
    all); how many known misconceptions get their name is measured and printed."""
    from pathlib import Path

    from autograde.audit import run_audit

    other = Path(__file__).resolve().parent / "other_mistakes"
    report = run_audit(variants_dir=other, workers=2, progress=False)
    assert not report.problems, report.problems
    wrong = [v for v in report.verdicts if v.variant.kind == "wrong"]
    assert len(wrong) == sum(
        len(a) for s in variants.variant_stems(other) for a in variants.load(s, other)[0].values()
    )
    failed = [
        f"{v.variant.stem} {v.variant.grade_id} {v.variant.label!r}: {v.detail}"
        for v in wrong
        if not v.ok
    ]
    assert not failed, "\n".join(failed)
    known = [v for v in wrong if not v.variant.label.startswith("novel:")]
    named = [v for v in known if v.detail.endswith("named as itself")]
    novel = len(wrong) - len(known)
    print(
        f"\nother people's mistakes: {len(wrong)} caught; {len(named)} of {len(known)} known "
        f"misconceptions named; {novel} novel mistakes, none named; 0 wrong names"
    )
