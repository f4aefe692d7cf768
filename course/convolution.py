"""Convolution as CNNs compute it: cross-correlation with padding and stride, and pooling.

Deep-learning "convolution" is cross-correlation (the kernel is *not* flipped):

    out[n, f, i, j] = b[f] + sum_{c, u, v} w[f, c, u, v] * xpad[n, c, i*s + u, j*s + v]

with ``xpad`` the input zero-padded by ``p`` on every side. Each spatial size follows

    out = floor((n + 2p - k) / s) + 1.

``conv2d_naive`` spells the sum out with loops (for teaching and for checking);
``conv2d`` is the vectorised version (im2col + one matrix product) used everywhere else.
Both keep the input's floating dtype (float32 stays float32).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

Pair = int | tuple[int, int]


def _pair(value: Pair, name: str, minimum: int) -> tuple[int, int]:
    """``3 -> (3, 3)``; ``(a, b)`` unchanged; checks integers >= ``minimum``."""
    pair = (value, value) if isinstance(value, int | np.integer) else tuple(value)
    if len(pair) != 2 or not all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) for v in pair
    ):
        raise ValueError(f"{name} must be an integer or a pair of integers, got {value!r}")
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return int(pair[0]), int(pair[1])


def _float_array(value: Any, ndim: int, name: str, shape_doc: str) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions {shape_doc}, got shape {array.shape}")
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float64)
    return array


def output_size(n: int, k: int, padding: int = 0, stride: int = 1) -> int:
    """Size of a convolution's output along one axis: ``floor((n + 2p - k) / s) + 1``.

    Raises ``ValueError`` when the kernel is larger than the padded input, or when a size,
    padding or stride is not a sensible integer.
    """
    for name, value, minimum in (
        ("n", n, 1),
        ("k", k, 1),
        ("padding", padding, 0),
        ("stride", stride, 1),
    ):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise ValueError(f"{name} must be an integer, got {value!r}")
        if value < minimum:
            raise ValueError(f"{name} must be >= {minimum}, got {value}")
    if k > n + 2 * padding:
        raise ValueError(
            f"kernel size {k} is larger than the padded input ({n} + 2*{padding} = {n + 2 * padding})"
        )
    return (n + 2 * padding - k) // stride + 1


def output_shape(
    input_hw: tuple[int, int], kernel_hw: tuple[int, int], padding: Pair = 0, stride: Pair = 1
) -> tuple[int, int]:
    """``(OH, OW)`` of a 2-D convolution of an ``(H, W)`` input with a ``(KH, KW)`` kernel."""
    ph, pw = _pair(padding, "padding", 0)
    sh, sw = _pair(stride, "stride", 1)
    return (
        output_size(int(input_hw[0]), int(kernel_hw[0]), ph, sh),
        output_size(int(input_hw[1]), int(kernel_hw[1]), pw, sw),
    )


def conv1d(x: Any, w: Any, stride: int = 1, padding: int = 0) -> np.ndarray:
    """1-D cross-correlation ``y[i] = sum_j w[j] * xpad[i*s + j]``; ``x: (n,)``, ``w: (m,)``.

    The slides' example: ``conv1d([1, 1, 1, 0, 0], [1, 0, 1]) == [2, 1, 1]``.
    """
    x = _float_array(x, 1, "x", "(n,)")
    w = _float_array(w, 1, "w", "(m,)")
    size = output_size(x.shape[0], w.shape[0], padding, stride)
    xp = np.pad(x, padding)
    windows = sliding_window_view(xp, w.shape[0])[::stride][:size]  # (size, m)
    return windows @ w


def conv2d_naive(x: Any, w: Any, b: Any = None, stride: Pair = 1, padding: Pair = 0) -> np.ndarray:
    """Multi-channel 2-D cross-correlation with explicit loops (slow; for teaching and tests).

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,) or None -> (N, F, OH, OW).
    """
    x, w, b, (sh, sw), (ph, pw), (oh, ow) = _check_conv_args(x, w, b, stride, padding)
    n_images, f_out = x.shape[0], w.shape[0]
    kh, kw = w.shape[2:]
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((n_images, f_out, oh, ow), dtype=np.result_type(x, w))
    for n in range(n_images):
        for f in range(f_out):
            for i in range(oh):
                for j in range(ow):
                    window = xp[n, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    out[n, f, i, j] = np.sum(window * w[f]) + (b[f] if b is not None else 0)
    return out


def conv2d(x: Any, w: Any, b: Any = None, stride: Pair = 1, padding: Pair = 0) -> np.ndarray:
    """Vectorised multi-channel 2-D cross-correlation (im2col and a matrix product per image).

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,) or None -> (N, F, OH, OW), equal to
    ``torch.nn.functional.conv2d(x, w, b, stride, padding)``.
    """
    x, w, b, (sh, sw), (ph, pw), (oh, ow) = _check_conv_args(x, w, b, stride, padding)
    n_images, channels = x.shape[:2]
    f_out, _, kh, kw = w.shape
    dtype = np.result_type(x, w)
    xp = _zero_pad(x.astype(dtype, copy=False), ph, pw)
    s_n, s_c, s_h, s_w = xp.strides
    # windows[n, c, u, v, i, j] = xp[n, c, i*sh + u, j*sw + v]: a view, nothing copied yet
    # (as sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw], with less overhead)
    windows = as_strided(
        xp,
        (n_images, channels, kh, kw, oh, ow),
        (s_n, s_c, s_h, s_w, s_h * sh, s_w * sw),
        writeable=False,
    )
    kernels = w.astype(dtype, copy=False).reshape(f_out, channels * kh * kw)  # (F, C*KH*KW)
    if n_images == 1:  # one image: a plain matrix product, no batch to broadcast over
        cols = windows[0].reshape(channels * kh * kw, oh * ow)
        out = (kernels @ cols)[None]
    else:  # im2col per image: cols[n] is (C*KH*KW, OH*OW), one column per output pixel
        cols = windows.reshape(n_images, channels * kh * kw, oh * ow)
        out = np.matmul(kernels, cols)  # (N, F, OH*OW)
    if b is not None:
        out += b.astype(dtype, copy=False)[:, None]
    return out.reshape(n_images, f_out, oh, ow)


def _zero_pad(x: np.ndarray, ph: int, pw: int) -> np.ndarray:
    """Zero padding of the last two axes (a few times faster than ``np.pad`` on small batches)."""
    if not (ph or pw):
        return x
    height, width = x.shape[-2:]
    out = np.zeros((*x.shape[:-2], height + 2 * ph, width + 2 * pw), dtype=x.dtype)
    out[..., ph : ph + height, pw : pw + width] = x
    return out


def conv2d_single(image: Any, kernel: Any, stride: Pair = 1, padding: Pair = 0) -> np.ndarray:
    """One grey image with one kernel: ``image: (H, W)``, ``kernel: (KH, KW)`` -> ``(OH, OW)``."""
    image = _float_array(image, 2, "image", "(H, W)")
    kernel = _float_array(kernel, 2, "kernel", "(KH, KW)")
    return conv2d(image[None, None], kernel[None, None], stride=stride, padding=padding)[0, 0]


def _check_conv_args(x: Any, w: Any, b: Any, stride: Pair, padding: Pair):
    x = _float_array(x, 4, "x", "(N, C, H, W)")
    w = _float_array(w, 4, "w", "(F, C, KH, KW)")
    if x.shape[1] != w.shape[1]:
        raise ValueError(
            f"x has {x.shape[1]} channels but w expects {w.shape[1]} (x: (N, C, H, W), w: (F, C, KH, KW))"
        )
    if b is not None:
        b = _float_array(b, 1, "b", "(F,)")
        if b.shape[0] != w.shape[0]:
            raise ValueError(
                f"b must have one value per filter ({w.shape[0]}), got shape {b.shape}"
            )
    sh_sw = _pair(stride, "stride", 1)
    ph_pw = _pair(padding, "padding", 0)
    out_hw = output_shape(x.shape[2:], w.shape[2:], ph_pw, sh_sw)
    return x, w, b, sh_sw, ph_pw, out_hw


def _pool(x: Any, size: Pair, stride: Pair | None, reduce) -> np.ndarray:
    x = _float_array(x, 4, "x", "(N, C, H, W)")
    kh, kw = _pair(size, "size", 1)
    sh, sw = _pair(size if stride is None else stride, "stride", 1)
    oh, ow = output_shape(x.shape[2:], (kh, kw), 0, (sh, sw))
    windows = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw][:, :, :oh, :ow]
    return reduce(windows, axis=(4, 5))


def max_pool2d(x: Any, size: Pair = 2, stride: Pair | None = None) -> np.ndarray:
    """Max over each ``size`` window (stride defaults to ``size``): x: (N, C, H, W) -> (N, C, OH, OW)."""
    return _pool(x, size, stride, np.max)


def avg_pool2d(x: Any, size: Pair = 2, stride: Pair | None = None) -> np.ndarray:
    """Mean over each ``size`` window (stride defaults to ``size``): x: (N, C, H, W) -> (N, C, OH, OW)."""
    return _pool(x, size, stride, np.mean)


def conv2d_params(in_channels: int, out_channels: int, kernel: Pair, bias: bool = True) -> int:
    """Parameters of a conv layer: ``out * (in * KH * KW + 1)`` (``+1`` only with a bias)."""
    kh, kw = _pair(kernel, "kernel", 1)
    return out_channels * (in_channels * kh * kw + (1 if bias else 0))


def linear_params(in_features: int, out_features: int, bias: bool = True) -> int:
    """Parameters of a fully connected layer: ``out * (in + 1)`` (``+1`` only with a bias)."""
    return out_features * (in_features + (1 if bias else 0))
