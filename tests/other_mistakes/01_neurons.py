"""Other people's mistakes for 01_neurons (see README.md)."""

WRONG = {
    "neuron": {
        "bias forgotten": """
import math


def neuron(x, w, b):
    x = np.asarray(x, dtype=float)
    z = np.dot(x, np.asarray(w, dtype=float))
    return 1 / (1 + np.exp(-z)) if np.ndim(z) else 1 / (1 + math.exp(-float(z)))
""",
        "novel: a ReLU unit instead of the sigmoid": """
def neuron(x, w, b):
    z = np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b
    return np.maximum(z, 0.0)
""",
    },
    "output_size": {
        "rounded up instead of down": """
import math


def output_length(n, k, padding, stride):
    return math.ceil((n + 2 * padding - k) / stride) + 1

out_w = output_length(1920, 4, 2, 2)
out_h = output_length(1080, 4, 2, 2)
""",
        "novel: the kernel size not subtracted": """
def output_length(n, k, padding, stride):
    return (n + 2 * padding) // stride + 1

out_w = output_length(1920, 4, 2, 2)
out_h = output_length(1080, 4, 2, 2)
""",
    },
}
RIGHT = {}
