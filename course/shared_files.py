"""The files every grading kernel of a class reads, built once per class, named in one place.

``autograde.grading.shared`` builds them (and the answer keys' fingerprint depends on them)
from what a notebook's code calls; the modules that make them (``cnn``, ``planted``,
``shuffled``, ``overfitting``) save under these names. This module imports nothing, so the
grader can ask which files a class needs without importing torch (about 1 s of CPU).
"""

#: ``cnn.trained_model()`` in fast mode: the slides' network trained on the shipped sample.
FAST_MODEL = "slides_net_fast.pt"
#: ``planted.planted_model()``: a network trained with a planted patch (notebook 06).
PLANTED_MODEL = "slides_net_planted.pt"
#: ``shuffled.shuffled_labels_model()``: a network trained on shuffled labels (notebook 06).
SHUFFLED_MODEL = "slides_net_shuffled.pt"
#: ``overfitting.regularisation_curves()``: notebook 05's over-fitting curves.
OVERFITTING_CURVES = "overfitting_curves.json"
