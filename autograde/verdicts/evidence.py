"""Evidence from the submitted source: delegation and reaching into the grader.

What a kernel reports can be right only because the student's code computed it; whether it
computed it *itself* or handed the work to the course's reference cannot be told from inside
the kernel (a profiler there can be switched off). The source handed in cannot be changed by
the code that runs, so it is read here, outside the kernel, before anything runs:

- **delegation**: a student's cell names a function that a test forbids
  (``forbid_calls(...)`` in the authentic test cells: ``course.neurons.neuron``,
  ``torch.sigmoid`` ...), resolved through every import alias (``from course import
  convolution as reference``). The test cells of the exercise whose answer names it (for a
  cell without a grade id, every later test that forbids it) get no credit.
- **reaching into the grader**: code that changes how other code runs or reads what it may not
  (``sys.setprofile``, frames, ``gc.get_referents``, ``ctypes``, threads, IPython's hooks and
  transformers, ``exec``/``eval``, ``__code__``, ``__globals__`` ...). It cannot change a
  verdict (values are judged outside the kernel), so it costs nothing by itself; but it could
  hide a call to the reference under a computed name, which no program can rule out, so the
  first such cell is named in the grading notes as ``review: ...`` for the instructor (the
  grades stand until a person decides).

A name found here that the answer does not actually call still costs the points: an answer
must not mention the reference it is asked to rewrite.
"""

from __future__ import annotations

import ast
import importlib
import sys
from dataclasses import dataclass, field

from autograde.grading.results import split_test_id

#: Modules whose import alone reaches into the interpreter or the kernel.
TAMPER_MODULES = frozenset(
    "ctypes threading _thread inspect importlib builtins multiprocessing concurrent signal "
    "atexit ipykernel jupyter_client autograde traitlets zmq tornado asyncio faulthandler "
    "code codeop".split()
)
#: Submodules of IPython a notebook may use (display); the rest reach the shell.
IPYTHON_ALLOWED = ("IPython.display", "IPython.core.display")
#: Attributes that reach into frames, code objects, the interpreter's hooks or the kernel.
TAMPER_ATTRS = frozenset(
    "setprofile settrace _getframe f_back f_locals f_globals f_code f_builtins __globals__ "
    "__code__ __wrapped__ __builtins__ __subclasses__ __closure__ __func__ __defaults__ "
    "__kwdefaults__ __dict__ get_referents get_referrers pythonapi input_transformer_manager "
    "input_transformers_post input_transformers_cleanup ast_transformers events shell_handlers "
    "control_handlers register_magic_function setswitchinterval addaudithook _current_frames "
    "meta_path path_hooks excepthook displayhook get_objects get_ipython user_ns".split()
)
#: Bare names that run text as code, hand out namespaces or reach the kernel.
TAMPER_NAMES = frozenset(
    "get_ipython __import__ __builtins__ exec eval compile globals vars locals breakpoint".split()
)
#: Resolved dotted names (through import aliases) that reach into the interpreter.
TAMPER_DOTTED = frozenset(["sys.modules", "sys.getprofile", "sys.gettrace", "course.checks"])
#: Builtins that name an attribute (by a string, perhaps computed).
ATTRIBUTE_CALLS = frozenset("getattr setattr delattr".split())


@dataclass
class Evidence:
    """grade id of a test cell -> (error name, why it gets no credit); notes for the
    instructor (``review``: what a person should read)."""

    refused: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: grade id of a refused test cell -> the forbidden names the student's cell uses
    used: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)


def _parse(source: str) -> ast.AST | None:
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _aliases(tree: ast.AST, into: dict[str, str]) -> None:
    """name -> dotted module path for every import in ``tree``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    into[a.asname] = a.name
                else:
                    into[a.name.split(".")[0]] = a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                into[a.asname or a.name] = f"{node.module}.{a.name}"


def _dotted(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def _resolve(node: ast.AST, aliases: dict[str, str]) -> str | None:
    parts = _dotted(node)
    if not parts:
        return None
    head = aliases.get(parts[0], parts[0])
    return ".".join([head, *parts[1:]])


def _lists(tree: ast.AST) -> dict[str, list[ast.AST]]:
    """name -> the elements of every list literal assigned (or ``+=``-ed) to it."""
    lists: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.List | ast.Tuple):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    lists[target.id] = list(node.value.elts)
        elif isinstance(node, ast.AugAssign) and isinstance(node.value, ast.List | ast.Tuple):
            if isinstance(node.target, ast.Name):
                lists.setdefault(node.target.id, []).extend(node.value.elts)
    return lists


def _forbidden(test_source: str, aliases: dict[str, str]) -> set[str]:
    """The dotted names of every function the test forbids: ``forbid_calls(...)``'s
    arguments and ``forbid=[...]`` of ``expect_same_as`` (lists named by a variable too)."""
    tree = _parse(test_source)
    if tree is None:
        return set()
    local = dict(aliases)
    _aliases(tree, local)
    lists = _lists(tree)

    def expand(node: ast.AST) -> list[ast.AST]:
        if isinstance(node, ast.Starred):
            node = node.value
        if isinstance(node, ast.List | ast.Tuple):
            return list(node.elts)
        if isinstance(node, ast.Name) and node.id in lists:
            return lists[node.id]
        return [node]

    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        args: list[ast.AST] = []
        if getattr(node.func, "id", None) == "forbid_calls":
            args = [e for a in node.args for e in expand(a)]
        args += [e for kw in node.keywords if kw.arg == "forbid" for e in expand(kw.value)]
        for arg in args:
            name = _resolve(arg, local)
            if name:
                names.add(name)
    return names


#: Packages whose modules are searched for other names of a forbidden function.
SEARCHED = ("course", "torch", "numpy", "scipy")


def _lookup(dotted: str) -> object | None:
    """The object ``dotted`` names in the grader's own process, or None."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except Exception:  # noqa: BLE001 - a module that is not there names nothing
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return None
        return obj
    return None


def canonical(names: list[str] | set[str]) -> frozenset[str]:
    """What ``names`` stand for, whatever module they were reached through: each object's
    own ``module.qualname`` (``numpy.tanh`` for ``np.tanh``), else the name as written."""
    found = set()
    for name in names:
        obj = _lookup(name)
        module = getattr(obj, "__module__", None) or type(obj).__module__  # a ufunc: numpy
        qualname = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
        found.add(f"{module}.{qualname}" if obj is not None and module and qualname else name)
    return frozenset(found)


def other_names(forbidden: set[str]) -> set[str]:
    """``forbidden`` and every other dotted name of the same objects in the modules of
    :data:`SEARCHED` (``course.activations.sigmoid`` when it is ``course.neurons.sigmoid``),
    and the class of a forbidden method (subclassing it inherits the method)."""
    objects = {}
    names = set(forbidden)
    for name in forbidden:
        obj = _lookup(name)
        if obj is None:
            continue
        objects[id(obj)] = obj
        owner, _, _ = name.rpartition(".")
        if isinstance(_lookup(owner), type) and not owner.startswith(("torch.", "numpy.")):
            names.add(owner)
    for module_name, module in list(sys.modules.items()):
        if module is None or not module_name.startswith(SEARCHED):
            continue
        try:
            attributes = list(vars(module).items())
        except TypeError:
            continue
        for attr, value in attributes:
            if id(value) in objects and value is objects[id(value)]:
                names.add(f"{module_name}.{attr}")
    return names


def _mentions(tree: ast.AST, aliases: dict[str, str], forbidden: set[str]) -> set[str]:
    """The names of ``forbidden`` that ``tree`` uses, resolved through ``aliases``: by dotted
    name, by a star import of their module, or by a computed attribute of their module."""
    used, bare, stars, dynamic = set(), set(), set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute | ast.Name):
            name = _resolve(node, aliases)
            if name:
                used.add(name)
            if isinstance(node, ast.Name):
                bare.add(node.id)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if any(a.name == "*" for a in node.names):
                stars.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ATTRIBUTE_CALLS:
            if node.args and not (len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
                target = _resolve(node.args[0], aliases)
                if target:
                    dynamic.add(target)
    hits = used & forbidden
    for name in forbidden:
        module, _, last = name.rpartition(".")
        if (module in stars and last in bare) or module in dynamic:
            hits.add(name)
    return hits


def _tampering(tree: ast.AST, aliases: dict[str, str]) -> str:
    """The first construct in ``tree`` that reaches into the grader, or ""."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for module in modules:
                if module.split(".")[0] in TAMPER_MODULES or module in TAMPER_DOTTED:
                    return f"imports {module}"
                ipython = module.split(".")[0] == "IPython" and module != "IPython"
                if ipython and not module.startswith(IPYTHON_ALLOWED):
                    return f"imports {module}"
                if module.rsplit(".", 1)[-1] in TAMPER_ATTRS:
                    return f"imports {module}"
        elif isinstance(node, ast.Attribute):
            if node.attr in TAMPER_ATTRS:
                return f"uses .{node.attr}"
            if _resolve(node, aliases) in TAMPER_DOTTED:
                return f"uses {_resolve(node, aliases)}"
        elif isinstance(node, ast.Name) and node.id in TAMPER_NAMES:
            return f"uses {node.id}"
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ATTRIBUTE_CALLS:
            if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                if str(node.args[1].value) in TAMPER_ATTRS:
                    return f"calls {node.func.id}(..., {node.args[1].value!r})"
    return ""


def _course_aliases(cells: list, kinds: list[str]) -> dict[str, str]:
    """The import aliases of the course's own (locked) cells."""
    aliases: dict[str, str] = {}
    for cell, kind in zip(cells, kinds, strict=True):
        if kind == "locked":
            tree = _parse(cell.source)
            if tree is not None:
                _aliases(tree, aliases)
    return aliases


def forbidden_by_test(cells: list, kinds: list[str]) -> dict[str, list[str]]:
    """grade id of each test cell -> every name of every function it forbids (imports the
    modules named, so the answer key computes it once per class: see :func:`other_names`)."""
    aliases = _course_aliases(cells, kinds)
    return {
        cell.metadata.nbgrader.grade_id: sorted(other_names(_forbidden(cell.source, aliases)))
        for cell, kind in zip(cells, kinds, strict=True)
        if kind == "test"
    }


def scan(
    cells: list,
    kinds: list[str],
    exercise_of: list[str | None],
    numbers: list[int] | None = None,
    forbidden: dict[str, list[str]] | None = None,
) -> Evidence:
    """Read a notebook's code ``cells`` (``kinds`` from :class:`AuthenticCells`, for each
    student cell the exercise its solution cell answers, else None; ``numbers``: each cell's
    number in the notebook, 1-based, for the messages; ``forbidden``: from the answer key,
    else worked out here)."""
    numbers = numbers or list(range(1, len(cells) + 1))
    evidence = Evidence()
    aliases = _course_aliases(cells, kinds)
    if forbidden is None:
        forbidden = forbidden_by_test(cells, kinds)
    position = {
        cell.metadata.nbgrader.grade_id: index
        for index, (cell, kind) in enumerate(zip(cells, kinds, strict=True))
        if kind == "test"
    }
    forbidden = {g: set(names) for g, names in forbidden.items() if g in position}
    reviewed = False
    student_aliases = dict(aliases)
    for index, (cell, kind, exercise) in enumerate(zip(cells, kinds, exercise_of, strict=True)):
        if kind != "student":
            continue
        tree = _parse(cell.source)
        if tree is None:
            continue
        _aliases(tree, student_aliases)
        for node in ast.walk(tree):  # a name the student defines is theirs, not the library's
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                student_aliases.pop(node.name, None)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                student_aliases.pop(node.id, None)
        why = _tampering(tree, student_aliases) if not reviewed else ""
        if why:
            reviewed = True
            evidence.review.append(
                f"review: cell {numbers[index]} {why}, which reaches into the grader's "
                "machinery; it cannot change a verdict, but it could hide a call to the "
                "reference, which only a person reading the code can rule out"
            )
        for grade_id, names in forbidden.items():
            if exercise is not None and split_test_id(grade_id)[0] != exercise:
                continue
            if exercise is None and position[grade_id] < index:
                continue  # a cell of the student's own can only change the tests after it
            hit = sorted(_mentions(tree, student_aliases, names))
            if hit:
                why = (
                    f"cell {numbers[index]} uses {', '.join(hit)}, which this exercise asks you to "
                    "implement yourself (no credit for calling the reference or a framework "
                    "built-in)"
                )
                if grade_id not in evidence.refused:
                    evidence.refused[grade_id] = ("ForbiddenCall", why)
                    evidence.used[grade_id] = hit
                evidence.notes.append(f"{grade_id}: {why}")
    return evidence
