"""Regularisation: weight decay (an L2 penalty) and inverted dropout, on NumPy arrays.

Weight decay adds (lambda / 2) ||theta||^2 to the loss, so each gradient step becomes

    theta <- theta - eta (dL/dtheta + lambda theta) = (1 - eta lambda) theta - eta dL/dtheta,

which is exactly ``torch.optim.SGD(..., weight_decay=lambda)`` (every parameter decays, biases
too, as there). Dropout zeroes each unit with probability p while training and scales the
survivors by 1 / (1 - p), so a unit's expected output is unchanged and evaluation is the
identity (``torch.nn.Dropout``); its backward pass lets the gradient through the same mask.
Both follow ``course.layers``' forward / backward convention with a cache.
"""

from __future__ import annotations

import numpy as np

Params = dict[str, np.ndarray]


def l2_penalty(params: Params, weight_decay: float) -> float:
    """(lambda / 2) sum_k ||theta_k||^2 over every array in ``params``."""
    return 0.5 * float(weight_decay) * sum(float(np.sum(v * v)) for v in params.values())


def sgd_step_with_decay(params: Params, grads: Params, lr: float, weight_decay: float) -> None:
    """In place, for every key: theta <- (1 - lr * weight_decay) theta - lr * grad.

    params, grads: dicts of arrays with the same keys and shapes; lr > 0, weight_decay >= 0.
    """
    if not lr > 0 or weight_decay < 0:
        raise ValueError(f"need lr > 0 and weight_decay >= 0, got {lr} and {weight_decay}")
    if set(params) != set(grads):
        raise ValueError(f"params and grads have other keys: {sorted(params)} vs {sorted(grads)}")
    for key, theta in params.items():
        theta *= 1.0 - lr * weight_decay
        theta -= lr * grads[key]


def dropout_forward(
    x: np.ndarray, p: float, train: bool, rng: np.random.Generator
) -> tuple[np.ndarray, tuple]:
    """Inverted dropout. x: any shape -> (out: x's shape, cache).

    Training: keep = rng.random(x.shape) >= p (one draw), out = x * keep / (1 - p).
    Evaluation: out = x, and ``rng`` is not used. 0 <= p < 1.
    """
    if not 0.0 <= p < 1.0:
        raise ValueError(f"the drop probability p must lie in [0, 1), got {p}")
    x = np.asarray(x, dtype=float)
    if not train:
        return x.copy(), (None,)
    mask = (rng.random(x.shape) >= p) / (1.0 - p)
    return x * mask, (mask,)


def dropout_backward(dout: np.ndarray, cache: tuple) -> np.ndarray:
    """dx = dout * mask (the forward pass's kept units, scaled by 1 / (1 - p)); dout in eval."""
    (mask,) = cache
    dout = np.asarray(dout, dtype=float)
    return dout.copy() if mask is None else dout * mask
