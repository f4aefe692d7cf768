"""One SQLAlchemy engine per gradebook file while a student is graded.

nbgrader opens its gradebook afresh for every step (``Gradebook(db_url)`` about fifteen times
per graded notebook: the autograde converter, the feedback converter, each score read), and
each opening makes a new engine. SQLAlchemy caches compiled SQL per engine, so every opening
compiles its queries again: about 0.4 s of CPU per notebook, an eighth of what grading adds to
running it. Inside :func:`shared_engines`, nbgrader's openings of one database share one
engine and so its cache; nbgrader's ``close()`` still disposes of the engine's connections
each time (SQLAlchemy makes new ones on the next use), so nothing stays open between steps.

    with shared_engines():
        api.autograde(...)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def shared_engines() -> Iterator[None]:
    """nbgrader's gradebooks share one engine per database URL inside the block; the engines
    are disposed of when it ends and nbgrader makes its own again afterwards."""
    import nbgrader.api

    original = nbgrader.api.create_engine
    engines: dict[tuple, object] = {}

    def create_engine(url, **kwargs):  # noqa: ANN001, ANN202 - SQLAlchemy's signature
        key = (str(url), tuple(sorted(kwargs.items())))
        if key not in engines:
            engines[key] = original(url, **kwargs)
        return engines[key]

    nbgrader.api.create_engine = create_engine
    try:
        yield
    finally:
        nbgrader.api.create_engine = original
        for engine in engines.values():
            engine.dispose()
