"""nn-course support library: reference implementations, data, training, plots and checkers.

Each topic module mirrors one notebook (``neurons``, ``layers``, ``activations``,
``convolution``, ``cnn``, ``saliency``); ``checks``, ``runmode``, ``plots``, ``device`` and
``widgets`` are the shared infrastructure.
"""

from __future__ import annotations

import random

__version__ = "0.1.0"

SEED = 0


def seed_everything(seed: int = SEED) -> None:
    """Seed Python, NumPy and (when installed) torch for reproducible runs."""
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency, but keep import light
        return
    torch.manual_seed(seed)


def setup(seed: int = SEED, quiet: bool = False) -> None:
    """First call of every notebook: seed everything and say which run mode is on."""
    from course import runmode

    seed_everything(seed)
    if not quiet:
        print(runmode.describe())
