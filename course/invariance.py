"""Input invariance (Kindermans et al. 2017): two networks that agree on every input, up to a
constant shift of the input, should get the same explanation.

Shift every input by a constant, ``x + s``, and let the first layer's bias absorb it:

    conv(x + s) = W * (x + s) + b = W * x + (b + s sum_{c,i,j} W_k)   ->   b' = b - s sum W_k

(one sum per output channel ``k`` over its input channels and kernel; exact when the layer
does not pad, since padding adds unshifted zeros). The shifted network given ``x + s``
computes exactly what the original computes given ``x``: same logits, same gradients with
respect to the input. So the vanilla gradient cannot tell them apart, while gradient x input
and integrated gradients from a fixed baseline (a black image, zeros) can: they depend on
where the input's origin lies, which says nothing about the network.
"""

from __future__ import annotations

import copy

import torch
from torch import nn


def first_layer(model: nn.Module) -> nn.Conv2d | nn.Linear:
    """The model's first ``nn.Conv2d`` or ``nn.Linear`` (in registration order)."""
    for module in model.modules():
        if isinstance(module, nn.Conv2d | nn.Linear):
            return module
    raise ValueError(f"{type(model).__name__} has no nn.Conv2d or nn.Linear layer")


def absorb_shift(model: nn.Module, shift: float) -> nn.Module:
    """A copy of ``model`` whose first layer's bias absorbs a constant input shift:
    ``absorb_shift(model, s)(x + s) == model(x)``; ``b'_k = b_k - s sum W_k``."""
    layer = first_layer(model)
    if layer.bias is None:
        raise ValueError("the first layer has no bias to absorb the shift")
    if isinstance(layer, nn.Conv2d) and (
        layer.padding == "same" or any(p != 0 for p in layer.padding)  # type: ignore[union-attr]
    ):
        raise ValueError("the first layer pads its input: a shift cannot be absorbed exactly")
    shifted = copy.deepcopy(model)
    first = first_layer(shifted)
    with torch.no_grad():
        dims = tuple(range(1, first.weight.ndim))  # everything but the output channel
        first.bias -= float(shift) * first.weight.sum(dim=dims)
    return shifted
