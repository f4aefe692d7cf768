"""Test the tests: every known-wrong answer must lose points, every known-right one must not.

    report = run_audit(["01_neurons"], workers=2)
    print(report.table()); sys.exit(0 if report.ok else 1)

For each notebook with a variants file ``autograde/variants/NN_topic.py`` (``WRONG`` and
``RIGHT``: ``{grade_id: {label: source}}``, each source replacing that solution cell), the
audit builds submissions from the solution notebook with variants substituted and grades them
through the real pipeline (:func:`autograde.grading.pipeline.grade_class`, with its workers):

- a *wrong* variant is caught when some ``<grade_id>_test*`` cell loses points;
- a *right* variant is accepted when the whole notebook keeps full marks;
- the solution notebook itself, graded alongside, must be at full marks (else nothing about
  that notebook can be concluded, and the audit reports it as a problem).

Executing a notebook is the cost, so variants are batched, and batches are split only when
something fails:

- right variants: batch ``k`` holds the ``k``-th right variant of every exercise;
- wrong variants: batch ``k`` holds at most one wrong variant per exercise, and never two for
  exercises where one's cells read names the other's cell defines (found statically, see
  :func:`exercise_dependencies`), so that a wrong ``double`` cannot make ``quadruple``'s tests
  fail in its place. A batch whose notebook did not grade cleanly, or in which an exercise with
  no variant lost points, is not trusted: its variants are graded again one by one, as is
  every variant a batch did not settle (a wrong one not caught, a right one not accepted).
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from autograde.grading.results import DEFAULT_CELL_TIMEOUT, GradingSettings, full_marks
from autograde.release.coursefolder import SOLUTIONS_DIR
from autograde.variants import VARIANTS_DIR, variant_stems
from autograde.variants.plan import (  # noqa: F401 - the audit's public names, as before
    Trial,
    Variant,
    exercise_dependencies,
    grading_cells,
    load_variants,
    plan_right,
    plan_wrong,
    solution_ids,
    substitute,
)
from autograde.verdicts.key import KeyFailed

#: How a verdict's detail says that the feedback named the mistake after its own variant.
NAMED = "named as itself"


@dataclass
class Verdict:
    """What grading said about one variant."""

    variant: Variant
    ok: bool
    detail: str
    alone: bool  # settled by a notebook holding this variant only


@dataclass
class AuditReport:
    verdicts: list[Verdict]
    problems: list[str] = field(default_factory=list)  # variants files that cannot be used
    warnings: list[str] = field(default_factory=list)  # thin coverage
    notebooks_graded: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.verdicts) and all(v.ok for v in self.verdicts)

    def summary(self) -> list[tuple[str, str, int, int, int, int]]:
        """(stem, grade_id, wrong caught, wrong total, right accepted, right total) rows."""
        counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for v in self.verdicts:
            c = counts[(v.variant.stem, v.variant.grade_id)]
            base = 0 if v.variant.kind == "wrong" else 2
            c[base] += int(v.ok)
            c[base + 1] += 1
        return [(s, g, *c) for (s, g), c in counts.items()]

    def named(self) -> dict[tuple[str, str], int]:
        """(stem, grade_id) -> how many of its wrong variants the feedback named as
        themselves (the others were caught without a name; none was misnamed, or it failed)."""
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for v in self.verdicts:
            if v.variant.kind == "wrong" and v.ok and v.detail.endswith(NAMED):
                counts[(v.variant.stem, v.variant.grade_id)] += 1
        return counts

    def table(self) -> str:
        lines = [
            f"{'notebook':<18} {'exercise':<24} {'wrong caught':>13} {'right accepted':>15}"
            f" {'named':>7}"
        ]
        named = self.named()
        for stem, gid, wc, wt, ra, rt in self.summary():
            flag = "" if wc == wt and ra == rt else "   <-- FAIL"
            lines.append(
                f"{stem:<18} {gid:<24} {wc:>6}/{wt:<6} {ra:>7}/{rt:<7} "
                f"{named.get((stem, gid), 0):>3}/{wt:<3}{flag}"
            )
        caught = sum(v.ok for v in self.verdicts if v.variant.kind == "wrong")
        wrong = sum(v.variant.kind == "wrong" for v in self.verdicts)
        accepted = sum(v.ok for v in self.verdicts if v.variant.kind == "right")
        right = len(self.verdicts) - wrong
        lines.append(
            f"{'total':<43} {caught:>6}/{wrong:<6} {accepted:>7}/{right:<7} "
            f"{sum(named.values()):>3}/{wrong:<3} ({self.notebooks_graded} notebooks graded)"
        )
        for v in self.verdicts:
            if not v.ok:
                what = "NOT CAUGHT" if v.variant.kind == "wrong" else "NOT ACCEPTED"
                lines.append(
                    f"{what}: {v.variant.stem} {v.variant.grade_id} "
                    f"{v.variant.kind} {v.variant.label!r}: {v.detail}"
                )
        lines += [f"problem: {p}" for p in self.problems]
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)


# ------------------------------------------------------------------------------- judging


def _cell_scores(row) -> dict[str, tuple[float, float]]:
    """grade id -> (score, max) of every cell decided without a person (written answers wait)."""
    return {
        c.grade_id: (float(c.score), float(c.max_score))
        for c in row.cells
        if not getattr(c, "pending", False)
    }


def judge(
    trial: Trial, row, nb: dict, require_names: bool = False
) -> tuple[dict[Variant, tuple[bool, str]], bool]:
    """Verdicts on a graded trial, and whether the batch can be trusted as a whole.

    A wrong variant must lose points; named after another mistake it fails; with
    ``require_names`` (the course's own variants, whose prints the grader keeps) it also fails
    when the feedback does not name it as itself.

    A batch of several variants is untrusted when its notebook did not grade cleanly, or when
    an exercise it left alone lost points (the variants interacted after all).
    """
    scores = _cell_scores(row)
    alone = len(trial.variants) == 1
    clean = row.status == "graded"
    verdicts: dict[Variant, tuple[bool, str]] = {}
    for v in trial.variants:
        if v.kind == "right":
            full = full_marks(row)
            lost = [
                f"{c.grade_id}" + (f" ({c.message.strip()[:300]})" if c.message.strip() else "")
                for c in sorted(row.cells, key=lambda c: c.grade_id)
                if float(c.score) < float(c.max_score) and not getattr(c, "pending", False)
            ]
            detail = (
                "full marks"
                if full
                else f"{row.score:g}/{row.max_score:g} ({row.status}), points lost in "
                + (", ".join(lost) or "no graded cell")
                + (f": {row.message.strip()[-300:]}" if row.message.strip() else "")
            )
            verdicts[v] = (full, detail)
        else:
            tests = grading_cells(nb, v.grade_id)
            lost = [t for t in tests if t in scores and scores[t][0] < scores[t][1]]
            if not tests:
                verdicts[v] = (False, f"the notebook has no {v.grade_id}_test* cell")
            elif lost:
                named = {c.misconception for c in row.cells if c.grade_id in lost}
                named.discard("")
                wrong_names = sorted(named - {v.label})
                if wrong_names:  # precision first: a failure named after another mistake
                    verdicts[v] = (
                        False,
                        f"points lost in {', '.join(lost)}, but the feedback "
                        f"names it {wrong_names}",
                    )
                elif require_names and v.label not in named:
                    verdicts[v] = (
                        False,
                        f"points lost in {', '.join(lost)}, but the feedback does not name it "
                        "(do the tests tell it apart from every other known mistake?)",
                    )
                else:
                    said = NAMED if v.label in named else "not named"
                    verdicts[v] = (True, f"points lost in {', '.join(lost)}; {said}")
            else:
                verdicts[v] = (False, f"full marks in {', '.join(tests)}")
    trusted = alone or clean
    if not alone and trusted and any(v.kind == "wrong" for v in trial.variants):
        touched = {v.grade_id for v in trial.variants}
        for gid in solution_ids(nb):
            if gid in touched:
                continue
            if any(
                scores.get(t, (1, 1))[0] < scores.get(t, (1, 1))[1] for t in grading_cells(nb, gid)
            ):
                trusted = False
    return verdicts, trusted


# ------------------------------------------------------------------------------- running


def _grade_trials(
    trials: list[Trial],
    notebooks: dict[str, dict],
    solutions: Path,
    workers: int,
    scheduler: str | None,
    cell_timeout: int,
    progress: bool,
    label: str,
) -> dict[int, object]:
    """Grade ``trials`` through the real pipeline; returns the Row of each (by index).

    Trials of different notebooks share a student (one grading process grades them all);
    a student never holds two trials of the same notebook.
    """
    from autograde.grading.pipeline import grade_class

    slots: dict[str, int] = defaultdict(int)
    for t in trials:
        slots[t.stem] += 1
        t.student_id = f"audit-{label}-{slots[t.stem]:03d}"
    stems = sorted({t.stem for t in trials})
    with tempfile.TemporaryDirectory(prefix="nn-course-audit-") as tmp:
        klass, out = Path(tmp) / "class", Path(tmp) / "out"
        for t in trials:
            path = klass / t.student_id / f"{t.stem}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(substitute(notebooks[t.stem], t.variants)), encoding="utf-8")
        report = grade_class(
            klass,
            out,
            stems=stems,
            solutions=solutions,
            settings=GradingSettings(cell_timeout=cell_timeout),
            progress=progress,
            workers=workers,
            scheduler=scheduler,
        )
    rows = {(r.student_id, r.notebook): r for r in report.rows}
    return {i: rows[(t.student_id, t.stem)] for i, t in enumerate(trials)}


def run_audit(
    stems: list[str] | None = None,
    *,
    solutions: Path = SOLUTIONS_DIR,
    variants_dir: Path = VARIANTS_DIR,
    workers: int = 1,
    scheduler: str | None = None,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    isolated: bool = False,
    progress: bool = True,
) -> AuditReport:
    """Audit ``stems`` (default: every notebook with a variants file); see the module doc.

    ``isolated`` grades every variant in a notebook of its own (no batching): slower, for
    checking the batching itself.
    """
    stems = stems or variant_stems(variants_dir)
    # the grader keeps prints of the course's own variants only: those must all be named
    require_names = Path(variants_dir).resolve() == VARIANTS_DIR.resolve()
    report = AuditReport([])
    notebooks: dict[str, dict] = {}
    first_round: list[Trial] = []
    for stem in stems:
        nb_path = Path(solutions) / f"{stem}.ipynb"
        try:
            variants = load_variants(stem, variants_dir)
            if not nb_path.is_file():
                raise FileNotFoundError(f"no solution notebook {nb_path}")
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
            known = solution_ids(nb)
            unknown = sorted({v.grade_id for v in variants} - set(known))
            if unknown:
                raise ValueError(f"variants for grade ids with no solution cell: {unknown}")
        except (OSError, ValueError, SyntaxError) as exc:
            report.problems.append(f"{stem}: {exc}")
            continue
        notebooks[stem] = nb
        for gid in known:
            n_wrong = sum(v.grade_id == gid and v.kind == "wrong" for v in variants)
            n_right = sum(v.grade_id == gid and v.kind == "right" for v in variants)
            if n_wrong < 2 or n_right < 1:
                report.warnings.append(
                    f"{stem} {gid}: {n_wrong} wrong and {n_right} right variants "
                    "(at least 2 wrong and 1 right expected)"
                )
        first_round.append(Trial(stem, ()))  # the solution itself: the baseline
        if isolated:
            first_round += [Trial(stem, (v,)) for v in variants]
        else:
            deps = exercise_dependencies(nb, variants)
            first_round += plan_wrong(variants, deps, known) + plan_right(variants)
    if not first_round:
        if not report.problems:
            report.problems.append("no variants to audit")
        return report

    args = (notebooks, Path(solutions), workers, scheduler, cell_timeout, progress)
    try:
        rows = _grade_trials(first_round, *args, label="batch")
    except KeyFailed as exc:  # the solution fails its own tests: no key, nothing to conclude
        report.problems.append(
            f"{exc.notebook}: the solution notebook itself scores {exc.score:g}/"
            f"{exc.max_score:g}, so no answer key can be made: {exc}"
        )
        return report
    report.notebooks_graded += len(first_round)
    settled: dict[Variant, Verdict] = {}
    again: list[Trial] = []
    baseline_failed = set()
    for i, trial in enumerate(first_round):
        row = rows[i]
        if not trial.variants and not full_marks(row):
            baseline_failed.add(trial.stem)
            report.problems.append(
                f"{trial.stem}: the solution notebook itself scores {row.score:g}/"
                f"{row.max_score:g} ({row.status}): {row.message.strip()[-300:]}"
            )
    for i, trial in enumerate(first_round):
        if trial.stem in baseline_failed:
            continue  # nothing can be concluded from a notebook whose solution loses points
        verdicts, trusted = judge(trial, rows[i], notebooks[trial.stem], require_names)
        alone = len(trial.variants) == 1
        for v, (ok, detail) in verdicts.items():
            if alone or (trusted and ok):
                settled[v] = Verdict(v, ok, detail, alone)
            else:
                again.append(Trial(v.stem, (v,)))
    if again:
        rows = _grade_trials(again, *args, label="alone")
        report.notebooks_graded += len(again)
        for i, trial in enumerate(again):
            verdicts, _ = judge(trial, rows[i], notebooks[trial.stem], require_names)
            for v, (ok, detail) in verdicts.items():
                settled[v] = Verdict(v, ok, detail, True)
    order = [v for t in first_round for v in t.variants if v in settled]
    report.verdicts = sorted(
        (settled[v] for v in order),
        key=lambda vd: (vd.variant.stem, _rank(notebooks, vd.variant), vd.variant.kind == "right"),
    )
    return report


def _rank(notebooks: dict[str, dict], v: Variant) -> int:
    ids = solution_ids(notebooks[v.stem])
    return ids.index(v.grade_id) if v.grade_id in ids else len(ids)
