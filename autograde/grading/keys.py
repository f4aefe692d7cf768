"""Making the answer keys of a class (see :mod:`autograde.verdicts.key`).

Keys are cached under ``$XDG_CACHE_HOME/nn-course/keys``, by the SHA-256 of the solutions, of
every file of the ``course`` and ``autograde`` packages, of the class's shared files (the
models notebook 06 explains: a key made with other weights would judge a right answer wrong),
of the Python, NumPy and torch versions and of the fast-mode switch: grading the same class
again costs nothing extra.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from pathlib import Path

from autograde.grading.fingerprint import cache_root, code_fingerprint
from autograde.grading.results import GradingSettings, full_marks
from autograde.grading.shared import MANIFEST, SHARED_DIR, needed_files
from autograde.grading.worker import grade
from autograde.verdicts.key import KEYS_DIR, KeyFailed, key_path

#: The pseudo-student whose hand-in is the instructor's solution.
KEY_STUDENT = "nn-course-answer-key"


def fingerprint(stems: list[str], solutions: Path, shared: Path | None = None) -> str:
    """What the keys of ``stems`` depend on, as one SHA-256: the code (see
    :func:`~autograde.grading.fingerprint.code_fingerprint`) and, of the class's ``shared``
    folder, the SHA-256 of each file these notebooks read (a key does not change with the
    rest of the class)."""
    manifest = Path(shared) / MANIFEST if shared is not None else None
    built = json.loads(manifest.read_text()) if manifest is not None and manifest.is_file() else {}
    reads = {name: built.get(name, "") for name in needed_files(stems, solutions)}
    return code_fingerprint(
        stems, solutions, b"shared\0" + json.dumps(reads, sort_keys=True).encode()
    )


def cache_dir() -> Path:
    return cache_root() / "keys"


def build_keys(
    template: Path, stems: list[str], solutions: Path, settings: GradingSettings
) -> Path:
    """Make (or take from the cache, notebook by notebook) the keys of ``stems`` into
    ``template/keys``, for the shared files already built in ``template/shared``."""
    target = Path(template) / KEYS_DIR
    target.mkdir(parents=True, exist_ok=True)
    shared = Path(template) / SHARED_DIR
    cached = {stem: cache_dir() / fingerprint([stem], solutions, shared) for stem in stems}
    missing = [stem for stem in stems if not key_path(cached[stem], stem).is_file()]
    for stem in stems:
        if stem not in missing:
            shutil.copyfile(key_path(cached[stem], stem), key_path(target, stem))
    if not missing:
        return target
    with tempfile.TemporaryDirectory(prefix="nn-course-key-") as tmp:
        notebooks = {s: str(Path(solutions) / f"{s}.ipynb") for s in missing}
        results = grade(Path(template), KEY_STUDENT, notebooks, Path(tmp), settings, make_keys=True)
        for result in results:
            # written answers wait for a person; every other point must be the solution's
            if not full_marks(result):
                failing = [f"{c.grade_id}: {c.message}" for c in result.cells if c.message]
                raise KeyFailed(
                    f"the solution of {result.notebook} scores {result.score:g} of "
                    f"{result.max_score:g} on its own tests, so no answer key can be made: "
                    + "; ".join(failing + result.notes),
                    result.notebook,
                    result.score,
                    result.max_score,
                )
            made = key_path(Path(tmp) / "course" / KEYS_DIR, result.notebook)
            shutil.copyfile(made, key_path(target, result.notebook))
    save_to_cache({key_path(target, s): key_path(cached[s], s) for s in missing})
    return target


def save_to_cache(files: dict[Path, Path]) -> None:
    """Copy each made file to its place in the cache (a failure only costs speed)."""
    for made, place in files.items():
        try:
            place.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(made, place)
        except OSError:
            pass


def key_hashes(template: Path, stems: list[str]) -> dict[str, str]:
    """stem -> SHA-256 of its answer key in ``template`` (for the manifest)."""
    return {
        stem: hashlib.sha256(key_path(Path(template) / KEYS_DIR, stem).read_bytes()).hexdigest()
        for stem in stems
        if key_path(Path(template) / KEYS_DIR, stem).is_file()
    }
