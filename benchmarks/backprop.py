"""Benchmark: the course's NumPy backprop (course.layers) vs torch.autograd, and the cost of a
batch-GD update vs an SGD update as the training set grows (notebook 02's experiment 1).

    python benchmarks/backprop.py [--threads 1] [--repeats 7]

Part 1 times one forward + backward pass of the notebook's 2-H-2 tanh network with softmax
cross-entropy (``layers.two_layer_loss_and_grads``) against the same network in torch with
autograd (float64, CPU), for several batch sizes. Part 2 times one full-batch gradient over N
two-moons examples against one single-example gradient. All in the same run; the ratios are
what matter. Prints tables and writes ``benchmarks/results/backprop.json``.
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
    parser.add_argument("--threads", type=int, default=1, help="BLAS / torch threads (default 1)")
    parser.add_argument("--repeats", type=int, default=7, help="timed calls per figure (median)")
    parser.add_argument("--hidden", type=int, default=16, help="hidden units (default 16)")
    args = parser.parse_args(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    sys.path.insert(0, str(ROOT))

    import numpy as np
    import torch

    from course import backprop, layers

    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    params = layers.init_two_layer(2, args.hidden, 2, rng)
    tparams = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}

    def torch_pass(x: torch.Tensor, y: torch.Tensor) -> None:
        for p in tparams.values():
            p.grad = None
        h = torch.tanh(x @ tparams["W1"].T + tparams["b1"])
        loss = torch.nn.functional.cross_entropy(h @ tparams["W2"].T + tparams["b2"], y)
        loss.backward()

    results: dict = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__,
        "threads": args.threads,
        "hidden": args.hidden,
        "forward_backward": [],
        "gd_vs_sgd": [],
    }

    print(
        f"forward + backward, 2-{args.hidden}-2 tanh net, softmax CE, float64, {args.threads} thread(s)"
    )
    print(f"{'batch':>8} {'course (NumPy)':>15} {'torch autograd':>15} {'NumPy / torch':>14}")
    for n in (1, 32, 1024, 32768):
        x, y = backprop.make_moons(max(n, 4), rng=1)
        x, y = x[:n], y[:n]
        tx, ty = torch.tensor(x), torch.tensor(y)
        t_np = median_time(
            lambda x=x, y=y: layers.two_layer_loss_and_grads(params, x, y), args.repeats
        )
        t_torch = median_time(lambda tx=tx, ty=ty: torch_pass(tx, ty), args.repeats)
        results["forward_backward"].append({"batch": n, "numpy_s": t_np, "torch_s": t_torch})
        print(f"{n:>8} {1e3 * t_np:12.3f} ms {1e3 * t_torch:12.3f} ms {t_np / t_torch:14.2f}")

    print("\none update: full batch over N examples vs one example (course.layers, NumPy)")
    print(f"{'N':>9} {'batch GD':>12} {'SGD':>10} {'GD / SGD':>10}")
    for n in (1_000, 10_000, 100_000):
        x, y = backprop.make_moons(n, rng=2)
        t_gd = median_time(
            lambda x=x, y=y: layers.two_layer_loss_and_grads(params, x, y),
            max(3, args.repeats // 2),
        )
        t_sgd = median_time(
            lambda x=x, y=y: layers.two_layer_loss_and_grads(params, x[:1], y[:1]),
            args.repeats * 20,
        )
        results["gd_vs_sgd"].append({"n": n, "batch_gd_s": t_gd, "sgd_s": t_sgd})
        print(f"{n:>9,} {1e3 * t_gd:9.2f} ms {1e3 * t_sgd:7.3f} ms {t_gd / t_sgd:10.0f}")

    out = ROOT / "benchmarks" / "results" / "backprop.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"\nwrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
