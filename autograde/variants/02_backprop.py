"""Known answers for 02_backprop (keys: solution-cell grade ids; values replace the cell)."""

WRONG = {
    "xor_gradients": {
        "dL/dout with the sign flipped, 2 (y - out)": """
def xor_gradients(x, y, W1, W2):
    x = np.asarray(x, dtype=float)
    z = W1 @ x
    v = np.maximum(z, 0.0)
    out = (W2 @ v)[0]
    dout = 2.0 * (y - out)
    delta = dout * W2[0] * (z > 0)
    return np.outer(delta, x), dout * v[None, :]
""",
        "ReLU derivative forgotten": """
def xor_gradients(x, y, W1, W2):
    x = np.asarray(x, dtype=float)
    z = W1 @ x
    v = np.maximum(z, 0.0)
    out = (W2 @ v)[0]
    dout = 2.0 * (out - y)
    delta = dout * W2[0]
    return np.outer(delta, x), dout * v[None, :]
""",
        "dW1 transposed (x delta^T, the slides' layout)": """
def xor_gradients(x, y, W1, W2):
    x = np.asarray(x, dtype=float)
    z = W1 @ x
    v = np.maximum(z, 0.0)
    out = (W2 @ v)[0]
    dout = 2.0 * (out - y)
    delta = dout * W2[0] * (z > 0)
    return np.outer(x, delta), dout * v[None, :]
""",
        "relu'(0) taken as 1": """
def xor_gradients(x, y, W1, W2):
    x = np.asarray(x, dtype=float)
    z = W1 @ x
    v = np.maximum(z, 0.0)
    out = (W2 @ v)[0]
    dout = 2.0 * (out - y)
    delta = dout * W2[0] * (z >= 0)
    return np.outer(delta, x), dout * v[None, :]
""",
        "only calls the reference": """
def xor_gradients(x, y, W1, W2):
    return backprop.xor_net_gradients(x, y, W1, W2)
""",
        "torch.autograd does the work": """
def xor_gradients(x, y, W1, W2):
    t1 = torch.tensor(W1, dtype=torch.float64, requires_grad=True)
    t2 = torch.tensor(W2, dtype=torch.float64, requires_grad=True)
    out = t2 @ torch.relu(t1 @ torch.tensor(np.asarray(x, dtype=float)))
    ((y - out) ** 2).sum().backward()
    return t1.grad.numpy(), t2.grad.numpy()
""",
    },
    "tanh_net": {
        "bias input x0 = 1 left out": """
def tanh_net_forward(x, alpha, beta):
    a = alpha[:, 1:] @ np.asarray(x, dtype=float)
    z = np.tanh(a)
    return a, z, float(beta @ np.concatenate(([1.0], z)))


def tanh_net_backward(x, y, alpha, beta):
    x_hat = np.concatenate(([1.0], np.asarray(x, dtype=float)))
    a, z, y_hat = tanh_net_forward(x, alpha, beta)
    da = (y_hat - y) * beta[1:] * (1.0 - z**2)
    return np.outer(da, x_hat), (y_hat - y) * np.concatenate(([1.0], z))
""",
        "tanh' computed from a instead of tanh(a): 1 - a^2": """
def tanh_net_forward(x, alpha, beta):
    x_hat = np.concatenate(([1.0], np.asarray(x, dtype=float)))
    a = alpha @ x_hat
    z = np.tanh(a)
    return a, z, float(beta @ np.concatenate(([1.0], z)))


def tanh_net_backward(x, y, alpha, beta):
    x_hat = np.concatenate(([1.0], np.asarray(x, dtype=float)))
    a, z, y_hat = tanh_net_forward(x, alpha, beta)
    da = (y_hat - y) * beta[1:] * (1.0 - a**2)
    return np.outer(da, x_hat), (y_hat - y) * np.concatenate(([1.0], z))
""",
        "beta's bias weight used for the hidden units (beta[:3])": """
def tanh_net_forward(x, alpha, beta):
    x_hat = np.concatenate(([1.0], np.asarray(x, dtype=float)))
    a = alpha @ x_hat
    z = np.tanh(a)
    return a, z, float(beta @ np.concatenate(([1.0], z)))


def tanh_net_backward(x, y, alpha, beta):
    x_hat = np.concatenate(([1.0], np.asarray(x, dtype=float)))
    a, z, y_hat = tanh_net_forward(x, alpha, beta)
    da = (y_hat - y) * beta[:3] * (1.0 - z**2)
    return np.outer(da, x_hat), (y_hat - y) * np.concatenate(([1.0], z))
""",
        "dalpha transposed (x^ da^T)": """
def tanh_net_forward(x, alpha, beta):
    x_hat = np.concatenate(([1.0], np.asarray(x, dtype=float)))
    a = alpha @ x_hat
    z = np.tanh(a)
    return a, z, float(beta @ np.concatenate(([1.0], z)))


def tanh_net_backward(x, y, alpha, beta):
    x_hat = np.concatenate(([1.0], np.asarray(x, dtype=float)))
    a, z, y_hat = tanh_net_forward(x, alpha, beta)
    da = (y_hat - y) * beta[1:] * (1.0 - z**2)
    return np.outer(x_hat, da), (y_hat - y) * np.concatenate(([1.0], z))
""",
        "forward uses alpha transposed": """
def tanh_net_forward(x, alpha, beta):
    x_hat = np.concatenate(([1.0], np.asarray(x, dtype=float)))
    a = alpha.T @ x_hat
    z = np.tanh(a)
    return a, z, float(beta @ np.concatenate(([1.0], z)))


def tanh_net_backward(x, y, alpha, beta):
    x_hat = np.concatenate(([1.0], np.asarray(x, dtype=float)))
    a, z, y_hat = tanh_net_forward(x, alpha, beta)
    da = (y_hat - y) * beta[1:] * (1.0 - z**2)
    return np.outer(x_hat, da), (y_hat - y) * np.concatenate(([1.0], z))
""",
        "only calls the reference": """
def tanh_net_forward(x, alpha, beta):
    return backprop.tanh_net_forward(x, alpha, beta)


def tanh_net_backward(x, y, alpha, beta):
    p = backprop.tanh_net_vector(x, y, alpha, beta)
    return p.dalpha, p.dbeta
""",
    },
    "linear_backward": {
        "missing transpose: dx = dout W^T": """
def linear_backward(dout, cache):
    x, W = cache
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)
""",
        "dW transposed: x^T dout": """
def linear_backward(dout, cache):
    x, W = cache
    return dout @ W, x.T @ dout, dout.sum(axis=0)
""",
        "db averaged over the batch instead of summed": """
def linear_backward(dout, cache):
    x, W = cache
    return dout @ W, dout.T @ x, dout.mean(axis=0)
""",
        "dW averaged over the batch (divided by N)": """
def linear_backward(dout, cache):
    x, W = cache
    return dout @ W, dout.T @ x / x.shape[0], dout.sum(axis=0)
""",
        "only calls the reference": """
def linear_backward(dout, cache):
    return layers.linear_backward(dout, cache)
""",
    },
    "activation_backward": {
        "sigmoid' computed from z instead of sigma(z): z (1 - z)": """
def sigmoid_backward(dout, z):
    return dout * z * (1.0 - z)


def tanh_backward(dout, z):
    return dout * (1.0 - np.tanh(z) ** 2)


def relu_backward(dout, z):
    return dout * (z > 0)
""",
        "tanh' computed from z: 1 - z^2": """
def sigmoid_backward(dout, z):
    s = np.exp(-np.logaddexp(0.0, -z))
    return dout * s * (1.0 - s)


def tanh_backward(dout, z):
    return dout * (1.0 - z**2)


def relu_backward(dout, z):
    return dout * (z > 0)
""",
        "relu'(0) = 1": """
def sigmoid_backward(dout, z):
    s = np.exp(-np.logaddexp(0.0, -z))
    return dout * s * (1.0 - s)


def tanh_backward(dout, z):
    return dout * (1.0 - np.tanh(z) ** 2)


def relu_backward(dout, z):
    return dout * (z >= 0)
""",
        "upstream gradient dout ignored": """
def sigmoid_backward(dout, z):
    s = np.exp(-np.logaddexp(0.0, -z))
    return s * (1.0 - s)


def tanh_backward(dout, z):
    return 1.0 - np.tanh(z) ** 2


def relu_backward(dout, z):
    return (z > 0).astype(float)
""",
        "only calls the course's derivatives": """
def sigmoid_backward(dout, z):
    return dout * activations.sigmoid_grad(z)


def tanh_backward(dout, z):
    return dout * activations.tanh_grad(z)


def relu_backward(dout, z):
    return dout * activations.relu_grad(z)
""",
    },
    "softmax_cross_entropy": {
        "gradient not averaged over the batch": """
def softmax_cross_entropy(scores, labels):
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dscores = np.exp(log_probs)
    dscores[np.arange(n), labels] -= 1.0
    return float(-log_probs[np.arange(n), labels].mean()), dscores
""",
        "no max shift (overflows for large logits)": """
def softmax_cross_entropy(scores, labels):
    n = scores.shape[0]
    e = np.exp(scores)
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), labels]).mean()
    dscores = p.copy()
    dscores[np.arange(n), labels] -= 1.0
    return float(loss), dscores / n
""",
        "loss summed over the batch": """
def softmax_cross_entropy(scores, labels):
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dscores = np.exp(log_probs)
    dscores[np.arange(n), labels] -= 1.0
    return float(-log_probs[np.arange(n), labels].sum()), dscores / n
""",
        "one-hot target not subtracted": """
def softmax_cross_entropy(scores, labels):
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(n), labels].mean()), np.exp(log_probs) / n
""",
        "only calls torch": """
def softmax_cross_entropy(scores, labels):
    t = torch.tensor(scores, dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(t, torch.tensor(labels))
    loss.backward()
    return loss.item(), t.grad.numpy()
""",
    },
    "numerical_gradient": {
        "one-sided (forward) difference": """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    base = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old
        grad[i] = (plus - base) / h
    return grad
""",
        "divided by h instead of 2h": """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / h
    return grad
""",
        "x not restored after perturbing it": """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        grad[i] = (plus - minus) / (2 * h)
    return grad
""",
        "every entry perturbed at once": """
def numerical_gradient(f, x, h=1e-5):
    return np.full(x.shape, (f(x + h) - f(x - h)) / (2 * h))
""",
        "only calls the reference": """
def numerical_gradient(f, x, h=1e-5):
    return gradcheck.numerical_gradient(f, x, h)
""",
    },
    "mlp_loss_and_grads": {
        "tanh backward skipped": """
def mlp_loss_and_grads(params, x, labels):
    a1, cache1 = layers.linear_forward(x, params["W1"], params["b1"])
    h1, _ = layers.tanh_forward(a1)
    scores, cache2 = layers.linear_forward(h1, params["W2"], params["b2"])
    loss, dscores = layers.softmax_cross_entropy(scores, labels)
    dh1, dW2, db2 = layers.linear_backward(dscores, cache2)
    _, dW1, db1 = layers.linear_backward(dh1, cache1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
""",
        "dW2 from the pre-activation a1 instead of tanh(a1)": """
def mlp_loss_and_grads(params, x, labels):
    a1, cache1 = layers.linear_forward(x, params["W1"], params["b1"])
    h1, cache_tanh = layers.tanh_forward(a1)
    scores, _ = layers.linear_forward(h1, params["W2"], params["b2"])
    loss, dscores = layers.softmax_cross_entropy(scores, labels)
    dh1, dW2, db2 = layers.linear_backward(dscores, (a1, params["W2"]))
    da1 = layers.tanh_backward(dh1, cache_tanh)
    _, dW1, db1 = layers.linear_backward(da1, cache1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
""",
        "db1 summed from the tanh output's gradient (tanh backward skipped for the bias)": """
def mlp_loss_and_grads(params, x, labels):
    a1, cache1 = layers.linear_forward(x, params["W1"], params["b1"])
    h1, cache_tanh = layers.tanh_forward(a1)
    scores, cache2 = layers.linear_forward(h1, params["W2"], params["b2"])
    loss, dscores = layers.softmax_cross_entropy(scores, labels)
    dh1, dW2, db2 = layers.linear_backward(dscores, cache2)
    da1 = layers.tanh_backward(dh1, cache_tanh)
    _, dW1, _ = layers.linear_backward(da1, cache1)
    return loss, {"W1": dW1, "b1": dh1.sum(axis=0), "W2": dW2, "b2": db2}
""",
        "only calls the reference": """
def mlp_loss_and_grads(params, x, labels):
    return layers.two_layer_loss_and_grads(params, x, labels)
""",
    },
    "sgd_epoch": {
        "no shuffling (examples in their stored order)": """
def sgd_epoch(params, x, labels, lr, batch_size, rng):
    losses = []
    for start in range(0, len(x), batch_size):
        idx = np.arange(start, min(start + batch_size, len(x)))
        loss, grads = layers.two_layer_loss_and_grads(params, x[idx], labels[idx])
        for key in params:
            params[key] -= lr * grads[key]
        losses.append(loss)
    return losses
""",
        "last, smaller batch dropped": """
def sgd_epoch(params, x, labels, lr, batch_size, rng):
    order = rng.permutation(len(x))
    losses = []
    for start in range(0, len(x) - batch_size + 1, batch_size):
        idx = order[start:start + batch_size]
        loss, grads = layers.two_layer_loss_and_grads(params, x[idx], labels[idx])
        for key in params:
            params[key] -= lr * grads[key]
        losses.append(loss)
    return losses
""",
        "gradient ascent (+= instead of -=)": """
def sgd_epoch(params, x, labels, lr, batch_size, rng):
    order = rng.permutation(len(x))
    losses = []
    for start in range(0, len(x), batch_size):
        idx = order[start:start + batch_size]
        loss, grads = layers.two_layer_loss_and_grads(params, x[idx], labels[idx])
        for key in params:
            params[key] += lr * grads[key]
        losses.append(loss)
    return losses
""",
        "parameters replaced by new arrays (not updated in place)": """
def sgd_epoch(params, x, labels, lr, batch_size, rng):
    params = dict(params)
    order = rng.permutation(len(x))
    losses = []
    for start in range(0, len(x), batch_size):
        idx = order[start:start + batch_size]
        loss, grads = layers.two_layer_loss_and_grads(params, x[idx], labels[idx])
        for key in params:
            params[key] = params[key] - lr * grads[key]
        losses.append(loss)
    return losses
""",
        "only calls the reference": """
def sgd_epoch(params, x, labels, lr, batch_size, rng):
    return layers.sgd_epoch(params, x, labels, lr, batch_size, rng)
""",
    },
    "gd_true_false": {
        "everything true": """
answer_a = True
answer_b = True
answer_c = True
answer_d = True
answer_e = True
""",
        "batch GD believed cheaper and SGD slower": """
answer_a = True
answer_b = False
answer_c = True
answer_d = False
answer_e = True
""",
        "batch GD believed to find the global optimum, SGD not to escape": """
answer_a = False
answer_b = True
answer_c = False
answer_d = True
answer_e = False
""",
        "answers as strings": """
answer_a = "False"
answer_b = "False"
answer_c = "True"
answer_d = "True"
answer_e = "False"
""",
    },
    "binary_cross_entropy": {
        "log of the sigmoid taken directly (log 0 for large logits)": """
def binary_cross_entropy(logits, targets):
    p = 1.0 / (1.0 + np.exp(-logits))
    loss = -(targets * np.log(p) + (1 - targets) * np.log(1 - p)).mean()
    return float(loss), (p - targets) / logits.shape[0]
""",
        "the slides' sign: the log-likelihood instead of its negative": """
def binary_cross_entropy(logits, targets):
    e = np.exp(-np.abs(logits))
    p = np.where(logits >= 0, 1.0, e) / (1.0 + e)
    loss = np.maximum(logits, 0.0) - targets * logits + np.log1p(e)
    return float(-loss.mean()), (targets - p) / logits.shape[0]
""",
        "gradient not averaged over the batch": """
def binary_cross_entropy(logits, targets):
    e = np.exp(-np.abs(logits))
    p = np.where(logits >= 0, 1.0, e) / (1.0 + e)
    loss = np.maximum(logits, 0.0) - targets * logits + np.log1p(e)
    return float(loss.mean()), p - targets
""",
        "gradient times the sigmoid's derivative (the squared-error habit)": """
def binary_cross_entropy(logits, targets):
    e = np.exp(-np.abs(logits))
    p = np.where(logits >= 0, 1.0, e) / (1.0 + e)
    loss = np.maximum(logits, 0.0) - targets * logits + np.log1p(e)
    return float(loss.mean()), (p - targets) * p * (1 - p) / logits.shape[0]
""",
        "only calls torch": """
def binary_cross_entropy(logits, targets):
    t = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(t, torch.tensor(targets, dtype=torch.float64))
    loss.backward()
    return loss.item(), t.grad.numpy()
""",
        "only calls the reference": """
def binary_cross_entropy(logits, targets):
    return layers.binary_cross_entropy(logits, targets)
""",
    },
    "sgd_step_with_decay": {
        "decay without the learning rate: (1 - lambda) theta": """
def sgd_step_with_decay(params, grads, lr, weight_decay):
    for key in params:
        params[key] *= 1.0 - weight_decay
        params[key] -= lr * grads[key]
""",
        "decay doubled, from a penalty lambda ||theta||^2": """
def sgd_step_with_decay(params, grads, lr, weight_decay):
    for key in params:
        params[key] -= lr * (grads[key] + 2 * weight_decay * params[key])
""",
        "decay applied after the step, to the updated weights": """
def sgd_step_with_decay(params, grads, lr, weight_decay):
    for key in params:
        params[key] -= lr * grads[key]
        params[key] *= 1.0 - lr * weight_decay
""",
        "the decay grows the weights: (1 + lr lambda)": """
def sgd_step_with_decay(params, grads, lr, weight_decay):
    for key in params:
        params[key] *= 1.0 + lr * weight_decay
        params[key] -= lr * grads[key]
""",
        "biases not decayed": """
def sgd_step_with_decay(params, grads, lr, weight_decay):
    for key in params:
        if key.startswith("W"):
            params[key] *= 1.0 - lr * weight_decay
        params[key] -= lr * grads[key]
""",
        "new arrays in a new dict (the caller's params unchanged)": """
def sgd_step_with_decay(params, grads, lr, weight_decay):
    params = {k: (1.0 - lr * weight_decay) * v - lr * grads[k] for k, v in params.items()}
    return params
""",
        "only calls the reference": """
def sgd_step_with_decay(params, grads, lr, weight_decay):
    regularisation.sgd_step_with_decay(params, grads, lr, weight_decay)
""",
    },
    "dropout": {
        "not inverted: the survivors are not scaled by 1 / (1 - p)": """
def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), None
    mask = (rng.random(x.shape) >= p).astype(float)
    return x * mask, mask


def dropout_backward(dout, cache):
    return dout.copy() if cache is None else dout * cache
""",
        "p taken as the probability to keep": """
def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), None
    mask = (rng.random(x.shape) < p) / p if p > 0 else np.zeros_like(x)
    return x * mask, mask


def dropout_backward(dout, cache):
    return dout.copy() if cache is None else dout * cache
""",
        "dropout also in evaluation": """
def dropout_forward(x, p, train, rng):
    mask = (rng.random(x.shape) >= p) / (1.0 - p)
    return x * mask, mask


def dropout_backward(dout, cache):
    return dout * cache
""",
        "the old scheme: evaluation multiplies by 1 - p": """
def dropout_forward(x, p, train, rng):
    if not train:
        return x * (1.0 - p), None
    mask = (rng.random(x.shape) >= p) / (1.0 - p)
    return x * mask, mask


def dropout_backward(dout, cache):
    return dout.copy() if cache is None else dout * cache
""",
        "backward ignores the mask": """
def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), None
    mask = (rng.random(x.shape) >= p) / (1.0 - p)
    return x * mask, mask


def dropout_backward(dout, cache):
    return dout.copy()
""",
        "backward draws a new mask": """
def dropout_forward(x, p, train, rng):
    if not train:
        return x.copy(), None
    mask = (rng.random(x.shape) >= p) / (1.0 - p)
    return x * mask, (p, rng)


def dropout_backward(dout, cache):
    if cache is None:
        return dout.copy()
    p, rng = cache
    return dout * (rng.random(dout.shape) >= p) / (1.0 - p)
""",
        "only calls the reference": """
def dropout_forward(x, p, train, rng):
    return regularisation.dropout_forward(x, p, train, rng)


def dropout_backward(dout, cache):
    return regularisation.dropout_backward(dout, cache)
""",
    },
    "layer_jacobian": {
        "transposed: J[j, i] (inputs as rows)": """
def layer_jacobian(W, b, x):
    s = 1.0 / (1.0 + np.exp(-(W @ x + b)))
    return ((s * (1.0 - s))[:, None] * W).T
""",
        "the slope left out: J = W": """
def layer_jacobian(W, b, x):
    return W.copy()
""",
        "sigma instead of its derivative": """
def layer_jacobian(W, b, x):
    s = 1.0 / (1.0 + np.exp(-(W @ x + b)))
    return s[:, None] * W
""",
        "slopes scale the columns, not the rows": """
def layer_jacobian(W, b, x):
    s = 1.0 / (1.0 + np.exp(-(W @ x + b)))
    return W * (s * (1.0 - s))[None, :]
""",
        "the bias left out of the slope": """
def layer_jacobian(W, b, x):
    s = 1.0 / (1.0 + np.exp(-(W @ x)))
    return (s * (1.0 - s))[:, None] * W
""",
        "only calls torch": """
def layer_jacobian(W, b, x):
    f = lambda v: torch.sigmoid(torch.tensor(W) @ v + torch.tensor(b))
    return torch.autograd.functional.jacobian(f, torch.tensor(x, dtype=torch.float64)).numpy()
""",
        "only calls the reference": """
def layer_jacobian(W, b, x):
    return jacobians.layer_jacobian(W, b, x)
""",
    },
}

RIGHT = {
    "xor_gradients": {
        "the homework's scalar formulas, one weight at a time": """
def xor_gradients(x, y, W1, W2):
    A, B = float(x[0]), float(x[1])
    z = [W1[0, 0] * A + W1[0, 1] * B, W1[1, 0] * A + W1[1, 1] * B]
    n = [max(z[0], 0.0), max(z[1], 0.0)]
    out = W2[0, 0] * n[0] + W2[0, 1] * n[1]
    dW2 = np.array([[2 * (out - y) * n[0], 2 * (out - y) * n[1]]])
    dW1 = np.zeros((2, 2))
    for j in range(2):
        for i, xi in enumerate((A, B)):
            dW1[j, i] = 2 * (out - y) * W2[0, j] * (1.0 if z[j] > 0 else 0.0) * xi
    return dW1, dW2
""",
        "lists in, float32 arithmetic": """
def xor_gradients(x, y, W1, W2):
    x = np.asarray(x, dtype=np.float32)
    W1 = np.asarray(W1, dtype=np.float32)
    W2 = np.asarray(W2, dtype=np.float32)
    z = W1 @ x
    v = np.maximum(z, 0)
    out = (W2 @ v)[0]
    delta = 2 * (out - y) * W2[0] * np.where(z > 0, 1.0, 0.0)
    return delta[:, None] * x[None, :], 2 * (out - y) * v.reshape(1, 2)
""",
    },
    "tanh_net": {
        "scalar form with loops": """
import math


def tanh_net_forward(x, alpha, beta):
    xs = [1.0, float(x[0]), float(x[1])]
    a = [sum(alpha[j][i] * xs[i] for i in range(3)) for j in range(3)]
    z = [math.tanh(v) for v in a]
    y_hat = beta[0] + sum(beta[j + 1] * z[j] for j in range(3))
    return np.array(a), np.array(z), float(y_hat)


def tanh_net_backward(x, y, alpha, beta):
    xs = [1.0, float(x[0]), float(x[1])]
    a, z, y_hat = tanh_net_forward(x, alpha, beta)
    dalpha = np.zeros((3, 3))
    for j in range(3):
        for i in range(3):
            dalpha[j, i] = (y_hat - y) * beta[j + 1] * (1 - math.tanh(a[j]) ** 2) * xs[i]
    dbeta = np.array([(y_hat - y)] + [(y_hat - y) * z[j] for j in range(3)])
    return dalpha, dbeta
""",
        "row-vector form of the recitation: a = x^ alpha^T": """
def tanh_net_forward(x, alpha, beta):
    x_hat = np.hstack([1.0, x])[None, :]
    a = (x_hat @ alpha.T)[0]
    z = np.tanh(a)
    return a, z, float(np.hstack([1.0, z]) @ beta)


def tanh_net_backward(x, y, alpha, beta):
    x_hat = np.hstack([1.0, x])[None, :]
    a, z, y_hat = tanh_net_forward(x, alpha, beta)
    da = ((y_hat - y) * beta[1:] * (1 - np.tanh(a) ** 2))[:, None]
    return da @ x_hat, (y_hat - y) * np.hstack([1.0, z])
""",
    },
    "linear_backward": {
        "sums of per-example outer products": """
def linear_backward(dout, cache):
    x, W = cache
    dx = np.zeros(x.shape)
    dW = np.zeros(W.shape)
    db = np.zeros(W.shape[0])
    for n in range(x.shape[0]):
        dx[n] = W.T @ dout[n]
        dW += np.outer(dout[n], x[n])
        db += dout[n]
    return dx, dW, db
""",
        "einsum": """
def linear_backward(dout, cache):
    x, W = cache
    return np.einsum("nm,md->nd", dout, W), np.einsum("nm,nd->md", dout, x), np.einsum("nm->m", dout)
""",
    },
    "activation_backward": {
        "textbook sigmoid 1 / (1 + exp(-z))": """
def sigmoid_backward(dout, z):
    s = 1.0 / (1.0 + np.exp(-z))
    return dout * s * (1.0 - s)


def tanh_backward(dout, z):
    return dout * (1.0 - np.tanh(z) ** 2)


def relu_backward(dout, z):
    return np.where(z > 0, dout, 0.0)
""",
        "via the course's forward functions, derivatives by hand": """
def sigmoid_backward(dout, z):
    s = activations.sigmoid(z)
    return dout * s * (1 - s)


def tanh_backward(dout, z):
    t = activations.tanh(z)
    return dout * (1 - t * t)


def relu_backward(dout, z):
    grad = dout.copy()
    grad[z <= 0] = 0
    return grad
""",
    },
    "softmax_cross_entropy": {
        "one example at a time": """
def softmax_cross_entropy(scores, labels):
    n, c = scores.shape
    loss = 0.0
    dscores = np.zeros((n, c))
    for i in range(n):
        s = scores[i] - np.max(scores[i])
        p = np.exp(s) / np.sum(np.exp(s))
        loss += -(s[labels[i]] - np.log(np.sum(np.exp(s))))
        dscores[i] = p
        dscores[i, labels[i]] -= 1
    return loss / n, dscores / n
""",
        "log-sum-exp with np.logaddexp.reduce and a one-hot matrix": """
def softmax_cross_entropy(scores, labels):
    n, c = scores.shape
    lse = np.logaddexp.reduce(scores, axis=1, keepdims=True)
    onehot = np.eye(c)[labels]
    loss = -np.sum(onehot * (scores - lse)) / n
    return loss, (np.exp(scores - lse) - onehot) / n
""",
    },
    "numerical_gradient": {
        "on copies, over the flattened array": """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.size)
    for i in range(x.size):
        step = np.zeros(x.size)
        step[i] = h
        step = step.reshape(x.shape)
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad.reshape(x.shape)
""",
    },
    "mlp_loss_and_grads": {
        "plain NumPy, no layer functions": """
def mlp_loss_and_grads(params, x, labels):
    n = x.shape[0]
    h = np.tanh(x @ params["W1"].T + params["b1"])
    s = h @ params["W2"].T + params["b2"]
    s = s - s.max(axis=1, keepdims=True)
    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), labels]).mean()
    ds = p.copy()
    ds[np.arange(n), labels] -= 1
    ds /= n
    da = (ds @ params["W2"]) * (1 - h**2)
    return loss, {"W2": ds.T @ h, "b2": ds.sum(0), "W1": da.T @ x, "b1": da.sum(0)}
""",
        "with the course's layer objects": """
def mlp_loss_and_grads(params, x, labels):
    first, act, second = layers.Linear(1, 1), layers.Activation("tanh"), layers.Linear(1, 1)
    first.params = {"W": params["W1"], "b": params["b1"]}
    second.params = {"W": params["W2"], "b": params["b2"]}
    loss, dscores = layers.softmax_cross_entropy(second.forward(act.forward(first.forward(x))), labels)
    first.backward(act.backward(second.backward(dscores)))
    return loss, {"W1": first.grads["W"], "b1": first.grads["b"], "W2": second.grads["W"], "b2": second.grads["b"]}
""",
    },
    "sgd_epoch": {
        "a while loop over the shuffled order": """
def sgd_epoch(params, x, labels, lr, batch_size, rng):
    order = rng.permutation(len(x))
    losses = []
    while len(order):
        idx, order = order[:batch_size], order[batch_size:]
        loss, grads = layers.two_layer_loss_and_grads(params, x[idx], labels[idx])
        for key, grad in grads.items():
            np.subtract(params[key], lr * grad, out=params[key])
        losses.append(float(loss))
    return losses
""",
        "with layers.minibatches and the student's own gradients": """
def sgd_epoch(params, x, labels, lr, batch_size, rng):
    losses = []
    for idx in layers.minibatches(len(x), batch_size, rng):
        loss, grads = mlp_loss_and_grads(params, x[idx], labels[idx])
        for key in params:
            params[key] -= lr * grads[key]
        losses.append(loss)
    return losses
""",
    },
    "gd_true_false": {
        "numpy booleans": """
answer_a = np.bool_(False)
answer_b = np.bool_(False)
answer_c = np.bool_(True)
answer_d = np.bool_(True)
answer_e = np.bool_(False)
""",
    },
    "binary_cross_entropy": {
        "np.logaddexp for log(1 + e^s)": """
def binary_cross_entropy(logits, targets):
    loss = np.logaddexp(0.0, logits) - targets * logits
    p = np.exp(-np.logaddexp(0.0, -logits))
    return float(np.mean(loss)), (p - targets) / len(logits)
""",
        "the two cases of the sign, one example at a time": """
def binary_cross_entropy(logits, targets):
    n = len(logits)
    loss, grad = 0.0, np.zeros(n)
    for i, (s, y) in enumerate(zip(logits, targets)):
        if s >= 0:
            loss += (1 - y) * s + np.log1p(np.exp(-s))
            p = 1.0 / (1.0 + np.exp(-s))
        else:
            loss += -y * s + np.log1p(np.exp(s))
            p = np.exp(s) / (1.0 + np.exp(s))
        grad[i] = (p - y) / n
    return loss / n, grad
""",
    },
    "sgd_step_with_decay": {
        "the penalty's gradient added to the gradient": """
def sgd_step_with_decay(params, grads, lr, weight_decay):
    for name, theta in params.items():
        theta -= lr * (grads[name] + weight_decay * theta)
""",
        "the dict's entries reassigned": """
def sgd_step_with_decay(params, grads, lr, weight_decay):
    for k in list(params):
        params[k] = (1 - lr * weight_decay) * params[k] - lr * grads[k]
""",
    },
    "dropout": {
        "a boolean mask and the scale kept apart": """
def dropout_forward(x, p, train, rng):
    if not train:
        return np.array(x, copy=True), ("eval",)
    keep = rng.random(x.shape) >= p
    scale = 1.0 / (1.0 - p)
    return np.where(keep, x * scale, 0.0), (keep, scale)


def dropout_backward(dout, cache):
    if isinstance(cache[0], str):
        return np.array(dout, copy=True)
    keep, scale = cache
    return np.where(keep, dout * scale, 0.0)
""",
    },
    "layer_jacobian": {
        "a double loop over outputs and inputs": """
def layer_jacobian(W, b, x):
    m, d = W.shape
    J = np.zeros((m, d))
    for i in range(m):
        z = W[i] @ x + b[i]
        slope = np.exp(-abs(z)) / (1.0 + np.exp(-abs(z))) ** 2
        for j in range(d):
            J[i, j] = slope * W[i, j]
    return J
""",
        "diag(sigma') @ W": """
def layer_jacobian(W, b, x):
    return np.diag(activations.sigmoid_grad(W @ x + b)) @ W
""",
    },
}

#: What each known-wrong answer gets wrong and how to think about it, never the answer: shown
#: to a student whose failing answer behaves like it (see autograde.verdicts.misconceptions).
HINTS = {
    "xor_gradients": {
        "dL/dout with the sign flipped, 2 (y - out)": "Differentiate (out - y)^2 with respect to out: the sign follows (out - y). A flipped sign makes gradient descent climb the loss.",
        "ReLU derivative forgotten": "Backpropagating through the ReLU multiplies by its derivative: 1 where the pre-activation is positive, 0 elsewhere.",
        "dW1 transposed (x delta^T, the slides' layout)": "A gradient has the shape of the weight it belongs to. With W1: (hidden, inputs), dW1 is delta x^T, not x delta^T.",
        "relu'(0) taken as 1": "The course takes relu'(0) = 0 (as PyTorch does): a unit exactly at 0 passes no gradient.",
        "only calls the reference": "Backpropagate by hand through the two layers; calling the course's gradients earns nothing.",
        "torch.autograd does the work": "The exercise is backpropagation by hand with NumPy; autograd may check your result but cannot be the answer.",
    },
    "tanh_net": {
        "bias input x0 = 1 left out": "The recitation's network prepends x0 = 1 to the input so alpha's first column acts as a bias. Leave it out and every unit loses its bias.",
        "tanh' computed from a instead of tanh(a): 1 - a^2": "tanh'(a) = 1 - tanh(a)^2: square the unit's output, not its pre-activation.",
        "beta's bias weight used for the hidden units (beta[:3])": "beta[0] multiplies the constant 1 (the output's bias); the hidden units' outputs pair with beta[1:].",
        "dalpha transposed (x^ da^T)": "dalpha must have alpha's shape (units x inputs): it is the outer product of the units' deltas with the input, in that order.",
        "forward uses alpha transposed": "Each row of alpha holds one hidden unit's weights; a unit's pre-activation is its row dotted with the input.",
        "only calls the reference": "Write the forward and backward passes yourself; calling the course's network earns nothing.",
    },
    "linear_backward": {
        "missing transpose: dx = dout W^T": "Check shapes: dout is (N, M) and W is (M, D), so dx = dout W has x's shape (N, D).",
        "dW transposed: x^T dout": "dW must have W's shape (M, D): dout^T x, not x^T dout.",
        "db averaged over the batch instead of summed": "The loss already carries any averaging; each example adds its own dout row to db, so sum over the batch.",
        "dW averaged over the batch (divided by N)": "Do not divide by N here: dout already holds the loss's scaling. The gradient of a sum over examples is the sum of their gradients.",
        "only calls the reference": "Derive dx, dW and db yourself; calling the course's layer earns nothing.",
    },
    "activation_backward": {
        "sigmoid' computed from z instead of sigma(z): z (1 - z)": "sigma'(z) = sigma(z) (1 - sigma(z)): apply the sigmoid first, then use its output.",
        "tanh' computed from z: 1 - z^2": "tanh'(z) = 1 - tanh(z)^2: square tanh(z), not z.",
        "relu'(0) = 1": "The course takes relu'(0) = 0 (as PyTorch does): only strictly positive inputs pass the gradient.",
        "upstream gradient dout ignored": "The chain rule multiplies the local derivative by the gradient arriving from above (dout), element by element.",
        "only calls the course's derivatives": "Write the derivative from its formula; calling the course's derivatives earns nothing.",
    },
    "softmax_cross_entropy": {
        "gradient not averaged over the batch": "The loss is the mean over N examples, so each row of the gradient carries a factor 1/N.",
        "no max shift (overflows for large logits)": "exp(1000) overflows. Subtracting each row's maximum before exponentiating leaves the softmax unchanged and keeps it finite.",
        "loss summed over the batch": "The loss is the mean of the examples' losses, not their sum: divide by N.",
        "one-hot target not subtracted": "The gradient of cross-entropy with respect to the scores is softmax minus the one-hot target (then averaged).",
        "only calls torch": "Compute the softmax, the loss and its gradient with NumPy; calling torch's cross-entropy earns nothing.",
    },
    "numerical_gradient": {
        "one-sided (forward) difference": "A central difference (f(x + h) - f(x - h)) / 2h is far more accurate than a one-sided one: its error shrinks with h^2.",
        "divided by h instead of 2h": "The central difference spans from x - h to x + h, a distance of 2h.",
        "x not restored after perturbing it": "After nudging one entry, put it back before nudging the next: every partial derivative is taken at the same x.",
        "every entry perturbed at once": "A partial derivative moves one entry while the others stay fixed; nudging them all gives a directional derivative.",
        "only calls the reference": "Write the finite differences yourself; calling the course's gradient checker earns nothing.",
    },
    "mlp_loss_and_grads": {
        "tanh backward skipped": "Between the two layers sits tanh: multiply the hidden layer's gradient by 1 - tanh(a1)^2 before going further back.",
        "dW2 from the pre-activation a1 instead of tanh(a1)": "W2 multiplies the hidden layer's output tanh(a1), so its gradient pairs the scores' gradient with tanh(a1), not a1.",
        "db1 summed from the tanh output's gradient (tanh backward skipped for the bias)": "b1 sits before the tanh, like W1: its gradient comes after multiplying by the tanh derivative.",
        "only calls the reference": "Do the forward and backward passes yourself; calling the course's network earns nothing.",
    },
    "sgd_epoch": {
        "no shuffling (examples in their stored order)": "SGD visits the examples in a random order each epoch: permute the indices with the generator you are given.",
        "last, smaller batch dropped": "When N is not a multiple of the batch size, the last batch is smaller but still used: every example is seen once per epoch.",
        "gradient ascent (+= instead of -=)": "Gradient descent moves against the gradient: subtract learning rate times gradient.",
        "parameters replaced by new arrays (not updated in place)": "The caller keeps the dict of parameters; update its arrays in place (or reassign the dict's entries) so the caller sees the change.",
        "only calls the reference": "Write the loop over batches yourself; calling the course's training functions earns nothing.",
    },
    "gd_true_false": {
        "everything true": "Judge each statement on its own; some are true and some are not.",
        "batch GD believed cheaper and SGD slower": "Compare the cost of one update: batch GD touches every example per step, SGD one (or a few).",
        "batch GD believed to find the global optimum, SGD not to escape": "On a non-convex loss no method is guaranteed the global optimum; SGD's noise can help it leave shallow minima.",
        "answers as strings": "The answers are Python booleans (True or False), not the strings 'True' and 'False'.",
    },
    "binary_cross_entropy": {
        "log of the sigmoid taken directly (log 0 for large logits)": "For a logit of -1000 the sigmoid is 0 in floating point and its log is -inf. Write -log sigma(s) as log(1 + e^-s) and use max(s, 0) - y s + log(1 + e^-|s|).",
        "the slides' sign: the log-likelihood instead of its negative": "The loss is the negative log-likelihood: -[y log p + (1 - y) log(1 - p)], and its gradient is p - y (prediction minus target), not y - p.",
        "gradient not averaged over the batch": "The loss is a mean over N examples, so each example's gradient carries the factor 1/N.",
        "gradient times the sigmoid's derivative (the squared-error habit)": "With the cross-entropy the sigmoid's derivative cancels: dL/ds = p - y, with no extra p (1 - p) factor (that factor belongs to the squared error).",
        "only calls torch": "Compute the loss and its gradient with NumPy; calling torch's binary cross-entropy earns nothing.",
        "only calls the reference": "Write the stable formula yourself; calling the course's loss earns nothing.",
    },
    "sgd_step_with_decay": {
        "decay without the learning rate: (1 - lambda) theta": "The decay is part of the gradient step: the factor is 1 - lr * weight_decay, from theta - lr (grad + lambda theta).",
        "decay doubled, from a penalty lambda ||theta||^2": "The penalty is (lambda / 2) ||theta||^2, whose gradient is lambda theta (not 2 lambda theta), as in torch's weight_decay.",
        "decay applied after the step, to the updated weights": "Both terms use the weights before the step: (1 - lr lambda) theta - lr grad. Shrinking after the step also shrinks the gradient step.",
        "the decay grows the weights: (1 + lr lambda)": "Weight decay pulls the weights towards zero: the factor is 1 - lr * weight_decay.",
        "biases not decayed": "This exercise decays every parameter, biases too, as torch.optim.SGD(weight_decay=...) does.",
        "new arrays in a new dict (the caller's params unchanged)": "Update the caller's dict: change its arrays in place (or assign its entries); a new dict is not seen by the caller.",
        "only calls the reference": "Write the update yourself; calling the course's step earns nothing.",
    },
    "dropout": {
        "not inverted: the survivors are not scaled by 1 / (1 - p)": "Inverted dropout divides the kept units by 1 - p, so the expected output equals the input and evaluation needs no change.",
        "p taken as the probability to keep": "p is the probability to drop a unit: keep where the uniform draw is >= p, and scale by 1 / (1 - p).",
        "dropout also in evaluation": "In evaluation (train=False) dropout is the identity, and it draws no random numbers.",
        "the old scheme: evaluation multiplies by 1 - p": "With inverted dropout the scaling happens in training, so evaluation returns x unchanged.",
        "backward ignores the mask": "A dropped unit passed nothing forward, so it passes no gradient back: dx = dout * mask, with the same scale.",
        "backward draws a new mask": "Keep the forward pass's mask in the cache; the backward pass must use the same mask, not a new draw.",
        "only calls the reference": "Write the forward and backward passes yourself; calling the course's dropout earns nothing.",
    },
    "layer_jacobian": {
        "transposed: J[j, i] (inputs as rows)": "Here J has one row per output and one column per input, (M, D) like W: J[i, j] = d x'_i / d x_j.",
        "the slope left out: J = W": "Each output goes through the sigmoid, so row i of W is scaled by that unit's slope sigma'(w_i . x + b_i).",
        "sigma instead of its derivative": "The scale is the sigmoid's slope sigma'(z) = sigma(z) (1 - sigma(z)), not sigma(z) itself.",
        "slopes scale the columns, not the rows": "Unit i's slope belongs to output i: it scales row i of W (diag(sigma') W), not column i.",
        "the bias left out of the slope": "The slope is taken at the unit's whole input, w_i . x + b_i: the bias moves where the sigmoid is steep.",
        "only calls torch": "Build the Jacobian from its formula with NumPy; torch's jacobian may check it but cannot be the answer.",
        "only calls the reference": "Write the formula yourself; calling the course's Jacobian earns nothing.",
    },
}
