"""One switch for heavy work: full runs for students, short runs while grading or in CI.

nbgrader sets ``NBGRADER_EXECUTION`` (``validate`` or ``autograde``) while it executes a
notebook; CI sets ``NN_COURSE_FAST=1``. Either turns the fast mode on; ``NN_COURSE_FAST=0``
forces it off even under nbgrader (useful to time the full notebook).
"""

from __future__ import annotations

import os

FAST_ENV = "NN_COURSE_FAST"


def fast_mode() -> bool:
    """True when training and other heavy steps should be cut short."""
    flag = os.environ.get(FAST_ENV, "").strip().lower()
    if flag in {"0", "false", "no", "off"}:
        return False
    if flag in {"1", "true", "yes", "on"}:
        return True
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def describe() -> str:
    """A one-line, human-readable statement of the current mode."""
    if fast_mode():
        why = "grading" if os.environ.get("NBGRADER_EXECUTION") else FAST_ENV
        return f"Fast mode is ON ({why}): training and other heavy steps are cut short."
    return f"Full mode: heavy steps run at full size (set {FAST_ENV}=1 to shorten them)."
