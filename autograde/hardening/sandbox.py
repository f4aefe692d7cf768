"""Run a grading kernel in a sandbox: bubblewrap where available, a memory limit always.

A student's notebook is untrusted code. Each grading kernel is started as

    python -m autograde.hardening.sandbox --memory BYTES --file-size BYTES -- bwrap ... -- KERNEL

``--memory`` sets ``RLIMIT_AS`` (address space; a memory bomb gets ``MemoryError`` or dies),
``--file-size`` sets ``RLIMIT_FSIZE`` (no filling the disk), then the process execs
bubblewrap (Debian's ``bubblewrap`` package), which shows the kernel a whitelisted file system:

- read-only: the system (``/usr``, ``/etc``), the Python installation, the course's
  ``course`` and ``autograde`` packages (not ``solutions/``, not ``.git``, not the variants);
- a fresh, throw-away ``tmpfs`` for ``/tmp`` and ``/run``; nothing of the home folder, the
  grading folder, the gradebook or other students' files (they are simply not mounted, and
  the sandbox's root is read-only);
- one private writable folder holding the student's notebook, the kernel's IPC sockets and
  its ``IPYTHONDIR`` / ``MPLCONFIGDIR``; it is also the kernel's working directory.

No network (``--unshare-net``: the kernel talks to the grader over unix sockets), its own
PID namespace, killed with the grader (``--die-with-parent``), no terminal (``--new-session``).
Where bubblewrap is missing or does not work, :func:`sandbox_status` says why and grading
runs unsandboxed with only the resource limits (the pipeline prints and logs a warning).
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

UNSANDBOXED_WARNING = (
    "bubblewrap (bwrap) is not available here: student notebooks run WITHOUT a sandbox "
    "(they can read and write anything this user can; only memory and file-size limits apply). "
    "Install it (Debian/Ubuntu: apt-get install bubblewrap) to isolate grading kernels"
)


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
    probe = [bwrap, *_system_binds(), "--unshare-net", "--unshare-pid", "--die-with-parent"]
    probe += ["--new-session", "--", sys.executable, "-c", "pass"]
    try:
        proc = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bwrap could not run: {exc}"
    if proc.returncode != 0:
        return False, f"bwrap failed here (exit {proc.returncode}): {proc.stderr.strip()[-300:]}"
    return True, f"bubblewrap sandbox ({bwrap})"


def _system_binds() -> list[str]:
    """Read-only system folders (symlinked ones, as on merged-/usr systems, become symlinks)."""
    args: list[str] = []
    for name in ("usr", "etc", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "opt"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    args += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/run"]
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


@dataclass
class SandboxSpec:
    """What one kernel may see and use."""

    private_dir: Path
    memory_limit: int = DEFAULT_MEMORY_LIMIT
    file_size_limit: int = DEFAULT_FILE_SIZE_LIMIT
    use_bwrap: bool = True
    #: extra read-only folders (besides the system, Python and the course packages)
    read_only: list[Path] = field(default_factory=list)

    def wrap(self, command: list[str]) -> list[str]:
        """The full command line that runs ``command`` (a kernel) inside this sandbox."""
        limits = [sys.executable, "-m", "autograde.hardening.sandbox"]
        limits += ["--memory", str(self.memory_limit), "--file-size", str(self.file_size_limit)]
        if not (self.use_bwrap and sandbox_status()[0]):
            return [*limits, "--", *command]
        bwrap = shutil.which("bwrap") or "bwrap"
        args = [bwrap, *_system_binds()]
        for folder in [*_package_dirs(), *self.read_only]:
            args += ["--ro-bind", str(folder), str(folder)]
            # hidden tests and known answers must not be readable from a kernel
            variants = folder / "variants"
            if folder.name == "autograde" and variants.is_dir():
                args += ["--tmpfs", str(variants)]
        private = str(self.private_dir.resolve())
        args += ["--bind", private, private, "--chdir", private]
        # the sandbox's own root (where /root, /home, /work... would be) is read-only too;
        # /tmp stays a private, throw-away tmpfs
        args += ["--remount-ro", "/"]
        args += ["--setenv", "HOME", private, "--setenv", "TMPDIR", "/tmp"]
        # jupyter_client's launcher sets it; in a PID namespace the parent's PID means nothing
        # and ipykernel would shut down at once (--die-with-parent does that job instead)
        args += ["--unsetenv", "JPY_PARENT_PID"]
        args += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
        args += ["--die-with-parent", "--new-session", "--"]
        return [*limits, "--", *args, *command]


def apply_limits(memory: int, file_size: int) -> None:
    """Set this process's address-space and file-size limits (0: leave unlimited)."""
    import resource

    for which, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_FSIZE, file_size)):
        if value > 0:
            _soft, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                value = min(value, hard)
            resource.setrlimit(which, (value, value))


def main(argv: list[str] | None = None) -> int:
    """``python -m autograde.hardening.sandbox --memory N --file-size N -- COMMAND...``: limit, then exec."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m autograde.hardening.sandbox")
    parser.add_argument("--memory", type=parse_size, default=DEFAULT_MEMORY_LIMIT)
    parser.add_argument("--file-size", type=parse_size, default=DEFAULT_FILE_SIZE_LIMIT)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command to run")
    apply_limits(args.memory, args.file_size)
    os.execvp(command[0], command)
    return 127  # pragma: no cover - execvp does not return


if __name__ == "__main__":
    sys.exit(main())
