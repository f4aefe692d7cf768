"""What a notebook needs that does not depend on the student: built once per class.

Notebook 06 explains a trained CNN (``cnn.trained_model()``), one trained on planted data
(``planted.planted_model()``) and one that memorised shuffled labels
(``shuffled.shuffled_labels_model()``); notebook 05 shows over-fitting curves of three small
training runs (``overfitting.regularisation_curves()``). Without help every grading kernel trains those models again,
the same for every student. :func:`build_shared` trains it
once, into the template course folder's ``shared/`` (shipped with the template to Dask
workers too), and records each file's SHA-256 in ``shared/manifest.json``; the worker checks
them (:func:`verify_shared`) before a student's kernels start, and the kernels get the folder
read-only through ``NN_COURSE_MODELS`` (see :func:`course.cnn.model_cache_dir`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from autograde.grading.fingerprint import cache_root, code_fingerprint
from autograde.release.coursefolder import SOLUTIONS_DIR
from course import shared_files

#: The template course folder's folder of shared files.
SHARED_DIR = "shared"
MANIFEST = "manifest.json"
#: Notebooks whose cells call cnn.trained_model() in fast mode get this file.
FAST_MODEL = shared_files.FAST_MODEL


class SharedFilesChanged(RuntimeError):
    """A shared file no longer has the hash it was built with."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _calls(stems: list[str], solutions: Path, call: str) -> bool:
    """Whether a code cell of one of ``stems`` calls ``call`` (e.g. ``cnn.trained_model(``)."""
    for stem in stems:
        nb = json.loads((solutions / f"{stem}.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code" and call in "".join(cell["source"]):
                return True
    return False


def needed_files(stems: list[str], solutions: Path = SOLUTIONS_DIR) -> list[str]:
    """The shared files the code of ``stems`` reads: what :func:`build_shared` builds for them
    and what their answer keys depend on."""
    reads = {
        "cnn.trained_model(": shared_files.FAST_MODEL,
        "planted.planted_model(": shared_files.PLANTED_MODEL,
        "shuffled.shuffled_labels_model(": shared_files.SHUFFLED_MODEL,
        "overfitting.regularisation_curves(": shared_files.OVERFITTING_CURVES,
    }
    return [name for call, name in reads.items() if _calls(stems, solutions, call)]


def build_shared(folder: Path, stems: list[str], solutions: Path = SOLUTIONS_DIR) -> dict[str, str]:
    """Build what ``stems`` need into ``folder``; returns file name -> SHA-256. The training runs
    in this process, and torch may set variables of its own (``TORCHINDUCTOR_CACHE_DIR``): the
    instructor's environment is put back as it was. What was built is kept in the cache, by the
    fingerprint the answer keys use (solutions, packages, versions), and taken from there the
    next time once its hashes check out: grading the same class again trains nothing."""
    cached = _cache_folder(stems, solutions)
    if _copy_verified(cached, folder):
        return _hashes(folder)
    shutil.rmtree(cached, ignore_errors=True)  # absent, or no longer what was built
    with _environment_kept():
        hashes = _build_shared(folder, stems, solutions)
    _save(folder, cached)
    return hashes


def _cache_folder(stems: list[str], solutions: Path) -> Path:
    return cache_root() / "shared" / code_fingerprint(sorted(stems), solutions)


def _hashes(folder: Path) -> dict[str, str]:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def _copy_verified(cached: Path, folder: Path) -> bool:
    """Copy the cached build into ``folder`` if it is whole and unchanged."""
    try:
        if verify_shared(cached) is None:
            return False
    except SharedFilesChanged:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    for path in cached.iterdir():
        shutil.copyfile(path, folder / path.name)
    return verify_shared(folder) is not None


def _save(folder: Path, cached: Path) -> None:
    """Keep a copy of ``folder`` in the cache (written aside, then renamed: a reader never sees
    half of it); a failure only costs the next class its training."""
    part = cached.with_name(f"{cached.name}.{os.getpid()}.part")
    try:
        shutil.rmtree(part, ignore_errors=True)
        shutil.copytree(folder, part)
        part.rename(cached)
    except OSError:
        shutil.rmtree(part, ignore_errors=True)


@contextlib.contextmanager
def _environment_kept() -> Iterator[None]:
    before = dict(os.environ)
    try:
        yield
    finally:
        for name in [n for n in os.environ if n not in before]:
            del os.environ[name]
        os.environ.update(before)


def _build_shared(folder: Path, stems: list[str], solutions: Path) -> dict[str, str]:
    from course.threads import FIXED_ENV

    folder.mkdir(parents=True, exist_ok=True)
    # the same bits however busy the machine is, so the cached answer keys stay valid
    os.environ[FIXED_ENV] = "1"
    from course import cnn, overfitting, planted, shuffled

    needed = needed_files(stems, solutions)
    if FAST_MODEL in needed:
        cnn.trained_model(folder / FAST_MODEL, device="cpu", fast=True, progress=False)
    if planted.MODEL_FILE in needed:
        planted.planted_model(folder / planted.MODEL_FILE, device="cpu")
    if shuffled.MODEL_FILE in needed:
        shuffled.shuffled_labels_model(folder / shuffled.MODEL_FILE, device="cpu")
    if overfitting.RESULTS_FILE in needed:
        overfitting.regularisation_curves(folder / overfitting.RESULTS_FILE)
    hashes = {p.name: _sha256(p) for p in sorted(folder.iterdir()) if p.name != MANIFEST}
    (folder / MANIFEST).write_text(json.dumps(hashes, indent=1), encoding="utf-8")
    return hashes


def verify_shared(folder: Path) -> Path | None:
    """``folder`` when every file has the hash it was built with (None: nothing shared);
    raises :class:`SharedFilesChanged` otherwise."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return None
    hashes = json.loads(manifest.read_text(encoding="utf-8"))
    for name, digest in hashes.items():
        path = folder / name
        if not path.is_file() or _sha256(path) != digest:
            raise SharedFilesChanged(f"the shared file {name} changed since it was built")
    return folder
