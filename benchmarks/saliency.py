"""Benchmark: saliency maps per second for 1,000 MNIST test digits, batched vs one image at a time.

In one run, on the same model (``course.cnn.trained_model``, the slides' CNN) and the same
digits (the first ``--digits`` of the shipped test sample), each method is timed

* **batched**: the whole set in one call (one forward and one backward pass per batch of
  ``--batch-size`` rows), and
* **one at a time**: a Python loop calling the same function on ``x[i : i + 1]``,

for the vanilla gradient map, and for integrated gradients (``--ig-steps`` steps; on the first
``--ig-digits`` digits, since it costs ``steps`` gradients per map). When Captum is installed,
its ``Saliency`` on the same batch is timed as a peer. The figures that matter are the ratios
taken in this run (the CPU may be shared). Prints a table and writes
``benchmarks/results/saliency.json``.

    python benchmarks/saliency.py [--threads 1] [--digits 1000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import median_time  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    parser.add_argument("--digits", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=256, help="rows per forward pass")
    parser.add_argument("--ig-steps", type=int, default=32)
    parser.add_argument("--ig-digits", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3, help="repeats of each batched timing")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "saliency.json"
    )
    args = parser.parse_args(argv)

    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # before torch loads its thread pool
    sys.path.insert(0, str(ROOT))
    import torch

    from course import cnn
    from course import saliency as sal
    from course.mnist import load_sample

    torch.set_num_threads(args.threads)
    model = cnn.trained_model(device="cpu", fast=True, progress=False)
    data = load_sample()
    if args.digits > len(data.test_labels):
        parser.error(f"--digits: the sample has {len(data.test_labels)} test digits")
    x, y = cnn.as_tensors(data.test_images[: args.digits], data.test_labels[: args.digits], "cpu")
    black = (0.0 - cnn.MNIST_MEAN) / cnn.MNIST_STD

    def vanilla_batched() -> torch.Tensor:
        return torch.cat(
            [
                sal.vanilla_saliency(model, x[i : i + args.batch_size], y[i : i + args.batch_size])
                for i in range(0, len(x), args.batch_size)
            ]
        )

    def vanilla_single() -> list[torch.Tensor]:
        return [sal.vanilla_saliency(model, x[i : i + 1], y[i : i + 1]) for i in range(len(x))]

    xi, yi = x[: args.ig_digits], y[: args.ig_digits]

    def ig_batched() -> torch.Tensor:
        return sal.integrated_gradients(
            model, xi, yi, baseline=black, steps=args.ig_steps, batch_size=args.batch_size
        )

    def ig_single() -> list[torch.Tensor]:
        return [
            sal.integrated_gradients(
                model, xi[i : i + 1], yi[i : i + 1], baseline=black, steps=args.ig_steps
            )
            for i in range(len(xi))
        ]

    # the two ways agree before they are timed
    torch.testing.assert_close(vanilla_batched(), torch.cat(vanilla_single()))
    torch.testing.assert_close(ig_batched(), torch.cat(ig_single()), rtol=1e-4, atol=1e-6)

    rows = []

    def record(method: str, way: str, digits: int, seconds: float) -> None:
        rows.append(
            {
                "method": method,
                "way": way,
                "digits": digits,
                "seconds": seconds,
                "maps_per_second": digits / seconds,
            }
        )

    record("vanilla gradient", "batched", len(x), median_time(vanilla_batched, args.repeats))
    record("vanilla gradient", "one at a time", len(x), median_time(vanilla_single, 1))
    try:
        from captum.attr import Saliency
    except ImportError:
        Saliency = None
    if Saliency is not None:
        import warnings

        def captum_batched() -> torch.Tensor:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)
                return Saliency(model).attribute(x, target=y, abs=True).amax(dim=1)

        model.eval()
        torch.testing.assert_close(captum_batched(), vanilla_batched())
        record(
            "vanilla gradient (Captum Saliency)",
            "batched",
            len(x),
            median_time(captum_batched, args.repeats),
        )
    ig = f"integrated gradients, {args.ig_steps} steps"
    record(ig, "batched", len(xi), median_time(ig_batched, args.repeats))
    record(ig, "one at a time", len(xi), median_time(ig_single, 1))

    def rate(method: str, way: str) -> float:
        return next(r["maps_per_second"] for r in rows if r["method"] == method and r["way"] == way)

    ratios = {
        "vanilla: batched / one at a time": rate("vanilla gradient", "batched")
        / rate("vanilla gradient", "one at a time"),
        f"{ig}: batched / one at a time": rate(ig, "batched") / rate(ig, "one at a time"),
    }
    if Saliency is not None:
        ratios["vanilla: course batched / Captum batched"] = rate(
            "vanilla gradient", "batched"
        ) / rate("vanilla gradient (Captum Saliency)", "batched")

    print(
        f"torch {torch.__version__}, {args.threads} thread(s), {platform.processor() or platform.machine()}"
    )
    print(f"{'method':<40} {'way':<15} {'digits':>6} {'seconds':>9} {'maps/s':>10}")
    for r in rows:
        print(
            f"{r['method']:<40} {r['way']:<15} {r['digits']:>6} {r['seconds']:>9.3f} "
            f"{r['maps_per_second']:>10.0f}"
        )
    for name, value in ratios.items():
        print(f"{name}: {value:.1f}x")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "benchmark": "saliency",
        "torch": torch.__version__,
        "threads": args.threads,
        "machine": platform.machine(),
        "model": "course.cnn.SlidesNet (trained_model, fast)",
        "batch_size": args.batch_size,
        "rows": rows,
        "ratios": ratios,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
