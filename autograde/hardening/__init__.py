"""What makes a hostile notebook gradeable; runs in each student's grading process, except
``kernel_guard``, which runs inside the sandboxed kernel.

``preprocessors`` (nbgrader's sanitize steps, made safe), ``authentic`` (is this cell the
course's?), ``notes`` (what happened, recorded where it happens), ``execute`` (the Execute
step with a sandboxed kernel), ``sandbox`` (bubblewrap and resource limits).
"""
