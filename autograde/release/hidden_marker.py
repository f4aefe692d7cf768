"""Released notebooks say where hidden tests will run, so a student's check can say what it
could not check.

nbgrader's ClearHiddenTests removes each ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS``
block from the student copy without a trace. :class:`MarkHiddenTests` leaves one comment line,
:data:`HIDDEN_MARKER`, where the block was (the gradebook keeps the full cell, as before), and
``nn-course check`` counts the points of the test cells that carry it.
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import ClearHiddenTests

HIDDEN_MARKER = "# Hidden tests run here when your notebook is graded."
_BEGIN = re.compile(r"^([ \t]*)(###\s*BEGIN HIDDEN TESTS)", re.M)


class MarkHiddenTests(ClearHiddenTests):
    """ClearHiddenTests that leaves :data:`HIDDEN_MARKER` in place of each hidden block."""

    def preprocess_cell(self, cell, resources, cell_index):  # noqa: ANN001 - nbconvert's signature
        if cell.cell_type == "code" and HIDDEN_MARKER not in cell.source:
            cell.source = _BEGIN.sub(lambda m: f"{m[1]}{HIDDEN_MARKER}\n{m[1]}{m[2]}", cell.source)
        return super().preprocess_cell(cell, resources, cell_index)


def generate_preprocessors() -> list[type]:
    """nbgrader's GenerateAssignment steps, with :class:`MarkHiddenTests` for ClearHiddenTests."""
    from nbgrader.converters.generate_assignment import GenerateAssignment

    steps = GenerateAssignment.class_traits()["preprocessors"].default()
    return [MarkHiddenTests if step is ClearHiddenTests else step for step in steps]
