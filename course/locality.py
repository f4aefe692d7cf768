"""Why convolutions: receptive fields, weight sharing and translation equivariance.

A stack of layers with kernel sizes k_l and strides s_l (convolutions and pooling alike) lets
one output unit of the last layer see a window of the input of size

    r = 1 + sum_l (k_l - 1) * prod_{i < l} s_i         (the "jump" prod s_i grows with depth)

per axis: its receptive field. :func:`measured_receptive_field` finds it without the formula,
as the inputs on which one output unit's gradient is non-zero in a real torch stack.

A layer from n inputs to n units needs n^2 weights when fully connected, n m - (m^2 - 1) / 4
when each unit sees only its m nearest inputs (3n - 2 for m = 3, the slides' banded matrix), and
m when those local weights are shared: a convolution, whose count does not grow with n.

Convolution commutes with shifts (equivariance): conv(shift(x)) = shift(conv(x)) wherever the
zero border plays no part; max pooling with window p then makes the map invariant to shifts
by multiples of p only up to a shift of the pooled map by one cell, and not to other shifts.
"""

from __future__ import annotations

import numpy as np
import torch


def receptive_field(layers: list[tuple[int, int]]) -> int:
    """r = 1 + sum_l (k_l - 1) prod_{i<l} s_i for layers [(kernel, stride), ...], input first."""
    size, jump = 1, 1
    for kernel, stride in layers:
        if kernel < 1 or stride < 1:
            raise ValueError(f"kernel and stride must be >= 1, got {(kernel, stride)}")
        size += (kernel - 1) * jump
        jump *= stride
    return size


def stack_of(layers: list[tuple[int, int]]) -> torch.nn.Sequential:
    """A one-channel torch stack with these (kernel, stride) layers: averaging convolutions
    (every weight positive, so no path to an input cancels), float64."""
    modules = []
    for kernel, stride in layers:
        conv = torch.nn.Conv2d(1, 1, kernel, stride=stride, bias=False, dtype=torch.float64)
        torch.nn.init.constant_(conv.weight, 1.0 / kernel**2)
        modules.append(conv)
    return torch.nn.Sequential(*modules)


def measured_receptive_field(stack: torch.nn.Module, input_size: int = 64) -> int:
    """How many input pixels along one axis move output unit (0, 0) of ``stack``'s last layer:
    the non-zero entries of that unit's gradient with respect to the input, counted along a row."""
    x = torch.zeros(1, 1, input_size, input_size, dtype=torch.float64, requires_grad=True)
    out = stack(x)
    if out.shape[-1] < 1 or out.shape[-2] < 1:
        raise ValueError(f"input_size {input_size} is too small for this stack")
    out[0, 0, 0, 0].backward()
    grad = x.grad[0, 0]
    rows = torch.nonzero(grad.abs().sum(dim=1)).flatten()
    cols = torch.nonzero(grad.abs().sum(dim=0)).flatten()
    if len(rows) == 0:
        return 0
    if rows.max() + 1 >= input_size or cols.max() + 1 >= input_size:
        raise ValueError(f"the receptive field reaches the edge of a {input_size}-pixel input")
    return int(cols.max() - cols.min() + 1)


def layer_parameters(n: int, m: int) -> tuple[int, int, int]:
    """Weights of a 1-D layer, n inputs -> n units (no bias): (fully connected n^2, local with
    m nearest inputs per unit n m - (m^2 - 1) / 4, local and shared m). m odd, m <= n."""
    if m < 1 or m % 2 == 0 or m > n:
        raise ValueError(f"need an odd window 1 <= m <= n, got m = {m}, n = {n}")
    return n * n, n * m - (m * m - 1) // 4, m


def shift(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """image moved down by dy and right by dx (negative: up, left); vacated pixels are 0.
    image: (H, W) -> (H, W)."""
    image = np.asarray(image, dtype=float)
    h, w = image.shape
    out = np.zeros_like(image)
    if abs(dy) >= h or abs(dx) >= w:
        return out
    out[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = image[
        max(-dy, 0) : h + min(-dy, 0), max(-dx, 0) : w + min(-dx, 0)
    ]
    return out
