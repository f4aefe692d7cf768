"""The experiments of notebook 03: what an activation does to what a network can learn.

1. **Curve fitting** (homework 3, exercise 3e): a network with one hidden layer of 20 units,
   ``y_hat = W2 f(W1 x + b1) + b2``, fitted to 100 scalar points with identity, ReLU or
   sigmoid as ``f``. Identity gives a straight line, ReLU a piecewise-linear curve (at most one
   kink per hidden unit), sigmoid a smooth curve. Trained with torch (full-batch Adam, MSE).
2. **Vanishing gradients**: the gradient norm ``||dL/dW_l||`` of every layer of a deep,
   bias-free MLP ``a_l = f(W_l a_{l-1})``, computed in NumPy with the backprop recursion
   ``delta_l = (delta_{l+1} W_{l+1}) * f'(z_l)``, so it runs on any pair of NumPy functions
   (a student's own sigmoid and its derivative, for instance). With sigmoid every layer
   multiplies the gradient by ``sigma' <= 1/4`` and the first layers get almost nothing.

Both read :func:`course.runmode.fast_mode` only through their callers: pass ``steps``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from course import activations as act

HIDDEN_UNITS = 20
N_POINTS = 100
CURVE_ACTIVATIONS = ("identity", "relu", "sigmoid")
"""The homework's networks A, B and C, in that order: (identity, ReLU, sigmoid)."""
NOTEBOOK_CURVE_ORDER = ("sigmoid", "identity", "relu")
"""Notebook 03's networks A, B and C: another order than the homework's, so that the matching
is reasoned from the curves, not copied from the homework's solution."""


# --- 1. fitting 100 scalar points --------------------------------------------------------


def make_curve_data(
    n: int = N_POINTS, noise: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` noisy samples of a wavy curve: x ~ U(-3, 3) sorted, y = sin(1.5 x) + 0.3 x + noise.

    Returns ``x: (n,)`` and ``y: (n,)`` (float64).
    """
    if int(n) != n or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    if noise < 0:
        raise ValueError(f"noise must be >= 0, got {noise}")
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(-3.0, 3.0, size=int(n)))
    y = np.sin(1.5 * x) + 0.3 * x + noise * rng.standard_normal(int(n))
    return x, y


def torch_activation(name: str, **parameter: float) -> nn.Module:
    """The torch module for a registry name (``leaky_relu`` takes ``slope``, ``elu`` ``alpha``)."""
    entry = act.get_activation(name)
    value = parameter.get(entry.parameter, entry.default) if entry.parameter else None
    extra = set(parameter) - ({entry.parameter} if entry.parameter else set())
    if extra:
        raise ValueError(f"{entry.name} takes no parameter(s) {sorted(extra)}")
    modules: dict[str, Callable[[], nn.Module]] = {
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "relu": nn.ReLU,
        "leaky_relu": lambda: nn.LeakyReLU(negative_slope=float(value)),
        "elu": lambda: nn.ELU(alpha=float(value)),
        "identity": nn.Identity,
    }
    return modules[entry.name]()


def one_hidden_layer_net(activation: str, hidden: int = HIDDEN_UNITS) -> nn.Sequential:
    """``Linear(1, hidden) -> activation -> Linear(hidden, 1)``: input and output (N, 1)."""
    if int(hidden) != hidden or hidden < 1:
        raise ValueError(f"hidden must be a positive integer, got {hidden!r}")
    return nn.Sequential(
        nn.Linear(1, int(hidden)), torch_activation(activation), nn.Linear(int(hidden), 1)
    )


@dataclass
class CurveFit:
    """A fitted one-hidden-layer network and its training loss per step."""

    activation: str
    model: nn.Sequential
    losses: np.ndarray  # (steps,)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Network output for scalar inputs ``x: (n,)`` -> ``(n,)``."""
        xs = torch.as_tensor(np.asarray(x, dtype=np.float32).reshape(-1, 1))
        with torch.no_grad():
            return self.model(xs).numpy().reshape(-1).astype(np.float64)

    @property
    def final_loss(self) -> float:
        return float(self.losses[-1])

    def kinks(self, lo: float = -np.inf, hi: float = np.inf) -> np.ndarray:
        """Sorted x where a hidden unit switches (``w1_i x + b1_i = 0``) inside ``[lo, hi]``.

        For a ReLU network these are the only places its curve can bend; there are at most
        as many as hidden units.
        """
        first = self.model[0]
        w = first.weight.detach().numpy().reshape(-1).astype(np.float64)
        b = first.bias.detach().numpy().astype(np.float64)
        nonzero = w != 0
        x = -b[nonzero] / w[nonzero]
        return np.sort(x[(x >= lo) & (x <= hi)])


def fit_curve(
    activation: str,
    x: np.ndarray,
    y: np.ndarray,
    *,
    hidden: int = HIDDEN_UNITS,
    steps: int = 3000,
    lr: float = 0.02,
    seed: int = 0,
    progress: bool = False,
) -> CurveFit:
    """Fit ``one_hidden_layer_net(activation)`` to ``x: (n,)``, ``y: (n,)`` by full-batch Adam on MSE.

    The global torch random state is left untouched (the weights come from ``seed``).
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or y.shape != x.shape:
        raise ValueError(f"x and y must be 1-D of the same length, got {x.shape} and {y.shape}")
    if int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = one_hidden_layer_net(activation, hidden)
    xs = torch.as_tensor(x, dtype=torch.float32).reshape(-1, 1)
    ys = torch.as_tensor(y, dtype=torch.float32).reshape(-1, 1)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    losses = np.empty(int(steps))
    loop: Iterable[int] = range(int(steps))
    if progress:
        from tqdm.auto import tqdm

        loop = tqdm(loop, desc=f"fitting ({activation})", leave=False)
    for step in loop:
        optimiser.zero_grad()
        loss = torch.mean((model(xs) - ys) ** 2)
        loss.backward()
        optimiser.step()
        losses[step] = loss.item()
    return CurveFit(activation, model, losses)


def fit_curves(
    x: np.ndarray,
    y: np.ndarray,
    activations: Sequence[str] = CURVE_ACTIVATIONS,
    **kwargs,
) -> dict[str, CurveFit]:
    """:func:`fit_curve` for each activation (same seed, so the same starting weights shape)."""
    return {name: fit_curve(name, x, y, **kwargs) for name in activations}


# --- 2. gradient norm per layer in a deep network ----------------------------------------


def deep_network_weights(
    depth: int = 10, width: int = 64, gain: float = np.sqrt(2.0), seed: int = 0
) -> list[np.ndarray]:
    """``depth`` square weight matrices ``(width, width)``, entries N(0, gain^2 / width).

    ``gain = sqrt(2)`` is He initialisation, the right scale for ReLU.
    """
    if int(depth) != depth or depth < 1:
        raise ValueError(f"depth must be a positive integer, got {depth!r}")
    if int(width) != width or width < 1:
        raise ValueError(f"width must be a positive integer, got {width!r}")
    rng = np.random.default_rng(seed)
    scale = gain / np.sqrt(width)
    return [rng.standard_normal((int(width), int(width))) * scale for _ in range(int(depth))]


def layer_gradient_norms(
    function: Callable[[np.ndarray], np.ndarray],
    derivative: Callable[[np.ndarray], np.ndarray],
    weights: Sequence[np.ndarray],
    x: np.ndarray,
    target: np.ndarray,
) -> np.ndarray:
    """``||dL/dW_l||`` (Frobenius) for each layer l = 1..L of ``a_l = f(z_l)``, ``z_l = a_{l-1} W_l^T``.

    ``x: (N, d_0)``, ``weights[l]: (d_{l+1}, d_l)``, ``target: (N, d_L)``;
    ``L = 1/(2N) sum ||a_L - target||^2``. Backward: ``delta_L = (a_L - target)/N * f'(z_L)``,
    ``dL/dW_l = delta_l^T a_{l-1}``, ``delta_{l-1} = (delta_l W_l) * f'(z_{l-1})``.
    Returns ``(L,)``, the layer nearest the input first.
    """
    x = np.asarray(x, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"x must be (N, d), got shape {x.shape}")
    if not weights:
        raise ValueError("weights must hold at least one matrix")
    inputs, pre = [], []
    a = x
    for i, w in enumerate(weights):
        w = np.asarray(w, dtype=np.float64)
        if w.ndim != 2 or w.shape[1] != a.shape[1]:
            raise ValueError(f"weights[{i}] has shape {w.shape}, expected (d, {a.shape[1]})")
        inputs.append(a)
        z = a @ w.T
        pre.append(z)
        a = np.asarray(function(z), dtype=np.float64)
    if target.shape != a.shape:
        raise ValueError(f"target must have the output's shape {a.shape}, got {target.shape}")
    n = x.shape[0]
    delta = (a - target) / n * np.asarray(derivative(pre[-1]), dtype=np.float64)
    norms = np.empty(len(weights))
    for layer in range(len(weights) - 1, -1, -1):
        norms[layer] = np.linalg.norm(delta.T @ inputs[layer])
        if layer > 0:
            w = np.asarray(weights[layer], dtype=np.float64)
            delta = (delta @ w) * np.asarray(derivative(pre[layer - 1]), dtype=np.float64)
    return norms


def gradient_norms_by_activation(
    names: Sequence[str] = ("sigmoid", "tanh", "relu"),
    *,
    depth: int = 10,
    width: int = 64,
    batch: int = 128,
    gain: float = np.sqrt(2.0),
    seed: int = 0,
    functions: dict[str, tuple[Callable, Callable]] | None = None,
) -> dict[str, np.ndarray]:
    """Per-layer gradient norms ``(depth,)`` for each activation, on the same weights and data.

    ``functions`` may give ``{name: (f, f_grad)}`` to use instead of the registry's (a
    student's own implementations); other names come from :mod:`course.activations`.
    """
    if int(batch) != batch or batch < 1:
        raise ValueError(f"batch must be a positive integer, got {batch!r}")
    weights = deep_network_weights(depth, width, gain, seed)
    rng = np.random.default_rng(seed + 1)
    x = rng.standard_normal((int(batch), int(width)))
    target = rng.standard_normal((int(batch), int(width)))
    functions = functions or {}
    result = {}
    for name in names:
        if name in functions:
            f, df = functions[name]
        else:
            entry = act.get_activation(name)
            f, df = entry.function, entry.derivative
        result[name] = layer_gradient_norms(f, df, weights, x, target)
    return result
