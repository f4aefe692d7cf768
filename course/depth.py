"""Width or depth: what composing ReLU layers buys (notebook 03).

One hidden layer of n ReLU units on a 1-D input, sum_j a_j relu(w_j x + b_j), is piecewise linear
with at most n kinks: at most n + 1 linear pieces, however its weights are set. Each unit is
linear on its half-space {x: w_j x + b_j > 0} and zero on the other side. Composing layers
multiplies pieces instead of adding them: the tent map, two ReLU units,

    tent(x) = 2 relu(x) - 4 relu(x - 1/2)       (2x on [0, 1/2], 2 - 2x on [1/2, 1])

maps [0, 1] onto itself twice, so ``depth`` tents in a row (2 depth units) make a sawtooth with
2^depth linear pieces (Telgarsky 2016), where a single layer of 2 depth units makes at most
2 depth + 1.
"""

from __future__ import annotations

import numpy as np

from course.activations import relu


def tent(x: np.ndarray) -> np.ndarray:
    """2 relu(x) - 4 relu(x - 1/2): the tent map on [0, 1], from two ReLU units."""
    return 2.0 * relu(x) - 4.0 * relu(np.asarray(x, dtype=float) - 0.5)


def sawtooth(x: np.ndarray, depth: int) -> np.ndarray:
    """tent applied ``depth`` times (depth 0: x itself); on [0, 1]: 2^depth linear pieces."""
    if depth < 0:
        raise ValueError(f"depth must be >= 0, got {depth}")
    y = np.asarray(x, dtype=float)
    for _ in range(depth):
        y = tent(y)
    return y


def count_linear_pieces(xs: np.ndarray, ys: np.ndarray, tol: float = 1e-9) -> int:
    """Maximal linear pieces of a piecewise linear function sampled at increasing ``xs`` (every
    kink must be a sample point): 1 + the number of places where the slope changes."""
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if xs.ndim != 1 or xs.shape != ys.shape or len(xs) < 2 or np.any(np.diff(xs) <= 0):
        raise ValueError("need at least two increasing xs and ys of the same shape")
    slopes = np.diff(ys) / np.diff(xs)
    return 1 + int(np.sum(np.abs(np.diff(slopes)) > tol * (1.0 + np.abs(slopes[:-1]))))


def wide_pieces_bound(units: int) -> int:
    """The most linear pieces one hidden layer of ``units`` ReLU units makes on a line: units + 1."""
    return units + 1
