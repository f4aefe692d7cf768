"""nbgrader's sanitize steps, made safe against hostile hand-ins, and the configuration of all.

:func:`hardening_config` swaps nbgrader's DeduplicateIds, OverwriteCells and Execute for the
classes here and in :mod:`autograde.hardening.execute`. Each records what it changed as a note
(:mod:`autograde.hardening.notes`) where the change happens:

- :class:`SafeDeduplicateIds`: a duplicated graded cell: only its last copy is graded;
- :class:`SafeOverwriteCells`: edited locked or test cells (judged by
  :class:`~autograde.hardening.authentic.AuthenticCells`), changed metadata, deleted graded
  cells (put back, never a crash), unknown grade ids (ordinary cells), moved cells.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
from nbgrader.preprocessors import DeduplicateIds, OverwriteCells
from traitlets import Unicode
from traitlets.config import Config

from autograde.hardening.authentic import AuthenticCells, grade_id_of
from autograde.hardening.notes import RecordsNotes
from autograde.hardening.sandbox import DEFAULT_MEMORY_LIMIT


class SafeDeduplicateIds(RecordsNotes, DeduplicateIds):
    """nbgrader's DeduplicateIds, leaving no empty ``nbgrader`` metadata behind.

    nbgrader 0.9.6 empties the metadata of all but the last copy of a duplicated cell, and
    the empty dict then fails metadata validation ("old metadata", nbgrader issue 1083), which
    would drop the whole notebook. Here the copy becomes an ordinary cell.
    """

    def preprocess(self, nb, resources):  # noqa: ANN001 - nbconvert's signature
        self._resources = resources
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):  # noqa: ANN001
        grade_id = grade_id_of(cell)
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if "nbgrader" in cell.metadata and not cell.metadata.nbgrader:
            del cell.metadata["nbgrader"]
            self.note(
                self._resources,
                f"cell {grade_id} appears more than once: only its last copy was graded",
            )
        return cell, resources


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()
    return ""


class SafeOverwriteCells(RecordsNotes, OverwriteCells):
    """OverwriteCells that says what it restored and whose re-adding of deleted cells cannot crash.

    nbgrader puts a missing graded cell after the *previous* source cell and raises KeyError
    when that one is missing too (metadata stripped, a different notebook handed in). Here a
    missing cell goes after the nearest earlier source cell still present (by grade id, or
    else by its first line of code, which the released stub keeps), else at the end.
    """

    release_dir = Unicode("", help="the course folder's release/ (the student copies)").tag(
        config=True
    )

    def missing_cell_transform(self, source_cell, max_score, is_solution=False, is_task=False):
        """nbgrader's re-added cell; a deleted *written answer* comes back as released (no
        notice in it), so that it scores 0 as "No response." instead of waiting for a person."""
        cell = super().missing_cell_transform(source_cell, max_score, is_solution, is_task)
        if is_solution and cell["cell_type"] == "markdown":
            cell["source"] = source_cell.source
        return cell

    def preprocess(self, nb, resources):  # noqa: ANN001 - nbconvert's signature
        info = resources["nbgrader"]
        release = (
            Path(self.release_dir) / info["assignment"] / f"{info['notebook']}.ipynb"
            if self.release_dir
            else None
        )
        self._resources = resources
        self._authentic = AuthenticCells.load(
            info["db_url"], info["notebook"], info["assignment"], release
        )
        order = self._authentic.release_order
        handed = [g for g in dict.fromkeys(grade_id_of(c) for c in nb.cells) if g in order]
        if handed != [g for g in order if g in handed]:
            self.note(
                resources, "cells were moved: the notebook was graded in the order it was handed in"
            )
        return super().preprocess(nb, resources)

    def report_change(self, name: str, attr: str, old: Any, new: Any) -> None:
        if attr in ("cell_type", "locked", "points"):
            self.note(
                self._resources,
                f"the metadata of cell {name} was changed: the original was restored",
            )

    def preprocess_cell(self, cell, resources, cell_index):  # noqa: ANN001
        known = grade_id_of(cell)
        handed_in = cell.source
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if known is not None and "grade_id" not in cell.metadata.get("nbgrader", {}):
            # not a cell of this assignment (added, or its grade id changed): nbgrader drops
            # only the id, and the metadata left behind would fail validation
            del cell.metadata["nbgrader"]
            self.note(
                resources,
                f"cell {known} is not part of this assignment: graded as an ordinary cell",
            )
        elif known is not None and self._authentic.edited(known, handed_in):
            self.note(resources, f"locked or test cell {known} was edited: the original was graded")
        return cell, resources

    def add_missing_grade_cells(self, nb, resources):  # noqa: ANN001
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_cells = list(source_nb.source_cells)
        order = {c.name: i for i, c in enumerate(source_cells)}
        solution_ids = {c.name for c in source_nb.solution_cells}
        grade_cells = sorted(source_nb.grade_cells, key=lambda c: order.get(c.name, len(order)))
        for grade_cell in grade_cells:
            present = {grade_id_of(c): i for i, c in enumerate(nb.cells)}
            if grade_cell.name in present or grade_cell.name not in order:
                continue
            self.note(
                resources,
                f"cell {grade_cell.name} was missing (deleted or its grade id changed): "
                "the original was put back",
            )
            position = len(nb.cells)
            for earlier in reversed(source_cells[: order[grade_cell.name]]):
                if earlier.name in present:
                    position = present[earlier.name] + 1
                    break
                first = _first_line(earlier.source)
                matches = [
                    i
                    for i, c in enumerate(nb.cells)
                    if first and c.cell_type == earlier.cell_type and _first_line(c.source) == first
                ]
                if matches:
                    position = matches[-1] + 1
                    break
            cell = self.missing_cell_transform(
                source_cells[order[grade_cell.name]],
                grade_cell.max_score,
                is_solution=grade_cell.name in solution_ids,
            )
            nb.cells.insert(position, nbformat.from_dict(cell))
        return nb, resources


def hardening_config(
    *,
    notes_path: str | Path = "",
    release_dir: str | Path = "",
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
    sandbox: bool = True,
    guard: bool = True,
    max_output_bytes: int = 2 * 1024 * 1024,
    keys_dir: str | Path = "",
    make_keys: bool = False,
    records_dir: str | Path = "",
) -> Config:
    """nbgrader configuration with the safe sanitize steps and the guarded Execute step."""
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        ClearOutput,
        IgnorePattern,
        LimitOutput,
        OverwriteKernelspec,
        SaveAutoGrades,
    )

    from autograde.hardening.execute import GuardedExecute

    c = Config()
    c.Autograde.sanitize_preprocessors = [
        ClearOutput,
        SafeDeduplicateIds,
        OverwriteKernelspec,
        SafeOverwriteCells,
        CheckCellMetadata,
    ]
    c.Autograde.autograde_preprocessors = [
        GuardedExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        LimitOutput,
        SaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    for name in ("SafeDeduplicateIds", "SafeOverwriteCells", "GuardedExecute"):
        c[name].notes_path = str(notes_path)
    c.SafeOverwriteCells.release_dir = str(release_dir)
    c.GuardedExecute.release_dir = str(release_dir)
    c.SafeOverwriteCells.add_missing_cells = True
    c.GuardedExecute.memory_limit = memory_limit
    c.GuardedExecute.sandbox = sandbox
    c.GuardedExecute.guard = guard
    c.GuardedExecute.max_output_bytes = max_output_bytes
    c.GuardedExecute.keys_dir = str(keys_dir)
    c.GuardedExecute.make_keys = make_keys
    c.GuardedExecute.records_dir = str(records_dir)
    return c
