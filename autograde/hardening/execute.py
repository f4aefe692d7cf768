"""nbgrader's Execute step, hardened: a sandboxed kernel, honest tests, and no lost notebooks.

:class:`GuardedExecute` replaces nbgrader's ``Execute`` preprocessor in the autograde step
(``c.Autograde.autograde_preprocessors``, see :func:`hardening_config`). For each notebook it

- starts the kernel with :class:`SandboxedKernelManager`: ``autograde.hardening.kernel_guard`` under
  bubblewrap and resource limits (:mod:`autograde.hardening.sandbox`), talking over IPC sockets in a
  private folder, with a scrubbed environment;
- asks the kernel's guard, before every test cell, to put back whatever the student's code
  monkeypatched (numpy, torch, course, builtins, IPython's machinery) and to re-run the
  notebook's own imports, and again after it: a change made while the tests ran zeroes that
  test cell (``TamperingDetected``);
- bounds what a cell may output (``max_output_bytes``): floods are cut with a marker;
- survives a dying kernel (``os._exit``, a segfault, a memory bomb) or one that cannot be
  interrupted: the cell that killed it and every later test cell get an error output saying
  why (so they score zero), the cells before keep their grades, and the notebook is graded;
- records what happened (timeouts, crashes, tampering, truncation) as notes
  (:mod:`autograde.hardening.notes`), and shows every note of the notebook (the sanitize
  steps' too) in a "Grading notes" cell at the top of the feedback.
"""

from __future__ import annotations

import ast
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient.client import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell, new_output
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, Unicode

from autograde.hardening import kernel_guard
from autograde.hardening.authentic import AuthenticCells, grade_id_of
from autograde.hardening.notes import RecordsNotes, add_finding, read_notes
from autograde.hardening.sandbox import (
    DEFAULT_FILE_SIZE_LIMIT,
    DEFAULT_MEMORY_LIMIT,
    MODELS_ENV,
    PRIVATE_DISK_LIMIT,
    SandboxSpec,
    make_pids_cgroup,
    remove_cgroup,
)
from autograde.verdicts import channel, evidence, misconceptions
from autograde.verdicts.judge import judge
from autograde.verdicts.key import (
    KeyFailed,
    key_path,
    load_forbidden,
    load_key,
    split_visible,
    write_key,
)
from autograde.verdicts.withhold import for_kernel
from course.openmp import OPENMP_POLICY, apply_openmp_policy
from course.records import RECORDS_ENV, load_line

#: Environment variables a grading kernel inherits (everything else is dropped).
KERNEL_ENV_KEEP = (
    "PATH",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "PYTHONPATH",
    "PYTHONHASHSEED",
    "NBGRADER_EXECUTION",
    "NN_COURSE_FAST",
    "NN_COURSE_ROOT",
    MODELS_ENV,
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    *OPENMP_POLICY,
    "MPLBACKEND",
)
#: The top-level packages whose imports the guard pre-loads and protects.
GUARDED_TOPS = ("numpy", "torch", "course")


class SandboxedKernelManager(AsyncKernelManager):
    """Starts ``autograde.hardening.kernel_guard`` inside :class:`~autograde.hardening.sandbox.SandboxSpec`."""

    def __init__(self, *, sandbox: SandboxSpec, guard_env: dict[str, str], **kwargs: Any):
        super().__init__(**kwargs)
        self.sandbox = sandbox
        self.guard_env = guard_env
        private = sandbox.private_dir
        self.transport = "ipc"
        self.ip = str(private / "k")
        self.connection_file = str(private / "kernel.json")

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = [
            sys.executable,
            "-m",
            "autograde.hardening.kernel_guard",
            "-f",
            self.connection_file,
        ]
        extra = list(extra_arguments or [])
        if not any(a.startswith("--HistoryManager.hist_file") for a in extra):
            extra.append("--HistoryManager.hist_file=:memory:")
        command += extra
        return self.sandbox.wrap(command)

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        private = self.sandbox.private_dir
        kw["cwd"] = str(private)
        command, kw = await super()._async_pre_start_kernel(**kw)
        source = kw.get("env") or os.environ
        env = {k: v for k, v in source.items() if k in KERNEL_ENV_KEEP}
        env.update(
            HOME=str(private),
            IPYTHONDIR=str(private / ".ipython"),
            MPLCONFIGDIR=str(private / ".matplotlib"),
            JUPYTER_RUNTIME_DIR=str(private / ".jupyter"),
            PYDEVD_DISABLE_FILE_VALIDATION="1",
        )
        # One BLAS/OpenMP thread per kernel unless the grader says otherwise: workers grading in
        # parallel do not fight over cores, and float reductions (hence grades) do not depend
        # on how many workers ran.
        env.setdefault("OMP_NUM_THREADS", "1")
        env.setdefault("MKL_NUM_THREADS", "1")
        apply_openmp_policy(env)  # with more threads, none spins against the other kernels
        env.update(self.guard_env)
        kw["env"] = env
        # ipykernel prints its connection banner there; errors go to a file of the kernel's
        # own, never to a descriptor of the grader's
        kw["stdout"] = subprocess.DEVNULL
        kw["stderr"] = self.stderr_file = open(private / "kernel-stderr.log", "wb")  # noqa: SIM115
        kw["stdin"] = subprocess.DEVNULL
        # bwrap --new-session puts the kernel in its own session: interrupt by message
        self.kernel_spec.interrupt_mode = "message"
        return command, kw


def _shared_folders() -> list[Path]:
    """The class's shared, read-only folder (its trained model), when the worker named one."""
    shared = os.environ.get(MODELS_ENV)
    return [Path(shared)] if shared and Path(shared).is_dir() else []


def _folder_bytes(folder: Path) -> int:
    """Bytes the files under ``folder`` hold on disk (what vanished meanwhile counts 0)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return total


class DiskWatch:
    """Stops a kernel whose private folder outgrows ``limit`` bytes (checked every ``every`` s)."""

    def __init__(self, folder: Path, limit: int, stop: Callable[[], None], every: float = 0.2):
        self.folder, self.limit, self.stop, self.every = folder, limit, stop, every
        self.exceeded = False
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="nn-course-disk", daemon=True)

    def __enter__(self) -> DiskWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join(timeout=5)

    def _watch(self) -> None:
        while not self._done.wait(self.every):
            if self.limit > 0 and _folder_bytes(self.folder) > self.limit:
                self.exceeded = True
                self.stop()
                return


def _seed_matplotlib_cache(target: Path) -> None:
    """Copy the grader's matplotlib font cache, so each kernel does not rebuild it (seconds)."""
    try:
        import matplotlib

        cache = Path(matplotlib.get_cachedir())
    except Exception:  # noqa: BLE001 - only a speed-up
        return
    target.mkdir(parents=True, exist_ok=True)
    for f in cache.glob("fontlist-*.json"):
        shutil.copyfile(f, target / f.name)


#: Longest path a unix socket may have (108 bytes on Linux), less room for "/k-NNNNN".
_SOCKET_PATH_ROOM = 100


def _private_folder() -> Path:
    """A fresh folder for one kernel: inside the grading folder (the working directory, so it
    goes when the grading folder goes, even if this process is killed) unless its socket
    paths would be too long there, then in the temporary directory."""
    here = Path.cwd()
    parent = here if len(str(here)) + len("/nnk-XXXXXXXX/k-65535") < _SOCKET_PATH_ROOM else None
    return Path(tempfile.mkdtemp(prefix="nnk-", dir=parent))


def _import_statements(source: str) -> list[str]:
    """The top-level import statements of a cell (IPython magics are skipped)."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return []
    return [
        ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
    ]


def _imported_modules(statement: str) -> list[str]:
    node = ast.parse(statement).body[0]
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and node.module and not node.level:
        return [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return []


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _error_output(ename: str, evalue: str) -> NotebookNode:
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _size(content: dict) -> int:
    if "text" in content:
        return len(content["text"])
    data = content.get("data") or {}
    return sum(len(v) if isinstance(v, str) else len(json.dumps(v)) for v in data.values())


class GuardedExecute(RecordsNotes, Execute):
    """nbgrader's Execute with a sandboxed, guarded kernel that may crash without harm."""

    memory_limit = Integer(
        DEFAULT_MEMORY_LIMIT, help="address-space limit of a grading kernel, bytes (0: none)"
    ).tag(config=True)
    file_size_limit = Integer(
        DEFAULT_FILE_SIZE_LIMIT, help="largest file a grading kernel may write, bytes"
    ).tag(config=True)
    sandbox = Bool(True, help="run kernels under bubblewrap when it works here").tag(config=True)
    # the course's nbgrader configuration sets Execute.allow_errors; accept it here too
    allow_errors = Bool(True, help="keep executing after a cell's error").tag(config=True)
    guard = Bool(True, help="restore monkeypatched modules around test cells").tag(config=True)
    max_output_bytes = Integer(
        2 * 1024 * 1024, help="output kept per cell, bytes; the rest is cut"
    ).tag(config=True)
    keys_dir = Unicode(
        "", help="folder of the answer keys; test cells are judged outside the kernel"
    ).tag(config=True)
    release_dir = Unicode("", help="the course folder's release/ (the student copies)").tag(
        config=True
    )
    records_dir = Unicode(
        "", help="keep each student's records there (to build the misconception prints)"
    ).tag(config=True)
    make_keys = Bool(
        False, help="this run is the instructor's solution: write its records as the key"
    ).tag(config=True)

    # --- the kernel ---------------------------------------------------------------------

    def create_kernel_manager(self) -> SandboxedKernelManager:
        self.km = SandboxedKernelManager(
            sandbox=SandboxSpec(
                self._private,
                memory_limit=self.memory_limit,
                file_size_limit=self.file_size_limit,
                use_bwrap=self.sandbox,
                cgroup=self._cgroup,
                read_only=_shared_folders(),
            ),
            guard_env={
                kernel_guard.TOKEN_FILE_ENV: str(self._token_file),
                kernel_guard.PRELOAD_ENV: ",".join(self._preload),
                RECORDS_ENV: str(self._records),
            },
            kernel_name="python3",
            config=self.config,
        )
        return self.km

    def _guard(self, imports: list[str]) -> list[str] | None:
        """Ask the kernel's guard to restore the protected state; what it changed, or None."""
        assert self.kc is not None
        code = self._token + json.dumps({"imports": imports})
        msg_id = self.kc.execute(code, silent=True, store_history=False)
        try:
            reply = self.wait_for_reply(msg_id)
        except (DeadKernelError, CellTimeoutError):
            raise
        except Exception:  # noqa: BLE001 - no usable answer is itself the finding
            return None
        try:
            report = json.loads(reply["content"]["user_expressions"]["guard"])
        except (TypeError, KeyError, ValueError):
            return None
        if report.get("token") != self._token or not report.get("ok"):
            return None
        return list(report.get("changed", []))

    # --- outputs ------------------------------------------------------------------------

    def output(self, outs, msg, display_id, cell_index):  # noqa: ANN001 - nbclient's signature
        if msg["msg_type"] != "error":
            size = _size(msg["content"])
            used = self._output_bytes.get(cell_index, 0)
            if used + size > self.max_output_bytes:
                if cell_index not in self._truncated:
                    self._truncated.add(cell_index)
                    # a display, not a stream: nbgrader's line limit must not cut the marker
                    marker = (
                        f"... output truncated by the grader: this cell printed or "
                        f"displayed more than {self.max_output_bytes} bytes ..."
                    )
                    outs.append(new_output("display_data", data={"text/plain": marker}))
                return None
            self._output_bytes[cell_index] = used + size
        return super().output(outs, msg, display_id, cell_index)

    # --- the notebook -------------------------------------------------------------------

    def _kind(self, cell: NotebookNode) -> str:
        """'test', 'locked' (authentic, not graded), 'student' or 'other'."""
        return self._authentic.kind(cell)

    def _label(self, index: int) -> str:
        grade_id = grade_id_of(self.nb.cells[index])
        return f"cell {index + 1}" + (f" ({grade_id})" if grade_id else "")

    def preprocess(self, nb, resources=None, km=None):  # noqa: ANN001 - nbconvert's signature
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        info = resources["nbgrader"]
        notebook_id = info["notebook"]
        self._resources = resources
        self._local_notes: list[str] = []  # shown when no notes file is configured
        self._output_bytes: dict[int, int] = {}
        self._truncated: set[int] = set()
        self._authentic = AuthenticCells.load(
            info["db_url"], info["notebook"], info["assignment"], None
        )
        self._token = "#nn-course-guard " + secrets.token_hex(16) + "\n"
        # every guarded package any cell imports is loaded before the snapshot, so a student's
        # own `import torch; torch.allclose = ...` is undone too
        imports: list[str] = []
        for cell in self.nb.cells:
            if cell.cell_type == "code":
                imports += _import_statements(cell.source)
        self._preload = sorted(
            {m for s in imports for m in _imported_modules(s) if m.split(".")[0] in GUARDED_TOPS}
        )
        self._private = _private_folder()
        self._token_file = self._private / ".guard-token"
        self._records = self._private / channel.FILE_NAME
        self._key_made: dict[str, list[str]] = {}
        self._visible: dict[str, int] = {}  # grade id -> records the visible tests make
        self._notebook_id = notebook_id
        self._key = self._load_key(notebook_id)
        self._prints = (
            misconceptions.load_prints(misconceptions.prints_path(Path(self.keys_dir), notebook_id))
            if self.keys_dir and not self.make_keys
            else {}
        )
        self._kept: dict[str, dict] = {}
        self._reported: dict[str, list[dict]] = {}  # grade id -> the student's records
        self._failed: list[tuple[int, str]] = []  # (cell index, grade id) of failed tests
        self._errors: dict[str, str] = {}  # grade id -> the error that stopped the cell
        self._uses: dict[str, frozenset[str]] = {}  # grade id -> forbidden calls (refused)
        fd = os.open(self._token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(self._token)
        self._cgroup = make_pids_cgroup(SandboxSpec(self._private).process_limit)
        self._disk = DiskWatch(self._private, PRIVATE_DISK_LIMIT, self._kill_kernel)
        try:
            _seed_matplotlib_cache(self._private / ".matplotlib")
            self._write_private_copy(notebook_id)
            with self.setup_kernel(), self._disk:
                assert self.kc is not None
                info_msg = self.wait_for_reply(self.kc.kernel_info())
                self._token_file.unlink(missing_ok=True)  # the kernel has read it by now
                if info_msg:
                    self.nb.metadata["language_info"] = info_msg["content"]["language_info"]
                self._evidence = self._read_evidence()
                self._run_cells(resources)
                if self._prints:
                    self._name_mistakes()
        finally:
            stderr_file = getattr(self.km, "stderr_file", None)
            if stderr_file is not None:
                stderr_file.close()
            shutil.rmtree(self._private, ignore_errors=True)
            remove_cgroup(self._cgroup)
        if self.make_keys:
            cells = [c for c in self.nb.cells if c.cell_type == "code"]
            forbidden = evidence.forbidden_by_test(cells, [self._kind(c) for c in cells])
            path = key_path(Path(self.keys_dir), notebook_id)
            write_key(path, notebook_id, self._key_made, forbidden, self._visible)
        if self.records_dir and not self.make_keys:
            student = info.get("student") or "student"
            path = Path(self.records_dir) / student / f"{notebook_id}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"cells": self._kept}), encoding="utf-8")
        self.set_widgets_metadata()
        notes = read_notes(self.notes_path, notebook_id) if self.notes_path else self._local_notes
        if notes:
            text = "\n".join(f"- {n}" for n in notes).replace("`", "'")
            self.nb.cells.insert(
                0,
                new_markdown_cell(f"**Grading notes** (from the autograder):\n\n```\n{text}\n```"),
            )
        return self.nb, self.resources

    def _write_private_copy(self, notebook_id: str) -> None:
        """The student's notebook (tests removed) in the kernel's folder, as they handed it in."""

        copy = nbformat.from_dict(json.loads(json.dumps(self.nb)))
        copy.cells = [c for c in copy.cells if self._kind(c) != "test"]
        nbformat.write(copy, str(self._private / f"{notebook_id}.ipynb"))

    def _run_cells(self, resources: dict) -> None:
        authentic_imports: list[str] = []
        dead: str = ""
        guard_broken = False
        for index, cell in enumerate(self.nb.cells):
            kind = self._kind(cell)
            if cell.cell_type != "code":
                continue
            if dead:
                if kind == "test":
                    cell.outputs = [_error_output("KernelDied", f"not run: {dead}")]
                continue
            try:
                guard_broken = self._run_cell(
                    cell, index, kind, resources, authentic_imports, guard_broken
                )
            except (DeadKernelError, CellTimeoutError) as exc:
                dead = self._why_dead(exc, index)
                self._note_once(dead)
                cell.outputs.append(_error_output("KernelDied", dead))
                self._stop_kernel()

    def _run_cell(
        self,
        cell: NotebookNode,
        index: int,
        kind: str,
        resources: dict,
        authentic_imports: list[str],
        guard_broken: bool,
    ) -> bool:
        """Run one code cell (guarded when it is a test); returns whether the guard is broken."""
        guarded = kind == "test" and self.guard
        if guarded and not guard_broken:
            changed = self._guard(authentic_imports)
            if changed is None:
                guard_broken = True
            elif changed:
                self._note_once(
                    "tampering detected and undone before the tests ran: "
                    + ", ".join(sorted(set(changed))[:12])
                )
        judged = kind == "test" and bool(self.keys_dir)
        if judged:
            self._run_test_cell(cell, index, resources)
        else:
            self.preprocess_cell(cell, resources, index)
        if any(o.get("ename") == "CellTimeoutError" for o in cell.outputs):
            self._note_once(
                f"{self._label(index)} was stopped after {self.timeout} s "
                "(an endless loop?); the rest of the notebook was graded"
            )
        if index in self._truncated:
            self._note_once(f"{self._label(index)}: output cut at {self.max_output_bytes} bytes")
        if any(o.get("ename") == "MemoryError" for o in cell.outputs):
            self._note_once(
                f"{self._label(index)} ran out of memory (each kernel may use "
                f"{self.memory_limit / 1024**3:.1f} GiB of address space)"
            )
        if guarded:
            changed = None if guard_broken else self._guard(authentic_imports)
            if changed is None:
                guard_broken = True
                why = (
                    "the grader's integrity check did not answer (the kernel's request "
                    "handling was changed); this test cell gets no credit"
                )
            elif changed:
                why = (
                    "the checking machinery was changed while this test ran ("
                    + ", ".join(sorted(set(changed))[:8])
                    + "); this test cell gets no credit"
                )
            else:
                why = ""
            if why:
                cell.outputs.append(_error_output("TamperingDetected", why))
                self._note_once(f"{self._label(index)}: {why}")
        if judged:
            self._judge(cell, index)
        if kind in ("locked", "test"):
            authentic_imports += _import_statements(cell.source)
        return guard_broken

    # --- verdicts outside the kernel (see autograde.verdicts) ------------------------------

    def _load_key(self, notebook_id: str) -> dict[str, list[dict]]:
        if not self.keys_dir or self.make_keys:
            return {}
        path = key_path(Path(self.keys_dir), notebook_id)
        if not path.is_file():
            raise KeyFailed(f"no answer key for {notebook_id} in {self.keys_dir}")
        return load_key(path)

    def _read_evidence(self) -> evidence.Evidence:
        """What the handed-in source shows (delegation, reaching into the grader)."""
        if self.make_keys or not self.keys_dir:
            return evidence.Evidence()
        cells = [c for c in self.nb.cells if c.cell_type == "code"]
        released = self._released_sources()
        # a cell the release has word for word is the course's, not the student's
        kinds = [
            "locked" if k == "student" and c.source.strip() in released else k
            for c, k in ((c, self._kind(c)) for c in cells)
        ]
        solutions = {
            grade_id for grade_id, s in self._authentic.source.items() if not (s.test or s.locked)
        }
        exercise_of = [
            grade_id_of(c) if kind == "student" and grade_id_of(c) in solutions else None
            for c, kind in zip(cells, kinds, strict=True)
        ]
        numbers = [i + 1 for i, c in enumerate(self.nb.cells) if c.cell_type == "code"]
        forbidden = load_forbidden(key_path(Path(self.keys_dir), self._notebook_id))
        found = evidence.scan(cells, kinds, exercise_of, numbers, forbidden)
        for note in found.notes + found.review:
            self._note_once(note)
        return found

    def _released_sources(self) -> set[str]:
        """The code of every cell of the released notebook (stripped)."""
        info = self._resources["nbgrader"]
        path = Path(self.release_dir) / info["assignment"] / f"{info['notebook']}.ipynb"
        try:
            release = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return set()
        return {
            "".join(c.get("source", "")).strip()
            for c in release.get("cells", [])
            if c.get("cell_type") == "code"
        }

    def _run_test_cell(self, cell: NotebookNode, index: int, resources: dict) -> None:
        """Run the kernel's copy of a test cell (expected values withheld, unless this run
        makes the key); the cell keeps its own source."""
        channel.clear(self._records)  # what the kernel wrote before this cell is not evidence
        source = cell.source
        try:
            cell.source = for_kernel(source, withhold=not self.make_keys)
        except SyntaxError:
            pass  # an authentic test cell always parses; the kernel reports the error
        try:
            self.preprocess_cell(cell, resources, index)
        finally:
            cell.source = source

    def _judge(self, cell: NotebookNode, index: int) -> None:
        """Give the test cell the grader's verdict (an error output when it fails)."""
        grade_id = grade_id_of(cell) or ""
        if self.make_keys:
            lines, refused = channel.read_lines(self._records, marks=True)
            failed = any(o.get("output_type") == "error" for o in cell.outputs)
            if failed or refused:
                raise KeyFailed(f"the solution fails its own test {grade_id}")
            lines, visible = split_visible(lines)
            self._key_made[grade_id] = lines  # none: a test without course.checks
            self._visible[grade_id] = visible
            return
        if grade_id in self._evidence.refused:
            ename, why = self._evidence.refused[grade_id]
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "error"]
            cell.outputs.append(_error_output(ename, why))
            uses = sorted(evidence.canonical(self._evidence.used.get(grade_id, [])))
            self._kept[grade_id] = {"lines": [], "passed": False, "uses": uses}
            self._uses[grade_id] = frozenset(uses)
            self._failed.append((index, grade_id))
            return
        lines, refused = channel.read_lines(self._records)
        records = [load_line(line, channel.MAX_BYTES) for line in lines]
        if refused:
            self._note_once(
                f"{self._label(index)}: {refused} record(s) that were not plain data were ignored"
            )
        key = self._key.get(grade_id)
        if key == []:  # the test uses no course.checks: there is nothing to judge outside
            self._note_once(
                f"{self._label(index)} uses no course.checks, so only the kernel judged it "
                "(write its checks with course.checks to have them judged by the grader)"
            )
            return
        verdict = judge(key or [], records)
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        passed = verdict.passed and not errors
        self._kept[grade_id] = {"lines": lines, "passed": passed}
        self._reported[grade_id] = records
        if errors:  # what stopped the cell: a mistake that stops it alike may be named
            stopped = f"{errors[0].get('ename', '')}: {errors[0].get('evalue', '')}".strip()
            self._kept[grade_id]["error"] = self._errors[grade_id] = stopped[:500]
        if not passed:
            self._failed.append((index, grade_id))
        if verdict.passed or (errors and not verdict.decisive):
            return  # passed, or the kernel's own error says why the test stopped
        cell.outputs = [o for o in cell.outputs if o.get("output_type") != "error"]
        cell.outputs.append(_error_output("CheckFailed", verdict.message))

    def _name_mistakes(self) -> None:
        """Add the known mistake each failed test cell behaves like (judged on every test cell
        of its exercise: see autograde.verdicts.misconceptions) to its error output."""
        for index, grade_id in self._failed:
            if grade_id in self._uses:
                mistake = misconceptions.name_delegation(
                    self._uses[grade_id], self._prints.get(grade_id, [])
                )
            else:
                mistake = misconceptions.name_in_exercise(
                    grade_id, self._key, self._reported, self._prints, self._errors
                )
            if mistake is None:
                continue
            cell = self.nb.cells[index]
            hint = f"This looks like a known mistake: {mistake.label}. {mistake.hint}"
            for out in cell.outputs:
                if out.get("output_type") == "error":
                    out["evalue"] = f"{out.get('evalue', '')}\n\n{hint}"
                    out["traceback"] = list(out.get("traceback", [])) + ["", hint]
            add_finding(self.notes_path, self._notebook_id, grade_id, mistake.label)

    def _note_once(self, note: str) -> None:
        self.note(self._resources, note)  # read_notes gives each note once
        if note not in self._local_notes:
            self._local_notes.append(note)

    def _kill_kernel(self) -> None:
        """Kill the kernel's process tree at once (from the disk watch's thread)."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            try:
                process.kill()
            except OSError:
                pass

    def _why_dead(self, exc: Exception, index: int) -> str:
        label = self._label(index)
        if self._disk.exceeded:
            return (
                f"{label} wrote more than {PRIVATE_DISK_LIMIT // 1024**2} MiB into the "
                "notebook's folder; the kernel was stopped and the later cells score zero"
            )
        if isinstance(exc, CellTimeoutError):
            return (
                f"{label} ran past the {self.timeout} s limit and could not be interrupted; "
                "the kernel was stopped and the later cells score zero"
            )
        code = None
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is not None:
            try:
                code = process.wait(timeout=5)
            except Exception:  # noqa: BLE001 - the exit status is only for the message
                code = process.poll()
        if code is None:
            how = "died"
        elif code < 0 or code > 128:
            number = -code if code < 0 else code - 128
            name = _signal_name(number)
            hint = {
                "SIGSEGV": " (a segmentation fault)",
                "SIGKILL": " (out of memory?)",
                "SIGABRT": " (aborted; out of memory?)",
                "SIGXFSZ": " (wrote a file over the size limit)",
            }.get(name, "")
            how = f"was killed by {name}{hint}"
        else:
            how = f"exited with status {code} (os._exit or a similar hard exit)"
        return f"the kernel {how} while running {label}; the later cells score zero"

    def _stop_kernel(self) -> None:
        try:
            if self.km is not None:
                self._sync_shutdown()
        except Exception:  # noqa: BLE001 - it is already dead or dying
            pass

    def _sync_shutdown(self) -> None:
        from jupyter_core.utils import run_sync

        run_sync(self.km.shutdown_kernel)(now=True)
