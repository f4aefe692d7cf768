"""A convolution layer is a fully connected layer: ``flatten(conv(x)) = A @ flatten(x) + b``.

Homework 3, exercise 2(d), made concrete. Flattening is C order on ``(C, H, W)`` for the input
and ``(F, OH, OW)`` for the output, so row ``f*OH*OW + i*OW + j`` of ``A`` holds the weights
``w[f, c, u, v]`` in the columns ``c*H*W + (i*s + u - p)*W + (j*s + v - p)`` that fall inside
the image (zero padding contributes nothing); every other entry is zero. ``b`` repeats the
filter's bias ``OH*OW`` times per filter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course.convolution import Pair, _pair, output_shape

#: Refuse to build matrices with more entries than this (about 0.5 GB in float64).
MAX_ENTRIES = 2**26


def conv_as_matrix(
    w: Any,
    b: Any,
    input_shape: tuple[int, int, int],
    stride: Pair = 1,
    padding: Pair = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """The matrix ``A: (F*OH*OW, C*H*W)`` and vector ``b: (F*OH*OW,)`` of a conv layer.

    w: (F, C, KH, KW), b: (F,) or None (no bias: zeros), input_shape: (C, H, W).
    """
    w = np.asarray(w, dtype=float)
    if w.ndim != 4:
        raise ValueError(f"w must have shape (F, C, KH, KW), got {w.shape}")
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (C, H, W), got {input_shape!r}")
    channels, height, width = (int(s) for s in input_shape)
    f_out, c_w, kh, kw = w.shape
    if channels != c_w:
        raise ValueError(f"input has {channels} channels but w expects {c_w}")
    bias = np.zeros(f_out) if b is None else np.asarray(b, dtype=float)
    if bias.shape != (f_out,):
        raise ValueError(f"b must have shape ({f_out},), got {bias.shape}")
    sh, sw = _pair(stride, "stride", 1)
    ph, pw = _pair(padding, "padding", 0)
    oh, ow = output_shape((height, width), (kh, kw), (ph, pw), (sh, sw))
    entries = f_out * oh * ow * channels * height * width
    if entries > MAX_ENTRIES:
        raise ValueError(
            f"A would have {entries:,} entries ({f_out * oh * ow:,} x {channels * height * width:,});"
            f" that is more than {MAX_ENTRIES:,}: use smaller shapes"
        )

    # One entry per (f, i, j, c, u, v), broadcast over those six axes.
    f, i, j, c, u, v = np.ix_(
        np.arange(f_out),
        np.arange(oh),
        np.arange(ow),
        np.arange(channels),
        np.arange(kh),
        np.arange(kw),
    )
    r = i * sh + u - ph  # input row read by output (i, j) through kernel entry (u, v)
    s = j * sw + v - pw
    inside = (r >= 0) & (r < height) & (s >= 0) & (s < width)
    shape = (f_out, oh, ow, channels, kh, kw)
    rows = np.broadcast_to((f * oh + i) * ow + j, shape)
    cols = np.broadcast_to((c * height + r) * width + s, shape)
    values = np.broadcast_to(w[:, None, None, :, :, :], shape)
    inside = np.broadcast_to(inside, shape)

    matrix = np.zeros((f_out * oh * ow, channels * height * width))
    matrix[rows[inside], cols[inside]] = values[inside]
    return matrix, np.repeat(bias, oh * ow)
