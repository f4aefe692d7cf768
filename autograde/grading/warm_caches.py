"""Fill, once in the warm grading server, two caches every student's process filled alone.

Imported by the server that forks each student's worker (:data:`autograde.grading.launch.PRELOAD`
names this module; importing it does the work). Profiled with ``py-spy`` while grading, each
forked worker spent about 0.12 s of CPU, every time the same, on:

- compiling nbformat's JSON-schema validators (``fastjsonschema``): nbconvert validates each
  notebook with ``relax_add_props=True``, nbgrader without, and a validator is compiled per
  (version, minor version, relaxation) on first use: about 70 ms a student;
- configuring SQLAlchemy's mappers for nbgrader's gradebook tables, done lazily at the first
  query: about 50 ms a student.

Both are functions of the installed libraries only (no path, no student, no gradebook), so a
child forked after this sees exactly what it would have built itself.
"""

from __future__ import annotations

#: nbformat 4 minor versions whose validators are compiled ahead: 4.5 is what Jupyter writes
#: now (cell ids), 4.4 what older Jupyters and many hand-ins carry.
NBFORMAT_MINORS = (4, 5)


def warm() -> None:
    """Compile the notebook validators and configure the gradebook's mappers now."""
    import nbformat.validator
    import nbgrader.api  # noqa: F401 - defines the gradebook's mapped classes
    import sqlalchemy.orm

    for minor in NBFORMAT_MINORS:
        for relax in (False, True):
            nbformat.validator.get_validator(4, minor, relax_add_props=relax)
    sqlalchemy.orm.configure_mappers()


warm()
