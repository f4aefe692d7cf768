"""Notebook 01: a neuron, Boolean functions with one unit and with the homework's 2-2-1 net.

A neuron computes ``sigma(w . x + b)``; with a step activation it is a linear threshold unit,
which can compute AND, OR and NAND but not XOR (XOR's positive inputs are not linearly
separable). Two layers of ReLU units can: the homework's net ``out = W2 relu(W1 x)`` with
``W1 = [[-1, 1], [1, -1]]`` and ``W2 = [1, 1]`` computes XOR.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from course.activations import relu, sigmoid

#: The four inputs (A, B) of a two-input Boolean function, one per row: (4, 2).
BOOLEAN_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)

#: Truth tables on BOOLEAN_INPUTS, in that row order.
TRUTH_TABLES: dict[str, np.ndarray] = {
    "AND": np.array([0, 0, 0, 1]),
    "OR": np.array([0, 1, 1, 1]),
    "NAND": np.array([1, 1, 1, 0]),
    "XOR": np.array([0, 1, 1, 0]),
}

#: The homework's 2-2-1 ReLU network (Exercise 1 (a)): it computes XOR.
HOMEWORK_W1 = np.array([[-1.0, 1.0], [1.0, -1.0]])
HOMEWORK_W2 = np.array([[1.0, 1.0]])

#: The homework's answer to Exercise 1 (e): a network with weights in {-1, 0, 1} computing OR.
HOMEWORK_OR_W1 = np.array([[1.0, 0.0], [-1.0, 1.0]])
HOMEWORK_OR_W2 = np.array([[1.0, 1.0]])


def step(z: np.ndarray) -> np.ndarray:
    """Heaviside step: 1 where ``z > 0``, else 0 (as integers)."""
    return (np.asarray(z) > 0).astype(int)


def neuron(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """A sigmoid neuron ``sigma(x . w + b)``.

    x: (D,) one input or (N, D) a batch; w: (D,); b: scalar. Returns a scalar array or (N,).
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if w.ndim != 1:
        raise ValueError(f"w must be a vector (D,), got shape {w.shape}")
    if x.shape[-1] != w.shape[0]:
        raise ValueError(f"x has {x.shape[-1]} features but w has {w.shape[0]}")
    return sigmoid(x @ w + b)


def threshold_unit(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """A linear threshold unit ``step(x . w + b)``: x: (N, D), w: (D,) -> (N,) of 0/1."""
    return step(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b)


#: One choice of (w, b) for each gate a single threshold unit can compute.
LOGIC_UNITS: dict[str, tuple[np.ndarray, float]] = {
    "AND": (np.array([1.0, 1.0]), -1.5),
    "OR": (np.array([1.0, 1.0]), -0.5),
    "NAND": (np.array([-1.0, -1.0]), 1.5),
}


def computes(outputs: np.ndarray, gate: str) -> bool:
    """True when ``outputs`` on BOOLEAN_INPUTS equal the truth table of ``gate``."""
    outputs = np.asarray(outputs)
    return outputs.shape == (4,) and bool(np.all(outputs == TRUTH_TABLES[gate]))


def separating_units(gate: str, values: np.ndarray) -> int:
    """How many (w1, w2, b) in ``values``^3 make a threshold unit compute ``gate``.

    For XOR the answer is 0 whatever the grid: no line separates {01, 10} from {00, 11}.
    """
    count = 0
    for w1, w2, b in itertools.product(values, repeat=3):
        if computes(threshold_unit(BOOLEAN_INPUTS, np.array([w1, w2]), b), gate):
            count += 1
    return count


def two_layer_relu(x: np.ndarray, W1: np.ndarray, W2: np.ndarray) -> np.ndarray:
    """The homework's net without biases: ``out = W2 relu(W1 x)``.

    x: (N, 2) inputs as rows, W1: (H, 2), W2: (1, H) -> out: (N,).
    """
    x = np.asarray(x, dtype=float)
    hidden = relu(x @ np.asarray(W1, dtype=float).T)  # (N, H)
    return (hidden @ np.asarray(W2, dtype=float).T).reshape(-1)


def networks_computing(
    gate: str, weights: tuple[float, ...] = (-1.0, 0.0, 1.0)
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every 2-2-1 ReLU net (no bias) with all weights in ``weights`` that computes ``gate``.

    Enumerates ``len(weights) ** 6`` candidates (W1: (2, 2), W2: (1, 2)); a net computes the
    gate when its output equals the truth table exactly on all four inputs.
    """
    found = []
    for values in itertools.product(weights, repeat=6):
        W1 = np.array(values[:4], dtype=float).reshape(2, 2)
        W2 = np.array(values[4:], dtype=float).reshape(1, 2)
        out = two_layer_relu(BOOLEAN_INPUTS, W1, W2)
        if np.array_equal(out, TRUTH_TABLES[gate].astype(float)):
            found.append((W1, W2))
    return found


def iter_gates() -> Iterator[str]:
    """The gates a single threshold unit can compute."""
    return iter(LOGIC_UNITS)
