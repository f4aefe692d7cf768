"""autograde.grading.fingerprint: what a class's cached builds depend on, found cheaply."""

from __future__ import annotations

import subprocess
import sys
import types

from autograde.grading import fingerprint
from autograde.release.coursefolder import SOLUTIONS_DIR

STEMS = ["01_neurons"]


def test_the_fingerprint_and_the_shared_files_need_no_torch():
    """Finding a class's cached builds (the fingerprint, the shared files its notebooks read)
    imports no torch in the grader's own process: about 1 s of CPU a run."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from autograde.grading.fingerprint import code_fingerprint\n"
        "from autograde.grading.shared import needed_files\n"
        "from autograde.release.coursefolder import course_stems\n"
        f"code_fingerprint({STEMS!r}, Path({str(SOLUTIONS_DIR)!r}))\n"
        "print(len(needed_files(course_stems())), 'torch' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "4 False"  # 05 and 06 read four shared files


def test_the_fingerprint_follows_the_torch_and_numpy_versions(monkeypatch):
    first = fingerprint.code_fingerprint(STEMS, SOLUTIONS_DIR)
    assert fingerprint.code_fingerprint(STEMS, SOLUTIONS_DIR) == first
    real = fingerprint.installed_version
    for name in ("torch", "numpy"):
        monkeypatch.setattr(
            fingerprint,
            "installed_version",
            lambda dist, name=name: "0.0-other" if dist == name else real(dist),
        )
        assert fingerprint.code_fingerprint(STEMS, SOLUTIONS_DIR) != first


def test_installed_version_reads_metadata_or_falls_back_to_the_module(monkeypatch):
    import torch

    assert fingerprint.installed_version("torch") == torch.__version__
    fake = types.ModuleType("nn_course_no_such_distribution")
    fake.__version__ = "1.2.3"
    monkeypatch.setitem(sys.modules, fake.__name__, fake)
    assert fingerprint.installed_version(fake.__name__) == "1.2.3"


def test_the_manifest_names_the_device_without_importing_a_cpu_only_torch(monkeypatch):
    import torch

    from autograde.grading import manifest

    monkeypatch.setattr(manifest, "installed_version", lambda name: "2.13.0+cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)  # must not be asked
    assert manifest.device()["torch_device"] == "cpu"
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index: "a GPU")
    monkeypatch.setattr(manifest, "installed_version", lambda name: "2.13.0")  # a CUDA build
    assert manifest.device()["torch_device"] == "cuda" and manifest.device()["gpu"] == "a GPU"
