"""Hostile notebooks, built in code from the course's cheapest notebook (01_neurons).

Every builder starts from a *perfect* hand-in (the released notebook with the solution
notebook's answers in its solution cells) and breaks or abuses it in one way. ``CASES`` maps
each hostile student id to its builder and to what the grader must make of it. Points of
01_neurons: neuron_test 2, logic_units_test 3, relu_net_test 3, or_networks_test 3,
parameter_counts_test 3, output_size_test 2 (``FULL``, 16 autograded), and a written answer a
person grades (``TOTAL``: 18 in all).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograde import course_root

STEM = "01_neurons"
ROOT = course_root()


def _points(markdown: bool | None) -> float:
    """Points of the solution notebook's graded cells (markdown: only the written answers,
    False: only the autograded ones, None: all)."""
    cells = json.loads((ROOT / "solutions" / f"{STEM}.ipynb").read_text(encoding="utf-8"))["cells"]
    return sum(
        float(c["metadata"]["nbgrader"]["points"])
        for c in cells
        if c.get("metadata", {}).get("nbgrader", {}).get("grade")
        and (markdown is None or (c["cell_type"] == "markdown") == markdown)
    )


#: Every automatic point of the notebook (what a perfect hand-in earns before a person grades).
FULL = _points(False)
#: The notebook's maximum, its written answer included.
TOTAL = _points(None)

#: A wrong neuron of the right shape, right at z = 0 (the first visible check) and wrong
#: elsewhere: loses neuron_test's 2 points unless the tests are fooled.
WRONG_NEURON = """\
def neuron(x, w, b):
    z = np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b
    return np.full_like(z, 0.5)
"""


def _nb(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def perfect(stem: str = STEM) -> nbformat.NotebookNode:
    """The released notebook ``stem`` with every solution cell answered as in solutions/."""
    released = _nb(ROOT / "nbs" / f"{stem}.ipynb")
    answers = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in _nb(ROOT / "solutions" / f"{stem}.ipynb").cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    for cell in released.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    return released


def index_of(nb: nbformat.NotebookNode, grade_id: str) -> int:
    for i, cell in enumerate(nb.cells):
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return i
    raise KeyError(grade_id)


def prepend(grade_id: str, code: str) -> Callable[[], nbformat.NotebookNode]:
    """A perfect hand-in whose cell ``grade_id`` starts with ``code``."""

    def build() -> nbformat.NotebookNode:
        nb = perfect()
        cell = nb.cells[index_of(nb, grade_id)]
        cell.source = code.rstrip("\n") + "\n" + cell.source
        return nb

    return build


def new_cell_after(grade_id: str, code: str, wrong_neuron: bool = False):
    """A perfect hand-in with a new code cell after cell ``grade_id``."""

    def build() -> nbformat.NotebookNode:
        nb = perfect()
        if wrong_neuron:
            nb.cells[index_of(nb, "neuron")].source = WRONG_NEURON
        nb.cells.insert(index_of(nb, grade_id) + 1, new_code_cell(code))
        return nb

    return build


# --- runtime -----------------------------------------------------------------------------

LOOP = "while True:\n    pass"
SLEEP_LOOP = "import time\nwhile True:\n    time.sleep(0.2)"
UNSTOPPABLE = """\
import time
while True:
    try:
        time.sleep(0.2)
    except KeyboardInterrupt:
        pass
"""
OS_EXIT = "import os\nos._exit(3)"
SEGFAULT = "import ctypes\nctypes.string_at(0)"
SYS_EXIT = "import sys\nsys.exit()"
RAISE_SYSTEM_EXIT = "raise SystemExit(1)"
MEMORY_BOMB = """\
def bomb():
    hoard = []
    while True:
        hoard.append(bytearray(50 * 1024 * 1024))
bomb()
"""
PRINT_FLOOD = "for i in range(30_000):\n    print('flood ' * 20)"  # 3.6 MB of text
IMAGE_FLOOD = """\
import base64
from IPython.display import display
display({"image/png": base64.b64encode(b"\\x89PNG" + bytes(12_000_000)).decode()}, raw=True)
"""


# --- tampering with cells ----------------------------------------------------------------


def tests_deleted() -> nbformat.NotebookNode:
    nb = perfect()
    del nb.cells[index_of(nb, "neuron_test")]
    return nb


def test_edited() -> nbformat.NotebookNode:
    """relu_net answer wrong, its test replaced by `pass`: the original test must run."""
    nb = perfect()
    nb.cells[index_of(nb, "relu_net")].source = (
        "W1 = np.array([[-1.0, 1.0], [1.0, -1.0]])\nW2 = np.array([[1.0, 1.0]])\n"
        "def two_layer_relu(x, W1, W2):\n    return np.zeros(len(x))\nhomework_gate = 'XOR'"
    )
    nb.cells[index_of(nb, "relu_net_test")].source = "pass"
    return nb


def test_moved() -> nbformat.NotebookNode:
    """neuron_test moved to the end of the notebook (after everything it needs)."""
    nb = perfect()
    cell = nb.cells.pop(index_of(nb, "neuron_test"))
    nb.cells.append(cell)
    return nb


def test_duplicated() -> nbformat.NotebookNode:
    nb = perfect()
    i = index_of(nb, "logic_units_test")
    twin = copy.deepcopy(nb.cells[i])
    twin["id"] = "duplicated-test-cell"
    nb.cells.insert(i + 1, twin)
    return nb


def grade_id_changed() -> nbformat.NotebookNode:
    """neuron answer wrong, its test renamed and emptied: the original test must come back."""
    nb = perfect()
    nb.cells[index_of(nb, "neuron")].source = WRONG_NEURON
    cell = nb.cells[index_of(nb, "neuron_test")]
    cell.metadata["nbgrader"]["grade_id"] = "neuron_test_renamed"
    cell.source = "pass"
    return nb


def cell_added() -> nbformat.NotebookNode:
    """A new 'test' cell claiming 100 points."""
    nb = perfect()
    cell = new_code_cell("print('free points')")
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": "bonus_test",
        "locked": True,
        "points": 100,
        "schema_version": 3,
        "solution": False,
        "task": False,
    }
    nb.cells.insert(index_of(nb, "neuron_test") + 1, cell)
    return nb


def metadata_stripped() -> nbformat.NotebookNode:
    nb = perfect()
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    return nb


def different_notebook() -> nbformat.NotebookNode:
    nb = new_notebook(
        cells=[new_markdown_cell("# My holiday photos"), new_code_cell("print('hello')")]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


# --- tampering with the checking machinery ----------------------------------------------

PATCH_NUMPY = """\
import numpy, numpy.testing
numpy.allclose = lambda *a, **k: True
numpy.isclose = lambda a, b, *r, **k: numpy.ones(numpy.shape(a), dtype=bool)
numpy.array_equal = lambda *a, **k: True
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.testing.assert_array_equal = lambda *a, **k: None
numpy.abs = numpy.absolute = lambda x: numpy.zeros(numpy.shape(x))
"""
PATCH_CHECKS_CODE = """\
import course.checks
def _accept(*args, **kwargs):
    return None
for _name in ("expect_close", "expect_shape", "expect_equal", "expect_same_as", "expect_true", "expect_type"):
    getattr(course.checks, _name).__code__ = _accept.__code__
"""
PATCH_SYS_MODULES = """\
import contextlib, sys, types
fake = types.ModuleType("course.checks")
for _name in ("expect_close", "expect_shape", "expect_equal", "expect_same_as", "expect_true", "expect_type"):
    setattr(fake, _name, lambda *a, **k: None)
fake.forbid_calls = lambda *a, **k: contextlib.nullcontext()
sys.modules["course.checks"] = fake
"""
PATCH_BUILTINS = """\
import builtins, contextlib, types
_real_import = builtins.__import__
_fake = types.ModuleType("course.checks")
for _name in ("expect_close", "expect_shape", "expect_equal", "expect_same_as", "expect_true", "expect_type"):
    setattr(_fake, _name, lambda *a, **k: None)
_fake.forbid_calls = lambda *a, **k: contextlib.nullcontext()
def _import(name, globals=None, locals=None, fromlist=(), level=0):
    if name == "course.checks":
        return _fake
    return _real_import(name, globals, locals, fromlist, level)
builtins.__import__ = _import
"""
PATCH_TORCH = """\
import torch
torch.allclose = lambda *a, **k: True
torch.Tensor.__eq__ = lambda self, other: True
"""
PATCH_COURSE_REFERENCE = """\
import numpy as np
from course import neurons as _neurons
_neurons.neuron = lambda x, w, b: np.full_like(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b, 0.5)
"""
PATCH_IPYTHON = """\
import ast
class _Neuter(ast.NodeTransformer):
    def visit_Module(self, node):
        if "expect_" in ast.unparse(node):
            node.body = [ast.Pass()]
        return node
ip = get_ipython()
ip.ast_transformers.append(_Neuter())
ip.showtraceback = lambda *a, **k: None
"""
#: The student's own function patches the checkers while the tests call it.
PATCH_DURING_TEST = """\
def neuron(x, w, b):
    import course.checks
    def _accept(*args, **kwargs):
        return None
    for _name in ("expect_close", "expect_same_as", "expect_shape"):
        getattr(course.checks, _name).__code__ = _accept.__code__
    z = np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b
    return np.full_like(z, 0.5)
"""
REFERENCE_ONLY = """\
def neuron(x, w, b):
    return neurons.neuron(x, w, b)
"""


# --- escaping the sandbox ----------------------------------------------------------------


def snoop(hidden_marker: str, submissions: Path, home: Path) -> str:
    """Look for hidden tests and other students' notebooks wherever they might be."""
    return f"""\
import glob, os
found, others = [], []
roots = ["/tmp", "/var/tmp", "/root", "/home", "/work", {str(home)!r}, {str(ROOT)!r}]
for root in roots:
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in (".pyenv", "site-packages", ".cache", "node_modules")]
        for name in files:
            path = os.path.join(folder, name)
            if not name.endswith((".ipynb", ".db", ".py", ".json")):
                continue
            try:
                with open(path, "rb") as f:
                    data = f.read(2_000_000)
            except OSError:
                continue
            if {hidden_marker!r}.encode() in data:
                found.append(path)
            if name == "01_neurons.ipynb" and "alice" in path:
                others.append(path)
for path in glob.glob({str(submissions)!r} + "/*/*.ipynb"):
    try:
        open(path).read()
        others.append(path)
    except OSError:
        pass
print("HIDDEN-FOUND", len(set(found)), sorted(set(found))[:5])
print("OTHERS-FOUND", len(set(others)), sorted(set(others))[:5])
"""


def writer(canary: str, submissions: Path, home: Path) -> str:
    """Try to write outside the kernel's own folder."""
    targets = [
        home / canary,
        ROOT / "solutions" / canary,
        ROOT / "course" / canary,
        submissions / canary,
        submissions / "alice" / canary,
    ]
    return f"""\
import glob, os
wrote = []
targets = {[str(t) for t in targets]!r}
targets += [p + ".{canary}" for p in glob.glob("/tmp/nn-course-grading-*")]
for path in glob.glob("/tmp/nn-course-grading-*/**/gradebook.db", recursive=True):
    try:
        with open(path, "ab") as f:
            f.write(b"corrupt")
        wrote.append(path)
    except OSError:
        pass
for path in targets:
    try:
        with open(path, "w") as f:
            f.write("pwned")
        wrote.append(path)
    except OSError:
        pass
with open("mine.txt", "w") as f:
    f.write("my own folder is writable")
print("WROTE", len(wrote), wrote[:5])
"""


def network(port: int) -> str:
    return f"""\
import socket
reached = []
for host, port in (("127.0.0.1", {port}), ("1.1.1.1", 80), ("pypi.org", 443)):
    try:
        socket.create_connection((host, port), timeout=3).close()
        reached.append(host)
    except OSError:
        pass
print("NET-REACHED", len(reached), reached)
"""


#: A student cell that tries, as any user of the grader would, to get privileges back.
ESCALATE = """\
import ctypes, os, subprocess
got = []
status = open("/proc/self/status").read()
caps = status.split("CapEff:")[1].split()[0]
if int(caps, 16):
    got.append("capabilities " + caps)
for path in ("/etc/shadow", "/etc/ssh", "/proc/1/root/etc/shadow"):
    try:
        open(path, "rb").read(1)
        got.append(path)
    except OSError:
        pass
for entry in open("/proc/self/environ", "rb").read().split(b"\\0"):
    name, _, value = entry.decode(errors="replace").partition("=")
    if value.startswith("/"):
        if os.path.isfile(value) and not value.startswith(("/usr/", "/etc/")):
            got.append(f"a file named in the environment: {name}={value}")
    elif any(word in name.upper() for word in ("TOKEN", "SECRET", "KEY")) and value:
        got.append("a secret in the environment: " + name)
for fd in map(int, os.listdir("/proc/self/fd")):
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        continue
    if target.startswith("/") and not target.startswith(("/dev/", "/proc/", os.getcwd())):
        got.append(f"fd {fd} -> {target}")
libc = ctypes.CDLL(None, use_errno=True)
MS_REMOUNT, MS_BIND = 32, 4096
for target in ("/usr", os.path.dirname(__import__("course").__file__)):
    if libc.mount(b"none", target.encode(), None, MS_REMOUNT | MS_BIND, None) == 0:
        got.append("remounted " + target)
CLONE_NEWUSER = 0x10000000
if libc.unshare(CLONE_NEWUSER) == 0:
    got.append("a new user namespace")
print("ESCALATED", len(got), got)
"""

#: Print the code of the cells that call the answer (hidden tests included), three ways.
ECHO_HIDDEN = """\
import inspect, linecache
_right_neuron = neuron
def neuron(x, w, b):
    ip = get_ipython()
    print("IN", ip.user_ns["In"][-1])
    for frame in inspect.stack()[1:4]:
        print("CALLER", "".join(linecache.getlines(frame.filename)))
        print("FRAME", frame.code_context)
    return _right_neuron(x, w, b)
"""

#: A script in an output: it must not run where an instructor or student opens the feedback.
SCRIPT_OUTPUT = """\
from IPython.display import HTML, Javascript, display
display(HTML("<script>document.title = 'pwned-by-html'</script><b>hi</b>"))
display(Javascript("document.title = 'pwned-by-js'"))
"""

#: Fill the kernel's own folder on the host's disk.
DISK_FILL = """\
block = b"x" * (8 * 1024 * 1024)
for i in range(40):
    with open(f"fill-{i}.bin", "wb") as f:
        f.write(block)
        f.flush()
    __import__("time").sleep(0.05)
"""

#: Fill the RAM-backed /tmp, then free it again.
TMP_FILL = """\
import os
written = 0
try:
    with open("/tmp/fill.bin", "wb") as f:
        while written < 2 * 1024**3:
            f.write(b"x" * (16 * 1024 * 1024))
            f.flush()
            written += 16 * 1024 * 1024
except OSError:
    pass
os.remove("/tmp/fill.bin")
print("TMP-HELD", written // 1024**2, "MiB")
"""

#: Start processes until the system says no; each child goes away on its own.
FORK_BOMB = """\
import os, time
children = 0
try:
    while children < 5000:
        if os.fork() == 0:
            time.sleep(2)
            os._exit(0)
        children += 1
except OSError:
    pass
time.sleep(2.5)
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
print("FORKED", children)
"""


@dataclass
class Case:
    """A hostile student: how to build their notebook and what the grader must make of it."""

    build: Callable[[], nbformat.NotebookNode]
    score: float
    status: str = "graded"
    message: str = ""  # a substring the row's message must contain (case-insensitive)


def _hidden_marker() -> str:
    """A line that only the hidden tests of 01_neurons contain."""
    return '"large negative z": (np.array([100.0, 100.0])'


def cases(submissions: Path, home: Path, port: int, canary: str, sandboxed: bool) -> dict:
    table = {
        # runtime
        "loop": Case(prepend("relu_net", LOOP), FULL - 3, message="stopped after"),
        "sleep-loop": Case(prepend("or_networks", SLEEP_LOOP), FULL - 3, message="stopped after"),
        "unstoppable": Case(
            prepend("parameter_counts", UNSTOPPABLE), FULL - 5, message="could not be interrupted"
        ),
        "os-exit": Case(prepend("relu_net", OS_EXIT), 5, message="exited with status 3"),
        "segfault": Case(prepend("or_networks", SEGFAULT), 8, message="SIGSEGV"),
        "sys-exit": Case(prepend("relu_net", SYS_EXIT), FULL - 3),
        "raise-systemexit": Case(prepend("output_size", RAISE_SYSTEM_EXIT), FULL - 2),
        "memory-bomb": Case(prepend("parameter_counts", MEMORY_BOMB), FULL - 3, message="memory"),
        "print-flood": Case(new_cell_after("setup", PRINT_FLOOD), FULL, message="output cut"),
        "image-flood": Case(new_cell_after("setup", IMAGE_FLOOD), FULL, message="output cut"),
        # cells
        "tests-deleted": Case(tests_deleted, FULL, message="missing"),
        "test-edited": Case(test_edited, FULL - 3, message="edited"),
        "test-moved": Case(test_moved, FULL, message="cells were moved"),
        "test-duplicated": Case(test_duplicated, FULL, message="more than once"),
        "grade-id-changed": Case(grade_id_changed, FULL - 2, message="not part of this assignment"),
        "cell-added": Case(cell_added, FULL, message="not part of this assignment"),
        "metadata-stripped": Case(metadata_stripped, FULL, message="missing"),
        "different-notebook": Case(different_notebook, 0, message="missing"),
        # the checking machinery
        "patch-numpy": Case(new_cell_after("neuron", PATCH_NUMPY, True), FULL - 2, message="numpy"),
        "patch-checks-code": Case(
            new_cell_after("neuron", PATCH_CHECKS_CODE, True), FULL - 2, message="__code__"
        ),
        "patch-sys-modules": Case(
            new_cell_after("neuron", PATCH_SYS_MODULES, True), FULL - 2, message="sys.modules"
        ),
        "patch-builtins": Case(
            new_cell_after("neuron", PATCH_BUILTINS, True), FULL - 2, message="builtins.__import__"
        ),
        "patch-torch": Case(new_cell_after("neuron", PATCH_TORCH), FULL, message="torch"),
        "patch-course": Case(
            new_cell_after("neuron", PATCH_COURSE_REFERENCE, True), FULL - 2, message="course"
        ),
        "patch-ipython": Case(
            new_cell_after("neuron", PATCH_IPYTHON, True), FULL - 2, message="tampering"
        ),
        "patch-during-test": Case(
            new_cell_after("neuron", PATCH_DURING_TEST), FULL - 2, message="while this test ran"
        ),
        "reference-only": Case(new_cell_after("neuron", REFERENCE_ONLY), FULL - 2),
    }
    if sandboxed:
        table |= {
            "snoop": Case(
                new_cell_after("setup", snoop(_hidden_marker(), submissions, home)), FULL
            ),
            "writer": Case(new_cell_after("setup", writer(canary, submissions, home)), FULL),
            "network": Case(new_cell_after("setup", network(port)), FULL),
            "escalate": Case(new_cell_after("setup", ESCALATE), FULL),
            "echo-hidden": Case(new_cell_after("neuron", ECHO_HIDDEN), FULL),
            "script-output": Case(new_cell_after("setup", SCRIPT_OUTPUT), FULL),
            "disk-fill": Case(prepend("relu_net", DISK_FILL), 5, message="wrote more than"),
            "tmp-fill": Case(new_cell_after("setup", TMP_FILL), FULL),
            "fork-bomb": Case(new_cell_after("setup", FORK_BOMB), FULL),
        }
    return table


#: Files that are not notebooks, by student id: (bytes, the message the row must give).
NOT_NOTEBOOKS: dict[str, tuple[bytes, str]] = {
    "empty-file": (b"", "empty"),
    "corrupt-json": (b'{"cells": [', "not valid notebook JSON"),
    "json-not-notebook": (b'{"hello": "world"}', "not a Jupyter notebook"),
    "nbformat-2": (
        json.dumps({"nbformat": 2, "nbformat_minor": 0, "metadata": {}, "cells": []}).encode(),
        "format version 2",
    ),
    "not-utf8": ('{"cells": [], "note": "caf\u00e9"}'.encode("latin-1"), "not UTF-8"),
    "binary": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "not UTF-8"),
}


def write_notebook(nb: nbformat.NotebookNode | dict, path: Path) -> None:
    """Write ``nb``: a notebook as nbformat writes it, or raw JSON (for broken structure)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, nbformat.NotebookNode) and nb.get("nbformat") == 4:
        nbformat.write(nb, str(path))
    else:
        path.write_text(json.dumps(nb), encoding="utf-8")


# --- broken structure: graded on the course's own tests, with a note ---------------------


def _raw(change: Callable[[dict], None]) -> Callable[[], dict]:
    """A perfect hand-in as plain JSON, then ``change``d in place."""

    def build() -> dict:
        nb = json.loads(nbformat.writes(perfect()))
        change(nb)
        return nb

    return build


def _cell(nb: dict, grade_id: str) -> dict:
    return next(
        c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id
    )


def _points_lots(nb: dict) -> None:
    _cell(nb, "neuron_test")["metadata"]["nbgrader"]["points"] = "lots"


def _test_as_solution(nb: dict) -> None:
    _cell(nb, "relu_net_test")["metadata"]["nbgrader"]["solution"] = True


def _answer_graded(nb: dict) -> None:
    _cell(nb, "neuron")["metadata"]["nbgrader"].update(grade=True, points=100)


def _junk_metadata(nb: dict) -> None:
    nb["cells"][0]["metadata"]["nbgrader"] = "junk"
    nb["cells"][1]["metadata"] = ["not", "an", "object"]


def _not_cells(nb: dict) -> None:
    nb["cells"][1:1] = [42, "a string", None, {"cell_type": "spreadsheet", "source": ""}]


def _lone_surrogate(nb: dict) -> None:
    nb["cells"].insert(1, {"cell_type": "markdown", "metadata": {}, "source": "my notes \ud800"})


def _nbformat_3(nb: dict) -> None:
    old = json.loads(nbformat.writes(nbformat.convert(perfect(), 3)))
    nb.clear()
    nb.update(old)


#: Hand-ins whose structure is broken: (builder, a substring of the row's message).
MALFORMED: dict[str, tuple[Callable[[], dict], str]] = {
    "points-lots": (_raw(_points_lots), "differed from the released notebook"),
    "test-as-solution": (_raw(_test_as_solution), "differed from the released notebook"),
    "answer-graded": (_raw(_answer_graded), "differed from the released notebook"),
    "junk-metadata": (_raw(_junk_metadata), "without a grade id"),
    "not-cells": (_raw(_not_cells), "were not notebook cells"),
    "lone-surrogate": (_raw(_lone_surrogate), "lone surrogates"),
    "nbformat-3": (_raw(_nbformat_3), "converted to nbformat 4"),
}
