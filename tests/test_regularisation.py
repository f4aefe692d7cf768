"""Weight decay, dropout (course.regularisation) and the binary cross-entropy (course.layers)."""

import numpy as np
import pytest
import torch

from course import layers
from course.gradcheck import numerical_gradient
from course.regularisation import (
    dropout_backward,
    dropout_forward,
    l2_penalty,
    sgd_step_with_decay,
)


def _params(rng):
    return {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=3)}


@pytest.mark.parametrize("weight_decay", [0.0, 0.1, 2.5])
def test_a_decayed_step_is_torchs_sgd_with_weight_decay(weight_decay):
    rng = np.random.default_rng(0)
    params, grads = _params(rng), _params(rng)
    tensors = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    for k, t in tensors.items():
        t.grad = torch.tensor(grads[k])
    torch.optim.SGD(tensors.values(), lr=0.3, weight_decay=weight_decay).step()
    sgd_step_with_decay(params, grads, lr=0.3, weight_decay=weight_decay)
    for k in params:
        np.testing.assert_allclose(params[k], tensors[k].detach().numpy(), rtol=1e-12)


def test_the_decay_is_the_gradient_of_the_l2_penalty():
    rng = np.random.default_rng(1)
    params, lam = _params(rng), 0.7
    w = params["W"]
    numeric = numerical_gradient(lambda v: l2_penalty({"W": v, "b": params["b"]}, lam), w.copy())
    np.testing.assert_allclose(numeric, lam * w, rtol=1e-6)
    zeros = {k: np.zeros_like(v) for k, v in params.items()}
    before = {k: v.copy() for k, v in params.items()}
    sgd_step_with_decay(params, zeros, lr=0.1, weight_decay=lam)
    for k in params:
        np.testing.assert_allclose(params[k], (1 - 0.1 * lam) * before[k])


def test_a_decayed_step_refuses_bad_settings_and_mismatched_keys():
    rng = np.random.default_rng(2)
    with pytest.raises(ValueError, match="lr > 0"):
        sgd_step_with_decay(_params(rng), _params(rng), lr=0.0, weight_decay=0.1)
    with pytest.raises(ValueError, match="weight_decay >= 0"):
        sgd_step_with_decay(_params(rng), _params(rng), lr=0.1, weight_decay=-1.0)
    with pytest.raises(ValueError, match="other keys"):
        sgd_step_with_decay(_params(rng), {"W": np.zeros((3, 4))}, lr=0.1, weight_decay=0.1)


def test_dropout_in_evaluation_is_the_identity_and_draws_nothing():
    x = np.arange(12.0).reshape(3, 4)
    rng = np.random.default_rng(3)
    state = rng.bit_generator.state
    out, cache = dropout_forward(x, 0.5, train=False, rng=rng)
    np.testing.assert_array_equal(out, x)
    assert rng.bit_generator.state == state
    np.testing.assert_array_equal(dropout_backward(np.ones_like(x), cache), np.ones_like(x))
    np.testing.assert_array_equal(torch.nn.Dropout(0.5).eval()(torch.tensor(x)).numpy(), out)


def test_dropout_keeps_the_expected_value_and_drops_a_share_p():
    x = np.full((400, 500), 2.0)
    out, _ = dropout_forward(x, 0.3, train=True, rng=np.random.default_rng(4))
    assert abs(np.mean(out == 0) - 0.3) < 0.01
    assert abs(out.mean() - 2.0) < 0.02
    # torch's dropout makes the same two values: 0 and x / (1 - p)
    theirs = torch.nn.functional.dropout(torch.tensor(x), 0.3, training=True).numpy()
    assert set(np.unique(theirs)) == set(np.unique(out)) == {0.0, 2.0 / 0.7}


def test_dropout_backward_is_the_numerical_gradient_through_the_same_mask():
    rng = np.random.default_rng(5)
    x, dout = rng.normal(size=(4, 6)), rng.normal(size=(4, 6))

    def loss(v):
        out, _ = dropout_forward(v, 0.4, train=True, rng=np.random.default_rng(6))
        return float(np.sum(out * dout))

    _, cache = dropout_forward(x, 0.4, train=True, rng=np.random.default_rng(6))
    np.testing.assert_allclose(
        dropout_backward(dout, cache), numerical_gradient(loss, x), atol=1e-8
    )


def test_dropout_refuses_p_outside_zero_to_one():
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        dropout_forward(np.ones(3), 1.0, train=True, rng=np.random.default_rng(0))


@pytest.mark.parametrize(
    "logits, targets",
    [
        (np.array([0.3, -1.2, 2.0, 0.0]), np.array([1.0, 0.0, 1.0, 0.0])),
        (np.array([1000.0, -1000.0, 999.0]), np.array([0.0, 1.0, 1.0])),  # overflow both ways
        (np.array([0.5, -0.5]), np.array([0.25, 0.9])),  # probabilities as targets
    ],
)
def test_binary_cross_entropy_is_torchs_with_logits(logits, targets):
    loss, dlogits = layers.binary_cross_entropy(logits, targets)
    t = torch.tensor(logits, requires_grad=True)
    theirs = torch.nn.functional.binary_cross_entropy_with_logits(t, torch.tensor(targets))
    theirs.backward()
    assert np.isfinite(loss)
    np.testing.assert_allclose(loss, theirs.item(), rtol=1e-12)
    np.testing.assert_allclose(dlogits, t.grad.numpy(), rtol=1e-12, atol=1e-300)


def test_binary_cross_entropy_refuses_bad_shapes_and_targets():
    with pytest.raises(ValueError, match="shape"):
        layers.binary_cross_entropy(np.zeros((2, 1)), np.zeros((2, 1)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        layers.binary_cross_entropy(np.zeros(2), np.array([0.0, 2.0]))


def test_notebook_02s_experiment_over_fits_without_decay_and_a_little_decay_helps():
    """The story notebook 02 tells with forty two-moons points and 100 tanh units."""
    from course import backprop

    x_few, y_few = backprop.make_moons(40, noise=0.3, rng=3)
    x_new, y_new = backprop.make_moons(2000, noise=0.3, rng=4)
    accuracy = {}
    for lam in (0.0, 3e-3, 3e-2):
        params = layers.init_two_layer(2, 100, 2, np.random.default_rng(0))
        for _ in range(3000):
            _, grads = layers.two_layer_loss_and_grads(params, x_few, y_few)
            sgd_step_with_decay(params, grads, 0.5, lam)
        accuracy[lam] = (
            np.mean(layers.two_layer_predict(params, x_few) == y_few),
            np.mean(layers.two_layer_predict(params, x_new) == y_new),
        )
    assert accuracy[0.0][0] == 1.0  # every training point, noise included
    assert accuracy[3e-3][0] < 1.0 and accuracy[3e-3][1] > accuracy[0.0][1] + 0.05
    assert accuracy[3e-2][1] < accuracy[3e-3][1]  # too much decay: worse on new points
