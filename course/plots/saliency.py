"""Plots for notebook 06: an image, its saliency map, the two overlaid, grids and the sanity check.

Every function draws on a :class:`matplotlib.figure.Figure` it returns (or on the ``ax`` it is
given), so it works inline in a notebook and off-screen in tests and widgets alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course.saliency import SanityCheckResult

MAP_CMAP = "hot"
SIGNED_CMAP = "seismic"


def to_2d(image: np.ndarray | torch.Tensor) -> np.ndarray:
    """An image or map as a 2-D NumPy array: ``(H, W)``, ``(1, H, W)`` or ``(C, H, W)`` (max |.|)."""
    if isinstance(image, torch.Tensor):
        image = image.detach().cpu().numpy()
    array = np.asarray(image, dtype=float)
    if array.ndim == 3:
        array = array[0] if array.shape[0] == 1 else np.abs(array).max(axis=0)
    if array.ndim != 2:
        raise ValueError(f"expected an image (H, W) or (C, H, W), got shape {array.shape}")
    return array


def _clean(ax: Axes, title: str | None) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)


def show_image(ax: Axes, image: np.ndarray | torch.Tensor, title: str | None = None) -> None:
    """A grey-scale digit (ink white on black, as MNIST stores it)."""
    ax.imshow(to_2d(image), cmap="gray", interpolation="nearest")
    _clean(ax, title)


def show_map(
    ax: Axes,
    saliency: np.ndarray | torch.Tensor,
    title: str | None = None,
    signed: bool = False,
) -> None:
    """A saliency map: ``hot`` for magnitudes; ``seismic`` centred on 0 for signed maps."""
    values = to_2d(saliency)
    if signed:
        limit = float(np.abs(values).max()) or 1.0
        ax.imshow(values, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit, interpolation="nearest")
    else:
        ax.imshow(values, cmap=MAP_CMAP, interpolation="nearest")
    _clean(ax, title)


def show_overlay(
    ax: Axes,
    image: np.ndarray | torch.Tensor,
    saliency: np.ndarray | torch.Tensor,
    title: str | None = None,
    alpha: float = 0.6,
) -> None:
    """The map, scaled to [0, 1], drawn over the image in translucent ``hot``."""
    values = np.abs(to_2d(saliency))
    top = float(values.max())
    ax.imshow(to_2d(image), cmap="gray", interpolation="nearest")
    ax.imshow(values / top if top > 0 else values, cmap=MAP_CMAP, alpha=alpha, vmin=0, vmax=1)
    _clean(ax, title)


def image_map_overlay(
    image: np.ndarray | torch.Tensor, saliency: np.ndarray | torch.Tensor, title: str = ""
) -> Figure:
    """One row: the image, its map, and the overlay."""
    fig = Figure(figsize=(7.5, 2.8), layout="constrained")
    axes = fig.subplots(1, 3)
    show_image(axes[0], image, "image")
    show_map(axes[1], saliency, "saliency")
    show_overlay(axes[2], image, saliency, "overlay")
    if title:
        fig.suptitle(title)
    return fig


def method_grid(
    images: np.ndarray | torch.Tensor,
    maps: Mapping[str, np.ndarray | torch.Tensor],
    titles: Sequence[str] | None = None,
    signed: Sequence[str] = (),
) -> Figure:
    """Rows = images ``(N, C, H, W)``; columns = the image, then one map per method.

    ``maps[name]`` is ``(N, H, W)`` or ``(N, C, H, W)``; the methods named in ``signed`` are
    drawn with a diverging colour map centred on zero.
    """
    n = len(images)
    for name, value in maps.items():
        if len(value) != n:
            raise ValueError(f"maps[{name!r}] has {len(value)} maps for {n} images")
    columns = 1 + len(maps)
    fig = Figure(figsize=(1.7 * columns, 1.8 * n), layout="constrained")
    axes = np.atleast_2d(fig.subplots(n, columns, squeeze=False))
    for i in range(n):
        show_image(axes[i, 0], images[i], titles[i] if titles else "image" if i == 0 else None)
        for j, (name, value) in enumerate(maps.items(), start=1):
            show_map(axes[i, j], value[i], name if i == 0 else None, signed=name in signed)
    return fig


def class_grid(
    image: np.ndarray | torch.Tensor,
    maps: np.ndarray | torch.Tensor,
    scores: Sequence[float] | np.ndarray | torch.Tensor | None = None,
    same_scale: bool = True,
) -> Figure:
    """The image, then its map for each class ``maps: (K, H, W)`` (score in the title).

    With ``same_scale`` every class's map shares one colour scale, so a weak map looks weak.
    """
    maps = np.stack([to_2d(m) for m in maps])
    k = len(maps)
    columns = min(6, k + 1)
    rows = -(-(k + 1) // columns)
    fig = Figure(figsize=(1.8 * columns, 2.0 * rows), layout="constrained")
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    show_image(axes[0], image, "image")
    top = float(maps.max()) if same_scale else None
    for c in range(k):
        ax = axes[c + 1]
        ax.imshow(maps[c], cmap=MAP_CMAP, vmin=0, vmax=top, interpolation="nearest")
        label = f"class {c}" if scores is None else f"class {c}: {float(scores[c]):.1f}"
        _clean(ax, label)
    for ax in axes[k + 1 :]:
        ax.axis("off")
    return fig


def sanity_check_curve(result: SanityCheckResult, ax: Axes | None = None) -> Figure:
    """Spearman's rho with the trained model's map after each layer is randomised (mean, range)."""
    fig = ax.figure if ax is not None else Figure(figsize=(6.5, 3.2), layout="constrained")
    if ax is None:
        ax = fig.subplots()
    steps = np.arange(len(result.steps))
    ax.plot(steps, result.mean(), marker="o", label="mean over images")
    low = np.nanmin(result.correlations, axis=1)
    high = np.nanmax(result.correlations, axis=1)
    ax.fill_between(steps, low, high, alpha=0.2, label="range over images")
    ax.axhline(0.0, color="grey", linewidth=0.8)
    ax.set_xticks(steps, result.steps, rotation=30)
    ax.set_ylim(-0.3, 1.05)
    ax.set_xlabel("randomised down to (cumulative, from the output)")
    ax.set_ylabel("Spearman rank correlation")
    ax.legend(loc="upper right")
    return fig


def sanity_check_maps(result: SanityCheckResult, image: int = 0) -> Figure:
    """The maps of one image after each randomisation step."""
    steps = len(result.steps)
    fig = Figure(figsize=(1.6 * steps, 2.0), layout="constrained")
    axes = fig.subplots(1, steps, squeeze=False)[0]
    for ax, name, maps, rho in zip(
        axes, result.steps, result.maps, result.correlations[:, image], strict=True
    ):
        show_map(ax, maps[image], f"{name}\nrho={rho:.2f}")
    return fig


def faithfulness_bars(scores: Mapping[str, Mapping[str, float]]) -> Figure:
    """One panel per measure, one bar per method: ``scores[method][measure]`` (e.g. pointing
    game, mass on the patch, deletion AUC). The value is written on each bar."""
    methods = list(scores)
    measures = list(next(iter(scores.values()))) if scores else []
    fig = Figure(figsize=(3.2 * max(1, len(measures)), 2.9), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, max(1, len(measures)), squeeze=False)[0])
    for ax, measure in zip(axes, measures, strict=False):
        values = [float(scores[m][measure]) for m in methods]
        bars = ax.bar(range(len(methods)), values, color="tab:blue")
        for bar, v in zip(bars, values, strict=True):
            ax.annotate(
                f"{v:.2f}",
                (bar.get_x() + bar.get_width() / 2, v),
                ha="center",
                va="bottom",
                fontsize=8,
            )
        ax.set_xticks(range(len(methods)), methods, rotation=30, ha="right", fontsize=8)
        ax.set_title(measure, fontsize=9)
        ax.set_ylim(0, max(1.0, max(values) * 1.15))
    return fig


def deletion_plot(
    curves: Mapping[str, np.ndarray | torch.Tensor], ax: Axes | None = None, what: str = "deletion"
) -> Figure:
    """The mean ``what`` curve of each method, ``curves[method]: (N, K)``, over the fraction
    of pixels removed (or inserted), with its area under the curve in the legend."""
    fig = ax.figure if ax is not None else Figure(figsize=(5.5, 3.4), layout="constrained")
    ax = ax if ax is not None else fig.subplots()
    for name, value in curves.items():
        values = np.asarray(torch.as_tensor(value).detach().cpu(), dtype=float)
        mean = values.mean(axis=0)
        fractions = np.linspace(0.0, 1.0, len(mean))
        area = float(torch.trapezoid(torch.as_tensor(mean), torch.as_tensor(fractions)))
        ax.plot(fractions, mean, label=f"{name} (AUC {area:.2f})")
    ax.set_xlabel("fraction of pixels " + ("removed" if what == "deletion" else "inserted"))
    ax.set_ylabel("probability of the class")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    ax.set_title(f"{what} curves (mean over digits)", fontsize=9)
    return fig
