"""The feedback page's parts, quickly: maths to MathML, exercise names, clean outputs, and the
course's template rendered on a small graded notebook (no kernel, no nbgrader run).

The whole page, graded through the pipeline and read in Chromium offline, is in
``tests/test_feedback_page_browser.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from autograde.grading.feedback_page import (
    GRADING_TIME_MARK,
    FeedbackExporter,
    ReadableFeedback,
    clean_text,
    exercise_title,
    exporter_config,
    finish_page,
    math_to_mathml,
    without_grading_time,
)

ROOT = Path(__file__).resolve().parents[1]


def test_inline_and_display_maths_become_mathml_and_code_is_left_alone():
    html = (
        "<p>A $k \\times k$ kernel, <code>$HOME</code>, costs $5 and $6</p>"
        "<p>$$ n_{out} = \\frac{a &lt; b}{2} $$</p><pre>echo $PATH$</pre>"
    )
    out = math_to_mathml(html)
    assert out.count("<math") == 2
    assert 'display="inline"' in out and 'display="block"' in out
    assert "<code>$HOME</code>" in out and "<pre>echo $PATH$</pre>" in out
    assert "costs $5 and $6" in out  # prices are not maths
    assert "<mfrac>" in out and "&#x0003C;" in out  # the escaped < came back as an operator


def test_tex_the_converter_cannot_read_stays_as_written():
    out = math_to_mathml(r"<p>$\left( x$ and $x^2$</p>")
    assert '<code class="tex">$\\left( x$</code>' in out
    assert out.count("<math") == 1  # x^2 still converts


@pytest.mark.parametrize(
    ("heading", "grade_id", "solution", "title"),
    [
        ("1. Output size", "output_size_test", False, "1. Output size: test"),
        ("4. Layers", "conv2d_test_2", False, "4. Layers: test 2"),
        (
            "4. Activation layers",
            "activation_backward_test_relu",
            False,
            "4. Activation layers: test (relu)",
        ),
        ("2. The tanh net", "tanh_net_test_forward", False, "2. The tanh net: test (forward)"),
        ("1. A neuron", "neuron", True, "1. A neuron: your answer"),
        (None, "loose_test", False, "loose_test: test"),
    ],
)
def test_exercise_titles(heading, grade_id, solution, title):
    assert exercise_title(heading, grade_id, solution) == title


def test_warnings_and_the_graders_paths_leave_the_text():
    text = (
        "/srv/env/lib/python3.11/site-packages/torch/x.py:12: FutureWarning: old\n"
        "  return thing\n"
        "real output\n"
        'File "/opt/venv/lib/python3.11/site-packages/course/checks.py", line 3\n'
        "/home/me/nn-course/course/saliency.py:4: UserWarning: later\n"
    )
    out = clean_text(text, prefixes=["/home/me/nn-course/"])
    assert "Warning" not in out and "return thing" not in out
    assert "real output" in out
    assert 'File "course/checks.py", line 3' in out
    assert "/srv" not in out and "/opt" not in out and "/home/me" not in out


def _cell(kind: str, source: str, **nbgrader) -> nbformat.NotebookNode:
    cell = (
        nbformat.v4.new_code_cell(source)
        if kind == "code"
        else nbformat.v4.new_markdown_cell(source)
    )
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, "locked": False, **nbgrader}
    return cell


def graded_notebook() -> nbformat.NotebookNode:
    """A small autograded notebook as GetGrades leaves it (scores in the cell metadata)."""
    answer = _cell(
        "code", "def double(x):\n    return x + 2", grade_id="double", solution=True, grade=False
    )
    answer.outputs = [
        nbformat.v4.new_output(
            "stream",
            name="stderr",
            text="/usr/lib/python3/site-packages/torch/a.py:1: FutureWarning: gone\n  x = 1\n",
        )
    ]
    test = _cell(
        "code",
        "assert double(2) == 4",
        grade_id="double_test",
        grade=True,
        solution=False,
        points=2,
        score=0.0,
    )
    test.outputs = [
        nbformat.v4.new_output(
            "error",
            ename="CheckFailed",
            evalue="double(2): wrong value",
            traceback=[
                "Traceback ...",
                'File "/srv/venv/lib/site-packages/course/checks.py"',
                "CheckFailed: double(2): wrong value",
            ],
        )
    ]
    ok = _cell(
        "code",
        "assert True",
        grade_id="other_test",
        grade=True,
        solution=False,
        points=1,
        score=1.0,
    )
    nb = nbformat.v4.new_notebook(
        cells=[
            _cell(
                "markdown",
                "# Tiny\n\n## 1. Doubling $2x$\n\nWrite $f(x) = 2x$:\n\n$$ f(x) = x + x $$",
            ),
            answer,
            test,
            _cell("markdown", "## 2. Something else"),
            ok,
        ]
    )
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_readable_feedback_names_exercises_and_cleans_outputs():
    nb, _ = ReadableFeedback().preprocess(graded_notebook(), {})
    titles = {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nn_course"]["exercise"]
        for c in nb.cells
        if "nn_course" in c.metadata
    }
    assert titles == {
        "double": "1. Doubling 2x: your answer",
        "double_test": "1. Doubling 2x: test",
        "other_test": "2. Something else: test",
    }
    assert nb.cells[1].outputs == []  # only a warning was there
    assert nb.cells[2].metadata["nn_course"]["message"] == "CheckFailed: double(2): wrong value"
    assert "/srv" not in "".join(nb.cells[2].outputs[0].traceback)
    assert "widgets" not in nb.metadata


def render(nb: nbformat.NotebookNode) -> str:
    import nbgrader

    c = Config()
    exporter_config(c)
    css = (
        Path(nbgrader.__file__).parent
        / "server_extensions/formgrader/static/node_modules/bootstrap/dist/css"
    )
    c.HTMLExporter.extra_template_paths = [str(css)]
    nb, _ = ReadableFeedback().preprocess(nb, {})
    resources = {
        "nbgrader": {
            "student": "ann",
            "notebook": "01_tiny",
            "score": 1.0,
            "max_score": 3.0,
            "late_penalty": 0,
        }
    }
    page, _ = FeedbackExporter(config=c).from_notebook_node(nb, resources=resources)
    return page


def test_the_page_puts_student_score_and_named_exercises_on_top_and_loads_nothing(tmp_path):
    page = render(graded_notebook())
    top = page[: page.index('id="notebook"')]
    assert 'id="nn-student">ann<' in top and 'id="nn-score">1.0 / 3.0<' in top
    assert "1. Doubling" in top and "2. Something else: test" in top and "Test cell" not in page
    assert "CheckFailed: double(2): wrong value" in top  # the failure's message, first
    assert "<script" not in page and "mathjax" not in page.lower()
    assert not re.search(r"""(src|href)=["']https?:""", page)
    assert page.count("<math") >= 3 and "$$" not in page
    assert '<details class="nn-traceback">' in page  # a traceback of 3 lines, folded
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    assert GRADING_TIME_MARK in page
    other = tmp_path / "again.html"
    other.write_text(page, encoding="utf-8")
    finish_page(path, 4.25)
    finish_page(other, 9.5)
    assert "graded in 4.2 s" in path.read_text(encoding="utf-8")
    assert path.read_bytes() != other.read_bytes()
    assert without_grading_time(path.read_bytes()) == without_grading_time(other.read_bytes())


def test_every_image_on_the_page_has_a_text_alternative():
    """A plot, and a student's own markdown image, each get one (the exporter skips nbconvert's
    BeautifulSoup pass, which added it); an image with its own keeps it."""
    nb = graded_notebook()
    png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
    nb.cells[1].outputs.append(nbformat.v4.new_output("display_data", data={"image/png": png}))
    nb.cells.append(
        nbformat.v4.new_markdown_cell('<IMG src="data:,"> and <img alt="mine" src="data:,">')
    )
    page = render(nb)
    images = re.findall(r"<img\b[^>]*>", page, flags=re.I)
    assert len(images) == 3, images
    assert all(re.search(r"\balt=", tag) for tag in images), images
    assert 'alt="mine"' in page


@pytest.mark.parametrize(
    "notebook", sorted((ROOT / "solutions").glob("*.ipynb")), ids=lambda p: p.stem
)
def test_every_formula_of_the_course_is_drawn_on_a_feedback_page(notebook):
    """Each markdown cell, rendered as nbconvert renders it, keeps no TeX: every $...$ became
    MathML (a formula the converter cannot read would show as code and fail here)."""
    from nbconvert.filters.markdown import markdown2html

    for index, cell in enumerate(nbformat.read(str(notebook), as_version=4).cells):
        if cell.cell_type != "markdown":
            continue
        page = math_to_mathml(markdown2html(cell.source))
        prose = re.sub(r"<(pre|code)\b.*?</\1>", "", page, flags=re.S)
        left = re.findall(r"\$[^$<>\n]{1,60}\$", prose) + re.findall(
            r'<code class="tex">.*?</code>', page
        )
        assert not left, f"{notebook.stem} cell {index}: TeX left as text: {left[:3]}"
