"""``nn-course autograde`` on a small class: grades CSV cell by cell, feedback, broken hand-ins."""

import csv
import hashlib
import shutil
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograde import variants
from autograde.cli import main
from autograde.release.coursefolder import RELEASE_DIR, SOLUTIONS_DIR

pytestmark = pytest.mark.slow

STEM = "01_neurons"
CELLS = [
    "logic_units_test",
    "neuron_test",
    "or_networks_test",
    "output_size_test",
    "parameter_counts_test",
    "relu_net_test",
]
POINTS = {
    "logic_units_test": 3,
    "neuron_test": 2,
    "or_networks_test": 3,
    "output_size_test": 2,
    "parameter_counts_test": 3,
    "relu_net_test": 3,
}


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _partly_wrong() -> nbformat.NotebookNode:
    wrong, _ = variants.load(STEM)
    nb = nbformat.read(SOLUTIONS_DIR / f"{STEM}.ipynb", as_version=4)
    return variants.substitute(
        nb,
        {
            "neuron": wrong["neuron"]["bias forgotten"],
            "output_size": wrong["output_size"]["stride ignored"],
        },
    )


@pytest.fixture(scope="module")
def klass(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("class")
    for sid in ["alice", "bob", "carol", "dave", "erin"]:
        (root / sid).mkdir()
    shutil.copy(SOLUTIONS_DIR / f"{STEM}.ipynb", root / "alice")
    nbformat.write(_partly_wrong(), str(root / "bob" / f"{STEM}.ipynb"))
    shutil.copy(RELEASE_DIR / f"{STEM}.ipynb", root / "carol")
    (root / "dave" / f"{STEM}.ipynb").write_text('{"cells": [', encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def graded(klass, tmp_path_factory):
    before = _tree_digest(klass)
    out = tmp_path_factory.mktemp("out")
    code = main(["autograde", str(klass), "--out", str(out), "--notebooks", STEM, "--quiet"])
    return code, out, before


def _rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_batch_completes_and_leaves_the_submissions_untouched(graded, klass):
    code, _, before = graded
    assert code == 0
    assert _tree_digest(klass) == before


def test_grades_csv(graded):
    _, out, _ = graded
    rows = {r["student_id"]: r for r in _rows(out / "grades.csv")}
    assert sorted(rows) == ["alice", "bob", "carol", "dave", "erin"]
    expected = {  # alice and bob wrote the written answer (2 points): a person grades it
        "alice": ("16", "needs manual grading"),
        "bob": ("12", "needs manual grading"),
        "carol": ("0", "graded"),
        "dave": ("0", "invalid"),
        "erin": ("0", "missing"),
    }
    for sid, (score, status) in expected.items():
        assert rows[sid]["notebook"] == STEM
        assert (rows[sid]["score"], rows[sid]["max_score"], rows[sid]["status"]) == (
            score,
            "18",
            status,
        )
    assert "JSON" in rows["dave"]["message"]


def test_exercise_breakdown_cell_by_cell(graded):
    _, out, _ = graded
    rows = _rows(out / "exercises.csv")
    got = {
        (r["student_id"], r["grade_id"]): (float(r["score"]), float(r["max_score"]))
        for r in rows
        if r["grade_id"] in CELLS
    }
    written = {
        (r["student_id"], r["score"], r["message"]) for r in rows if r["grade_id"] not in CELLS
    }
    assert written == {
        ("alice", "", "needs manual grading"),
        ("bob", "", "needs manual grading"),
        ("carol", "0", ""),
    }
    for cell in CELLS:
        assert got["alice", cell] == (POINTS[cell], POINTS[cell])
        assert got["carol", cell] == (0, POINTS[cell])
        lost = cell in ("neuron_test", "output_size_test")
        assert got["bob", cell] == (0 if lost else POINTS[cell], POINTS[cell])
    assert not any(sid in ("dave", "erin") for sid, _ in got)


def test_feedback_for_every_student_without_hidden_tests(graded):
    _, out, _ = graded
    for sid in ["alice", "bob", "carol", "dave", "erin"]:
        assert (out / "feedback" / sid / f"{STEM}.html").is_file()
    bob = (out / "feedback" / "bob" / f"{STEM}.html").read_text(encoding="utf-8")
    assert "stride" not in bob or "BEGIN HIDDEN TESTS" not in bob
    assert "BEGIN HIDDEN TESTS" not in bob and "961, 541" not in bob
    assert "hidden tests ran here" in bob
    assert "not handed in" in (out / "feedback" / "erin" / f"{STEM}.html").read_text()


def test_a_zip_of_the_class_grades_the_same(klass, graded, tmp_path):
    _, out, _ = graded
    archive = tmp_path / "hand-ins.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(klass.rglob("*")):
            # An LMS wraps the class in one top-level folder.
            zf.write(path, Path("export") / path.relative_to(klass))
    out_zip = tmp_path / "out"
    assert (
        main(["autograde", str(archive), "--out", str(out_zip), "--notebooks", STEM, "--quiet"])
        == 0
    )
    assert _rows(out_zip / "grades.csv") == _rows(out / "grades.csv")


def test_bad_arguments_are_clear_errors(tmp_path, capsys):
    assert main(["autograde", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 2
    assert "neither a folder" in capsys.readouterr().err
