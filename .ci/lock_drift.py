"""Which installed packages differ from requirements/lock.txt: one line for CI to print.

    python .ci/lock_drift.py requirements/lock.txt    # prints e.g. "ipython 9.19.0 (lock 9.18.1), ..."

Exit status 0 always; the line is empty when the environment matches the lock.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;#]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = PIN.match(line.strip())
        if m:
            pins[canonical(m.group(1))] = m.group(2)
    return pins


def drift(lock: dict[str, str]) -> list[str]:
    installed = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    lines = []
    for name, want in sorted(lock.items()):
        have = installed.get(name)
        if have is None:
            lines.append(f"{name} not installed (lock {want})")
        elif have != want:
            lines.append(f"{name} {have} (lock {want})")
    for name in sorted(set(installed) - set(lock) - {"nn-course", "pip", "setuptools", "wheel"}):
        lines.append(f"{name} {installed[name]} (not in the lock)")
    return lines


if __name__ == "__main__":
    print(", ".join(drift(locked(Path(sys.argv[1])))))
