"""Over-fitting a small training set, and what weight decay and dropout change (notebook 05).

SlidesNet trained on :data:`TRAIN_SIZE` digits of the shipped sample for :data:`EPOCHS` epochs
(AdamW, one-cycle, batch 50, seed 0) learns every training digit, while its test loss, after
a minimum, climbs again: it over-fits. Three runs, each measured on the sample's 2,000 test
digits after every epoch (:data:`RUNS`):

- no regularisation;
- weight decay: AdamW's decoupled decay, each step theta <- (1 - lr * lambda) theta before
  Adam's update (lambda = 1.0 here; ``cnn.BEST_RECIPE`` uses 0.0 on the full set);
- dropout: inverted dropout with p = 0.5 after fc1 and fc2 (:class:`DropoutSlidesNet`).

The curves are computed once (about 15 s on one core) and cached as JSON beside the trained
models (:func:`course.cnn.model_cache_dir`; a grading class builds them once into its shared
folder), so every kernel shows the same numbers.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import torch
import torch.nn.functional as F

from course import cnn, mnist, shared_files

TRAIN_SIZE = 500
EPOCHS = 40
BATCH_SIZE = 50
MAX_LR = 3e-3
#: name -> (dropout probability, AdamW weight decay)
RUNS = {"no regularisation": (0.0, 0.0), "weight decay 1.0": (0.0, 1.0), "dropout 0.5": (0.5, 0.0)}
RESULTS_FILE = shared_files.OVERFITTING_CURVES
FORMAT = 1


class DropoutSlidesNet(cnn.SlidesNet):
    """SlidesNet with inverted dropout (probability ``p``) after fc1's and fc2's ReLU; the same
    parameters, and with p = 0 the same function. x: (N, 1, 28, 28) -> logits (N, 10)."""

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"the drop probability p must lie in [0, 1), got {p}")
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.dropout(F.relu(self.fc1(x)), self.p, self.training)
        x = F.dropout(F.relu(self.fc2(x)), self.p, self.training)
        return self.fc3(x)


def run(p: float, weight_decay: float, progress: bool = False) -> cnn.History:
    """One run of the experiment on the CPU: SlidesNet (dropout ``p``) on :data:`TRAIN_SIZE`
    sample digits, AdamW with ``weight_decay``; the History of every epoch."""
    data = mnist.load_sample()
    train = cnn.as_tensors(data.train_images[:TRAIN_SIZE], data.train_labels[:TRAIN_SIZE], "cpu")
    test = cnn.as_tensors(data.test_images, data.test_labels, "cpu")
    torch.manual_seed(0)
    model = DropoutSlidesNet(p)
    recipe = cnn.Recipe(
        epochs=EPOCHS,
        batch_size=BATCH_SIZE,
        max_lr=MAX_LR,
        weight_decay=weight_decay,
        mixed_precision=False,
    )
    return cnn.fit(model, train, test, recipe, progress=progress, seed=0)


def regularisation_curves(
    path: str | os.PathLike[str] | None = None, progress: bool = False
) -> dict[str, dict[str, list[float]]]:
    """name of run -> {"train_loss", "train_accuracy", "test_loss", "test_accuracy"}: one
    value per epoch, for each of :data:`RUNS`. Read from ``path`` (default: the model cache)
    or computed there once."""
    target = Path(path) if path is not None else cnn.model_cache_dir() / RESULTS_FILE
    if target.is_file():
        try:
            saved = json.loads(target.read_text(encoding="utf-8"))
            if saved.get("format") == FORMAT and set(saved["runs"]) == set(RUNS):
                return saved["runs"]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # unreadable or of another format: compute anew
    with torch.random.fork_rng():
        histories = {name: run(p, wd, progress) for name, (p, wd) in RUNS.items()}
    runs = {
        name: {
            key: [float(v) for v in getattr(h, key)]
            for key in ("train_loss", "train_accuracy", "test_loss", "test_accuracy")
        }
        for name, h in histories.items()
    }
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"format": FORMAT, "runs": runs}), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        pass  # a read-only cache (a grading kernel's shared folder): the curves are still right
    return runs
