"""Saliency maps: which input pixels does a class score depend on?

Reference implementations for notebook 06, all batched (one backward pass per batch) and all
working on the class *score* (the logit ``f_c(x)``, before the soft-max):

- :func:`input_gradients`: ``d f_c(x) / d x`` for every image and its own target class;
- :func:`vanilla_saliency`: Simonyan et al. (2014), ``M(x) = max_channels |d f_c / d x|``;
- :func:`per_class_saliency`: the vanilla map of one image for every class;
- :func:`smoothgrad`: Smilkov et al. (2017), the map averaged over noisy copies of ``x``;
- :func:`gradient_times_input`: ``x * d f_c / d x``;
- :func:`integrated_gradients`: Sundararajan et al. (2017),
  ``IG(x) = (x - x') * integral_0^1 grad f_c(x' + a (x - x')) da`` by a Riemann sum, with its
  completeness check (:func:`completeness_gap`: ``sum IG(x) = f_c(x) - f_c(x')``);
- :func:`sanity_check`: Adebayo et al. (2018), cascading model-parameter randomisation and the
  Spearman rank correlation (:func:`spearman`) of each map with the original.

Every function puts the model in evaluation mode while it works and gives every sub-module
its previous mode back afterwards; gradients are taken with :func:`torch.autograd.grad`, so
the parameters' ``.grad`` are never touched.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

Target = int | Sequence[int] | np.ndarray | torch.Tensor
SaliencyMethod = Callable[[nn.Module, torch.Tensor, torch.Tensor], torch.Tensor]

#: Integrated gradients' completeness holds to ``|gap| <= rtol * |f(x) - f(x')| + atol``. On the
#: course's CNN (fast-mode training, black baseline, 64 right-Riemann steps) the worst gap
#: measured was 1.6% of ``|f(x) - f(x')|`` over 200 test digits (0.14 for a difference of
#: ~8.5 on average); ``tests/test_saliency.py`` checks the tolerance on a briefly trained one.
COMPLETENESS_RTOL = 0.05
COMPLETENESS_ATOL = 0.05

RIEMANN_METHODS = ("left", "right", "middle")


# --------------------------------------------------------------------------- helpers


@contextmanager
def evaluating(model: nn.Module) -> Iterator[nn.Module]:
    """Put ``model`` (every sub-module) in eval mode inside the block; restore each mode after."""
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    modes = [(module, module.training) for module in model.modules()]
    model.eval()
    try:
        yield model
    finally:
        for module, training in modes:
            module.training = training


def as_images(x: torch.Tensor | np.ndarray, what: str = "x") -> torch.Tensor:
    """Check and return a floating batch of images ``(N, C, H, W)`` (NumPy arrays converted)."""
    if isinstance(x, np.ndarray):
        x = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    if not isinstance(x, torch.Tensor):
        raise ValueError(f"{what} must be a tensor of shape (N, C, H, W), got {type(x).__name__}")
    if x.ndim != 4:
        raise ValueError(f"{what} must have shape (N, C, H, W), got shape {tuple(x.shape)}")
    if not torch.is_floating_point(x):
        raise ValueError(f"{what} must hold floating-point values, got dtype {x.dtype}")
    if x.shape[0] == 0:
        raise ValueError(f"{what} is an empty batch (N = 0)")
    return x


def as_targets(target: Target, n: int, num_classes: int, device: torch.device) -> torch.Tensor:
    """Return the target classes as a ``(n,)`` int64 tensor, checking their range.

    ``target`` is one class for the whole batch (an int) or one class per image.
    """
    if isinstance(target, bool):
        raise ValueError("target must be a class index or one class index per image, got a bool")
    if isinstance(target, int | np.integer):
        t = torch.full((n,), int(target), dtype=torch.int64, device=device)
    else:
        t = torch.as_tensor(target, device=device)
        if t.ndim == 0:
            t = t.reshape(1).expand(n)
        if t.ndim != 1 or t.shape[0] != n:
            raise ValueError(
                f"target must be one class index or {n} of them (one per image), "
                f"got shape {tuple(t.shape)}"
            )
        if t.is_floating_point() or t.dtype == torch.bool:
            raise ValueError(f"target must hold integer class indices, got dtype {t.dtype}")
        t = t.to(torch.int64)
    if bool(((t < 0) | (t >= num_classes)).any()):
        raise ValueError(f"target classes must lie in 0..{num_classes - 1}, got {t.tolist()}")
    return t


def _scores_and_targets(
    model: nn.Module, x: torch.Tensor, target: Target
) -> tuple[torch.Tensor, torch.Tensor]:
    """Forward ``x``; return the target logits ``(N,)`` (with graph) and the targets ``(N,)``."""
    logits = model(x)
    if logits.ndim != 2 or logits.shape[0] != x.shape[0]:
        raise ValueError(
            f"the model must return logits of shape (N, classes) = ({x.shape[0]}, K), "
            f"got {tuple(logits.shape)}"
        )
    t = as_targets(target, x.shape[0], logits.shape[1], x.device)
    return logits.gather(1, t[:, None])[:, 0], t


def class_scores(model: nn.Module, x: torch.Tensor, target: Target) -> torch.Tensor:
    """The logits ``f_c(x)`` of the target classes, ``(N,)``, in eval mode, without a graph."""
    x = as_images(x)
    with evaluating(model), torch.no_grad():
        scores, _ = _scores_and_targets(model, x, target)
    return scores


# --------------------------------------------------------------------------- gradients


def input_gradients(model: nn.Module, x: torch.Tensor, target: Target) -> torch.Tensor:
    """``d f_c(x_n) / d x_n`` for every image, ``(N, C, H, W)``, in ONE backward pass.

    In eval mode the images of a batch do not interact, so the gradient of the SUM of the
    target logits with respect to the batch holds each image's own gradient.
    ``target``: one class, or ``(N,)`` classes (a different one per image is fine).
    """
    x = as_images(x)
    with evaluating(model), torch.enable_grad():
        leaf = x.detach().clone().requires_grad_(True)
        scores, _ = _scores_and_targets(model, leaf, target)
        (grad,) = torch.autograd.grad(scores.sum(), leaf)
    return grad.detach()


def vanilla_saliency(model: nn.Module, x: torch.Tensor, target: Target) -> torch.Tensor:
    """Simonyan et al.: ``M_ij = max_c |d f_target / d x_cij|``; x: (N, C, H, W) -> (N, H, W)."""
    return input_gradients(model, x, target).abs().amax(dim=1)


def per_class_saliency(
    model: nn.Module, image: torch.Tensor, classes: Sequence[int] | None = None
) -> torch.Tensor:
    """The vanilla map of ONE image for each class, ``(K, H, W)``, in one backward pass.

    ``image``: ``(C, H, W)`` or ``(1, C, H, W)``; ``classes``: default all of the model's.
    """
    if isinstance(image, torch.Tensor) and image.ndim == 3:
        image = image[None]
    image = as_images(image, "image")
    if image.shape[0] != 1:
        raise ValueError(f"image must be one image (C, H, W), got a batch of {image.shape[0]}")
    if classes is None:
        with evaluating(model), torch.no_grad():
            classes = range(model(image).shape[1])
    classes = list(classes)
    if not classes:
        raise ValueError("classes is empty")
    batch = image.expand(len(classes), *image.shape[1:])
    return vanilla_saliency(model, batch, classes)


def gradient_times_input(model: nn.Module, x: torch.Tensor, target: Target) -> torch.Tensor:
    """``x * d f_c / d x`` (signed), x: (N, C, H, W) -> (N, C, H, W)."""
    x = as_images(x)
    return input_gradients(model, x, target) * x.detach()


def smoothgrad(
    model: nn.Module,
    x: torch.Tensor,
    target: Target,
    noise_level: float = 0.15,
    samples: int = 25,
    batch_size: int = 2048,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """SmoothGrad: ``(1/S) sum_s |grad f_c(x + e_s)|``, ``e_s ~ N(0, sigma^2)``, max over channels.

    ``sigma = noise_level * (max(x_n) - min(x_n))`` per image (Smilkov et al. suggest 10-20%).
    Returns ``(N, H, W)``. Noisy copies are laid out image-major (the S copies of image 0,
    then of image 1, ...) and pushed through the model ``batch_size`` at a time; when all of
    them fit in one batch, the noise drawn from ``generator`` is the same as Captum's
    ``NoiseTunnel(Saliency)`` draws from a generator in the same state.
    """
    x = as_images(x).detach()
    if not noise_level >= 0:
        raise ValueError(f"noise_level must be >= 0, got {noise_level}")
    if int(samples) != samples or samples < 1:
        raise ValueError(f"samples must be a positive integer, got {samples}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    n = x.shape[0]
    flat = x.reshape(n, -1)
    sigma = noise_level * (flat.amax(dim=1) - flat.amin(dim=1))  # (N,)
    targets = torch.as_tensor(_target_list(target, n), device=x.device)
    total = torch.zeros_like(x)
    images_per_batch = max(1, batch_size // samples)
    for start in range(0, n, images_per_batch):
        stop = min(n, start + images_per_batch)
        chunk = x[start:stop].repeat_interleave(samples, dim=0)
        noise = torch.randn(chunk.shape, generator=generator, dtype=x.dtype, device=x.device)
        noisy = chunk + noise * sigma[start:stop].repeat_interleave(samples)[:, None, None, None]
        grads = input_gradients(model, noisy, targets[start:stop].repeat_interleave(samples))
        total[start:stop] = grads.abs().reshape(stop - start, samples, *x.shape[1:]).sum(dim=1)
    return (total / samples).amax(dim=1)


def _target_list(target: Target, n: int) -> list[int]:
    """One class per image, as a list (range checked later, once the model has answered)."""
    t = as_targets(target, n, num_classes=2**62, device=torch.device("cpu"))
    return t.tolist()


# --------------------------------------------------------------------------- integrated gradients


def riemann_alphas(steps: int, method: str = "right") -> torch.Tensor:
    """Points ``a_k`` in [0, 1] of a ``steps``-point Riemann sum (each with weight 1/steps).

    right: ``k/m, k = 1..m`` (the IG paper's sum); left: ``(k-1)/m``; middle: ``(k-1/2)/m``.
    """
    if int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps}")
    k = torch.arange(1, steps + 1, dtype=torch.float64)
    if method == "right":
        alphas = k / steps
    elif method == "left":
        alphas = (k - 1) / steps
    elif method == "middle":
        alphas = (k - 0.5) / steps
    else:
        raise ValueError(f"method must be one of {RIEMANN_METHODS}, got {method!r}")
    return alphas


def as_baseline(baseline: float | torch.Tensor | None, x: torch.Tensor) -> torch.Tensor:
    """The baseline ``x'`` broadcast to ``x``'s shape: None means all zeros, which in normalised
    MNIST is the mean grey, not the black background (that is ``(0 - mean) / std``)."""
    if baseline is None:
        return torch.zeros_like(x)
    if isinstance(baseline, int | float):
        return torch.full_like(x, float(baseline))
    b = torch.as_tensor(baseline, dtype=x.dtype, device=x.device)
    try:
        return torch.broadcast_to(b, x.shape).clone()
    except RuntimeError:
        raise ValueError(
            f"baseline of shape {tuple(b.shape)} does not broadcast to the inputs' shape "
            f"{tuple(x.shape)}"
        ) from None


def integrated_gradients(
    model: nn.Module,
    x: torch.Tensor,
    target: Target,
    baseline: float | torch.Tensor | None = None,
    steps: int = 64,
    method: str = "right",
    batch_size: int = 256,
) -> torch.Tensor:
    """``IG(x) = (x - x') * (1/m) sum_k grad f_c(x' + a_k (x - x'))``, (N, C, H, W).

    All ``N * steps`` points of all paths are stacked and pushed through the model in batches
    of ``batch_size`` rows (one backward pass each); ``method`` picks the ``a_k``
    (:func:`riemann_alphas`). Completeness: the attributions of an image sum to
    ``f_c(x) - f_c(x')`` up to the Riemann sum's error (:func:`completeness_gap`).
    """
    x = as_images(x).detach()
    if batch_size < 1:
        raise ValueError(f"batch_size must be positive, got {batch_size}")
    b = as_baseline(baseline, x)
    alphas = riemann_alphas(steps, method).to(dtype=x.dtype, device=x.device)
    targets = torch.as_tensor(_target_list(target, x.shape[0]), device=x.device)
    delta = x - b
    total = torch.zeros_like(x)
    rows = x.shape[0] * steps
    for start in range(0, rows, batch_size):
        index = torch.arange(start, min(rows, start + batch_size), device=x.device)
        image, k = index // steps, index % steps
        points = b[image] + alphas[k][:, None, None, None] * delta[image]
        grads = input_gradients(model, points, targets[image])
        total.index_add_(0, image, grads)
    return delta * total / steps


def score_difference(
    model: nn.Module, x: torch.Tensor, target: Target, baseline: float | torch.Tensor | None = None
) -> torch.Tensor:
    """``f_c(x) - f_c(x')`` per image, ``(N,)``: what integrated gradients must add up to."""
    x = as_images(x).detach()
    b = as_baseline(baseline, x)
    return class_scores(model, x, target) - class_scores(model, b, target)


def completeness_gap(
    model: nn.Module,
    x: torch.Tensor,
    target: Target,
    attributions: torch.Tensor,
    baseline: float | torch.Tensor | None = None,
) -> torch.Tensor:
    """``sum_i attr_i - (f_c(x) - f_c(x'))`` per image, ``(N,)``; zero for exact IG."""
    x = as_images(x)
    attributions = torch.as_tensor(attributions)
    if tuple(attributions.shape) != tuple(x.shape):
        raise ValueError(
            f"attributions must have the inputs' shape {tuple(x.shape)}, "
            f"got {tuple(attributions.shape)}"
        )
    sums = attributions.detach().reshape(x.shape[0], -1).sum(dim=1)
    return sums - score_difference(model, x, target, baseline)


def is_complete(
    model: nn.Module,
    x: torch.Tensor,
    target: Target,
    attributions: torch.Tensor,
    baseline: float | torch.Tensor | None = None,
    rtol: float = COMPLETENESS_RTOL,
    atol: float = COMPLETENESS_ATOL,
) -> torch.Tensor:
    """Per image: ``|gap| <= rtol * |f_c(x) - f_c(x')| + atol`` (a ``(N,)`` bool tensor)."""
    gap = completeness_gap(model, x, target, attributions, baseline)
    diff = score_difference(model, as_images(x), target, baseline)
    return gap.abs() <= rtol * diff.abs() + atol


# --------------------------------------------------------------------------- sanity check


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n of a 1-D array, ties sharing the mean of their ranks (as Spearman needs)."""
    values = np.asarray(values)
    if values.ndim != 1:
        raise ValueError(f"expected a 1-D array, got shape {values.shape}")
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(values.size, dtype=np.int64)
    ranks[order] = np.arange(values.size)
    ordered = values[order]
    new_value = np.r_[True, ordered[1:] != ordered[:-1]]
    group = np.cumsum(new_value)[ranks]  # 1-based group of each element
    bounds = np.r_[np.flatnonzero(new_value), values.size]  # first index of each group
    return 0.5 * (bounds[group - 1] + bounds[group] + 1)


def spearman(a: np.ndarray | torch.Tensor, b: np.ndarray | torch.Tensor) -> float:
    """Spearman's rank correlation of two maps (flattened): Pearson's r of their average ranks.

    NaN when either map is constant (its ranks have no spread).
    """
    a = _flat_numpy(a, "a")
    b = _flat_numpy(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"the two maps must have the same size, got {a.size} and {b.size}")
    if a.size < 2:
        raise ValueError("a rank correlation needs at least two values")
    ra, rb = average_ranks(a), average_ranks(b)
    ra -= ra.mean()
    rb -= rb.mean()
    denominator = np.sqrt((ra * ra).sum() * (rb * rb).sum())
    if denominator == 0:
        return float("nan")
    return float((ra * rb).sum() / denominator)


def _flat_numpy(value: np.ndarray | torch.Tensor, what: str) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    array = np.asarray(value, dtype=np.float64).reshape(-1)
    if not np.isfinite(array).all():
        raise ValueError(f"map {what} contains NaN or infinity")
    return array


def parameter_layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """The modules that own parameters directly, in the order the model registers them."""
    return [
        (name, module)
        for name, module in model.named_modules()
        if any(True for _ in module.parameters(recurse=False))
    ]


def reinitialise(module: nn.Module) -> None:
    """Give ``module``'s own parameters fresh random values (its ``reset_parameters`` if any)."""
    if hasattr(module, "reset_parameters"):
        module.reset_parameters()
        return
    with torch.no_grad():
        for p in module.parameters(recurse=False):
            p.normal_(0.0, 0.1)


@dataclass
class SanityCheckResult:
    """Cascading randomisation: ``steps[0]`` is the trained model, then one more layer each.

    ``correlations[s, n]``: Spearman's rho between image ``n``'s map after step ``s`` and its
    original map; ``maps[s]``: the maps after step ``s``, ``(N, H, W)``.
    """

    steps: list[str]
    correlations: np.ndarray
    maps: np.ndarray

    def mean(self) -> np.ndarray:
        """Mean correlation over the images at each step, ``(S,)``."""
        return np.nanmean(self.correlations, axis=1)


def sanity_check(
    model: nn.Module,
    x: torch.Tensor,
    target: Target,
    method: SaliencyMethod = vanilla_saliency,
    seed: int = 0,
    progress: bool = False,
) -> SanityCheckResult:
    """Adebayo et al. (2018): randomise the layers from the top (output) down, cumulatively.

    After each layer is re-initialised (on a copy; ``model`` is untouched) the maps of ``x``
    for ``target`` are recomputed by ``method(model, x, target) -> (N, H, W)`` and compared
    with the trained model's maps by Spearman's rank correlation. A map that explains the
    model must change (rho falls towards 0) as its weights are destroyed. The re-initialisation
    uses its own random stream (``seed``); the global one is left as it was. ``method``
    receives the targets as an ``(N,)`` int64 tensor; ``progress`` shows a bar over the layers.
    """
    from tqdm.auto import tqdm

    x = as_images(x).detach()
    targets = torch.as_tensor(_target_list(target, x.shape[0]), device=x.device)
    original = method(model, x, targets).detach().cpu().numpy()
    if original.shape[0] != x.shape[0]:
        raise ValueError(f"method must return one map per image, got shape {original.shape}")
    randomised = copy.deepcopy(model)
    steps = ["trained"]
    all_maps = [original]
    layers = parameter_layers(randomised)
    if not layers:
        raise ValueError("the model has no parameters to randomise")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        for name, module in tqdm(
            layers[::-1], desc="randomising", unit="layer", disable=not progress
        ):
            reinitialise(module)
            steps.append(name)
            all_maps.append(method(randomised, x, targets).detach().cpu().numpy())
    maps = np.stack(all_maps)
    correlations = np.array(
        [[spearman(step_maps[i], original[i]) for i in range(x.shape[0])] for step_maps in maps]
    )
    return SanityCheckResult(steps=steps, correlations=correlations, maps=maps)


# --------------------------------------------------------------------------- a model for tests


def probe_model(
    in_channels: int = 1, size: int = 12, classes: int = 10, seed: int = 0
) -> nn.Module:
    """A small random CNN with batch norm and dropout, for tests; input ``(N, C, size, size)``.

    Its batch-norm statistics are non-trivial and it has dropout, so running it in training
    mode really changes its output (an answer that forgets ``model.eval()`` is caught).
    Returned in training mode, as a freshly built module is.
    """
    if size < 4:
        raise ValueError(f"size must be at least 4, got {size}")
    generator = torch.Generator().manual_seed(seed)
    side = (size - 2) // 2
    model = nn.Sequential(
        nn.Conv2d(in_channels, 6, 3),
        nn.BatchNorm2d(6),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.3),
        nn.Linear(6 * side * side, 16),
        nn.Tanh(),
        nn.Linear(16, classes),
    )
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape, generator=generator) * (1.0 / max(1, p[0].numel()) ** 0.5))
        bn = model[1]
        bn.running_mean.copy_(torch.randn(6, generator=generator) * 0.2)
        bn.running_var.copy_(torch.rand(6, generator=generator) + 0.5)
    return model
