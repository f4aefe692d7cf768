"""What a check saw, written as plain data: the only thing a grading kernel tells the grader.

When ``NN_COURSE_RECORDS`` names a file (grading kernels only), every checker of
:mod:`course.checks` appends one JSON line to it: the case's label, the kind of check and the
student's value, and, where the check was given one, the expected value and its tolerances.
The grader compares a student's records with the *answer key* (the records of the
instructor's solution, made in a kernel no student code ever ran in) in a process of its
own (:mod:`autograde.verdicts`), so nothing the student's code does in its kernel can change a
verdict; it can only change the values it reports, and only right values earn points.

Values are encoded as data, never as objects: ``None``, booleans, integers, floats, strings,
NumPy arrays (numeric or boolean; torch tensors become arrays), and tuples, lists, dicts and
sets of these. :func:`decode` rebuilds exactly these types and refuses everything else, so an
object whose ``__eq__`` lies cannot cross.

    {"check": "close", "what": "neuron, case 'x'", "actual": {"array": {...}}, "expected": ...}
"""

from __future__ import annotations

import base64
import builtins
import json
import math
import os
from typing import Any

import numpy as np

#: Names the file a grading kernel appends its records to (one JSON object per line).
RECORDS_ENV = "NN_COURSE_RECORDS"
#: The kinds of check a record may hold.
CHECKS = ("close", "equal", "shape", "type", "true", "consistent")
#: Array dtypes that cross (everything else is refused on arrival).
DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
    + ["float16", "float32", "float64"]
)
#: Deepest nesting of tuples, lists and dicts a value may have.
MAX_DEPTH = 12
#: Most elements one array (or one sequence) may have.
MAX_ITEMS = 20_000_000

_isinstance = builtins.isinstance
_open = builtins.open
_json_dumps = json.dumps
_b64encode = base64.b64encode
_environ_get = os.environ.get


class NotData(ValueError):
    """A record, or a value in it, is not the plain data the format allows."""


# --- the kernel's side ----------------------------------------------------------------


def _array(value: Any) -> np.ndarray | None:
    """``value`` as a NumPy array when it is one or a torch tensor, else None."""
    if _isinstance(value, np.ndarray):
        return value
    if hasattr(value, "detach") and hasattr(value, "cpu") and hasattr(value, "dtype"):
        tensor = value.detach().cpu()
        if str(tensor.dtype) in ("torch.bfloat16", "torch.float16"):
            tensor = tensor.float()
        return tensor.numpy()
    return None


def encode(value: Any, depth: int = 0) -> dict:
    """``value`` as JSON-able data; what is not data becomes ``{"other": type name}``."""
    if depth > MAX_DEPTH:
        return {"other": "nested too deeply"}
    if value is None:
        return {"none": True}
    if _isinstance(value, (bool, np.bool_)):
        return {"bool": bool(value)}
    if _isinstance(value, (int, np.integer)):
        return {"int": int(value)}
    if _isinstance(value, (float, np.floating)):
        number = float(value)
        return {"float": number if math.isfinite(number) else repr(number)}
    if _isinstance(value, str):
        return {"str": value}
    array = _array(value)
    if array is not None:
        if str(array.dtype) not in DTYPES:
            return {"other": f"array of {array.dtype}"}
        data = np.array(array, order="C", copy=True)  # (ascontiguousarray makes 0-d 1-d)
        return {
            "array": {
                "dtype": str(data.dtype),
                "shape": [int(n) for n in data.shape],
                "b64": _b64encode(data.tobytes()).decode("ascii"),
            }
        }
    if _isinstance(value, (tuple, list)):
        kind = "tuple" if _isinstance(value, tuple) else "list"
        return {kind: [encode(v, depth + 1) for v in value]}
    if _isinstance(value, (set, frozenset)):
        items = [encode(v, depth + 1) for v in value]
        return {"set": sorted(items, key=lambda e: _json_dumps(e, sort_keys=True))}
    if _isinstance(value, dict):
        return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
    return {"other": type_names(value)[0]}


def type_names(value: Any) -> list[str]:
    """``module.qualname`` of ``type(value)`` and of each of its bases (the MRO)."""
    names = []
    for cls in type(value).__mro__:
        module = getattr(cls, "__module__", "") or ""
        name = getattr(cls, "__qualname__", "") or getattr(cls, "__name__", "?")
        names.append(f"{module}.{name}" if module != "builtins" else name)
    return names


def emit(record: dict) -> None:
    """Append ``record`` to the records file when this is a grading kernel (else nothing)."""
    path = _environ_get(RECORDS_ENV)
    if not path:
        return
    line = _json_dumps(record, allow_nan=False) + "\n"
    with _open(path, "a", encoding="utf-8") as f:
        f.write(line)


#: The line the instructor's test cells write where their hidden tests begin (answer keys
#: only: it tells the records ``nn-course check`` can see from those it cannot).
HIDDEN_MARK = {"check": "mark", "what": "hidden tests begin"}


def mark_hidden() -> None:
    """Write :data:`HIDDEN_MARK` (see :func:`autograde.verdicts.withhold.for_kernel`)."""
    emit(HIDDEN_MARK)


def recording() -> bool:
    """Whether this process writes records (a grading kernel)."""
    return bool(_environ_get(RECORDS_ENV))


# --- the grader's side ----------------------------------------------------------------


def _expect(condition: bool, why: str) -> None:
    if not condition:
        raise NotData(why)


def decode(data: Any, depth: int = 0) -> Any:
    """The plain value ``data`` encodes (see :func:`encode`); raises :class:`NotData`."""
    _expect(type(data) is dict and len(data) == 1, "a value must be an object with one key")
    _expect(depth <= MAX_DEPTH, "nested too deeply")
    ((kind, body),) = data.items()
    if kind == "none":
        return None
    if kind == "bool":
        _expect(type(body) is bool, "bool")
        return body
    if kind == "int":
        _expect(type(body) is int, "int")
        return body
    if kind == "float":
        if type(body) is str:
            _expect(body in ("nan", "inf", "-inf"), "float")
            return float(body)
        _expect(type(body) in (int, float), "float")
        return float(body)
    if kind == "str":
        _expect(type(body) is str, "str")
        return body
    if kind == "array":
        return _decode_array(body)
    if kind in ("tuple", "list", "set"):
        _expect(type(body) is list and len(body) <= MAX_ITEMS, kind)
        items = [decode(v, depth + 1) for v in body]
        if kind == "set":
            return _Unordered(items)
        return tuple(items) if kind == "tuple" else items
    if kind == "dict":
        _expect(type(body) is list, "dict")
        out = {}
        for pair in body:
            _expect(type(pair) is list and len(pair) == 2, "dict item")
            key = decode(pair[0], depth + 1)
            _expect(type(key) in (str, int, bool, float) or key is None, "dict key")
            out[key] = decode(pair[1], depth + 1)
        return out
    if kind == "other":
        _expect(type(body) is str, "other")
        return Opaque(body)
    raise NotData(f"unknown kind {kind!r}")


def _decode_array(body: Any) -> np.ndarray:
    _expect(type(body) is dict and set(body) == {"dtype", "shape", "b64"}, "array")
    dtype, shape, b64 = body["dtype"], body["shape"], body["b64"]
    _expect(type(dtype) is str and dtype in DTYPES, f"array dtype {dtype!r}")
    _expect(type(shape) is list and len(shape) <= 32, "array shape")
    _expect(all(type(n) is int and 0 <= n <= MAX_ITEMS for n in shape), "array shape")
    _expect(type(b64) is str, "array data")
    count = math.prod(shape)
    _expect(count <= MAX_ITEMS, "array too large")
    raw = base64.b64decode(b64.encode("ascii"), validate=True)
    _expect(len(raw) == count * np.dtype(dtype).itemsize, "array data has the wrong length")
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


class Opaque:
    """A value that was not data (its type's name only); equal to nothing."""

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<{self.type_name}>"


class _Unordered(list):
    """A set's elements, in a canonical order (sets of arrays cannot be Python sets)."""


def load_line(line: str, max_bytes: int) -> dict:
    """One record from one line of a records file, every field checked."""
    _expect(len(line) <= max_bytes, "record too large")
    try:
        raw = json.loads(line, parse_constant=lambda c: (_ for _ in ()).throw(NotData(c)))
    except (ValueError, RecursionError) as exc:
        raise NotData(f"not JSON: {exc}") from None
    _expect(type(raw) is dict, "a record must be an object")
    check, what = raw.get("check"), raw.get("what")
    _expect(check in CHECKS, f"unknown check {check!r}")
    _expect(type(what) is str and len(what) <= 4000, "what")
    record: dict = {"check": check, "what": what}
    for field in ("actual", "expected", "other"):
        if field in raw:
            record[field] = decode(raw[field])
    for field in ("rtol", "atol"):
        if field in raw:
            _expect(type(raw[field]) in (int, float) and raw[field] >= 0, field)
            record[field] = float(raw[field])
    if "types" in raw:
        types = raw["types"]
        _expect(type(types) is list and all(type(t) is str for t in types), "types")
        record["types"] = types[:64]
    if "message" in raw:
        _expect(type(raw["message"]) is str, "message")
        record["message"] = raw["message"][:2000]
    return record
