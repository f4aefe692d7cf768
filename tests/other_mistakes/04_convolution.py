"""Other people's mistakes for 04_convolution (see README.md)."""

WRONG = {
    "max_pool2d": {
        "average instead of max": """
def max_pool2d(x, size=2):
    N, C, H, W = x.shape
    out = np.zeros((N, C, H // size, W // size))
    for i in range(H // size):
        for j in range(W // size):
            window = x[:, :, i * size:(i + 1) * size, j * size:(j + 1) * size]
            out[:, :, i, j] = window.mean(axis=(2, 3))
    return out
""",
        "novel: the minimum of each window": """
def max_pool2d(x, size=2):
    N, C, H, W = x.shape
    OH, OW = H // size, W // size
    return x[:, :, :OH * size, :OW * size].reshape(N, C, OH, size, OW, size).min(axis=(3, 5))
""",
    },
}
RIGHT = {}
