"""Show images in a grid, side by side, or as a labelled kernel (shared by every notebook).

show_images([digit, blurred, edges], titles=["input", "blur", "edges"])
show_kernel(kernel)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np


def _as_image(image: Any, what: str) -> np.ndarray:
    """(H, W), (H, W, 3|4), (1, H, W) or a torch tensor -> a NumPy array imshow accepts."""
    if hasattr(image, "detach"):
        image = image.detach().cpu().numpy()
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[0] in (1, 3) and array.shape[-1] not in (3, 4):
        array = array[0] if array.shape[0] == 1 else np.moveaxis(array, 0, -1)
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[-1] not in (3, 4)):
        raise ValueError(f"{what} must be (H, W), (H, W, 3) or (C, H, W), got shape {array.shape}")
    return array


def _limits(image: np.ndarray, robust: bool) -> tuple[float | None, float | None]:
    """Colour limits: the image's own range, or its 1st-99th percentiles when ``robust``."""
    if not robust or image.ndim != 2:
        return None, None
    low, high = np.percentile(image, [1, 99])
    return (float(low), float(high)) if high > low else (None, None)


def _split(images: Any) -> list[Any]:
    if isinstance(images, np.ndarray) or hasattr(images, "detach"):
        array = images.detach().cpu().numpy() if hasattr(images, "detach") else images
        if array.ndim == 2:
            return [array]
        if array.ndim == 4 and array.shape[1] == 1:
            array = array[:, 0]
        return list(array)
    return list(images)


def show_images(
    images: Sequence[Any] | np.ndarray,
    titles: Sequence[str] | None = None,
    ncols: int | None = None,
    cmap: str = "gray",
    size: float = 2.4,
    vmin: float | None = None,
    vmax: float | None = None,
    suptitle: str | None = None,
    colorbar: bool = False,
    robust: bool = False,
):
    """Draw ``images`` in a grid (``ncols`` per row, default all in one row up to 8).

    images: a list of (H, W) / (H, W, 3) arrays or tensors, or an array (N, H, W) or
    (N, 1, H, W). Each image is scaled to its own range unless ``vmin``/``vmax`` are given;
    ``robust=True`` scales each to its 1st-99th percentiles (a few extreme pixels, as an edge
    detector makes, then do not wash out the rest).
    Returns the figure (end the cell with ``;`` to avoid drawing it twice).
    """
    items = _split(images)
    if not items:
        raise ValueError("show_images needs at least one image")
    if titles is not None and len(titles) != len(items):
        raise ValueError(f"got {len(items)} images but {len(titles)} titles")
    ncols = min(len(items), 8) if ncols is None else ncols
    if ncols < 1:
        raise ValueError(f"ncols must be >= 1, got {ncols}")
    nrows = math.ceil(len(items) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k >= len(items):
            continue
        image = _as_image(items[k], f"image {k}")
        low, high = _limits(image, robust) if vmin is None and vmax is None else (vmin, vmax)
        picture = ax.imshow(image, cmap=cmap, vmin=low, vmax=high)
        if titles is not None:
            ax.set_title(titles[k], fontsize=9)
        if colorbar:
            fig.colorbar(picture, ax=ax, fraction=0.046, pad=0.04)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def show_side_by_side(*images: Any, titles: Sequence[str] | None = None, **kwargs: Any):
    """``show_images`` with every image in one row: ``show_side_by_side(before, after)``."""
    return show_images(list(images), titles=titles, ncols=len(images), **kwargs)


def show_grid(
    rows: Sequence[Sequence[Any]],
    row_titles: Sequence[str] | None = None,
    col_titles: Sequence[str] | None = None,
    cmap: str = "gray",
    size: float = 2.0,
    robust: bool = False,
):
    """A table of images: ``rows[r][c]`` drawn at row r, column c, with row and column titles.

    ``robust=True`` scales each image to its 1st-99th percentiles instead of its min and max.
    """
    nrows, ncols = len(rows), max(len(r) for r in rows)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False)
    for r, row in enumerate(rows):
        for c in range(ncols):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_visible(False)
            if c < len(row):
                image = _as_image(row[c], f"image ({r}, {c})")
                low, high = _limits(image, robust)
                ax.imshow(image, cmap=cmap, vmin=low, vmax=high)
            if r == 0 and col_titles is not None and c < len(col_titles):
                ax.set_title(col_titles[c], fontsize=9)
            if c == 0 and row_titles is not None:
                ax.set_ylabel(row_titles[r], fontsize=9)
    fig.tight_layout()
    return fig


def show_kernel(kernel: Any, ax: Any = None, title: str | None = None, cmap: str = "RdBu_r"):
    """A kernel as a heat map with its values written in each cell; returns the axes."""
    values = np.asarray(kernel, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"kernel must be (KH, KW), got shape {values.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(0.6 * values.shape[1] + 0.6, 0.6 * values.shape[0] + 0.6))
    limit = float(np.abs(values).max()) or 1.0
    ax.imshow(values, cmap=cmap, vmin=-limit, vmax=limit)
    for (i, j), value in np.ndenumerate(values):
        colour = "white" if abs(value) > 0.6 * limit else "black"
        ax.text(j, i, f"{value:.3g}", ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9)
    return ax
