"""The chain rule on the course's two worked networks, and small 2-D toy datasets.

**The homework's XOR network** (exercise 1, a 2-2-1 ReLU net without bias, squared error):

    x = (A, B),  z = W1 x,  v = relu(z),  out = W2 v,  L = (y - out)^2
    dL/dW2 = 2 (out - y) v^T                                   (1, 2)
    dL/dW1 = [2 (out - y) W2^T * relu'(z)] x^T                 (2, 2), dL/dW1[j, i] = dL/dW1_ji

(the slides print dL/dW1 as the transpose, x times the row vector delta^T).

**The recitation's tanh network** (3 hidden tanh units, biases folded in as x0 = z0 = 1):

    x^ = (1, x1, x2),  a = alpha x^,  z = tanh(a),  z^ = (1, z),  y^ = beta . z^,
    l = (y^ - y)^2 / 2,  dl/dbeta = (y^ - y) z^,  dl/da = (y^ - y) beta[1:] * (1 - z^2),
    dl/dalpha = dl/da x^^T

in scalar form (explicit sums, one weight at a time) and vector form (matrices). Every worked
value of the recitation is in :data:`RECITATION_CASES`; ``tanh_net_forward(..., decimals=5)``
rounds z as the recitation does before computing y^ (its second case prints y^ = 2.89209 and
l = 0.005822284, which follow from z rounded to 0.96403).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# --- the homework's XOR network -------------------------------------------------------------

XOR_W1 = np.array([[-1.0, 1.0], [1.0, -1.0]])
"""Homework exercise 1 (a): W^(1), row j holds the weights into hidden unit j."""
XOR_W2 = np.array([[1.0, 1.0]])
"""Homework exercise 1 (a): W^(2), shape (1, 2)."""
OR_W1 = np.array([[1.0, 0.0], [-1.0, 1.0]])
"""Homework exercise 1 (e): with W^(2) = (1 1) the network computes OR."""
BOOLEAN_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
"""The four inputs (A, B) of the truth tables, in the homework's order."""
XOR_TARGETS = np.array([0.0, 1.0, 1.0, 0.0])
OR_TARGETS = np.array([0.0, 1.0, 1.0, 1.0])


def _vector(x: np.ndarray, size: int, name: str) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    if x.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), got {x.shape}")
    return x


def xor_net_forward(x: np.ndarray, W1: np.ndarray = XOR_W1, W2: np.ndarray = XOR_W2) -> dict:
    """Forward pass for one input x = (A, B): returns {"z", "v", "out"} (z, v: (2,); out: float)."""
    x = _vector(x, 2, "x")
    W1, W2 = np.asarray(W1, dtype=np.float64), np.asarray(W2, dtype=np.float64)
    if W1.shape != (2, 2) or W2.shape != (1, 2):
        raise ValueError(f"W1 must be (2, 2) and W2 (1, 2), got {W1.shape} and {W2.shape}")
    z = W1 @ x
    v = np.maximum(z, 0.0)
    return {"z": z, "v": v, "out": float((W2 @ v)[0])}


def xor_net_outputs(W1: np.ndarray = XOR_W1, W2: np.ndarray = XOR_W2) -> np.ndarray:
    """The network's output on the four Boolean inputs (its truth table column)."""
    return np.array([xor_net_forward(x, W1, W2)["out"] for x in BOOLEAN_INPUTS])


def xor_net_gradients(
    x: np.ndarray, y: float, W1: np.ndarray = XOR_W1, W2: np.ndarray = XOR_W2
) -> tuple[np.ndarray, np.ndarray]:
    """(dL/dW1 (2, 2), dL/dW2 (1, 2)) of L = (y - out)^2 for one input, relu'(0) = 0."""
    f = xor_net_forward(x, W1, W2)
    x = np.asarray(x, dtype=np.float64)
    dout = 2.0 * (f["out"] - float(y))
    dW2 = dout * f["v"][None, :]
    delta = dout * np.asarray(W2, dtype=np.float64)[0] * (f["z"] > 0)
    dW1 = np.outer(delta, x)
    return dW1, dW2


# --- the recitation's tanh network ----------------------------------------------------------

ALPHA = np.array([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0], [0.0, 2.0, 0.0]])
"""Recitation: alpha[j - 1, i] = alpha_{j,i}, from input x_i (x_0 = 1, the bias) to unit z_j."""
BETA = np.array([0.0, 1.0, 2.0, 2.0])
"""Recitation: beta[j] = beta_j from z_j (z_0 = 1, the bias) to the output."""
Y = 3.0
"""Recitation: the target used in every question."""


@dataclass(frozen=True)
class TanhNetPass:
    """Every intermediate value of one forward and backward pass of the tanh network."""

    x_hat: np.ndarray  # (3,)  (1, x1, x2)
    a: np.ndarray  # (3,)  alpha x^
    z: np.ndarray  # (3,)  tanh(a)
    z_hat: np.ndarray  # (4,)  (1, z)
    y_hat: float
    loss: float
    dy_hat: float  # dl/dy^ = y^ - y
    dbeta: np.ndarray  # (4,)
    dz: np.ndarray  # (3,)
    da: np.ndarray  # (3,)
    dalpha: np.ndarray  # (3, 3)


def _check_tanh_net(x, alpha, beta) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = _vector(x, 2, "x")
    alpha = np.asarray(alpha, dtype=np.float64)
    beta = np.asarray(beta, dtype=np.float64)
    if alpha.shape != (3, 3) or beta.shape != (4,):
        raise ValueError(f"alpha must be (3, 3) and beta (4,), got {alpha.shape} and {beta.shape}")
    return x, alpha, beta


def tanh_net_forward(
    x: np.ndarray, alpha: np.ndarray = ALPHA, beta: np.ndarray = BETA, decimals: int | None = None
) -> tuple[np.ndarray, np.ndarray, float]:
    """Vector form: (a (3,), z (3,), y^) for x = (x1, x2); z rounded to ``decimals`` if given."""
    x, alpha, beta = _check_tanh_net(x, alpha, beta)
    a = alpha @ np.concatenate(([1.0], x))
    z = np.tanh(a)
    if decimals is not None:
        z = np.round(z, decimals)
    return a, z, float(beta @ np.concatenate(([1.0], z)))


def half_squared_error(y_hat: float, y: float) -> float:
    """The recitation's loss l = (y^ - y)^2 / 2."""
    return 0.5 * (float(y_hat) - float(y)) ** 2


def tanh_net_vector(
    x: np.ndarray, y: float = Y, alpha: np.ndarray = ALPHA, beta: np.ndarray = BETA
) -> TanhNetPass:
    """Forward and backward pass in vector form (matrix products, outer products)."""
    x, alpha, beta = _check_tanh_net(x, alpha, beta)
    x_hat = np.concatenate(([1.0], x))
    a, z, y_hat = tanh_net_forward(x, alpha, beta)
    z_hat = np.concatenate(([1.0], z))
    dy_hat = y_hat - float(y)
    dz = dy_hat * beta[1:]
    da = dz * (1.0 - z**2)
    return TanhNetPass(
        x_hat=x_hat,
        a=a,
        z=z,
        z_hat=z_hat,
        y_hat=y_hat,
        loss=half_squared_error(y_hat, y),
        dy_hat=dy_hat,
        dbeta=dy_hat * z_hat,
        dz=dz,
        da=da,
        dalpha=np.outer(da, x_hat),
    )


def tanh_net_scalar(
    x1: float, x2: float, y: float = Y, alpha: np.ndarray = ALPHA, beta: np.ndarray = BETA
) -> TanhNetPass:
    """The same pass in scalar form: every a_j, z_j and partial derivative as its own sum.

    dl/dalpha_{j,i} = (y^ - y) beta_j (1 - tanh(a_j)^2) x_i ;  dl/dbeta_j = (y^ - y) z_j.
    """
    _, alpha, beta = _check_tanh_net([x1, x2], alpha, beta)
    xs = [1.0, float(x1), float(x2)]
    a = [sum(alpha[j][i] * xs[i] for i in range(3)) for j in range(3)]
    z = [float(np.tanh(a_j)) for a_j in a]
    zs = [1.0] + z
    y_hat = sum(beta[j] * zs[j] for j in range(4))
    dy_hat = y_hat - float(y)
    dbeta = [dy_hat * zs[j] for j in range(4)]
    dz = [dy_hat * beta[j + 1] for j in range(3)]
    da = [dz[j] * (1.0 - z[j] ** 2) for j in range(3)]
    dalpha = [[da[j] * xs[i] for i in range(3)] for j in range(3)]
    return TanhNetPass(
        x_hat=np.array(xs),
        a=np.array(a),
        z=np.array(z),
        z_hat=np.array(zs),
        y_hat=float(y_hat),
        loss=half_squared_error(y_hat, y),
        dy_hat=float(dy_hat),
        dbeta=np.array(dbeta),
        dz=np.array(dz),
        da=np.array(da),
        dalpha=np.array(dalpha),
    )


RECITATION_CASES: dict[str, dict] = {
    "scalar form, x = (1, 2)": {
        "x": (1.0, 2.0),
        "a": (5.0, 3.0, 2.0),
        "z": (0.99991, 0.99505, 0.96403),
        "y_hat": 4.91807,
        "loss": 1.83950,
        "dalpha[1,1]": 0.000348,
        "dbeta[1]": 1.9179,
    },
    "vector form, x = (0, 1)": {
        "x": (0.0, 1.0),
        "a": (2.0, 2.0, 0.0),
        "z": (0.96403, 0.96403, 0.0),
        "y_hat": 2.89209,  # 3 * 0.96403: z rounded to 5 decimals first
        "loss": 0.005822284,  # from that rounded y_hat
        "dy_hat": -0.10791,
        "1 - z^2": (0.07065082, 0.07065082, 1.0),
        "dalpha": (
            (-0.00762444, 0.0, -0.00762444),
            (-0.01524889, 0.0, -0.01524889),
            (-0.21583452, 0.0, -0.21583452),
        ),
        "dbeta": (-0.10791, -0.10402, -0.10402, 0.0),
    },
    "vector form, x = (2, 3)": {
        "x": (2.0, 3.0),
        "a": (8.0, 4.0, 4.0),
        "z": (0.9999, 0.9993, 0.9993),
        "y_hat": 4.997316,  # exact 4.9973170, printed truncated
        "loss": 1.9946,
        "da": (8.992e-7, 5.357e-3, 5.357e-3),  # exact 8.9907e-7: printed 1 unit high
        "dalpha": (
            (8.998e-7, 1.798e-6, 2.698e-6),  # exact 8.9907e-7, 1.7981e-6, 2.6972e-6
            (5.357e-3, 1.071e-2, 1.607e-2),
            (5.357e-3, 1.071e-2, 1.607e-2),
        ),
        "dbeta": (1.9973, 1.9973, 1.9960, 1.9960),
    },
}
"""Every value the recitation prints, as printed (its rounding and its three small misprints
in the last case are noted; tests compare exact values to these at the printed precision)."""


# --- toy 2-D datasets ---------------------------------------------------------------------


def _rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _check_n(n: int, noise: float) -> None:
    if isinstance(n, bool) or int(n) != n or n < 4:
        raise ValueError(f"n must be an integer >= 4, got {n!r}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a non-negative number, got {noise}")


def make_xor(
    n: int = 200, noise: float = 0.15, rng: np.random.Generator | int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """XOR-like data: n points around the four corners (A, B) of the unit square, label A xor B.

    Returns x: (n, 2) float64 (centred at 0: corners at +-1), y: (n,) int64 in {0, 1}.
    Gaussian noise of std ``noise`` around each corner; corners get n // 4 points or one more.
    """
    _check_n(n, noise)
    rng = _rng(rng)
    corner = np.arange(n) % 4
    bits = BOOLEAN_INPUTS[corner]
    x = 2.0 * bits - 1.0 + noise * rng.standard_normal((n, 2))
    y = (bits[:, 0] != bits[:, 1]).astype(np.int64)
    order = rng.permutation(n)
    return x[order], y[order]


def make_moons(
    n: int = 200, noise: float = 0.1, rng: np.random.Generator | int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (as scikit-learn's make_moons): x: (n, 2), y: (n,) in {0, 1}.

    Class 0: (cos t, sin t); class 1: (1 - cos t, 1/2 - sin t), t uniform in [0, pi], plus
    Gaussian noise of std ``noise``; centred so the data's mean is near 0.
    """
    _check_n(n, noise)
    rng = _rng(rng)
    n0 = n // 2
    t = rng.uniform(0.0, np.pi, n)
    upper = np.stack([np.cos(t[:n0]), np.sin(t[:n0])], axis=1)
    lower = np.stack([1.0 - np.cos(t[n0:]), 0.5 - np.sin(t[n0:])], axis=1)
    x = np.concatenate([upper, lower]) + noise * rng.standard_normal((n, 2)) - [0.5, 0.25]
    y = np.concatenate([np.zeros(n0, np.int64), np.ones(n - n0, np.int64)])
    order = rng.permutation(n)
    return x[order], y[order]


# --- a double well: where batch gradient descent stops and SGD's noise gets out -------------

DOUBLE_WELL_TILT = 0.5


def double_well_data(
    n: int = 100, spread: float = 4.0, rng: np.random.Generator | int | None = 0
) -> np.ndarray:
    """Per-example slopes e_i (mean exactly 0, std ``spread``) of the losses below."""
    rng = _rng(rng)
    if n < 2 or spread < 0:
        raise ValueError(f"need n >= 2 and spread >= 0, got n={n}, spread={spread}")
    e = rng.standard_normal(n)
    return (e - e.mean()) / e.std() * spread


def double_well_loss(w: np.ndarray | float, tilt: float = DOUBLE_WELL_TILT) -> np.ndarray:
    """Full-data loss L(w) = (w^2 - 1)^2 + tilt w: a local minimum near w = +0.93 and the
    global one near w = -1.06 (for tilt = 0.5). Example i's loss adds e_i w, which averages out.
    """
    w = np.asarray(w, dtype=np.float64)
    return (w**2 - 1) ** 2 + tilt * w


def double_well_grad(w: float, e_batch: np.ndarray, tilt: float = DOUBLE_WELL_TILT) -> float:
    """Gradient of the mean loss over a batch: 4 w (w^2 - 1) + tilt + mean(e_batch)."""
    return 4 * w * (w * w - 1) + tilt + float(np.mean(e_batch))


def descend_double_well(
    w0: float,
    e: np.ndarray,
    lr: float,
    epochs: int,
    batch_size: int | None,
    rng: np.random.Generator | int | None = 0,
) -> np.ndarray:
    """Gradient descent on the double well: w after every update (w0 first).

    batch_size None uses all examples each step (batch GD: the e_i cancel); 1 is SGD.
    """
    from course.layers import minibatches

    rng = _rng(rng)
    path = [float(w0)]
    w = float(w0)
    for _ in range(epochs):
        for idx in minibatches(len(e), batch_size, rng):
            w -= lr * double_well_grad(w, e[idx])
            path.append(w)
    return np.array(path)
