"""course.layers and course.gradcheck: every backward against central differences AND torch."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course import layers as L
from course.gradcheck import (
    gradcheck,
    numerical_gradient,
    numerical_gradient_array,
    relative_error,
)

SHAPES = [(1, 3, 2), (4, 5, 3), (7, 1, 1), (16, 8, 10)]  # (N, D, M), batch of 1 first
TOL = 1e-7  # relative error of float64 backward vs central differences

ACTIVATIONS = [
    ("sigmoid", {}, torch.sigmoid),
    ("tanh", {}, torch.tanh),
    ("relu", {}, torch.relu),
    ("leaky_relu", {"slope": 0.1}, lambda t: torch.nn.functional.leaky_relu(t, 0.1)),
    ("elu", {"alpha": 1.5}, lambda t: torch.nn.functional.elu(t, 1.5)),
    ("identity", {}, lambda t: t),
]


def _away_from_kinks(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random z with |z| >= 0.05, so a step of 1e-5 never crosses ReLU's kink."""
    z = rng.standard_normal(shape) * 2
    return np.where(np.abs(z) < 0.05, 0.05 * np.sign(z) + 0.05 * (z == 0), z)


def _torch_grads(fn, inputs: list[np.ndarray], dout: np.ndarray) -> list[np.ndarray]:
    """Gradients of sum(dout * fn(*inputs)) by torch.autograd, in float64."""
    ts = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in inputs]
    out = fn(*ts)
    out.backward(torch.tensor(dout, dtype=torch.float64))
    return [t.grad.numpy() for t in ts]


# --- linear ----------------------------------------------------------------------------------


@pytest.mark.parametrize("n,d,m", SHAPES)
def test_linear_backward_matches_numerical_gradient_and_autograd(n, d, m):
    rng = np.random.default_rng(n * 100 + d * 10 + m)
    x, W, b = rng.standard_normal((n, d)), rng.standard_normal((m, d)), rng.standard_normal(m)
    out, cache = L.linear_forward(x, W, b)
    assert out.shape == (n, m)
    dout = rng.standard_normal((n, m))
    dx, dW, db = L.linear_backward(dout, cache)
    assert (dx.shape, dW.shape, db.shape) == ((n, d), (m, d), (m,))

    errors = gradcheck(
        lambda x, W, b: L.linear_forward(x, W, b)[0],
        lambda g: (dx, dW, db),
        {"x": x, "W": W, "b": b},
        dout,
    )
    assert max(errors.values()) < TOL, errors

    tx, tW, tb = _torch_grads(torch.nn.functional.linear, [x, W, b], dout)
    np.testing.assert_allclose(dx, tx, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dW, tW, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(db, tb, rtol=1e-10, atol=1e-12)


def test_linear_forward_matches_torch_layout():
    """W has one row per output unit, like torch.nn.Linear and the homework's W x."""
    x = np.array([[1.0, 2.0]])
    W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    out, _ = L.linear_forward(x, W, np.array([0.0, 0.5, -1.0]))
    np.testing.assert_array_equal(out, [[1.0, 2.5, 2.0]])


def test_linear_rejects_bad_shapes_with_clear_messages():
    x, W, b = np.ones((2, 3)), np.ones((4, 3)), np.ones(4)
    with pytest.raises(ValueError, match=r"\(N, D\)"):
        L.linear_forward(np.ones(3), W, b)
    with pytest.raises(ValueError, match="W must have shape"):
        L.linear_forward(x, np.ones((3, 4)), b)
    with pytest.raises(ValueError, match="b must have shape"):
        L.linear_forward(x, W, np.ones(3))
    _, cache = L.linear_forward(x, W, b)
    with pytest.raises(ValueError, match="dout must have shape"):
        L.linear_backward(np.ones((4, 2)), cache)


# --- activations -----------------------------------------------------------------------------


@pytest.mark.parametrize("name,param,torch_fn", ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (6, 3), (2, 3, 4)])
def test_activation_backward_matches_numerical_gradient_and_autograd(name, param, torch_fn, shape):
    rng = np.random.default_rng(len(name) * 7 + sum(shape))
    z = _away_from_kinks(rng, shape)
    forward = getattr(L, f"{name}_forward")
    backward = getattr(L, f"{name}_backward")
    out, cache = forward(z, **param)
    np.testing.assert_allclose(out, torch_fn(torch.tensor(z)).numpy(), rtol=1e-12, atol=1e-15)
    dout = rng.standard_normal(shape)
    dz = backward(dout, cache)
    numeric = numerical_gradient_array(lambda t: forward(t, **param)[0], z.copy(), dout)
    assert relative_error(dz, numeric) < TOL
    (expected,) = _torch_grads(torch_fn, [z], dout)
    np.testing.assert_allclose(dz, expected, rtol=1e-10, atol=1e-14)


def test_activation_gradients_at_kinks_follow_the_homework():
    z = np.array([[-1.0, 0.0, 2.0]])
    dout = np.ones_like(z)
    assert L.relu_backward(dout, L.relu_forward(z)[1]).tolist() == [[0.0, 0.0, 1.0]]
    assert L.leaky_relu_backward(dout, L.leaky_relu_forward(z, slope=0.2)[1]).tolist() == [
        [0.2, 0.2, 1.0]
    ]
    assert L.elu_backward(dout, L.elu_forward(z)[1])[0, 1] == 1.0


def test_activations_are_stable_for_huge_inputs():
    z = np.array([[-1e4, -50.0, 0.0, 50.0, 1e4]])
    for name in ("sigmoid", "tanh", "elu"):
        out, cache = getattr(L, f"{name}_forward")(z)
        dz = getattr(L, f"{name}_backward")(np.ones_like(z), cache)
        assert np.isfinite(out).all() and np.isfinite(dz).all(), name


def test_activation_backward_rejects_a_mismatched_dout():
    _, cache = L.sigmoid_forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="shape of z"):
        L.sigmoid_backward(np.zeros((3, 2)), cache)


# --- losses ----------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(1, 1), (1, 3), (5, 1), (8, 4)])
def test_mse_loss_and_gradient_match_torch(shape):
    rng = np.random.default_rng(sum(shape))
    pred, target = rng.standard_normal(shape), rng.standard_normal(shape)
    loss, dpred = L.mse_loss(pred, target)
    tp = torch.tensor(pred, requires_grad=True)
    tl = torch.nn.functional.mse_loss(tp, torch.tensor(target))
    tl.backward()
    assert loss == pytest.approx(tl.item(), rel=1e-12)
    np.testing.assert_allclose(dpred, tp.grad.numpy(), rtol=1e-10)
    assert relative_error(dpred, numerical_gradient(lambda p: L.mse_loss(p, target)[0], pred)) < TOL


@pytest.mark.parametrize("n,c", [(1, 2), (1, 10), (5, 3), (32, 4)])
def test_softmax_cross_entropy_matches_torch_and_numerical_gradient(n, c):
    rng = np.random.default_rng(n * c)
    scores = rng.standard_normal((n, c)) * 3
    labels = rng.integers(0, c, n)
    loss, dscores = L.softmax_cross_entropy(scores, labels)
    ts = torch.tensor(scores, requires_grad=True)
    tl = torch.nn.functional.cross_entropy(ts, torch.tensor(labels))
    tl.backward()
    assert loss == pytest.approx(tl.item(), rel=1e-12)
    np.testing.assert_allclose(dscores, ts.grad.numpy(), rtol=1e-9, atol=1e-14)
    numeric = numerical_gradient(lambda s: L.softmax_cross_entropy(s, labels)[0], scores)
    assert relative_error(dscores, numeric) < TOL


def test_softmax_cross_entropy_does_not_overflow_on_huge_logits():
    scores = np.array([[1000.0, 0.0, -1000.0], [-5e4, 5e4, 0.0]])
    labels = np.array([0, 0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, dscores = L.softmax_cross_entropy(scores, labels)
    expected = torch.nn.functional.cross_entropy(torch.tensor(scores), torch.tensor(labels)).item()
    assert loss == pytest.approx(expected)
    assert loss == pytest.approx(1e5 / 2)
    np.testing.assert_allclose(dscores, [[0, 0, 0], [-0.5, 0.5, 0]], atol=1e-12)
    np.testing.assert_allclose(L.softmax(scores).sum(axis=1), 1.0)


def test_softmax_cross_entropy_rejects_bad_labels():
    with pytest.raises(ValueError, match="labels must lie"):
        L.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"labels must have shape \(2,\)"):
        L.softmax_cross_entropy(np.zeros((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"\(N, C\)"):
        L.softmax_cross_entropy(np.zeros(3), np.array([0]))
    with pytest.raises(ValueError, match="integer"):
        L.softmax_cross_entropy(np.zeros((1, 3)), np.array([0.5]))
    with pytest.raises(ValueError, match="same shape"):
        L.mse_loss(np.zeros((2, 1)), np.zeros(2))


# --- MLP and training ------------------------------------------------------------------------


def _torch_mlp_grads(
    model: L.MLP, x: np.ndarray, labels: np.ndarray, activation
) -> tuple[float, list]:
    params = [torch.tensor(p, requires_grad=True) for p, _ in _params(model)]
    h = torch.tensor(x)
    for i in range(0, len(params), 2):
        h = torch.nn.functional.linear(h, params[i], params[i + 1])
        if i + 2 < len(params):
            h = activation(h)
    loss = torch.nn.functional.cross_entropy(h, torch.tensor(labels))
    loss.backward()
    return loss.item(), [p.grad.numpy() for p in params]


def _params(model: L.MLP):
    return [(layer.params[k], None) for layer in model.layers for k in layer.params]


@pytest.mark.parametrize(
    "activation,torch_fn", [("tanh", torch.tanh), ("relu", torch.relu), ("sigmoid", torch.sigmoid)]
)
@pytest.mark.parametrize("n", [1, 9])
def test_mlp_gradients_match_autograd_and_numerical_gradient(activation, torch_fn, n):
    rng = np.random.default_rng(n)
    model = L.MLP((3, 5, 4, 3), activation=activation, rng=rng)
    x, labels = rng.standard_normal((n, 3)), rng.integers(0, 3, n)
    loss = model.loss_and_grads(x, labels, L.softmax_cross_entropy)
    expected_loss, expected = _torch_mlp_grads(model, x, labels, torch_fn)
    assert loss == pytest.approx(expected_loss, rel=1e-12)
    pairs = list(model.parameters())
    assert len(pairs) == len(expected) == 6
    for (_param, grad), want in zip(pairs, expected, strict=True):
        np.testing.assert_allclose(grad, want, rtol=1e-9, atol=1e-13)
    # and one parameter by central differences, through the whole network
    W0 = model.layers[0].params["W"]
    numeric = numerical_gradient(lambda _: L.softmax_cross_entropy(model.forward(x), labels)[0], W0)
    model.loss_and_grads(x, labels, L.softmax_cross_entropy)
    if activation != "relu":  # a step may cross a ReLU kink
        assert relative_error(model.layers[0].grads["W"], numeric) < 1e-6


def test_mlp_structure_and_errors():
    model = L.MLP((2, 8, 3), activation="leaky_relu", rng=np.random.default_rng(0), slope=0.2)
    assert [type(layer).__name__ for layer in model.layers] == ["Linear", "Activation", "Linear"]
    assert model.n_parameters() == 2 * 8 + 8 + 8 * 3 + 3
    assert model.forward(np.zeros((5, 2))).shape == (5, 3)
    with pytest.raises(ValueError):
        L.MLP((3,))
    with pytest.raises(ValueError, match="unknown activation"):
        L.MLP((2, 2, 2), activation="swish")
    with pytest.raises(RuntimeError, match="before forward"):
        L.Linear(2, 2).backward(np.zeros((1, 2)))


def test_minibatches_cover_every_example_once():
    rng = np.random.default_rng(0)
    for batch_size, count in [(None, 1), (1, 10), (3, 4), (10, 1), (50, 1)]:
        batches = L.minibatches(10, batch_size, rng)
        assert len(batches) == count
        assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    with pytest.raises(ValueError):
        L.minibatches(10, 0, rng)


def test_full_batch_step_equals_one_gradient_descent_step():
    rng = np.random.default_rng(1)
    x, labels = rng.standard_normal((12, 2)), rng.integers(0, 2, 12)
    model = L.MLP((2, 4, 2), rng=np.random.default_rng(2))
    before = [p.copy() for p, _ in _params(model)]
    model.loss_and_grads(x, labels, L.softmax_cross_entropy)
    grads = [g.copy() for _, g in model.parameters()]
    losses = L.train_epoch(model, x, labels, L.softmax_cross_entropy, L.SGD(0.5), None, rng)
    assert len(losses) == 1
    for b, g, (p, _) in zip(before, grads, _params(model), strict=True):
        np.testing.assert_allclose(p, b - 0.5 * g, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("batch_size", [None, 1, 16])
def test_fit_learns_xor(batch_size):
    from course.backprop import make_xor

    x, y = make_xor(64, noise=0.1, rng=0)
    model = L.MLP((2, 8, 2), activation="tanh", rng=np.random.default_rng(0))
    epochs = {None: 300, 1: 10, 16: 60}[batch_size]
    history = L.fit(
        model, x, y, lr=0.5 if batch_size is None else 0.1, epochs=epochs, batch_size=batch_size
    )
    assert len(history.epoch_losses) == epochs + 1 and len(history.epoch_seconds) == epochs
    assert len(history.step_losses) == epochs * (1 if batch_size is None else -(-64 // batch_size))
    assert history.epoch_losses[-1] < 0.25 * history.epoch_losses[0]
    assert L.accuracy(model, x, y) == 1.0


def test_sgd_rejects_a_bad_learning_rate():
    with pytest.raises(ValueError, match="learning rate"):
        L.SGD(0.0)


# --- gradcheck itself ------------------------------------------------------------------------


def test_numerical_gradient_of_known_functions_and_restores_x():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    original = x.copy()
    grad = numerical_gradient(lambda t: np.sum(np.sin(t) * t**2), x)
    np.testing.assert_allclose(
        grad, np.cos(original) * original**2 + 2 * original * np.sin(original), rtol=1e-8
    )
    np.testing.assert_array_equal(x, original)


def test_central_differences_are_second_order_accurate():
    """Error falls ~100x when h falls 10x (a forward difference would fall only 10x)."""
    x0 = 0.7
    exact = 3 * np.exp(3 * x0)
    errors = [
        abs(numerical_gradient(lambda t: np.exp(3 * t), np.array([x0]), h)[0] - exact)
        for h in (1e-2, 1e-3)
    ]
    assert 50 < errors[0] / errors[1] < 200


def test_gradcheck_flags_a_wrong_backward():
    """A missing transpose and an un-averaged loss gradient give large relative errors."""
    rng = np.random.default_rng(3)
    x, W, b = rng.standard_normal((3, 3)), rng.standard_normal((3, 3)), rng.standard_normal(3)
    dout = rng.standard_normal((3, 3))
    errors = gradcheck(
        lambda x, W, b: L.linear_forward(x, W, b)[0],
        lambda g: (g @ W.T, g.T @ x, g.sum(0)),
        {"x": x, "W": W, "b": b},
        dout,
    )
    assert errors["x"] > 1e-2 and errors["W"] < TOL
    scores, labels = rng.standard_normal((4, 3)), np.array([0, 1, 2, 0])
    _, good = L.softmax_cross_entropy(scores, labels)
    numeric = numerical_gradient(lambda s: L.softmax_cross_entropy(s, labels)[0], scores)
    assert relative_error(good, numeric) < TOL
    assert relative_error(good * 4, numeric) > 0.5


def test_gradcheck_input_errors():
    with pytest.raises(ValueError, match="step h"):
        numerical_gradient(np.sum, np.zeros(2), h=0)
    with pytest.raises(ValueError, match="floats"):
        numerical_gradient(np.sum, np.zeros(2, dtype=int))
    with pytest.raises(ValueError, match="shapes differ"):
        relative_error(np.zeros(2), np.zeros(3))
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0


# --- the notebook's dictionary-based two-layer network -----------------------------------------


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
@pytest.mark.parametrize("n", [1, 6])
def test_two_layer_loss_and_grads_match_autograd(activation, n):
    rng = np.random.default_rng(n + len(activation))
    params = L.init_two_layer(3, 5, 4, rng)
    assert {k: v.shape for k, v in params.items()} == {
        "W1": (5, 3),
        "b1": (5,),
        "W2": (4, 5),
        "b2": (4,),
    }
    x, labels = rng.standard_normal((n, 3)), rng.integers(0, 4, n)
    loss, grads = L.two_layer_loss_and_grads(params, x, labels, activation)
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    act = getattr(torch, activation)
    scores = act(torch.tensor(x) @ tp["W1"].T + tp["b1"]) @ tp["W2"].T + tp["b2"]
    expected = torch.nn.functional.cross_entropy(scores, torch.tensor(labels))
    expected.backward()
    assert loss == pytest.approx(expected.item(), rel=1e-12)
    for key in params:
        np.testing.assert_allclose(grads[key], tp[key].grad.numpy(), rtol=1e-9, atol=1e-13)
    np.testing.assert_array_equal(
        L.two_layer_predict(params, x, activation), scores.argmax(dim=1).numpy()
    )


def test_sgd_epoch_replays_the_shuffle_and_updates_in_place():
    rng = np.random.default_rng(0)
    x, labels = rng.standard_normal((10, 2)), rng.integers(0, 2, 10)
    params = L.init_two_layer(2, 3, 2, rng)
    start = {k: v.copy() for k, v in params.items()}
    arrays = {k: id(v) for k, v in params.items()}
    losses = L.sgd_epoch(params, x, labels, 0.1, 4, np.random.default_rng(5))
    assert len(losses) == 3  # batches of 4, 4 and 2
    assert {k: id(v) for k, v in params.items()} == arrays
    # by hand: the same permutation, the same three steps
    manual = {k: v.copy() for k, v in start.items()}
    order = np.random.default_rng(5).permutation(10)
    for idx, want in zip((order[:4], order[4:8], order[8:]), losses, strict=True):
        loss, grads = L.two_layer_loss_and_grads(manual, x[idx], labels[idx])
        assert loss == pytest.approx(want, rel=1e-12)
        for k in manual:
            manual[k] -= 0.1 * grads[k]
    for k in params:
        np.testing.assert_allclose(params[k], manual[k], rtol=1e-12)


def test_train_for_seconds_stays_near_its_budget_and_learns():
    from course.backprop import make_moons

    x, y = make_moons(2000, rng=0)
    params = L.init_two_layer(2, 8, 2, np.random.default_rng(0))
    times, losses, updates = L.train_for_seconds(
        params, x, y, 0.3, 32, 0.3, np.random.default_rng(0), n_evals=5
    )
    assert times[0] == 0.0 and np.all(np.diff(times) > 0)
    assert times[-1] >= 0.3 and len(times) == len(losses) and updates > 1
    assert losses[-1] < losses[0]
    with pytest.raises(ValueError, match="seconds"):
        L.train_for_seconds(params, x, y, 0.3, 32, 0.0, np.random.default_rng(0))


def test_two_layer_gradients_match_central_differences():
    rng = np.random.default_rng(11)
    params = L.init_two_layer(2, 4, 3, rng)
    x, labels = rng.standard_normal((5, 2)), rng.integers(0, 3, 5)
    _, grads = L.two_layer_loss_and_grads(params, x, labels)
    for key, value in params.items():
        numeric = numerical_gradient(
            lambda _: L.two_layer_loss_and_grads(params, x, labels)[0], value
        )
        assert relative_error(grads[key], numeric) < TOL, key
