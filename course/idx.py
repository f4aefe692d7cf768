"""Read and write the IDX format of the MNIST files (raw or gzip-compressed).

An IDX file is a big-endian header followed by the array in C order:

    bytes 0-1   zero
    byte  2     element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
                0x0E float64
    byte  3     number of dimensions d
    then d      big-endian uint32 sizes, then prod(sizes) elements (big-endian)

so MNIST images start with magic 2051 (0x00000803: uint8, 3 dimensions) and labels with 2049
(0x00000801: uint8, 1 dimension). Gzip input is recognised by its own magic bytes (1f 8b), not
by the file name.
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path

import numpy as np

GZIP_MAGIC = b"\x1f\x8b"

#: IDX element-type code -> NumPy dtype (big-endian where it matters).
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {
    dtype.newbyteorder("=") if dtype.itemsize > 1 else dtype: code
    for code, dtype in IDX_DTYPES.items()
}


class IDXError(ValueError):
    """The bytes are not a well-formed IDX file (bad magic, truncated, wrong length)."""


def decompress(data: bytes, name: str = "data") -> bytes:
    """Return ``data`` gunzipped when it starts with the gzip magic, else unchanged."""
    if not data.startswith(GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (EOFError, OSError, zlib.error) as exc:
        raise IDXError(f"{name}: corrupt or truncated gzip stream ({exc})") from exc


def parse_idx(data: bytes, name: str = "data") -> np.ndarray:
    """Parse the (already decompressed) bytes of an IDX file into an array.

    Returns an array of shape ``sizes`` in native byte order (uint8 for MNIST).
    Raises :class:`IDXError` naming ``name`` when the header or the length is wrong.
    """
    if len(data) < 4:
        raise IDXError(f"{name}: only {len(data)} bytes, too short for an IDX header (4 bytes)")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in IDX_DTYPES:
        magic = struct.unpack(">I", data[:4])[0]
        raise IDXError(
            f"{name}: bad magic number {magic} (0x{magic:08x}); an IDX file starts with two zero "
            "bytes, a type code in {0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E} and the number of "
            "dimensions (MNIST: 2051 for images, 2049 for labels)"
        )
    if ndim == 0:
        raise IDXError(f"{name}: the header says 0 dimensions")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IDXError(
            f"{name}: truncated header ({len(data)} bytes, {ndim} dimensions need {header})"
        )
    sizes = struct.unpack(f">{ndim}I", data[4:header])
    dtype = IDX_DTYPES[code]
    expected = int(np.prod(sizes, dtype=np.int64)) * dtype.itemsize
    body = len(data) - header
    if body < expected:
        raise IDXError(
            f"{name}: truncated: the header promises shape {sizes} ({expected} bytes of data) "
            f"but only {body} bytes follow"
        )
    if body > expected:
        raise IDXError(
            f"{name}: {body - expected} unexpected bytes after the {expected} bytes of data "
            f"for shape {sizes}"
        )
    array = np.frombuffer(data, dtype=dtype, count=expected // dtype.itemsize, offset=header)
    return array.reshape(sizes).astype(dtype.newbyteorder("="), copy=True)


def read_idx(path: str | os.PathLike[str], expect_ndim: int | None = None) -> np.ndarray:
    """Read an IDX file (raw or gzip) at ``path``; optionally require ``expect_ndim`` dimensions."""
    path = Path(path)
    data = decompress(path.read_bytes(), path.name)
    array = parse_idx(data, path.name)
    if expect_ndim is not None and array.ndim != expect_ndim:
        raise IDXError(f"{path.name}: expected {expect_ndim} dimensions, got shape {array.shape}")
    return array


def to_idx_bytes(array: np.ndarray) -> bytes:
    """Encode ``array`` (uint8, int8, int16, int32, float32 or float64) as IDX bytes."""
    array = np.asarray(array)
    native = array.dtype.newbyteorder("=") if array.dtype.itemsize > 1 else array.dtype
    code = _CODES.get(native)
    if code is None:
        raise ValueError(f"IDX cannot store dtype {array.dtype}")
    if array.ndim == 0 or array.ndim > 255:
        raise ValueError(f"IDX needs 1 to 255 dimensions, got {array.ndim}")
    header = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + np.ascontiguousarray(array, dtype=IDX_DTYPES[code]).tobytes()


def write_idx(
    array: np.ndarray, path: str | os.PathLike[str], compress: bool | None = None
) -> Path:
    """Write ``array`` as IDX to ``path``, gzip-compressed when ``compress`` (default: name ends in .gz)."""
    path = Path(path)
    data = to_idx_bytes(array)
    if compress if compress is not None else path.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    path.write_bytes(data)
    return path
