"""Training a CNN on MNIST: the slides' network, a training loop on tensors, evaluation.

    data = load_mnist()
    train, test = as_tensors(data.train_images, data.train_labels), as_tensors(...)
    model = SlidesNet()
    history = fit(model, train, test, BEST_RECIPE)
    loss, accuracy = evaluate(model, *test)

The whole dataset is kept as tensors on the device (a few hundred MB at most for MNIST), so an
epoch is a loop over shuffled index slices, with no per-item data loader. Images are
normalised with MNIST's mean and standard deviation and stored ``channels_last``, which makes
the small convolutions about twice as fast on a CPU.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course import shared_files
from course.device import get_device, native_bfloat16, to_device
from course.threads import ThreadGovernor

MNIST_MEAN = 0.1307
MNIST_STD = 0.3081

TrainStep = Callable[[nn.Module, torch.optim.Optimizer, torch.Tensor, torch.Tensor], float]


class SlidesNet(nn.Module):
    """The lecture's LeNet-style network on 28 x 28 digits (60,074 parameters).

    x: (N, 1, 28, 28) -> conv 3x3 (6) -> ReLU -> max-pool 2 -> (N, 6, 13, 13)
    -> conv 3x3 (16) -> ReLU -> max-pool 2 -> (N, 16, 5, 5) -> flatten (N, 400)
    -> fc 120 -> ReLU -> fc 84 -> ReLU -> fc 10: logits (N, 10) (no softmax: the loss takes logits).

    ``forward`` pools before the ReLU: max(relu(a), relu(b)) = relu(max(a, b)) since both are
    increasing, so outputs and gradients are the slides' exactly, and the ReLU (forward and
    backward) touches a quarter as many numbers (about 5% of a training step on two CPU cores).
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(F.max_pool2d(self.conv1(x), 2))  # = max-pool of the ReLU (see above)
        x = F.relu(F.max_pool2d(self.conv2(x), 2))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def mlp_parameters(sizes: list[int]) -> int:
    """Parameters of a fully connected network with layer widths ``sizes`` (weights + biases)."""
    if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
        raise ValueError(f"need at least two positive layer sizes, got {sizes}")
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=False))


def as_tensors(
    images: np.ndarray,
    labels: np.ndarray,
    device: torch.device | str | None = None,
    channels_last: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Digits as training tensors on ``device``.

    images: (N, 28, 28) uint8 -> x: (N, 1, 28, 28) float32, x = (images / 255 - mean) / std;
    labels: (N,) -> y: (N,) int64. The uint8 bytes are moved first (4x less traffic), then
    converted on the device.
    """
    images = np.asarray(images)
    labels = np.asarray(labels)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"images must be (N, H, W) uint8, got {images.shape} {images.dtype}")
    if labels.shape != (len(images),):
        raise ValueError(f"{len(images)} images but labels of shape {labels.shape}")
    device = get_device(device)
    (x, y) = to_device(
        torch.from_numpy(images), torch.from_numpy(labels.astype(np.int64)), device=device
    )
    x = (x.unsqueeze(1).float().div_(255.0) - MNIST_MEAN) / MNIST_STD
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    return x, y


def train_step(
    model: nn.Module, optimizer: torch.optim.Optimizer, images: torch.Tensor, labels: torch.Tensor
) -> float:
    """One step of gradient descent on a batch; returns the batch's mean loss.

    images: (B, 1, 28, 28), labels: (B,). loss = mean_i -log softmax(model(x_i))[y_i]
    (cross-entropy on the logits); then zero the old gradients, back-propagate, update.
    """
    model.train()
    optimizer.zero_grad()
    logits = model(images)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    optimizer.step()
    return loss.item()


@torch.no_grad()
def predict(model: nn.Module, images: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    """Logits (N, 10) of ``model`` in evaluation mode, computed in batches without gradients."""
    was_training = model.training
    model.eval()
    try:
        return torch.cat(
            [model(images[i : i + batch_size]) for i in range(0, len(images), batch_size)]
        )
    finally:
        model.train(was_training)


def evaluate(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch_size: int = 1024
) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy (fraction in [0, 1]) of ``model`` on a labelled set.

    Runs in evaluation mode (dropout off, batch-norm statistics frozen) without gradients;
    the loss is averaged over examples, not over batches.
    """
    if len(images) != len(labels) or len(images) == 0:
        raise ValueError(
            f"need as many labels as images (> 0), got {len(images)} and {len(labels)}"
        )
    logits = predict(model, images, batch_size)
    loss = F.cross_entropy(logits, labels, reduction="sum").item() / len(labels)
    accuracy = (logits.argmax(dim=1) == labels).sum().item() / len(labels)
    return loss, accuracy


def confusion_matrix(predictions, labels, num_classes: int = 10) -> np.ndarray:
    """Counts C: (K, K) int64 with C[i, j] = number of examples of true class i predicted as j.

    predictions, labels: (N,) integers in 0..K-1 (NumPy arrays, lists or tensors).
    """
    pred = np.asarray(predictions.cpu() if hasattr(predictions, "cpu") else predictions)
    true = np.asarray(labels.cpu() if hasattr(labels, "cpu") else labels)
    if pred.shape != true.shape or pred.ndim != 1:
        raise ValueError(
            f"predictions {pred.shape} and labels {true.shape} must be equal 1-D shapes"
        )
    for name, values in (("predictions", pred), ("labels", true)):
        if values.size and (values.min() < 0 or values.max() >= num_classes):
            raise ValueError(f"{name} must lie in 0..{num_classes - 1}")
    flat = true.astype(np.int64) * num_classes + pred.astype(np.int64)
    return np.bincount(flat, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def confident_mistakes(
    logits, labels, count: int = 16
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The ``count`` wrong predictions made with the highest softmax probability.

    logits: (N, K), labels: (N,). Returns (index, predicted class, confidence), each (M,),
    M <= count, most confident first.
    """
    logits = torch.as_tensor(logits).detach().float().cpu()
    labels = torch.as_tensor(labels).cpu()
    if logits.ndim != 2 or labels.shape != (logits.shape[0],):
        raise ValueError(
            f"expected logits (N, K) and labels (N,), got {tuple(logits.shape)} and {tuple(labels.shape)}"
        )
    confidence, predicted = logits.softmax(dim=1).max(dim=1)
    wrong = torch.nonzero(predicted != labels).flatten()
    order = wrong[confidence[wrong].argsort(descending=True)][:count]
    return order.numpy(), predicted[order].numpy(), confidence[order].numpy()


@dataclass
class History:
    """Per-epoch record of a training run (losses are mean cross-entropy, accuracies in [0, 1])."""

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # training time of each epoch
    threads: list[int] = field(default_factory=list)  # CPU threads at each epoch's end (0: GPU)

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    @property
    def train_seconds(self) -> float:
        return float(sum(self.seconds))

    def __str__(self) -> str:
        rows = ["epoch  train loss  train acc  test loss  test acc  seconds"]
        for i in range(self.epochs):
            rows.append(
                f"{i + 1:5d}  {self.train_loss[i]:10.4f}  {self.train_accuracy[i]:9.2%}  "
                f"{self.test_loss[i]:9.4f}  {self.test_accuracy[i]:8.2%}  {self.seconds[i]:7.1f}"
            )
        return "\n".join(rows)


@dataclass(frozen=True)
class Recipe:
    """How to train: AdamW with a one-cycle learning-rate schedule on shuffled mini-batches.

    ``mixed_precision``: run each step under ``torch.autocast`` in bfloat16 where the CPU
    computes it natively (:func:`course.device.native_bfloat16`; about 15% faster per epoch on
    such a CPU, same accuracy); float32 everywhere else, GPUs included.
    """

    epochs: int = 3
    batch_size: int = 192
    max_lr: float = 1.2e-2
    weight_decay: float = 0.0
    mixed_precision: bool = True

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1:
            raise ValueError(
                f"epochs and batch_size must be >= 1, got {self.epochs}, {self.batch_size}"
            )
        if not self.max_lr > 0 or self.weight_decay < 0:
            raise ValueError(
                f"need max_lr > 0 and weight_decay >= 0, got {self.max_lr}, {self.weight_decay}"
            )


#: The course's recipe for SlidesNet: about 99.0% test accuracy on the full MNIST in 3 epochs of
#: one cycle (float32, seeds 0 / 1 / 2: 98.99 / 99.07 / 99.05%, 2.1-2.6 s per epoch on two cores).
#: On two Xeon cores with AMX, in bfloat16: 99.01 / 99.03 / 99.16 / 99.08 / 99.01% (seeds 0-4),
#: 6-7 s of training (benchmarks/time_to_99.py). Chosen on these cores: 5 epochs of batch 256 at
#: 5e-3 reach 99.1% but need 4 epochs (8-9 s) for 99.0%; 3 epochs of 256 at 1e-2 or 1.5e-2 stop at
#: 98.9-99.0%, and batches of 128 are as accurate but 30% slower per epoch.
BEST_RECIPE = Recipe()
#: What fast (grading) mode uses on the shipped sample: a couple of seconds on a CPU; float32,
#: so that a grade never depends on the grading machine's processor.
FAST_RECIPE = Recipe(epochs=2, batch_size=128, max_lr=4e-3, mixed_precision=False)


def fit(
    model: nn.Module,
    train: tuple[torch.Tensor, torch.Tensor],
    test: tuple[torch.Tensor, torch.Tensor],
    recipe: Recipe = BEST_RECIPE,
    step: TrainStep = train_step,
    progress: bool = True,
    seed: int | None = 0,
    on_epoch: Callable[[int, History], None] | None = None,
) -> History:
    """Train ``model`` in place with ``recipe``, calling ``step`` once per mini-batch.

    train, test: (x: (N, 1, 28, 28), y: (N,)) tensors already on the model's device (see
    :func:`as_tensors`). After each epoch the test set and as many training digits as the test set holds are
    evaluated; their time is not counted in ``History.seconds``. ``on_epoch(epoch, history)``
    is called after each epoch (e.g. to stop a benchmark: raise StopIteration).
    """
    from tqdm.auto import tqdm

    x_train, y_train = train
    x_test, y_test = test
    device = x_train.device
    if next(model.parameters()).device != device:
        raise ValueError(
            f"the model is on {next(model.parameters()).device} but the data on {device}: "
            "move both with the same device (course.device.get_device())"
        )
    if x_train.is_contiguous(memory_format=torch.channels_last) and x_train.dim() == 4:
        model.to(memory_format=torch.channels_last)
    n = len(x_train)
    steps_per_epoch = math.ceil(n / recipe.batch_size)
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=recipe.max_lr, weight_decay=recipe.weight_decay
    )
    total_steps = recipe.epochs * steps_per_epoch
    if total_steps >= 4:  # warm up for a quarter of the steps (at least 2), then anneal
        schedule = torch.optim.lr_scheduler.OneCycleLR(
            optimizer,
            max_lr=recipe.max_lr,
            total_steps=total_steps,
            pct_start=max(0.25, 2 / total_steps),
        )
    else:  # too few steps for a cycle: a constant rate
        schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    generator = torch.Generator().manual_seed(seed) if seed is not None else None
    precision = (
        torch.autocast("cpu", dtype=torch.bfloat16)
        if recipe.mixed_precision and native_bfloat16(device)
        else contextlib.nullcontext()
    )
    history = History()
    governor = ThreadGovernor() if device.type == "cpu" else None  # fewer threads when shared
    monitor = slice(0, min(n, len(x_test)))
    bar = tqdm(
        total=recipe.epochs * steps_per_epoch, desc="training", unit="batch", disable=not progress
    )
    try:
        for epoch in range(recipe.epochs):
            start = time.perf_counter()
            order = torch.randperm(n, generator=generator).to(device)
            total = 0.0
            for i in range(steps_per_epoch):
                index = order[i * recipe.batch_size : (i + 1) * recipe.batch_size]
                with precision:
                    loss = step(model, optimizer, x_train[index], y_train[index])
                schedule.step()
                total += float(loss) * len(index)
                bar.update(1)
                if governor is not None:
                    governor.update()
                if i % 20 == 0:
                    bar.set_postfix(epoch=epoch + 1, loss=f"{float(loss):.3f}")
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            history.seconds.append(time.perf_counter() - start)
            history.threads.append(torch.get_num_threads() if governor is not None else 0)
            history.train_loss.append(total / n)
            history.train_accuracy.append(evaluate(model, x_train[monitor], y_train[monitor])[1])
            test_loss, test_accuracy = evaluate(model, x_test, y_test)
            history.test_loss.append(test_loss)
            history.test_accuracy.append(test_accuracy)
            bar.set_postfix(epoch=epoch + 1, test_acc=f"{test_accuracy:.2%}")
            if on_epoch is not None:
                on_epoch(epoch, history)
    except StopIteration:
        pass
    finally:
        bar.close()
        if governor is not None:
            governor.restore()
    return history


#: A folder of models trained ahead of time (the grader's, shared read-only by every kernel).
MODELS_ENV = "NN_COURSE_MODELS"


def model_cache_dir() -> Path:
    """Where trained models are kept: ``$NN_COURSE_MODELS`` when set (the grader trains one
    model per class there), else ``$XDG_CACHE_HOME/nn-course/models`` (``~/.cache/...``)."""
    shared = os.environ.get(MODELS_ENV)
    if shared:
        return Path(shared)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nn-course" / "models"


def save_model(model: nn.Module, path: str | os.PathLike[str], **meta: object) -> Path:
    """Save ``model``'s weights (and ``meta``: accuracy, data, ...) atomically to ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            torch.save({"class": type(model).__name__, "state_dict": state, "meta": meta}, out)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def load_model(
    path: str | os.PathLike[str],
    model: nn.Module | None = None,
    device: torch.device | str | None = None,
) -> nn.Module:
    """Load weights saved by :func:`save_model` into ``model`` (default a new SlidesNet).

    Returns the model on ``device`` (default :func:`course.device.get_device`) in evaluation
    mode; its ``meta`` attribute holds what was saved with it.
    """
    saved = torch.load(Path(path), map_location="cpu", weights_only=True)
    if not isinstance(saved, dict) or "state_dict" not in saved:
        raise ValueError(f"{path} was not written by course.cnn.save_model")
    model = model if model is not None else SlidesNet()
    model.load_state_dict(saved["state_dict"])
    model.meta = dict(saved.get("meta", {}))
    return model.to(get_device(device)).eval()


def trained_model(
    path: str | os.PathLike[str] | None = None,
    device: torch.device | str | None = None,
    fast: bool | None = None,
    progress: bool = True,
) -> SlidesNet:
    """A SlidesNet trained on MNIST: loaded from ``path`` (default the model cache) or trained.

    When nothing is saved yet it trains one with :data:`BEST_RECIPE` on :func:`load_mnist`
    (about 7 s on a laptop CPU), or in fast mode (``course.runmode.fast_mode()``) with
    :data:`FAST_RECIPE` on the shipped sample (a second or two), and saves it for next time.
    A model trained on the sample because the full set was unavailable is not saved as the
    full one; a saved file that does not load into a SlidesNet is replaced. Notebook 05 saves
    the student's network there once it reaches 98.5% on the full set. Returned in evaluation
    mode on ``device``.
    """
    from course import runmode
    from course.mnist import load_mnist, load_sample

    fast = runmode.fast_mode() if fast is None else fast
    default = model_cache_dir() / (shared_files.FAST_MODEL if fast else "slides_net.pt")
    target = Path(path) if path is not None else default
    if target.is_file():
        try:
            return load_model(target, SlidesNet(), device)
        except Exception:  # noqa: BLE001 - unreadable or another architecture: train anew
            pass
    device = get_device(device)
    data = load_sample() if fast else load_mnist()
    train = as_tensors(data.train_images, data.train_labels, device)
    test = as_tensors(data.test_images, data.test_labels, device)
    torch.manual_seed(0)
    model = SlidesNet().to(device)
    recipe = FAST_RECIPE if fast else BEST_RECIPE
    history = fit(model, train, test, recipe, progress=progress)
    meta = {
        "data": data.source,
        "is_sample": data.is_sample,
        "epochs": recipe.epochs,
        "test_accuracy": history.test_accuracy[-1],
    }
    if fast or not data.is_sample or path is not None:
        try:
            save_model(model, target, **meta)
        except OSError:
            pass  # a read-only cache (a grading sandbox) only means training again next time
    model.meta = meta
    return model.eval()
