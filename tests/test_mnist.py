"""MNIST loading: folders, cache, verified download from a loopback server, offline fallback.

No test touches the internet: the "mirrors" are an HTTP server on 127.0.0.1 serving the real
files from ../shared/data/mnist, a corrupted copy, and one that drops the connection.
"""

from __future__ import annotations

import gzip
import shutil
import socket
import subprocess
import sys
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from course import mnist
from course.idx import IDXError, parse_idx, to_idx_bytes
from course.mnist import (
    FILES,
    MNIST,
    DownloadError,
    MNISTSampleWarning,
    data_dir,
    load_mnist,
    load_sample,
)

REPO = Path(__file__).resolve().parents[1]
MNIST_DIR = REPO.parent / "shared" / "data" / "mnist"
needs_mnist = pytest.mark.skipif(not MNIST_DIR.is_dir(), reason="real MNIST files not here")


def _corrupted(blob: bytes) -> bytes:
    """Valid gzip of a valid IDX file whose content differs by one pixel or label."""
    content = bytearray(gzip.decompress(blob))
    content[-1] ^= 0x01
    return gzip.compress(bytes(content), compresslevel=1)


class Mirrors:
    """Three loopback mirrors: /good/, /corrupt/, /drop/ (and a log of requested paths)."""

    def __init__(self, files: dict[str, bytes]):
        self.files = files
        self.corrupt = {name: _corrupted(blob) for name, blob in files.items()}
        self.log: list[str] = []
        mirrors = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def do_GET(self):  # noqa: N802 - the http.server protocol
                mirrors.log.append(self.path)
                kind, _, name = self.path.strip("/").partition("/")
                if name not in mirrors.files or kind not in {"good", "corrupt", "drop"}:
                    self.send_error(404)
                    return
                blob = mirrors.corrupt[name] if kind == "corrupt" else mirrors.files[name]
                self.send_response(200)
                self.send_header("Content-Length", str(len(blob)))
                self.end_headers()
                if kind == "drop":  # promise the whole file, send half, hang up
                    self.wfile.write(blob[: len(blob) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(blob)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, kind: str) -> str:
        return f"{self.base}/{kind}/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def mirrors():
    if not MNIST_DIR.is_dir():
        pytest.skip("real MNIST files not here")
    files = {p.name: p.read_bytes() for p in MNIST_DIR.glob("*.gz")}
    server = Mirrors(files)
    yield server
    server.close()


@pytest.fixture(scope="module")
def downloaded(mirrors, tmp_path_factory):
    """A folder filled once by a real download from the good mirror."""
    folder = tmp_path_factory.mktemp("downloaded")
    mnist.download_mnist(folder, mirrors=[mirrors.url("good")], timeout=10)
    return folder


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv(mnist.DATA_ENV, raising=False)


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


# -- where it looks ----------------------------------------------------------------------


def test_folder_order_root_then_env_then_xdg_cache(tmp_path, monkeypatch):
    assert data_dir() == tmp_path / "xdg-cache" / "nn-course" / "mnist"
    monkeypatch.setenv(mnist.DATA_ENV, str(tmp_path / "env"))
    assert data_dir() == tmp_path / "env"
    assert data_dir(tmp_path / "explicit") == tmp_path / "explicit"


def test_home_cache_without_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data_dir() == tmp_path / "home" / ".cache" / "nn-course" / "mnist"


@needs_mnist
def test_reads_an_explicit_folder_without_network():
    data = load_mnist(MNIST_DIR, download=False, fallback=False)
    assert not data.is_sample and data.source == str(MNIST_DIR)
    assert data.train_images.shape == (60000, 28, 28) and data.train_images.dtype == np.uint8
    assert data.test_images.shape == (10000, 28, 28)
    assert data.train_labels.dtype == np.int64 and data.test_labels.shape == (10000,)
    assert np.bincount(data.train_labels).tolist()[:3] == [5923, 6742, 5958]


@needs_mnist
def test_env_folder_with_raw_files_in_mnist_subfolder(tmp_path, monkeypatch):
    sub = tmp_path / "data" / "mnist"
    sub.mkdir(parents=True)
    for stem, _ in FILES.values():  # decompressed copies
        (sub / stem).write_bytes(gzip.decompress((MNIST_DIR / f"{stem}.gz").read_bytes()))
    monkeypatch.setenv(mnist.DATA_ENV, str(tmp_path / "data"))
    data = load_mnist(download=False, fallback=False)
    assert len(data.test_labels) == 10000 and not data.is_sample


# -- download ----------------------------------------------------------------------------


def test_download_fills_the_user_cache_and_leaves_no_partial_files(mirrors):
    data = load_mnist(mirrors=[mirrors.url("good")], timeout=10)
    cache = data_dir()
    assert not data.is_sample and data.source == str(cache)
    assert sorted(p.name for p in cache.iterdir()) == sorted(f"{s}.gz" for s, _ in FILES.values())
    mirrors.log.clear()
    again = load_mnist(mirrors=[mirrors.url("good")])
    assert mirrors.log == [], "a verified cache must not be downloaded again"
    np.testing.assert_array_equal(again.test_images, data.test_images)


def test_mirrors_are_tried_in_turn(mirrors, tmp_path):
    mirrors.log.clear()
    name = "t10k-labels-idx1-ubyte"
    path = mnist._download_one(
        name,
        FILES["test_labels"][1],
        tmp_path,
        [mirrors.url("drop"), mirrors.url("missing"), mirrors.url("corrupt"), mirrors.url("good")],
        timeout=10,
    )
    assert [p.split("/")[1] for p in mirrors.log] == ["drop", "missing", "corrupt", "good"]
    assert parse_idx(gzip.decompress(path.read_bytes())).shape == (10000,)
    assert [p.name for p in tmp_path.iterdir()] == [f"{name}.gz"]


def test_all_mirrors_bad_raises_with_every_reason_and_writes_nothing(mirrors, tmp_path):
    folder = tmp_path / "target"
    with pytest.raises(DownloadError) as info:
        load_mnist(folder, mirrors=[mirrors.url("drop"), mirrors.url("corrupt")], fallback=False)
    message = str(info.value)
    assert "/drop/" in message and "/corrupt/" in message and "SHA-256" in message
    assert list(folder.iterdir()) == []  # no half file, no temporary left behind


def test_corrupt_cached_file_is_fetched_again(mirrors, downloaded, tmp_path):
    folder = tmp_path / "cache"
    shutil.copytree(downloaded, folder)
    bad = folder / "train-labels-idx1-ubyte.gz"
    bad.write_bytes(_corrupted(bad.read_bytes()))
    mirrors.log.clear()
    data = load_mnist(folder, mirrors=[mirrors.url("good")], fallback=False)
    assert mirrors.log == ["/good/train-labels-idx1-ubyte.gz"]
    assert not data.is_sample
    assert mnist.sha256(gzip.decompress(bad.read_bytes())) == FILES["train_labels"][1]


def test_truncated_cached_file_is_fetched_again(mirrors, downloaded, tmp_path):
    folder = tmp_path / "cache"
    shutil.copytree(downloaded, folder)
    bad = folder / "t10k-images-idx3-ubyte.gz"
    bad.write_bytes(bad.read_bytes()[:1000])
    mirrors.log.clear()
    load_mnist(folder, mirrors=[mirrors.url("good")], fallback=False)
    assert mirrors.log == ["/good/t10k-images-idx3-ubyte.gz"]


# -- offline -----------------------------------------------------------------------------


def test_no_network_falls_back_to_the_sample_with_a_warning():
    with pytest.warns(MNISTSampleWarning, match="nn-course data mnist") as record:
        data = load_mnist(mirrors=[_closed_port_url()], timeout=5)
    assert data.is_sample and len(data.train_labels) == 10000
    assert "NN_COURSE_DATA" in str(record[0].message)
    assert not any(data_dir().glob("*.part"))


def test_download_false_never_touches_the_network(mirrors):
    mirrors.log.clear()
    with pytest.warns(MNISTSampleWarning):
        data = load_mnist(download=False)
    assert data.is_sample and mirrors.log == []
    with pytest.raises(FileNotFoundError, match="train-images-idx3-ubyte"):
        load_mnist(download=False, fallback=False)


# -- the shipped sample ------------------------------------------------------------------


def test_sample_is_stratified_uint8_and_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = load_sample()
    assert data.is_sample and "sample" in data.source
    assert data.train_images.shape == (10000, 28, 28) and data.train_images.dtype == np.uint8
    assert data.test_images.shape == (2000, 28, 28) and data.test_labels.dtype == np.int64
    assert np.bincount(data.train_labels).tolist() == [1000] * 10
    assert np.bincount(data.test_labels).tolist() == [200] * 10
    assert mnist.SAMPLE_PATH.stat().st_size < 5_000_000


@needs_mnist
def test_sample_is_real_mnist_at_the_recorded_indices():
    full = load_mnist(MNIST_DIR, download=False, fallback=False)
    with np.load(mnist.SAMPLE_PATH) as npz:
        for split in ("train", "test"):
            index = npz[f"{split}_index"]
            assert np.all(np.diff(index) > 0)
            np.testing.assert_array_equal(
                npz[f"{split}_images"], getattr(full, f"{split}_images")[index]
            )
            np.testing.assert_array_equal(
                npz[f"{split}_labels"], getattr(full, f"{split}_labels")[index]
            )


@needs_mnist
def test_sample_script_reproduces_the_shipped_sample(tmp_path):
    out = tmp_path / "sample.npz"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "make_mnist_sample.py"),
            str(MNIST_DIR),
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    with np.load(out) as made, np.load(mnist.SAMPLE_PATH) as shipped:
        assert sorted(made.files) == sorted(shipped.files)
        for key in shipped.files:  # same arrays (bytes may differ with another zlib)
            assert made[key].dtype == shipped[key].dtype
            np.testing.assert_array_equal(made[key], shipped[key])


def test_mismatched_counts_are_refused():
    images = np.zeros((3, 28, 28), np.uint8)
    with pytest.raises(ValueError, match="counts do not match"):
        MNIST(images, np.zeros(2, np.int64), images, np.zeros(3, np.int64), "x", False)
    with pytest.raises(ValueError, match=r"\(N, 28, 28\) uint8"):
        MNIST(images.astype(float), np.zeros(3), images, np.zeros(3), "x", False)


def test_mismatched_counts_in_files_are_reported(tmp_path, monkeypatch):
    # well-formed IDX files whose image and label counts differ, with matching checksums
    fake = {
        "train_images": np.zeros((4, 28, 28), np.uint8),
        "train_labels": np.zeros(3, np.uint8),
        "test_images": np.zeros((2, 28, 28), np.uint8),
        "test_labels": np.zeros(2, np.uint8),
    }
    files = {}
    for part, array in fake.items():
        stem = FILES[part][0]
        content = to_idx_bytes(array)
        (tmp_path / stem).write_bytes(content)
        files[part] = (stem, mnist.sha256(content))
    monkeypatch.setattr(mnist, "FILES", files)
    with pytest.raises(ValueError, match="train: 4 images but labels of shape"):
        load_mnist(tmp_path, download=False, fallback=False)


def test_corrupt_file_without_download_is_an_idx_error(tmp_path):
    for stem, _ in FILES.values():
        (tmp_path / stem).write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x01\x07")
    with pytest.raises(IDXError, match="SHA-256"):
        load_mnist(tmp_path, download=False, fallback=False)


# -- the command -------------------------------------------------------------------------


def test_cli_downloads_and_verifies(mirrors, tmp_path, capsys):
    from autograde.cli import main

    root = tmp_path / "cli"
    assert main(["data", "mnist", "--root", str(root), "--mirror", mirrors.url("good")]) == 0
    assert "60000 training and 10000 test digits" in capsys.readouterr().out
    assert (
        main(["data", "mnist", "--root", str(tmp_path / "x"), "--mirror", mirrors.url("drop")]) == 1
    )
    assert "could not fetch" in capsys.readouterr().err
