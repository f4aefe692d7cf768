"""The instructor's view of a class: gradebook.csv, Canvas's import file, changes against an
earlier run, manifest.json and report.html, from rows as the grader makes them."""

from __future__ import annotations

import csv
import hashlib
import html
import json
import re

import pytest

from autograde.grading.class_report import exercise_of, problem_kind, render_report
from autograde.grading.compare import compare, write_changes
from autograde.grading.gradebook import (
    CANVAS_IDENTITY,
    RosterError,
    read_canvas_roster,
    write_canvas,
    write_gradebook,
)
from autograde.grading.manifest import build_manifest, hand_in_sha256
from autograde.grading.outputs import write_outputs
from autograde.grading.results import CellGrade, GradingSettings, HandIn, Row

STEMS = ["01_neurons", "02_backprop"]


def _row(sid, nb, score, most, status="graded", message="", cells=(), seconds=3.0):
    return Row(sid, nb, score, most, status, message, list(cells), b"", seconds)


def class_rows() -> list[Row]:
    full = [CellGrade("and_gate_test", 2, 2), CellGrade("xor_test", 3, 3)]
    half = [
        CellGrade("and_gate_test", 2, 2),
        CellGrade("xor_test", 0, 3, "CheckFailed: xor: 1 wrong"),
    ]
    return [
        _row("ann", "01_neurons", 5, 5, cells=full),
        _row("ann", "02_backprop", 10, 10, cells=[CellGrade("chain_test", 10, 10)]),
        _row("Ben.Smith", "01_neurons", 2, 5, cells=half),
        _row("Ben.Smith", "02_backprop", 0, 10, "missing", "not handed in", seconds=0),
        _row("cat", "01_neurons", 0, 5, "invalid", "not a notebook: bad JSON", seconds=0),
        _row(
            "cat",
            "02_backprop",
            4,
            10,
            message="Cell chain_test was stopped after 15 s (an endless loop?)",
            cells=[CellGrade("chain_test", 4, 10, "CheckFailed: chain")],
        ),
    ]


def _csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_the_gradebook_has_one_row_per_student_and_a_column_per_notebook(tmp_path):
    lines = _csv(write_gradebook(class_rows(), STEMS, tmp_path / "gradebook.csv"))
    assert lines[0] == ["student_id", *STEMS, "total"]
    assert lines[1] == ["points_possible", "5", "10", "15"]
    assert lines[2:] == [
        ["Ben.Smith", "2", "0", "2"],
        ["ann", "5", "10", "15"],
        ["cat", "0", "4", "4"],
    ]


CANVAS_EXPORT = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section,01_neurons (4401),Quiz 1 (4400),"
    "Current Score\n"
    "    Points Possible,,,,,5,10,(read only)\n"
    '"Annis, Ann",101,S-1,ann@uni.example,Sec A,,7,70\n'
    '"Smith, Ben",102,S-2,ben.smith,Sec B,3,8,80\n'
    '"Nobody, Dan",103,S-3,dan,Sec A,,,\n'
)


def test_canvas_gets_its_identity_columns_points_possible_and_existing_assignments(tmp_path):
    (tmp_path / "export.csv").write_text(CANVAS_EXPORT, encoding="utf-8")
    roster = read_canvas_roster(tmp_path / "export.csv")
    assert [s["ID"] for s in roster.students] == ["101", "102", "103"]
    rows = [r for r in class_rows() if r.student_id != "ann"]
    rows += [
        _row("ANN@uni.example", "01_neurons", 4, 5),
        _row("ANN@uni.example", "02_backprop", 1, 10),
    ]
    unmatched = write_canvas(rows, STEMS, roster, tmp_path / "canvas.csv")
    lines = _csv(tmp_path / "canvas.csv")
    # the existing assignment keeps its id; the other notebook becomes a new assignment
    assert lines[0] == [*CANVAS_IDENTITY, "01_neurons (4401)", "02_backprop"]
    assert lines[1] == ["Points Possible", "", "", "", "", "5", "10"]
    assert lines[2] == ["Annis, Ann", "101", "S-1", "ann@uni.example", "Sec A", "4", "1"]
    assert lines[3] == ["Smith, Ben", "102", "S-2", "ben.smith", "Sec B", "2", "0"]
    assert lines[4] == ["Nobody, Dan", "103", "S-3", "dan", "Sec A", "", ""]  # left unchanged
    assert unmatched == ["cat"]


def test_a_roster_that_is_not_a_canvas_export_or_is_ambiguous_is_refused(tmp_path):
    (tmp_path / "plain.csv").write_text("student,score\nann,3\n")
    with pytest.raises(RosterError, match="SIS Login ID"):
        read_canvas_roster(tmp_path / "plain.csv")
    (tmp_path / "twice.csv").write_text(
        CANVAS_EXPORT + '"Other, Ann",104,S-4,ann@uni.example,B,,,\n'
    )
    roster = read_canvas_roster(tmp_path / "twice.csv")
    with pytest.raises(RosterError, match="2 roster students"):
        write_canvas(
            [_row("ann@uni.example", "01_neurons", 1, 5)], STEMS, roster, tmp_path / "c.csv"
        )


def test_compare_names_the_students_whose_scores_move_and_the_cells(tmp_path):
    before = tmp_path / "before"
    write_outputs(class_rows(), before, STEMS)
    after = class_rows()
    after[2] = _row(
        "Ben.Smith",
        "01_neurons",
        5,
        5,
        cells=[CellGrade("and_gate_test", 2, 2), CellGrade("xor_test", 3, 3)],
    )
    after[3] = _row("Ben.Smith", "02_backprop", 6, 10, cells=[CellGrade("chain_test", 6, 10)])
    changes = compare(before, after)
    assert [(c.student_id, c.notebook, c.before, c.after, c.change) for c in changes] == [
        ("Ben.Smith", "01_neurons", 2.0, 5.0, 3.0),
        ("Ben.Smith", "02_backprop", 0.0, 6.0, 6.0),
    ]
    assert changes[0].cells == [("xor_test", 0.0, 3.0)]
    assert "missing -> graded" in changes[1].describe()
    lines = _csv(write_changes(changes, tmp_path / "changes.csv"))
    assert lines[1] == [
        "Ben.Smith",
        "01_neurons",
        "2",
        "5",
        "+3",
        "graded",
        "graded",
        "xor_test 0 -> 3",
    ]
    assert compare(before, class_rows()) == []  # the same run again changes nothing
    with pytest.raises(FileNotFoundError, match="earlier run"):
        compare(tmp_path / "nowhere", after)


def test_the_manifest_records_each_hand_ins_hash_the_release_and_the_versions(tmp_path):
    path = tmp_path / "ann.ipynb"
    path.write_bytes(b'{"cells": []}')
    hand_ins = [
        HandIn("ann", "01_neurons", path=str(path)),
        HandIn("ben", "01_neurons", status="missing", problem="not handed in"),
        HandIn("cat", "01_neurons", content=b"abc"),
    ]
    rows = [_row("ann", "01_neurons", 5, 5), _row("ben", "01_neurons", 0, 5, "missing")]
    m = build_manifest(hand_ins, rows, {"01_neurons": "f" * 64}, GradingSettings(), {"workers": 2})
    assert [e["sha256"] for e in m["hand_ins"]] == [
        hashlib.sha256(b'{"cells": []}').hexdigest(),
        "",
        hashlib.sha256(b"abc").hexdigest(),
    ]
    assert hand_in_sha256(hand_ins[2]) == m["hand_ins"][2]["sha256"]
    assert m["hand_ins"][0]["score"] == 5 and m["hand_ins"][2]["graded"] == ""
    assert m["releases"] == {"01_neurons": "f" * 64}
    assert m["run"]["workers"] == 2 and m["run"]["settings"]["cell_timeout"] > 0
    for name in ("python", "numpy", "torch", "nbgrader", "ipython"):
        assert m["versions"][name], name
    assert m["device"]["cpus"] >= 1 and m["device"]["torch_device"] in ("cpu", "cuda")
    json.dumps(m)  # plain JSON


def test_the_report_counts_statuses_names_problems_and_links_every_feedback_page():
    page = render_report(class_rows(), STEMS)
    counts = re.findall(r"<tr><td>(\w+)</td>(.*?)</tr>", page.split('id="status-counts"')[1])[:2]
    got = {nb: re.findall(r'data-status="(\w+)">(\d+)<', rest) for nb, rest in counts}
    assert dict(got["01_neurons"]) == {"graded": "2", "missing": "0", "invalid": "1", "error": "0"}
    assert dict(got["02_backprop"]) == {"graded": "2", "missing": "1", "invalid": "0", "error": "0"}
    kinds = re.findall(r'data-kind="([\w ]+)"', page)
    assert kinds == ["missing", "invalid", "timed out"]
    assert page.count("<img") == 3 and "data:image/png;base64," in page
    assert "feedback/Ben.Smith/01_neurons.html" in page and "feedback/cat/02_backprop.html" in page
    assert html.escape("CheckFailed: xor: 1 wrong") in page  # the most common failure, counted
    assert "http://" not in page and "https://" not in page and "<script" not in page


def test_exercise_names_and_problem_kinds():
    assert exercise_of("and_gate_test") == "and_gate"
    assert exercise_of("conv1d_test_hidden") == "conv1d"
    assert exercise_of("xor_test2") == "xor"
    assert (
        problem_kind(_row("a", "n", 0, 1, "error", "the kernel died while running cell 3"))
        == "crashed"
    )
    assert problem_kind(_row("a", "n", 1, 1)) is None
