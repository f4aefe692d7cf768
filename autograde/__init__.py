"""nn-course instructor side: release notebooks, autograde a class, audit the tests.

Steps live in their own modules: ``coursefolder`` (an isolated nbgrader course folder),
``release`` (solutions/ -> nbs/), ``submissions`` (collect a class safely), ``pipeline``
(autograde, feedback, grades), ``authoring`` (build nbgrader cells), ``cli`` (the commands).
"""

from __future__ import annotations

from pathlib import Path

#: The repository (or installed package) root that holds solutions/ and nbs/.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
