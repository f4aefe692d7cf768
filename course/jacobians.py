"""Backpropagation as products of layer-to-layer Jacobians.

A sigmoid layer x' = sigma(W x + b) has the Jacobian

    J = d x' / d x = diag(sigma'(W x + b)) W,      J_ij = sigma'(w_i . x + b_i) w_ij      (M, D)

"essentially a modified weight matrix": row i of W scaled by unit i's slope (the slides; some
texts store the transpose). For a stack of L such layers and a scalar loss l(x_L) the chain
rule gives dl/dx_0 = g^T J_L ... J_1 with g = dl/dx_L. Backprop multiplies from the output, a
vector times a matrix at each layer (a vector-Jacobian product, O(L D^2)); multiplying the
matrices first costs O(L D^3) and gives the same numbers.
"""

from __future__ import annotations

import numpy as np

from course.activations import sigmoid, sigmoid_grad


def layer_jacobian(W: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """J = diag(sigma'(W x + b)) W for x' = sigmoid(W x + b). W: (M, D), b: (M,), x: (D,) -> (M, D)."""
    W, b, x = (np.asarray(v, dtype=float) for v in (W, b, x))
    if W.ndim != 2 or b.shape != (W.shape[0],) or x.shape != (W.shape[1],):
        raise ValueError(f"need W: (M, D), b: (M,), x: (D,), got {W.shape}, {b.shape}, {x.shape}")
    return sigmoid_grad(W @ x + b)[:, None] * W


def forward_stack(Ws: list[np.ndarray], bs: list[np.ndarray], x: np.ndarray) -> list[np.ndarray]:
    """The activations x_0 = x, x_{l+1} = sigmoid(W_l x_l + b_l) of a sigmoid stack: L + 1 vectors."""
    xs = [np.asarray(x, dtype=float)]
    for W, b in zip(Ws, bs, strict=True):
        xs.append(sigmoid(W @ xs[-1] + b))
    return xs


def gradient_by_vjp(Ws: list[np.ndarray], bs: list[np.ndarray], x: np.ndarray, g: np.ndarray):
    """dl/dx_0 = g^T J_L ... J_1 from the output: one vector-matrix product per layer. (D,)"""
    xs = forward_stack(Ws, bs, x)
    v = np.asarray(g, dtype=float)
    for W, x_out in zip(reversed(Ws), reversed(xs[1:]), strict=True):
        v = (v * x_out * (1.0 - x_out)) @ W  # v^T diag(sigma') W, never forming J
    return v


def gradient_by_matrix_products(
    Ws: list[np.ndarray], bs: list[np.ndarray], x: np.ndarray, g: np.ndarray
) -> np.ndarray:
    """The same gradient with the Jacobians multiplied first, from the input: J_L ... J_1. (D,)"""
    xs = forward_stack(Ws, bs, x)
    product = np.eye(xs[0].shape[0])
    for W, b, x_in in zip(Ws, bs, xs[:-1], strict=True):
        product = layer_jacobian(W, b, x_in) @ product
    return np.asarray(g, dtype=float) @ product
