"""Run a grading kernel in a sandbox: bubblewrap, with bounds on memory, disk and processes.

A student's notebook is untrusted code. Each grading kernel is started as

    python -m autograde.hardening.sandbox --memory B --file-size B [--cgroup DIR] -- \
        bwrap ... -- python -m autograde.hardening.sandbox --processes N -- KERNEL

The outer step sets ``RLIMIT_AS`` (a memory bomb gets ``MemoryError``) and ``RLIMIT_FSIZE``
(no file over the size limit) and, when the grader runs as root, joins a fresh ``pids``
cgroup (root is exempt from ``RLIMIT_NPROC``); then it execs bubblewrap. The inner step,
inside the new user namespace, sets ``RLIMIT_NPROC`` (counted per user namespace, so it
bounds this kernel's processes only) and execs the kernel. Bubblewrap shows the kernel:

- read-only: ``/usr``, a short list of harmless ``/etc`` files (no ``shadow``, no keys), the
  Python installation and the course's ``course`` and ``autograde`` packages, with
  ``autograde/variants`` (the known answers) covered wherever it is installed; nothing else of
  the host: not ``solutions/``, not ``.git``, not the home folder, the grading folder, the
  gradebook or other students' files;
- sized, throw-away ``tmpfs`` mounts for ``/tmp`` and ``/run`` (their pages are RAM, which an
  address-space limit does not count, so their size is the bound);
- one private folder on the host holding the notebook, the kernel's IPC sockets and its
  settings; the grader stops the kernel when that folder outgrows :data:`PRIVATE_DISK_LIMIT`.

Whoever runs the grader, root included, the kernel gets a user namespace of its own with no
capabilities (``--unshare-user --cap-drop ALL``), may not create user namespaces again
(``--disable-userns``), runs with no new privileges (bubblewrap sets ``PR_SET_NO_NEW_PRIVS``),
has no network (``--unshare-net``), its own PID namespace, no terminal (``--new-session``)
and dies with the grader (``--die-with-parent``).

The sandbox fails closed: :func:`require_sandbox` raises :class:`SandboxUnavailable` with the
real cause when bubblewrap cannot build it here, and grading stops before the first notebook.
Only the instructor's explicit ``--no-sandbox`` runs kernels without it.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

#: Default address-space limit per kernel: torch maps a lot of virtual memory at import.
DEFAULT_MEMORY_LIMIT = 6 * 1024**3
#: Default largest file a kernel may write.
DEFAULT_FILE_SIZE_LIMIT = 256 * 1024**2

#: Names a folder every kernel may read (the class's trained model); course.cnn reads it too.
MODELS_ENV = "NN_COURSE_MODELS"
#: Default most processes and threads one kernel may run at once.
DEFAULT_PROCESS_LIMIT = 256
#: Sizes of the kernel's RAM-backed folders.
TMPFS_SIZES = {"/tmp": 256 * 1024**2, "/run": 16 * 1024**2}
#: Most bytes the kernel's private folder (on the host's disk) may hold.
PRIVATE_DISK_LIMIT = 64 * 1024**2
#: The /etc entries a kernel may read: name lookups, the dynamic linker, time zones, fonts.
ETC_ALLOWED = (
    "alternatives",
    "debian_version",
    "fonts",
    "group",
    "host.conf",
    "hosts",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "mime.types",
    "nsswitch.conf",
    "os-release",
    "passwd",
    "timezone",
)


class SandboxUnavailable(RuntimeError):
    """The grading sandbox cannot be built on this machine (the message says why)."""


def require_sandbox() -> str:
    """What sandbox grading kernels get; raises :class:`SandboxUnavailable` when there is none."""
    usable, why = sandbox_status()
    if not usable:
        raise SandboxUnavailable(
            f"the grading sandbox cannot start here: {why}. Install bubblewrap "
            "(Debian/Ubuntu: apt-get install bubblewrap) and allow unprivileged user "
            "namespaces (sysctl kernel.unprivileged_userns_clone=1), or pass --no-sandbox to "
            "grade without it (student code can then read and write whatever this user can)"
        )
    return why


def parse_size(text: str | int) -> int:
    """Bytes from ``"4G"``, ``"512M"``, ``"100k"`` or a plain integer; 0 means no limit."""
    if isinstance(text, int):
        value = text
    else:
        s = str(text).strip().upper().removesuffix("B").removesuffix("I")
        units = {"K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
        scale = units.get(s[-1:], 1)
        number = s[:-1] if s[-1:] in units else s
        try:
            value = int(float(number) * scale)
        except ValueError:
            raise ValueError(f"not a size: {text!r} (use bytes or a suffix K, M, G)") from None
    if value < 0:
        raise ValueError(f"a size cannot be negative: {text!r}")
    return value


@functools.cache
def sandbox_status() -> tuple[bool, str]:
    """(usable, reason): whether ``bwrap`` exists and can build the sandbox on this machine."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return False, "bwrap not found on PATH"
    probe = [bwrap, *_system_binds(), *_isolation(), "--", sys.executable, "-c", "pass"]
    try:
        proc = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bwrap could not run: {exc}"
    if proc.returncode != 0:
        return False, f"bwrap failed here (exit {proc.returncode}): {proc.stderr.strip()[-300:]}"
    return True, f"bubblewrap sandbox ({bwrap})"


def _isolation() -> list[str]:
    """Namespaces and privileges: the same whoever runs the grader, root included."""
    args = ["--unshare-user", "--disable-userns", "--cap-drop", "ALL"]
    args += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup"]
    return [*args, "--die-with-parent", "--new-session"]


def _system_binds() -> list[str]:
    """Read-only system folders (symlinked ones, as on merged-/usr systems, become symlinks)."""
    args: list[str] = []
    for name in ("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "opt"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ETC_ALLOWED:
        path = Path("/etc") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.exists():
            args += ["--ro-bind", str(path), str(path)]
    args += ["--dev", "/dev", "--proc", "/proc"]
    for folder, size in TMPFS_SIZES.items():
        args += ["--size", str(size), "--tmpfs", folder]
    # after the tmpfs mounts: a virtual environment under /tmp or /run would vanish behind them
    for prefix in sorted({sys.prefix, sys.base_prefix, sys.exec_prefix}):
        if not prefix.startswith(("/usr/", "/opt/")) and Path(prefix).is_dir():
            args += ["--ro-bind", prefix, prefix]
    return args


def _package_dirs() -> list[Path]:
    """Folders of the Python packages the kernel imports that live outside the installation."""
    import autograde
    import course

    dirs = {Path(course.__file__).resolve().parent, Path(autograde.__file__).resolve().parent}
    prefixes = [Path(p).resolve() for p in {sys.prefix, sys.base_prefix}]
    return sorted(d for d in dirs if not any(p in d.parents for p in prefixes))


def _masked_dirs() -> list[Path]:
    """Folders no kernel may read, wherever the package is installed (editable or not)."""
    import autograde

    here = Path(autograde.__file__).parent
    found = {here / "variants", here.resolve() / "variants"}
    return sorted(d for d in found if d.is_dir())


def pids_cgroup_root() -> Path | None:
    """Where a root grader can make a ``pids`` cgroup per kernel (v1 or v2), or None."""
    if os.geteuid() != 0:
        return None
    v1 = Path("/sys/fs/cgroup/pids")
    if (v1 / "cgroup.procs").is_file() and os.access(v1, os.W_OK):
        return v1
    unified = Path("/sys/fs/cgroup")
    try:
        own = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in own:
        if line.startswith("0::"):
            here = unified / line[3:].lstrip("/")
            controllers = (here / "cgroup.subtree_control").read_text() if here.is_dir() else ""
            if "pids" in controllers.split() and os.access(here, os.W_OK):
                return here
    return None


def make_pids_cgroup(limit: int) -> Path | None:
    """A fresh cgroup allowing ``limit`` processes, for one kernel (root only), or None."""
    root = pids_cgroup_root()
    if root is None or limit <= 0:
        return None
    import tempfile

    try:
        folder = Path(tempfile.mkdtemp(prefix="nn-course-kernel-", dir=root))
        (folder / "pids.max").write_text(str(limit))
    except OSError:
        return None
    return folder


def remove_cgroup(folder: Path | None) -> None:
    """Remove a kernel's cgroup once its processes are gone (a no-op when it is busy)."""
    if folder is not None:
        try:
            folder.rmdir()
        except OSError:
            pass


@dataclass
class SandboxSpec:
    """What one kernel may see and use."""

    private_dir: Path
    memory_limit: int = DEFAULT_MEMORY_LIMIT
    file_size_limit: int = DEFAULT_FILE_SIZE_LIMIT
    use_bwrap: bool = True
    #: extra read-only folders (besides the system, Python and the course packages)
    read_only: list[Path] = field(default_factory=list)
    process_limit: int = DEFAULT_PROCESS_LIMIT
    #: a pids cgroup the kernel joins (root graders; see :func:`make_pids_cgroup`)
    cgroup: Path | None = None

    def wrap(self, command: list[str]) -> list[str]:
        """The full command line that runs ``command`` (a kernel) inside this sandbox."""
        limits = [sys.executable, "-m", "autograde.hardening.sandbox"]
        limits += ["--memory", str(self.memory_limit), "--file-size", str(self.file_size_limit)]
        inner = [sys.executable, "-m", "autograde.hardening.sandbox"]
        inner += ["--processes", str(self.process_limit), "--"]
        if not self.use_bwrap:  # --no-sandbox: RLIMIT_NPROC would count all this user's processes
            return [*limits, "--", *command]
        if self.cgroup is not None:
            limits += ["--cgroup", str(self.cgroup)]
        bwrap = shutil.which("bwrap") or "bwrap"
        args = [bwrap, *_system_binds()]
        for folder in [*_package_dirs(), *self.read_only]:
            args += ["--ro-bind", str(folder), str(folder)]
        # hidden tests and known answers must not be readable from a kernel
        for folder in _masked_dirs():
            args += ["--size", "4096", "--tmpfs", str(folder), "--remount-ro", str(folder)]
        private = str(self.private_dir.resolve())
        args += ["--bind", private, private, "--chdir", private]
        # the sandbox's own root (where /root, /home, /work... would be) is read-only too
        args += ["--remount-ro", "/"]
        args += ["--setenv", "HOME", private, "--setenv", "TMPDIR", "/tmp"]
        # jupyter_client's launcher sets it; in a PID namespace the parent's PID means nothing
        # and ipykernel would shut down at once (--die-with-parent does that job instead)
        args += ["--unsetenv", "JPY_PARENT_PID"]
        args += [*_isolation(), "--"]
        return [*limits, "--", *args, *inner, *command]


def apply_limits(memory: int, file_size: int, processes: int = 0) -> None:
    """Set this process's address-space, file-size and process limits (0: leave unlimited)."""
    import resource

    pairs = [(resource.RLIMIT_AS, memory), (resource.RLIMIT_FSIZE, file_size)]
    pairs.append((resource.RLIMIT_NPROC, processes))
    for which, value in pairs:
        if value > 0:
            _soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))


def main(argv: list[str] | None = None) -> int:
    """``python -m autograde.hardening.sandbox --memory N --file-size N -- COMMAND...``: limit, then exec."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m autograde.hardening.sandbox")
    parser.add_argument("--memory", type=parse_size, default=0)
    parser.add_argument("--file-size", type=parse_size, default=0)
    parser.add_argument("--processes", type=int, default=0)
    parser.add_argument("--cgroup", type=Path, help="a pids cgroup to join first")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")
    if args.cgroup is not None:
        (args.cgroup / "cgroup.procs").write_text(str(os.getpid()))
    apply_limits(args.memory, args.file_size, args.processes)
    os.execvp(command[0], command)
    return 127  # pragma: no cover - execvp does not return


if __name__ == "__main__":
    sys.exit(main())
