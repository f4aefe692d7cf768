"""The students' distribution: what they need to run and check the notebooks, nothing else.

A clone of this repository holds ``solutions/`` (every answer and hidden test) and
``autograde/variants/`` (working right and wrong answers); a student must get neither.
:func:`build` writes ``nn-course-student-VERSION.zip``, a source archive ``pip`` installs
(``pip install nn-course-student-0.1.0.zip``), holding:

- the ``course`` support library, with the released notebooks as package data
  (``course/notebooks/*.ipynb``, exactly ``nbs/``: solutions stubbed, hidden tests removed);
- the ``nn-course`` command without the instructor's known answers and audit
  (``nn-course lab`` and ``nn-course check`` work as in the course checkout);
- a README for students and a ``pyproject.toml`` with the course's own dependencies.

:func:`leaks` scans a built archive for every hidden-test line of ``solutions/`` and every
line of the known answers that appears nowhere students may see; the release test runs it.

    archive = build(Path("dist"))
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from autograde import course_root
from autograde.grading.feedback import HIDDEN_BLOCK

#: Package paths (relative to the repository) that never go to students.
EXCLUDED = ("autograde/variants", "autograde/audit.py", "autograde/commands/audit.py")
#: Lines shorter than this are too common to count as a leak ("else:", "return x").
MIN_LEAK_LINE = 16

STUDENT_README = """\
# nn-course for students

Six notebooks on neural networks with tests you can run yourself.

    python3 -m venv .venv && .venv/bin/pip install {archive}
    .venv/bin/nn-course lab

`nn-course lab` copies the notebooks into your work folder (`~/nn-course`, or `--work DIR`)
the first time and opens JupyterLab there; later runs never overwrite a notebook you have, so
installing a newer version of the course cannot touch your work (new notebooks are added).
`nn-course check ~/nn-course/04_convolution.ipynb` runs a copy of a notebook as the grader
would and prints a table of exercises. Hidden tests run as well when your notebook is graded:
the table says how many points they also guard. Hand in the `.ipynb` files under their names.
"""


def _version(pyproject: str) -> str:
    match = re.search(r'^version = "([^"]+)"', pyproject, re.M)
    return match[1] if match else "0"


def _student_pyproject(pyproject: str) -> str:
    """The course's pyproject.toml for the student package: its name, data, no test tools."""
    text = pyproject.replace('name = "nn-course"', 'name = "nn-course-student"', 1)
    text = re.sub(
        r"\n\[project\.optional-dependencies\].*?(?=\n\[project\.scripts\])", "\n", text, flags=re.S
    )
    text = re.sub(
        r"\[tool\.setuptools\.package-data\].*?(?=\n\[)",
        '[tool.setuptools.package-data]\ncourse = ["data/*.npz", "data/*.md", "data/mistakes/*.json", "notebooks/*.ipynb"]\n'
        'autograde = ["*.py"]\n',
        text,
        flags=re.S,
    )
    return re.split(r"\n\[tool\.pytest", text)[0] + "\n"


def _package_files(root: Path) -> list[Path]:
    """The files of ``course`` and ``autograde`` that students get."""
    files = []
    for package in ("course", "autograde"):
        for path in sorted((root / package).rglob("*")):
            rel = path.relative_to(root).as_posix()
            if not path.is_file() or "__pycache__" in rel or path.suffix == ".pyc":
                continue
            if any(rel == e or rel.startswith(e + "/") for e in EXCLUDED):
                continue
            files.append(path)
    return files


def build(out: Path, root: Path | None = None) -> Path:
    """Write the students' archive into ``out``; returns its path."""
    root = root or course_root()
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    version = _version(pyproject)
    name = f"nn-course-student-{version}"
    out.mkdir(parents=True, exist_ok=True)
    archive = out / f"{name}.zip"
    tmp = archive.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{name}/pyproject.toml", _student_pyproject(pyproject))
        zf.writestr(f"{name}/README.md", STUDENT_README.format(archive=archive.name))
        for path in _package_files(root):
            zf.write(path, f"{name}/{path.relative_to(root).as_posix()}")
        for notebook in sorted((root / "nbs").glob("*.ipynb")):
            zf.write(notebook, f"{name}/course/notebooks/{notebook.name}")
    tmp.replace(archive)
    return archive


def _lines(text: str) -> set[str]:
    return {ln.strip() for ln in text.splitlines() if len(ln.strip()) >= MIN_LEAK_LINE}


def secret_lines(root: Path | None = None) -> dict[str, set[str]]:
    """Lines students must not get, by where they come from, less what they may see anyway
    (the released notebooks and the support library)."""
    import json

    root = root or course_root()
    public: set[str] = set()
    for nb in (root / "nbs").glob("*.ipynb"):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            public |= _lines("".join(cell["source"]))
    for path in (root / "course").rglob("*.py"):
        public |= _lines(path.read_text(encoding="utf-8"))
    secrets: dict[str, set[str]] = {}
    for nb in sorted((root / "solutions").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        hidden, written = set(), set()
        for cell in cells:
            for block in HIDDEN_BLOCK.findall("".join(cell["source"])):
                hidden |= _lines(block)
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell["cell_type"] == "markdown" and meta.get("grade") and meta.get("solution"):
                written |= _lines("".join(cell["source"]))  # the master answer and its rubric
        secrets[f"hidden tests of {nb.stem}"] = hidden - public
        secrets[f"written answers and rubrics of {nb.stem}"] = written - public
    for path in sorted((root / "autograde" / "variants").glob("[0-9]*.py")):  # not the loader
        secrets[f"known answers {path.name}"] = _lines(path.read_text(encoding="utf-8")) - public
    return secrets


def _member_text(data: bytes, name: str) -> str:
    """A member as text; a notebook as its cells' sources and outputs, one line per line."""
    import json

    text = data.decode("utf-8", "replace")
    if name.endswith(".ipynb"):
        try:
            cells = json.loads(text).get("cells", [])
        except (ValueError, AttributeError):
            return text
        parts = []
        for cell in cells:
            parts.append("".join(cell.get("source", [])))
            for out in cell.get("outputs", []):
                parts.append("".join(out.get("text", [])))
                parts.append("".join(out.get("data", {}).get("text/plain", [])))
        return "\n".join(parts)
    return text


def leaks(archive: Path, root: Path | None = None) -> list[str]:
    """Each secret line found in ``archive``, as ``member: where the line comes from``."""
    secrets = secret_lines(root)
    found = []
    with zipfile.ZipFile(archive) as zf:
        for member in zf.namelist():
            present = _lines(_member_text(zf.read(member), member))
            for where, lines in secrets.items():
                hits = lines & present
                if hits:
                    found.append(
                        f"{member}: {len(hits)} lines of the {where}, e.g. {sorted(hits)[0]!r}"
                    )
    return found
