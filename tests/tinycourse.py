"""A two-exercise course notebook that grades in a second or two, for pipeline tests.

``double`` is independent; ``quadruple``'s reference answer calls the student's ``double``
(a dependency the audit must respect when it batches wrong variants).
"""

from __future__ import annotations

from pathlib import Path

from autograde.grading.feedback_page import without_grading_time
from autograde.grading.outputs import is_run_record
from autograde.release import authoring as a

STEM = "01_tiny"

CELLS = [
    a.markdown("# Tiny\n\nTwo exercises, 5 points."),
    a.locked("setup", "import math"),
    a.markdown("Write `double(x) = 2x`."),
    a.solution(
        "double",
        """
        def double(x):
            ### BEGIN SOLUTION
            return 2 * x
            ### END SOLUTION
        """,
    ),
    a.tests(
        "double_test",
        2,
        """
        assert double(2) == 4, "double(2): wrong value"
        ### BEGIN HIDDEN TESTS
        assert double(-3) == -6, "double of a negative number: wrong value"
        assert double(0.5) == 1.0, "double of a float: wrong value"
        ### END HIDDEN TESTS
        """,
    ),
    a.markdown("Write `quadruple(x) = 4x` with `double`."),
    a.solution(
        "quadruple",
        """
        def quadruple(x):
            ### BEGIN SOLUTION
            return double(double(x))
            ### END SOLUTION
        """,
    ),
    a.tests(
        "quadruple_test",
        3,
        """
        assert quadruple(1) == 4, "quadruple(1): wrong value"
        ### BEGIN HIDDEN TESTS
        assert quadruple(-2) == -8, "quadruple of a negative number: wrong value"
        ### END HIDDEN TESTS
        """,
    ),
]

#: The same notebook with a written answer, graded by a person (2 points).
WRITTEN_ID = "why_answer"
CELLS_WITH_WRITTEN = [
    *CELLS,
    a.markdown("Why is `quadruple(x)` equal to `double(double(x))`? One sentence."),
    a.written(
        WRITTEN_ID,
        2,
        """
        **Answer.** Doubling twice multiplies by 2 · 2 = 4.

        **Rubric (2 points).** 2 points for the product of the two factors.
        """,
    ),
]

WRONG = {
    "double": {
        "adds two": "def double(x):\n    return x + 2\n",
        "squares": "def double(x):\n    return x * x\n",
    },
    "quadruple": {
        "triples": "def quadruple(x):\n    return 3 * x\n",
        "right for positives only": "def quadruple(x):\n    return 4 * abs(x)\n",
    },
}
RIGHT = {
    "double": {"adds x to itself": "def double(x):\n    return x + x\n"},
    "quadruple": {
        "multiplies": "def quadruple(x):\n    return 4 * x\n",
        "a loop": "def quadruple(x):\n    total = 0\n    for _ in range(4):\n        total += x\n    return total\n",
    },
}


def write_course(root: Path, written: bool = False) -> Path:
    """solutions/01_tiny.ipynb and variants/01_tiny.py under ``root`` (``written``: with the
    written answer); returns solutions/."""
    solutions = root / "solutions"
    a.write(a.notebook(list(CELLS_WITH_WRITTEN if written else CELLS)), solutions / f"{STEM}.ipynb")
    variants = root / "variants"
    variants.mkdir(parents=True, exist_ok=True)
    (variants / f"{STEM}.py").write_text(f"WRONG = {WRONG!r}\nRIGHT = {RIGHT!r}\n")
    return solutions


def release_copy(solutions: Path, dest: Path) -> Path:
    """The student copy nbgrader releases from ``solutions`` (stubs, no hidden tests)."""
    from autograde.release.generate import generate_releases

    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(generate_releases([STEM], solutions)[STEM], encoding="utf-8")
    return dest


def write_class(root: Path, solutions: Path) -> Path:
    """A class of five under ``root/class``: right (ann), blank (ben), one wrong answer (cat),
    not a notebook (dan), nothing handed in (eve)."""
    import json
    import shutil

    from autograde.audit import Variant, substitute

    klass = root / "class"
    (klass / "ann").mkdir(parents=True)
    shutil.copyfile(solutions / f"{STEM}.ipynb", klass / "ann" / f"{STEM}.ipynb")
    release_copy(solutions, klass / "ben" / f"{STEM}.ipynb")
    nb = json.loads((solutions / f"{STEM}.ipynb").read_text())
    wrong = Variant(STEM, "quadruple", "wrong", "triples", WRONG["quadruple"]["triples"])
    (klass / "cat").mkdir()
    (klass / "cat" / f"{STEM}.ipynb").write_text(json.dumps(substitute(nb, [wrong])))
    (klass / "dan").mkdir()
    (klass / "dan" / f"{STEM}.ipynb").write_text("{ not json")
    (klass / "eve").mkdir()  # hands in nothing
    return klass


def digest(root: Path) -> dict[str, str]:
    """SHA-256 of every result file under ``root`` (all but the run records, and feedback
    pages without their grading time), by path."""
    import hashlib

    def content(p: Path) -> bytes:
        data = p.read_bytes()
        return without_grading_time(data) if p.suffix == ".html" else data

    return {
        str(p.relative_to(root)): hashlib.sha256(content(p)).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not is_run_record(p.relative_to(root).as_posix())
    }
