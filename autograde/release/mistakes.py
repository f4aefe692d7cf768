"""``nn-course release --mistakes``: ship what ``nn-course check`` needs to name mistakes.

Builds the class's answer keys and the prints of the known mistakes (as grading does, cached
in ``~/.cache/nn-course/keys``), cuts them to the visible tests
(:func:`autograde.verdicts.visible.cut`) and writes ``course/data/mistakes/<notebook>.json``,
in fast mode (as ``nn-course check`` runs). A few minutes on two cores when nothing is cached.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from autograde import variants
from autograde.release.coursefolder import SOLUTIONS_DIR
from autograde.verdicts import visible


def source_of(stem: str, solutions: Path = SOLUTIONS_DIR) -> str:
    return visible.source_hash(solutions / f"{stem}.ipynb", variants.VARIANTS_DIR / f"{stem}.py")


def mistakes_out_of_date(stems: list[str], solutions: Path = SOLUTIONS_DIR) -> list[str]:
    """Stems with known mistakes whose shipped file is missing or made from other sources."""
    import json

    stale = []
    for stem in stems:
        if stem not in variants.variant_stems():
            continue
        try:
            shipped = json.loads(visible.shipped_path(stem).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            shipped = {}
        if shipped.get("source") != source_of(stem, solutions) or (
            shipped.get("format") != visible.FORMAT
        ):
            stale.append(stem)
    return stale


def build_mistakes(
    stems: list[str], solutions: Path = SOLUTIONS_DIR, out: Path | None = None, workers: int = 2
) -> list[Path]:
    """Write the shipped mistakes file of every stem of ``stems`` that has known mistakes."""
    from autograde.grading.pipeline import prepare_template
    from autograde.verdicts.key import KEYS_DIR, key_path
    from autograde.verdicts.misconceptions import prints_path

    stems = [s for s in stems if s in variants.variant_stems()]
    if not stems:
        return []
    fast_before = os.environ.get("NN_COURSE_FAST")
    os.environ["NN_COURSE_FAST"] = "1"  # nn-course check runs in fast mode
    written = []
    try:
        with tempfile.TemporaryDirectory(prefix="nn-course-mistakes-") as tmp:
            template = Path(tmp) / "course"
            prepare_template(template, stems, solutions, workers=workers)
            keys = template / KEYS_DIR
            for stem in stems:
                payload = visible.cut(
                    key_path(keys, stem), prints_path(keys, stem), source_of(stem, solutions)
                )
                path = visible.shipped_path(stem, out)
                visible.write(path, payload)
                written.append(path)
    finally:
        if fast_before is None:
            os.environ.pop("NN_COURSE_FAST", None)
        else:
            os.environ["NN_COURSE_FAST"] = fast_before
    return written
