"""nn-course instructor side: release notebooks, autograde a class, audit the tests.

- ``cli``: the ``nn-course`` command; ``commands/``: one module per subcommand;
- ``release/``: solutions/ -> nbs/ with nbgrader (the instructor's process);
- ``grading/``: a class in, grades.csv out (the instructor's process, then one worker
  process per student);
- ``hardening/``: what makes a hostile notebook gradeable (the worker; ``kernel_guard`` runs
  inside the sandboxed kernel);
- ``audit``: every known-wrong and known-right answer through the real pipeline;
- ``variants/``: those known answers, one module per notebook.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

# jsonschema (imported by nbformat, so by nbgrader) imports rfc3987_syntax when it is
# installed, and that builds a parser grammar at import: ~2 s of CPU in every grading process.
# Notebook validation never checks IRI formats, so this package's processes do without it.
sys.modules.setdefault("rfc3987_syntax", None)


def _scripts_on_path() -> None:
    """Put this Python's scripts folder first on PATH, for the programs nbgrader runs by name.

    nbgrader starts the kernel machinery (``jupyter``) and, where
    :mod:`autograde.release.alembic_head` is not in use, ``alembic`` from PATH; in a virtual
    environment that was not activated (``.venv/bin/nn-course ...``) those are not on PATH,
    and every gradebook would fail to open.
    """
    import sysconfig

    folders = [sysconfig.get_path("scripts"), os.path.dirname(sys.executable)]
    path = os.environ.get("PATH", "").split(os.pathsep)
    missing = [f for f in dict.fromkeys(folders) if f and f not in path]
    if missing:
        os.environ["PATH"] = os.pathsep.join([*missing, *filter(None, path)])


_scripts_on_path()

#: Where this package's sources are (a checkout of the course when installed with -e).
PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def course_root() -> Path:
    """The course checkout holding solutions/ and nbs/.

    ``NN_COURSE_ROOT`` when set; else this package's checkout; else the working directory.
    """
    env = os.environ.get("NN_COURSE_ROOT")
    if env:
        return Path(env).resolve()
    if (PACKAGE_ROOT / "solutions").is_dir():
        return PACKAGE_ROOT
    return Path.cwd()
