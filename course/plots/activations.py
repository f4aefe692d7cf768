"""Figures for notebook 03: activations and derivatives, learned curves, gradient norms.

Every function returns the :class:`matplotlib.figure.Figure` it drew (made with pyplot, so a
notebook with ``%matplotlib inline`` shows it) and takes plain NumPy callables, so a
student's own implementations can be drawn next to, or instead of, the reference ones.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from course import activations as act

Pair = tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]


def reference_pairs(names: Sequence[str] = tuple(act.ACTIVATIONS)) -> dict[str, Pair]:
    """``{name: (f, f_grad)}`` from :mod:`course.activations` (default parameters)."""
    return {n: (act.get_activation(n).function, act.get_activation(n).derivative) for n in names}


def plot_activations(
    pairs: Mapping[str, Pair] | None = None,
    z: np.ndarray | None = None,
    ncols: int = 3,
) -> Figure:
    """One panel per activation: f(z) (solid) and f'(z) (dashed) on ``z`` (default [-5, 5]).

    ``pairs`` maps a title to ``(f, f_grad)``; default: the six reference activations.
    """
    pairs = dict(pairs) if pairs is not None else reference_pairs()
    if not pairs:
        raise ValueError("pairs is empty: give at least one (function, derivative) pair")
    z = np.linspace(-5, 5, 401) if z is None else np.asarray(z, dtype=float)
    ncols = max(1, min(int(ncols), len(pairs)))
    nrows = -(-len(pairs) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(3.6 * ncols, 2.8 * nrows), squeeze=False, sharex=True
    )
    for ax, (name, (f, df)) in zip(axes.flat, pairs.items(), strict=False):
        ax.axhline(0, color="0.8", lw=0.8)
        ax.axvline(0, color="0.8", lw=0.8)
        ax.plot(z, np.asarray(f(z), dtype=float), lw=2, label="f(z)")
        ax.plot(z, np.asarray(df(z), dtype=float), lw=2, ls="--", label="f'(z)")
        ax.set_title(name)
        ax.set_ylim(-1.6, 2.6)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(pairs) :]:
        ax.set_visible(False)
    axes.flat[0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_curve_fits(
    x: np.ndarray,
    y: np.ndarray,
    curves: Sequence[Callable[[np.ndarray], np.ndarray]],
    titles: Sequence[str] | None = None,
    kinks: Sequence[np.ndarray | None] | None = None,
) -> Figure:
    """The homework's figure: the 100 data points and each network's learned curve, one panel each.

    ``curves`` are predictors ``(n,) -> (n,)`` (e.g. ``CurveFit.predict``); ``titles``
    default to A, B, C, ...; ``kinks`` optionally marks x positions on each panel.
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if not curves:
        raise ValueError("curves is empty")
    titles = list(titles) if titles is not None else [chr(65 + i) for i in range(len(curves))]
    if len(titles) != len(curves):
        raise ValueError(f"{len(curves)} curves but {len(titles)} titles")
    grid = np.linspace(x.min(), x.max(), 600)
    fig, axes = plt.subplots(
        1, len(curves), figsize=(4 * len(curves), 3.2), squeeze=False, sharey=True
    )
    for i, (ax, curve, title) in enumerate(zip(axes[0], curves, titles, strict=True)):
        ax.scatter(x, y, s=10, color="0.55", label="data")
        ax.plot(grid, curve(grid), color="C3", lw=2, label="learned")
        if kinks is not None and kinks[i] is not None and len(kinks[i]):
            k = np.asarray(kinks[i], dtype=float)
            ax.plot(k, curve(k), "kx", ms=6, label="kinks")
        ax.set_title(title)
        ax.set_xlabel("x")
        ax.grid(alpha=0.3)
    axes[0, 0].set_ylabel("y")
    axes[0, 0].legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def plot_loss_curves(losses: Mapping[str, np.ndarray]) -> Figure:
    """Training loss per step (log scale), one line per network."""
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for name, values in losses.items():
        ax.semilogy(np.asarray(values, dtype=float), label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("MSE")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_gradient_norms(norms: Mapping[str, np.ndarray]) -> Figure:
    """``||dL/dW_l||`` against layer l (input side on the left), log scale, one line per activation."""
    if not norms:
        raise ValueError("norms is empty")
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for name, values in norms.items():
        values = np.asarray(values, dtype=float)
        ax.semilogy(np.arange(1, len(values) + 1), values, "o-", label=name)
    ax.set_xlabel("layer (1 = nearest the input)")
    ax.set_ylabel("gradient norm ||dL/dW||")
    ax.set_title("Gradient norm per layer of a deep network")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    return fig
