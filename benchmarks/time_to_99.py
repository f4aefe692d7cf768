"""Time to 99% test accuracy on MNIST: the course's recipe vs pytorch/examples' mnist/main.py.

In one run, on the same data tensors and device:

* **course**: ``course.cnn.SlidesNet`` (60,074 parameters) trained with
  ``course.cnn.BEST_RECIPE`` (AdamW + one-cycle over 3 epochs, batch 192, channels_last) through
  ``course.cnn.fit``; the test set is evaluated after every epoch (not timed) and the run stops
  at the first epoch that reaches the target (99.0%);
* **peer**: the network and recipe of pytorch/examples ``mnist/main.py``, reimplemented from its
  description (conv 32 and 64, 3x3, max-pool, dropout 0.25, fc 128, dropout 0.5, fc 10,
  log-softmax + NLL; Adadelta lr 1.0, StepLR gamma 0.7; batch 64) for one epoch. Batches are
  sliced from the same tensors rather than drawn through a DataLoader, which only helps it.

Prints a table and writes ``benchmarks/results/time_to_99.json`` with ``test_accuracy`` and
``train_seconds`` (training only, evaluation excluded) for both, and the ratio of their
training times taken in this run.

    python benchmarks/time_to_99.py [--data DIR] [--threads N] [--device cpu|cuda] [--skip-peer]
                                    [--seeds 0,1,2] [--busy N] [--openmp-default]

The course's recipe runs once per seed; then, with ``--busy N`` (default: one per core), seed
0 runs again for the same epochs beside N processes that keep a core busy each: as the course
trains (``course.threads`` picks the threads), held at one thread and held at every thread.
The report gives each slowdown per epoch next to the slowdown one thread's fair share of the
cores would give, and next to the share of the cores the run really got (its CPU seconds over
its wall seconds, quiet and beside the load).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from course.openmp import OPENMP_POLICY, apply_openmp_policy

if "--openmp-default" not in sys.argv:  # OpenMP reads its policy when torch loads it
    apply_openmp_policy()

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

from course.cnn import BEST_RECIPE, SlidesNet, as_tensors, count_parameters, evaluate, fit  # noqa: E402
from course.device import get_device, native_bfloat16  # noqa: E402
from course.mnist import load_mnist  # noqa: E402
from course.threads import FIXED_ENV, own_cpu_seconds  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "mnist"
RESULTS = REPO / "benchmarks" / "results" / "time_to_99.json"


class ExamplesNet(nn.Module):
    """pytorch/examples mnist/main.py's network (1,199,882 parameters); returns log-probabilities."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        return F.log_softmax(self.fc2(x), dim=1)


def run_course(train, test, target: float, seed: int, epochs: int | None = None) -> dict:
    """The course's recipe from ``seed``, stopped at the first epoch at or above ``target``
    (or after exactly ``epochs`` epochs when given, for the loaded run)."""
    torch.manual_seed(seed)
    model = SlidesNet().to(train[0].device)

    def stop(epoch: int, history) -> None:
        if epochs is not None:
            if history.epochs >= epochs:
                raise StopIteration
        elif history.test_accuracy[-1] >= target:
            raise StopIteration

    cpu, wall = own_cpu_seconds(), time.perf_counter()
    history = fit(model, train, test, BEST_RECIPE, on_epoch=stop, progress=False, seed=seed)
    cores_used = (own_cpu_seconds() - cpu) / (time.perf_counter() - wall)
    seconds = history.train_seconds
    return {
        "name": f"course: SlidesNet, AdamW + one-cycle, batch {BEST_RECIPE.batch_size}, channels_last"
        + (
            ", bfloat16 autocast"
            if BEST_RECIPE.mixed_precision and native_bfloat16(train[0].device)
            else ""
        ),
        "seed": seed,
        "parameters": count_parameters(model),
        "epochs": history.epochs,
        "test_accuracy": history.test_accuracy[-1],
        "test_accuracy_per_epoch": history.test_accuracy,
        "train_seconds": seconds,
        "seconds_per_epoch": history.seconds,
        "threads_per_epoch": history.threads,  # what course.threads chose (0: a GPU)
        # the cores this process got: its CPU seconds over the run's wall seconds (evaluation in)
        "cores_used": cores_used,
        "images_per_second": history.epochs * len(train[0]) / seconds,
        "reached_target": history.test_accuracy[-1] >= target,
    }


def busy_processes(count: int) -> list[subprocess.Popen]:
    """``count`` processes that each keep one core busy (stopped by the caller)."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


@contextlib.contextmanager
def beside_busy(count: int) -> Iterator[None]:
    """Run the block with ``count`` busy processes beside it."""
    workers = busy_processes(count)
    try:
        time.sleep(0.5)  # let them start spinning
        yield
    finally:
        for p in workers:
            p.kill()
            p.wait()


@contextlib.contextmanager
def fixed_threads(threads: int) -> Iterator[None]:
    """Train on exactly ``threads`` threads, whatever the load (the governor held still)."""
    before_env, before = os.environ.get(FIXED_ENV), torch.get_num_threads()
    os.environ[FIXED_ENV] = "1"
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)
        if before_env is None:
            os.environ.pop(FIXED_ENV, None)
        else:
            os.environ[FIXED_ENV] = before_env


def run_loaded(train, test, target: float, busy: int, epochs: int, quiet: dict) -> dict:
    """Seed ``quiet['seed']`` again for the same epochs with ``busy`` busy processes beside it:
    as the course trains (``course.threads`` picks the thread count), then held at one thread
    and at all threads beside the same load, and once more quiet on one thread. One thread
    beside the load is the best a single thread can do on this machine's scheduler (the
    measured floor); one thread's *fair* share (cores / (busy + 1) of a core) is the floor an
    even scheduler would give."""
    cores = os.cpu_count() or 1
    threads = torch.get_num_threads()

    def run() -> dict:
        return run_course(train, test, target, quiet["seed"], epochs=epochs)

    with beside_busy(busy):
        loaded = run()
    with beside_busy(busy), fixed_threads(1):
        one_loaded = run()
    with beside_busy(busy), fixed_threads(threads):
        all_loaded = run()
    with fixed_threads(1):
        one_thread = run()

    def per_epoch(r: dict) -> float:
        return statistics.mean(r["seconds_per_epoch"])

    per_epoch_quiet = statistics.mean(quiet["seconds_per_epoch"][:epochs])
    per_epoch_loaded = per_epoch(loaded)
    per_epoch_one = per_epoch(one_thread)
    return {
        "busy_processes": busy,
        "cores": cores,
        "torch_threads": threads,
        "threads_under_load": loaded["threads_per_epoch"],
        "threads_held": [one_loaded["threads_per_epoch"], all_loaded["threads_per_epoch"]],
        "seconds_per_epoch_quiet": per_epoch_quiet,
        "seconds_per_epoch_loaded": per_epoch_loaded,
        "seconds_per_epoch_quiet_one_thread": per_epoch_one,
        "seconds_per_epoch_loaded_one_thread": per_epoch(one_loaded),
        "seconds_per_epoch_loaded_all_threads": per_epoch(all_loaded),
        "slowdown": per_epoch_loaded / per_epoch_quiet,
        # the CPU time it would get if the scheduler shared the cores out evenly among the
        # runnable threads: (busy + threads) / cores times slower, at least 1
        "proportional_slowdown": max(1.0, (busy + threads) / cores),
        # one thread beside ``busy`` busy processes gets cores / (busy + 1) of a core at most
        "one_thread_floor": per_epoch_one * max(1.0, (busy + 1) / cores) / per_epoch_quiet,
        # measured: one thread held beside the same load (what the scheduler really gives it)
        "one_thread_loaded_slowdown": per_epoch(one_loaded) / per_epoch_quiet,
        # measured: every thread held beside the same load (no governor)
        "all_threads_loaded_slowdown": per_epoch(all_loaded) / per_epoch_quiet,
        # the share of the cores it got, measured: cores used quiet over cores used beside the
        # load; a slowdown proportional to that share is this ratio
        "cores_used_quiet": quiet["cores_used"],
        "cores_used_loaded": loaded["cores_used"],
        "share_slowdown": quiet["cores_used"] / loaded["cores_used"],
        "slowdown_within_share": per_epoch_loaded / per_epoch_quiet
        <= quiet["cores_used"] / loaded["cores_used"],
        "run": loaded,
    }


def run_peer(train, test) -> dict:
    torch.manual_seed(0)
    x_train, y_train = train[0].contiguous(), train[1]
    device = x_train.device
    model = ExamplesNet().to(device)
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
    schedule = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    batch = 64
    order = torch.randperm(len(x_train)).to(device)
    model.train()
    start = time.perf_counter()
    for i in range(0, len(x_train), batch):
        index = order[i : i + batch]
        optimizer.zero_grad()
        loss = F.nll_loss(model(x_train[index]), y_train[index])
        loss.backward()
        optimizer.step()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    seconds = time.perf_counter() - start
    schedule.step()
    # evaluate() takes logits; log-probabilities give the same argmax and cross-entropy
    _, accuracy = evaluate(model, test[0].contiguous(), test[1])
    return {
        "name": "pytorch/examples mnist: conv 32/64 + fc 128, Adadelta, batch 64",
        "parameters": count_parameters(model),
        "epochs": 1,
        "test_accuracy": accuracy,
        "test_accuracy_per_epoch": [accuracy],
        "train_seconds": seconds,
        "images_per_second": len(x_train) / seconds,
        "reached_target": None,
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="folder with the MNIST files")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="torch CPU threads")
    parser.add_argument("--device", default=None, help="cpu, cuda, mps (default: the best one)")
    parser.add_argument("--target", type=float, default=0.99, help="test accuracy to reach")
    parser.add_argument("--skip-peer", action="store_true", help="only the course's recipe")
    parser.add_argument(
        "--seeds", default="0,1,2", help="seeds of the course's recipe (default 0,1,2)"
    )
    parser.add_argument(
        "--busy",
        type=int,
        default=os.cpu_count() or 1,
        help="busy processes beside the loaded run (default: one per core; 0: no loaded run)",
    )
    parser.add_argument(
        "--openmp-default",
        action="store_true",
        help="keep OpenMP's own waiting policy (to compare with the course's, course.openmp)",
    )
    parser.add_argument("--out", default=str(RESULTS), help="where to write the JSON")
    args = parser.parse_args(argv)

    torch.set_num_threads(args.threads)
    device = get_device(args.device)
    data = load_mnist(args.data, download=False, fallback=False)
    train = as_tensors(data.train_images, data.train_labels, device)
    test = as_tensors(data.test_images, data.test_labels, device)

    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    runs = [run_course(train, test, args.target, seed) for seed in seeds]
    results = {"course": runs[0]}
    report_runs = {
        "course_seeds": runs,
        "all_seeds_reached_target": all(r["reached_target"] for r in runs),
        "slowest_seed_train_seconds": max(r["train_seconds"] for r in runs),
    }
    if args.busy > 0:
        report_runs["loaded"] = run_loaded(
            train, test, args.target, args.busy, runs[0]["epochs"], runs[0]
        )
    if not args.skip_peer:
        results["peer"] = run_peer(train, test)
    machine = {
        "device": str(device),
        "device_name": torch.cuda.get_device_name(device)
        if device.type == "cuda"
        else platform.processor() or platform.machine(),
        "torch_threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "torch": torch.__version__,
        "openmp_policy": {k: os.environ.get(k, "") for k in OPENMP_POLICY},
        "native_bfloat16": native_bfloat16(device),
    }
    report = {"target": args.target, "machine": machine, **results, **report_runs}
    if "peer" in results:
        report["peer_over_course_train_seconds"] = (
            results["peer"]["train_seconds"] / results["course"]["train_seconds"]
        )

    print(f"\nMNIST time to {args.target:.1%} on {device} ({machine['torch_threads']} threads)")
    print(
        f"{'recipe':66s} {'params':>9s} {'epochs':>6s} {'test acc':>8s} {'train s':>8s} {'img/s':>8s}"
    )
    rows = [(f"seed {r['seed']}", r) for r in runs]
    if "peer" in results:
        rows.append(("peer", results["peer"]))
    for label, row in rows:
        print(
            f"{(label + ': ' + row['name'])[:66]:66s} {row['parameters']:9,d} {row['epochs']:6d} "
            f"{row['test_accuracy']:8.2%} {row['train_seconds']:8.1f} {row['images_per_second']:8.0f}"
        )
    print(
        f"every seed reached {args.target:.1%}: {report['all_seeds_reached_target']}; "
        f"slowest: {report['slowest_seed_train_seconds']:.1f} s of training"
    )
    if "loaded" in report:
        lo = report["loaded"]
        print(
            f"with {lo['busy_processes']} busy processes on {lo['cores']} cores: "
            f"{lo['seconds_per_epoch_loaded']:.2f} s per epoch vs {lo['seconds_per_epoch_quiet']:.2f} s "
            f"quiet, {lo['slowdown']:.1f}x slower (an even share of the cores: "
            f"{lo['proportional_slowdown']:.1f}x; one thread's fair share: "
            f"{lo['one_thread_floor']:.1f}x); threads under load {lo['threads_under_load']}; "
            f"OpenMP policy {machine['openmp_policy']}"
        )
        print(
            f"beside the same load, held at one thread: {lo['one_thread_loaded_slowdown']:.1f}x "
            f"(the measured floor for one thread); held at {lo['torch_threads']} threads: "
            f"{lo['all_threads_loaded_slowdown']:.1f}x"
        )
        print(
            f"cores it got (CPU s / wall s): {lo['cores_used_quiet']:.2f} quiet, "
            f"{lo['cores_used_loaded']:.2f} beside the load: a slowdown proportional to that share "
            f"is {lo['share_slowdown']:.1f}x; slowdown within it: {lo['slowdown_within_share']}"
        )
    if "peer" in results:
        print(f"peer / course training time: {report['peer_over_course_train_seconds']:.1f}x")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(f"wrote {out}")
    return report


if __name__ == "__main__":
    main()
