"""Feedback that says what failed without handing out the hidden tests.

nbgrader's feedback shows the autograded notebook as it ran: hidden tests in full, and
tracebacks whose code context quotes the expected values. :class:`RedactHiddenTests` keeps
each failure's message (the course's checkers name the case and what was wrong, never the
answer) and replaces the hidden code and the tracebacks of graded test cells; it also removes,
from every output of the notebook, each line that repeats a line of the hidden tests (a
student's code can see the code a kernel runs: ``In[-1]``, ``linecache``, a ``pre_run_cell``
hook). Outputs that could run code in a browser (HTML, JavaScript, widget views) are kept only
as their plain text, and :func:`lock_down` gives the page a content security policy that
allows no script at all.
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import NbGraderPreprocessor

HIDDEN_BLOCK = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*$", re.M | re.S
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


#: Output formats a feedback page may show (others could run code in the reader's browser).
SAFE_MIME = ("text/plain", "image/png", "image/jpeg", "image/gif", "text/latex")
#: Hidden-test lines shorter than this are too common to redact ("", "else:", ")").
MIN_REDACTED_LINE = 12
REDACTED = "[a line of the hidden tests was removed here]"
CSP = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "style-src 'unsafe-inline'; img-src data:; font-src data:\">"
)


def _as_the_kernel_ran_it(block: str) -> list[str]:
    """The lines of a hidden block as the student's kernel ran them (expected values withheld,
    re-printed by :func:`autograde.verdicts.withhold.for_kernel`): what ``In[-1]`` showed."""
    from autograde.verdicts.withhold import for_kernel

    try:
        code = for_kernel(block, withhold=True)
    except SyntaxError:
        return []
    return code.splitlines()[1:]  # the import of WITHHELD is no secret


def hidden_lines(nb) -> set[str]:
    """The stripped lines of every hidden-test block of ``nb`` long enough to be telling, as
    written and as the grading kernel ran them."""
    lines: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            for block in HIDDEN_BLOCK.findall(cell.source):
                body = block.splitlines()[1:-1]
                lines |= {ln.strip() for ln in body}
                lines |= {ln.strip() for ln in _as_the_kernel_ran_it("\n".join(body))}
    return {ln for ln in lines if len(ln) >= MIN_REDACTED_LINE}


def redact_text(text: str, hidden: set[str]) -> str:
    """``text`` with each line that contains a hidden-test line replaced by a marker."""
    if not hidden or not text:
        return text
    out = []
    for line in text.split("\n"):
        plain = ANSI.sub("", line)
        out.append(REDACTED if any(h in plain for h in hidden) else line)
    return "\n".join(out)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _redact_output(output, hidden: set[str]) -> None:
    kind = output.get("output_type")
    if kind == "stream":
        output["text"] = redact_text(_text(output.get("text", "")), hidden)
    elif kind == "error":
        output["evalue"] = redact_text(str(output.get("evalue", "")), hidden)
        output["traceback"] = [redact_text(_text(t), hidden) for t in output.get("traceback", [])]
    elif kind in ("display_data", "execute_result"):
        keep_safe_formats(output)
        data = output.get("data", {})
        if "text/plain" in data:
            data["text/plain"] = redact_text(_text(data["text/plain"]), hidden)


def keep_safe_formats(output: dict) -> None:
    """Drop from a rich output every format that could run code in a browser (HTML, JavaScript,
    widget views): only :data:`SAFE_MIME` stays."""
    data = output.get("data")
    if isinstance(data, dict):
        for mime in [m for m in data if m not in SAFE_MIME]:
            del data[mime]
    if isinstance(output.get("metadata"), dict):
        output["metadata"].pop("application/vnd.jupyter.widget-view+json", None)


def lock_down(html_path) -> None:
    """Give a written feedback page a policy that forbids scripts and outside requests."""
    from pathlib import Path

    path = Path(html_path)
    page = path.read_text(encoding="utf-8")
    page = re.sub(r"<head([^>]*)>", lambda m: f"<head{m.group(1)}>\n{CSP}", page, count=1)
    path.write_text(page, encoding="utf-8")


class RedactHiddenTests(NbGraderPreprocessor):
    """In graded test cells: hidden code replaced by a note, tracebacks cut to their message;
    in every output: hidden-test lines removed, only formats that cannot run code kept."""

    def preprocess(self, nb, resources):
        self._hidden = hidden_lines(nb)
        for cell in nb.cells:
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                _redact_output(output, self._hidden)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            cell.source = HIDDEN_BLOCK.sub("# (hidden tests ran here)", cell.source)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    message = ANSI.sub(
                        "", f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"
                    )
                    output["traceback"] = [message]
        return cell, resources
