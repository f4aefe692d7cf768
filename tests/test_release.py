"""nbs/ is exactly what nbgrader generates from solutions/, and drift is detected."""

import json
import shutil

from autograde.release import authoring
from autograde.release.coursefolder import RELEASE_DIR, SOLUTIONS_DIR, course_stems
from autograde.release.generate import out_of_date, release


def test_nbs_is_in_sync_with_solutions():
    stems = course_stems()
    assert stems, "no solution notebooks found"
    assert out_of_date(stems) == []
    assert sorted(p.stem for p in RELEASE_DIR.glob("*.ipynb")) == stems


def test_solutions_are_stored_without_outputs():
    for path in SOLUTIONS_DIR.glob("*.ipynb"):
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell["outputs"] and cell["execution_count"] is None, path.name


def test_release_stubs_solutions_and_drops_hidden_tests(tmp_path):
    src = tmp_path / "solutions"
    src.mkdir()
    nb = authoring.notebook(
        [
            authoring.solution("answer", "x = 1\n### BEGIN SOLUTION\nx = 42\n### END SOLUTION"),
            authoring.tests(
                "answer_test",
                1,
                "assert x\n### BEGIN HIDDEN TESTS\nassert x == 42\n### END HIDDEN TESTS",
            ),
        ]
    )
    authoring.write(nb, src / "99_demo.ipynb")
    nbs = tmp_path / "nbs"
    release(["99_demo"], solutions=src, nbs=nbs)
    text = (nbs / "99_demo.ipynb").read_text()
    assert "NotImplementedError" in text and "x = 42" not in text and "x == 42" not in text
    assert out_of_date(["99_demo"], solutions=src, nbs=nbs) == []

    # Editing the solution makes the released copy stale; a stray notebook is reported too.
    nb.cells[0].source = nb.cells[0].source.replace("x = 1", "x = 2")
    authoring.write(nb, src / "99_demo.ipynb")
    shutil.copy(nbs / "99_demo.ipynb", nbs / "98_stray.ipynb")
    assert out_of_date(["99_demo"], solutions=src, nbs=nbs) == [
        "99_demo",
        "98_stray (no solution notebook)",
    ]


def test_authoring_refuses_ambiguous_cells():
    import pytest

    with pytest.raises(ValueError, match="BEGIN SOLUTION"):
        authoring.solution("a", "x = 1")
    with pytest.raises(ValueError, match="duplicate"):
        authoring.notebook([authoring.locked("a", "x = 1"), authoring.locked("a", "y = 2")])
    with pytest.raises(ValueError, match="points"):
        authoring.tests("a_test", 0, "assert True")


def test_the_shipped_known_mistakes_are_made_from_the_current_solutions(tmp_path):
    """`nn-course check` names mistakes from course/data/mistakes/: stamped with the SHA-256 of
    each notebook's solution and variants file, so an edit without a rebuild is caught."""
    from autograde.release.mistakes import mistakes_out_of_date
    from autograde.variants import variant_stems

    stems = course_stems()
    assert mistakes_out_of_date(stems) == []
    assert set(variant_stems()) <= set(stems)
    edited = tmp_path / "solutions"
    shutil.copytree(SOLUTIONS_DIR, edited)
    first = edited / f"{stems[0]}.ipynb"
    first.write_text(first.read_text(encoding="utf-8").replace("\n", "\n ", 1), encoding="utf-8")
    assert mistakes_out_of_date(stems, edited) == [stems[0]]


def _written(path):
    """grade id -> (points, text) of each written answer (a graded markdown solution cell)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    return {
        c["metadata"]["nbgrader"]["grade_id"]: (
            c["metadata"]["nbgrader"].get("points"),
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"],
        )
        for c in nb["cells"]
        if c["cell_type"] == "markdown"
        and c.get("metadata", {}).get("nbgrader", {}).get("grade")
        and c["metadata"]["nbgrader"].get("solution")
    }


def test_every_notebook_asks_for_a_written_answer_with_its_rubric_kept_from_students():
    for stem in course_stems():
        master = _written(SOLUTIONS_DIR / f"{stem}.ipynb")
        released = _written(RELEASE_DIR / f"{stem}.ipynb")
        assert master, f"{stem} asks for no written answer"
        assert set(released) == set(master), stem
        for grade_id, (points, text) in master.items():
            assert 0 < points <= 3, (stem, grade_id, points)
            assert "**Answer.**" in text and "**Rubric" in text, (stem, grade_id)
            assert released[grade_id] == (points, "YOUR ANSWER HERE"), (stem, grade_id)
        release_text = (RELEASE_DIR / f"{stem}.ipynb").read_text(encoding="utf-8")
        assert "**Rubric" not in release_text and "**Answer.**" not in release_text, stem


def test_each_notebook_states_its_points_as_its_cells_give_them():
    import re

    for stem in course_stems():
        nb = json.loads((SOLUTIONS_DIR / f"{stem}.ipynb").read_text(encoding="utf-8"))
        graded = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
        total = sum(float(c["metadata"]["nbgrader"]["points"]) for c in graded)
        written = sum(
            float(c["metadata"]["nbgrader"]["points"])
            for c in graded
            if c["cell_type"] == "markdown"
        )
        intro = "".join(nb["cells"][0]["source"])
        stated = re.search(
            r"\*\*Points: (\d+)\*\*: (\d+) autograded .*?\s+and (\d+)\s+for\s+(a\s+)?written",
            intro,
            re.S,
        )
        assert stated, f"{stem}: the introduction does not state its points"
        assert [float(g) for g in stated.group(1, 2, 3)] == [total, total - written, written], stem
