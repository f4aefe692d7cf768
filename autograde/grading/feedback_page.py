"""A feedback page a student wants to read (what :mod:`autograde.grading.feedback` leaves).

nbgrader's feedback page is the autograded notebook as HTML. This module makes it readable:

- :class:`ReadableFeedback` (an nbgrader preprocessor) names every graded cell after its
  exercise (the notebook's heading above it: ``2. One-dimensional convolution``) for the
  headings and the contents, takes Python warnings out of the outputs, and writes paths of
  the grader's machine (``/srv/venv/lib/python3.11/site-packages/course/checks.py``) as the
  student knows them (``course/checks.py``);
- the template ``templates/nn_feedback`` puts the student, the notebook, the score and the
  grading time on top, lists the exercises with their points, shows an error's message first
  and folds its traceback, wraps long lines, and loads nothing (no MathJax from a CDN);
- :func:`math_to_mathml`, a template filter, turns ``$...$`` and ``$$...$$`` of the notebook's
  text into MathML, which browsers draw without a script or a network;
- :func:`finish_page` writes the grading time into the page once it is known.
"""

from __future__ import annotations

import html
import re
import site
import sys
from pathlib import Path

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbgrader.preprocessors import NbGraderPreprocessor

from autograde import course_root
from autograde.grading.feedback import ANSI
from autograde.grading.results import split_test_id

TEMPLATES = Path(__file__).resolve().parent / "templates"
TEMPLATE_NAME = "nn_feedback"
GRADING_TIME_MARK = "<!--nn-course:grading-time-->"

HEADING = re.compile(r"^#{1,4}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
#: ``file.py:12: FutureWarning: message`` and the indented source line Python prints under it.
WARNING_LINES = re.compile(r"^[^\n]*:\d+: \w*Warning: [^\n]*\n(?:[ \t]+[^\n]*\n?)?", re.M)


# --------------------------------------------------------------------------- exercise names


def exercise_title(heading: str | None, grade_id: str, solution: bool) -> str:
    """The name a graded cell goes by on the page: its exercise's heading, and which part.

    ``("4. Activation layers, backward", "activation_backward_test_relu")`` ->
    ``"4. Activation layers, backward: test (relu)"``; a solution cell is ``"...: your answer"``.
    """
    name = heading or grade_id
    if solution:
        return f"{name}: your answer"
    part = split_test_id(grade_id)[1]
    if not part:
        return f"{name}: test"
    return f"{name}: test {part}" if part.isdigit() else f"{name}: test ({part.replace('_', ' ')})"


def _plain_heading(markdown: str) -> str:
    """A markdown heading's text without markup (``**``, backticks, links, ``$`` of maths)."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\$([^$]*)\$", r"\1", text)
    return re.sub(r"[*_`]+", "", text).strip()


# --------------------------------------------------------------------------- outputs


def machine_prefixes() -> list[str]:
    """Folders of the grader's machine that a student's page should not show, longest first:
    site-packages (where ``course`` and the libraries live), the course checkout, Python's."""
    prefixes = {p for p in site.getsitepackages() + [site.getusersitepackages()] if p}
    prefixes |= {str(course_root()), sys.prefix, sys.base_prefix, str(Path(sys.executable).parent)}
    return sorted((p.rstrip("/") + "/" for p in prefixes if len(p) > 1), key=len, reverse=True)


#: Any other absolute path into a Python environment (a kernel's own, a worker's elsewhere).
SITE_PACKAGES_PATH = re.compile(r"/(?:[^\s'\"():]+/)*(?:site|dist)-packages/")


def clean_text(text: str, prefixes: list[str] | None = None) -> str:
    """``text`` without Python warnings, and with the grader's paths made relative."""
    if not text:
        return text
    text = WARNING_LINES.sub("", text)
    for prefix in machine_prefixes() if prefixes is None else prefixes:
        text = text.replace(prefix, "")
    return SITE_PACKAGES_PATH.sub("", text)


def _clean_output(output, prefixes: list[str]) -> bool:
    """Clean one output in place; False when nothing is left of it."""
    kind = output.get("output_type")
    if kind == "stream":
        text = output.get("text", "")
        output["text"] = clean_text("".join(text) if isinstance(text, list) else text, prefixes)
        return bool(output["text"].strip())
    if kind == "error":
        output["evalue"] = clean_text(str(output.get("evalue", "")), prefixes)
        output["traceback"] = [clean_text(str(t), prefixes) for t in output.get("traceback", [])]
    elif kind in ("display_data", "execute_result") and "text/plain" in output.get("data", {}):
        plain = output["data"]["text/plain"]
        output["data"]["text/plain"] = clean_text(
            "".join(plain) if isinstance(plain, list) else plain, prefixes
        )
    return True


def first_error_line(cell) -> str:
    """``ename: evalue``'s first line of a code cell's first error ("" when it ran cleanly);
    ``cell`` a notebook node or the plain dict of a notebook read as JSON."""
    for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
        if output.get("output_type") == "error":
            text = ANSI.sub("", f"{output.get('ename', 'Error')}: {output.get('evalue', '')}")
            return text.strip().splitlines()[0][:300] if text.strip() else ""
    return ""


class ReadableFeedback(NbGraderPreprocessor):
    """Exercise names on graded cells (``metadata.nn_course.exercise``); outputs without
    warnings or the grader's paths. Runs after :class:`~autograde.grading.feedback.RedactHiddenTests`.
    """

    def preprocess(self, nb, resources):
        prefixes = machine_prefixes()
        waiting = pending_grades(resources)
        nb.metadata.pop("widgets", None)  # saved widget state: a <script> block, and no use here
        heading = None
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                found = HEADING.findall(cell.source)
                if found:
                    heading = _plain_heading(found[-1])
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.get("outputs", []) if _clean_output(o, prefixes)]
            if meta.get("grade") or meta.get("solution"):
                title = exercise_title(heading, str(meta.get("grade_id", "")), meta.get("solution"))
                page = cell.metadata.setdefault("nn_course", {})
                page["exercise"] = title
                page["message"] = first_error_line(cell)
                page["pending"] = meta.get("grade_id") in waiting
        return nb, resources


def pending_grades(resources) -> set[str]:
    """Grade ids of the written answers in this feedback's gradebook that no person has graded
    (no automatic and no manual score: nbgrader's ``score`` reads 0 for them, which the page
    must not show as a mark)."""
    info = resources.get("nbgrader", {}) if isinstance(resources, dict) else {}
    if not info.get("db_url"):
        return set()
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(info["db_url"]) as gb:
        try:
            nb = gb.find_submission_notebook(info["notebook"], info["assignment"], info["student"])
        except MissingEntry:
            return set()
        return {g.name for g in nb.grades if g.auto_score is None and g.manual_score is None}


# --------------------------------------------------------------------------- maths


#: Code (kept as it is), display maths ``$$...$$``, inline maths ``$...$`` (not ``$5 and $6``);
#: maths never holds a tag (its ``<`` is ``&lt;`` in rendered HTML).
MATH = re.compile(
    r"(<(pre|code)\b.*?</\2>)"
    r"|\$\$([^$<>]+?)\$\$"
    r"|(?<![\\$])\$(?!\s)([^$\n<>]+?)(?<![\s\\])\$(?!\d)",
    re.S | re.I,
)


def _tex_to_mathml(tex: str, display: bool) -> str:
    from latex2mathml.converter import convert

    try:
        return convert(tex, display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - TeX the converter does not know stays as it was written
        fence = "$$" if display else "$"
        return f'<code class="tex">{fence}{html.escape(tex)}{fence}</code>'


def _replace_math(match: re.Match) -> str:
    if match.group(1):
        return match.group(1)
    display = match.group(3) is not None
    return _tex_to_mathml(html.unescape(match.group(3) if display else match.group(4)), display)


def math_to_mathml(rendered: str) -> str:
    """HTML of a markdown cell with its ``$...$`` / ``$$...$$`` maths as MathML (code kept)."""
    return MATH.sub(_replace_math, rendered)


# --------------------------------------------------------------------------- the page


#: An image without a text alternative (nbconvert gives each the same one).
IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)", re.I)
NO_ALT = '<img alt="No description has been provided for this image"'


class FeedbackExporter(HTMLExporter):
    """nbconvert's HTML exporter, less its BeautifulSoup pass over the written page, with its
    templates compiled once per machine.

    That pass gives images without one an ``alt`` text and marks JupyterLab's input and
    output areas focusable; on this (classic) template only the first applies, which a regular
    expression does here. Parsing and re-serialising the whole page cost about 0.5 s of CPU
    per hand-in, a sixth of what grading adds to running a notebook; compiling the page's nine
    templates for every hand-in cost another 0.2 s, which Jinja's bytecode cache (in the
    user's own private folder under the temporary directory, checked against each template's
    source) saves.
    """

    def _create_environment(self):  # noqa: ANN202 - nbconvert's
        from jinja2 import FileSystemBytecodeCache

        environment = super()._create_environment()
        try:
            environment.bytecode_cache = FileSystemBytecodeCache()
        except (OSError, RuntimeError):  # no private folder to be had: compile every time
            pass
        return environment

    def from_notebook_node(self, nb, resources=None, **kw):  # noqa: ANN001 - nbconvert's
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        resources = self._init_resources(resources)
        data_type = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("highlight_code", highlight)
        self.register_filter("filter_data_type", data_type)
        page, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return IMG_WITHOUT_ALT.sub(NO_ALT, page), resources


def exporter_config(c) -> None:
    """Point nbgrader's feedback exporter at the course's template and filter (config ``c``)."""
    import nbgrader

    c.GenerateFeedback.exporter_class = FeedbackExporter
    nbgrader_templates = Path(nbgrader.__file__).parent / "server_extensions/formgrader/templates"
    c.HTMLExporter.template_name = TEMPLATE_NAME
    c.HTMLExporter.extra_template_basedirs = [str(TEMPLATES), str(nbgrader_templates)]
    c.HTMLExporter.filters = {"mathml": "autograde.grading.feedback_page.math_to_mathml"}


#: The one element of a page that records the run (how long grading took), not a result.
GRADING_TIME = re.compile(rb'<dd id="nn-time">[^<]*</dd>')


def without_grading_time(page: bytes) -> bytes:
    """A written page with its grading time blanked: two runs that graded the same hand-in the
    same way give the same bytes (what the tests and the grading benchmark compare)."""
    return GRADING_TIME.sub(b'<dd id="nn-time"></dd>', page)


def finish_page(html_path: Path, seconds: float | None) -> None:
    """Write the grading time into a written page (where the template left its mark)."""
    path = Path(html_path)
    page = path.read_text(encoding="utf-8")
    shown = f"graded in {seconds:.1f} s" if seconds is not None else ""
    path.write_text(page.replace(GRADING_TIME_MARK, html.escape(shown)), encoding="utf-8")
