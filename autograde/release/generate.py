"""``nn-course release``: regenerate the student notebooks in nbs/ from solutions/.

The student copy is exactly what nbgrader's generate_assignment makes of the solution notebook
(solutions replaced by stubs, hidden tests removed, cells locked and checksummed), so
``release --check`` can prove that nbs/ has not drifted from solutions/.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from autograde.release.coursefolder import RELEASE_DIR, SOLUTIONS_DIR, CourseFolder, course_stems


def generate_releases(stems: list[str], solutions: Path = SOLUTIONS_DIR) -> dict[str, str]:
    """Released notebook text for each stem, generated in a scratch course folder."""
    with tempfile.TemporaryDirectory(prefix="nn-course-release-") as tmp:
        folder = CourseFolder.create(Path(tmp), stems, solutions)
        return {stem: folder.generate(stem).read_text(encoding="utf-8") for stem in stems}


def _canonical(text: str) -> object:
    return json.loads(text)


def out_of_date(
    stems: list[str], solutions: Path = SOLUTIONS_DIR, nbs: Path = RELEASE_DIR
) -> list[str]:
    """Stems whose nbs/ notebook differs from a fresh release (or is missing), plus strays."""
    fresh = generate_releases(stems, solutions)
    stale = []
    for stem, text in fresh.items():
        target = nbs / f"{stem}.ipynb"
        if not target.is_file() or _canonical(target.read_text(encoding="utf-8")) != _canonical(
            text
        ):
            stale.append(stem)
    strays = sorted(p.stem for p in nbs.glob("*.ipynb") if p.stem not in course_stems(solutions))
    return stale + [f"{s} (no solution notebook)" for s in strays]


def release(
    stems: list[str], solutions: Path = SOLUTIONS_DIR, nbs: Path = RELEASE_DIR
) -> list[Path]:
    """Write nbs/<stem>.ipynb for each stem; returns the files written."""
    nbs.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="nn-course-release-") as tmp:
        folder = CourseFolder.create(Path(tmp), stems, solutions)
        for stem in stems:
            target = nbs / f"{stem}.ipynb"
            shutil.copyfile(folder.generate(stem), target)
            written.append(target)
    return written
