"""Benchmark: notebook 03's activations and its explorer, each against a peer in the same run.

    python benchmarks/activations.py [--threads 1] [--repeats 7]

Part 1 times each reference activation and its derivative (``course.activations``, NumPy,
float64) against the torch equivalent (forward, and the derivative by autograd) on arrays of
10^3, 10^5 and 10^6 elements, and the overflow-free sigmoid against the naive
``1 / (1 + exp(-z))`` (the price of stability). Part 2 times one redraw of the activation
explorer (``update()``: new line data, rescale, PNG) against rebuilding its figure from scratch
for the same picture. Prints tables and writes ``benchmarks/results/activations.json``.
"""

from __future__ import annotations

import argparse
import io
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
    args = parser.parse_args(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.path.insert(0, str(ROOT))

    import numpy as np
    import torch
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from course import activations as act
    from course.widgets.activation_explorer import ActivationExplorer

    torch.set_num_threads(args.threads)
    torch_forward = {
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "relu": torch.relu,
        "leaky_relu": lambda t: torch.nn.functional.leaky_relu(t, act.LEAKY_SLOPE),
        "elu": torch.nn.functional.elu,
        "identity": lambda t: t * 1.0,
    }
    rows = []
    print(f"Part 1: f(z) and f'(z), NumPy reference vs torch (threads={args.threads}), median ms")
    print(f"{'activation':>11} {'size':>8} {'numpy':>9} {'torch':>9} {'numpy/torch':>12}")
    for size in (10**3, 10**5, 10**6):
        z = np.random.default_rng(0).normal(0, 3, size)
        zt = torch.tensor(z)
        for name, entry in act.ACTIVATIONS.items():

            def ours(entry=entry, z=z):
                entry(z)
                entry.grad(z)

            def theirs(name=name, zt=zt):
                t = zt.clone().requires_grad_(True)
                out = torch_forward[name](t)
                out.backward(torch.ones_like(out))

            a, b = median_time(ours, args.repeats), median_time(theirs, args.repeats)
            rows.append({"part": "functions", "activation": name, "size": size,
                         "numpy_s": a, "torch_s": b, "ratio": a / b})  # fmt: skip
            print(f"{name:>11} {size:>8} {a * 1e3:>9.3f} {b * 1e3:>9.3f} {a / b:>12.2f}")

    print("\nThe price of an overflow-free sigmoid (10^6 elements), median ms")
    z = np.random.default_rng(1).normal(0, 3, 10**6)
    with np.errstate(over="ignore"):
        naive = median_time(lambda: 1.0 / (1.0 + np.exp(-z)), args.repeats)
    stable = median_time(lambda: act.sigmoid(z), args.repeats)
    rows.append(
        {"part": "stability", "stable_s": stable, "naive_s": naive, "ratio": stable / naive}
    )
    print(
        f"  stable {stable * 1e3:.3f}  naive {naive * 1e3:.3f}  stable/naive {stable / naive:.2f}"
    )

    print("\nPart 2: one explorer change, update() vs rebuilding the figure, median ms")
    explorer = ActivationExplorer()
    choices = ["sigmoid", "leaky_relu", "elu", "tanh"]
    state = {"i": 0}

    def change():
        state["i"] += 1
        explorer.activation.value = choices[state["i"] % len(choices)]

    def rebuild():
        state["i"] += 1
        entry = act.get_activation(choices[state["i"] % len(choices)])
        zz = np.linspace(-5, 5, explorer.points)
        fig = Figure(figsize=(9, 3.2), dpi=80)
        FigureCanvasAgg(fig)
        left, right = fig.subplots(1, 2)
        for ax, values, style in ((left, entry(zz), "-"), (right, entry.grad(zz), "--")):
            ax.axhline(0, color="0.8", lw=0.8)
            ax.axvline(0, color="0.8", lw=0.8)
            ax.plot(zz, values, lw=2, ls=style)
            ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(io.BytesIO(), format="png")

    a, b = median_time(change, args.repeats), median_time(rebuild, args.repeats)
    rows.append({"part": "explorer", "update_s": a, "rebuild_s": b, "ratio": a / b})
    print(f"  update {a * 1e3:.1f}  rebuild {b * 1e3:.1f}  update/rebuild {a / b:.2f}")

    out = ROOT / "benchmarks" / "results" / "activations.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"threads": args.threads, "repeats": args.repeats, "python": platform.python_version(),
            "numpy": np.__version__, "torch": torch.__version__, "machine": platform.machine()}  # fmt: skip
    out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    print(f"\nwrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
