"""The students' archive: installable, complete for lab and check, and without any answer."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile

import pytest

from autograde.release import student_dist


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return student_dist.build(tmp_path_factory.mktemp("dist"))


def test_the_archive_holds_no_hidden_test_and_no_known_answer(archive):
    secrets = student_dist.secret_lines()
    # every notebook's hidden tests and written answers, every variants file
    assert all(secrets.values()) and len(secrets) >= 18
    assert student_dist.leaks(archive) == []
    names = zipfile.ZipFile(archive).namelist()
    assert not [
        n for n in names if "/solutions/" in n or "/variants/" in n or n.endswith("audit.py")
    ]
    assert sum(n.endswith(".ipynb") for n in names) == 6


@pytest.mark.parametrize(
    "where", ["hidden tests of 04_convolution", "written answers and rubrics of 04_convolution"]
)
def test_the_scan_finds_a_planted_secret_line(archive, tmp_path, where):
    line = sorted(student_dist.secret_lines()[where])[0]
    planted = tmp_path / "planted.zip"
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(planted, "w") as dst:
        for member in src.namelist():
            data = src.read(member)
            if member.endswith("course/notebooks/04_convolution.ipynb"):
                nb = json.loads(data)
                nb["cells"][-1]["source"] = [line]
                data = json.dumps(nb).encode()
            dst.writestr(member, data)
    found = student_dist.leaks(planted)
    assert found and where in found[0]


def test_the_archive_installs_and_its_commands_run(archive, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"]
        + ["--target", str(target), str(archive)],
        check=True,
        timeout=300,
    )
    env = {k: v for k, v in os.environ.items() if k != "NN_COURSE_ROOT"}
    env["PYTHONPATH"] = str(target)
    code = (
        "import autograde, course; from autograde.commands.lab import released_notebooks; "
        "from autograde.verdicts.visible import Namer; "
        "print(autograde.__file__); print(released_notebooks()); "
        "print(all(Namer.shipped(s) is not None for s in ('01_neurons', '04_convolution')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr
    package, notebooks, names_mistakes = proc.stdout.split()
    assert names_mistakes == "True"  # nn-course check can name known mistakes
    assert package.startswith(str(target)) and notebooks == str(target / "course" / "notebooks")
    help_text = subprocess.run(
        [sys.executable, "-m", "autograde.cli", "--help"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    ).stdout
    commands = set(re.findall(r"^    (\S+)\s", help_text, flags=re.M))
    assert {"lab", "check"} <= commands and "audit" not in commands
