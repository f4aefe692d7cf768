"""The IDX reader on generated, real and malformed files."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from course.idx import IDXError, parse_idx, read_idx, to_idx_bytes, write_idx

MNIST_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"


@pytest.mark.parametrize("dtype", ["u1", "i1", "i2", "i4", "f4", "f8"])
@pytest.mark.parametrize("compress", [False, True])
def test_round_trip_every_type(tmp_path, dtype, compress):
    rng = np.random.default_rng(1)
    array = (rng.standard_normal((3, 4, 5)) * 100).astype(dtype)
    path = write_idx(array, tmp_path / "a.idx", compress=compress)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.shape == (3, 4, 5)
    np.testing.assert_array_equal(back, array)


def test_header_is_big_endian_mnist_magic():
    data = to_idx_bytes(np.zeros((2, 28, 28), np.uint8))
    assert struct.unpack(">IIII", data[:16]) == (2051, 2, 28, 28)
    assert struct.unpack(">II", to_idx_bytes(np.zeros(7, np.uint8))[:8]) == (2049, 7)


def test_gzip_is_recognised_by_content_not_name(tmp_path):
    array = np.arange(10, dtype=np.uint8)
    path = tmp_path / "labels-without-suffix"
    path.write_bytes(gzip.compress(to_idx_bytes(array)))
    np.testing.assert_array_equal(read_idx(path), array)


def test_truncated_data_names_file_and_sizes(tmp_path):
    data = to_idx_bytes(np.ones((4, 28, 28), np.uint8))[:-10]
    path = tmp_path / "imgs"
    path.write_bytes(data)
    with pytest.raises(IDXError, match=r"imgs: truncated.*\(4, 28, 28\)"):
        read_idx(path)


def test_truncated_gzip_stream(tmp_path):
    blob = gzip.compress(to_idx_bytes(np.ones((50, 28, 28), np.uint8)))
    path = tmp_path / "x.gz"
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(IDXError, match="corrupt or truncated gzip"):
        read_idx(path)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "too short"),
        (b"\x00\x00\x08", "too short"),
        (b"PK\x03\x04" + bytes(20), "bad magic"),
        (b"\x00\x00\x07\x01" + bytes(8), "bad magic"),  # unknown type code
        (b"\x00\x00\x08\x00", "0 dimensions"),
        (b"\x00\x00\x08\x03\x00\x00\x00\x02", "truncated header"),
    ],
)
def test_malformed_headers(data, message):
    with pytest.raises(IDXError, match=message):
        parse_idx(data, "f")


def test_trailing_bytes_are_an_error():
    with pytest.raises(IDXError, match="3 unexpected bytes"):
        parse_idx(to_idx_bytes(np.zeros(5, np.uint8)) + b"abc", "f")


def test_expected_dimensions(tmp_path):
    path = write_idx(np.zeros(5, np.uint8), tmp_path / "l.idx")
    with pytest.raises(IDXError, match="expected 3 dimensions"):
        read_idx(path, expect_ndim=3)


def test_idx_error_is_a_value_error():
    assert issubclass(IDXError, ValueError)


def test_unsupported_dtype():
    with pytest.raises(ValueError, match="cannot store dtype"):
        to_idx_bytes(np.zeros(3, np.int64))


@pytest.mark.skipif(not MNIST_DIR.is_dir(), reason="real MNIST files not on this machine")
def test_real_mnist_test_images():
    images = read_idx(MNIST_DIR / "t10k-images-idx3-ubyte.gz", expect_ndim=3)
    labels = read_idx(MNIST_DIR / "t10k-labels-idx1-ubyte.gz", expect_ndim=1)
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]  # the well-known first digits
    assert images.max() == 255 and images.min() == 0
