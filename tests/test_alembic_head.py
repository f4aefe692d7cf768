"""A new gradebook is stamped with nbgrader's schema revision without starting ``alembic``."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess

import nbgrader.api
import pytest
from nbgrader.api import Gradebook
from nbgrader.dbutil import _temp_alembic_ini

from autograde.release.alembic_head import head_revision
from autograde.release.coursefolder import nbgrader_config


def test_the_revision_read_in_process_is_the_one_the_alembic_program_prints():
    alembic = shutil.which("alembic")
    if alembic is None:
        pytest.skip("no alembic program on PATH")
    with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:
        printed = subprocess.check_output([alembic, "-c", ini, "heads"], text=True)
    assert printed.split()[0] == head_revision()


def test_a_course_folders_new_gradebook_is_stamped_without_a_process(tmp_path, monkeypatch):
    nbgrader_config(tmp_path)  # what every command of the package builds first

    def no_process(*args, **kwargs):
        raise AssertionError(f"a process was started: {args}")

    monkeypatch.setattr(nbgrader.api.sp, "check_output", no_process)
    db = tmp_path / "gradebook.db"
    with Gradebook(f"sqlite:///{db}") as gb:
        gb.add_student("ann")
    with sqlite3.connect(db) as con:
        stamped = con.execute("SELECT version_num FROM alembic_version").fetchall()
    assert stamped == [(head_revision(),)]
    assert re.fullmatch(r"[0-9a-f]{12}", head_revision())  # an alembic revision id
