"""Verdicts made outside the student's kernel.

A grading kernel runs the student's notebook and, in each test cell, a copy of the test in
which every expected value and reference is :data:`course.checks.WITHHELD`
(:mod:`~autograde.verdicts.withhold`): the kernel computes only the student's values, and its
checks write them out as plain data (:mod:`course.records`). The grader reads them
(:mod:`~autograde.verdicts.channel`) and compares them, in its own process, with the *answer
key* (:mod:`~autograde.verdicts.key`): the records of the instructor's solution, made once per
class in a kernel that ran no student's code (:mod:`~autograde.verdicts.judge`). A test cell
earns its points only when the kernel ran it without an error *and* every value the key holds
was reported and matches. Code in the kernel can change what it reports but not the verdict:
only right values pass, and the only way to report right values is to compute them.

Computing them by calling the course's reference (delegation) cannot be ruled out by anything
that runs in the kernel; :mod:`~autograde.verdicts.evidence` looks for it in the submitted
source instead, which the student's code cannot change once handed in.
"""
