"""Broken hand-ins cost only what is broken: graded on the course's own tests, with a note."""

from __future__ import annotations

import json
import zipfile

import nbformat
import pytest

from autograde.grading.submissions import collect
from autograde.hardening.repair import repair
from tests.hostile import builders as b


def _released() -> dict:
    return json.loads((b.ROOT / "nbs" / f"{b.STEM}.ipynb").read_text(encoding="utf-8"))


@pytest.mark.parametrize("sid", sorted(b.MALFORMED))
def test_repair_gives_nbgrader_a_valid_notebook_with_the_released_metadata(sid):
    build, note = b.MALFORMED[sid]
    nb, notes = repair(build(), _released())
    assert any(note in n for n in notes), notes
    nbformat.validate(nbformat.from_dict(nb))  # raises when nbgrader could not read it
    json.dumps(nb, ensure_ascii=False).encode("utf-8")  # no lone surrogate left
    released = {
        c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"]
        for c in _released()["cells"]
        if "nbgrader" in c["metadata"]
    }
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader")
        if meta and meta.get("grade_id") in released:
            assert meta == released[meta["grade_id"]]


def test_a_clean_notebook_needs_no_repair():
    nb = json.loads(nbformat.writes(b.perfect()))
    repaired, notes = repair(nb, _released())
    assert notes == []
    assert nbformat.from_dict(repaired) == nbformat.reads(json.dumps(nb), as_version=4)


@pytest.mark.slow
@pytest.mark.parametrize("sid", sorted(b.MALFORMED))
def test_a_broken_notebook_is_graded_on_the_original_tests_with_a_note(battery, sid):
    row = battery.row(sid)
    assert (row.status, row.score, row.max_score) == ("graded", b.FULL, b.TOTAL), row.message
    assert b.MALFORMED[sid][1] in row.message


@pytest.mark.slow
def test_a_look_alike_beside_the_released_name_is_named(battery):
    row = battery.row("twin")
    assert row.status == "graded" and row.score == 0
    assert any("twin" in w and f"{b.STEM} (1).ipynb" in w for w in battery.report.warnings)


def test_a_damaged_zip_member_is_refused_alone(tmp_path):
    archive = tmp_path / "class.zip"
    text = nbformat.writes(b.perfect()).encode()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("alice/01_neurons.ipynb", text)
        zf.writestr("bob/01_neurons.ipynb", text)
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        bob = zf.getinfo("bob/01_neurons.ipynb")
    # flip one byte of bob's compressed data: its CRC no longer matches
    start = bob.header_offset + 30 + len(bob.filename.encode()) + len(bob.extra)
    data[start + 100] ^= 0xFF
    archive.write_bytes(bytes(data))
    klass = collect(archive, ["01_neurons"], tmp_path / "work")
    assert klass.hand_ins["alice"]["01_neurons"].status == "ok"
    bob_in = klass.hand_ins["bob"]["01_neurons"]
    assert bob_in.status == "invalid" and "damaged" in bob_in.problem
    assert any("bob/01_neurons.ipynb" in w and "damaged" in w for w in klass.warnings)
