"""Layers as forward/backward pairs on NumPy arrays, a small MLP, and gradient descent.

The functional API follows CS231n's ``layers.py``: ``*_forward`` returns ``(out, cache)``
and ``*_backward(dout, cache)`` returns the gradient of the loss with respect to each input,
given ``dout`` = dL/d(out). Shapes: a batch of N examples, D inputs, M outputs.

    linear:      out = x W^T + b          x: (N, D), W: (M, D), b: (M,)   ->  (N, M)
    activation:  out = f(z)               any shape, element-wise          dz = dout * f'(z)
    mse:         L = mean((pred - y)^2)   over every element (torch's ``mse_loss``)
    softmax CE:  L = mean_n [logsumexp(s_n) - s_n[y_n]]   s: (N, C) logits, y: (N,) labels
    binary CE:   L = mean_n [log(1 + e^{s_n}) - y_n s_n]   s: (N,) logits, y: (N,) in [0, 1]

W has one row per output unit, as in the homework (out = W x), the recitation (alpha_{j,i}
goes to unit j from input i) and ``torch.nn.Linear``. The classes (:class:`Linear`,
:class:`Activation`, :class:`MLP`) wrap the same functions for training, with
:class:`SGD` and :func:`fit` (full-batch gradient descent, mini-batch or stochastic).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from course import activations as act

Cache = tuple
LossFn = Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]


def _as_float(x: np.ndarray, name: str) -> np.ndarray:
    array = np.asarray(x)
    if not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
        raise ValueError(f"{name} must be numeric, got values of dtype {array.dtype}")
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float64)
    return array


# --- linear --------------------------------------------------------------------------------


def linear_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Cache]:
    """out = x W^T + b.  x: (N, D), W: (M, D), b: (M,) -> out: (N, M); cache (x, W)."""
    x, W, b = _as_float(x, "x"), _as_float(W, "W"), _as_float(b, "b")
    if x.ndim != 2:
        raise ValueError(f"x must be a batch of shape (N, D), got shape {x.shape}")
    if W.ndim != 2 or W.shape[1] != x.shape[1]:
        raise ValueError(
            f"W must have shape (M, {x.shape[1]}) for x of shape {x.shape}, got {W.shape}"
        )
    if b.shape != (W.shape[0],):
        raise ValueError(
            f"b must have shape ({W.shape[0]},) for W of shape {W.shape}, got {b.shape}"
        )
    return x @ W.T + b, (x, W)


def linear_backward(dout: np.ndarray, cache: Cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dx = dout W, dW = dout^T x, db = sum_n dout.  dout: (N, M) -> (N, D), (M, D), (M,)."""
    x, W = cache
    dout = _as_float(dout, "dout")
    if dout.shape != (x.shape[0], W.shape[0]):
        raise ValueError(f"dout must have shape {(x.shape[0], W.shape[0])}, got {dout.shape}")
    return dout @ W, dout.T @ x, dout.sum(axis=0)


# --- activations (element-wise; derivatives from course.activations) ------------------------


def activation_forward(z: np.ndarray, name: str, **param: float) -> tuple[np.ndarray, Cache]:
    """out = f(z) for the activation ``name`` (``slope=`` / ``alpha=`` where it has one)."""
    spec = act.get_activation(name)
    z = _as_float(z, "z")
    return spec.function(z, **param), (z, spec, param)


def activation_backward(dout: np.ndarray, cache: Cache) -> np.ndarray:
    """dz = dout * f'(z), element-wise (the Jacobian of f is diagonal)."""
    z, spec, param = cache
    dout = _as_float(dout, "dout")
    if dout.shape != z.shape:
        raise ValueError(f"dout must have the shape of z {z.shape}, got {dout.shape}")
    return dout * spec.derivative(z, **param)


def sigmoid_forward(z: np.ndarray) -> tuple[np.ndarray, Cache]:
    """out = 1 / (1 + exp(-z))."""
    return activation_forward(z, "sigmoid")


def sigmoid_backward(dout: np.ndarray, cache: Cache) -> np.ndarray:
    """dz = dout * sigma(z) (1 - sigma(z))."""
    return activation_backward(dout, cache)


def tanh_forward(z: np.ndarray) -> tuple[np.ndarray, Cache]:
    """out = tanh(z)."""
    return activation_forward(z, "tanh")


def tanh_backward(dout: np.ndarray, cache: Cache) -> np.ndarray:
    """dz = dout * (1 - tanh(z)^2)."""
    return activation_backward(dout, cache)


def relu_forward(z: np.ndarray) -> tuple[np.ndarray, Cache]:
    """out = max(0, z)."""
    return activation_forward(z, "relu")


def relu_backward(dout: np.ndarray, cache: Cache) -> np.ndarray:
    """dz = dout * [z > 0] (0 at z = 0)."""
    return activation_backward(dout, cache)


def leaky_relu_forward(z: np.ndarray, slope: float = act.LEAKY_SLOPE) -> tuple[np.ndarray, Cache]:
    """out = z if z > 0 else slope * z."""
    return activation_forward(z, "leaky_relu", slope=slope)


def leaky_relu_backward(dout: np.ndarray, cache: Cache) -> np.ndarray:
    """dz = dout * (1 if z > 0 else slope)."""
    return activation_backward(dout, cache)


def elu_forward(z: np.ndarray, alpha: float = act.ELU_ALPHA) -> tuple[np.ndarray, Cache]:
    """out = z if z >= 0 else alpha (exp(z) - 1)."""
    return activation_forward(z, "elu", alpha=alpha)


def elu_backward(dout: np.ndarray, cache: Cache) -> np.ndarray:
    """dz = dout * (1 if z >= 0 else alpha exp(z))."""
    return activation_backward(dout, cache)


def identity_forward(z: np.ndarray) -> tuple[np.ndarray, Cache]:
    """out = z."""
    return activation_forward(z, "identity")


def identity_backward(dout: np.ndarray, cache: Cache) -> np.ndarray:
    """dz = dout."""
    return activation_backward(dout, cache)


# --- losses: each returns (loss, dL/d(prediction)) -----------------------------------------


def mse_loss(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """L = mean((pred - target)^2) over all elements; dpred = 2 (pred - target) / size."""
    pred, target = _as_float(pred, "pred"), _as_float(target, "target")
    if pred.shape != target.shape:
        raise ValueError(
            f"pred and target must have the same shape, got {pred.shape} and {target.shape}"
        )
    if pred.size == 0:
        raise ValueError("mse_loss of an empty batch is undefined")
    diff = pred - target
    return float(np.mean(diff**2)), 2.0 * diff / diff.size


def _check_labels(scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
    if scores.ndim != 2 or scores.shape[0] == 0:
        raise ValueError(f"logits must have shape (N, C) with N >= 1, got {scores.shape}")
    labels = np.asarray(labels)
    if labels.shape != (scores.shape[0],):
        raise ValueError(f"labels must have shape ({scores.shape[0]},), got {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        if not np.all(np.mod(labels, 1) == 0):
            raise ValueError("labels must be integer class indices")
        labels = labels.astype(np.int64)
    if labels.min() < 0 or labels.max() >= scores.shape[1]:
        raise ValueError(f"labels must lie in 0..{scores.shape[1] - 1}")
    return labels


def log_softmax(scores: np.ndarray) -> np.ndarray:
    """log softmax along the last axis: s - max(s) - log(sum(exp(s - max(s)))), never overflows."""
    scores = _as_float(scores, "logits")
    shifted = scores - scores.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(scores: np.ndarray) -> np.ndarray:
    """softmax along the last axis: exp(s_c) / sum_k exp(s_k), computed with the max shift."""
    return np.exp(log_softmax(scores))


def softmax_cross_entropy(scores: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """L = -mean_n log softmax(s_n)[y_n]; dscores = (softmax(s) - onehot(y)) / N.

    scores: (N, C) logits, labels: (N,) integers in 0..C-1. Stable for logits of any size.
    """
    scores = _as_float(scores, "logits")
    labels = _check_labels(scores, labels)
    n = scores.shape[0]
    logp = log_softmax(scores)
    loss = -float(np.mean(logp[np.arange(n), labels]))
    dscores = np.exp(logp)
    dscores[np.arange(n), labels] -= 1.0
    return loss, dscores / n


def binary_cross_entropy(logits: np.ndarray, targets: np.ndarray) -> tuple[float, np.ndarray]:
    """A logistic output unit's loss: L = -mean_n [y_n log p_n + (1 - y_n) log(1 - p_n)] with
    p = sigmoid(s); dlogits = (p - y) / N (the output error delta = a - y, averaged).

    logits: (N,) scores s, targets: (N,) in [0, 1] (0/1 labels or probabilities). Computed as
    mean(max(s, 0) - y s + log(1 + e^{-|s|})), which never overflows; torch's
    ``binary_cross_entropy_with_logits``.
    """
    logits, targets = _as_float(logits, "logits"), _as_float(targets, "targets")
    if logits.ndim != 1 or logits.shape[0] == 0 or targets.shape != logits.shape:
        raise ValueError(
            f"logits and targets must both have shape (N,) with N >= 1, got {logits.shape} "
            f"and {targets.shape}"
        )
    if np.any((targets < 0) | (targets > 1)):
        raise ValueError("targets must lie in [0, 1]")
    n = logits.shape[0]
    loss = np.maximum(logits, 0.0) - targets * logits + np.log1p(np.exp(-np.abs(logits)))
    return float(loss.mean()), (act.sigmoid(logits) - targets) / n


# --- layers as objects ---------------------------------------------------------------------


class Layer:
    """A layer: ``forward(x)`` keeps a cache, ``backward(dout)`` fills ``grads`` and returns dx."""

    params: dict[str, np.ndarray]
    grads: dict[str, np.ndarray]

    def __init__(self) -> None:
        self.params, self.grads = {}, {}
        self._cache: Cache | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def _cached(self) -> Cache:
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self._cache


class Linear(Layer):
    """out = x W^T + b with W: (out_features, in_features), Glorot-scaled normal init."""

    def __init__(self, in_features: int, out_features: int, rng: np.random.Generator | None = None):
        super().__init__()
        if in_features < 1 or out_features < 1:
            raise ValueError(f"layer sizes must be positive, got {in_features} -> {out_features}")
        rng = rng if rng is not None else np.random.default_rng()
        scale = np.sqrt(2.0 / (in_features + out_features))
        self.params["W"] = rng.standard_normal((out_features, in_features)) * scale
        self.params["b"] = np.zeros(out_features)

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = linear_forward(x, self.params["W"], self.params["b"])
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        dx, self.grads["W"], self.grads["b"] = linear_backward(dout, self._cached())
        return dx

    def __repr__(self) -> str:
        m, d = self.params["W"].shape
        return f"Linear({d} -> {m})"


class Activation(Layer):
    """An element-wise activation layer by name: sigmoid, tanh, relu, leaky_relu, elu, identity."""

    def __init__(self, name: str, **param: float):
        super().__init__()
        self.name = act.get_activation(name).name
        self.param = param

    def forward(self, x: np.ndarray) -> np.ndarray:
        out, self._cache = activation_forward(x, self.name, **self.param)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return activation_backward(dout, self._cached())

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v}" for k, v in self.param.items())
        return f"Activation({self.name!r}{extra})"


class MLP:
    """A sequential multilayer perceptron: Linear, activation, ..., Linear (logits or values).

    sizes: (D, H1, ..., K). ``forward(x: (N, D)) -> (N, K)``; ``backward(dout: (N, K))``
    fills every layer's ``grads``; ``parameters()`` yields (param, grad) pairs to update.
    """

    def __init__(
        self,
        sizes: tuple[int, ...] | list[int],
        activation: str = "tanh",
        rng: np.random.Generator | None = None,
        **param: float,
    ):
        if len(sizes) < 2:
            raise ValueError(f"an MLP needs at least input and output sizes, got {tuple(sizes)}")
        rng = rng if rng is not None else np.random.default_rng()
        self.sizes = tuple(int(s) for s in sizes)
        self.layers: list[Layer] = []
        for i, (d, m) in enumerate(zip(self.sizes[:-1], self.sizes[1:], strict=True)):
            self.layers.append(Linear(d, m, rng))
            if i < len(self.sizes) - 2:
                self.layers.append(Activation(activation, **param))

    def forward(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    __call__ = forward

    def backward(self, dout: np.ndarray) -> np.ndarray:
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def parameters(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(parameter, gradient) pairs, after a backward pass."""
        for layer in self.layers:
            for name, value in layer.params.items():
                if name not in layer.grads:
                    raise RuntimeError("no gradients yet: call backward after forward")
                yield value, layer.grads[name]

    def loss_and_grads(self, x: np.ndarray, target: np.ndarray, loss_fn: LossFn) -> float:
        """One forward and backward pass: returns the loss, leaves gradients in ``grads``."""
        loss, dout = loss_fn(self.forward(x), target)
        self.backward(dout)
        return loss

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Class index of the largest output for each row: (N, D) -> (N,)."""
        return np.argmax(self.forward(x), axis=1)

    def n_parameters(self) -> int:
        return sum(v.size for layer in self.layers for v in layer.params.values())

    def __repr__(self) -> str:
        return "MLP(" + ", ".join(repr(layer) for layer in self.layers) + ")"


# --- training ------------------------------------------------------------------------------


class SGD:
    """Plain gradient descent step: theta <- theta - lr * dL/dtheta, in place."""

    def __init__(self, lr: float):
        if not np.isfinite(lr) or lr <= 0:
            raise ValueError(f"learning rate must be positive, got {lr}")
        self.lr = float(lr)

    def step(self, model: MLP) -> None:
        for param, grad in model.parameters():
            param -= self.lr * grad


def minibatches(n: int, batch_size: int | None, rng: np.random.Generator) -> list[np.ndarray]:
    """Index arrays for one epoch: one permutation of range(n), cut into batches in order.

    batch_size None (or >= n) gives one batch of all n examples (full-batch gradient
    descent); 1 gives stochastic gradient descent; the last batch may be smaller.
    """
    if n < 1:
        raise ValueError("need at least one example")
    if batch_size is not None and batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer or None, got {batch_size}")
    order = rng.permutation(n)
    size = n if batch_size is None else min(int(batch_size), n)
    return [order[start : start + size] for start in range(0, n, size)]


def train_epoch(
    model: MLP,
    x: np.ndarray,
    y: np.ndarray,
    loss_fn: LossFn,
    optimizer: SGD,
    batch_size: int | None,
    rng: np.random.Generator,
) -> list[float]:
    """One pass over (x, y) in shuffled batches; returns each step's loss (before its update)."""
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    losses = []
    for idx in minibatches(len(x), batch_size, rng):
        losses.append(model.loss_and_grads(x[idx], y[idx], loss_fn))
        optimizer.step(model)
    return losses


@dataclass
class History:
    """What :func:`fit` records: every step's loss, the full-data loss and time per epoch."""

    batch_size: int | None
    step_losses: list[float] = field(default_factory=list)
    epoch_losses: list[float] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)

    @property
    def steps_per_epoch(self) -> int:
        return len(self.step_losses) // max(len(self.epoch_losses) - 1, 1)


def fit(
    model: MLP,
    x: np.ndarray,
    y: np.ndarray,
    loss_fn: LossFn = softmax_cross_entropy,
    lr: float = 0.1,
    epochs: int = 10,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    progress: bool = False,
) -> History:
    """Train ``model`` in place; batch_size None is full-batch gradient descent, 1 is SGD.

    ``History.epoch_losses[0]`` is the loss before training, then one entry per epoch (on all
    of x); ``epoch_seconds`` times the training steps only.
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    optimizer = SGD(lr)
    history = History(batch_size)
    history.epoch_losses.append(loss_fn(model.forward(x), y)[0])
    epochs_iter: range | Iterator[int] = range(epochs)
    if progress:
        from tqdm.auto import tqdm

        label = "full batch" if batch_size is None else f"batch {batch_size}"
        epochs_iter = tqdm(epochs_iter, desc=f"training ({label})", leave=False)
    for _ in epochs_iter:
        start = time.perf_counter()
        history.step_losses += train_epoch(model, x, y, loss_fn, optimizer, batch_size, rng)
        history.epoch_seconds.append(time.perf_counter() - start)
        history.epoch_losses.append(loss_fn(model.forward(x), y)[0])
    return history


def accuracy(model: MLP, x: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose predicted class equals the label."""
    return float(np.mean(model.predict(x) == np.asarray(labels)))


# --- the notebook's two-layer network on a parameter dictionary -----------------------------

Params = dict[str, np.ndarray]
ParamLossFn = Callable[[Params, np.ndarray, np.ndarray], tuple[float, Params]]


def init_two_layer(d: int, h: int, c: int, rng: np.random.Generator | None = None) -> Params:
    """{"W1": (h, d), "b1": (h,), "W2": (c, h), "b2": (c,)}, Glorot-scaled normal weights."""
    rng = rng if rng is not None else np.random.default_rng()
    first, second = Linear(d, h, rng), Linear(h, c, rng)
    return {
        "W1": first.params["W"],
        "b1": first.params["b"],
        "W2": second.params["W"],
        "b2": second.params["b"],
    }


def two_layer_loss_and_grads(
    params: Params, x: np.ndarray, labels: np.ndarray, activation: str = "tanh"
) -> tuple[float, Params]:
    """Loss and gradients of  x -> linear -> activation -> linear -> softmax cross-entropy.

    x: (N, D), labels: (N,); params as :func:`init_two_layer`. Returns (loss, grads) with
    grads[k] of params[k]'s shape.
    """
    a1, cache1 = linear_forward(x, params["W1"], params["b1"])
    h1, cache_act = activation_forward(a1, activation)
    scores, cache2 = linear_forward(h1, params["W2"], params["b2"])
    loss, dscores = softmax_cross_entropy(scores, labels)
    dh1, dW2, db2 = linear_backward(dscores, cache2)
    da1 = activation_backward(dh1, cache_act)
    _, dW1, db1 = linear_backward(da1, cache1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


def two_layer_predict(params: Params, x: np.ndarray, activation: str = "tanh") -> np.ndarray:
    """Class with the largest score for each row of x: (N, D) -> (N,)."""
    h1 = act.get_activation(activation).function(x @ params["W1"].T + params["b1"])
    return np.argmax(h1 @ params["W2"].T + params["b2"], axis=1)


def sgd_epoch(
    params: Params,
    x: np.ndarray,
    labels: np.ndarray,
    lr: float,
    batch_size: int,
    rng: np.random.Generator,
    loss_and_grads: ParamLossFn = two_layer_loss_and_grads,
) -> list[float]:
    """One epoch of mini-batch SGD on a parameter dictionary, updated in place.

    order = rng.permutation(N), batches order[0:B], order[B:2B], ... (the last may be
    smaller); for each: loss, grads = loss_and_grads(params, x[idx], labels[idx]), then
    params[k] -= lr * grads[k]. Returns the losses (each before its update).
    """
    if len(x) != len(labels):
        raise ValueError(f"x and labels must have the same length, got {len(x)} and {len(labels)}")
    losses = []
    for idx in minibatches(len(x), batch_size, rng):
        loss, grads = loss_and_grads(params, x[idx], labels[idx])
        for key, grad in grads.items():
            params[key] -= lr * grad
        losses.append(loss)
    return losses


def train_for_seconds(
    params: Params,
    x: np.ndarray,
    labels: np.ndarray,
    lr: float,
    batch_size: int | None,
    seconds: float,
    rng: np.random.Generator,
    loss_and_grads: ParamLossFn = two_layer_loss_and_grads,
    n_evals: int = 20,
    eval_size: int = 2000,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Train for a budget of wall-clock seconds (updates only; evaluations are not counted).

    batch_size None is full-batch gradient descent. The loss on a fixed random subset of
    ``eval_size`` examples is recorded at 0 s and about every seconds / n_evals.
    Returns (times (k,), losses (k,), number of updates).
    """
    if seconds <= 0:
        raise ValueError(f"seconds must be positive, got {seconds}")
    check = rng.choice(len(x), size=min(eval_size, len(x)), replace=False)

    def evaluate() -> float:
        return loss_and_grads(params, x[check], labels[check])[0]

    times, losses = [0.0], [evaluate()]
    spent, updates, next_eval = 0.0, 0, seconds / n_evals
    while spent < seconds:
        for idx in minibatches(len(x), batch_size, rng):
            start = time.perf_counter()
            _, grads = loss_and_grads(params, x[idx], labels[idx])
            for key, grad in grads.items():
                params[key] -= lr * grad
            spent += time.perf_counter() - start
            updates += 1
            if spent >= next_eval or spent >= seconds:
                times.append(spent)
                losses.append(evaluate())
                next_eval += seconds / n_evals
            if spent >= seconds:
                break
    return np.array(times), np.array(losses), updates
