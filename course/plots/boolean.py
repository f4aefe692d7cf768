"""Plots for notebook 01: threshold units as lines, and the XOR net's hidden space."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from course.neurons import BOOLEAN_INPUTS, TRUTH_TABLES, relu


def _points(ax: plt.Axes, points: np.ndarray, labels: np.ndarray) -> None:
    for value, colour, marker in ((0, "tab:red", "o"), (1, "tab:blue", "s")):
        chosen = points[labels == value]
        ax.scatter(
            chosen[:, 0],
            chosen[:, 1],
            c=colour,
            marker=marker,
            s=90,
            label=f"output {value}",
            zorder=3,
        )


def _line(ax: plt.Axes, w: np.ndarray, b: float) -> None:
    """Draw the boundary ``w . x + b = 0`` over the unit square, shading the positive side."""
    xs = np.linspace(-0.5, 1.5, 200)
    grid_x, grid_y = np.meshgrid(xs, xs)
    z = w[0] * grid_x + w[1] * grid_y + b
    ax.contourf(
        grid_x, grid_y, z > 0, levels=[-0.5, 0.5, 1.5], colors=["#fde0dd", "#deebf7"], alpha=0.8
    )
    ax.contour(grid_x, grid_y, z, levels=[0], colors="k", linewidths=1.5)


def plot_threshold_units(units: dict[str, tuple[np.ndarray, float]]) -> plt.Figure:
    """One panel per gate: its truth table as points and the unit's line ``w.x + b = 0``.

    Adds an XOR panel without a line: no single line separates its two classes.
    """
    gates = list(units) + ["XOR"]
    fig, axes = plt.subplots(1, len(gates), figsize=(3.2 * len(gates), 3.2))
    for ax, gate in zip(axes, gates, strict=True):
        if gate in units:
            w, b = units[gate]
            _line(ax, np.asarray(w, dtype=float), float(b))
            ax.set_title(f"{gate}: w={np.round(np.asarray(w, dtype=float), 2).tolist()}, b={b:g}")
        else:
            ax.set_title("XOR: no line separates the colours")
        _points(ax, BOOLEAN_INPUTS, TRUTH_TABLES[gate])
        ax.set(xlim=(-0.5, 1.5), ylim=(-0.5, 1.5), xlabel="A", ylabel="B", aspect="equal")
    axes[0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_hidden_space(W1: np.ndarray) -> plt.Figure:
    """XOR's inputs next to their hidden representation ``relu(W1 x)``, where they separate."""
    hidden = relu(BOOLEAN_INPUTS @ np.asarray(W1, dtype=float).T)
    fig, (left, right) = plt.subplots(1, 2, figsize=(7, 3.4))
    _points(left, BOOLEAN_INPUTS, TRUTH_TABLES["XOR"])
    left.set(title="input space (A, B)", xlabel="A", ylabel="B", xlim=(-0.5, 1.5), ylim=(-0.5, 1.5))
    _points(right, hidden, TRUTH_TABLES["XOR"])
    right.plot([-0.5, 1.5], [1.5, -0.5], "k--", lw=1)
    right.plot([-0.5, 1.0], [1.0, -0.5], "k:", lw=1)
    right.set(
        title="hidden space (n1, n2) = relu(W1 x)",
        xlabel="n1",
        ylabel="n2",
        xlim=(-0.5, 1.5),
        ylim=(-0.5, 1.5),
    )
    for ax in (left, right):
        ax.set_aspect("equal")
    left.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig
