"""Other people's mistakes for 02_backprop (see README.md)."""

WRONG = {
    "softmax_cross_entropy": {
        "no max shift (overflows for large logits)": """
def softmax_cross_entropy(scores, labels):
    e = np.exp(scores)
    p = e / np.sum(e, axis=1, keepdims=True)
    n = len(labels)
    loss = float(np.mean(-np.log(p[np.arange(n), labels])))
    grad = p.copy()
    grad[np.arange(n), labels] -= 1
    return loss, grad / n
""",
        "gradient not averaged over the batch": """
def softmax_cross_entropy(scores, labels):
    z = scores - np.max(scores, axis=1)[:, None]
    p = np.exp(z)
    p /= p.sum(axis=1)[:, None]
    idx = (np.arange(scores.shape[0]), labels)
    loss = -np.log(p[idx]).mean()
    p[idx] -= 1
    return float(loss), p
""",
        "novel: the loss uses log base 2": """
def softmax_cross_entropy(scores, labels):
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.log2(probs[np.arange(n), labels]).mean()
    d = probs.copy()
    d[np.arange(n), labels] -= 1.0
    return float(loss), d / n
""",
    },
}
RIGHT = {}
