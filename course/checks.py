"""Checkers that the notebooks' tests call.

Every checker raises :class:`CheckFailed` (an ``AssertionError``) whose message names the case
that failed and what was expected of its type, shape or property, never the expected value.
Shapes are checked before values; floats are compared with tolerances:
``|actual - expected| <= atol + rtol * |expected|`` element-wise.

The NumPy and Python functions used here are captured when this module is imported (before
any student code runs), so rebinding ``numpy.allclose`` or ``numpy.isclose`` later does not
change what these checkers decide.

In a grading kernel every check also writes what it saw as plain data (:mod:`course.records`),
and there the grader's copy of a test cell passes :data:`WITHHELD` instead of each expected
value: the kernel reports the student's values, and the verdict is made outside it, against
the answer key (:mod:`autograde.verdicts`). In JupyterLab nothing changes.
"""

from __future__ import annotations

import builtins
import copy
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from typing import Any

import numpy as np

from course import records

# Captured at import: ufuncs and builtins are C objects that later rebinding cannot reach.
_np_asarray = np.asarray
_np_abs = np.absolute
_np_isfinite = np.isfinite
_np_argmax = np.argmax
_np_unravel = np.unravel_index
_np_ndarray = np.ndarray
_np_issubdtype = np.issubdtype
_np_number = np.number
_np_bool = np.bool_
_isinstance = builtins.isinstance
_len = builtins.len
_setprofile = sys.setprofile
_getprofile = sys.getprofile
_thread_setprofile = threading.setprofile


class _Withheld:
    """Stands for an expected value the grader keeps to itself (see the module's docstring)."""

    def __repr__(self) -> str:
        return "WITHHELD"


#: Passed by the grader's copy of a test cell instead of an expected value or a reference.
WITHHELD = _Withheld()


def _emit(check: str, what: str, actual: Any, **fields: Any) -> None:
    """Record what a check saw (grading kernels only)."""
    if not records.recording():
        return
    record = {"check": check, "what": str(what), "actual": records.encode(actual)}
    for name, value in fields.items():
        if value is WITHHELD:
            continue
        record[name] = records.encode(value) if name == "expected" else value
    records.emit(record)


class CheckFailed(AssertionError):
    """A check of a student's answer failed; the message says which case and why."""


def _fail(what: str, message: str) -> None:
    raise CheckFailed(f"{what}: {message}")


def _to_array(value: Any, what: str) -> np.ndarray:
    """Convert numbers, lists, NumPy arrays and torch tensors to a NumPy array."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor
        value = value.detach().cpu().numpy()
    if value is None:
        _fail(what, "got None; did the function forget to `return` its result?")
    try:
        array = _np_asarray(value)
    except Exception as exc:  # noqa: BLE001 - any conversion error is the student's
        _fail(what, f"cannot be read as an array ({type(value).__name__}: {exc})")
    if array.dtype == object:
        _fail(what, f"got {type(value).__name__} that is not a regular numeric array")
    if not (_np_issubdtype(array.dtype, _np_number) or array.dtype == _np_bool):
        _fail(what, f"expected numbers, got values of dtype {array.dtype}")
    return array


#: NumPy scalar types that stand for a Python type wherever a statement asks for that type.
_SCALAR_EQUIVALENTS: dict[type, tuple[type, ...]] = {
    bool: (np.bool_,),
    int: (np.integer,),
    float: (np.floating,),
    complex: (np.complexfloating,),
}


def _type_name(t: type) -> str:
    module = getattr(t, "__module__", "builtins")
    return t.__name__ if module == "builtins" else f"{module.split('.')[0]}.{t.__name__}"


def _full_name(t: type) -> str:
    module = getattr(t, "__module__", "") or ""
    name = getattr(t, "__qualname__", "") or t.__name__
    return name if module == "builtins" else f"{module}.{name}"


def expect_type(value: Any, types: type | tuple[type, ...], what: str) -> None:
    """Check ``isinstance(value, types)``; a NumPy scalar counts as its Python type
    (``np.bool_`` as ``bool``, ``np.int64`` as ``int``, ``np.float32`` as ``float``)."""
    wanted = types if _isinstance(types, tuple) else (types,)
    accepted = wanted + tuple(e for t in wanted for e in _SCALAR_EQUIVALENTS.get(t, ()))
    if records.recording():
        records.emit(
            {
                "check": "type",
                "what": str(what),
                "types": records.type_names(value),
                "expected": records.encode([_full_name(t) for t in accepted]),
            }
        )
    if not _isinstance(value, accepted):
        names = " or ".join(_type_name(t) for t in wanted)
        _fail(what, f"expected {names}, got {_type_name(type(value))}")


def expect_shape(value: Any, shape: tuple[int, ...], what: str) -> None:
    """Check that ``value`` (array-like or tensor) has exactly ``shape``."""
    array = _to_array(value, what)
    _emit("shape", what, [int(n) for n in array.shape], expected=[int(n) for n in shape])
    if tuple(array.shape) != tuple(shape):
        _fail(what, f"expected shape {tuple(shape)}, got {tuple(array.shape)}")


def expect_close(
    actual: Any,
    expected: Any,
    what: str,
    rtol: float = 1e-5,
    atol: float = 1e-8,
) -> None:
    """Check shape, finiteness and closeness of ``actual`` to ``expected``.

    ``expected`` may be a tuple or list of arrays; then ``actual`` must be a sequence of the
    same length and each element is compared (named ``what[i]``).
    """
    _emit("close", what, actual, expected=expected, rtol=float(rtol), atol=float(atol))
    if expected is not WITHHELD:
        _close(actual, expected, what, rtol, atol)


def _close(actual: Any, expected: Any, what: str, rtol: float, atol: float) -> None:
    if _isinstance(expected, (tuple, list)) and any(
        _isinstance(e, (_np_ndarray, tuple, list)) or hasattr(e, "detach") for e in expected
    ):
        if not _isinstance(actual, (tuple, list)):
            _fail(
                what, f"expected a tuple of {_len(expected)} results, got {type(actual).__name__}"
            )
        if _len(actual) != _len(expected):
            _fail(what, f"expected {_len(expected)} results, got {_len(actual)}")
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _close(a, e, f"{what}[{i}]", rtol, atol)
        return
    want = _to_array(expected, f"{what} (reference)").astype(float)
    got = _to_array(actual, what)
    if tuple(got.shape) != tuple(want.shape):
        _fail(what, f"expected shape {tuple(want.shape)}, got {tuple(got.shape)}")
    got = got.astype(float)
    if not bool(_np_isfinite(got).all()):
        _fail(what, "contains NaN or infinity (overflow, or a division by zero?)")
    excess = _np_abs(got - want) - (atol + rtol * _np_abs(want))
    wrong = excess > 0
    if bool(wrong.any()):
        if got.ndim == 0:
            _fail(
                what, f"wrong value (got {got.item():.6g}; tolerance rtol={rtol:g}, atol={atol:g})"
            )
        worst = _np_unravel(int(_np_argmax(excess)), got.shape)
        error = float(_np_abs(got - want)[worst])
        _fail(
            what,
            f"{int(wrong.sum())} of {got.size} values are wrong; the largest error is "
            f"{error:.3g} at index {tuple(int(i) for i in worst)} "
            f"(tolerance rtol={rtol:g}, atol={atol:g})",
        )


def expect_consistent(
    actual: Any, recomputed: Any, what: str, rtol: float = 1e-5, atol: float = 1e-8
) -> None:
    """Like :func:`expect_close`, for two values that both come from the student's own work
    (a reported accuracy and the accuracy of their model measured again): the grader
    compares them with each other, not with the answer key."""
    if records.recording():
        records.emit(
            {
                "check": "consistent",
                "what": str(what),
                "actual": records.encode(actual),
                "other": records.encode(recomputed),
                "rtol": float(rtol),
                "atol": float(atol),
            }
        )
    _close(actual, recomputed, what, rtol, atol)


def expect_equal(actual: Any, expected: Any, what: str) -> None:
    """Check exact equality of scalars, strings, booleans, tuples or integer arrays."""
    _emit("equal", what, actual, expected=expected)
    if expected is not WITHHELD:
        _equal(actual, expected, what)


def _equal(actual: Any, expected: Any, what: str) -> None:
    if _isinstance(expected, _np_ndarray) or hasattr(expected, "shape"):
        got = _to_array(actual, what)
        want = _to_array(expected, f"{what} (reference)")
        if tuple(got.shape) != tuple(want.shape):
            _fail(what, f"expected shape {tuple(want.shape)}, got {tuple(got.shape)}")
        wrong = got != want
        if bool(wrong.any()):
            _fail(what, f"{int(wrong.sum())} of {got.size} entries are wrong")
        return
    if _isinstance(expected, bool):
        if not _isinstance(actual, (bool, _np_bool)):
            _fail(what, f"expected True or False, got {type(actual).__name__}")
        if bool(actual) != expected:
            _fail(what, "wrong answer")
        return
    if _isinstance(expected, int):
        if _isinstance(actual, bool) or not _isinstance(actual, (int, np.integer)):
            _fail(what, f"expected an integer, got {type(actual).__name__}")
    if _isinstance(expected, tuple):
        if not _isinstance(actual, (tuple, list)):
            _fail(what, f"expected a tuple of {_len(expected)} values, got {type(actual).__name__}")
        if _len(actual) != _len(expected):
            _fail(what, f"expected {_len(expected)} values, got {_len(actual)}")
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            _equal(a, e, f"{what}[{i}]")
        return
    if actual != expected:
        _fail(what, f"wrong value (got {actual!r})")


def expect_true(condition: Any, what: str, message: str) -> None:
    """Fail with ``what: message`` unless ``condition`` holds."""
    try:
        holds = bool(condition)
    except Exception as exc:  # noqa: BLE001 - a condition that cannot be read is false
        _fail(what, f"{message} (the condition could not be evaluated: {type(exc).__name__})")
    _emit("true", what, holds, message=str(message))
    if not holds:
        _fail(what, message)


Case = tuple | Mapping[str, Any]


def _call(func: Callable[..., Any], case: Any) -> Any:
    if _isinstance(case, tuple) and _len(case) == 2 and _isinstance(case[1], Mapping):
        return func(*case[0], **case[1])
    if _isinstance(case, Mapping):
        return func(**case)
    return func(*case)


def expect_same_as(
    func: Callable[..., Any],
    reference: Callable[..., Any],
    cases: Mapping[str, Any],
    what: str | None = None,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    forbid: Iterable[Any] = (),
) -> None:
    """Run ``func`` and ``reference`` on every named case and compare the results.

    A case is a tuple of positional arguments, a mapping of keyword arguments, or
    ``(args, kwargs)``. Inputs are deep-copied for each call; a function that changes its
    inputs in place fails with a message saying so. ``forbid``: functions the answer must
    not call (see :func:`forbid_calls`; only ``func``'s calls are watched, not the
    reference's).
    """
    forbid = tuple(forbid)
    name = what or getattr(func, "__name__", "your function")
    for case_name, case in cases.items():
        label = f"{name}, case '{case_name}'"
        given = copy.deepcopy(case)
        try:  # the answer runs first: no expected value exists yet for it to find
            if forbid:
                with forbid_calls(*forbid, what=name):
                    got = _call(func, given)
            else:
                got = _call(func, given)
        except CheckFailed:
            raise
        except NotImplementedError:
            _fail(label, "not implemented yet (the cell still raises NotImplementedError)")
        except Exception as exc:  # noqa: BLE001 - report any error with the case's name
            _fail(label, f"raised {type(exc).__name__}: {exc}")
        if reference is WITHHELD:
            _emit("close", label, got)
            _expect_unchanged(given, case, label)
            continue
        want = _call(reference, copy.deepcopy(case))
        _emit("close", label, got, expected=want, rtol=float(rtol), atol=float(atol))
        _expect_unchanged(given, case, label)
        _close(got, want, label, rtol, atol)


def _expect_unchanged(given: Any, original: Any, label: str) -> None:
    """Fail when the function modified an array argument in place."""
    pairs: Iterable[tuple[Any, Any]]
    if _isinstance(original, Mapping):
        pairs = ((given[k], original[k]) for k in original)
    elif _isinstance(original, tuple) and _len(original) == 2 and _isinstance(original[1], Mapping):
        pairs = list(zip(given[0], original[0], strict=True)) + [
            (given[1][k], original[1][k]) for k in original[1]
        ]
    else:
        pairs = zip(given, original, strict=True)
    changed = False
    for g, o in pairs:
        if _isinstance(o, _np_ndarray) and _isinstance(g, _np_ndarray) and g.shape == o.shape:
            changed = changed or bool((g != o).any())
    message = "changed its input array in place; work on a copy instead"
    _emit("true", f"{label}: inputs unchanged", not changed, message=message)
    if changed:
        _fail(label, message)


class ForbiddenCall(CheckFailed):
    """The answer called a function it must not use."""


def _identify(function: Any) -> tuple[str, Any]:
    """What the profiler sees when ``function`` runs: its code object, or the C function."""
    inner = getattr(function, "__wrapped__", None) or function
    code = getattr(inner, "__code__", None)
    if code is not None:
        return "code", code
    return "c", function


@contextmanager
def forbid_calls(*functions: Any, what: str = "your answer"):
    """Fail if any of ``functions`` is called (directly or not) inside the ``with`` block.

    Python functions are recognised by their code object, so renaming or aliasing them does
    not help; C functions (``torch.conv2d``, ``numpy.convolve``'s kernel) by identity.
    Use it to refuse an answer that only calls the course's reference or a framework built-in.
    """
    codes = {}
    cfuncs = {}
    for f in functions:
        kind, key = _identify(f)
        name = getattr(f, "__qualname__", None) or getattr(f, "__name__", repr(f))
        module = getattr(f, "__module__", None) or ""
        label = f"{module}.{name}" if module and not name.startswith(module) else name
        (codes if kind == "code" else cfuncs)[id(key)] = (key, label)
    hits: list[str] = []

    def profiler(frame, event, arg):  # noqa: ANN001 - the profiler protocol
        if event == "call":
            found = codes.get(id(frame.f_code))
            if found is not None and found[0] is frame.f_code:
                hits.append(found[1])
        elif event == "c_call":
            found = cfuncs.get(id(arg))
            if found is not None and found[0] is arg:
                hits.append(found[1])

    previous = _getprofile()
    _setprofile(profiler)
    try:
        yield
    finally:
        _setprofile(previous)
    _emit("true", f"{what}: calls nothing it must implement itself", not hits)
    if hits:
        names = ", ".join(sorted(set(hits)))
        raise ForbiddenCall(
            f"{what} calls {names}, which this exercise asks you to implement yourself "
            "(no credit for calling the reference or a framework built-in)"
        )
