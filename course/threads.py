"""How many CPU threads training should use now: fewer when other programs keep the cores busy.

PyTorch splits each operation evenly between its threads and waits for the slowest at the end.
On a quiet machine that uses every core. When other programs are running (a laptop doing other
things, a second grading kernel), the scheduler keeps taking one of the threads off its core,
and every operation waits for it: two threads beside two busy programs on two cores trained
3 to 7 times slower than alone here, where one thread, which waits for nobody, is 2.5 times
slower (``benchmarks/time_to_99.py --busy 2``).

:class:`ThreadGovernor` measures, every ``interval`` seconds, how many cores *other* programs
kept busy: the machine's busy time (``/proc/stat``) less this process's own CPU time, over the
wall time since the last look. It then sets ``torch.set_num_threads`` to the cores left free
(at least 1, at most the count it started with)::

    governor = ThreadGovernor()
    for batch in batches:
        ...
        governor.update()   # cheap: reads two small files at most every interval seconds

Where ``/proc/stat`` does not exist (macOS, Windows) it changes nothing, and neither does it
where ``$NN_COURSE_FIXED_THREADS`` is set (not ``0``): a run whose bits must not depend on what
else the machine was doing (a class's shared models, which the answer keys are made with)
keeps one thread count, since the sums torch splits between threads round differently.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import torch

PROC_STAT = Path("/proc/stat")
#: Set (not ``0``): the governor keeps torch's thread count whatever the load.
FIXED_ENV = "NN_COURSE_FIXED_THREADS"


def machine_busy_seconds(stat: Path = PROC_STAT) -> float | None:
    """CPU seconds all cores spent busy since boot (user, nice, system, irq, softirq, steal),
    or None where the kernel does not say."""
    try:
        first = stat.read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    if not first or first[0] != "cpu":
        return None
    ticks = [int(v) for v in first[1:]]
    # user nice system idle iowait irq softirq steal ...: idle and iowait are not busy
    busy = sum(ticks[:3]) + sum(ticks[5:8])
    return busy / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU seconds of this process, all its threads."""
    t = os.times()
    return t.user + t.system


class ThreadGovernor:
    """Sets torch's thread count to the cores other programs leave free (see the module doc).

    ``max_threads``: the most it will use (default: torch's count when created);
    ``interval``: seconds between two looks (shorter windows see the 10 ms clock ticks as noise).
    """

    def __init__(self, max_threads: int | None = None, interval: float = 0.5) -> None:
        self.max_threads = max_threads or torch.get_num_threads()
        self.interval = interval
        self.cores = os.cpu_count() or 1
        self.others = 0.0  # cores other programs kept busy at the last look
        self.fixed = os.environ.get(FIXED_ENV, "") not in ("", "0")
        self._last = self._sample()

    @staticmethod
    def _sample() -> tuple[float, float | None, float]:
        return time.monotonic(), machine_busy_seconds(), own_cpu_seconds()

    def update(self) -> int:
        """Look again if ``interval`` has passed; returns the thread count now in use."""
        if self.fixed or time.monotonic() - self._last[0] < self.interval:
            return torch.get_num_threads()  # between two looks: a clock read, no files
        now = self._sample()
        wall = now[0] - self._last[0]
        if wall < self.interval or now[1] is None or self._last[1] is None:
            return torch.get_num_threads()
        busy = now[1] - self._last[1]
        own = now[2] - self._last[2]
        self._last = now
        self.others = max(0.0, (busy - own) / wall)
        threads = int(min(self.max_threads, max(1, round(self.cores - self.others))))
        if threads != torch.get_num_threads():
            torch.set_num_threads(threads)
        return threads

    def restore(self) -> None:
        """Give torch back the thread count it had when the governor was created."""
        torch.set_num_threads(self.max_threads)
