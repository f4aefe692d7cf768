"""The sandbox itself, without nbgrader: what a process inside it can see, write and reach."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograde import course_root
from autograde.hardening.sandbox import (
    TMPFS_SIZES,
    SandboxSpec,
    SandboxUnavailable,
    apply_limits,
    make_pids_cgroup,
    parse_size,
    remove_cgroup,
    require_sandbox,
    sandbox_status,
)


def test_parse_size():
    assert parse_size("4G") == 4 * 1024**3
    assert parse_size("512M") == 512 * 1024**2
    assert parse_size("1.5k") == 1536
    assert parse_size(1000) == 1000
    assert parse_size("0") == 0
    with pytest.raises(ValueError, match="not a size"):
        parse_size("lots")
    with pytest.raises(ValueError, match="negative"):
        parse_size(-1)


def _run(spec: SandboxSpec, code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        spec.wrap([sys.executable, "-c", code]), capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def bwrap(tmp_path) -> SandboxSpec:
    usable, why = sandbox_status()
    if not usable:
        pytest.skip(why)
    private = tmp_path / "private"
    private.mkdir()
    return SandboxSpec(private)


def test_memory_limit_turns_a_bomb_into_memory_error(tmp_path):
    spec = SandboxSpec(tmp_path, memory_limit=parse_size("1G"), use_bwrap=False)
    proc = _run(spec, "x = bytearray(4 * 1024**3)")
    assert proc.returncode != 0
    assert "MemoryError" in proc.stderr


def test_limits_apply_in_process():
    code = (
        "import resource; from autograde.hardening.sandbox import apply_limits; "
        "apply_limits(3 * 1024**3, 1024**2); "
        "print(resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_FSIZE)[0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(3 * 1024**3), str(1024**2)]
    assert callable(apply_limits)


def test_inside_the_sandbox_only_the_private_folder_is_writable(bwrap, tmp_path):
    home = Path.home()
    code = f"""
import os
ok = []
for target in ({str(home / "sandbox-probe")!r}, {str(tmp_path / "probe")!r}, "/usr/probe", "probe"):
    try:
        open(target, "w").write("x")
        ok.append(target)
    except OSError:
        pass
print(ok)
"""
    proc = _run(bwrap, code)
    assert proc.returncode == 0, proc.stderr
    # /tmp inside is a throw-away tmpfs: writable there, invisible here
    assert proc.stdout.strip() == f"[{str(tmp_path / 'probe')!r}, 'probe']"
    assert (bwrap.private_dir / "probe").is_file()
    assert not (home / "sandbox-probe").exists() and not (tmp_path / "probe").exists()


def test_inside_the_sandbox_hidden_tests_and_home_are_not_visible(bwrap, tmp_path):
    (tmp_path / "another-student.ipynb").write_text("{}")
    root = course_root()
    code = f"""
import os
print(os.path.exists({str(root / "solutions")!r}), os.path.exists({str(root / ".git")!r}),
      os.path.exists({str(Path.home() / ".bashrc")!r}),
      "".join(os.listdir({str(bwrap.private_dir.parent)!r})),
      os.path.exists({str(root / "course" / "checks.py")!r}))
"""
    proc = _run(bwrap, code)
    assert proc.returncode == 0, proc.stderr
    # of the private folder's parent, only the private folder itself is there
    assert proc.stdout.split() == ["False", "False", "False", "private", "True"]


def test_inside_the_sandbox_there_is_no_network(bwrap):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        proc = _run(
            bwrap,
            f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
            "    print('connected')\nexcept OSError as e:\n    print('refused')",
        )
    finally:
        server.close()
    assert proc.stdout.strip() == "refused", proc.stderr


PRIVILEGES = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
caps = open("/proc/self/status").read().split("CapEff:")[1].split()[0]
remount = libc.mount(b"none", b"/usr", None, 32 | 4096, None)  # MS_REMOUNT | MS_BIND
userns = libc.unshare(0x10000000)  # CLONE_NEWUSER
print(int(caps, 16), os.path.exists("/etc/shadow"), remount, userns)
"""

FORKS = """
import os, time
n = 0
try:
    while n < 2000:
        if os.fork() == 0:
            time.sleep(1)
            os._exit(0)
        n += 1
except OSError:
    pass
print(n)
"""


def test_no_capabilities_no_remount_no_new_user_namespace(bwrap):
    proc = _run(bwrap, PRIVILEGES)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["0", "False", "-1", "-1"]


def test_processes_are_bounded_whoever_runs_it(bwrap):
    bwrap.process_limit = 40
    bwrap.cgroup = make_pids_cgroup(40)
    try:
        proc = _run(bwrap, FORKS)
    finally:
        time.sleep(1.5)
        remove_cgroup(bwrap.cgroup)
    assert proc.returncode == 0, proc.stderr
    assert 0 < int(proc.stdout) < 40


def test_tmp_is_a_sized_tmpfs(bwrap):
    code = "import os; s = os.statvfs('/tmp'); print(s.f_blocks * s.f_frsize)"
    proc = _run(bwrap, code)
    assert int(proc.stdout) == TMPFS_SIZES["/tmp"], proc.stderr


def test_known_answers_are_covered_in_the_kernel(bwrap):
    import autograde

    variants = Path(autograde.__file__).parent / "variants"
    assert any(variants.glob("*.py"))
    proc = _run(bwrap, f"import os; print(os.listdir({str(variants)!r}))")
    assert proc.stdout.strip() == "[]", proc.stderr


def test_grading_fails_closed_without_bubblewrap(tmp_path, monkeypatch):
    from autograde.grading.pipeline import grade_class
    from autograde.grading.results import GradingSettings

    monkeypatch.setenv("PATH", str(tmp_path))
    sandbox_status.cache_clear()
    try:
        with pytest.raises(SandboxUnavailable, match="bwrap not found.*--no-sandbox"):
            require_sandbox()
        with pytest.raises(SandboxUnavailable):
            grade_class(tmp_path / "nothing-yet", tmp_path / "out", stems=["01_neurons"])
        assert not (tmp_path / "out").exists()
        # the instructor's explicit choice goes on (and fails later, on the missing class)
        with pytest.raises(Exception) as other:
            grade_class(
                tmp_path / "nothing-yet",
                tmp_path / "out",
                stems=["01_neurons"],
                settings=GradingSettings(sandbox=False),
            )
        assert not isinstance(other.value, SandboxUnavailable)
    finally:
        sandbox_status.cache_clear()


def test_the_command_stops_with_the_cause_and_exit_2(tmp_path):
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}  # no bwrap on it
    (tmp_path / "class").mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "autograde.cli", "autograde", str(tmp_path / "class")]
        + ["--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "sandbox cannot start here: bwrap not found" in proc.stderr
    assert "--no-sandbox" in proc.stderr and not (tmp_path / "out").exists()


UNPRIVILEGED = """
import subprocess, sys
from pathlib import Path
from autograde.hardening.sandbox import SandboxSpec
private = Path(sys.argv[1])
code = "import os; print(os.getuid(), open('/proc/self/status').read().split('CapEff:')[1].split()[0])"
spec = SandboxSpec(private, process_limit=30)
r = subprocess.run(spec.wrap([sys.executable, "-c", code]), capture_output=True, text=True)
print(r.stdout.strip(), r.returncode, r.stderr[-300:])
r = subprocess.run(spec.wrap([sys.executable, "-c", sys.argv[2]]), capture_output=True, text=True)
print(r.stdout.strip())
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become an ordinary user")
def test_as_an_ordinary_user_the_same_sandbox_holds():
    """The grader run by an ordinary user (nobody, with the system's Python and no packages
    but this repository): the kernel is that user, without capabilities, processes bounded."""
    system_python = Path("/usr/bin/python3")
    if not system_python.exists() or shutil.which("setpriv") is None:
        pytest.skip("needs /usr/bin/python3 and setpriv")
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="nn-course-nobody-"))  # pytest's own is root-only
    private = home / "private"
    private.mkdir()
    shutil.chown(home, 65534, 65534)
    shutil.chown(private, 65534, 65534)
    home.chmod(0o755)
    command = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]
    command += [str(system_python), "-c", UNPRIVILEGED, str(private), FORKS]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "PYTHONPATH": str(course_root())}
    try:
        proc = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    lines = proc.stdout.splitlines()
    assert lines and lines[0].split()[:3] == ["65534", "0000000000000000", "0"], proc.stdout
    assert 0 < int(lines[1]) < 30, proc.stdout


@pytest.mark.slow
def test_known_answers_are_covered_after_a_normal_install(tmp_path):
    """``pip install .`` (not editable): the package sits under the environment's prefix,
    which the sandbox binds whole; its variants must still be covered."""
    if not sandbox_status()[0]:
        pytest.skip("bubblewrap is not usable here")
    wheels, venv = tmp_path / "wheels", tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
        + ["-w", str(wheels), str(course_root())],
        check=True,
        timeout=300,
    )
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", *map(str, wheels.glob("*.whl"))],
        check=True,
        timeout=300,
    )
    private = tmp_path / "private"
    private.mkdir()
    driver = f"""
import subprocess, sys
from pathlib import Path
import autograde
from autograde.hardening.sandbox import SandboxSpec
variants = Path(autograde.__file__).parent / "variants"
assert str(variants).startswith(sys.prefix) and any(variants.glob("*.py")), variants
spec = SandboxSpec(Path({str(private)!r}))
code = f"import os; print(os.listdir({{str(variants)!r}}))"
print(subprocess.run(spec.wrap([sys.executable, "-c", code]), capture_output=True, text=True).stdout)
"""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "NN_COURSE_ROOT")}
    proc = subprocess.run(
        [str(python), "-c", driver], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]", proc.stdout
