"""A test cell's verdict: the student's records against the answer key's, in words.

For every record of the key, in order, the student's run must have reported the same check
under the same label (the n-th time for the n-th occurrence) with a value that passes it:
``close`` and ``equal`` against the key's expected value with the key's tolerances (the very
comparisons of :mod:`course.checks`, so the messages read as in JupyterLab), ``shape`` and
``type`` against the key's, ``true`` holding, and ``consistent`` (two values both derived from
the student's own work, such as the accuracy of their own trained network) agreeing with each
other within the key's tolerances: the one check whose inputs cannot leave the kernel. The first record that is missing or fails gives
the message.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from course import checks
from course.records import Opaque


@dataclass
class Verdict:
    passed: bool
    message: str = ""
    #: False when a check of the key was never reported (the test stopped before it)
    reached: bool = True
    #: the failure is a value the grader compared (not a condition the kernel evaluated)
    decisive: bool = True


def _opaque_inside(value: object) -> Opaque | None:
    if isinstance(value, Opaque):
        return value
    if isinstance(value, (tuple, list)):
        for v in value:
            found = _opaque_inside(v)
            if found is not None:
                return found
    if isinstance(value, dict):
        for v in value.values():
            found = _opaque_inside(v)
            if found is not None:
                return found
    return None


def _type_names(names: list[str]) -> str:
    return " or ".join(n.split(".")[-1] if n.startswith("numpy.") else n for n in names[:3])


def check_one(key: dict, got: dict) -> str:
    """Why ``got`` fails the key's record ``key`` ("" when it passes)."""
    what, kind = key["what"], key["check"]
    actual = got.get("actual")
    try:
        if kind in ("close", "equal"):
            if "expected" not in key:
                return f"{what}: the answer key holds no expected value (regrade the key)"
            opaque = _opaque_inside(actual)
            if opaque is not None:
                return f"{what}: got {opaque.type_name}, which is not numbers or text"
            if kind == "close":
                checks._close(
                    actual, key["expected"], what, key.get("rtol", 1e-5), key.get("atol", 1e-8)
                )
            else:
                checks._equal(actual, key["expected"], what)
        elif kind == "consistent":  # both values are the student's: compared with each other
            if _opaque_inside(actual) is not None or _opaque_inside(got.get("other")) is not None:
                return f"{what}: not numbers"
            checks._close(
                actual, got.get("other"), what, key.get("rtol", 1e-5), key.get("atol", 1e-8)
            )
        elif kind == "shape":
            if list(actual or []) != list(key.get("expected") or []):
                want = tuple(key.get("expected") or [])
                have = tuple(actual) if isinstance(actual, list) else actual
                return f"{what}: expected shape {want}, got {have}"
        elif kind == "type":
            accepted = set(key.get("expected") or [])
            types = got.get("types") or []
            if not accepted & set(types):
                have = types[0] if types else "nothing"
                return f"{what}: expected {_type_names(sorted(accepted))}, got {have}"
        elif kind == "true":
            if actual is not True:
                return f"{what}: {key.get('message') or 'does not hold'}"
    except checks.CheckFailed as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - data that cannot be compared fails
        return f"{what}: could not be compared ({type(exc).__name__})"
    return ""


def judge(key: list[dict], got: list[dict]) -> Verdict:
    """The verdict on one test cell: ``got`` (the student's records) against ``key``."""
    if not key:
        return Verdict(False, "the answer key has no checks for this test cell")
    reported: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for record in got:
        reported[(record["check"], record["what"])].append(record)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for want in key:
        label = (want["check"], want["what"])
        n = seen[label]
        seen[label] += 1
        if n >= len(reported[label]):
            return Verdict(
                False,
                f"{want['what']}: never reported (the test stopped before this check, or "
                "was changed while it ran)",
                reached=False,
                decisive=False,
            )
        why = check_one(want, reported[label][n])
        if why:
            return Verdict(False, why, decisive=want["check"] != "true")
    return Verdict(True)
