"""``OUT/manifest.json``: what a grade was derived from, so that it can be derived again.

For every hand-in its SHA-256 (of the file as handed in; empty when it was missing), for every
notebook the SHA-256 of the released notebook it was graded against, the versions of the
software that decide a grade, the machine, the options of the run and when it ran::

    {"created": "2026-12-02T18:00:00+00:00", "run": {"workers": 2, "settings": {...}},
     "versions": {"python": "3.11.2", "torch": "2.13.0+cpu", ...},
     "device": {"machine": "x86_64", "cpus": 2, "torch_device": "cpu", ...},
     "releases": {"01_neurons": "3f1c..."},
     "hand_ins": [{"student_id": "ann", "notebook": "01_neurons", "status": "ok",
                   "sha256": "9a0b...", "graded": "graded", "score": 12, "seconds": 4.1}]}
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import sys
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

from autograde.grading.fingerprint import installed_version
from autograde.grading.results import GradingSettings, HandIn, Row

VERSIONED = ["nn-course", "numpy", "torch", "nbgrader", "ipython", "ipykernel", "nbclient"]


def versions() -> dict[str, str]:
    """Python's and each package's installed version ("" when it is not installed)."""
    found = {"python": platform.python_version()}
    for name in VERSIONED:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = ""
    return found


def device() -> dict[str, object]:
    """The machine that ran the grader (workers elsewhere: see the run's scheduler)."""
    info: dict[str, object] = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count() or 0,
        "executable": sys.executable,
    }
    if installed_version("torch").endswith("+cpu"):  # a CPU-only build: no need to import it
        info["torch_device"] = "cpu"
        return info
    import torch  # a dependency of the course: always there

    info["torch_device"] = "cuda" if torch.cuda.is_available() else "cpu"
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def hand_in_sha256(hand_in: HandIn) -> str:
    if hand_in.content is not None:
        return hashlib.sha256(hand_in.content).hexdigest()
    if hand_in.path and Path(hand_in.path).is_file():
        return hashlib.sha256(Path(hand_in.path).read_bytes()).hexdigest()
    return ""


def release_hashes(template: Path, stems: list[str]) -> dict[str, str]:
    """notebook -> SHA-256 of the released notebook in the prepared template."""
    return {
        s: hashlib.sha256((template / "release" / s / f"{s}.ipynb").read_bytes()).hexdigest()
        for s in stems
    }


def build_manifest(
    hand_ins: list[HandIn],
    rows: list[Row],
    releases: dict[str, str],
    settings: GradingSettings,
    run: dict[str, object],
) -> dict:
    """The manifest's content (see the module doc)."""
    by_key = {(r.student_id, r.notebook): r for r in rows}
    entries = []
    for h in sorted(hand_ins, key=lambda h: (h.student_id, h.notebook)):
        row = by_key.get((h.student_id, h.notebook))
        entries.append(
            {
                "student_id": h.student_id,
                "notebook": h.notebook,
                "status": h.status,
                "sha256": hand_in_sha256(h),
                "graded": row.shown_status if row else "",
                "score": row.score if row else None,
                "max_score": row.max_score if row else None,
                "seconds": row.seconds if row else None,
            }
        )
    return {
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "run": {**run, "settings": asdict(settings)},
        "versions": versions(),
        "device": device(),
        "releases": releases,
        "hand_ins": entries,
    }


def with_scores(manifest: dict, rows: list[Row]) -> dict:
    """``manifest`` with each hand-in's status and score taken from ``rows`` again (after a
    person graded written answers: ``nn-course grades``)."""
    by_key = {(r.student_id, r.notebook): r for r in rows}
    for entry in manifest.get("hand_ins", []):
        row = by_key.get((entry["student_id"], entry["notebook"]))
        if row is not None:
            entry["graded"], entry["score"] = row.shown_status, row.score
    return manifest


def write_manifest(manifest: dict, path: Path) -> Path:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=False), encoding="utf-8")
    os.replace(tmp, path)
    return path
