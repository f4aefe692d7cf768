"""Verdicts outside the kernel: the data format, the kernel's copy of a test, the judge, the
records file and the evidence read from the source (autograde.verdicts, course.records)."""

from __future__ import annotations

import json
import os
import re
import sys

import numpy as np
import pytest
import torch
from nbformat.v4 import new_code_cell

from autograde.verdicts import channel, evidence
from autograde.verdicts.judge import judge
from autograde.verdicts.withhold import WITHHELD_NAME, for_kernel
from course import checks, records
from course.records import NotData, Opaque, decode, encode, load_line


def roundtrip(value):
    return decode(json.loads(json.dumps(encode(value))))


# --- course.records -----------------------------------------------------------------------


def test_plain_values_cross_unchanged():
    value = (1, 2.5, "x", None, True, [np.arange(6).reshape(2, 3)], {"W1": np.eye(2)})
    back = roundtrip(value)
    assert back[:5] == (1, 2.5, "x", None, True)
    assert np.array_equal(back[5][0], np.arange(6).reshape(2, 3))
    assert np.array_equal(back[6]["W1"], np.eye(2))


def test_zero_dimensional_arrays_keep_their_shape():
    assert roundtrip(np.array(0.5)).shape == ()
    assert roundtrip(torch.tensor([1.5, 2.0], dtype=torch.bfloat16)).dtype == np.float32


def test_non_finite_floats_cross():
    back = roundtrip([float("nan"), float("inf"), np.float64("-inf")])
    assert np.isnan(back[0]) and back[1] == float("inf") and back[2] == float("-inf")


def test_objects_that_lie_arrive_as_their_plain_data():
    class Anything(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    class Close(np.ndarray):
        def __eq__(self, other):
            return np.ones(self.shape, bool)

    assert type(roundtrip(Anything("OR"))) is str
    assert roundtrip(Anything("OR")) != "XOR"
    back = roundtrip(np.zeros(3).view(Close))
    assert type(back) is np.ndarray and not (back == np.ones(3)).all()


def test_what_is_not_data_becomes_an_opaque_name():
    back = roundtrip(torch.nn.Linear(2, 2))
    assert isinstance(back, Opaque) and "Linear" in back.type_name
    assert isinstance(roundtrip(np.array([object()])), Opaque)


@pytest.mark.parametrize(
    "bad",
    [
        {"array": {"dtype": "object", "shape": [1], "b64": ""}},
        {"array": {"dtype": "float64", "shape": [2], "b64": "AAAAAAAAAAA="}},
        {"int": 1.5},
        {"bool": 1},
        {"pickle": "gASV"},
        {"int": 1, "float": 2.0},
        {"float": "1e309x"},
    ],
)
def test_malformed_values_are_refused(bad):
    with pytest.raises(NotData):
        decode(bad)


def test_a_record_line_is_checked_field_by_field():
    good = {"check": "close", "what": "x", "actual": {"int": 1}, "rtol": 0.1}
    assert load_line(json.dumps(good), 1000)["actual"] == 1
    for bad in ({**good, "check": "exec"}, {**good, "rtol": -1}, {**good, "what": 3}, [1]):
        with pytest.raises(NotData):
            load_line(json.dumps(bad), 1000)
    with pytest.raises(NotData):
        load_line('{"check": "close", "what": "x", "actual": {"float": NaN}}', 1000)
    with pytest.raises(NotData):
        load_line(json.dumps(good), 10)


# --- the checks record what they saw ------------------------------------------------------


@pytest.fixture
def recorded(tmp_path, monkeypatch):
    path = tmp_path / "records.jsonl"
    monkeypatch.setenv(records.RECORDS_ENV, str(path))

    def read():
        return [load_line(line, 1 << 20) for line in path.read_text().splitlines()]

    return read


def test_withheld_checks_record_the_answer_and_never_compute_the_reference(recorded):
    calls = []

    def reference(x):
        calls.append(x)
        return x

    checks.expect_same_as(lambda x: x * 2, checks.WITHHELD, {"a": (np.ones(2),)}, "double")
    checks.expect_close(np.ones(2) * 3, checks.WITHHELD, "three")
    assert not calls
    got = recorded()
    assert [r["what"] for r in got] == [
        "double, case 'a'",
        "double, case 'a': inputs unchanged",
        "three",
    ]
    assert np.array_equal(got[0]["actual"], [2.0, 2.0]) and "expected" not in got[0]


def test_the_answer_runs_before_the_reference_exists(recorded):
    """Frame peeking: nothing the reference computed is there when the answer runs."""
    seen = {}

    def answer(x):
        seen.update(sys._getframe(1).f_locals)
        return x

    checks.expect_same_as(answer, lambda x: x, {"a": (np.ones(2),)}, "peek")
    assert "want" not in seen and "expected" not in seen


def test_a_key_run_records_expected_values_and_tolerances(recorded):
    checks.expect_close(np.ones(2), np.ones(2), "x", rtol=0.5, atol=0.25)
    (record,) = recorded()
    assert record["rtol"] == 0.5 and record["atol"] == 0.25
    assert np.array_equal(record["expected"], np.ones(2))


def test_in_jupyterlab_nothing_is_recorded_and_messages_are_unchanged(monkeypatch, tmp_path):
    monkeypatch.delenv(records.RECORDS_ENV, raising=False)
    with pytest.raises(checks.CheckFailed, match="1 of 2 values are wrong"):
        checks.expect_close(np.array([1.0, 2.0]), np.array([1.0, 3.0]), "x")
    assert not list(tmp_path.iterdir())


# --- the kernel's copy of a test ----------------------------------------------------------


TEST = """\
from course.checks import expect_close, expect_equal, expect_same_as
expect_close(neuron(x), 0.5, "at zero", rtol=0, atol=1e-3)
expect_equal(homework_gate, "XOR", "gate")
expect_same_as(neuron, neurons.neuron, {"a": (1,)}, atol=1e-7)
expect_same_as(f, reference=ref, cases=c, what="f", rtol=1e-3)
"""


def test_the_kernel_copy_withholds_expected_values_references_and_tolerances():
    code = for_kernel(TEST)
    for secret in (
        "0.5",
        "XOR",
        "neurons.neuron",
        "reference=ref",
        "1e-07",
        "1e-3",
        "atol",
        "rtol",
    ):
        assert secret not in code
    assert code.count(WITHHELD_NAME) == 5  # the import and four checks
    assert "what='neuron'" in code  # labels never depend on the student's names


def test_the_key_copy_keeps_everything_and_the_same_labels():
    code = for_kernel(TEST, withhold=False)
    assert "0.5" in code and "neurons.neuron" in code and WITHHELD_NAME not in code
    assert "what='neuron'" in code


def test_the_key_knows_which_of_its_records_the_visible_tests_make(recorded):
    from autograde.verdicts.key import split_visible

    source = (
        "from course.checks import expect_close\n"
        "expect_close(1.0, 1.0, 'visible')\n"
        "if True:\n"
        "    ### BEGIN HIDDEN TESTS\n"
        "    expect_close(2.0, 2.0, 'hidden')\n"
        "    ### END HIDDEN TESTS\n"
    )
    assert "mark_hidden" not in for_kernel(source)  # a student's kernel writes no mark
    exec(compile(for_kernel(source, withhold=False), "<test>", "exec"), {})
    with open(os.environ[records.RECORDS_ENV], encoding="utf-8") as f:
        lines = f.read().splitlines()
    kept, visible = split_visible(lines)
    assert [json.loads(line)["what"] for line in kept] == ["visible", "hidden"]
    assert visible == 1
    assert split_visible(kept) == (kept, 2)  # no hidden tests: every record is visible


# --- the judge ----------------------------------------------------------------------------


def key(what, expected, check="close", **extra):
    return {"check": check, "what": what, "actual": expected, "expected": expected, **extra}


def got(what, actual, check="close", **extra):
    return {"check": check, "what": what, "actual": actual, **extra}


def test_right_values_pass_within_the_key_tolerance():
    k = [key("a", np.array([1.0, 2.0]), rtol=0, atol=0.1), key("n", 3, "equal")]
    assert judge(k, [got("a", np.array([1.05, 2.0])), got("n", 3, "equal")]).passed
    verdict = judge(k, [got("a", np.array([1.2, 2.0])), got("n", 3, "equal")])
    assert not verdict.passed and "1 of 2 values are wrong" in verdict.message


def test_a_missing_check_fails_and_says_the_test_stopped():
    verdict = judge([key("a", 1.0), key("b", 2.0)], [got("a", 1.0)])
    assert not verdict.passed and not verdict.reached and "never reported" in verdict.message


def test_repeated_labels_are_matched_in_order():
    k = [key("a", 1.0), key("a", 2.0)]
    assert judge(k, [got("a", 1.0), got("a", 2.0)]).passed
    assert not judge(k, [got("a", 2.0), got("a", 1.0)]).passed


def test_what_is_not_data_never_passes():
    assert not judge([key("a", 1.0)], [got("a", Opaque("Liar"))]).passed
    assert not judge([key("g", "XOR", "equal")], [got("g", "OR", "equal")]).passed


def test_types_shapes_and_conditions_are_judged():
    k = [
        {"check": "type", "what": "t", "types": ["tuple"], "expected": ["tuple"]},
        {"check": "shape", "what": "s", "actual": [2], "expected": [2]},
        {"check": "true", "what": "c", "actual": True, "message": "must hold"},
    ]
    ok = [
        {"check": "type", "what": "t", "types": ["tuple", "object"]},
        got("s", [2], "shape"),
        got("c", True, "true"),
    ]
    assert judge(k, ok).passed
    assert "expected tuple, got list" in judge(k, [{**ok[0], "types": ["list"]}, *ok[1:]]).message
    assert "expected shape (2,)" in judge(k, [ok[0], got("s", [3], "shape"), ok[2]]).message
    verdict = judge(k, [ok[0], ok[1], got("c", False, "true")])
    assert "must hold" in verdict.message and not verdict.decisive


def test_no_key_no_credit():
    assert not judge([], [got("a", 1.0)]).passed


# --- the records file ---------------------------------------------------------------------


def test_the_grader_reads_only_a_regular_file(tmp_path):
    target = tmp_path / "elsewhere.jsonl"
    target.write_text(json.dumps({"check": "true", "what": "x", "actual": {"bool": True}}) + "\n")
    link = tmp_path / channel.FILE_NAME
    link.symlink_to(target)
    assert channel.read(link) == ([], 0)
    channel.clear(link)
    assert target.exists() and not link.exists()
    os.mkfifo(link)
    assert channel.read(link) == ([], 1)  # no hang on a pipe
    channel.clear(link)
    link.write_text(target.read_text() + "not json\n" + '{"check": "eval", "what": "x"}\n')
    found, refused = channel.read(link)
    assert len(found) == 1 and refused == 2


def test_a_flood_of_records_is_cut(tmp_path, monkeypatch):
    monkeypatch.setattr(channel, "MAX_BYTES", 1000)
    path = tmp_path / channel.FILE_NAME
    line = json.dumps({"check": "true", "what": "x", "actual": {"bool": True}}) + "\n"
    path.write_text(line * 100)
    found, refused = channel.read(path)
    assert len(found) < 100 and refused >= 1


# --- evidence from the source -------------------------------------------------------------


def Cell(source: str, grade_id: str | None = None):  # noqa: N802 - reads like a constructor
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id}
    return cell


SETUP = "import numpy as np\nimport torch\nfrom course import neurons"
NEURON_TEST = (
    "with forbid_calls(neurons.neuron, torch.sigmoid, what='neuron'):\n    neuron(1, 2, 3)"
)
OTHER_TEST = "expect_equal(gate, 'XOR', 'gate')"


def scan(answer, extra=None, answer_for="neuron"):
    cells = [Cell(SETUP, "setup"), Cell(answer, "neuron"), Cell(NEURON_TEST, "neuron_test")]
    kinds = ["locked", "student", "test"]
    exercise = [None, answer_for, None]
    if extra is not None:
        cells.insert(1, Cell(extra))
        kinds.insert(1, "student")
        exercise.insert(1, None)
    cells.append(Cell(OTHER_TEST, "gate_test"))
    kinds.append("test")
    exercise.append(None)
    return evidence.scan(cells, kinds, exercise)


@pytest.mark.parametrize(
    "answer",
    [
        "def neuron(x, w, b):\n    return neurons.neuron(x, w, b)",
        "from course.neurons import neuron as n\ndef neuron(x, w, b):\n    return n(x, w, b)",
        "import course\ndef neuron(x, w, b):\n    return course.neurons.neuron(x, w, b)",
        "from course.neurons import *\ndef neuron(x, w, b):\n    return sigmoid(x @ w + b)\nsigmoid = neuron",
        "def neuron(x, w, b):\n    return getattr(neurons, 'neu' + 'ron')(x, w, b)",
        "def neuron(x, w, b):\n    return torch.sigmoid(torch.tensor(x @ w + b))",
    ],
)
def test_delegation_is_found_in_the_answer(answer):
    found = scan(answer)
    assert "neuron_test" in found.refused and "gate_test" not in found.refused


def test_a_delegating_cell_the_student_added_costs_every_test_that_forbids_it():
    found = scan("def neuron(x, w, b):\n    return 0.5", extra="neuron = neurons.neuron")
    assert found.refused["neuron_test"][0] == "ForbiddenCall"


def test_own_definitions_with_library_names_are_not_delegation():
    answer = "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\ndef neuron(x, w, b):\n    return sigmoid(x @ w + b)"
    assert not scan(answer).refused


@pytest.mark.parametrize(
    "construct",
    [
        "import sys\nsys.setprofile(None)",
        "import threading",
        "import ctypes",
        "from gc import get_referents",
        "from IPython import get_ipython",
        "import IPython.core.interactiveshell",
        "get_ipython().events.register('pre_run_cell', print)",
        "exec('x = 1')",
        "f = neuron.__code__",
        "import sys\nframe = sys._getframe(1)",
        "import sys as s\nm = s.modules",
        "g = globals()",
        "setattr(np, '__dict__', {})",
        "import importlib",
        "from concurrent.futures import ThreadPoolExecutor",
    ],
)
def test_reaching_into_the_grader_is_named_for_review_and_costs_nothing_by_itself(construct):
    found = scan("def neuron(x, w, b):\n    return 0.5", extra=construct)
    assert not found.refused
    assert len(found.review) == 1 and found.review[0].startswith("review: cell 2 ")


@pytest.mark.parametrize(
    "honest",
    [
        "import math\nfrom itertools import product",
        "class Net(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        for i in range(3):\n            setattr(self, f'fc{i}', torch.nn.Linear(2, 2))",
        "kernel = np.ones(3)\nevents = []\nfor m in torch.nn.Sequential().modules():\n    pass",
        "%matplotlib inline\nimport numpy as np",
        "import gc\ngc.collect()",
        "from IPython.display import HTML, display\nimport IPython",
    ],
)
def test_ordinary_code_is_not_evidence(honest):
    found = scan("def neuron(x, w, b):\n    return 0.5", extra=honest)
    assert not found.refused and not found.review


def test_values_of_the_students_own_work_are_compared_with_each_other():
    k = [
        {
            "check": "consistent",
            "what": "acc",
            "actual": 0.9,
            "other": 0.9,
            "rtol": 0.0,
            "atol": 1e-6,
        }
    ]
    mine = {"check": "consistent", "what": "acc", "actual": 0.95, "other": 0.95}
    assert judge(k, [mine]).passed  # another student's network, another accuracy
    assert "wrong value" in judge(k, [{**mine, "other": 0.5}]).message


def test_a_cell_without_a_grade_id_only_costs_the_tests_after_it():
    cells = [
        Cell(SETUP, "setup"),
        Cell(NEURON_TEST, "neuron_test"),
        Cell("table = neurons.neuron(x, w, b)"),  # after the test it could have changed
    ]
    assert not evidence.scan(cells, ["locked", "test", "student"], [None] * 3).refused


def test_a_forbidden_function_is_found_under_any_of_its_names():
    names = evidence.other_names({"course.neurons.sigmoid", "course.cnn.SlidesNet.forward"})
    assert "course.activations.sigmoid" in names  # the same function, another module
    assert "course.cnn.SlidesNet" in names  # subclassing inherits the forbidden method
    forbidden = {"neuron_test": sorted(evidence.other_names({"course.neurons.sigmoid"}))}
    cells = [
        Cell("from course import activations", "setup"),
        Cell("def neuron(x, w, b):\n    return activations.sigmoid(x @ w + b)", "neuron"),
        Cell("neuron(1, 2, 3)", "neuron_test"),
    ]
    found = evidence.scan(
        cells, ["locked", "student", "test"], [None, "neuron", None], None, forbidden
    )
    assert "neuron_test" in found.refused


def test_feedback_redacts_hidden_tests_as_the_kernel_ran_them_too():
    """A student's code sees the withheld copy (In[-1]); its re-printed lines are hidden too."""
    import nbformat

    from autograde.grading.feedback import hidden_lines, redact_text

    source = (
        "from course.checks import expect_same_as\n"
        "### BEGIN HIDDEN TESTS\n"
        'expect_same_as(f, ref, {"secret case": (np.array([123.5, 4.0]),)}, atol=1e-7)\n'
        "### END HIDDEN TESTS"
    )
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    ran = for_kernel(source)
    printed = redact_text(ran, hidden_lines(nb))
    assert "secret case" in ran and "secret case" not in printed and "123.5" not in printed


def test_every_test_cell_of_the_course_is_judged_outside_the_kernel():
    """A test cell without course.checks could only be judged by the kernel: none may exist."""
    from autograde.release.coursefolder import SOLUTIONS_DIR

    for path in sorted(SOLUTIONS_DIR.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                code = "".join(cell["source"])
                checks_called = {n.split("(")[0] for n in re.findall(r"\bexpect_\w+\(", code)}
                assert checks_called, (path.name, meta["grade_id"])
