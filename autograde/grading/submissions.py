"""Collect a class's hand-ins from a folder or a zip, without trusting any of it.

A class is a folder (or a ``.zip`` of one) holding one folder per student id, each with that
student's notebooks under their released names: ``alice/01_neurons.ipynb``. The source is
only read: a zip is extracted into the grading folder with every member checked (no absolute
paths, no ``..``, no links, bounded sizes), and each notebook is validated before grading.
"""

from __future__ import annotations

import json
import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograde.grading.results import HandIn

#: A student id: letters, digits, '.', '_', '-', starting with a letter or digit.
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
MAX_ZIP_MEMBERS = 100_000
MAX_COMPRESSION_RATIO = 200


class SubmissionError(ValueError):
    """The class as a whole cannot be read (not a folder or zip, unsafe zip)."""


@dataclass
class Class:
    """Every student's hand-ins, plus warnings about entries that were skipped."""

    hand_ins: dict[str, dict[str, HandIn]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def students(self) -> list[str]:
        return sorted(self.hand_ins)


def _safe_member(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        return None
    return path


def extract_zip(archive: Path, dest: Path, damaged: dict[Path, str] | None = None) -> list[str]:
    """Extract ``archive`` into ``dest`` member by member; returns warnings for skipped ones.

    A member that cannot be read back (its CRC or size lies, an unknown compression, a
    password) is refused alone: it is left out, named in a warning and, in ``damaged``,
    mapped to the reason by the path it would have had. Raises :class:`SubmissionError` for a zip bomb (too many members, too large in total, or
    a suspicious compression ratio) or a file that is not a zip.
    """
    warnings: list[str] = []
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SubmissionError(f"{archive} is not a readable zip file: {exc}") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise SubmissionError(f"{archive} has {len(infos)} members (limit {MAX_ZIP_MEMBERS})")
        total = sum(i.file_size for i in infos)
        if total > MAX_ZIP_TOTAL_BYTES:
            raise SubmissionError(f"{archive} would unpack to {total} bytes: refusing (zip bomb?)")
        for info in infos:
            path = _safe_member(info.filename)
            mode = info.external_attr >> 16
            if path is None:
                warnings.append(f"skipped unsafe path in zip: {info.filename!r}")
                continue
            if stat.S_ISLNK(mode):
                warnings.append(f"skipped symbolic link in zip: {info.filename!r}")
                continue
            if info.is_dir():
                # An empty student folder is a student who handed in nothing: keep it.
                dest.joinpath(*path.parts).mkdir(parents=True, exist_ok=True)
                continue
            if (
                info.compress_size
                and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO
                and info.file_size > 1024 * 1024
            ):
                warnings.append(
                    f"skipped {info.filename!r}: compression ratio too high (zip bomb?)"
                )
                continue
            if info.file_size > MAX_NOTEBOOK_BYTES:
                warnings.append(
                    f"skipped {info.filename!r}: larger than {MAX_NOTEBOOK_BYTES} bytes"
                )
                continue
            target = dest.joinpath(*path.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out, length=1024 * 1024)
            except (
                zipfile.BadZipFile,
                EOFError,
                zlib.error,
                NotImplementedError,
                RuntimeError,
            ) as exc:
                target.unlink(missing_ok=True)
                why = f"its zip member is damaged and was refused ({exc})"
                warnings.append(f"refused {info.filename!r}: damaged in the zip ({exc})")
                if damaged is not None:
                    damaged[target.resolve()] = why
    return warnings


def _class_root(folder: Path) -> Path:
    """An LMS zip often wraps the class in one top-level folder: step into it."""
    entries = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_dir() and not entries[0].is_symlink():
        inner = [p for p in entries[0].iterdir() if p.is_dir()]
        if inner and not any(p.suffix == ".ipynb" for p in entries[0].iterdir()):
            return entries[0]
    return folder


def validate_notebook(path: Path) -> str:
    """Why ``path`` cannot be graded as a notebook, or ``""`` when it can."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return f"cannot read the file ({exc.strerror})"
    if size == 0:
        return "the file is empty"
    if size > MAX_NOTEBOOK_BYTES:
        return f"the file is {size} bytes, over the {MAX_NOTEBOOK_BYTES}-byte limit"
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return "the file is not UTF-8 text (a binary file or another encoding?)"
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as exc:
        return f"the file is not valid notebook JSON ({exc.msg} at line {exc.lineno})"
    if not isinstance(nb, dict):
        return "the file is JSON but not a Jupyter notebook (no list of cells)"
    if nb.get("nbformat") == 3 and isinstance(nb.get("worksheets"), list):
        return ""  # the old format: converted before grading, with a note
    if not isinstance(nb.get("cells"), list):
        return "the file is JSON but not a Jupyter notebook (no list of cells)"
    if nb.get("nbformat") != 4:
        return f"unsupported notebook format version {nb.get('nbformat')!r} (expected 3 or 4)"
    return ""


def _look_alikes(folder: Path, stem: str) -> list[str]:
    """Other notebooks in ``folder`` that look like ``stem`` (``01_neurons (1).ipynb``)."""
    try:
        names = sorted(p.name for p in folder.iterdir() if p.suffix.lower() == ".ipynb")
    except OSError:
        names = []
    return [n for n in names if n.lower().startswith(stem.lower()[:2]) and n != f"{stem}.ipynb"]


def _missing(folder: Path, stem: str) -> str:
    """Why a notebook counts as not handed in, naming look-alikes (``01_neurons (1).ipynb``)."""
    look_alikes = _look_alikes(folder, stem)
    if not look_alikes:
        return "not handed in"
    shown = ", ".join(repr(n) for n in look_alikes[:3])
    return (
        f"not handed in under its name {stem}.ipynb (found {shown}: notebooks must keep the "
        "name they were released with)"
    )


def collect(source: Path, stems: list[str], workdir: Path) -> Class:
    """Read the class at ``source`` (folder or zip) into ``workdir``; never writes to ``source``.

    Every student gets a HandIn for every course notebook: ``ok`` (a copy under ``workdir``),
    ``missing`` or ``invalid`` with the reason.
    """
    source = Path(source)
    incoming = workdir / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    result = Class()
    damaged: dict[Path, str] = {}
    if source.is_file() and source.suffix.lower() == ".zip":
        result.warnings += extract_zip(source, incoming, damaged)
        root = _class_root(incoming)
    elif source.is_dir():
        root = source
    else:
        raise SubmissionError(f"{source} is neither a folder of student folders nor a .zip")

    for entry in sorted(root.iterdir()):
        if entry.name.startswith((".", "__MACOSX")):
            continue
        if entry.is_symlink():
            result.warnings.append(f"skipped {entry.name!r}: a symbolic link, not a folder")
            continue
        if not entry.is_dir():
            result.warnings.append(f"skipped {entry.name!r}: not a student folder")
            continue
        if not STUDENT_ID.match(entry.name):
            result.warnings.append(
                f"skipped folder {entry.name!r}: not a safe student id (letters, digits, . _ -)"
            )
            continue
        sid = entry.name
        hand_ins = {}
        for stem in stems:
            nb_path = entry / f"{stem}.ipynb"
            if nb_path.is_symlink():
                hand_ins[stem] = HandIn(sid, stem, "invalid", "the notebook is a symbolic link")
            elif nb_path.resolve() in damaged:
                hand_ins[stem] = HandIn(sid, stem, "invalid", damaged[nb_path.resolve()])
            elif not nb_path.exists():
                hand_ins[stem] = HandIn(sid, stem, "missing", _missing(entry, stem))
            elif not nb_path.is_file():
                hand_ins[stem] = HandIn(sid, stem, "invalid", "not a regular file")
            else:
                copy = workdir / "students" / sid / f"{stem}.ipynb"
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(nb_path, copy)
                problem = validate_notebook(copy)
                status = "invalid" if problem else "ok"
                hand_ins[stem] = HandIn(sid, stem, status, problem, path=str(copy))
                others = _look_alikes(entry, stem)
                if others:
                    result.warnings.append(
                        f"{sid}: graded {stem}.ipynb; also found "
                        + ", ".join(repr(n) for n in others[:3])
                        + ", not graded (only the released name counts)"
                    )
        result.hand_ins[sid] = hand_ins
    return result
