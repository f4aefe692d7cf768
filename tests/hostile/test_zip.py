"""A hostile submissions zip: traversal, absolute paths, links, bombs (no kernels needed)."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from autograde.grading import submissions
from autograde.grading.pipeline import grade_class
from autograde.grading.submissions import SubmissionError, collect, extract_zip
from tests.hostile import builders as b


def _link(zf: zipfile.ZipFile, name: str, target: str) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    zf.writestr(info, target)


@pytest.fixture
def hostile_zip(tmp_path) -> Path:
    archive = tmp_path / "class.zip"
    good = b.perfect()
    import nbformat

    text = nbformat.writes(good)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("hand-ins/alice/01_neurons.ipynb", text)
        zf.writestr("hand-ins/../../escaped.ipynb", text)
        zf.writestr("/tmp/absolute-escape.ipynb", text)
        zf.writestr("C:/windows-escape.ipynb", text)
        _link(zf, "hand-ins/linker/01_neurons.ipynb", "/etc/passwd")
        zf.writestr("hand-ins/bomber/01_neurons.ipynb", b"0" * (8 * 1024 * 1024))
    return archive


def test_zip_members_that_escape_or_link_or_bomb_are_skipped(hostile_zip, tmp_path):
    work = tmp_path / "work"
    klass = collect(hostile_zip, [b.STEM], work)
    warnings = "\n".join(klass.warnings)
    assert "escaped.ipynb" in warnings and "absolute-escape" in warnings
    assert "windows-escape" in warnings
    assert "symbolic link" in warnings and "compression ratio" in warnings
    assert klass.hand_ins["alice"][b.STEM].status == "ok"
    for sid in ("linker", "bomber"):  # their only member was skipped: nothing to grade
        assert sid not in klass.hand_ins or klass.hand_ins[sid][b.STEM].status == "missing"
    assert not (tmp_path / "escaped.ipynb").exists()
    assert not Path("/tmp/absolute-escape.ipynb").exists()
    extracted = [p for p in work.rglob("*") if p.is_file() or p.is_symlink()]
    assert all(not p.is_symlink() for p in extracted)
    assert all(work in p.resolve().parents for p in extracted)


def test_zip_bomb_by_total_size_refuses_the_class(tmp_path, monkeypatch):
    monkeypatch.setattr(submissions, "MAX_ZIP_TOTAL_BYTES", 16 * 1024 * 1024)
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(3):
            zf.writestr(f"s{i}/01_neurons.ipynb", b"\0" * (8 * 1024 * 1024))
    assert archive.stat().st_size < 200_000
    with pytest.raises(SubmissionError, match="zip bomb"):
        extract_zip(archive, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_not_a_zip_is_a_clear_error(tmp_path):
    fake = tmp_path / "class.zip"
    fake.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(SubmissionError, match="not a readable zip"):
        grade_class(fake, tmp_path / "out", stems=[b.STEM], progress=False)
    assert not (tmp_path / "out" / "grades.csv").exists()
