"""The checkers name the failing case, never the answer, and cannot be fooled by rebinding."""

import numpy as np
import pytest
import torch

from course import checks
from course.checks import CheckFailed, ForbiddenCall


def test_shape_is_checked_before_values():
    with pytest.raises(CheckFailed, match=r"case A: expected shape \(2, 3\), got \(3, 2\)"):
        checks.expect_close(np.zeros((3, 2)), np.zeros((2, 3)), "case A")


def test_value_message_locates_the_error_without_the_expected_value():
    expected = np.array([[1.0, 2.0], [3.0, 4.5]])
    got = expected.copy()
    got[1, 1] = 4.0
    with pytest.raises(CheckFailed) as err:
        checks.expect_close(got, expected, "case B")
    message = str(err.value)
    assert "case B" in message and "1 of 4 values" in message and "(1, 1)" in message
    assert "4.5" not in message


def test_nan_none_and_non_numeric_answers_get_their_own_message():
    with pytest.raises(CheckFailed, match="NaN"):
        checks.expect_close(np.array([np.nan]), np.array([1.0]), "nan case")
    with pytest.raises(CheckFailed, match="return"):
        checks.expect_close(None, np.array([1.0]), "none case")
    with pytest.raises(CheckFailed, match="dtype"):
        checks.expect_close(np.array(["a"]), np.array([1.0]), "text case")


def test_torch_tensors_and_tuples_are_accepted():
    checks.expect_close(torch.ones(2, requires_grad=True) * 2, np.full(2, 2.0), "tensor")
    checks.expect_close((np.ones(2), np.zeros(1)), (np.ones(2), np.zeros(1)), "pair")
    with pytest.raises(CheckFailed, match=r"pair\[1\]"):
        checks.expect_close((np.ones(2), np.ones(1)), (np.ones(2), np.zeros(1)), "pair")


def test_rebinding_numpy_comparisons_does_not_fool_the_checkers(monkeypatch):
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(np, "isclose", lambda a, b, **k: np.ones(np.shape(a), bool))
    monkeypatch.setattr(np, "abs", lambda x: 0 * x)
    with pytest.raises(CheckFailed):
        checks.expect_close(np.ones(3), np.zeros(3), "patched")


def test_expect_equal_types():
    checks.expect_equal(True, True, "flag")
    with pytest.raises(CheckFailed, match="True or False"):
        checks.expect_equal("yes", True, "flag")
    with pytest.raises(CheckFailed, match="integer"):
        checks.expect_equal(3.0, 3, "count")
    with pytest.raises(CheckFailed, match="wrong value"):
        checks.expect_equal(4, 3, "count")


def test_expect_same_as_names_the_case_and_catches_in_place_changes():
    def reference(x):
        return x * 2

    def in_place(x):
        x *= 2
        return x

    def broken(x):
        raise IndexError("oops")

    cases = {"ones": (np.ones(3),)}
    checks.expect_same_as(lambda x: x + x, reference, cases)
    with pytest.raises(CheckFailed, match="case 'ones'.*in place"):
        checks.expect_same_as(in_place, reference, cases)
    with pytest.raises(CheckFailed, match="case 'ones'.*IndexError"):
        checks.expect_same_as(broken, reference, cases)


def test_forbid_calls_sees_python_functions_through_aliases_and_c_builtins():
    def reference(x):
        return x + 1

    alias = reference

    def student(x):
        return alias(x)

    with pytest.raises(ForbiddenCall, match="reference"):
        with checks.forbid_calls(reference):
            student(1)
    with pytest.raises(ForbiddenCall, match="conv2d"):
        with checks.forbid_calls(torch.nn.functional.conv2d):
            torch.nn.functional.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 2, 2))
    with checks.forbid_calls(reference):
        (lambda x: x + 1)(1)  # an own implementation passes


@pytest.mark.parametrize(
    ("value", "wanted"),
    [(np.bool_(False), bool), (np.int64(3), int), (np.int8(-1), int), (np.float32(0.5), float)],
)
def test_numpy_scalars_count_as_their_python_type(value, wanted):
    checks.expect_type(value, wanted, "answer")
    checks.expect_type(value, (str, wanted), "answer")


def test_a_wrong_type_is_named_unambiguously():
    with pytest.raises(checks.CheckFailed, match="expected int, got numpy.float64"):
        checks.expect_type(np.float64(1.0), int, "count")
    with pytest.raises(checks.CheckFailed, match="expected bool, got str"):
        checks.expect_type("yes", bool, "answer")
