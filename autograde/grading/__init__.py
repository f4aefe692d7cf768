"""A class in, grades.csv out: the instructor's process runs ``pipeline`` and ``executors``;
each student is graded by ``worker`` in a child process of its own (started by ``launch``).

In call order: ``pipeline`` (collect -> template -> executor -> outputs), ``submissions``,
``executors`` (serial / pool / Dask: where), ``student`` (one student's job), ``transport``
(the template on other machines), ``launch`` and ``worker`` (the child process), ``results``
(the one vocabulary), ``outputs`` (with ``gradebook``, ``class_report``, ``manifest``,
``compare``), ``feedback``; ``selfcheck`` is ``nn-course check``'s.
"""
