"""Shared assertion: a hostile student's row is what the case says it must be."""

from __future__ import annotations

from tests.hostile import builders as b


def check_row(battery, sid: str) -> None:
    case = battery.cases[sid]
    row = battery.row(sid)
    assert row.status == case.status, f"{sid}: status {row.status!r}, message {row.message!r}"
    assert row.score == case.score, (
        f"{sid}: score {row.score} (expected {case.score}): {row.message}"
    )
    assert row.max_score == b.TOTAL
    assert case.message.lower() in row.message.lower(), f"{sid}: message {row.message!r}"
