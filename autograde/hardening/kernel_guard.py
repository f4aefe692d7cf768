"""The grading kernel: IPython with a guard that puts back what student code monkeypatched.

The student's answers and the tests run in one Python process, so a submission can rebind
``numpy.allclose``, replace ``course.checks.expect_close.__code__``, put a fake module in
``sys.modules``, patch ``builtins``, install an IPython input or AST transformer that rewrites
the tests, or silence tracebacks so a failing test shows no error. This kernel

1. snapshots, at start-up and before any cell runs, the protected modules (``builtins``,
   ``numpy``, ``torch``, ``course``, with everything of theirs already imported): their
   callables and submodules, their functions' code, defaults and their classes' methods, plus
   the IPython shell and kernel machinery (methods, hooks, transformers, streams);
2. answers a *guard request* (an ``execute_request`` whose code starts with a secret token the
   grader passed at launch; it never reaches IPython, its transformers or its history): put
   back everything that differs from the snapshot, evict ``course`` modules imported since (so
   the tests import them afresh), re-run the notebook's own (authentic) import statements in
   the user namespace, and report what had been changed.

The grader sends one before every test cell (the tests run honestly) and one after it (a
change made *while* the tests ran, e.g. by the student's function when the tests called it,
means the cell's verdict cannot be trusted). Known limits: a student thread that keeps
patching, or patching C memory through ``ctypes``, is beyond what a same-process guard can do.

Run as ``python -m autograde.hardening.kernel_guard -f CONNECTION_FILE`` (the grader does this).
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import sys
import threading
import types
import warnings
from typing import Any

from ipykernel.ipkernel import IPythonKernel
from ipykernel.kernelapp import IPKernelApp

#: Module name prefixes whose state the guard protects.
PROTECTED = ("builtins", "numpy", "torch", "course")
#: Protected modules that may be dropped from sys.modules and imported again (pure Python).
EVICTABLE = ("course",)
#: Always imported before the snapshot (cheap, and what every test cell uses).
ALWAYS_PRELOAD = ("numpy", "numpy.testing", "course", "course.checks")

#: Names the file holding the guard token; read and removed at start (never in the environment,
#: which stays readable in /proc/self/environ).
TOKEN_FILE_ENV = "NN_GUARD_TOKEN_FILE"
PRELOAD_ENV = "NN_GUARD_PRELOAD"
#: Python-level classes of the course's stack whose methods are protected as well.
EXTRA_CLASSES = ("torch.Tensor", "torch.nn.Module", "torch.nn.Parameter")

_FUNCTION = types.FunctionType


def _protected(name: str, prefixes: tuple[str, ...] = PROTECTED) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _from_cell(obj: Any) -> bool:
    """Whether ``obj`` (a function, method, instance) was defined in a notebook cell."""
    target = getattr(obj, "__func__", obj)
    module = getattr(target, "__module__", None)
    if module is None or not isinstance(module, str):
        module = getattr(type(target), "__module__", None)
    return module == "__main__"


def _interesting(value: Any) -> bool:
    """What the guard protects in a module: callables, classes and submodules, not data."""
    return callable(value) or isinstance(value, types.ModuleType)


class Snapshot:
    """Protected state, captured once before the first cell runs."""

    def __init__(self, shell: Any, kernel: Any) -> None:
        self.modules: dict[str, types.ModuleType] = {}
        self.attrs: dict[str, dict[str, Any]] = {}
        self.functions: list[tuple[_FUNCTION, Any, Any, Any]] = []
        self.classes: list[tuple[type, dict[str, Any]]] = []
        seen_functions: set[int] = set()
        seen_classes: set[int] = set()
        for name, module in list(sys.modules.items()):
            if not isinstance(module, types.ModuleType) or not _protected(name):
                continue
            self.modules[name] = module
            namespace = dict(vars(module))
            self.attrs[name] = {k: v for k, v in namespace.items() if _interesting(v)}
            for value in namespace.values():
                owner = getattr(value, "__module__", None) or ""
                if not isinstance(owner, str) or not _protected(owner):
                    continue
                if isinstance(value, _FUNCTION) and id(value) not in seen_functions:
                    seen_functions.add(id(value))
                    self._function(value)
                elif (
                    isinstance(value, type)
                    and _protected(owner, EVICTABLE)
                    and id(value) not in seen_classes
                ):
                    seen_classes.add(id(value))
                    self._class(value, seen_functions)
        for dotted in EXTRA_CLASSES:
            module_name, _, attr = dotted.rpartition(".")
            cls = getattr(sys.modules.get(module_name), attr, None)
            if isinstance(cls, type) and id(cls) not in seen_classes:
                seen_classes.add(id(cls))
                self._class(cls, seen_functions)
        # the IPython machinery that runs cells and reports their errors
        for obj in (shell, kernel):
            for cls in type(obj).__mro__:
                if cls is not object and id(cls) not in seen_classes:
                    seen_classes.add(id(cls))
                    self._class(cls, seen_functions)
        self.instances = [
            (obj, {k: v for k, v in vars(obj).items() if callable(v)}) for obj in (shell, kernel)
        ]
        self.shell = shell
        self.kernel = kernel
        self.lists = {
            "ast_transformers": list(shell.ast_transformers),
            "input_transformers_cleanup": list(shell.input_transformers_cleanup),
            "input_transformers_post": list(shell.input_transformers_post),
        }
        manager = shell.input_transformer_manager
        self.manager_lists = {
            k: list(getattr(manager, k))
            for k in ("cleanup_transforms", "line_transforms", "token_transformers")
            if hasattr(manager, k)
        }
        self.shell_handlers = dict(kernel.shell_handlers)
        self.sys_hooks = {
            k: getattr(sys, k) for k in ("displayhook", "excepthook", "stdout", "stderr", "stdin")
        }

    def _function(self, f: _FUNCTION) -> None:
        self.functions.append((f, f.__code__, f.__defaults__, f.__kwdefaults__))

    def _class(self, cls: type, seen_functions: set[int]) -> None:
        try:
            members = {k: v for k, v in vars(cls).items() if k != "__dict__"}
        except TypeError:
            return
        self.classes.append((cls, members))
        for value in members.values():
            inner = value.__func__ if isinstance(value, classmethod | staticmethod) else value
            if isinstance(inner, _FUNCTION) and id(inner) not in seen_functions:
                seen_functions.add(id(inner))
                self._function(inner)

    # --- putting things back -------------------------------------------------------------

    def restore(self, imports: list[str]) -> list[str]:
        """Undo every change to the protected state; returns what had been changed."""
        changed: list[str] = []
        self._restore_tracing(changed)
        self._restore_sys_modules(changed)
        self._restore_module_attrs(changed)
        self._restore_functions(changed)
        self._restore_classes(changed)
        self._restore_ipython(changed)
        self._reimport(imports, changed)
        return changed

    def _restore_tracing(self, changed: list[str]) -> None:
        if sys.gettrace() is not None:
            _note(changed, "sys.settrace", _suspicious(sys.gettrace()))
            sys.settrace(None)
        if sys.getprofile() is not None:
            _note(changed, "sys.setprofile", _suspicious(sys.getprofile()))
            sys.setprofile(None)
        threading.settrace(None)  # type: ignore[arg-type]
        threading.setprofile(None)  # type: ignore[arg-type]
        for key, value in self.sys_hooks.items():
            if getattr(sys, key) is not value:
                _note(changed, f"sys.{key}", _suspicious(getattr(sys, key)))
                setattr(sys, key, value)

    def _restore_sys_modules(self, changed: list[str]) -> None:
        for name, module in self.modules.items():
            if sys.modules.get(name) is not module:
                _note(changed, f"sys.modules[{name!r}]", _suspicious(sys.modules.get(name)))
                sys.modules[name] = module
        for name in [n for n in sys.modules if _protected(n, EVICTABLE)]:
            if name in self.modules:
                continue
            module = sys.modules.pop(name)
            parent_name, _, child = name.rpartition(".")
            parent = sys.modules.get(parent_name)
            if parent is not None and getattr(parent, child, None) is module:
                try:
                    delattr(parent, child)
                except AttributeError:
                    pass

    def _restore_module_attrs(self, changed: list[str]) -> None:
        for name, attrs in self.attrs.items():
            namespace = vars(self.modules[name])
            for key, value in attrs.items():
                current = namespace.get(key, _MISSING)
                if current is not value:
                    # course and builtins never rebind their own callables; numpy and torch
                    # sometimes do (torch._dynamo wraps torch.manual_seed), with their own code
                    strict = _protected(name, STRICT) or current is _MISSING
                    _note(changed, f"{name}.{key}", strict or _suspicious(current))
                    namespace[key] = value

    def _restore_functions(self, changed: list[str]) -> None:
        for f, code, defaults, kwdefaults in self.functions:
            if f.__code__ is not code:
                _note(changed, f"{f.__module__}.{f.__qualname__}.__code__", True)
                f.__code__ = code
            if f.__defaults__ is not defaults:
                _note(changed, f"{f.__module__}.{f.__qualname__}.__defaults__", True)
                f.__defaults__ = defaults
            if f.__kwdefaults__ is not kwdefaults:
                _note(changed, f"{f.__module__}.{f.__qualname__}.__kwdefaults__", True)
                f.__kwdefaults__ = kwdefaults

    def _restore_classes(self, changed: list[str]) -> None:
        for cls, members in self.classes:
            current = dict(vars(cls))
            label = f"{cls.__module__}.{cls.__qualname__}"
            for key, value in members.items():
                now = current.get(key, _MISSING)
                if now is not value:
                    _note(changed, f"{label}.{key}", now is _MISSING or _suspicious(now))
                    try:
                        setattr(cls, key, value)
                    except (AttributeError, TypeError):
                        pass
            for key in current.keys() - members.keys():
                if key in ("__dict__", "__weakref__", "__abstractmethods__", "_abc_impl"):
                    continue
                if _from_cell(current[key]) or callable(current[key]):
                    _note(changed, f"{label}.{key}", _suspicious(current[key]))
                    try:
                        delattr(cls, key)
                    except (AttributeError, TypeError):
                        pass

    def _restore_ipython(self, changed: list[str]) -> None:
        for obj, callables in self.instances:
            namespace = vars(obj)
            label = type(obj).__name__
            for key, value in list(namespace.items()):
                if key in callables:
                    if value is not callables[key]:
                        _note(changed, f"{label}.{key}", _suspicious(value))
                        namespace[key] = callables[key]
                elif callable(value) and (_from_cell(value) or hasattr(type(obj), key)):
                    _note(changed, f"{label}.{key}", _suspicious(value))
                    del namespace[key]
            for key, value in callables.items():
                if key not in namespace:
                    _note(changed, f"{label}.{key}", True)
                    namespace[key] = value
        shell = self.shell
        for key, saved in self.lists.items():
            current = getattr(shell, key)
            if list(current) != saved:
                added = [x for x in current if x not in saved]
                _note(changed, f"shell.{key}", any(_suspicious(x) for x in added))
                current[:] = saved
        manager = shell.input_transformer_manager
        for key, saved in self.manager_lists.items():
            current = getattr(manager, key)
            if list(current) != saved:
                added = [x for x in current if x not in saved]
                _note(
                    changed,
                    f"input_transformer_manager.{key}",
                    any(_suspicious(x) for x in added),
                )
                current[:] = saved
        for event, callbacks in shell.events.callbacks.items():
            kept = [cb for cb in callbacks if not _from_cell(cb)]
            if len(kept) != len(callbacks):
                _note(changed, f"shell.events[{event!r}]", True)
                callbacks[:] = kept
        if shell.custom_exceptions:
            _note(changed, "shell.set_custom_exc", True)
            shell.custom_exceptions = ()
        handlers = self.kernel.shell_handlers
        if handlers != self.shell_handlers:
            _note(changed, "kernel.shell_handlers", True)
            handlers.clear()
            handlers.update(self.shell_handlers)

    def _reimport(self, imports: list[str], changed: list[str]) -> None:
        namespace = self.shell.user_ns
        for statement in imports:
            try:
                exec(compile(statement, "<grader>", "exec"), namespace)  # noqa: S102
            except Exception as exc:  # noqa: BLE001 - report, the tests will then fail honestly
                _note(changed, f"could not re-run {statement!r}: {type(exc).__name__}", True)


_MISSING = object()

#: Protected modules whose callables nothing legitimate rebinds at run time.
STRICT = ("builtins", "course")


def _trusted_dirs() -> tuple[str, ...]:
    dirs = {sys.prefix, sys.base_prefix, sys.exec_prefix}
    for name in ("course", "autograde"):
        module = sys.modules.get(name)
        if module is not None and getattr(module, "__file__", None):
            dirs.add(os.path.dirname(os.path.dirname(os.path.abspath(module.__file__))))
    return tuple(os.path.join(d, "") for d in dirs)


def _suspicious(obj: Any) -> bool:
    """Whether ``obj`` comes from the student (a notebook cell) rather than installed code."""
    for _ in range(8):
        inner = getattr(obj, "func", None) if isinstance(obj, functools.partial) else None
        inner = inner or getattr(obj, "__func__", None) or getattr(obj, "__wrapped__", None)
        if inner is None or inner is obj:
            break
        obj = inner
    if obj is None or obj is _MISSING:
        return True
    if isinstance(obj, types.ModuleType):
        spec = getattr(obj, "__spec__", None)
        if getattr(spec, "origin", None) in ("built-in", "frozen"):
            return False
        path = getattr(obj, "__file__", None)
        return not path or not os.path.abspath(path).startswith(_trusted_dirs())
    code = getattr(obj, "__code__", None)
    if code is not None:
        return not os.path.abspath(code.co_filename).startswith(_trusted_dirs())
    if isinstance(obj, types.BuiltinFunctionType | types.BuiltinMethodType):
        return False
    return _from_cell(obj) or _from_cell(type(obj))


def _note(changed: list[str], label: str, suspicious: bool) -> None:
    """Record a restored change: only what the student's code did counts as tampering."""
    if suspicious:
        changed.append(label)


def _preload() -> None:
    names = list(ALWAYS_PRELOAD) + [
        n for n in os.environ.pop(PRELOAD_ENV, "").split(",") if n.strip()
    ]
    for name in names:
        if _protected(name.strip()):
            try:
                importlib.import_module(name.strip())
            except Exception:  # noqa: BLE001 - a missing optional module is not an error here
                pass


def _read_token() -> str:
    """The guard token, from the file the grader named; the file is removed at once."""
    path = os.environ.pop(TOKEN_FILE_ENV, "")
    if not path:
        return ""
    try:
        with open(path, encoding="ascii") as f:
            token = f.read()
        os.unlink(path)
    except OSError:
        return ""
    return token


class GuardedKernel(IPythonKernel):
    """IPython kernel that answers the grader's guard requests outside of IPython."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._guard_token = _read_token()
        self._guard_snapshot: Snapshot | None = None
        _preload()
        # a guard request must not be reachable by monkeypatching the method later
        self.shell_handlers["execute_request"] = self._guard_execute_request

    async def _guard_execute_request(self, stream: Any, ident: Any, parent: dict) -> None:
        if self._guard_snapshot is None:
            # the first request, before any cell ran: the kernel is fully set up by now;
            # deprecated objects (torch.distributed.reduce_op) warn when looked at: not the
            # student's business, and not for their first cell's output
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self._guard_snapshot = Snapshot(self.shell, self)
        code = parent.get("content", {}).get("code", "")
        if not (self._guard_token and code.startswith(self._guard_token)):
            await IPythonKernel.execute_request(self, stream, ident, parent)
            return
        try:
            request = json.loads(code[len(self._guard_token) :])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                changed = self._guard_snapshot.restore(list(request.get("imports", [])))
            report = {"ok": True, "token": self._guard_token, "changed": changed}
        except Exception as exc:  # noqa: BLE001 - tell the grader
            report = {"ok": False, "token": self._guard_token, "error": repr(exc)}
        content = {
            "status": "ok",
            "execution_count": self.execution_count,
            "user_expressions": {"guard": json.dumps(report)},
            "payload": [],
        }
        self.session.send(stream, "execute_reply", content, parent, ident=ident)


def main() -> None:
    """Start the guarded kernel (``-f CONNECTION_FILE`` and IPython options as usual)."""
    IPKernelApp.launch_instance(kernel_class=GuardedKernel)


if __name__ == "__main__":
    main()
