"""Attacks on the verdict itself, one per class, each on a hand-in whose answers are all wrong.

Each class reaches the checks by another road: IPython's hooks (one that fakes its module),
input transformers, the shell's compiler, the guard's own restore, the kernel's message
handlers, a hook that patches only while a test runs and removes itself, a thread, ctypes and
``gc`` edits of NumPy's types, objects that compare equal to anything, frame peeking, rebinding
a test's globals, and answers that call the reference with the profiler switched off (by
``sys.setprofile(None)``, from a thread, through ``__wrapped__``, or only when no profiler
watches). Not one of them may earn a point: all the answers are wrong or delegated.
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell

from autograde.variants import load
from tests.hostile.builders import STEM, index_of, perfect

_CHECKERS = '("expect_close", "expect_equal", "expect_same_as", "expect_shape", "expect_true", "expect_type")'


def all_wrong() -> nbformat.NotebookNode:
    """A perfect hand-in with every answer replaced by a known-wrong one (scores 0)."""
    nb = perfect()
    wrong, _ = load(STEM)
    for grade_id, variants in wrong.items():
        label = next(label for label in variants if "reference" not in label)
        nb.cells[index_of(nb, grade_id)].source = variants[label].strip("\n")
    return nb


def with_cell(code: str, after: str = "setup"):
    """All answers wrong, and a cell ``code`` after cell ``after``."""

    def build() -> nbformat.NotebookNode:
        nb = all_wrong()
        nb.cells.insert(index_of(nb, after) + 1, new_code_cell(code))
        return nb

    return build


def with_answer(grade_id: str, code: str):
    """All answers wrong, the answer ``grade_id`` replaced by ``code``."""

    def build() -> nbformat.NotebookNode:
        nb = all_wrong()
        nb.cells[index_of(nb, grade_id)].source = code
        return nb

    return build


ACCEPT_ALL = f"""\
import course.checks as _checks
def _accept(*args, **kwargs):
    return None
def _patch(*args, **kwargs):
    for _name in {_CHECKERS}:
        getattr(_checks, _name).__code__ = _accept.__code__
"""

HOOK_FAKE_MODULE = (
    ACCEPT_ALL
    + """\
_patch.__module__ = "IPython.core.events"
_patch.__qualname__ = "_run_pre_cell_hooks"
get_ipython().events.register("pre_run_cell", _patch)
"""
)
TRANSFORMER = """\
ip = get_ipython()
def _empty_tests(lines):
    return ["pass\\n"] if any("expect_" in line for line in lines) else lines
ip.input_transformers_post.append(_empty_tests)
class _Manager:
    def __init__(self, real):
        self.real = real
    def transform_cell(self, cell):
        return "pass\\n" if "expect_" in cell else self.real.transform_cell(cell)
    def __getattr__(self, name):
        return getattr(self.real, name)
ip.input_transformer_manager = _Manager(ip.input_transformer_manager)
"""
COMPILE = """\
ip = get_ipython()
_parse = ip.compile.ast_parse
def _ast_parse(source, *args, **kwargs):
    if "expect_" in source:
        return _parse("pass", *args, **kwargs)
    return _parse(source, *args, **kwargs)
ip.compile.ast_parse = _ast_parse
"""
PATCH_GUARD = (
    ACCEPT_ALL
    + """\
from autograde.hardening import kernel_guard
kernel_guard.Snapshot.restore = lambda self, *args, **kwargs: []
kernel_guard.Snapshot.changed = lambda self, *args, **kwargs: []
_patch()
"""
)
MESSAGE_HANDLERS = """\
kernel = get_ipython().kernel
_real = kernel.shell_handlers["execute_request"]
async def _execute(*args):
    parent = args[-1]
    code = parent.get("content", {}).get("code", "")
    if "expect_" in code:
        parent["content"]["code"] = "pass"
    return await _real(*args)
kernel.shell_handlers["execute_request"] = _execute
"""
SELF_REMOVING = (
    ACCEPT_ALL
    + """\
_saved = {n: getattr(_checks, n).__code__ for n in """
    + _CHECKERS
    + """}
ip = get_ipython()
def _before(info):
    if "expect_" in (info.raw_cell or ""):
        _patch()
def _after(result):
    for n, code in _saved.items():
        getattr(_checks, n).__code__ = code
ip.events.register("pre_run_cell", _before)
ip.events.register("post_run_cell", _after)
"""
)
THREAD = (
    ACCEPT_ALL
    + """\
import sys, threading, time
sys.setswitchinterval(1e-6)
def _keep_patching():
    while True:
        _patch()
        time.sleep(0.0005)
threading.Thread(target=_keep_patching, daemon=True).start()
"""
)
CTYPES_GC = """\
import ctypes, gc
import numpy as np
_d = gc.get_referents(np.ndarray.__dict__)[0]
_d["any"] = lambda self, *args, **kwargs: False
_d["all"] = lambda self, *args, **kwargs: True
_d["__ne__"] = lambda self, other: np.zeros(np.shape(self), dtype=bool)
ctypes.pythonapi.PyType_Modified(ctypes.py_object(np.ndarray))
"""
#: Answers that are objects equal to anything; no forbidden construct in sight.
LYING_EQ = """\
class _Anything(str):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = str.__hash__
    def strip(self, *args):
        return self
    def upper(self):
        return self
W1 = np.array([[-1.0, 1.0], [1.0, -1.0]])
W2 = np.array([[1.0, 1.0]])
class _Close(np.ndarray):
    def __sub__(self, other):
        return np.zeros(np.shape(other))
    def __eq__(self, other):
        return np.ones(np.shape(self), dtype=bool)
    def __ne__(self, other):
        return np.zeros(np.shape(self), dtype=bool)
def two_layer_relu(x, W1, W2):
    return np.zeros(np.asarray(x).shape[0]).view(_Close)
homework_gate = _Anything("OR")
"""
FRAME_PEEK = """\
import sys
def neuron(x, w, b):
    frame = sys._getframe(1)
    while frame is not None:
        for name in ("want", "_want", "expected"):
            value = frame.f_locals.get(name)
            if value is not None and not callable(value):
                return value
        reference = frame.f_locals.get("reference")
        if callable(reference):
            return reference(x, w, b)
        frame = frame.f_back
    return np.zeros(np.shape(np.asarray(x) @ np.asarray(w)))
"""
#: The answer rebinds the test's checkers in the namespace the test runs in (no import, no
#: introspection: only a `global` statement).
REBIND_GLOBALS = """\
def neuron(x, w, b):
    global expect_close, expect_same_as, expect_shape
    expect_close = expect_same_as = expect_shape = lambda *args, **kwargs: None
    return np.zeros(np.shape(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float)))
"""
PROFILER_OFF = """\
import sys
def neuron(x, w, b):
    sys.setprofile(None)
    return neurons.neuron(x, w, b)
"""
FROM_A_THREAD = """\
from concurrent.futures import ThreadPoolExecutor
from course import neurons as _library
_pool = ThreadPoolExecutor(1)
def neuron(x, w, b):
    return _pool.submit(_library.neuron, x, w, b).result()
"""
WRAPPED = """\
from course.neurons import neuron as _reference
_reference.__wrapped__ = lambda *args: None
def neuron(x, w, b):
    return _reference(x, w, b)
"""
WHEN_UNWATCHED = """\
import sys
def neuron(x, w, b):
    if sys.getprofile() is None:
        return neurons.neuron(x, w, b)
    z = np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b
    return 1.0 / (1.0 + np.exp(-z))
"""
STAR_IMPORT = """\
from course.neurons import *
def neuron(x, w, b):
    return 1.0 / (1.0 + np.exp(-(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b))) if False else sigmoid(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b)
"""

#: student id -> how to build the hand-in
ATTACKS = {
    "all-wrong": all_wrong,
    "hook-fake-module": with_cell(HOOK_FAKE_MODULE),
    "transformer": with_cell(TRANSFORMER),
    "compile": with_cell(COMPILE),
    "patch-guard": with_cell(PATCH_GUARD),
    "message-handlers": with_cell(MESSAGE_HANDLERS),
    "self-removing-hook": with_cell(SELF_REMOVING),
    "thread": with_cell(THREAD),
    "ctypes-gc": with_cell(CTYPES_GC),
    "lying-eq": with_answer("relu_net", LYING_EQ),
    "frame-peek": with_answer("neuron", FRAME_PEEK),
    "rebind-globals": with_answer("neuron", REBIND_GLOBALS),
    "profiler-off": with_answer("neuron", PROFILER_OFF),
    "reference-from-thread": with_answer("neuron", FROM_A_THREAD),
    "reference-wrapped": with_answer("neuron", WRAPPED),
    "reference-when-unwatched": with_answer("neuron", WHEN_UNWATCHED),
    "reference-star-import": with_answer("neuron", STAR_IMPORT),
}
