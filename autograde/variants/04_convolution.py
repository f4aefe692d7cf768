"""Known answers for notebook 04 (Convolution): each source replaces a whole solution cell.

``WRONG[grade_id]`` must lose points in that exercise's test cells; ``RIGHT[grade_id]`` must keep
full marks. ``tests/test_convolution.py`` runs every one through the notebook's test cells.
"""

WRONG = {
    "output_size": {
        "stride ignored in the output size": """
def output_size(n, k, padding=0, stride=1):
    if k > n + 2 * padding:
        raise ValueError("kernel too large")
    return n + 2 * padding - k + 1
""",
        "padding applied on one side only": """
def output_size(n, k, padding=0, stride=1):
    if k > n + padding:
        raise ValueError("kernel too large")
    return (n + padding - k) // stride + 1
""",
        "true division (a float, not floored)": """
def output_size(n, k, padding=0, stride=1):
    if k > n + 2 * padding:
        raise ValueError("kernel too large")
    return (n + 2 * padding - k) / stride + 1
""",
        "calls the course's reference": """
def output_size(n, k, padding=0, stride=1):
    from course.convolution import output_size as reference
    return reference(n, k, padding, stride)
""",
        "no error for a kernel that does not fit": """
def output_size(n, k, padding=0, stride=1):
    return max((n + 2 * padding - k) // stride + 1, 0)
""",
    },
    "conv1d": {
        "true convolution (kernel flipped)": """
def conv1d(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)[::-1]
    return np.array([x[i : i + len(w)] @ w for i in range(len(x) - len(w) + 1)])
""",
        "last position missed (n - m outputs)": """
def conv1d(x, w):
    x, w = np.asarray(x, dtype=float), np.asarray(w, dtype=float)
    return np.array([x[i : i + len(w)] @ w for i in range(len(x) - len(w))])
""",
        "calls numpy.correlate": """
def conv1d(x, w):
    return np.correlate(x, w, mode="valid")
""",
    },
    "conv2d_single": {
        "true convolution (kernel flipped)": """
def conv2d_single(image, kernel):
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)[::-1, ::-1]
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out
""",
        "rows and columns of the kernel swapped": """
def conv2d_single(image, kernel):
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float).T
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i : i + kh, j : j + kw] * kernel)
    return out
""",
        "calls the course's reference": """
def conv2d_single(image, kernel):
    from course.convolution import conv2d_single as reference
    return reference(image, kernel)
""",
    },
    "conv2d": {
        "true convolution (kernel flipped)": """
def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    w = w[:, :, ::-1, ::-1]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    OH, OW = (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1
    y = np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = xp[:, :, i * stride : i * stride + KH, j * stride : j * stride + KW]
            y[:, :, i, j] = np.einsum("nchw,fchw->nf", window, w)
    return y if b is None else y + np.asarray(b)[None, :, None, None]
""",
        "padding applied on one side only": """
def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, 0), (padding, 0)))
    OH, OW = (xp.shape[2] - KH) // stride + 1, (xp.shape[3] - KW) // stride + 1
    y = np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = xp[:, :, i * stride : i * stride + KH, j * stride : j * stride + KW]
            y[:, :, i, j] = np.einsum("nchw,fchw->nf", window, w)
    return y if b is None else y + np.asarray(b)[None, :, None, None]
""",
        "stride ignored in the output size": """
def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    OH, OW = H + 2 * padding - KH + 1, W + 2 * padding - KW + 1
    y = np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = xp[:, :, i * stride : i * stride + KH, j * stride : j * stride + KW]
            if window.shape[2:] == (KH, KW):
                y[:, :, i, j] = np.einsum("nchw,fchw->nf", window, w)
    return y if b is None else y + np.asarray(b)[None, :, None, None]
""",
        "channels summed wrongly (averaged over the input channels)": """
def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    OH, OW = (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1
    y = np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = xp[:, :, i * stride : i * stride + KH, j * stride : j * stride + KW]
            y[:, :, i, j] = np.einsum("nchw,fchw->nf", window, w) / C
    return y if b is None else y + np.asarray(b)[None, :, None, None]
""",
        "channels summed wrongly (filter f paired with input channel f only)": """
def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    OH, OW = (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1
    y = np.zeros((N, F, OH, OW))
    for f in range(F):
        c = f % C
        for i in range(OH):
            for j in range(OW):
                window = xp[:, c, i * stride : i * stride + KH, j * stride : j * stride + KW]
                y[:, f, i, j] = np.einsum("nhw,hw->n", window, w[f, c])
    return y if b is None else y + np.asarray(b)[None, :, None, None]
""",
        "bias ignored": """
def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    OH, OW = (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1
    y = np.zeros((N, F, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = xp[:, :, i * stride : i * stride + KH, j * stride : j * stride + KW]
            y[:, :, i, j] = np.einsum("nchw,fchw->nf", window, w)
    return y
""",
        "calls torch.nn.functional.conv2d": """
def conv2d(x, w, b=None, stride=1, padding=0):
    x_t, w_t = torch.as_tensor(np.asarray(x, dtype=float)), torch.as_tensor(np.asarray(w, dtype=float))
    b_t = None if b is None else torch.as_tensor(np.asarray(b, dtype=float))
    return torch.nn.functional.conv2d(x_t, w_t, b_t, stride=stride, padding=padding).numpy()
""",
    },
    "conv_matrix": {
        "bias tiled instead of repeated": """
def conv_matrix(w, b, input_shape, stride=1, padding=0):
    F, C, KH, KW = w.shape
    _, H, W = input_shape
    OH, OW = (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1
    A = np.zeros((F * OH * OW, C * H * W))
    for f in range(F):
        for i in range(OH):
            for j in range(OW):
                for c in range(C):
                    for u in range(KH):
                        for v in range(KW):
                            r, s = i * stride + u - padding, j * stride + v - padding
                            if 0 <= r < H and 0 <= s < W:
                                A[(f * OH + i) * OW + j, (c * H + r) * W + s] = w[f, c, u, v]
    return A, np.tile(np.asarray(b, dtype=float), OH * OW)
""",
        "padding ignored when placing the weights": """
def conv_matrix(w, b, input_shape, stride=1, padding=0):
    F, C, KH, KW = w.shape
    _, H, W = input_shape
    OH, OW = (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1
    A = np.zeros((F * OH * OW, C * H * W))
    for f in range(F):
        for i in range(OH):
            for j in range(OW):
                for c in range(C):
                    for u in range(KH):
                        for v in range(KW):
                            r, s = i * stride + u, j * stride + v
                            if 0 <= r < H and 0 <= s < W:
                                A[(f * OH + i) * OW + j, (c * H + r) * W + s] = w[f, c, u, v]
    return A, np.repeat(np.asarray(b, dtype=float), OH * OW)
""",
        "input flattened channels-last": """
def conv_matrix(w, b, input_shape, stride=1, padding=0):
    F, C, KH, KW = w.shape
    _, H, W = input_shape
    OH, OW = (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1
    A = np.zeros((F * OH * OW, C * H * W))
    for f in range(F):
        for i in range(OH):
            for j in range(OW):
                for c in range(C):
                    for u in range(KH):
                        for v in range(KW):
                            r, s = i * stride + u - padding, j * stride + v - padding
                            if 0 <= r < H and 0 <= s < W:
                                A[(f * OH + i) * OW + j, (r * W + s) * C + c] = w[f, c, u, v]
    return A, np.repeat(np.asarray(b, dtype=float), OH * OW)
""",
    },
    "max_pool2d": {
        "average instead of max": """
def max_pool2d(x, size=2):
    N, C, H, W = x.shape
    OH, OW = H // size, W // size
    return x[:, :, : OH * size, : OW * size].reshape(N, C, OH, size, OW, size).mean(axis=(3, 5))
""",
        "maximum started at 0 (wrong for negative inputs)": """
def max_pool2d(x, size=2):
    N, C, H, W = x.shape
    OH, OW = H // size, W // size
    out = np.zeros((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):
            window = x[:, :, i * size : (i + 1) * size, j * size : (j + 1) * size]
            out[:, :, i, j] = np.maximum(out[:, :, i, j], window.max(axis=(2, 3)))
    return out
""",
        "stride 1 instead of the window size": """
def max_pool2d(x, size=2):
    N, C, H, W = x.shape
    OH, OW = H - size + 1, W - size + 1
    out = np.empty((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = x[:, :, i : i + size, j : j + size].max(axis=(2, 3))
    return out
""",
        "channels pooled together": """
def max_pool2d(x, size=2):
    N, C, H, W = x.shape
    OH, OW = H // size, W // size
    pooled = x[:, :, : OH * size, : OW * size].reshape(N, C, OH, size, OW, size).max(axis=(1, 3, 5))
    return np.repeat(pooled[:, None], C, axis=1)
""",
    },
    "param_counts": {
        "bias forgotten": """
def dense_params(n_in, n_out):
    return n_in * n_out


def conv_params(c_in, c_out, k):
    return k * k * c_in * c_out
""",
        "calls the course's reference": """
from course.convolution import conv2d_params, linear_params


def dense_params(n_in, n_out):
    return linear_params(n_in, n_out)


def conv_params(c_in, c_out, k):
    return conv2d_params(c_in, c_out, k)
""",
        "one bias per input channel in a conv layer": """
def dense_params(n_in, n_out):
    return n_in * n_out + n_out


def conv_params(c_in, c_out, k):
    return (k * k + 1) * c_in * c_out
""",
    },
    "receptive_field": {
        "strides ignored: 1 + sum (k - 1)": """
def receptive_field(layers):
    return 1 + sum(kernel - 1 for kernel, stride in layers)
""",
        "each layer's own stride counted too": """
def receptive_field(layers):
    size, jump = 1, 1
    for kernel, stride in layers:
        jump *= stride
        size += (kernel - 1) * jump
    return size
""",
        "kernel sizes added up": """
def receptive_field(layers):
    return sum(kernel for kernel, stride in layers)
""",
        "kernel sizes multiplied": """
def receptive_field(layers):
    size = 1
    for kernel, stride in layers:
        size *= kernel
    return size
""",
        "the unit itself (+1) forgotten": """
def receptive_field(layers):
    size, jump = 0, 1
    for kernel, stride in layers:
        size += (kernel - 1) * jump
        jump *= stride
    return size
""",
        "only calls the reference": """
def receptive_field(layers):
    return locality.receptive_field(layers)
""",
    },
    "layer_parameters": {
        "the band's edges not subtracted: n m": """
def layer_parameters(n, m):
    return n * n, n * m, m
""",
        "3n - 2 generalised as n m - (m - 1)": """
def layer_parameters(n, m):
    return n * n, n * m - (m - 1), m
""",
        "sharing not counted: the local count again": """
def layer_parameters(n, m):
    local = n * m - (m * m - 1) // 4
    return n * n, local, local
""",
        "only calls the reference": """
def layer_parameters(n, m):
    return locality.layer_parameters(n, m)
""",
    },
    "shift_questions": {
        "everything true": """
shift_a = True
shift_b = True
shift_c = True
shift_d = True
""",
        "equivariance taken for invariance": """
shift_a = True
shift_b = True
shift_c = False
shift_d = False
""",
        "max pooling believed fully shift invariant": """
shift_a = True
shift_b = False
shift_c = False
shift_d = False
""",
        "answers as strings": """
shift_a = "True"
shift_b = "False"
shift_c = "True"
shift_d = "False"
""",
    },
}

RIGHT = {
    "output_size": {
        "math.floor of a true division": """
import math


def output_size(n, k, padding=0, stride=1):
    if n + 2 * padding < k:
        raise ValueError("the kernel is larger than the padded input")
    return int(math.floor((n + 2 * padding - k) / stride)) + 1
""",
        "counting positions with a loop": """
def output_size(n, k, padding=0, stride=1):
    if k > n + 2 * padding:
        raise ValueError("the kernel is larger than the padded input")
    count, start = 0, 0
    while start + k <= n + 2 * padding:
        count += 1
        start += stride
    return count
""",
    },
    "conv1d": {
        "plain Python lists": """
def conv1d(x, w):
    x, w = list(x), list(w)
    return [sum(w[j] * x[i + j] for j in range(len(w))) for i in range(len(x) - len(w) + 1)]
""",
        "shifted copies, float32": """
def conv1d(x, w):
    x, w = np.asarray(x, dtype=np.float32), np.asarray(w, dtype=np.float32)
    n_out = len(x) - len(w) + 1
    return sum(w[j] * x[j : j + n_out] for j in range(len(w)))
""",
    },
    "conv2d_single": {
        "sliding_window_view and einsum": """
def conv2d_single(image, kernel):
    from numpy.lib.stride_tricks import sliding_window_view
    windows = sliding_window_view(np.asarray(image, dtype=float), np.shape(kernel))
    return np.einsum("ijuv,uv->ij", windows, np.asarray(kernel, dtype=float))
""",
        "shifted copies of the image": """
def conv2d_single(image, kernel):
    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
    kh, kw = kernel.shape
    oh, ow = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((oh, ow))
    for u in range(kh):
        for v in range(kw):
            out += kernel[u, v] * image[u : u + oh, v : v + ow]
    return out
""",
    },
    "conv2d": {
        "loops over output positions (naive)": """
def conv2d(x, w, b=None, stride=1, padding=0):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    OH, OW = (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1
    y = np.zeros((N, F, OH, OW))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    window = xp[n, :, i * stride : i * stride + KH, j * stride : j * stride + KW]
                    y[n, f, i, j] = np.sum(window * w[f]) + (0.0 if b is None else b[f])
    return y
""",
        "im2col with one matrix product, float32": """
def conv2d(x, w, b=None, stride=1, padding=0):
    from numpy.lib.stride_tricks import sliding_window_view
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    x, w = np.asarray(x, dtype=np.float32), np.asarray(w, dtype=np.float32)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::stride, ::stride]
    OH, OW = windows.shape[2:4]
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * OH * OW, C * KH * KW)
    y = (cols @ w.reshape(F, -1).T).reshape(N, OH, OW, F).transpose(0, 3, 1, 2)
    return y if b is None else y + np.asarray(b, dtype=np.float32)[None, :, None, None]
""",
    },
    "conv_matrix": {
        "columns from convolving one-hot images": """
def conv_matrix(w, b, input_shape, stride=1, padding=0):
    from course.convolution import conv2d as convolve
    size = int(np.prod(input_shape))
    basis = np.eye(size).reshape(size, *input_shape)
    columns = convolve(basis, w, None, stride, padding)
    per_channel = columns.shape[2] * columns.shape[3]
    return columns.reshape(size, -1).T, np.repeat(np.asarray(b, dtype=float), per_channel)
""",
        "vectorised index arithmetic": """
def conv_matrix(w, b, input_shape, stride=1, padding=0):
    F, C, KH, KW = w.shape
    _, H, W = input_shape
    OH, OW = (H + 2 * padding - KH) // stride + 1, (W + 2 * padding - KW) // stride + 1
    f, i, j, c, u, v = np.indices((F, OH, OW, C, KH, KW))
    r, s = i * stride + u - padding, j * stride + v - padding
    inside = (r >= 0) & (r < H) & (s >= 0) & (s < W)
    A = np.zeros((F * OH * OW, C * H * W))
    rows = ((f * OH + i) * OW + j)[inside]
    cols = ((c * H + r) * W + s)[inside]
    A[rows, cols] = np.broadcast_to(w[:, None, None], (F, OH, OW, C, KH, KW))[inside]
    return A, np.repeat(np.asarray(b, dtype=float), OH * OW)
""",
    },
    "max_pool2d": {
        "loops over windows": """
def max_pool2d(x, size=2):
    N, C, H, W = x.shape
    OH, OW = H // size, W // size
    out = np.empty((N, C, OH, OW))
    for i in range(OH):
        for j in range(OW):
            out[:, :, i, j] = x[:, :, i * size : (i + 1) * size, j * size : (j + 1) * size].max(axis=(2, 3))
    return out
""",
        "maximum of the shifted strided views": """
def max_pool2d(x, size=2):
    N, C, H, W = x.shape
    OH, OW = H // size, W // size
    out = np.full((N, C, OH, OW), -np.inf)
    for u in range(size):
        for v in range(size):
            out = np.maximum(out, x[:, :, u : u + size * OH : size, v : v + size * OW : size])
    return out
""",
    },
    "param_counts": {
        "weights plus biases, written out": """
def dense_params(n_in, n_out):
    weights, biases = n_in * n_out, n_out
    return weights + biases


def conv_params(c_in, c_out, k):
    return c_out * c_in * k * k + c_out
""",
    },
    "receptive_field": {
        "from the output back to the input: r = (r - 1) s + k": """
def receptive_field(layers):
    r = 1
    for kernel, stride in reversed(layers):
        r = (r - 1) * stride + kernel
    return r
""",
        "the formula with numpy: cumulative products of the strides": """
def receptive_field(layers):
    if not layers:
        return 1
    kernels = np.array([k for k, s in layers])
    jumps = np.cumprod([1] + [s for k, s in layers][:-1])
    return int(1 + np.sum((kernels - 1) * jumps))
""",
    },
    "layer_parameters": {
        "the band counted as a list of row lengths": """
def layer_parameters(n, m):
    h = (m - 1) // 2
    local = sum(min(i + h, n - 1) - max(i - h, 0) + 1 for i in range(n))
    return [n ** 2, local, m]
""",
    },
    "shift_questions": {
        "numpy booleans": """
shift_a = np.bool_(True)
shift_b = np.bool_(False)
shift_c = np.bool_(True)
shift_d = np.bool_(False)
""",
    },
}

#: What each known-wrong answer gets wrong and how to think about it, never the answer: shown
#: to a student whose failing answer behaves like it (see autograde.verdicts.misconceptions).
HINTS = {
    "output_size": {
        "stride ignored in the output size": "With stride s the window jumps s pixels at a time: divide (n + 2p - k) by s before adding 1.",
        "padding applied on one side only": "Padding p adds p pixels on both sides: the padded length is n + 2p.",
        "true division (a float, not floored)": "A size is a whole number of positions: a window that would hang over the edge is not counted, so round down.",
        "calls the course's reference": "Derive the size from n, k, p and s yourself; calling the course's function earns nothing.",
        "no error for a kernel that does not fit": "When the kernel is larger than the padded input there is no valid position at all: say so with a ValueError.",
    },
    "conv1d": {
        "true convolution (kernel flipped)": "This course, like PyTorch, slides the filter as it is (cross-correlation); a true convolution flips it first. An asymmetric filter shows the difference.",
        "last position missed (n - m outputs)": "A filter of length m fits at n - m + 1 positions: count the last one too.",
        "calls numpy.correlate": "Write the sliding window yourself; calling NumPy's correlate earns nothing.",
    },
    "conv2d_single": {
        "true convolution (kernel flipped)": "This course, like PyTorch, uses cross-correlation: the kernel is not flipped. A true convolution rotates it by 180 degrees.",
        "rows and columns of the kernel swapped": "Kernel entry [i, j] multiplies the input at row offset i and column offset j; transposing the kernel mixes them up.",
        "calls the course's reference": "Write the sliding window yourself; calling the course's convolution earns nothing.",
    },
    "conv2d": {
        "true convolution (kernel flipped)": "This course, like PyTorch, uses cross-correlation: the kernel is not flipped. A true convolution rotates it by 180 degrees.",
        "padding applied on one side only": "Pad every spatial side by p: p rows on top and bottom, p columns left and right.",
        "stride ignored in the output size": "With stride s the window jumps s pixels: the output is floor((n + 2p - k) / s) + 1 positions wide.",
        "channels summed wrongly (averaged over the input channels)": "Each output channel sums its filter's products over all input channels; nothing is averaged.",
        "channels summed wrongly (filter f paired with input channel f only)": "Every filter spans all input channels: filter f is a (C_in, k, k) block applied to the whole input.",
        "bias ignored": "Each output channel adds its own bias b[f] to every position.",
        "calls torch.nn.functional.conv2d": "Write the convolution with NumPy; calling PyTorch's conv2d earns nothing.",
    },
    "conv_matrix": {
        "bias tiled instead of repeated": "The output is flattened channel by channel: all positions of channel 0 first, so each bias repeats over its channel's positions.",
        "padding ignored when placing the weights": "Padding shifts where each output's window sits on the input; weights that fall on padding are dropped.",
        "input flattened channels-last": "Flatten the input as x.ravel() does for (C, H, W): channel first, then rows, then columns.",
    },
    "max_pool2d": {
        "average instead of max": "Max pooling keeps the largest value of each window, not their mean.",
        "maximum started at 0 (wrong for negative inputs)": "Start each window's maximum from its own values (or -infinity): an all-negative window's maximum is negative.",
        "stride 1 instead of the window size": "By default the windows do not overlap: the stride equals the window size.",
        "channels pooled together": "Pooling works on each channel separately; channels are never mixed.",
    },
    "param_counts": {
        "bias forgotten": "Count one bias per output unit of a dense layer and one per filter of a conv layer.",
        "calls the course's reference": "Write the counts from the shapes yourself; calling the course's counting functions earns nothing.",
        "one bias per input channel in a conv layer": "A filter spans all input channels and produces one output channel: one bias per filter (output channel).",
    },
    "receptive_field": {
        "strides ignored: 1 + sum (k - 1)": "A stride s spaces a layer's units s inputs apart, so every later layer's kernel spans s times more pixels: multiply (k - 1) by the strides of the layers below.",
        "each layer's own stride counted too": "A layer's own stride spaces the units of the layer above, not its own window: layer l's (k - 1) is scaled by the strides of the layers before it only.",
        "kernel sizes added up": "Two 3x3 convolutions see 5 pixels, not 6: each layer adds k - 1 (times the strides below it) to the one pixel a unit starts from.",
        "kernel sizes multiplied": "Windows grow by adding, not multiplying: two 3x3 convolutions see 5 x 5 pixels, not 9 x 9.",
        "the unit itself (+1) forgotten": "Start from the one input pixel a 1x1 window sees: r = 1 + sum (k_l - 1) prod s_i.",
        "only calls the reference": "Write the sum yourself; calling the course's receptive_field earns nothing.",
    },
    "layer_parameters": {
        "the band's edges not subtracted: n m": "The first and last units have fewer neighbours: a band of width m in an n x n matrix holds n m - (m^2 - 1) / 4 entries (3n - 2 for m = 3).",
        "3n - 2 generalised as n m - (m - 1)": "For m = 3 the edges lose 2 entries, but for wider windows more: each edge loses 1 + 2 + ... + (m - 1)/2, in all (m^2 - 1) / 4.",
        "sharing not counted: the local count again": "With shared weights every unit uses the same m weights: the count is m, whatever n is.",
        "only calls the reference": "Count the weights yourself; calling the course's function earns nothing.",
    },
    "shift_questions": {
        "everything true": "Judge each statement on its own; two of them are false.",
        "equivariance taken for invariance": "Convolution is equivariant: its output moves with the input. Invariant would mean it does not move at all.",
        "max pooling believed fully shift invariant": "A one-pixel shift can carry a maximum into the next pooling window; only shifts within a window leave the pooled map alone.",
        "answers as strings": "The answers are Python booleans (True or False), not the strings 'True' and 'False'.",
    },
}
