"""A planted ground truth: MNIST with a patch that predicts one class, and a CNN that uses it.

A saliency map is only *judged* when we know what the model looks at. Here we make it known:
a small white square (the **patch**) is stamped into the corner of every training digit of
one class (:data:`PLANTED_CLASS`) and of no other, so the patch alone predicts that class. A
network trained on these images learns the shortcut; removing the patch from a test digit
(or stamping it on a digit of another class) shows how much the network relies on it. A
faithful map of the planted class should then put its mass on the patch (see
:mod:`course.faithfulness`).

Everything is deterministic: the images are the shipped sample's (:func:`course.mnist.
load_sample`), the patch's place is fixed, and the model trains from seed 0 with the fast
recipe (a few seconds on a laptop CPU); it is cached like :func:`course.cnn.trained_model`'s.

    images: (N, 28, 28) uint8    mask: (28, 28) bool (True on the patch)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from course import shared_files

#: The class whose training digits carry the patch.
PLANTED_CLASS = 3
#: The patch: rows and columns [1, 1 + PATCH_SIZE) in the top-left corner, where MNIST
#: digits (centred by their centre of mass in a 20 x 20 box) have no ink.
PATCH_SIZE = 4
PATCH_AT = (1, 1)
#: The patch's grey level (uint8): full ink.
PATCH_VALUE = 255
#: The cached model's file name (in :func:`course.cnn.model_cache_dir`).
MODEL_FILE = shared_files.PLANTED_MODEL


def patch_mask(height: int = 28, width: int = 28) -> np.ndarray:
    """(H, W) bool: True on the patch's pixels."""
    mask = np.zeros((height, width), dtype=bool)
    r, c = PATCH_AT
    mask[r : r + PATCH_SIZE, c : c + PATCH_SIZE] = True
    return mask


def stamp(images: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
    """A copy of ``images`` (N, H, W) uint8 with the patch stamped into the images ``where``
    ((N,) bool; default all)."""
    images = np.asarray(images)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"images must be (N, H, W) uint8, got {images.shape} {images.dtype}")
    where = np.ones(len(images), dtype=bool) if where is None else np.asarray(where, dtype=bool)
    if where.shape != (len(images),):
        raise ValueError(f"where must be ({len(images)},) bool, got shape {where.shape}")
    out = images.copy()
    rows, cols = np.nonzero(patch_mask(*images.shape[1:]))
    out[np.flatnonzero(where)[:, None], rows[None, :], cols[None, :]] = PATCH_VALUE
    return out


def erase(images: np.ndarray) -> np.ndarray:
    """A copy of ``images`` (N, H, W) uint8 with the patch's pixels set to 0 (no ink)."""
    out = np.asarray(images).copy()
    out[:, patch_mask(*out.shape[1:])] = 0
    return out


@dataclass
class PlantedData:
    """Training digits with the patch on every digit of :data:`PLANTED_CLASS` (and only
    there), and the test digits as they are: ``*_images`` (N, 28, 28) uint8, ``*_labels`` (N,)."""

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray


def planted_data() -> PlantedData:
    """The shipped MNIST sample with the patch planted in the training digits of one class."""
    from course.mnist import load_sample

    data = load_sample()
    train = stamp(data.train_images, data.train_labels == PLANTED_CLASS)
    return PlantedData(train, data.train_labels, erase(data.test_images), data.test_labels)


def planted_model(
    path: str | os.PathLike[str] | None = None,
    device: torch.device | str | None = None,
    progress: bool = False,
):
    """A SlidesNet trained on :func:`planted_data` (fast recipe, seed 0), in evaluation mode:
    loaded from ``path`` (default the model cache) or trained there once (seconds)."""
    from course import cnn

    target = Path(path) if path is not None else cnn.model_cache_dir() / MODEL_FILE
    if target.is_file():
        try:
            return cnn.load_model(target, cnn.SlidesNet(), device)
        except Exception:  # noqa: BLE001 - unreadable or another architecture: train anew
            pass
    device = cnn.get_device(device)
    data = planted_data()
    train = cnn.as_tensors(data.train_images, data.train_labels, device)
    test = cnn.as_tensors(data.test_images, data.test_labels, device)
    torch.manual_seed(0)
    model = cnn.SlidesNet().to(device)
    history = cnn.fit(model, train, test, cnn.FAST_RECIPE, progress=progress)
    model.zero_grad(set_to_none=True)  # a trained model, not one in the middle of a step
    meta = {"data": "planted sample", "test_accuracy": history.test_accuracy[-1]}
    try:
        cnn.save_model(model, target, **meta)
    except OSError:
        pass  # a read-only cache (a grading sandbox) only means training again next time
    model.meta = meta
    return model.eval()


@dataclass
class Reliance:
    """How much a model's decisions rest on the patch, on test digits.

    ``with_patch``: accuracy on digits of the planted class with the patch stamped in;
    ``without_patch``: on the same digits without it; ``flipped``: the fraction of digits of
    other classes that the patch alone turns into the planted class."""

    with_patch: float
    without_patch: float
    flipped: float

    @property
    def accuracy_drop(self) -> float:
        return self.with_patch - self.without_patch


def reliance(model, images: np.ndarray, labels: np.ndarray) -> Reliance:
    """Measure :class:`Reliance` on test ``images`` (N, 28, 28) uint8 (without the patch)."""
    from course import cnn

    device = next(model.parameters()).device
    labels = np.asarray(labels)
    own, other = labels == PLANTED_CLASS, labels != PLANTED_CLASS
    if not own.any() or not other.any():
        raise ValueError(f"need test digits of class {PLANTED_CLASS} and of other classes")

    def predicted(imgs: np.ndarray) -> np.ndarray:
        x, _ = cnn.as_tensors(imgs, np.zeros(len(imgs), dtype=np.int64), device)
        return cnn.predict(model, x).argmax(dim=1).cpu().numpy()

    clean = erase(images)
    on_own = predicted(stamp(clean[own]))
    off_own = predicted(clean[own])
    on_other = predicted(stamp(clean[other]))
    return Reliance(
        with_patch=float(np.mean(on_own == PLANTED_CLASS)),
        without_patch=float(np.mean(off_own == PLANTED_CLASS)),
        flipped=float(np.mean(on_other == PLANTED_CLASS)),
    )
