"""Plots for notebook 05: training curves, confusion matrix, misclassified digits, filters.

Every function draws on a :class:`matplotlib.figure.Figure` it returns, so it works inline in a
notebook (the figure is the cell's value) and off-screen in tests.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from matplotlib.figure import Figure

from course.cnn import History


def _numpy(value) -> np.ndarray:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


def plot_history(history: History) -> Figure:
    """Loss and accuracy per epoch, training and test, side by side."""
    if history.epochs == 0:
        raise ValueError("the history is empty: train for at least one epoch first")
    epochs = np.arange(1, history.epochs + 1)
    fig = Figure(figsize=(10, 3.6), layout="constrained")
    loss_ax, acc_ax = fig.subplots(1, 2)
    loss_ax.plot(epochs, history.train_loss, "o-", label="training (mean over the epoch)")
    loss_ax.plot(epochs, history.test_loss, "s-", label="test (end of epoch)")
    loss_ax.set(xlabel="epoch", ylabel="cross-entropy loss", title="Loss")
    loss_ax.set_yscale("log")
    acc_ax.plot(epochs, 100 * np.asarray(history.train_accuracy), "o-", label="training")
    acc_ax.plot(epochs, 100 * np.asarray(history.test_accuracy), "s-", label="test")
    acc_ax.set(xlabel="epoch", ylabel="accuracy (%)", title="Accuracy")
    for ax in (loss_ax, acc_ax):
        ax.grid(alpha=0.3)
        ax.legend()
        ax.set_xticks(epochs)
    return fig


def plot_confusion_matrix(matrix, title: str = "Confusion matrix") -> Figure:
    """Counts (K, K), rows = true class, columns = predicted class, numbers written in."""
    counts = _numpy(matrix)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"expected a square matrix, got shape {counts.shape}")
    k = counts.shape[0]
    fig = Figure(figsize=(5.6, 5), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(np.log1p(counts), cmap="Blues")
    threshold = np.log1p(counts).max() / 2
    for i in range(k):
        for j in range(k):
            if counts[i, j]:
                colour = "white" if np.log1p(counts[i, j]) > threshold else "black"
                weight = "normal" if i == j else "bold"
                ax.text(j, i, str(int(counts[i, j])), ha="center", va="center", fontsize=7,
                        color=colour, fontweight=weight)  # fmt: skip
    ax.set(xticks=range(k), yticks=range(k), xlabel="predicted", ylabel="true", title=title)
    fig.colorbar(image, ax=ax, shrink=0.8, label="log(1 + count)")
    return fig


def plot_digits(images, titles: list[str], columns: int = 8, suptitle: str | None = None) -> Figure:
    """A grid of grey-level digits (N, 28, 28) with a title each."""
    images = _numpy(images)
    if images.ndim == 4:
        images = images[:, 0]
    n = len(images)
    if n == 0:
        raise ValueError("no digits to show")
    rows = math.ceil(n / columns)
    fig = Figure(figsize=(1.3 * columns, 1.5 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, columns)).ravel()
    for ax in axes:
        ax.axis("off")
    for ax, image, title in zip(axes, images, titles, strict=False):
        ax.imshow(image, cmap="gray_r")
        ax.set_title(title, fontsize=8)
    if suptitle:
        fig.suptitle(suptitle)
    return fig


def plot_misclassified(images, labels, logits, count: int = 16) -> Figure:
    """The ``count`` most confidently wrong predictions: true label, prediction, confidence."""
    from course.cnn import confident_mistakes

    index, predicted, confidence = confident_mistakes(logits, labels, count)
    if len(index) == 0:
        raise ValueError("there is no misclassified digit to show")
    labels = _numpy(labels)
    titles = [
        f"true {labels[i]} → {p}\n{c:.0%} sure"
        for i, p, c in zip(index, predicted, confidence, strict=True)
    ]
    return plot_digits(_numpy(images)[index], titles, suptitle="Most confident mistakes")


def plot_filters(weight, title: str = "First-layer filters") -> Figure:
    """Convolution kernels (C_out, C_in, kh, kw), one panel each (first input channel).

    Red is a positive weight, blue a negative one, on a scale symmetric around zero.
    """
    weights = _numpy(weight)
    if weights.ndim != 4:
        raise ValueError(f"expected conv weights (C_out, C_in, kh, kw), got shape {weights.shape}")
    kernels = weights[:, 0]
    limit = float(np.abs(kernels).max()) or 1.0
    n = len(kernels)
    fig = Figure(figsize=(1.4 * n, 1.8), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, n))
    for i, (ax, kernel) in enumerate(zip(axes, kernels, strict=True)):
        image = ax.imshow(kernel, cmap="seismic", vmin=-limit, vmax=limit)
        ax.set_title(f"filter {i}", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(image, ax=list(axes), shrink=0.8)
    fig.suptitle(title)
    return fig
