"""A student's feedback page as they get it: notebook 04 graded through the pipeline (a flipped
conv1d kernel and a solution cell that raises), opened in Chromium with every request outside
the page refused, read, and saved as screenshots in the test's folder."""

from __future__ import annotations

import csv
import sys

import nbformat
import pytest
from jupyterlab_browser import offline_page

from autograde import course_root
from autograde.grading.pipeline import grade_class
from autograde.grading.results import GradingSettings
from autograde.variants import load, substitute
from tests.hostile.builders import perfect, write_notebook

pytestmark = [pytest.mark.slow, pytest.mark.browser]
STEM = "04_convolution"
RAISES = "import numpy as np\n\nnp.zeros((2, 2)).reshape(3)  # an error in the answer cell itself\n"


def _graded_cells(stem: str) -> tuple[list[str], list[str]]:
    """The grade ids of the notebook's graded test cells and of its written answers (one
    table-of-contents entry each)."""
    nb = nbformat.read(course_root() / "solutions" / f"{stem}.ipynb", as_version=4)
    grading = [(c.cell_type, c.get("metadata", {}).get("nbgrader", {})) for c in nb.cells]
    tests = sorted(g["grade_id"] for _, g in grading if g.get("grade") and not g.get("solution"))
    written = sorted(g["grade_id"] for kind, g in grading if kind == "markdown" and g.get("grade"))
    return tests, written


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback-page")
    wrong, _ = load(STEM)
    nb = substitute(
        perfect(STEM),
        {"conv1d": wrong["conv1d"]["true convolution (kernel flipped)"], "max_pool2d": RAISES},
    )
    write_notebook(nbformat.from_dict(nb), root / "class" / "ann" / f"{STEM}.ipynb")
    out = root / "out"
    grade_class(
        root / "class",
        out,
        stems=[STEM],
        settings=GradingSettings(cell_timeout=120),
        progress=False,
    )
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    return out / "feedback" / "ann" / f"{STEM}.html", row


def test_the_page_reads_well_offline(graded, tmp_path):
    page_path, row = graded
    with offline_page({"width": 1100, "height": 1000}) as (page, left):
        page.goto(page_path.as_uri())
        page.wait_for_load_state("load")
        page.screenshot(path=str(tmp_path / "top.png"))
        summary = {k: page.inner_text(f"#nn-{k}") for k in ("student", "notebook", "score", "time")}
        toc = page.eval_on_selector_all(
            "#toc li[data-grade-id]",
            "els => els.map(e => [e.dataset.gradeId, e.className, e.innerText])",
        )
        text = page.inner_text("body")
        maths = page.eval_on_selector_all(
            "math", "els => els.map(e => e.getBoundingClientRect().width)"
        )
        tex_left = page.eval_on_selector_all(
            ".text_cell_render",
            "els => els.filter(e => /\\$[^$]+\\$/.test(e.innerText)).length",
        )
        folded = page.eval_on_selector_all("details.nn-traceback", "els => els.map(e => e.open)")
        page.goto(page_path.as_uri() + "#conv1d_test")
        page.screenshot(path=str(tmp_path / "failed-test.png"))
        page.click("details.nn-traceback summary")
        page.screenshot(path=str(tmp_path / "traceback-open.png"))
    print(f"screenshots: {tmp_path}", file=sys.stderr)

    assert left == [], f"the page asked the network for {left}"
    assert summary["student"] == "ann" and summary["notebook"] == STEM
    assert summary["score"] == f"{float(row['score'])} / {float(row['max_score'])}"
    assert row["status"] == "needs manual grading"
    assert summary["time"].startswith("graded in ") and summary["time"].endswith(" s")
    names = {gid: (cls, label) for gid, cls, label in toc}
    tests, written = _graded_cells(STEM)
    assert "Test cell" not in text and sorted(names) == sorted(tests + written)
    for grade_id in written:  # the solution's master answer waits for a person, not a 0
        assert names[grade_id][0] == "pending" and "needs manual grading" in names[grade_id][1]
    assert (
        names["conv1d_test"][0] == "failed"
        and "One-dimensional convolution" in names["conv1d_test"][1]
    )
    assert "no flipping" in names["conv1d_test"][1]  # the check's message, next to its name
    assert names["output_size_test"][0] == "passed"
    assert len(maths) > 20 and all(w > 0 for w in maths), "maths must be drawn, not left as TeX"
    assert tex_left == 0
    assert folded and not any(folded), "tracebacks start folded"
    assert "ValueError: cannot reshape" in text  # the message itself is shown
    for leak in ("Warning:", "site-packages", str(course_root()), sys.prefix):
        assert leak not in text, f"{leak!r} on the student's page"
