"""The gradebook's schema version, read in this process instead of from an ``alembic`` process.

nbgrader stamps every *new* gradebook with the head revision of its migrations, and finds that
revision by running ``alembic heads`` as a program (``nbgrader.api.get_alembic_version``). That
program imports all of nbgrader again: about 2.5 s of CPU each time a course folder is made
(the class template, a class's merged gradebook), where reading the same revision from the
migration scripts in this process, whose nbgrader is already imported, takes about 0.1 s.

:func:`read_head_in_process` makes nbgrader use :func:`head_revision`; it is idempotent.
"""

from __future__ import annotations

import functools


@functools.cache
def head_revision() -> str:
    """The head revision of nbgrader's gradebook migrations (``e43177bfe90b`` for 0.9)."""
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    head = ScriptDirectory(ALEMBIC_DIR).get_current_head()
    if not head:
        raise RuntimeError(f"nbgrader's migrations in {ALEMBIC_DIR} name no head revision")
    return head


def read_head_in_process() -> None:
    """Have ``nbgrader.api`` stamp new gradebooks with :func:`head_revision`."""
    import nbgrader.api

    nbgrader.api.get_alembic_version = head_revision
