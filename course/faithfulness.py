"""Testing an explanation instead of looking at it: where a map's mass lies, and what removing
the pixels it ranks first does to the score.

- :func:`pointing_game` (Zhang et al. 2016): does the map's largest value fall on the region
  known to matter?  maps: (N, H, W), masks: (N, H, W) or (H, W) bool -> (N,) bool.
- :func:`mass_inside`: the fraction of the map's absolute mass inside that region,
  ``sum_{mask} |M| / sum |M|`` -> (N,) in [0, 1].
- :func:`deletion_curve` / :func:`insertion_curve` (Petsiuk et al. 2018, RISE): remove pixels
  from the image (or insert them into a blank one) in the order the map ranks them, most
  important first, and follow the target class's soft-max probability; a faithful map makes
  the deletion curve fall fast (small area) and the insertion curve rise fast (large area).
  -> (N, steps + 1), the probability after 0, 1/steps, ..., all of the pixels.
- :func:`curve_auc`: the area under such a curve on [0, 1] by the trapezoid rule -> (N,).
- :func:`random_maps`: a map that knows nothing, the baseline every method must beat.

The planted ground truth these are tried on is :mod:`course.planted`.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from course.saliency import Target, as_images, as_targets, evaluating


def _maps(maps: torch.Tensor | np.ndarray, what: str = "maps") -> torch.Tensor:
    maps = torch.as_tensor(maps)
    if maps.ndim != 3:
        raise ValueError(f"{what} must have shape (N, H, W), got {tuple(maps.shape)}")
    return maps


def _masks(masks: torch.Tensor | np.ndarray, maps: torch.Tensor) -> torch.Tensor:
    masks = torch.as_tensor(masks, device=maps.device)
    if masks.dtype != torch.bool:
        raise ValueError(f"masks must be boolean, got dtype {masks.dtype}")
    if masks.ndim == 2:
        masks = masks.expand(maps.shape)
    if masks.shape != maps.shape:
        raise ValueError(
            f"masks must have the maps' shape {tuple(maps.shape)} (or (H, W)), "
            f"got {tuple(masks.shape)}"
        )
    return masks


def pointing_game(
    maps: torch.Tensor | np.ndarray, masks: torch.Tensor | np.ndarray
) -> torch.Tensor:
    """Whether each map's largest absolute value lies inside its mask: (N, H, W) -> (N,) bool.

    Among tied largest values the first in row-major order counts (what ``argmax`` gives)."""
    maps = _maps(maps).abs()
    masks = _masks(masks, maps)
    top = maps.flatten(1).argmax(dim=1)
    return masks.flatten(1).gather(1, top[:, None])[:, 0]


def mass_inside(maps: torch.Tensor | np.ndarray, masks: torch.Tensor | np.ndarray) -> torch.Tensor:
    """Fraction of each map's absolute mass inside its mask: (N, H, W) -> (N,) float in [0, 1]
    (0 for a map that is zero everywhere)."""
    maps = _maps(maps).abs().to(torch.float64)
    masks = _masks(masks, maps)
    total = maps.flatten(1).sum(dim=1)
    inside = (maps * masks).flatten(1).sum(dim=1)
    return torch.where(total > 0, inside / total.clamp_min(1e-300), torch.zeros_like(total))


def _order(maps: torch.Tensor) -> torch.Tensor:
    """Pixel indices of each map, most important (largest value) first; ties by index."""
    flat = maps.flatten(1)
    # a stable sort of -value keeps equal values in index order (the same on every machine)
    return torch.sort(-flat, dim=1, stable=True).indices


def _curve(
    model: nn.Module,
    start: torch.Tensor,
    end: torch.Tensor,
    target: Target,
    maps: torch.Tensor,
    steps: int,
) -> torch.Tensor:
    """Probabilities of ``target`` as pixels go from ``start`` to ``end`` in the maps' order."""
    if not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive int, got {steps!r}")
    n, c, h, w = start.shape
    maps = _maps(maps)
    if tuple(maps.shape) != (n, h, w):
        raise ValueError(f"maps must have shape {(n, h, w)}, got {tuple(maps.shape)}")
    order = _order(maps.to(start.device))
    pixels = h * w
    counts = [round(k * pixels / steps) for k in range(steps + 1)]
    rank = torch.empty_like(order)
    rank.scatter_(1, order, torch.arange(pixels, device=order.device).expand(n, pixels))
    rank = rank.view(n, 1, h, w)
    frames = torch.stack([torch.where(rank < k, end, start) for k in counts], dim=1)
    with evaluating(model), torch.no_grad():
        logits = model(frames.view(n * (steps + 1), c, h, w)).view(n, steps + 1, -1)
    t = as_targets(target, n, logits.shape[-1], logits.device)
    probs = logits.softmax(dim=-1)
    return probs.gather(2, t[:, None, None].expand(n, steps + 1, 1))[..., 0]


def deletion_curve(
    model: nn.Module,
    x: torch.Tensor,
    target: Target,
    maps: torch.Tensor,
    steps: int = 28,
    baseline: float | torch.Tensor = 0.0,
) -> torch.Tensor:
    """Target probability as the map's top pixels are replaced by ``baseline``, most important
    first: x (N, C, H, W), maps (N, H, W) -> (N, steps + 1); column k after round(k HW / steps)
    pixels (all channels of a pixel at once)."""
    x = as_images(x)
    end = torch.as_tensor(baseline, dtype=x.dtype, device=x.device).expand_as(x)
    return _curve(model, x, end, target, maps, steps)


def insertion_curve(
    model: nn.Module,
    x: torch.Tensor,
    target: Target,
    maps: torch.Tensor,
    steps: int = 28,
    baseline: float | torch.Tensor = 0.0,
) -> torch.Tensor:
    """Target probability as the map's top pixels of ``x`` are put into a ``baseline`` image,
    most important first: x (N, C, H, W), maps (N, H, W) -> (N, steps + 1)."""
    x = as_images(x)
    start = torch.as_tensor(baseline, dtype=x.dtype, device=x.device).expand_as(x)
    return _curve(model, start, x, target, maps, steps)


def curve_auc(curves: torch.Tensor | np.ndarray) -> torch.Tensor:
    """Area under each curve sampled at evenly spaced points of [0, 1] (trapezoid rule):
    (N, K) -> (N,), ``(c_0 / 2 + c_1 + ... + c_{K-2} + c_{K-1} / 2) / (K - 1)``."""
    curves = torch.as_tensor(curves).to(torch.float64)
    if curves.ndim != 2 or curves.shape[1] < 2:
        raise ValueError(f"curves must have shape (N, K) with K >= 2, got {tuple(curves.shape)}")
    return torch.trapezoid(curves, dx=1.0 / (curves.shape[1] - 1), dim=1)


def random_maps(shape: tuple[int, int, int], seed: int = 0) -> torch.Tensor:
    """(N, H, W) maps of uniform noise from ``seed``: what a method that knows nothing gives."""
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(shape, generator=generator)
