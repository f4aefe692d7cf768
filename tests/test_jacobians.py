"""Backprop as Jacobian products (course.jacobians), against torch's autograd."""

import numpy as np
import pytest
import torch

from course.jacobians import (
    gradient_by_matrix_products,
    gradient_by_vjp,
    layer_jacobian,
)


def test_a_layers_jacobian_is_torchs():
    rng = np.random.default_rng(0)
    W, b, x = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=3)
    theirs = torch.autograd.functional.jacobian(
        lambda v: torch.sigmoid(torch.tensor(W) @ v + torch.tensor(b)), torch.tensor(x)
    )
    np.testing.assert_allclose(layer_jacobian(W, b, x), theirs.numpy(), rtol=1e-12)


def test_the_jacobian_is_the_weight_matrix_with_each_row_scaled_by_its_slope():
    W = np.array([[1.0, -2.0], [3.0, 0.5]])
    J = layer_jacobian(W, np.zeros(2), np.zeros(2))  # sigma'(0) = 1/4 for every unit
    np.testing.assert_allclose(J, W / 4)


def _stack(rng, sizes):
    Ws = [rng.normal(size=(m, d)) / np.sqrt(d) for d, m in zip(sizes[:-1], sizes[1:], strict=False)]
    return Ws, [rng.normal(size=m) for m in sizes[1:]]


def test_from_the_output_and_from_the_input_give_autograds_gradient():
    rng = np.random.default_rng(1)
    sizes = [5, 7, 6, 3]
    Ws, bs = _stack(rng, sizes)
    x, g = rng.normal(size=5), rng.normal(size=3)
    tx = torch.tensor(x, requires_grad=True)
    out = tx
    for W, b in zip(Ws, bs, strict=True):
        out = torch.sigmoid(torch.tensor(W) @ out + torch.tensor(b))
    (out @ torch.tensor(g)).backward()
    np.testing.assert_allclose(gradient_by_vjp(Ws, bs, x, g), tx.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(
        gradient_by_matrix_products(Ws, bs, x, g), tx.grad.numpy(), rtol=1e-10
    )


def test_a_layer_jacobian_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match="W: \\(M, D\\)"):
        layer_jacobian(np.ones((2, 3)), np.ones(2), np.ones(2))
