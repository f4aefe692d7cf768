"""The course template on other machines: packed once as a tar archive, unpacked once per process.

The template (an nbgrader course folder whose gradebook knows every notebook) is built once per
class by the pipeline. A Dask worker on another machine receives it as bytes
(:func:`pack_folder`) and unpacks it once per worker process (:func:`unpacked_template`,
cached by content, removed at exit), so workers need only this package installed.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import shutil
import tarfile
import tempfile
import threading
from pathlib import Path


def pack_folder(folder: Path) -> bytes:
    """A tar archive of ``folder`` (relative names, no owners; times kept: nbgrader reads them)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for path in sorted(Path(folder).rglob("*")):
            info = tar.gettarinfo(str(path), arcname=str(path.relative_to(folder)))
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if path.is_file():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            elif path.is_dir():
                tar.addfile(info)
    return buf.getvalue()


_UNPACKED: dict[str, Path] = {}
_UNPACK_LOCK = threading.Lock()


def unpacked_template(archive: bytes) -> Path:
    """Unpack a template archive once per process (cached by content); removed at exit."""
    key = hashlib.sha256(archive).hexdigest()
    with _UNPACK_LOCK:
        if key not in _UNPACKED or not _UNPACKED[key].is_dir():
            root = Path(tempfile.mkdtemp(prefix="nn-course-template-"))
            with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
                tar.extractall(root, filter="data")
            atexit.register(shutil.rmtree, root, True)
            _UNPACKED[key] = root
        return _UNPACKED[key]
