"""Feedback that says what failed without handing out the hidden tests.

nbgrader's feedback shows the autograded notebook as it ran: hidden tests in full, and
tracebacks whose code context quotes the expected values. :class:`RedactHiddenTests` keeps
each failure's message (the course's checkers name the case and what was wrong, never the
answer) and replaces the hidden code and the tracebacks of graded test cells.
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import NbGraderPreprocessor

HIDDEN_BLOCK = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[ \t]*$", re.M | re.S
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class RedactHiddenTests(NbGraderPreprocessor):
    """In graded test cells: hidden code replaced by a note, tracebacks cut to their message."""

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
