"""Test images that ship offline: a handwritten digit and a grey photograph, floats in [0, 1].

- ``digit(index)``: a digit of the MNIST sample shipped with the package (``course.mnist``).
- ``synthetic_digit()``: a drawn "7" of MNIST's size and style, for tests that must not
  depend on the data files.
- ``photo(size)``: Grace Hopper's portrait from matplotlib's sample data, grey, square.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw

MNIST_SIZE = 28


def _to_unit_float(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array, dtype=np.float64)
    return array / 255.0 if array.max() > 1.0 else array


def digit(index: int = 0) -> np.ndarray:
    """Test digit ``index`` of the shipped MNIST sample: ``(28, 28)`` floats in [0, 1]."""
    from course.mnist import load_sample

    images = load_sample().test_images
    if not 0 <= index < len(images):
        raise ValueError(f"index must be in [0, {len(images)}), got {index}")
    return _to_unit_float(np.asarray(images[index]).reshape(MNIST_SIZE, MNIST_SIZE))


def synthetic_digit() -> np.ndarray:
    """A handwritten-looking "7", ``(28, 28)`` floats in [0, 1], drawn 4x larger then shrunk."""
    scale = 4
    canvas = Image.new("L", (MNIST_SIZE * scale, MNIST_SIZE * scale), 0)
    draw = ImageDraw.Draw(canvas)
    stroke = [(7, 7), (21, 6), (16, 15), (12, 23)]  # in 28 x 28 pixel coordinates
    draw.line([(x * scale, y * scale) for x, y in stroke], fill=255, width=3 * scale, joint="curve")
    small = canvas.resize((MNIST_SIZE, MNIST_SIZE), Image.Resampling.LANCZOS)
    return np.asarray(small, dtype=np.float64) / 255.0


@lru_cache(maxsize=8)
def _photo(size: int) -> np.ndarray:
    from matplotlib import cbook

    with cbook.get_sample_data("grace_hopper.jpg") as handle:
        image = Image.open(handle).convert("L")
        width, height = image.size
        side = min(width, height)
        top = (height - side) // 4  # keep the face: crop mostly from the bottom
        left = (width - side) // 2
        square = image.crop((left, top, left + side, top + side))
        resized = square.resize((size, size), Image.Resampling.LANCZOS)
    array = np.asarray(resized, dtype=np.float64) / 255.0
    array.flags.writeable = False
    return array


def photo(size: int = 256) -> np.ndarray:
    """Grace Hopper's portrait (matplotlib sample data), grey, ``(size, size)`` floats in [0, 1]."""
    if isinstance(size, bool) or not isinstance(size, int) or not 8 <= size <= 1024:
        raise ValueError(f"size must be an integer between 8 and 1024, got {size!r}")
    return _photo(size).copy()
