"""The kernel's copy of a test cell: the same code, without the expected values.

``expect_close(actual, expected, what, rtol, atol)`` becomes ``expect_close(actual, WITHHELD,
what)``, ``expect_equal(actual, expected, what)`` likewise, and ``expect_same_as(func,
reference, cases, what, ...)`` becomes ``expect_same_as(func, WITHHELD, cases, what)``: the
expected values, references and tolerances stay with the grader (in the answer key). Every
``expect_same_as`` gets its ``what`` spelled out from the test's own text (``"neuron"``), in
the key's copy too, so a record's label never depends on a name the student chose.
"""

from __future__ import annotations

import ast
import re

#: checker -> (position of the expected value or reference, position of ``what``,
#: positions of the tolerances)
CHECKERS = {
    "expect_close": (1, 2, (3, 4)),
    "expect_equal": (1, 2, ()),
    "expect_same_as": (1, 3, (4, 5)),
}
EXPECTED_KEYWORDS = {"expected", "reference"}
TOLERANCE_KEYWORDS = {"rtol", "atol"}
#: The name the kernel's copy binds :data:`course.checks.WITHHELD` to.
WITHHELD_NAME = "_nn_course_WITHHELD"
IMPORT = f"from course.checks import WITHHELD as {WITHHELD_NAME}"


def _checker(node: ast.Call) -> str | None:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return name if name in CHECKERS else None


class _Rewrite(ast.NodeTransformer):
    def __init__(self, withhold: bool) -> None:
        self.withhold = withhold

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        name = _checker(node)
        if name is None:
            return node
        expected_at, what_at, tolerance_at = CHECKERS[name]
        if name == "expect_same_as" and node.args and not _has_what(node, what_at):
            node.keywords.append(
                ast.keyword(arg="what", value=ast.Constant(ast.unparse(node.args[0])))
            )
        if not self.withhold:
            return node
        withheld = ast.Name(id=WITHHELD_NAME, ctx=ast.Load())
        if len(node.args) > expected_at:
            node.args[expected_at] = withheld
        node.args = [a for i, a in enumerate(node.args) if i not in tolerance_at]
        for kw in node.keywords:
            if kw.arg in EXPECTED_KEYWORDS:
                kw.value = withheld
        node.keywords = [kw for kw in node.keywords if kw.arg not in TOLERANCE_KEYWORDS]
        return node


def _has_what(node: ast.Call, what_at: int) -> bool:
    return len(node.args) > what_at or any(kw.arg == "what" for kw in node.keywords)


#: Where a test cell's hidden tests begin (nbgrader's marker line).
_HIDDEN_BEGIN = re.compile(r"^([ \t]*)###\s*BEGIN HIDDEN TESTS", re.M)
MARK_NAME = "_nn_course_mark_hidden"
MARK_IMPORT = f"from course.records import mark_hidden as {MARK_NAME}"


def for_kernel(source: str, withhold: bool = True) -> str:
    """The test cell ``source`` as a kernel runs it (``withhold``: the student's kernel).

    The instructor's copy (``withhold=False``) also writes
    :data:`course.records.HIDDEN_MARK` where its hidden tests begin, so the answer key knows
    which of its records the visible tests make (what ``nn-course check`` can name)."""
    marked = not withhold and _HIDDEN_BEGIN.search(source)
    if marked:
        source = _HIDDEN_BEGIN.sub(lambda m: f"{m[1]}{MARK_NAME}()\n{m[0]}", source, count=1)
    tree = ast.parse(source)
    tree = _Rewrite(withhold).visit(tree)
    ast.fix_missing_locations(tree)
    code = ast.unparse(tree)
    if withhold:
        return f"{IMPORT}\n{code}"
    return f"{MARK_IMPORT}\n{code}" if marked else code
