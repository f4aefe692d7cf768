"""solutions/ -> nbs/ with nbgrader: runs in the instructor's process (``nn-course release``).

``coursefolder`` (an isolated nbgrader course folder), ``generate`` (release and --check),
``authoring`` (build nbgrader cells from Python).
"""
