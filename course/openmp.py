"""How PyTorch's threads share a CPU with other programs: wait briefly, then sleep.

PyTorch's CPU kernels run on OpenMP threads. Between two parallel pieces of work an idle
OpenMP thread *spins*: GNU OpenMP's default is 300,000 rounds of a pause instruction, which
on recent Intel processors is tens of milliseconds of busy waiting. On a quiet machine that
is harmless; when another program runs on the same cores (a laptop doing other things, two
grading kernels side by side) the spinning threads take the cores from the threads that have
work, and training slowed down 20 to 40 times on two shared cores here instead of about 2
(``benchmarks/time_to_99.py --busy 2`` measures it).

:data:`OPENMP_POLICY` bounds the spin (GNU OpenMP: ``GOMP_SPINCOUNT``; Intel OpenMP:
``KMP_BLOCKTIME`` in ms) and then lets the thread sleep. OpenMP reads these variables once, when
the library loads, that is when ``torch`` is first imported: they must be in the environment
of the process before that. ``nn-course lab`` puts them in JupyterLab's environment, so every
notebook kernel starts with them; the grader puts them in every grading kernel's; a script sets
them with :func:`apply_openmp_policy` before importing torch. A value already set wins.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping

#: Bounded spinning, then sleep (about a millisecond of spinning on the machines measured).
OPENMP_POLICY: dict[str, str] = {"GOMP_SPINCOUNT": "20000", "KMP_BLOCKTIME": "1"}


def apply_openmp_policy(env: MutableMapping[str, str] | None = None) -> MutableMapping[str, str]:
    """Put :data:`OPENMP_POLICY` into ``env`` (default ``os.environ``) where not already set."""
    env = os.environ if env is None else env
    for name, value in OPENMP_POLICY.items():
        env.setdefault(name, value)
    return env
