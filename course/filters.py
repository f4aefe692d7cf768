"""The hand-made filters of the lecture's table (and a few more for the filter explorer).

Each kernel is a float64 array used by cross-correlation (``course.convolution``):

| slides' name | kernel |
| --- | --- |
| edge detection | ``[[1, 0, -1], [0, 0, 0], [-1, 0, 1]]``, ``[[0, 1, 0], [1, -4, 1], [0, 1, 0]]``, ``[[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]`` |
| sharpen | ``[[0, -1, 0], [-1, 5, -1], [0, -1, 0]]`` |
| box blur (normalised) | ``ones((3, 3)) / 9`` |
| Gaussian blur (approximation) | ``[[1, 2, 1], [2, 4, 2], [1, 2, 1]] / 16`` |
"""

from __future__ import annotations

import numpy as np

_BINOMIAL_5 = np.array([1.0, 4.0, 6.0, 4.0, 1.0])

#: The six kernels of the slides' table, in its order.
SLIDE_TABLE: dict[str, np.ndarray] = {
    "edge detection (diagonal)": np.array([[1.0, 0, -1], [0, 0, 0], [-1, 0, 1]]),
    "edge detection (4-neighbour)": np.array([[0.0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "edge detection (8-neighbour)": np.array([[-1.0, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
    "sharpen": np.array([[0.0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "box blur": np.ones((3, 3)) / 9,
    "Gaussian blur": np.array([[1.0, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16,
}

#: Every named kernel: the slides' table, then extras for the explorer (3 x 3 and 5 x 5).
KERNELS: dict[str, np.ndarray] = {
    "identity": np.array([[0.0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    **SLIDE_TABLE,
    "Sobel (vertical edges)": np.array([[1.0, 0, -1], [2, 0, -2], [1, 0, -1]]),
    "Sobel (horizontal edges)": np.array([[1.0, 2, 1], [0, 0, 0], [-1, -2, -1]]),
    "box blur 5x5": np.ones((5, 5)) / 25,
    "Gaussian blur 5x5": np.outer(_BINOMIAL_5, _BINOMIAL_5) / 256,
}


def names(size: int | None = None) -> list[str]:
    """Names of the kernels, all of them or only those of ``size x size``."""
    return [n for n, k in KERNELS.items() if size is None or k.shape == (size, size)]


def kernel(name: str) -> np.ndarray:
    """A copy of the named kernel (``KERNELS[name]``); ValueError for an unknown name."""
    if name not in KERNELS:
        raise ValueError(f"unknown kernel {name!r}; known kernels: {', '.join(KERNELS)}")
    return KERNELS[name].copy()
