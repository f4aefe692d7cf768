"""``nn-course check NOTEBOOK``: the student's self-check table."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_output
from tinycourse import STEM, release_copy, write_course

from autograde.cli import main
from autograde.grading.selfcheck import summarise
from autograde.release import authoring as a
from autograde.release.coursefolder import RELEASE_DIR, SOLUTIONS_DIR


def _error(ename: str, evalue: str):
    return new_output("error", ename=ename, evalue=evalue, traceback=[])


def test_summary_reads_each_exercise_from_its_test_cells():
    nb = a.notebook(
        [
            a.solution("f", "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"),
            a.tests("f_test", 2, "assert f() == 1"),
            a.solution("g", "def g():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"),
            a.tests("g_test_values", 1, "assert g() == 2"),
            a.tests("g_test_shape", 2, "assert g()"),
            a.solution("h", "def h():\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION"),
            a.tests("h_test", 3, "h()"),
            a.solution("k", "def k():\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION"),
            a.tests("k_test", 1, "k()"),
        ]
    )
    nb.cells[3].outputs = [_error("CheckFailed", "g(): wrong value for case 2\nmore")]
    nb.cells[6].outputs = [_error("NotImplementedError", "")]
    nb.cells[8].outputs = [new_output("stream", name="stderr", text="UserWarning: careful")]
    got = {ex.name: ex for ex in summarise(nb)}
    assert list(got) == ["f", "g", "h", "k"]
    assert (got["f"].status, got["f"].points) == ("passed", 2)
    assert (got["g"].status, got["g"].points, got["g"].earned) == ("failed", 3, 2)
    assert "g_test_values" in got["g"].why and "case 2" in got["g"].why
    assert "more" not in got["g"].why  # first line of the message only
    assert got["h"].status == "not done"
    assert got["k"].status == "failed" and "stderr" in got["k"].why


def test_tiny_solution_passes_and_its_release_is_not_done(tmp_path, capsys):
    solutions = write_course(tmp_path)
    assert main(["check", str(solutions / f"{STEM}.ipynb"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "double" in out and "passed" in out and "5 of 5 points" in out
    released = release_copy(solutions, tmp_path / "nbs" / f"{STEM}.ipynb")
    before = released.read_bytes()
    assert main(["check", str(released), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert out.count("not done") == 2 and "0 of 5 points" in out
    assert released.read_bytes() == before  # the student's file is not touched


def test_written_answers_are_listed_never_promised(tmp_path, capsys):
    solutions = write_course(tmp_path, written=True)
    released = release_copy(solutions, tmp_path / "nbs" / f"{STEM}.ipynb")
    assert main(["check", str(released), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "0 of 5 points" in out  # the written answer's 2 points are not in the tests' total
    assert "written answers: 0 of 1 answered, worth 2 more points" in out
    assert "not answered yet" in out
    assert main(["check", str(solutions / f"{STEM}.ipynb"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "5 of 5 points" in out and "1 of 1 answered" in out


def test_not_a_notebook_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "01_x.ipynb"
    bad.write_text("{ nope")
    assert main(["check", str(bad), "--quiet"]) == 2
    assert "not valid notebook JSON" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize(
    ("folder", "code", "marker"), [(SOLUTIONS_DIR, 0, "passed"), (RELEASE_DIR, 1, "not done")]
)
def test_course_notebook_01(folder, code, marker, capsys):
    path = folder / "01_neurons.ipynb"
    total = sum(
        float(c.metadata["nbgrader"]["points"])
        for c in nbformat.read(str(path), as_version=4).cells
        if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
    )
    assert main(["check", str(path), "--quiet"]) == code
    out = capsys.readouterr().out
    assert marker in out and f"{total:g}  tests passed" in out
    assert "written answers:" in out and "graded by a person" in out


def test_the_table_says_how_many_points_hidden_tests_also_guard():
    from autograde.commands.check import table
    from autograde.grading.selfcheck import Exercise, TestCell

    exercises = [
        Exercise("f", tests=[TestCell("f_test", 2, True, hidden=True)]),
        Exercise("g", tests=[TestCell("g_test", 3, True)]),
    ]
    out = table(exercises)
    assert "5 of 5 points" in out
    long = table(
        [Exercise("data_randomisation_questions", tests=[TestCell("t", 2, True)])] + exercises
    )
    rows = [line for line in long.splitlines() if line.split()[1:2] == ["passed"]]
    columns = {line.index(" passed") for line in rows}
    assert len(rows) == 3
    assert len(columns) == 1  # a long exercise name widens the column instead of shifting rows
    assert "more cases to 1 of these exercises (2 of the 5 points" in out


@pytest.mark.slow
@pytest.mark.parametrize(
    ("wrong", "named"),
    [
        ("x[i : i + m] @ w[::-1]", "true convolution (kernel flipped)"),  # written another way
        ("2 * (x[i : i + m] @ w)", None),  # a mistake no variant has: no name, never a wrong one
    ],
)
def test_the_students_check_catches_conv1d_mistakes_and_names_the_known_one(
    tmp_path, capsys, wrong, named
):
    from tests.hostile.builders import perfect

    nb = perfect("04_convolution")
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "conv1d")
    assert "x[i : i + m] @ w" in cell.source
    cell.source = cell.source.replace("x[i : i + m] @ w", wrong)
    path = tmp_path / "04_convolution.ipynb"
    nbformat.write(nb, str(path))
    assert main(["check", str(path), "--quiet"]) == 1
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("conv1d "))
    assert "failed" in row
    mistakes = [line for line in out.splitlines() if "looks like a known mistake" in line]
    if named:
        assert "asymmetric" in row
        assert len(mistakes) == 1 and named in mistakes[0]
    else:
        assert mistakes == []
    assert "hidden tests: the grader adds more cases" in out
