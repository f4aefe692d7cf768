"""Plots for training on 2-D toy data: loss curves and a classifier's decision boundary."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap

CLASS_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")


def _axes(ax: Axes | None, size: tuple[float, float] = (5.0, 4.0)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    xlabel: str = "step",
    x_values: Mapping[str, Sequence[float]] | None = None,
    log: bool = True,
    title: str = "Training loss",
) -> Axes:
    """One line per named loss curve (e.g. {"batch GD": [...], "SGD": [...]}).

    ``x_values`` optionally gives each curve's x coordinates (epochs, seconds); otherwise the
    index. A log y-axis shows the late, small losses.
    """
    if not curves:
        raise ValueError("no loss curves to plot")
    ax = _axes(ax)
    for label, losses in curves.items():
        losses = np.asarray(losses, dtype=float)
        if losses.ndim != 1 or losses.size == 0:
            raise ValueError(f"curve {label!r} must be a non-empty 1-D sequence of losses")
        xs = (
            np.arange(losses.size) if x_values is None else np.asarray(x_values[label], dtype=float)
        )
        if xs.shape != losses.shape:
            raise ValueError(f"curve {label!r}: {xs.size} x values for {losses.size} losses")
        long = losses.size > 200  # a noisy per-step curve: thin and translucent
        ax.plot(xs, losses, label=label, lw=0.7 if long else 1.8, alpha=0.6 if long else 1.0)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend()
    return ax


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    ax: Axes | None = None,
    resolution: int = 200,
    margin: float = 0.5,
    title: str = "Decision boundary",
) -> Axes:
    """Colour the plane by ``predict`` (points (M, 2) -> classes (M,)) and scatter the data.

    x: (N, 2) points, y: (N,) integer labels.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (N, 2), got {x.shape}")
    if y.shape != (x.shape[0],):
        raise ValueError(f"y must have shape ({x.shape[0]},), got {y.shape}")
    if resolution < 2:
        raise ValueError(f"resolution must be at least 2, got {resolution}")
    ax = _axes(ax, (4.5, 4.5))
    lo, hi = x.min(axis=0) - margin, x.max(axis=0) + margin
    gx, gy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    classes = np.asarray(predict(grid)).reshape(gx.shape)
    n_classes = int(max(classes.max(), y.max())) + 1
    colours = ListedColormap(CLASS_COLOURS[:n_classes])
    ax.contourf(gx, gy, classes, levels=np.arange(n_classes + 1) - 0.5, cmap=colours, alpha=0.25)
    ax.contour(gx, gy, classes, levels=np.arange(n_classes) + 0.5, colors="k", linewidths=0.8)
    for c in range(n_classes):
        points = x[y == c]
        ax.scatter(
            points[:, 0],
            points[:, 1],
            s=12,
            color=CLASS_COLOURS[c],
            edgecolor="k",
            lw=0.3,
            label=f"class {c}",
        )
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)
    return ax
