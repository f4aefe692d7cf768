"""Numerical gradients by central differences, and the relative error that compares them.

    df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2 h)          error O(h^2)

Use them on anything: a scalar loss ``f(x)`` (``numerical_gradient``), or an array-valued
layer ``out = f(x)`` seen through an upstream gradient ``dout`` (``numerical_gradient_array``
gives ``sum(dout * df/dx)``, which is what a layer's backward must return). ``gradcheck``
runs a whole layer's forward/backward pair against them. CS231n's ``gradient_check.py`` is the
model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

DEFAULT_STEP = 1e-5


def _check_step(h: float) -> float:
    if isinstance(h, bool) or not isinstance(h, (int, float, np.floating, np.integer)):
        raise ValueError(f"step h must be a positive number, got {type(h).__name__}")
    if not np.isfinite(h) or h <= 0:
        raise ValueError(f"step h must be a positive, finite number, got {h}")
    return float(h)


def _check_float_array(x: np.ndarray, name: str = "x") -> None:
    if not isinstance(x, np.ndarray):
        raise ValueError(
            f"{name} must be a NumPy array (it is perturbed in place), got {type(x).__name__}"
        )
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(
            f"{name} must hold floats to be perturbed by a small step, got dtype {x.dtype}"
        )


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = DEFAULT_STEP
) -> np.ndarray:
    """Central-difference gradient of a scalar function ``f`` at ``x``.

    x: any shape, float. Returns grad with x's shape: grad[i] = (f(x+h e_i) - f(x-h e_i)) / 2h.
    ``x`` is perturbed in place (so that ``f`` may close over it) and restored exactly.
    """
    h = _check_step(h)
    _check_float_array(x)
    grad = np.zeros(x.shape, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i].copy()
        x[i] = old + h
        plus = float(np.sum(f(x)))
        x[i] = old - h
        minus = float(np.sum(f(x)))
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def numerical_gradient_array(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dout: np.ndarray, h: float = DEFAULT_STEP
) -> np.ndarray:
    """Gradient of ``sum(dout * f(x))`` with respect to ``x``, by central differences.

    f: array -> array of dout's shape. This is the vector-Jacobian product J^T dout that a
    layer's backward pass computes, so it checks backward passes directly.
    """
    dout = np.asarray(dout, dtype=np.float64)

    def weighted(z: np.ndarray) -> float:
        out = np.asarray(f(z), dtype=np.float64)
        if out.shape != dout.shape:
            raise ValueError(f"f(x) has shape {out.shape} but dout has shape {dout.shape}")
        return float(np.sum(out * dout))

    return numerical_gradient(weighted, x, h)


def relative_error(a: np.ndarray, b: np.ndarray, eps: float = 1e-12) -> float:
    """||a - b|| / max(||a|| + ||b||, eps) (Euclidean norms): below 1e-7, the gradients agree.

    Shapes must match. Norms (not element-wise ratios) keep a tiny entry's round-off from
    dominating; ``eps`` keeps two zero gradients from dividing by zero.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return float(np.linalg.norm(a - b) / max(scale, eps))


def gradcheck(
    forward: Callable[..., np.ndarray],
    backward: Callable[[np.ndarray], tuple[np.ndarray, ...] | np.ndarray],
    inputs: Mapping[str, np.ndarray],
    dout: np.ndarray | None = None,
    h: float = DEFAULT_STEP,
    rng: np.random.Generator | None = None,
) -> dict[str, float]:
    """Relative error of ``backward`` against central differences, for every named input.

    forward(**inputs) -> out; backward(dout) -> gradients in the order of ``inputs`` (a single
    array when there is one input). ``dout`` defaults to a random array of out's shape.
    Returns {input name: relative error}.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    inputs = {k: np.array(v, dtype=np.float64) for k, v in inputs.items()}
    out = np.asarray(forward(**inputs))
    if dout is None:
        dout = rng.standard_normal(out.shape)
    grads = backward(dout)
    if isinstance(grads, np.ndarray):
        grads = (grads,)
    if len(grads) != len(inputs):
        raise ValueError(f"backward returned {len(grads)} gradients for {len(inputs)} inputs")
    errors = {}
    for (name, value), analytic in zip(inputs.items(), grads, strict=True):

        def f(z: np.ndarray, name: str = name) -> np.ndarray:
            return forward(**{**inputs, name: z})

        numeric = numerical_gradient_array(f, value, dout, h)
        errors[name] = relative_error(analytic, numeric)
    return errors
