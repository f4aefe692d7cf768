"""Cut the MNIST sample the package ships (``course/data/mnist_sample.npz``).

How it is made (deterministic, so anyone can check it):

1. read the four official files (verified by SHA-256, see ``course.mnist.FILES``) from the
   folder given as the first argument (default ``../shared/data/mnist``);
2. for each split, draw one random permutation of the indices with
   ``numpy.random.default_rng(SEED)`` (SEED = 20261122; NumPy's PCG64 generator is stable
   across versions) and keep, for each digit 0..9, the first ``PER_CLASS`` indices of that
   permutation carrying that label (1,000 per digit for training, 200 for test: a stratified
   subset of 10,000 and 2,000 digits);
3. sort the kept indices (the sample keeps the original order) and store the images (uint8),
   the labels (uint8) and the original indices (``train_index``, ``test_index``) with
   ``numpy.savez_compressed``.

    python scripts/make_mnist_sample.py [MNIST_FOLDER] [--out course/data/mnist_sample.npz]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from course.mnist import SAMPLE_PATH, read_mnist_folder

SEED = 20261122
PER_CLASS = {"train": 1000, "test": 200}


def stratified_indices(labels: np.ndarray, per_class: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted indices of ``per_class`` random examples of each label 0..9."""
    order = rng.permutation(len(labels))
    chosen = []
    for digit in range(10):
        of_digit = order[labels[order] == digit]
        if len(of_digit) < per_class:
            raise ValueError(f"only {len(of_digit)} examples of digit {digit}, need {per_class}")
        chosen.append(of_digit[:per_class])
    return np.sort(np.concatenate(chosen))


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_src = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"
    parser.add_argument("folder", nargs="?", default=str(default_src), help="the four MNIST files")
    parser.add_argument("--out", default=str(SAMPLE_PATH), help="where to write the .npz")
    args = parser.parse_args(argv)

    data = read_mnist_folder(args.folder)
    rng = np.random.default_rng(SEED)
    arrays = {}
    for split in ("train", "test"):
        images = getattr(data, f"{split}_images")
        labels = getattr(data, f"{split}_labels")
        index = stratified_indices(labels, PER_CLASS[split], rng)
        arrays[f"{split}_images"] = images[index]
        arrays[f"{split}_labels"] = labels[index].astype(np.uint8)
        arrays[f"{split}_index"] = index.astype(np.int32)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **arrays)
    sizes = ", ".join(f"{k} {v.shape}" for k, v in arrays.items())
    print(f"wrote {out} ({out.stat().st_size / 1e6:.2f} MB): {sizes}")
    return out


if __name__ == "__main__":
    main()
