"""The grading benchmark's comparison of two runs (no grading here)."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location(
        "grading_bench", ROOT / "benchmarks" / "grading.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(root: Path, score: str, seconds: str) -> Path:
    (root / "feedback" / "ann").mkdir(parents=True)
    (root / "grades.csv").write_text(f"student_id,notebook,score\nann,01,{score}\nben,01,3\n")
    (root / "exercises.csv").write_text("student_id,notebook,grade_id,score\n")
    (root / "manifest.json").write_text(f'{{"seconds": {seconds}}}')
    page = f'<dd id="nn-time">graded in {seconds} s</dd><p>ok</p>'
    (root / "feedback" / "ann" / "01.html").write_text(page)
    return root


def test_runs_that_differ_only_in_timing_are_the_same(tmp_path):
    bench = _bench()
    same = bench.compare_outputs(_run(tmp_path / "a", "5", "1.0"), _run(tmp_path / "b", "5", "2.5"))
    assert same["csv_identical"] and same["csv_rows_that_differ"] == []
    assert same["feedback_content_differs"] == []


def test_a_score_that_differs_is_shown_with_its_row(tmp_path):
    bench = _bench()
    same = bench.compare_outputs(_run(tmp_path / "a", "5", "1.0"), _run(tmp_path / "b", "4", "1.0"))
    assert not same["csv_identical"]
    assert same["csv_rows_that_differ"] == ["grades.csv a: ann,01,5", "grades.csv b: ann,01,4"]


def _cell(kind: str, busy: str, reply: str, grading: dict | None = None) -> dict:
    meta = {"execution": {"iopub.status.busy": busy, "shell.execute_reply": reply}}
    if grading is not None:
        meta["nbgrader"] = grading
    return {"cell_type": kind, "metadata": meta, "source": ""}


def test_a_bare_runs_seconds_are_split_by_the_cells_that_spent_them():
    from datetime import UTC, datetime

    bench = _bench()
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# title"},
            _cell("code", "2026-01-01T00:00:02Z", "2026-01-01T00:00:05Z"),  # imports: 3 s
            _cell("code", "2026-01-01T00:00:05Z", "2026-01-01T00:00:05.5Z", {"solution": True}),
            _cell("code", "2026-01-01T00:00:06Z", "2026-01-01T00:00:07Z", {"grade": True}),
            _cell("code", "2026-01-01T00:00:07Z", "2026-01-01T00:00:09Z"),  # a demo: 2 s
        ]
    }
    began = datetime(2026, 1, 1, tzinfo=UTC)
    parts = bench.where_time_went(nb, began, wall=10.0)
    assert parts["kernel_start"] == 2.0 and parts["imports"] == 3.0
    assert parts["answers"] == 0.5 and parts["tests"] == 1.0 and parts["other"] == 2.0
    assert abs(parts["teardown"] - 1.5) < 1e-9  # the wall not spent in any cell


def test_a_cut_run_keeps_the_phases_it_finished(tmp_path):
    bench = _bench()
    out = tmp_path / "results" / "grading.json"
    bench.save_partial({"serial_s": 12.5}, out)
    assert json.loads(out.read_text()) == {"serial_s": 12.5, "complete": False}
    bench.save_partial({"serial_s": 12.5, "parallel_s": 7.0}, out, complete=True)
    assert json.loads(out.read_text())["complete"] is True
    assert [p.name for p in out.parent.iterdir()] == ["grading.json"]  # no part file left


def test_a_students_cost_is_told_from_the_runs_fixed_cost():
    bench = _bench()
    # a run pays 6 s once and 4 s a student: 10 s for one student, 22 s for four
    marginal, fixed = bench.marginal_and_fixed(10.0, 22.0, 4)
    assert (marginal, fixed) == (4.0, 6.0)
    assert bench.marginal_and_fixed(10.0, 9.0, 4) == (0.0, 10.0)  # noise never goes negative
    try:
        bench.marginal_and_fixed(10.0, 10.0, 1)
    except ValueError:
        pass
    else:
        raise AssertionError("one student cannot tell the two costs apart")
