"""``course.openmp``: the waiting policy that keeps torch's threads from spinning against other
programs, put where OpenMP reads it (the environment of a process before torch loads)."""

import subprocess
import sys

from course.openmp import OPENMP_POLICY, apply_openmp_policy


def test_the_policy_fills_what_is_not_set_and_keeps_what_is():
    env = apply_openmp_policy({"KMP_BLOCKTIME": "50", "PATH": "/bin"})
    assert env["GOMP_SPINCOUNT"] == OPENMP_POLICY["GOMP_SPINCOUNT"]
    assert env["KMP_BLOCKTIME"] == "50" and env["PATH"] == "/bin"


def test_a_grading_kernel_starts_with_the_policy():
    from autograde.hardening.execute import KERNEL_ENV_KEEP

    assert set(OPENMP_POLICY) <= set(KERNEL_ENV_KEEP)  # a grader's own setting passes through


def test_torch_loaded_after_the_policy_runs_with_it():
    code = (
        "from course.openmp import apply_openmp_policy; apply_openmp_policy(); "
        "import os, torch; torch.ones(64, 64) @ torch.ones(64, 64); "
        "print(os.environ['GOMP_SPINCOUNT'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == OPENMP_POLICY["GOMP_SPINCOUNT"]
