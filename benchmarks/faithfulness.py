"""Measured saliency on the shipped models: pointing game, mass on the patch, deletion and
insertion AUC of every method of notebook 06, beside a random map's.

On the planted model (:func:`course.planted.planted_model`), for ``--digits`` test digits of
other classes with the patch stamped in, maps for the planted class (3): where the map's peak
and mass lie (the patch is the known answer) and how fast the class's probability falls when
the map's top pixels are removed (deletion, low is good) or rises when they are put into a
black image (insertion, high is good). The same deletion / insertion figures on the course's
MNIST model (:func:`course.cnn.trained_model`, fast mode), for each digit's own class. Also
how much the planted model relies on the patch, and the data-randomisation test: each method's
maps of the MNIST model against a network that memorised shuffled labels (mean Spearman rho
over the digits whose maps are not constant; near 1: the method ignores what the network
learned). Prints the tables and writes
``benchmarks/results/faithfulness.json``.

    python benchmarks/faithfulness.py [--digits 200] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _methods(model, x, target, black):
    import torch

    from course import faithfulness as faith
    from course import saliency as sal
    from course.gradcam import grad_cam

    generator = torch.Generator().manual_seed(0)
    return {
        "vanilla gradient": sal.vanilla_saliency(model, x, target),
        "SmoothGrad": sal.smoothgrad(model, x, target, samples=25, generator=generator),
        "gradient x input": sal.gradient_times_input(model, x, target).abs().amax(dim=1),
        "integrated gradients": sal.integrated_gradients(model, x, target, baseline=black)
        .abs()
        .amax(dim=1),
        "Grad-CAM": grad_cam(model, x, target),
        "random map": faith.random_maps((len(x), 28, 28)),
    }


def _scores(model, x, target, black, mask=None) -> dict[str, dict[str, float]]:
    from course import faithfulness as faith

    table = {}
    for name, maps in _methods(model, x, target, black).items():
        row = {}
        if mask is not None:
            row["pointing game"] = faith.pointing_game(maps, mask).float().mean().item()
            row["mass on the patch"] = faith.mass_inside(maps, mask).mean().item()
        deletion = faith.deletion_curve(model, x, target, maps, baseline=black)
        insertion = faith.insertion_curve(model, x, target, maps, baseline=black)
        row["deletion AUC"] = faith.curve_auc(deletion).mean().item()
        row["insertion AUC"] = faith.curve_auc(insertion).mean().item()
        table[name] = row
    return table


def _print(title: str, table: dict[str, dict[str, float]]) -> None:
    columns = list(next(iter(table.values())))
    print(f"\n{title}")
    print(f"{'method':22}" + "".join(f"{c:>20}" for c in columns))
    for name, row in table.items():
        print(f"{name:22}" + "".join(f"{row[c]:>20.3f}" for c in columns))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=200)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    args = parser.parse_args(argv)
    os.environ.setdefault("NN_COURSE_FAST", "1")

    import numpy as np
    import torch

    from course import cnn, planted
    from course.saliency import spearman

    torch.set_num_threads(args.threads)
    black = float((0.0 - cnn.MNIST_MEAN) / cnn.MNIST_STD)

    planted_model = planted.planted_model(device="cpu")
    data = planted.planted_data()
    reliance = planted.reliance(planted_model, data.test_images, data.test_labels)
    others = data.test_labels != planted.PLANTED_CLASS
    images = planted.stamp(data.test_images[others][: args.digits])
    xp, _ = cnn.as_tensors(images, np.zeros(len(images), dtype=np.int64), "cpu")
    mask = torch.as_tensor(planted.patch_mask())
    planted_table = _scores(planted_model, xp, planted.PLANTED_CLASS, black, mask)

    model = cnn.trained_model(device="cpu", progress=False)
    x, y = cnn.as_tensors(data.test_images[: args.digits], data.test_labels[: args.digits], "cpu")
    mnist_table = _scores(model, x, y, black)

    from course import shuffled

    memorised = shuffled.shuffled_labels_model(device="cpu")
    methods = _methods(model, x, y, black)
    shuffled_maps = _methods(memorised, x, y, black)
    randomisation = {
        name: {
            "mean rho, real vs shuffled": float(
                np.nanmean(
                    [
                        spearman(a, b)
                        for a, b in zip(methods[name], shuffled_maps[name], strict=True)
                    ]
                )
            )
        }
        for name in methods
        if name != "random map"
    }

    print(
        f"planted model: test 3s with the patch classified 3: {reliance.with_patch:.1%}, "
        f"without it: {reliance.without_patch:.1%}; other digits the patch turns into 3: "
        f"{reliance.flipped:.1%}"
    )
    _print(
        f"planted model, {len(xp)} patched digits of other classes, maps for class 3", planted_table
    )
    _print(
        f"course MNIST model (fast mode), {len(x)} test digits, maps for their own class",
        mnist_table,
    )
    _print(
        f"data randomisation: the same maps of a network that memorised "
        f"{memorised.meta['train_accuracy']:.1%} of {shuffled.SUBSET} shuffled labels",
        randomisation,
    )

    out = ROOT / "benchmarks" / "results" / "faithfulness.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "machine": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "threads": args.threads,
            "cpus": os.cpu_count(),
        },
        "digits": args.digits,
        "planted_reliance": reliance.__dict__,
        "planted": planted_table,
        "mnist": mnist_table,
        "data_randomisation": randomisation,
    }
    out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
