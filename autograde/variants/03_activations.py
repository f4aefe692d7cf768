"""Known answers for 03_activations (keys: solution-cell grade ids; values replace the cell).

Every WRONG answer must lose points in one of its exercise's test cells; every RIGHT answer
(another correct way to write it: loops, float32, another formula, lists) must keep them.
"""

WRONG = {
    "sigmoid": {
        "derivative computed from z instead of sigma(z)": """
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

def sigmoid_grad(z):
    z = np.asarray(z, dtype=float)
    return z * (1.0 - z)
""",
        "derivative missing the (1 - sigma) factor": """
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

def sigmoid_grad(z):
    return sigmoid(z)
""",
        "naive formula overflows for z = -1000": """
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))

def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (1.0 - s)
""",
        "np.where computes exp(-z) on both branches and overflows": """
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-z)), np.exp(z) / (1.0 + np.exp(z)))

def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (1.0 - s)
""",
        "only calls torch.sigmoid": """
import torch

def sigmoid(z):
    return torch.sigmoid(torch.as_tensor(np.asarray(z, dtype=float))).numpy()

def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (1.0 - s)
""",
        "only calls the course's reference": """
from course import activations as _ref

def sigmoid(z):
    return _ref.sigmoid(z)

def sigmoid_grad(z):
    return _ref.sigmoid_grad(z)
""",
    },
    "tanh": {
        "derivative 1 - z**2 (from z instead of tanh(z))": """
def tanh(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-2.0 * np.abs(z))
    return np.sign(z) * (1.0 - e) / (1.0 + e)

def tanh_grad(z):
    z = np.asarray(z, dtype=float)
    return 1.0 - z**2
""",
        "derivative with the square forgotten": """
def tanh(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-2.0 * np.abs(z))
    return np.sign(z) * (1.0 - e) / (1.0 + e)

def tanh_grad(z):
    return 1.0 - tanh(z)
""",
        "2 sigma(z) - 1 (the 2z forgotten)": """
def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

def tanh(z):
    z = np.asarray(z, dtype=float)
    return 2.0 * _sigmoid(z) - 1.0

def tanh_grad(z):
    t = tanh(z)
    return 1.0 - t * t
""",
        "textbook exp formula overflows at |z| = 1000": """
def tanh(z):
    z = np.asarray(z, dtype=float)
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))

def tanh_grad(z):
    t = tanh(z)
    return 1.0 - t * t
""",
        "only calls np.tanh": """
def tanh(z):
    return np.tanh(np.asarray(z, dtype=float))

def tanh_grad(z):
    t = tanh(z)
    return 1.0 - t * t
""",
    },
    "relu": {
        "derivative 1 at z = 0": """
def relu(z):
    return np.maximum(np.asarray(z, dtype=float), 0.0)

def relu_grad(z):
    return (np.asarray(z, dtype=float) >= 0).astype(float)
""",
        "changes z in place": """
def relu(z):
    z[z < 0] = 0.0
    return z

def relu_grad(z):
    return (np.asarray(z, dtype=float) > 0).astype(float)
""",
        "derivative returns relu(z)": """
def relu(z):
    return np.maximum(np.asarray(z, dtype=float), 0.0)

def relu_grad(z):
    return relu(z)
""",
        "only calls torch.relu": """
import torch

def relu(z):
    return torch.relu(torch.as_tensor(np.asarray(z, dtype=float))).numpy()

def relu_grad(z):
    return (np.asarray(z, dtype=float) > 0).astype(float)
""",
    },
    "leaky_relu": {
        "slope ignored (always 0.01)": """
def leaky_relu(z, slope=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.01 * z)

def leaky_relu_grad(z, slope=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, 1.0, 0.01)
""",
        "derivative 1 at z = 0": """
def leaky_relu(z, slope=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, slope * z)

def leaky_relu_grad(z, slope=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0, slope)
""",
        "derivative slope * z on the negative side": """
def leaky_relu(z, slope=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, slope * z)

def leaky_relu_grad(z, slope=0.01):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, 1.0, slope * z)
""",
    },
    "elu": {
        "alpha ignored in the derivative": """
def elu(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, z, alpha * np.expm1(np.minimum(z, 0.0)))

def elu_grad(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0, np.exp(np.minimum(z, 0.0)))
""",
        "the -1 forgotten": """
def elu(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, z, alpha * np.exp(np.minimum(z, 0.0)))

def elu_grad(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))
""",
        "derivative is elu(z) on the negative side (alpha forgotten)": """
def elu(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, z, alpha * np.expm1(np.minimum(z, 0.0)))

def elu_grad(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0, elu(z, alpha))
""",
        "exp on both branches overflows at z = 1000": """
def elu(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, z, alpha * (np.exp(z) - 1.0))

def elu_grad(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0, alpha * np.exp(z))
""",
    },
    "identity": {
        "derivative a scalar 1, not an array": """
def identity(z):
    return np.array(z, dtype=float)

def identity_grad(z):
    return 1.0
""",
        "derivative returns z": """
def identity(z):
    return np.array(z, dtype=float)

def identity_grad(z):
    return np.array(z, dtype=float)
""",
        "derivative of length len(z) (wrong for a batch)": """
def identity(z):
    return np.array(z, dtype=float)

def identity_grad(z):
    return np.ones(len(z))
""",
    },
    "properties": {
        "ReLU counted as differentiable": """
VANISHING = {"sigmoid", "tanh"}
DIFFERENTIABLE = {"sigmoid", "tanh", "relu", "identity"}
NONLINEAR = {"sigmoid", "tanh", "relu"}
ZERO_CENTRED = {"tanh", "identity"}
""",
        "sigmoid counted as zero-centred": """
VANISHING = {"sigmoid", "tanh"}
DIFFERENTIABLE = {"sigmoid", "tanh", "identity"}
NONLINEAR = {"sigmoid", "tanh", "relu"}
ZERO_CENTRED = {"sigmoid", "tanh", "identity"}
""",
        "identity counted as non-linear, ReLU as linear": """
VANISHING = {"sigmoid", "tanh"}
DIFFERENTIABLE = {"sigmoid", "tanh", "identity"}
NONLINEAR = {"sigmoid", "tanh", "identity"}
ZERO_CENTRED = {"tanh", "identity"}
""",
        "ReLU counted as prone to vanishing gradients": """
VANISHING = {"sigmoid", "tanh", "relu"}
DIFFERENTIABLE = {"sigmoid", "tanh", "identity"}
NONLINEAR = {"sigmoid", "tanh", "relu"}
ZERO_CENTRED = {"tanh", "identity"}
""",
    },
    "curve_match": {
        "the homework's order (identity, ReLU, sigmoid), copied": """
MATCH = ("identity", "relu", "sigmoid")
RELU_MAX_KINKS = 20
""",
        "(sigmoid, ReLU, identity): straight and cornered swapped": """
MATCH = ("sigmoid", "relu", "identity")
RELU_MAX_KINKS = 20
""",
        "(ReLU, identity, sigmoid): smooth and cornered swapped": """
MATCH = ("relu", "identity", "sigmoid")
RELU_MAX_KINKS = 20
""",
        "the homework's option number instead of the names": """
MATCH = 3
RELU_MAX_KINKS = 20
""",
        "one kink fewer than hidden units": """
MATCH = ("sigmoid", "identity", "relu")
RELU_MAX_KINKS = 19
""",
        "two kinks per hidden unit": """
MATCH = ("sigmoid", "identity", "relu")
RELU_MAX_KINKS = 40
""",
    },
    "vanishing": {
        "sigma(0) instead of sigma'(0)": """
MAX_SIGMOID_GRAD = 0.5
TEN_LAYER_FACTOR = 0.5**10
""",
        "factors added instead of multiplied": """
MAX_SIGMOID_GRAD = 0.25
TEN_LAYER_FACTOR = 0.25 * 10
""",
        "nine factors for ten layers": """
MAX_SIGMOID_GRAD = 0.25
TEN_LAYER_FACTOR = 0.25**9
""",
    },
    "sawtooth": {
        "a plateau: the second unit's weight -2 instead of -4": """
def sawtooth(x, depth):
    y = np.asarray(x, dtype=float)
    for _ in range(depth):
        y = 2.0 * np.maximum(y, 0.0) - 2.0 * np.maximum(y - 0.5, 0.0)
    return y
""",
        "one tent too few": """
def sawtooth(x, depth):
    y = np.asarray(x, dtype=float)
    for _ in range(depth - 1):
        y = 2.0 * np.maximum(y, 0.0) - 4.0 * np.maximum(y - 0.5, 0.0)
    return y
""",
        "the tents added instead of composed": """
def sawtooth(x, depth):
    x = np.asarray(x, dtype=float)
    tent = 2.0 * np.maximum(x, 0.0) - 4.0 * np.maximum(x - 0.5, 0.0)
    return x if depth == 0 else depth * tent
""",
        "the kink at 1 instead of 1/2": """
def sawtooth(x, depth):
    y = np.asarray(x, dtype=float)
    for _ in range(depth):
        y = 2.0 * np.maximum(y, 0.0) - 4.0 * np.maximum(y - 1.0, 0.0)
    return y
""",
        "a tent from abs, not from ReLUs (wrong outside [0, 1])": """
def sawtooth(x, depth):
    y = np.asarray(x, dtype=float)
    for _ in range(depth):
        y = 1.0 - np.abs(2.0 * y - 1.0)
    return y
""",
        "only calls the reference": """
def sawtooth(x, depth):
    return reference.sawtooth(x, depth)
""",
    },
}

RIGHT = {
    "sigmoid": {
        "a loop with math.exp": """
import math

def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    for index, value in np.ndenumerate(z):
        if value >= 0:
            out[index] = 1.0 / (1.0 + math.exp(-value))
        else:
            e = math.exp(value)
            out[index] = e / (1.0 + e)
    return out

def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (1.0 - s)
""",
        "float32 throughout": """
def sigmoid(z):
    z = np.asarray(z, dtype=np.float32)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(np.float32)

def sigmoid_grad(z):
    s = sigmoid(z)
    return s * (1 - s)
""",
        "log-sum-exp form with np.logaddexp": """
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.exp(-np.logaddexp(0.0, -z))

def sigmoid_grad(z):
    z = np.asarray(z, dtype=float)
    return np.exp(-np.logaddexp(0.0, -z) - np.logaddexp(0.0, z))
""",
    },
    "tanh": {
        "2 sigma(2z) - 1 with a stable sigmoid": """
def _stable_sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

def tanh(z):
    z = np.asarray(z, dtype=float)
    return 2.0 * _stable_sigmoid(2.0 * z) - 1.0

def tanh_grad(z):
    return 1.0 - tanh(z) ** 2
""",
        "a loop with math.exp": """
import math

def tanh(z):
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    for index, value in np.ndenumerate(z):
        e = math.exp(-2.0 * abs(value))
        out[index] = math.copysign((1.0 - e) / (1.0 + e), value)
    return out

def tanh_grad(z):
    t = tanh(z)
    return 1.0 - t * t
""",
        "float32 throughout": """
def tanh(z):
    z = np.asarray(z, dtype=np.float32)
    e = np.exp(np.float32(-2) * np.abs(z))
    return (np.sign(z) * (1 - e) / (1 + e)).astype(np.float32)

def tanh_grad(z):
    t = tanh(z)
    return 1 - t * t
""",
    },
    "relu": {
        "np.where and a comparison": """
def relu(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.0)

def relu_grad(z):
    return np.where(np.asarray(z) > 0, 1.0, 0.0)
""",
        "z times the mask (lists allowed in, any shape)": """
def relu(z):
    z = np.array(z, dtype=float)
    return z * (z > 0)

def relu_grad(z):
    return 1.0 * (np.array(z, dtype=float) > 0)
""",
        "a loop": """
def relu(z):
    z = np.asarray(z, dtype=float)
    out = np.zeros(z.shape)
    for index, value in np.ndenumerate(z):
        if value > 0:
            out[index] = value
    return out

def relu_grad(z):
    z = np.asarray(z, dtype=float)
    out = np.zeros(z.shape)
    for index, value in np.ndenumerate(z):
        out[index] = 1.0 if value > 0 else 0.0
    return out
""",
    },
    "leaky_relu": {
        "max(slope z, z) as on the slides": """
def leaky_relu(z, slope=0.01):
    z = np.asarray(z, dtype=float)
    return np.maximum(slope * z, z)

def leaky_relu_grad(z, slope=0.01):
    z = np.asarray(z, dtype=float)
    grad = np.full(z.shape, float(slope))
    grad[z > 0] = 1.0
    return grad
""",
        "a loop in float32": """
def leaky_relu(z, slope=0.01):
    z = np.asarray(z, dtype=np.float32)
    out = np.empty(z.shape, dtype=np.float32)
    for index, value in np.ndenumerate(z):
        out[index] = value if value > 0 else slope * value
    return out

def leaky_relu_grad(z, slope=0.01):
    z = np.asarray(z, dtype=np.float32)
    out = np.empty(z.shape, dtype=np.float32)
    for index, value in np.ndenumerate(z):
        out[index] = 1.0 if value > 0 else slope
    return out
""",
    },
    "elu": {
        "derivative as elu(z) + alpha": """
def elu(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    negative = np.minimum(z, 0.0)
    return np.where(z >= 0, z, alpha * (np.exp(negative) - 1.0))

def elu_grad(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0, elu(z, alpha) + alpha)
""",
        "a loop with math.expm1": """
import math

def elu(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    for index, value in np.ndenumerate(z):
        out[index] = value if value >= 0 else alpha * math.expm1(value)
    return out

def elu_grad(z, alpha=1.0):
    z = np.asarray(z, dtype=float)
    out = np.empty(z.shape)
    for index, value in np.ndenumerate(z):
        out[index] = 1.0 if value >= 0 else alpha * math.exp(value)
    return out
""",
    },
    "identity": {
        "nested lists": """
def identity(z):
    return np.asarray(z, dtype=float).tolist()

def identity_grad(z):
    return np.ones(np.shape(z)).tolist()
""",
        "z * 1.0 and ones_like": """
def identity(z):
    return np.asarray(z) * 1.0

def identity_grad(z):
    return np.ones_like(z, dtype=float)
""",
    },
    "properties": {
        "lists with capitals": """
VANISHING = ["Sigmoid", "tanh"]
DIFFERENTIABLE = ["sigmoid", "Tanh", "identity"]
NONLINEAR = ["sigmoid", "tanh", "ReLU"]
ZERO_CENTRED = ["tanh", "Identity"]
""",
        "tuples and frozensets": """
VANISHING = ("tanh", "sigmoid")
DIFFERENTIABLE = frozenset({"identity", "tanh", "sigmoid"})
NONLINEAR = ("relu", "tanh", "sigmoid")
ZERO_CENTRED = frozenset({"identity", "tanh"})
""",
    },
    "curve_match": {
        "a list with capitals and a NumPy integer": """
MATCH = ["Sigmoid", "Identity", "ReLU"]
RELU_MAX_KINKS = np.int64(20)
""",
    },
    "vanishing": {
        "fractions": """
MAX_SIGMOID_GRAD = 1 / 4
TEN_LAYER_FACTOR = 4.0**-10
""",
        "measured on a grid": """
grid = np.linspace(-5.0, 5.0, 1001)
s = 1.0 / (1.0 + np.exp(-grid))
MAX_SIGMOID_GRAD = float(np.max(s * (1.0 - s)))
TEN_LAYER_FACTOR = MAX_SIGMOID_GRAD**10
""",
    },
    "sawtooth": {
        "relu(2x) - relu(4x - 2), recursively": """
def sawtooth(x, depth):
    x = np.asarray(x, dtype=float)
    if depth == 0:
        return x
    inner = sawtooth(x, depth - 1)
    return np.maximum(2 * inner, 0) - np.maximum(4 * inner - 2, 0)
""",
    },
}

#: What each known-wrong answer gets wrong and how to think about it, never the answer: shown
#: to a student whose failing answer behaves like it (see autograde.verdicts.misconceptions).
HINTS = {
    "sigmoid": {
        "derivative computed from z instead of sigma(z)": "sigma'(z) = sigma(z) (1 - sigma(z)): compute sigma(z) first and use it in the product.",
        "derivative missing the (1 - sigma) factor": "The derivative is sigma(z) (1 - sigma(z)); it peaks at 0.25 for z = 0 and vanishes at both ends.",
        "naive formula overflows for z = -1000": "exp(-z) overflows for large negative z. Use a form that only exponentiates non-positive numbers on each side.",
        "np.where computes exp(-z) on both branches and overflows": "np.where evaluates both branches for every element before choosing, so the unsafe branch still overflows; compute each branch only where it applies.",
        "only calls torch.sigmoid": "Build the sigmoid from exponentials with NumPy; calling torch's sigmoid earns nothing.",
        "only calls the course's reference": "Write the sigmoid yourself; calling the course's version earns nothing.",
    },
    "tanh": {
        "derivative 1 - z**2 (from z instead of tanh(z))": "tanh'(z) = 1 - tanh(z)^2: square tanh(z), not z.",
        "derivative with the square forgotten": "The derivative is 1 - tanh(z)^2; without the square it is not even symmetric.",
        "2 sigma(z) - 1 (the 2z forgotten)": "tanh(z) = 2 sigma(2z) - 1: the sigmoid takes 2z. Check the value at z = 1.",
        "textbook exp formula overflows at |z| = 1000": "(e^z - e^-z) / (e^z + e^-z) overflows for large |z|; a form built from a stable sigmoid does not.",
        "only calls np.tanh": "Build tanh from exponentials (or your sigmoid); calling np.tanh earns nothing.",
    },
    "relu": {
        "derivative 1 at z = 0": "The course takes relu'(0) = 0 (as PyTorch does): only strictly positive inputs have slope 1.",
        "changes z in place": "Return a new array and leave the caller's z untouched; the caller may still need it.",
        "derivative returns relu(z)": "The derivative is a slope: 1 where z > 0 and 0 elsewhere, not the ReLU's value.",
        "only calls torch.relu": "Write max(0, z) with NumPy; calling torch's ReLU earns nothing.",
    },
    "leaky_relu": {
        "slope ignored (always 0.01)": "Use the slope the caller passes for the negative side; 0.01 is only its default.",
        "derivative 1 at z = 0": "The course takes the derivative at exactly 0 from the negative side: the slope, as PyTorch does.",
        "derivative slope * z on the negative side": "On the negative side leaky ReLU is slope * z, so its derivative there is the constant slope.",
    },
    "elu": {
        "alpha ignored in the derivative": "For z < 0, elu(z) = alpha (e^z - 1), so its derivative is alpha e^z: alpha stays.",
        "the -1 forgotten": "elu(z) = alpha (e^z - 1) for z < 0: it must tend to -alpha, and meet 0 at z = 0.",
        "derivative is elu(z) on the negative side (alpha forgotten)": "Differentiate alpha (e^z - 1): the -1 disappears, the alpha does not, giving alpha e^z = elu(z) + alpha.",
        "exp on both branches overflows at z = 1000": "Exponentiate only the non-positive part of z; np.where evaluates both branches everywhere.",
    },
    "identity": {
        "derivative a scalar 1, not an array": "Return a derivative for every element: an array of ones with z's shape.",
        "derivative returns z": "The identity's slope is 1 everywhere, whatever z is.",
        "derivative of length len(z) (wrong for a batch)": "z may have any shape, a batch included: the derivative has exactly z's shape.",
    },
    "properties": {
        "ReLU counted as differentiable": "Look at ReLU at 0: the slope jumps from 0 to 1, so it has no derivative there.",
        "sigmoid counted as zero-centred": "The sigmoid's outputs lie in (0, 1), all positive, with sigma(0) = 0.5: is its output centred on 0?",
        "identity counted as non-linear, ReLU as linear": "A linear function satisfies f(a + b) = f(a) + f(b); test ReLU with a = 1, b = -1.",
        "ReLU counted as prone to vanishing gradients": "Vanishing gradients come from derivatives below 1 multiplied layer after layer; ReLU's slope for positive inputs is exactly 1.",
    },
    "curve_match": {
        "the homework's order (identity, ReLU, sigmoid), copied": "The curves in this notebook are shuffled differently from the homework's figure: match each curve by its shape.",
        "(sigmoid, ReLU, identity): straight and cornered swapped": "An identity network gives a straight line; a ReLU network a piecewise-linear curve with corners.",
        "(ReLU, identity, sigmoid): smooth and cornered swapped": "A sigmoid network gives a smooth curve; a ReLU network one made of straight pieces with kinks.",
        "the homework's option number instead of the names": "Answer with the activation names in the order the notebook's curves appear.",
        "one kink fewer than hidden units": "Each hidden ReLU unit can add one kink where its input crosses 0: count the units.",
        "two kinks per hidden unit": "A ReLU bends once, at 0: one hidden unit contributes at most one kink.",
    },
    "vanishing": {
        "sigma(0) instead of sigma'(0)": "The gradient shrinks by the activation's derivative at each layer: use sigma'(0), the slope, not sigma(0), the value.",
        "factors added instead of multiplied": "The chain rule multiplies one derivative per layer; the product of many factors below 1 vanishes.",
        "nine factors for ten layers": "Count the layers the gradient passes through: one activation derivative per layer.",
    },
    "sawtooth": {
        "a plateau: the second unit's weight -2 instead of -4": "After 1/2 the tent must fall with slope -2: the second unit has to cancel the first one's +2 and add -2, so its weight is -4.",
        "one tent too few": "depth = 1 is one tent, depth = 0 is x itself: apply the tent exactly depth times.",
        "the tents added instead of composed": "Depth composes: the next tent is applied to the previous tent's output, tent(tent(x)), not added to it.",
        "the kink at 1 instead of 1/2": "The tent turns at x = 1/2: the second unit is relu(x - 1/2), so that [0, 1] is mapped onto itself twice.",
        "a tent from abs, not from ReLUs (wrong outside [0, 1])": "Build the tent from two ReLU units, 2 relu(x) - 4 relu(x - 1/2): it agrees with 1 - |2x - 1| on [0, 1] but not outside.",
        "only calls the reference": "Write the composition yourself; calling the course's sawtooth earns nothing.",
    },
}
