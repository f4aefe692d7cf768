"""Fill, once in the warm grading server, caches every student's process filled alone.

Imported by the server that forks each student's worker (:data:`autograde.grading.launch.PRELOAD`
names this module; importing it does the work). Profiled with ``py-spy`` while grading, each
forked worker spent about 0.2 s of CPU, every time the same, on:

- compiling nbformat's JSON-schema validators (``fastjsonschema``): nbconvert validates each
  notebook with ``relax_add_props=True``, nbgrader without, and a validator is compiled per
  (version, minor version, relaxation) on first use: about 70 ms a student;
- configuring SQLAlchemy's mappers for nbgrader's gradebook tables, done lazily at the first
  query: about 50 ms a student;
- building Pygments' lexers for the feedback page's code (IPython's and Python's): a lexer
  class compiles its token rules on first use, about 70 ms a student.

Both are functions of the installed libraries only (no path, no student, no gradebook), so a
child forked after this sees exactly what it would have built itself.
"""

from __future__ import annotations

#: The lexers the feedback page highlights with: code cells (the kernel's ``ipython3``) and
#: fenced code in Markdown (``python``).
LEXERS = ("ipython3", "python")
#: nbformat 4 minor versions whose validators are compiled ahead: 4.5 is what Jupyter writes
#: now (cell ids), 4.4 what older Jupyters and many hand-ins carry.
NBFORMAT_MINORS = (4, 5)


def warm() -> None:
    """Compile the notebook validators, configure the gradebook's mappers, build the lexers."""
    import nbformat.validator
    import nbgrader.api  # noqa: F401 - defines the gradebook's mapped classes
    import sqlalchemy.orm
    from pygments.lexers import get_lexer_by_name

    for minor in NBFORMAT_MINORS:
        for relax in (False, True):
            nbformat.validator.get_validator(4, minor, relax_add_props=relax)
    sqlalchemy.orm.configure_mappers()
    for name in LEXERS:
        get_lexer_by_name(name)


warm()
