"""What a class's cached builds depend on (answer keys, prints, shared models), as a SHA-256,
and where they are cached: ``$XDG_CACHE_HOME/nn-course/<kind>``."""

from __future__ import annotations

import hashlib
import os
import platform
from pathlib import Path


def _package_files() -> list[Path]:
    import autograde
    import course

    files = []
    for package in (course, autograde):
        root = Path(package.__file__).resolve().parent
        files += sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)
    return files


def installed_version(name: str) -> str:
    """The installed version of the distribution ``name`` from its metadata, without importing
    it (``import torch`` alone costs a grading run about 1 s of CPU); the module's
    ``__version__`` where no metadata is installed."""
    from importlib import import_module
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return str(import_module(name).__version__)


def code_fingerprint(stems: list[str], solutions: Path, extra: bytes = b"") -> str:
    """SHA-256 of the solutions of ``stems``, every file of the ``course`` and ``autograde``
    packages, the Python, NumPy and torch versions, the fast-mode switch and ``extra``."""
    h = hashlib.sha256()
    for stem in stems:
        h.update((Path(solutions) / f"{stem}.ipynb").read_bytes())
    h.update(extra)
    for path in _package_files():
        h.update(path.name.encode())
        h.update(path.read_bytes())
    versions = [platform.python_version(), installed_version("numpy"), installed_version("torch")]
    versions.append(os.environ.get("NN_COURSE_FAST", ""))
    h.update("|".join(versions).encode())
    return h.hexdigest()


def cache_root() -> Path:
    """``$XDG_CACHE_HOME/nn-course`` (``~/.cache/nn-course``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nn-course"
