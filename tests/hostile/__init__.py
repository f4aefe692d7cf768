"""The hostile-submissions battery: one class of hostile students, graded once, one test per case."""
