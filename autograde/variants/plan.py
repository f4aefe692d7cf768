"""Known answers as notebooks to grade: which cells each variant touches, which exercises
interact, and how variants are batched (used by the audit and by the misconception prints).

- right variants: batch ``k`` holds the ``k``-th right variant of every exercise;
- wrong variants: batch ``k`` holds at most one wrong variant per exercise, and never two for
  exercises where one's cells read names the other's cell defines (found statically, see
  :func:`exercise_dependencies`), so that a wrong ``double`` cannot make ``quadruple``'s tests
  fail in its place.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from autograde import variants
from autograde.variants import VARIANTS_DIR


@dataclass(frozen=True)
class Variant:
    """One known answer to one exercise."""

    stem: str
    grade_id: str
    kind: str  # wrong | right
    label: str
    source: str


@dataclass
class Trial:
    """One notebook to grade: the solution with ``variants`` substituted (one per exercise)."""

    stem: str
    variants: tuple[Variant, ...]
    student_id: str = ""


# ------------------------------------------------------------------------- reading the parts


def load_variants(stem: str, variants_dir: Path = VARIANTS_DIR) -> list[Variant]:
    """The WRONG and RIGHT variants of ``stem``, in file order."""
    wrong, right = variants.load(stem, variants_dir)
    return [
        Variant(stem, grade_id, kind, label, source)
        for kind, table in (("wrong", wrong), ("right", right))
        for grade_id, answers in table.items()
        for label, source in answers.items()
    ]


def solution_ids(nb: dict) -> list[str]:
    """Grade ids of the notebook's solution cells, in order."""
    return [
        c["metadata"]["nbgrader"]["grade_id"]
        for c in nb["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("solution")
        and c.get("cell_type") == "code"
    ]


def grading_cells(nb: dict, grade_id: str) -> list[str]:
    """Grade ids of the graded cells that test ``grade_id``: ``<id>_test`` or ``<id>_test_<k>``."""
    pattern = re.compile(rf"^{re.escape(grade_id)}_test(_\w+)?$")
    return [
        c["metadata"]["nbgrader"]["grade_id"]
        for c in nb["cells"]
        if c.get("metadata", {}).get("nbgrader", {}).get("grade")
        and pattern.match(c["metadata"]["nbgrader"]["grade_id"])
    ]


def substitute(nb: dict, chosen: tuple[Variant, ...] | list[Variant]) -> dict:
    """A copy of ``nb`` with each variant's source in place of its solution cell."""
    try:
        return variants.substitute(nb, {v.grade_id: v.source for v in chosen})
    except KeyError as exc:
        raise ValueError(str(exc)) from exc


# ------------------------------------------------------------------- which exercises interact


def _stored_names(node: ast.AST) -> set[str]:
    """Names a top-level statement binds, not looking inside function or class bodies."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return set()  # re-importing numpy as np changes nothing
    names: set[str] = set()
    todo = [node]
    while todo:
        sub = todo.pop()
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store | ast.Del):
            names.add(sub.id)
        if not isinstance(
            sub, ast.Lambda | ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp
        ):
            todo += [c for c in ast.iter_child_nodes(sub)]
    return names


def _cell_names(source: str) -> tuple[set[str], set[str]] | None:
    """(names the cell binds at top level, names it reads anywhere); None if it does not parse."""
    lines = [re.sub(r"^(\s*)[%!].*$", r"\1pass", line) for line in source.splitlines()]
    try:
        tree = ast.parse("\n".join(lines))  # magics and shell escapes become `pass`
    except SyntaxError:
        return None
    bound: set[str] = set()
    read: set[str] = set()
    for node in tree.body:  # a name the cell bound before reading it is not read from outside
        stored = _stored_names(node)
        loop_targets = stored if isinstance(node, ast.For | ast.AsyncFor | ast.With) else set()
        read |= _free_reads(node) - bound - loop_targets
        bound |= stored
    return bound, read


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _free_reads(node: ast.AST, local: frozenset[str] = frozenset()) -> set[str]:
    """Names read under ``node`` that are not local to a function or comprehension there."""
    if isinstance(node, _SCOPES + _COMPREHENSIONS) and not isinstance(node, ast.ClassDef):
        inner = set(local)
        if not isinstance(node, _COMPREHENSIONS):
            a = node.args
            params = a.posonlyargs + a.args + a.kwonlyargs + [x for x in (a.vararg, a.kwarg) if x]
            inner |= {x.arg for x in params}
        inner |= {
            n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        local = frozenset(inner)
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
        return set() if node.id in local else {node.id}
    reads: set[str] = set()
    for child in ast.iter_child_nodes(node):
        reads |= _free_reads(child, local)
    return reads


def exercise_dependencies(nb: dict, variants: list[Variant]) -> dict[str, set[str]]:
    """For each exercise, the earlier exercises whose cell can change its cells' outcome.

    Exercise ``b`` reaches a later cell when that cell reads a name ``b``'s cell (solution or
    any of its variants) binds, or a name bound by a cell ``b`` already reaches. A cell that
    does not parse reaches, and is reached by, everything.
    """
    sources_by_id: dict[str, list[str]] = defaultdict(list)
    for v in variants:
        sources_by_id[v.grade_id].append(v.source)
    cells = []  # (solution grade id or None, graded test's exercise or None, bound, read)
    ids = solution_ids(nb)
    owner_of_test = {t: g for g in ids for t in grading_cells(nb, g)}
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        sources = ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]]
        if meta.get("solution"):
            sources += sources_by_id.get(gid, [])
        names = [_cell_names(s) for s in sources]
        if any(n is None for n in names):
            bound, read = None, None
        else:
            bound = set().union(*(n[0] for n in names))
            read = set().union(*(n[1] for n in names))
        sol = gid if meta.get("solution") else None
        cells.append((sol, owner_of_test.get(gid), bound, read))

    deps: dict[str, set[str]] = {g: set() for g in ids}
    for i, (b, _, b_bound, _) in enumerate(cells):
        if b is None:
            continue
        tainted = None if b_bound is None else set(b_bound)
        for sol, tested, bound, read in cells[i + 1 :]:
            reached = tainted is None or read is None or bool(read & tainted)
            if not reached:
                continue
            for a in {sol, tested} - {None, b}:
                deps[a].add(b)
            if tainted is not None:
                if bound is None:
                    tainted = None
                else:
                    tainted |= bound
    return deps


# ------------------------------------------------------------------------------ the batches


def plan_right(variants: list[Variant]) -> list[Trial]:
    """Batch k: the k-th right variant of every exercise that has one."""
    queues: dict[str, list[Variant]] = defaultdict(list)
    for v in variants:
        if v.kind == "right":
            queues[v.grade_id].append(v)
    trials = []
    while any(queues.values()):
        batch = tuple(q.pop(0) for q in queues.values() if q)
        trials.append(Trial(batch[0].stem, batch))
    return trials


def plan_wrong(variants: list[Variant], deps: dict[str, set[str]], order: list[str]) -> list[Trial]:
    """Batches of wrong variants, one per exercise, no two from exercises that interact."""
    queues: dict[str, list[Variant]] = defaultdict(list)
    for v in variants:
        if v.kind == "wrong":
            queues[v.grade_id].append(v)
    rank = {g: i for i, g in enumerate(order)}
    trials = []
    while any(queues.values()):
        chosen: list[Variant] = []
        for gid in sorted(queues, key=lambda g: rank.get(g, len(rank))):
            if not queues[gid]:
                continue
            clash = any(
                c.grade_id in deps.get(gid, set()) or gid in deps.get(c.grade_id, set())
                for c in chosen
            )
            if not clash:
                chosen.append(queues[gid].pop(0))
        trials.append(Trial(chosen[0].stem, tuple(chosen)))
    return trials
