"""Activation functions, their derivatives and the properties notebook 03 asks about.

Every function takes an array ``z`` of any shape (a number or a list works too) and returns an
array of the same shape, element-wise. Integer input is promoted to float64; float32 stays
float32. All are vectorised and numerically stable: ``sigmoid(1000.0)`` is 1.0 and
``sigmoid(-1000.0)`` is 0.0, without an overflow warning.

Derivatives are with respect to ``z`` and follow the homework's convention at the kinks: the
branch ``z > 0`` is taken strictly, so ``relu_grad(0) == 0`` and ``leaky_relu_grad(0) ==
slope``; ELU's definition puts ``z = 0`` on the linear branch, so ``elu_grad(0) == 1``.

``ACTIVATIONS`` maps each name to an :class:`Activation` record (function, derivative,
parameter and the four properties of the homework's exercise 3).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

ArrayLike = np.ndarray | float | int | list

LEAKY_SLOPE = 0.01
ELU_ALPHA = 1.0


def _as_float_array(z: ArrayLike) -> np.ndarray:
    """``z`` as a floating-point array (float32/float16 kept, anything else float64)."""
    array = np.asarray(z)
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
    ):
        raise ValueError(f"z must be numeric, got values of dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError("z must be real, got complex values")
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float64)
    return array


def _check_parameter(value: float, name: str, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


# --- the functions ------------------------------------------------------------------------


def sigmoid(z: ArrayLike) -> np.ndarray:
    """Logistic sigmoid: sigma(z) = 1 / (1 + exp(-z)), computed as exp(-|z|) never overflows."""
    z = _as_float_array(z)
    e = np.exp(-np.abs(z))  # in (0, 1]: no overflow for any z
    s = 1.0 / (1.0 + e)  # sigma(|z|); sigma(-|z|) = e / (1 + e) = e * s
    return np.where(z >= 0, s, e * s).astype(z.dtype, copy=False)


def tanh(z: ArrayLike) -> np.ndarray:
    """Hyperbolic tangent: tanh(z) = (e^z - e^-z) / (e^z + e^-z) = 2 sigma(2z) - 1."""
    return np.tanh(_as_float_array(z))


def relu(z: ArrayLike) -> np.ndarray:
    """Rectified linear unit: relu(z) = max(0, z)."""
    z = _as_float_array(z)
    return np.where(z > 0, z, np.zeros_like(z))


def leaky_relu(z: ArrayLike, slope: float = LEAKY_SLOPE) -> np.ndarray:
    """Leaky ReLU: z for z > 0, slope * z otherwise (the slides use slope = 0.1)."""
    slope = _check_parameter(slope, "slope")
    z = _as_float_array(z)
    return np.where(z > 0, z, slope * z).astype(z.dtype, copy=False)


def elu(z: ArrayLike, alpha: float = ELU_ALPHA) -> np.ndarray:
    """Exponential linear unit: z for z >= 0, alpha * (exp(z) - 1) for z < 0."""
    alpha = _check_parameter(alpha, "alpha", minimum=0.0)
    z = _as_float_array(z)
    negative = alpha * np.expm1(np.minimum(z, 0))  # exp never sees a positive argument
    return np.where(z >= 0, z, negative).astype(z.dtype, copy=False)


def identity(z: ArrayLike) -> np.ndarray:
    """Identity (linear) activation: f(z) = z (returns a copy)."""
    return _as_float_array(z).copy()


# --- their derivatives with respect to z --------------------------------------------------


def sigmoid_grad(z: ArrayLike) -> np.ndarray:
    """sigma'(z) = sigma(z) * (1 - sigma(z))."""
    s = sigmoid(z)
    return s * (1 - s)


def tanh_grad(z: ArrayLike) -> np.ndarray:
    """tanh'(z) = 1 - tanh(z)^2."""
    t = tanh(z)
    return 1 - t * t


def relu_grad(z: ArrayLike) -> np.ndarray:
    """relu'(z) = 1 for z > 0, else 0 (0 at z = 0, the homework's convention)."""
    z = _as_float_array(z)
    return (z > 0).astype(z.dtype)


def leaky_relu_grad(z: ArrayLike, slope: float = LEAKY_SLOPE) -> np.ndarray:
    """leaky_relu'(z) = 1 for z > 0, else slope (slope at z = 0)."""
    slope = _check_parameter(slope, "slope")
    z = _as_float_array(z)
    return np.where(z > 0, 1.0, slope).astype(z.dtype, copy=False)


def elu_grad(z: ArrayLike, alpha: float = ELU_ALPHA) -> np.ndarray:
    """elu'(z) = 1 for z >= 0, alpha * exp(z) = elu(z) + alpha for z < 0."""
    alpha = _check_parameter(alpha, "alpha", minimum=0.0)
    z = _as_float_array(z)
    return np.where(z >= 0, 1.0, alpha * np.exp(np.minimum(z, 0))).astype(z.dtype, copy=False)


def identity_grad(z: ArrayLike) -> np.ndarray:
    """identity'(z) = 1."""
    return np.ones_like(_as_float_array(z))


# --- the registry -------------------------------------------------------------------------


@dataclass(frozen=True)
class Activation:
    """One activation function, its derivative and the properties the homework asks about.

    ``parameter`` names the keyword the function takes (``"slope"``, ``"alpha"``) or is None;
    ``differentiable`` means differentiable at every real z (with the default parameter);
    ``zero_centred`` means the output is symmetric about 0 (f(-z) = -f(z)), so an input
    distributed symmetrically about 0 gives a zero-mean output (not every zero-mean input
    does); ``vanishing_gradients`` means the derivative tends to 0
    on both sides (saturates), so products of many of them vanish in a deep network.
    """

    name: str
    function: Callable[..., np.ndarray]
    derivative: Callable[..., np.ndarray]
    formula: str
    derivative_formula: str
    nonlinear: bool
    differentiable: bool
    zero_centred: bool
    vanishing_gradients: bool
    parameter: str | None = None
    default: float | None = None
    parameter_range: tuple[float, float] | None = None
    note: str = ""

    def __call__(self, z: ArrayLike, **kwargs: float) -> np.ndarray:
        return self.function(z, **kwargs)

    def grad(self, z: ArrayLike, **kwargs: float) -> np.ndarray:
        """The derivative at z (with the same keyword parameter as the function)."""
        return self.derivative(z, **kwargs)

    @property
    def properties(self) -> dict[str, bool]:
        """The four homework properties by name."""
        return {name: getattr(self, name) for name in PROPERTIES}


PROPERTIES = ("nonlinear", "differentiable", "zero_centred", "vanishing_gradients")

ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation(
            "sigmoid",
            sigmoid,
            sigmoid_grad,
            r"\sigma(z) = \frac{1}{1 + e^{-z}}",
            r"\sigma'(z) = \sigma(z)\,(1 - \sigma(z))",
            nonlinear=True,
            differentiable=True,
            zero_centred=False,
            vanishing_gradients=True,
            note="outputs in (0, 1), centred on 0.5; sigma' <= 1/4 and tends to 0 for large |z|",
        ),
        Activation(
            "tanh",
            tanh,
            tanh_grad,
            r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
            r"\tanh'(z) = 1 - \tanh^2(z)",
            nonlinear=True,
            differentiable=True,
            zero_centred=True,
            vanishing_gradients=True,
            note="outputs in (-1, 1), odd function; tanh' tends to 0 for large |z|",
        ),
        Activation(
            "relu",
            relu,
            relu_grad,
            r"\mathrm{relu}(z) = \max(0, z)",
            r"\mathrm{relu}'(z) = [z > 0]",
            nonlinear=True,
            differentiable=False,
            zero_centred=False,
            vanishing_gradients=False,
            note="not differentiable at 0 (taken as 0 there); outputs are never negative",
        ),
        Activation(
            "leaky_relu",
            leaky_relu,
            leaky_relu_grad,
            r"\mathrm{leaky}(z) = \max(a z, z)",
            r"\mathrm{leaky}'(z) = 1 \text{ if } z > 0 \text{ else } a",
            nonlinear=True,
            differentiable=False,
            zero_centred=False,
            vanishing_gradients=False,
            parameter="slope",
            default=LEAKY_SLOPE,
            parameter_range=(0.0, 1.0),
            note="a kink at 0 for slope != 1; negative inputs keep a small gradient",
        ),
        Activation(
            "elu",
            elu,
            elu_grad,
            r"\mathrm{elu}(z) = z \text{ if } z \geq 0 \text{ else } \alpha (e^{z} - 1)",
            r"\mathrm{elu}'(z) = 1 \text{ if } z \geq 0 \text{ else } \alpha e^{z}",
            nonlinear=True,
            differentiable=True,
            zero_centred=False,
            vanishing_gradients=False,
            parameter="alpha",
            default=ELU_ALPHA,
            parameter_range=(0.0, 3.0),
            note="smooth for alpha = 1 (a kink otherwise); outputs above -alpha, mean closer to 0 than ReLU's",
        ),
        Activation(
            "identity",
            identity,
            identity_grad,
            r"f(z) = z",
            r"f'(z) = 1",
            nonlinear=False,
            differentiable=True,
            zero_centred=True,
            vanishing_gradients=False,
            note="a network of identity units is one linear map, whatever its depth",
        ),
    )
}


def get_activation(name: str) -> Activation:
    """The registry entry for ``name`` (case-insensitive; ``"leaky relu"`` works too)."""
    key = str(name).strip().lower().replace(" ", "_").replace("-", "_")
    if key not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[key]


def with_property(prop: str, names: tuple[str, ...] | None = None) -> set[str]:
    """Names of the activations (among ``names``, default all) that have property ``prop``."""
    if prop not in PROPERTIES:
        raise ValueError(f"unknown property {prop!r}; choose one of {list(PROPERTIES)}")
    pool = names if names is not None else tuple(ACTIVATIONS)
    return {n for n in pool if getattr(get_activation(n), prop)}


HOMEWORK_ACTIVATIONS = ("sigmoid", "tanh", "relu", "identity")
"""The four activations of the homework's exercise 3, in its order (a) to (d)."""
