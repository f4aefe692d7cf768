"""Plot helpers, one module per topic (``images``, ``training``, ``saliency``, ...)."""
