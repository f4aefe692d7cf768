"""The sandbox itself, without nbgrader: what a process inside it can see, write and reach."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from autograde import course_root
from autograde.hardening.sandbox import SandboxSpec, apply_limits, parse_size, sandbox_status


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
