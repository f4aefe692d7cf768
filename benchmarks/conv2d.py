"""Benchmark: course.convolution.conv2d (im2col, NumPy) vs torch.nn.functional.conv2d vs the naive loops.

Also times one redraw of the filter explorer (convolution + PNG encoding of three images).

    python benchmarks/conv2d.py [--threads 1] [--repeats 7] [--naive-images 1]

Everything is float32 on the CPU, all in the same run; the figures that matter are the ratios.
The naive loop version is far too slow for a whole batch, so it runs on the first
``--naive-images`` images and its time is scaled linearly to the batch (it is linear in N).
Prints a table and writes ``benchmarks/results/conv2d.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import interleaved_median_times, median_time  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

# (name, x shape, number of filters, kernel, stride, padding): the MNIST-shaped batches
SHAPES = [
    ("MNIST batch, conv 1 -> 32, 3x3", (64, 1, 28, 28), 32, 3, 1, 0),
    ("feature maps, conv 32 -> 64, 3x3", (64, 32, 26, 26), 64, 3, 1, 0),
    ("MNIST batch, conv 1 -> 16, 5x5, pad 2, stride 2", (64, 1, 28, 28), 16, 5, 2, 2),
    # one image at a time, as the filter explorer and a saliency map of one digit do
    ("one image, conv 1 -> 32, 3x3", (1, 1, 28, 28), 32, 3, 1, 0),
    ("one image, conv 1 -> 16, 5x5, pad 2, stride 2", (1, 1, 28, 28), 16, 5, 2, 2),
    ("one image, conv 32 -> 64, 3x3", (1, 32, 26, 26), 64, 3, 1, 0),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--threads", type=int, default=1, help="threads for BLAS and torch (default 1)"
    )
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--naive-images", type=int, default=1, help="images the naive loops run on")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "conv2d.json")
    args = parser.parse_args(argv)

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)  # before NumPy and torch load their BLAS
    sys.path.insert(0, str(ROOT))
    import numpy as np
    import torch

    from course.convolution import conv2d, conv2d_naive
    from course.images import photo, synthetic_digit
    from course.widgets.filter_explorer import FilterExplorer

    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    rows = []
    for name, shape, filters_, k, stride, padding in SHAPES:
        x = rng.normal(size=shape).astype(np.float32)
        w = rng.normal(size=(filters_, shape[1], k, k)).astype(np.float32)
        b = rng.normal(size=filters_).astype(np.float32)
        xt, wt, bt = (torch.from_numpy(a) for a in (x, w, b))
        with torch.no_grad():
            times = interleaved_median_times(
                {
                    "torch": partial(torch.nn.functional.conv2d, xt, wt, bt, stride, padding),
                    "ours": partial(conv2d, x, w, b, stride, padding),
                },
                args.repeats,
            )
            want = torch.nn.functional.conv2d(xt, wt, bt, stride, padding).numpy()
        t_torch, t_ours = times["torch"], times["ours"]
        n = min(args.naive_images, shape[0])
        t_naive_slice = median_time(
            partial(conv2d_naive, x[:n], w, b, stride, padding), 1, warmup=False
        )
        t_naive = t_naive_slice * shape[0] / n
        error = float(np.abs(conv2d(x, w, b, stride, padding) - want).max())
        rows.append(
            {
                "case": name,
                "x": list(shape),
                "w": [filters_, shape[1], k, k],
                "stride": stride,
                "padding": padding,
                "torch_ms": t_torch * 1e3,
                "vectorised_ms": t_ours * 1e3,
                "naive_ms_scaled": t_naive * 1e3,
                "naive_images_measured": n,
                "vectorised_over_torch": t_ours / t_torch,
                "naive_over_vectorised": t_naive / t_ours,
                "max_abs_difference_from_torch": error,
            }
        )

    explorer_rows = []
    explorer = FilterExplorer(
        images={"digit 28x28": synthetic_digit(), "photo 256x256": photo(256)}
    )
    for image in explorer.images:
        for preset in ("edge detection (8-neighbour)", "Gaussian blur 5x5"):
            explorer.image.value = image
            explorer.preset.value = preset
            explorer.padding.value = 1
            t = median_time(explorer.redraw, args.repeats)
            explorer_rows.append({"image": image, "preset": preset, "redraw_ms": t * 1e3})

    print(f"conv2d, float32, {args.threads} thread(s), median of {args.repeats}")
    print(
        f"{'case':<48}{'torch ms':>10}{'ours ms':>10}{'naive ms':>12}{'ours/torch':>12}{'naive/ours':>12}"
    )
    for r in rows:
        print(
            f"{r['case']:<48}{r['torch_ms']:>10.3f}{r['vectorised_ms']:>10.3f}{r['naive_ms_scaled']:>12.0f}"
            f"{r['vectorised_over_torch']:>12.2f}{r['naive_over_vectorised']:>12.0f}"
        )
    print(
        f"(naive: measured on {args.naive_images} image(s) of each batch, scaled linearly to the batch)"
    )
    print("\nfilter explorer: one redraw (convolution + three PNGs), in the kernel")
    for r in explorer_rows:
        print(f"  {r['image']:<16}{r['preset']:<32}{r['redraw_ms']:>8.2f} ms")

    result = {
        "benchmark": "conv2d",
        "threads": args.threads,
        "repeats": args.repeats,
        "dtype": "float32",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "conv2d": rows,
        "filter_explorer": explorer_rows,
        "targets": {"vectorised_over_torch_at_most": 3.0, "naive_over_vectorised_at_least": 100.0},
        "targets_met": all(
            r["vectorised_over_torch"] <= 3.0 and r["naive_over_vectorised"] >= 100.0 for r in rows
        ),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {args.out}; targets met: {result['targets_met']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
