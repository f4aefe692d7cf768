"""Other people's mistakes for 03_activations (see README.md)."""

WRONG = {
    "relu": {
        "derivative 1 at z = 0": """
def relu(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.0)


def relu_grad(z):
    return np.where(np.asarray(z, dtype=float) >= 0, 1.0, 0.0)
""",
        "novel: a leaky slope of 0.01 for negative z": """
def relu(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.01 * z)


def relu_grad(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, 1.0, 0.01)
""",
    },
}
RIGHT = {}
