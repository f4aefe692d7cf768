"""The data-randomisation test (Adebayo et al. 2018, the second sanity check): a network that
memorised *shuffled* labels has learned nothing about digits, so an explanation of what a
network learned should look different for it.

:func:`shuffled_labels_model` trains a SlidesNet on :data:`SUBSET` training digits of the
shipped sample whose labels were permuted (seed 0) until it has memorised them (about 99% on
those digits after :data:`EPOCHS` epochs, 10-20 s on a laptop CPU; cached like
:func:`course.cnn.trained_model`). :func:`data_randomisation` compares a method's maps of the
real and of the shuffled network, image by image, by Spearman's rank correlation: near 1 means
the method does not depend on what the network learned.

    maps: method(model, x (N, C, H, W), target) -> (N, H, W);  rho: (N,)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course import shared_files

#: Training digits the shuffled network memorises, its epochs, batch size and learning rate.
SUBSET = 1000
EPOCHS = 40
BATCH_SIZE = 50
LEARNING_RATE = 2e-3
#: The cached model's file name (in :func:`course.cnn.model_cache_dir`).
MODEL_FILE = shared_files.SHUFFLED_MODEL


def shuffled_labels() -> tuple[np.ndarray, np.ndarray]:
    """The first :data:`SUBSET` training digits of the shipped sample (N, 28, 28) uint8, and
    their labels permuted with seed 0 (N,): the same class counts, no relation to the digits."""
    from course.mnist import load_sample

    data = load_sample()
    images = data.train_images[:SUBSET]
    labels = np.random.default_rng(0).permutation(data.train_labels[:SUBSET])
    return images, labels


def shuffled_labels_model(
    path: str | os.PathLike[str] | None = None,
    device: torch.device | str | None = None,
    progress: bool = False,
) -> nn.Module:
    """A SlidesNet that memorised :func:`shuffled_labels` (Adam, :data:`EPOCHS` epochs, seed 0),
    in evaluation mode: loaded from ``path`` (default the model cache) or trained there once.
    ``model.meta["train_accuracy"]``: how much of the shuffled labels it memorised."""
    from tqdm.auto import tqdm

    from course import cnn

    target = Path(path) if path is not None else cnn.model_cache_dir() / MODEL_FILE
    if target.is_file():
        try:
            return cnn.load_model(target, cnn.SlidesNet(), device)
        except Exception:  # noqa: BLE001 - unreadable or another architecture: train anew
            pass
    device = cnn.get_device(device)
    images, labels = shuffled_labels()
    x, y = cnn.as_tensors(images, labels, device)
    torch.manual_seed(0)
    model = cnn.SlidesNet().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    order = torch.Generator().manual_seed(0)
    for _ in tqdm(range(EPOCHS), desc="memorising shuffled labels", disable=not progress):
        model.train()
        for batch in torch.randperm(len(x), generator=order).split(BATCH_SIZE):
            batch = batch.to(device)
            optimizer.zero_grad()
            F.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()
    model.zero_grad(set_to_none=True)
    accuracy = float((cnn.predict(model, x).argmax(dim=1) == y).float().mean())
    meta = {"data": f"{SUBSET} sample digits, shuffled labels", "train_accuracy": accuracy}
    try:
        cnn.save_model(model, target, **meta)
    except OSError:
        pass  # a read-only cache (a grading sandbox) only means training again next time
    model.meta = meta
    return model.eval()


def data_randomisation(
    method: Callable[[nn.Module, torch.Tensor, object], torch.Tensor],
    model: nn.Module,
    shuffled: nn.Module,
    x: torch.Tensor,
    target: object,
) -> np.ndarray:
    """Spearman's rho, image by image, of ``method``'s maps of ``model`` and of ``shuffled``
    for the same digits and targets: (N,) float64."""
    from course.saliency import spearman

    mine, theirs = method(model, x, target), method(shuffled, x, target)
    return np.array([spearman(a, b) for a, b in zip(mine, theirs, strict=True)])
