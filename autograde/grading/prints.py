"""The prints of the known mistakes of a class (see :mod:`autograde.verdicts.misconceptions`).

Once per class, after the answer keys: every known-wrong answer of ``autograde/variants`` is
graded like a hand-in against the template (batched as the audit batches them, at most one
mistake per exercise in a notebook and never two that interact), its records are kept, and
for each test cell of its exercise (failed or not) they become that mistake's print, with its
hint, in ``keys/<notebook>.prints.json``. Cached beside the keys, notebook by notebook.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from autograde import variants
from autograde.grading.executors import make_executor
from autograde.grading.keys import cache_dir, fingerprint, save_to_cache
from autograde.grading.results import GradingSettings, StudentJob
from autograde.grading.shared import SHARED_DIR
from autograde.grading.submissions import collect
from autograde.variants.plan import (
    Trial,
    exercise_dependencies,
    grading_cells,
    load_variants,
    plan_wrong,
    solution_ids,
    substitute,
)
from autograde.verdicts.key import KEYS_DIR
from autograde.verdicts.misconceptions import prints_path, write_prints


def _trials(stem: str, solutions: Path) -> tuple[dict, list[Trial]]:
    nb = json.loads((solutions / f"{stem}.ipynb").read_text(encoding="utf-8"))
    known = [v for v in load_variants(stem) if v.kind == "wrong"]
    if not known:
        return nb, []
    return nb, plan_wrong(known, exercise_dependencies(nb, known), solution_ids(nb))


def build_prints(
    template: Path,
    stems: list[str],
    solutions: Path,
    settings: GradingSettings,
    workers: int = 1,
) -> None:
    """Make (or take from the cache) the prints of ``stems`` into ``template/keys``."""
    stems = [s for s in stems if s in variants.variant_stems()]
    target = Path(template) / KEYS_DIR
    shared = Path(template) / SHARED_DIR
    cached = {s: cache_dir() / (fingerprint([s], solutions, shared) + "-prints") for s in stems}
    for stem in list(stems):
        if prints_path(cached[stem], stem).is_file():
            shutil.copyfile(prints_path(cached[stem], stem), prints_path(target, stem))
            stems.remove(stem)
    if not stems:
        return
    notebooks, trials = {}, []
    for stem in stems:
        notebooks[stem], planned = _trials(stem, solutions)
        trials += planned
    slots: dict[str, int] = defaultdict(int)
    for t in trials:
        slots[t.stem] += 1
        t.student_id = f"mistake-{slots[t.stem]:03d}"
    prints: dict[str, dict[str, list[dict]]] = {stem: {} for stem in stems}
    with tempfile.TemporaryDirectory(prefix="nn-course-prints-") as tmp:
        klass_dir, records = Path(tmp) / "class", Path(tmp) / "records"
        for t in trials:
            path = klass_dir / t.student_id / f"{t.stem}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(substitute(notebooks[t.stem], t.variants)), "utf-8")
        if trials:
            klass = collect(klass_dir, stems, Path(tmp) / "collected")
            jobs = [
                StudentJob(sid, tuple(klass.hand_ins[sid][stem] for stem in stems))
                for sid in klass.students
            ]
            max_scores = {stem: 0.0 for stem in stems}
            make_executor(workers, None).grade(
                Path(template),
                jobs,
                max_scores,
                replace(settings, records_dir=str(records)),
                Path(tmp) / "work",
                progress=False,
            )
        for t in trials:
            kept = records / t.student_id / f"{t.stem}.json"
            try:
                cells = json.loads(kept.read_text(encoding="utf-8"))["cells"]
            except (OSError, ValueError, KeyError):
                continue
            hints = variants.hints(t.stem)
            for v in t.variants:
                for test in grading_cells(notebooks[t.stem], v.grade_id):
                    cell = cells.get(test)
                    if cell is None:
                        continue
                    prints[t.stem].setdefault(test, []).append(
                        {
                            "exercise": v.grade_id,
                            "label": v.label,
                            "hint": hints.get(v.grade_id, {}).get(v.label, ""),
                            "lines": cell["lines"],
                            "failed": not cell["passed"],
                            "error": cell.get("error", ""),
                            "uses": cell.get("uses", []),
                        }
                    )
    for stem in stems:
        write_prints(prints_path(target, stem), prints[stem])
    save_to_cache({prints_path(target, s): prints_path(cached[s], s) for s in stems})
