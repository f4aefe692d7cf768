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
from collections.abc import Iterator
from pathlib import Path

from autograde.release.coursefolder import SOLUTIONS_DIR

#: The template course folder's folder of shared files.
SHARED_DIR = "shared"
MANIFEST = "manifest.json"
#: Notebooks whose cells call cnn.trained_model() in fast mode get this file.
FAST_MODEL = "slides_net_fast.pt"


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


def build_shared(folder: Path, stems: list[str], solutions: Path = SOLUTIONS_DIR) -> dict[str, str]:
    """Build what ``stems`` need into ``folder``; returns file name -> SHA-256. The training runs
    in this process, and torch may set variables of its own (``TORCHINDUCTOR_CACHE_DIR``): the
    instructor's environment is put back as it was."""
    with _environment_kept():
        return _build_shared(folder, stems, solutions)


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
    folder.mkdir(parents=True, exist_ok=True)
    if _calls(stems, solutions, "cnn.trained_model("):
        from course import cnn

        cnn.trained_model(folder / FAST_MODEL, device="cpu", fast=True, progress=False)
    if _calls(stems, solutions, "planted.planted_model("):
        from course import planted

        planted.planted_model(folder / planted.MODEL_FILE, device="cpu")
    if _calls(stems, solutions, "shuffled.shuffled_labels_model("):
        from course import shuffled

        shuffled.shuffled_labels_model(folder / shuffled.MODEL_FILE, device="cpu")
    if _calls(stems, solutions, "overfitting.regularisation_curves("):
        from course import overfitting

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
