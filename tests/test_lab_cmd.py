"""``nn-course lab`` opens nbs/ in JupyterLab, adding --allow-root only for root."""

import os
import sys
from pathlib import Path

import pytest

from autograde.cli import main
from autograde.commands import lab as lab_cmd
from autograde.commands.lab import lab_command
from course.openmp import OPENMP_POLICY


def test_lab_command_line():
    nbs = Path("/course/nbs")
    user = lab_command(nbs, ["--no-browser"], is_root=False)
    assert user[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={nbs}" in user and "--allow-root" not in user
    assert user[-1] == "--no-browser"
    root = lab_command(nbs, [], is_root=True)
    assert root.count("--allow-root") == 1
    assert lab_command(nbs, ["--allow-root"], is_root=True).count("--allow-root") == 1


def test_lab_passes_its_arguments_to_jupyterlab(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(lab_cmd.subprocess, "call", lambda cmd, env=None: calls.append(cmd) or 0)
    assert main(["lab", "--work", str(tmp_path / "w"), "--no-browser", "--port", "8890"]) == 0
    assert calls[0][-3:] == ["--no-browser", "--port", "8890"]
    assert calls[0][3] == f"--ServerApp.root_dir={tmp_path / 'w'}"


def test_jupyterlab_and_its_kernels_get_the_openmp_waiting_policy(monkeypatch, tmp_path):
    envs = []
    monkeypatch.setattr(lab_cmd.subprocess, "call", lambda cmd, env=None: envs.append(env) or 0)
    monkeypatch.setenv("KMP_BLOCKTIME", "7")  # the user's own setting wins
    monkeypatch.delenv("GOMP_SPINCOUNT", raising=False)
    assert main(["lab", "--work", str(tmp_path / "w")]) == 0
    assert envs[0]["GOMP_SPINCOUNT"] == OPENMP_POLICY["GOMP_SPINCOUNT"]
    assert envs[0]["KMP_BLOCKTIME"] == "7"
    assert "GOMP_SPINCOUNT" not in os.environ  # only the child's environment


def test_the_work_folder_is_filled_once_and_never_overwritten(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(lab_cmd.subprocess, "call", lambda cmd, env=None: 0)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["lab"]) == 0  # the default work folder, ~/nn-course
    work = tmp_path / "nn-course"
    released = sorted(p.name for p in (Path(lab_cmd.course_root()) / "nbs").glob("*.ipynb"))
    assert sorted(p.name for p in work.glob("*.ipynb")) == released
    mine = work / "04_convolution.ipynb"
    mine.write_text("my answers")
    (work / "01_neurons.ipynb").unlink()
    capsys.readouterr()
    assert main(["lab"]) == 0
    out = capsys.readouterr().out
    assert mine.read_text() == "my answers" and (work / "01_neurons.ipynb").is_file()
    assert "copied into" in out and "01_neurons.ipynb" in out and "not overwritten" in out


def test_other_commands_still_refuse_unknown_options(capsys):
    with pytest.raises(SystemExit):
        main(["release", "--bogus"])
    assert "unrecognized arguments: --bogus" in capsys.readouterr().err
