"""Naming a failing answer after the known mistake it behaves like.

Every exercise has known-wrong answers (``autograde/variants``), each standing for a real
misconception and carrying a *hint*. Once per class each is graded like a hand-in and its
records on its exercise's test cells are kept: its **print**
(:mod:`autograde.grading.prints`). When a student's test cell fails, the grader compares the
student's records with each print of that cell, outside the kernel:

- the print must fail the key at the very check where the student's answer first fails it,
  with the same value there (within the key's tolerance for that check);
- every other check both reported must agree the same way (values within the key's
  tolerances, the same shapes, types and conditions), on this test cell and on every other test
  cell of the exercise;
- no *other* known mistake may fit as well: when the tests cannot tell two mistakes apart
  (``True`` where ``False`` was right, from either of two misreadings), neither is named.

An answer that stops the test cell with an error before any check fails is named after a
mistake that stops it with the same error (type and message) after the same agreeing checks;
an answer the grader refuses for calling what the exercise forbids is named after a mistake
that calls the same functions (whatever module it reached them through).

Only then is the mistake named, with its hint. A right answer never fails, so it is never
named; a wrong answer whose values differ from a print anywhere is not named after it. When
nothing matches, the feedback says nothing more than the failed check.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograde.verdicts.judge import check_one
from course import checks
from course.records import NotData, load_line


@dataclass
class Print:
    """A known-wrong answer's records on one test cell (``failed``: whether it fails it)."""

    exercise: str
    label: str
    hint: str
    records: list[dict]
    failed: bool = True
    #: the error that stopped the test cell ("TypeName: message"), or ""
    error: str = ""
    #: the forbidden functions it calls (see :func:`autograde.verdicts.evidence.canonical`)
    uses: frozenset[str] = frozenset()


def prints_path(keys_dir: Path, notebook: str) -> Path:
    return Path(keys_dir) / f"{notebook}.prints.json"


def write_prints(path: Path, prints: dict[str, list[dict]]) -> None:
    """``prints``: test grade id -> [{exercise, label, hint, lines, failed, error, uses}]
    (lines: raw records)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"format": 1, "cells": prints}, indent=0), encoding="utf-8")


def load_prints(path: Path) -> dict[str, list[Print]]:
    """test grade id -> the prints of its known mistakes ({} when there is no file)."""
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    found: dict[str, list[Print]] = {}
    for grade_id, entries in payload.get("cells", {}).items():
        for e in entries:
            try:
                records = [load_line(line, 1 << 30) for line in e["lines"]]
            except (NotData, KeyError, TypeError):
                continue
            found.setdefault(grade_id, []).append(
                Print(
                    str(e["exercise"]),
                    str(e["label"]),
                    str(e.get("hint", "")),
                    records,
                    bool(e.get("failed", True)),
                    str(e.get("error") or ""),
                    frozenset(str(n) for n in e.get("uses") or []),
                )
            )
    return found


def _index(records: list[dict]) -> dict[tuple[str, str, int], dict]:
    seen: dict[tuple[str, str], int] = defaultdict(int)
    out = {}
    for r in records:
        label = (r["check"], r["what"])
        out[(*label, seen[label])] = r
        seen[label] += 1
    return out


def _same(key: dict, mine: dict, theirs: dict) -> bool:
    """Whether two reports of one check agree (values within the key's tolerances)."""
    kind = key["check"]
    try:
        if kind == "close":
            return _close_alike(
                mine.get("actual"),
                theirs.get("actual"),
                key.get("rtol", 1e-5),
                key.get("atol", 1e-8),
            )
        elif kind == "equal":
            checks._equal(mine.get("actual"), theirs.get("actual"), key["what"])
        elif kind == "type":
            return (mine.get("types") or [None])[0] == (theirs.get("types") or [None])[0]
        elif kind in ("shape", "true"):
            return mine.get("actual") == theirs.get("actual")
        else:  # consistent: both values of the pair must agree
            for field in ("actual", "other"):
                checks._close(
                    mine.get(field),
                    theirs.get(field),
                    key["what"],
                    key.get("rtol", 1e-5),
                    key.get("atol", 1e-8),
                )
    except checks.CheckFailed:
        return False
    except Exception:  # noqa: BLE001 - values that cannot be compared do not match
        return False
    return True


def _close_alike(mine: object, theirs: object, rtol: float, atol: float) -> bool:
    """Whether two answers' values agree within a check's tolerances, NaN and infinity
    included (two answers that overflow at the same places behave alike)."""
    if isinstance(mine, list | tuple) or isinstance(theirs, list | tuple):
        if not (isinstance(mine, list | tuple) and isinstance(theirs, list | tuple)):
            return False
        return len(mine) == len(theirs) and all(
            _close_alike(a, b, rtol, atol) for a, b in zip(mine, theirs, strict=True)
        )
    try:
        a = np.asarray(mine, dtype=float)
        b = np.asarray(theirs, dtype=float)
    except (TypeError, ValueError):
        return False
    if a.shape != b.shape:
        return False
    with np.errstate(invalid="ignore", over="ignore"):
        return bool(np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True).all())


def first_failure(key: list[dict], got: list[dict]) -> tuple[str, str, int] | None:
    """The key's check where ``got`` first fails (None: it passes or never got there)."""
    mine = _index(got)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for want in key:
        label = (want["check"], want["what"])
        n = seen[label]
        seen[label] += 1
        reported = mine.get((*label, n))
        if reported is None:
            return None
        if check_one(want, reported):
            return (*label, n)
    return None


def name(key: list[dict], got: list[dict], prints: list[Print], error: str = "") -> list[Print]:
    """The prints ``got`` (a failing answer's records; ``error``: what stopped its test
    cell, if anything) behaves like, in the order given."""
    where = first_failure(key, got)
    if where is None and not error:
        return []
    keyed = _index(key)
    mine = _index(got)
    found = []
    for p in prints:
        theirs = _index(p.records)
        if where is None:  # stopped by an error before any check failed
            if p.error != error or first_failure(key, p.records) is not None:
                continue
        elif where not in theirs or not check_one(keyed[where], theirs[where]):
            continue  # the mistake does not fail where this answer fails
        if where is None and {k for k in mine if k in keyed} != {k for k in theirs if k in keyed}:
            continue  # not stopped at the same point
        common = [k for k in keyed if k in mine and k in theirs]
        if all(_same(keyed[k], mine[k], theirs[k]) for k in common):
            found.append(p)
    return found


def name_delegation(uses: frozenset[str], prints: list[Print]) -> Print | None:
    """The one known mistake that calls what a refused answer calls (``uses``: canonical
    names, none missing), or None when none or several different ones do."""
    fitting = [p for p in prints if p.uses and p.uses <= uses]
    return fitting[0] if len({p.label for p in fitting}) == 1 else None


def _agrees(key: list[dict], got: list[dict], print_: Print) -> bool:
    """Whether every check both ``got`` and the print reported agrees."""
    keyed, mine, theirs = _index(key), _index(got), _index(print_.records)
    return all(_same(keyed[k], mine[k], theirs[k]) for k in keyed if k in mine and k in theirs)


def name_in_exercise(
    grade_id: str,
    keys: dict[str, list[dict]],
    reported: dict[str, list[dict]],
    prints: dict[str, list[Print]],
    errors: dict[str, str] | None = None,
) -> Print | None:
    """The one known mistake the failed test cell ``grade_id`` behaves like, judged on every
    test cell of its exercise (``keys``, ``reported``: by test grade id), or None.

    A mistake is named only when it fails this cell like the student's answer (see
    :func:`name`) and agrees with it on every other test cell of the exercise that both
    reported; when two different mistakes fit equally, the tests cannot tell them apart and
    neither is named (precision first).
    """
    from autograde.grading.results import split_test_id

    exercise = split_test_id(grade_id)[0]
    errors = errors or {}
    candidates = name(
        keys.get(grade_id, []),
        reported.get(grade_id, []),
        prints.get(grade_id, []),
        errors.get(grade_id, ""),
    )
    siblings = [g for g in keys if split_test_id(g)[0] == exercise and g != grade_id]
    fitting = []
    for p in candidates:
        others = {
            g: next((q for q in prints.get(g, []) if q.label == p.label), None) for g in siblings
        }
        if all(
            q is None or g not in reported or _agrees(keys[g], reported[g], q)
            for g, q in others.items()
        ):
            fitting.append(p)
    labels = {p.label for p in fitting}
    return fitting[0] if len(labels) == 1 else None
