"""``OUT/report.html``: the class at a glance, one page that opens offline.

Figures (matplotlib, embedded as PNG data): the score distribution of each notebook, the
share of students who solved each exercise, the grading time of each notebook. Tables: the
most common failures of each exercise with their counts (the first line of the failing
check's message) and the known mistakes named most often, the hand-ins that were missing, invalid, timed out, crashed or could not be
graded, and every student's scores with links to their feedback pages. No script, no request:
the page carries everything it shows.
"""

from __future__ import annotations

import base64
import html
import io
import re
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

from autograde.grading.feedback import CSP
from autograde.grading.results import Row, split_test_id

PROBLEM_KINDS = ["missing", "invalid", "timed out", "crashed", "tampering", "error"]


def exercise_of(grade_id: str) -> str:
    """The exercise a test cell checks: ``and_gate_test_hidden`` -> ``and_gate``."""
    return split_test_id(grade_id)[0]


def problem_kind(row: Row) -> str | None:
    """What went wrong with a hand-in, in the report's words (None: nothing)."""
    if row.status in ("missing", "invalid"):
        return row.status
    text = row.message
    if "was stopped after" in text:
        return "timed out"
    if "ran out of memory" in text or re.search(r"the kernel \w+.* while running", text):
        return "crashed"
    if "checking machinery was changed" in text or "integrity check did not answer" in text:
        return "tampering"
    if row.status == "error":
        return "error"
    return None


def _figure_png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _img(png: str, alt: str, name: str) -> str:
    return (
        f'<figure><img id="fig-{name}" alt="{html.escape(alt)}" '
        f'src="data:image/png;base64,{png}"><figcaption>{html.escape(alt)}</figcaption></figure>'
    )


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def score_figure(rows: list[Row], stems: list[str]) -> str:
    """Histograms of score / max score (percent) per notebook, handed-in notebooks only."""
    plt = _plt()
    from matplotlib.ticker import MaxNLocator

    cols = min(3, len(stems)) or 1
    lines = (len(stems) + cols - 1) // cols or 1
    fig, axes = plt.subplots(lines, cols, figsize=(4 * cols, 2.6 * lines), squeeze=False)
    for ax, stem in zip(axes.flat, stems, strict=False):
        handed_in = [
            r for r in rows if r.notebook == stem and r.max_score and r.status != "missing"
        ]
        got = [100 * r.score / r.max_score for r in handed_in]
        ax.hist(got, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.001], color="#4c72b0")
        ax.set_title(f"{stem} ({len(got)} handed in)", fontsize=9)
        ax.set_xlabel("score, % of the maximum", fontsize=8)
        ax.set_ylabel("students", fontsize=8)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in list(axes.flat)[len(stems) :]:
        ax.axis("off")
    fig.tight_layout()
    return _figure_png(fig)


def exercise_rates(rows: list[Row]) -> dict[tuple[str, str], tuple[int, int]]:
    """(notebook, exercise) -> (students with full marks on all its tests, students graded)."""
    solved: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for r in rows:
        if r.status != "graded":
            continue
        per_exercise: dict[str, bool] = {}
        for c in r.cells:
            if c.pending:
                continue
            ex = exercise_of(c.grade_id)
            per_exercise[ex] = per_exercise.get(ex, True) and c.score >= c.max_score
        for ex, ok in per_exercise.items():
            solved[(r.notebook, ex)].append(ok)
    return {k: (sum(v), len(v)) for k, v in solved.items()}


def rate_figure(rates: dict[tuple[str, str], tuple[int, int]]) -> str:
    plt = _plt()
    keys = sorted(rates)
    fig, ax = plt.subplots(figsize=(7, 0.28 * len(keys) + 1))
    shares = [100 * rates[k][0] / rates[k][1] if rates[k][1] else 0 for k in keys]
    colours = ["#55a868" if s >= 80 else "#dd8452" if s >= 50 else "#c44e52" for s in shares]
    ax.barh(range(len(keys)), shares, color=colours)
    ax.set_yticks(range(len(keys)), [f"{n[:2]} {e}" for n, e in keys], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("students with full marks on the exercise, % of those graded", fontsize=8)
    fig.tight_layout()
    return _figure_png(fig)


def time_figure(rows: list[Row], stems: list[str]) -> str:
    plt = _plt()
    data = [[r.seconds for r in rows if r.notebook == s and r.seconds > 0] or [0.0] for s in stems]
    fig, ax = plt.subplots(figsize=(7, 2.8))
    ax.boxplot(data)
    ax.set_xticks(range(1, len(stems) + 1), stems, fontsize=7, rotation=20)
    ax.set_ylabel("seconds per hand-in", fontsize=8)
    fig.tight_layout()
    return _figure_png(fig)


def common_failures(rows: list[Row], top: int = 3) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """(notebook, exercise) -> its ``top`` most common failure messages, with counts."""
    found: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in rows:
        for c in r.cells:
            if c.score < c.max_score and not c.pending and not c.written:
                message = c.message.strip() or "(no message: the check lost points silently)"
                found[(r.notebook, exercise_of(c.grade_id))][message[:200]] += 1
    return {k: v.most_common(top) for k, v in sorted(found.items())}


def common_misconceptions(
    rows: list[Row], top: int = 5
) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """(notebook, exercise) -> its ``top`` most often named known mistakes, with counts (from
    each cell's ``misconception``, never from message text)."""
    found: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in rows:
        for c in r.cells:
            if c.score < c.max_score and c.misconception:
                found[(r.notebook, exercise_of(c.grade_id))][c.misconception] += 1
    return {k: v.most_common(top) for k, v in sorted(found.items())}


def written_answers_section(rows: list[Row], stems: list[str]) -> list[str]:
    """The report's "Written answers" part: how many wait for a person, and where to grade."""
    waiting: Counter = Counter()
    graded: Counter = Counter()
    for r in rows:
        for c in r.cells:
            if c.written:
                (waiting if c.pending else graded)[r.notebook] += 1
    if not waiting and not graded:
        return []
    body = [
        [html.escape(s), str(graded[s]), str(waiting[s])] for s in stems if s in waiting | graded
    ]
    parts = ["<h2>Written answers</h2>"]
    if waiting:
        parts.append(
            f"<p id='written-waiting'>{sum(waiting.values())} written answers need manual grading: "
            "their notebooks say <code>needs manual grading</code> in grades.csv and are left empty "
            "in gradebook.csv. Grade them in nbgrader's formgrader (<code>cd nbgrader && jupyter "
            "lab</code>, then Nbgrader &gt; Formgrader), then run <code>nn-course grades</code> on "
            "this folder to merge the scores and comments into every file.</p>"
        )
    else:
        parts.append("<p id='written-waiting'>Every written answer has been graded.</p>")
    parts.append(_table(["notebook", "graded", "waiting"], body, "written"))
    return parts


def _table(header: list[str], body: list[list[str]], name: str) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    lines = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in line) + "</tr>" for line in body)
    return f'<table id="{name}"><thead><tr>{head}</tr></thead><tbody>{lines}</tbody></table>'


STYLE = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
table{border-collapse:collapse;margin:1em 0;font-size:90%}td,th{border:1px solid #ccc;
padding:.25em .6em;text-align:left;vertical-align:top}th{background:#f3f3f3}
img{max-width:100%}figure{margin:1em 0}figcaption{font-size:85%;color:#555}
.num{text-align:right}
"""


def render_report(rows: list[Row], stems: list[str], title: str = "nn-course: the class") -> str:
    """The page's HTML for ``rows`` (every student x notebook of one run)."""
    e = html.escape
    students = sorted({r.student_id for r in rows})
    counts: dict[str, Counter] = {s: Counter() for s in stems}
    for r in rows:
        counts.setdefault(r.notebook, Counter())[r.status] += 1
    statuses = ["graded", "missing", "invalid", "error"]
    summary = [
        [e(s)] + [f'<span class="num" data-status="{st}">{counts[s][st]}</span>' for st in statuses]
        for s in stems
    ]
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{e(title)}</title>",
        CSP,
        f"<style>{STYLE}</style></head><body><h1>{e(title)}</h1>",
        f"<p>{len(students)} students, {len(stems)} notebooks. Files: "
        "<a href='grades.csv'>grades.csv</a>, <a href='gradebook.csv'>gradebook.csv</a>, "
        "<a href='exercises.csv'>exercises.csv</a>, <a href='manifest.json'>manifest.json</a>.</p>",
        "<h2>Hand-ins by status</h2>",
        _table(["notebook", *statuses], summary, "status-counts"),
        "<h2>Scores</h2>",
        _img(score_figure(rows, stems), "score distribution of each notebook", "scores"),
    ]
    rates = exercise_rates(rows)
    if rates:
        parts += [
            "<h2>Exercises</h2>",
            _img(rate_figure(rates), "share of graded students who solved each exercise", "rates"),
        ]
        failures = common_failures(rows)
        body = [
            [
                e(n),
                e(ex),
                f"{rates.get((n, ex), (0, 0))[0]} / {rates.get((n, ex), (0, 0))[1]}",
                "<br>".join(f"<b>{k}</b> &times; {e(m)}" for m, k in failing),
            ]
            for (n, ex), failing in failures.items()
        ]
        if body:
            parts += [
                "<h3>The most common failures of each exercise</h3>",
                _table(
                    ["notebook", "exercise", "solved", "failures (count and message)"],
                    body,
                    "failures",
                ),
            ]
    named = common_misconceptions(rows)
    if named:
        parts += [
            "<h3>Known mistakes, by exercise</h3>",
            "<p>Failures that behaved like one of the course's known-wrong answers, with how "
            "many students made each: what to teach again.</p>",
            _table(
                ["notebook", "exercise", "mistakes (count and name)"],
                [
                    [e(n), e(ex), "<br>".join(f"<b>{k}</b> &times; {e(m)}" for m, k in mistakes)]
                    for (n, ex), mistakes in named.items()
                ],
                "misconceptions",
            ),
        ]
    parts += written_answers_section(rows, stems)
    problems = [(r, problem_kind(r)) for r in rows]
    problems = [(r, k) for r, k in problems if k]
    parts.append("<h2>Hand-ins that need a look</h2>")
    if problems:
        order = {k: i for i, k in enumerate(PROBLEM_KINDS)}
        problems.sort(key=lambda p: (order.get(p[1], 99), p[0].student_id, p[0].notebook))
        parts.append(
            _table(
                ["student", "notebook", "what", "details"],
                [
                    [
                        e(r.student_id),
                        e(r.notebook),
                        f'<span data-kind="{e(k)}">{e(k)}</span>',
                        e(r.message[:400]),
                    ]
                    for r, k in problems
                ],
                "problems",
            )
        )
    else:
        parts.append("<p>None: every notebook was handed in and graded cleanly.</p>")
    parts += [
        "<h2>Grading time</h2>",
        _img(time_figure(rows, stems), "grading time per hand-in of each notebook", "time"),
    ]
    by_student: dict[str, dict[str, Row]] = defaultdict(dict)
    for r in rows:
        by_student[r.student_id][r.notebook] = r
    body = []
    for sid in students:
        mine = by_student[sid]
        cells = [e(sid)]
        for s in stems:
            r = mine.get(s)
            if r is None:
                cells.append("")
                continue
            link = f"feedback/{quote(sid)}/{quote(s)}.html"
            waiting = f" (+{r.pending_points:g} to grade)" if r.pending else ""
            cells.append(f"<a href='{link}'>{r.score:g} / {r.max_score:g}</a>{waiting}")
        total = sum(r.score for r in mine.values())
        most = sum(r.max_score for r in mine.values())
        cells.append(f"{total:g} / {most:g}")
        body.append(cells)
    parts += ["<h2>Students</h2>", _table(["student", *map(e, stems), "total"], body, "students")]
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(rows: list[Row], stems: list[str], path: Path) -> Path:
    path.write_text(render_report(rows, stems), encoding="utf-8")
    return path
