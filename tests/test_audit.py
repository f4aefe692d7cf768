"""``nn-course audit``: the logic on a tiny notebook, and every course notebook at 100%."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from tinycourse import STEM, write_course

from autograde.audit import (
    Trial,
    Variant,
    exercise_dependencies,
    grading_cells,
    judge,
    load_variants,
    plan_right,
    plan_wrong,
    run_audit,
    solution_ids,
    substitute,
    variant_stems,
)
from autograde.grading.results import CellGrade
from autograde.release.coursefolder import SOLUTIONS_DIR


@pytest.fixture
def tiny(tmp_path):
    solutions = write_course(tmp_path)
    nb = json.loads((solutions / f"{STEM}.ipynb").read_text())
    return tmp_path, nb, load_variants(STEM, tmp_path / "variants")


def _row(score, max_score, cells, status="graded", message=""):
    cells = [CellGrade(g, s, m) for g, (s, m) in cells.items()]
    return SimpleNamespace(
        score=score, max_score=max_score, cells=cells, status=status, message=message
    )


# ----------------------------------------------------------------------------- fast: logic


def test_variants_are_read_in_file_order(tiny):
    _, _, variants = tiny
    assert [(v.grade_id, v.kind, v.label) for v in variants][:3] == [
        ("double", "wrong", "adds two"),
        ("double", "wrong", "squares"),
        ("quadruple", "wrong", "triples"),
    ]
    assert sum(v.kind == "right" for v in variants) == 3


def test_a_variants_file_naming_an_unknown_cell_is_a_problem(tiny):
    root, _, _ = tiny
    (root / "variants" / f"{STEM}.py").write_text(
        "WRONG = {'tripple': {'x': 'def tripple(x):\\n    return x'}}\nRIGHT = {}\n"
    )
    report = run_audit(solutions=root / "solutions", variants_dir=root / "variants")
    assert not report.ok and "tripple" in report.problems[0]


def test_substitute_replaces_only_the_named_solution_cell(tiny):
    _, nb, variants = tiny
    wrong = variants[0]
    out = substitute(nb, [wrong])
    sources = {
        c["metadata"].get("nbgrader", {}).get("grade_id"): "".join(c["source"])
        for c in out["cells"]
    }
    assert sources["double"] == wrong.source.strip("\n")
    assert "double(double(x))" in sources["quadruple"]
    assert "BEGIN SOLUTION" in "".join(
        "".join(c["source"])
        for c in nb["cells"]
        if c["metadata"].get("nbgrader", {}).get("solution")
    )  # the original is untouched
    with pytest.raises(ValueError, match="no solution cell"):
        substitute(nb, [Variant(STEM, "double_test", "wrong", "x", "pass")])


def test_test_cells_are_found_by_grade_id(tiny):
    _, nb, _ = tiny
    assert solution_ids(nb) == ["double", "quadruple"]
    assert grading_cells(nb, "double") == ["double_test"]
    assert grading_cells(nb, "quad") == []


def test_dependencies_follow_names_not_cell_order(tiny):
    _, nb, variants = tiny
    assert exercise_dependencies(nb, variants) == {"double": set(), "quadruple": {"double"}}


def test_independent_exercises_share_a_batch_dependent_ones_never(tiny):
    _, nb, variants = tiny
    deps = exercise_dependencies(nb, variants)
    wrong = plan_wrong(variants, deps, solution_ids(nb))
    assert all(len({v.grade_id for v in t.variants}) == len(t.variants) for t in wrong)
    assert all(len(t.variants) == 1 for t in wrong)  # quadruple calls double
    assert sorted(v.label for t in wrong for v in t.variants) == sorted(
        v.label for v in variants if v.kind == "wrong"
    )
    together = plan_wrong(variants, {"double": set(), "quadruple": set()}, solution_ids(nb))
    assert [len(t.variants) for t in together] == [2, 2]
    right = plan_right(variants)
    assert [[v.label for v in t.variants] for t in right] == [
        ["adds x to itself", "multiplies"],
        ["a loop"],
    ]


def test_judge_wrong_caught_only_by_its_own_tests(tiny):
    _, nb, variants = tiny
    w_double, w_quad = variants[0], variants[2]
    trial = Trial(STEM, (w_double, w_quad))
    row = _row(3, 5, {"double_test": (0, 2), "quadruple_test": (3, 3)})
    verdicts, trusted = judge(trial, row, nb)
    assert verdicts[w_double][0] and not verdicts[w_quad][0] and trusted
    assert "quadruple_test" in verdicts[w_quad][1]


def test_judge_requires_the_course_variants_to_be_named_as_themselves(tiny):
    _, nb, variants = tiny
    wrong = variants[0]
    unnamed = _row(3, 5, {"double_test": (0, 2), "quadruple_test": (3, 3)})
    assert judge(Trial(STEM, (wrong,)), unnamed, nb)[0][wrong][0]  # caught is enough here
    ok, detail = judge(Trial(STEM, (wrong,)), unnamed, nb, require_names=True)[0][wrong]
    assert not ok and "does not name it" in detail
    named = _row(3, 5, {"double_test": (0, 2), "quadruple_test": (3, 3)})
    named.cells[0].misconception = wrong.label
    ok, detail = judge(Trial(STEM, (wrong,)), named, nb, require_names=True)[0][wrong]
    assert ok and detail.endswith("named as itself")


def test_judge_distrusts_a_batch_that_hurt_an_exercise_it_left_alone(tiny):
    _, nb, variants = tiny
    trial = Trial(STEM, (variants[0],))
    row = _row(0, 5, {"double_test": (0, 2), "quadruple_test": (0, 3)})
    _, trusted = judge(trial, row, nb)
    assert trusted  # a single variant is judged on its own tests
    two = Trial(STEM, (variants[0], Variant(STEM, "zzz", "wrong", "x", "")))
    _, trusted = judge(two, row, nb)
    assert not trusted  # quadruple lost points with no variant of its own
    _, trusted = judge(Trial(STEM, (variants[0], variants[2])), _row(0, 5, {}, "error"), nb)
    assert not trusted


def test_judge_right_needs_the_whole_notebook_at_full_marks(tiny):
    _, nb, variants = tiny
    right = [v for v in variants if v.kind == "right"][0]
    ok, _ = judge(Trial(STEM, (right,)), _row(5, 5, {}), nb)[0][right]
    bad, detail = judge(Trial(STEM, (right,)), _row(3, 5, {"double_test": (0, 2)}), nb)[0][right]
    assert ok and not bad and "double_test" in detail


# ------------------------------------------------------------- slow: through the pipeline


@pytest.mark.slow
def test_audit_finds_a_weak_test_and_a_wrong_right_answer(tiny):
    """Planted failures are reported (after the failed batch is split), the rest pass."""
    root, _, _ = tiny
    text = (root / "variants" / f"{STEM}.py").read_text()
    wrong = "{'double': {'adds two': 'def double(x):\\n    return x + 2\\n', "
    wrong += "'squares': 'def double(x):\\n    return x * x\\n', "
    wrong += "'secretly right': 'def double(x):\\n    return x * 2\\n'}}"
    right = "{'double': {'adds x to itself': 'def double(x):\\n    return x + x\\n', "
    right += "'secretly wrong': 'def double(x):\\n    return x + 2\\n'}, "
    right += "'quadruple': {'multiplies': 'def quadruple(x):\\n    return 4 * x\\n'}}"
    assert text.startswith("WRONG = ")
    (root / "variants" / f"{STEM}.py").write_text(f"WRONG = {wrong}\nRIGHT = {right}\n")
    report = run_audit(
        solutions=root / "solutions",
        variants_dir=root / "variants",
        workers=2,
        cell_timeout=60,
        progress=False,
    )
    failed = {(v.variant.kind, v.variant.label) for v in report.verdicts if not v.ok}
    assert failed == {("wrong", "secretly right"), ("right", "secretly wrong")}
    assert not report.ok
    by_label = {v.variant.label: v for v in report.verdicts}
    assert by_label["multiplies"].ok  # accepted once split from the failing batch
    assert "NOT CAUGHT" in report.table() and "NOT ACCEPTED" in report.table()


@pytest.mark.slow
def test_audit_refuses_success_when_the_solution_itself_loses_points(tiny):
    """A broken solution makes every catch meaningless: the audit says so and is not ok."""
    root, nb, _ = tiny
    path = root / "solutions" / f"{STEM}.ipynb"
    path.write_text(json.dumps(nb).replace("return 2 * x", "return 2 * x + 1"), encoding="utf-8")
    report = run_audit(
        solutions=root / "solutions",
        variants_dir=root / "variants",
        cell_timeout=60,
        progress=False,
    )
    assert not report.ok
    assert any("the solution notebook itself scores 0/5" in p for p in report.problems), (
        report.problems
    )
    assert not report.verdicts  # nothing concluded from the variants


AUDITED = [s for s in variant_stems() if (SOLUTIONS_DIR / f"{s}.ipynb").is_file()]


@pytest.mark.slow
@pytest.mark.timeout(1800)  # notebook 06 takes ~5 min here; room for a machine 3x slower
@pytest.mark.parametrize("stem", AUDITED)
def test_every_known_answer_of_the_notebook_is_judged_right(stem):
    """One audit per notebook, in grading processes of its own: a slow or stuck notebook costs
    its own test only."""
    report = run_audit([stem], workers=2, progress=False)
    assert not report.problems, report.problems
    assert report.verdicts, f"{stem}: nothing was audited"
    failed = [
        f"{v.variant.grade_id} {v.variant.kind} {v.variant.label!r}: {v.detail}"
        for v in report.verdicts
        if not v.ok
    ]
    assert not failed, "\n" + "\n".join(failed)
