"""The records a grading kernel wrote, read as untrusted data.

The kernel appends to one file in its private folder (``RECORDS_ENV``). The grader empties it
before each test cell and reads it after: without following links, only a regular file, at
most :data:`MAX_BYTES`, each line checked by :func:`course.records.load_line`. Lines that are
not valid records are dropped and counted; they can only make a test fail, never pass.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from course.records import HIDDEN_MARK, NotData, load_line

#: Most bytes of records one test cell may produce.
MAX_BYTES = 48 * 1024 * 1024
FILE_NAME = "records.jsonl"


def clear(path: Path) -> None:
    """Remove whatever the kernel left at ``path`` (a file, a link, a folder)."""
    try:
        if path.is_dir() and not path.is_symlink():
            import shutil

            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def _read_bytes(path: Path) -> bytes | None:
    """At most MAX_BYTES + 1 bytes of the regular file at ``path`` (links not followed)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return b""
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        chunks, size = [], 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks)[: MAX_BYTES + 1]


def read_lines(path: Path, marks: bool = False) -> tuple[list[str], int]:
    """(the lines at ``path`` that are valid records, as text; how many were refused).
    ``marks``: keep :data:`course.records.HIDDEN_MARK` lines too (the answer key's run)."""
    data = _read_bytes(path)
    if data is None:
        return [], 1
    refused = 1 if len(data) > MAX_BYTES else 0
    lines = []
    for raw in data[:MAX_BYTES].split(b"\n"):
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
            if marks and json.loads(text) == HIDDEN_MARK:
                lines.append(text)
                continue
            load_line(text, MAX_BYTES)
        except (NotData, UnicodeDecodeError, RecursionError, ValueError):
            refused += 1
            continue
        lines.append(text)
    return lines, refused


def read(path: Path) -> tuple[list[dict], int]:
    """(the valid records at ``path``, how many lines were refused)."""
    lines, refused = read_lines(path)
    return [load_line(line, MAX_BYTES) for line in lines], refused
