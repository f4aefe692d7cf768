"""nn-course instructor side: release notebooks, autograde a class, audit the tests.

Steps live in their own modules: ``coursefolder`` (an isolated nbgrader course folder),
``release`` (solutions/ -> nbs/), ``submissions`` (collect a class safely), ``grade_student``
(one student, in a process of its own), ``pipeline`` (the class: grades and feedback),
``authoring`` (build nbgrader cells), ``cli`` (the commands).
"""

from __future__ import annotations

import os
from pathlib import Path

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
