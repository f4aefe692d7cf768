"""MNIST: the full set from a folder, a cache or the official mirrors; a shipped sample offline.

    data = load_mnist()       # the 60,000 / 10,000 digits, downloaded once into a cache
    data = load_sample()      # the shipped stratified sample (10,000 / 2,000), instant

Where ``load_mnist`` looks, in order: the ``root`` argument, the folder named by the
environment variable ``NN_COURSE_DATA``, the per-user cache ``$XDG_CACHE_HOME/nn-course/mnist``
(``~/.cache/nn-course/mnist``). In a folder it accepts the four files (``.gz`` or not) directly
or in a ``mnist/`` sub-folder. Missing or corrupt files (SHA-256 of the decompressed content
differs) are downloaded again from the mirrors in turn; each download goes to a temporary file
that replaces the target only once verified. Without network, it falls back to the shipped
sample with a warning that says how to get the full set.

MNIST is by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, licensed CC BY-SA 3.0.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from course.idx import IDXError, decompress, parse_idx

DATA_ENV = "NN_COURSE_DATA"

#: Official mirrors, tried in turn (each serves the four ``.gz`` files).
MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)

#: part -> (file stem, SHA-256 of the decompressed file)
FILES: dict[str, tuple[str, str]] = {
    "train_images": (
        "train-images-idx3-ubyte",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    "train_labels": (
        "train-labels-idx1-ubyte",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    "test_images": (
        "t10k-images-idx3-ubyte",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    "test_labels": (
        "t10k-labels-idx1-ubyte",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
}

SAMPLE_PATH = Path(__file__).parent / "data" / "mnist_sample.npz"
HOW_TO_GET_FULL_SET = (
    "to get the full set, run `nn-course data mnist` on a machine with internet access, or put "
    "the four MNIST files (train-images-idx3-ubyte.gz, ...) in a folder and set "
    f"{DATA_ENV} to it (or pass root=...)"
)


class MNISTSampleWarning(UserWarning):
    """The full MNIST could not be had; the small shipped sample is used instead."""


class DownloadError(OSError):
    """No mirror delivered a file whose content matches its checksum."""


@dataclass(frozen=True)
class MNIST:
    """The MNIST digits as NumPy arrays.

    ``train_images: (N, 28, 28) uint8``, ``train_labels: (N,) int64`` in 0..9, likewise
    ``test_images`` / ``test_labels``; ``source`` says where they came from and ``is_sample``
    whether this is the shipped subset rather than the full 60,000 / 10,000.
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    source: str
    is_sample: bool

    def __post_init__(self) -> None:
        for split in ("train", "test"):
            images = getattr(self, f"{split}_images")
            labels = getattr(self, f"{split}_labels")
            if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
                raise ValueError(
                    f"{split}_images must be (N, 28, 28) uint8, got {images.shape} {images.dtype}"
                )
            if labels.shape != (len(images),):
                raise ValueError(
                    f"{split}: {len(images)} images but labels of shape {labels.shape} "
                    "(the counts do not match)"
                )

    def __repr__(self) -> str:
        kind = "sample" if self.is_sample else "full set"
        return (
            f"MNIST({kind}: {len(self.train_labels)} train / {len(self.test_labels)} test, "
            f"from {self.source})"
        )


def cache_dir() -> Path:
    """The per-user cache folder: ``$XDG_CACHE_HOME/nn-course/mnist`` or ``~/.cache/...``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nn-course" / "mnist"


def data_dir(root: str | os.PathLike[str] | None = None) -> Path:
    """The folder ``load_mnist`` uses: ``root``, else ``$NN_COURSE_DATA``, else :func:`cache_dir`."""
    if root is not None:
        return Path(root).expanduser()
    env = os.environ.get(DATA_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    return cache_dir()


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _find(folder: Path, stem: str) -> Path | None:
    for base in (folder, folder / "mnist"):
        for name in (stem + ".gz", stem):
            path = base / name
            if path.is_file():
                return path
    return None


def _read_verified(path: Path, expected_sha: str) -> np.ndarray:
    """Decompress, check the SHA-256 of the content and parse; IDXError when anything is off."""
    content = decompress(path.read_bytes(), path.name)
    if sha256(content) != expected_sha:
        raise IDXError(f"{path}: SHA-256 of the content does not match the official MNIST file")
    return parse_idx(content, path.name)


def _mnist_from_arrays(arrays: dict[str, np.ndarray], source: str) -> MNIST:
    return MNIST(
        train_images=arrays["train_images"],
        train_labels=arrays["train_labels"].astype(np.int64),
        test_images=arrays["test_images"],
        test_labels=arrays["test_labels"].astype(np.int64),
        source=source,
        is_sample=False,
    )


def _download_one(
    stem: str, expected_sha: str, folder: Path, mirrors: Sequence[str], timeout: float
) -> Path:
    """Fetch ``stem.gz`` from the first mirror that delivers verified content; atomic write."""
    from tqdm.auto import tqdm

    target = folder / (stem + ".gz")
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + stem + ".gz"
        fd, tmp_name = tempfile.mkstemp(prefix=f".{stem}.", suffix=".part", dir=folder)
        tmp = Path(tmp_name)
        try:
            with (
                os.fdopen(fd, "wb") as out,
                urllib.request.urlopen(url, timeout=timeout) as response,
            ):
                total = int(response.headers.get("Content-Length") or 0) or None
                with tqdm(
                    total=total, unit="B", unit_scale=True, desc=stem + ".gz", leave=False
                ) as bar:
                    while chunk := response.read(1 << 16):
                        out.write(chunk)
                        bar.update(len(chunk))
            content = decompress(tmp.read_bytes(), url)
            if sha256(content) != expected_sha:
                raise IDXError(f"{url}: SHA-256 of the content does not match")
            parse_idx(content, url)
            os.replace(tmp, target)
            return target
        # network errors, dropped connections (http.client.IncompleteRead), bad content
        except (OSError, ValueError, EOFError, http.client.HTTPException) as exc:
            failures.append(f"{url}: {type(exc).__name__}: {exc}")
        finally:
            tmp.unlink(missing_ok=True)
    raise DownloadError(f"could not fetch {stem}.gz from any mirror:\n  " + "\n  ".join(failures))


def download_mnist(
    root: str | os.PathLike[str] | None = None,
    mirrors: Sequence[str] | None = None,
    timeout: float = 30.0,
) -> Path:
    """Make sure the four verified MNIST files are in :func:`data_dir`; fetch what is missing.

    Files already present and matching their SHA-256 are kept; missing or corrupt ones are
    downloaded from ``mirrors`` (default :data:`MIRRORS`) in turn. Returns the folder.
    Raises :class:`DownloadError` when a file cannot be had from any mirror.
    """
    folder = data_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    for stem, expected_sha in FILES.values():
        path = _find(folder, stem)
        if path is not None:
            try:
                _read_verified(path, expected_sha)
                continue
            except (IDXError, OSError):
                pass  # corrupt: fetch it again (the download replaces the .gz atomically)
        _download_one(stem, expected_sha, folder, mirrors or MIRRORS, timeout)
        if path is not None and path != folder / (stem + ".gz"):
            path.unlink(missing_ok=True)  # a corrupt raw copy would shadow the fresh .gz
    return folder


def read_mnist_folder(folder: str | os.PathLike[str]) -> MNIST:
    """Read and verify the four MNIST files in ``folder``; raises when one is missing or corrupt."""
    folder = Path(folder)
    arrays = {}
    for part, (stem, expected_sha) in FILES.items():
        path = _find(folder, stem)
        if path is None:
            raise FileNotFoundError(f"{stem}(.gz) is not in {folder} (nor in {folder / 'mnist'})")
        arrays[part] = _read_verified(path, expected_sha)
    return _mnist_from_arrays(arrays, str(folder))


def load_sample() -> MNIST:
    """The shipped stratified sample of real MNIST (10,000 train / 2,000 test), no network."""
    with np.load(SAMPLE_PATH) as npz:
        return MNIST(
            train_images=npz["train_images"],
            train_labels=npz["train_labels"].astype(np.int64),
            test_images=npz["test_images"],
            test_labels=npz["test_labels"].astype(np.int64),
            source=f"shipped sample ({SAMPLE_PATH.name})",
            is_sample=True,
        )


def load_mnist(
    root: str | os.PathLike[str] | None = None,
    download: bool = True,
    *,
    fallback: bool = True,
    mirrors: Sequence[str] | None = None,
    timeout: float = 30.0,
) -> MNIST:
    """The full MNIST from :func:`data_dir`, downloading it there when needed.

    ``download=False`` never touches the network. When the full set cannot be had (no
    network, every mirror failed, read-only folder), returns :func:`load_sample` with a
    :class:`MNISTSampleWarning` (or raises, with ``fallback=False``).
    """
    folder = data_dir(root)
    try:
        return read_mnist_folder(folder)
    except (FileNotFoundError, IDXError) as exc:
        problem: Exception = exc
    if download:
        try:
            return read_mnist_folder(download_mnist(folder, mirrors=mirrors, timeout=timeout))
        except (OSError, IDXError) as exc:
            problem = exc
    if not fallback:
        raise problem
    warnings.warn(
        f"Using the small MNIST sample shipped with the course (10,000 train / 2,000 test "
        f"digits) because the full set is not available: {problem}. To get it, "
        + HOW_TO_GET_FULL_SET.removeprefix("to get the full set, "),
        MNISTSampleWarning,
        stacklevel=2,
    )
    return load_sample()
