"""Known answers for 01_neurons (keys: solution-cell grade ids; values replace the cell)."""

WRONG = {
    "neuron": {
        "bias forgotten": """
def neuron(x, w, b):
    return 1.0 / (1.0 + np.exp(-(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float))))
""",
        "bias subtracted": """
def neuron(x, w, b):
    return 1.0 / (1.0 + np.exp(-(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) - b)))
""",
        "tanh instead of the logistic sigmoid": """
def neuron(x, w, b):
    return np.tanh(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b)
""",
        "only calls the reference": """
def neuron(x, w, b):
    return neurons.neuron(x, w, b)
""",
    },
    "logic_units": {
        "AND unit computes OR": """
AND_UNIT = (np.array([1.0, 1.0]), -0.5)
OR_UNIT = (np.array([1.0, 1.0]), -0.5)
NAND_UNIT = (np.array([-1.0, -1.0]), 1.5)
one_unit_can_compute_xor = False
""",
        "claims one unit computes XOR": """
AND_UNIT = (np.array([1.0, 1.0]), -1.5)
OR_UNIT = (np.array([1.0, 1.0]), -0.5)
NAND_UNIT = (np.array([-1.0, -1.0]), 1.5)
one_unit_can_compute_xor = True
""",
        "NAND with the signs of AND": """
AND_UNIT = (np.array([1.0, 1.0]), -1.5)
OR_UNIT = (np.array([1.0, 1.0]), -0.5)
NAND_UNIT = (np.array([1.0, 1.0]), -1.5)
one_unit_can_compute_xor = False
""",
    },
    "relu_net": {
        "W1 not transposed (right only for symmetric W1)": """
W1 = np.array([[-1.0, 1.0], [1.0, -1.0]])
W2 = np.array([[1.0, 1.0]])

def two_layer_relu(x, W1, W2):
    hidden = np.maximum(np.asarray(x, dtype=float) @ np.asarray(W1, dtype=float), 0.0)
    return (hidden @ np.asarray(W2, dtype=float).T).reshape(-1)

homework_gate = "XOR"
""",
        "ReLU forgotten": """
W1 = np.array([[-1.0, 1.0], [1.0, -1.0]])
W2 = np.array([[1.0, 1.0]])

def two_layer_relu(x, W1, W2):
    return (np.asarray(x, dtype=float) @ W1.T @ W2.T).reshape(-1)

homework_gate = "XOR"
""",
        "wrong gate named": """
W1 = np.array([[-1.0, 1.0], [1.0, -1.0]])
W2 = np.array([[1.0, 1.0]])

def two_layer_relu(x, W1, W2):
    hidden = np.maximum(np.asarray(x, dtype=float) @ np.asarray(W1, dtype=float).T, 0.0)
    return (hidden @ np.asarray(W2, dtype=float).T).reshape(-1)

homework_gate = "OR"
""",
    },
    "or_networks": {
        "W2 fixed at [1, 1]": """
import itertools

def find_networks(gate):
    found = []
    for values in itertools.product([-1.0, 0.0, 1.0], repeat=4):
        A = np.array(values).reshape(2, 2)
        B = np.array([[1.0, 1.0]])
        if np.array_equal(neurons.two_layer_relu(neurons.BOOLEAN_INPUTS, A, B), neurons.TRUTH_TABLES[gate]):
            found.append((A, B))
    return found

or_networks = find_networks("OR")
""",
        "weights only in {0, 1}": """
import itertools

def find_networks(gate):
    found = []
    for values in itertools.product([0.0, 1.0], repeat=6):
        A = np.array(values[:4]).reshape(2, 2)
        B = np.array(values[4:]).reshape(1, 2)
        if np.array_equal(neurons.two_layer_relu(neurons.BOOLEAN_INPUTS, A, B), neurons.TRUTH_TABLES[gate]):
            found.append((A, B))
    return found

or_networks = find_networks("OR")
""",
        "a network listed twice": """
import itertools

def find_networks(gate):
    found = []
    for values in itertools.product([-1.0, 0.0, 1.0], repeat=6):
        A = np.array(values[:4]).reshape(2, 2)
        B = np.array(values[4:]).reshape(1, 2)
        if np.array_equal(neurons.two_layer_relu(neurons.BOOLEAN_INPUTS, A, B), neurons.TRUTH_TABLES[gate]):
            found.append((A, B))
    return found + found[:1]

or_networks = find_networks("OR")
""",
    },
    "parameter_counts": {
        "biases forgotten": """
def mlp_parameters(layer_sizes):
    return sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))

def cnn_parameters(in_channels, filters, kernel_size, layers):
    return layers * kernel_size * kernel_size * filters * filters

mlp_total = mlp_parameters([1920 * 1080 * 3, 256, 10])
cnn_total = cnn_parameters(3, 64, 4, 10)
""",
        "every CNN layer counted with 64 input channels": """
def mlp_parameters(layer_sizes):
    return sum(a * b + b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))

def cnn_parameters(in_channels, filters, kernel_size, layers):
    return layers * (kernel_size * kernel_size * filters + 1) * filters

mlp_total = mlp_parameters([1920 * 1080 * 3, 256, 10])
cnn_total = cnn_parameters(3, 64, 4, 10)
""",
        "only calls the reference": """
def mlp_parameters(layer_sizes):
    return params.dense_parameter_count(layer_sizes)

def cnn_parameters(in_channels, filters, kernel_size, layers):
    return params.cnn_parameter_count(in_channels, filters, kernel_size, layers)

mlp_total = mlp_parameters([1920 * 1080 * 3, 256, 10])
cnn_total = cnn_parameters(3, 64, 4, 10)
""",
    },
    "output_size": {
        "padding added once": """
def output_length(n, k, padding, stride):
    return (n + padding - k) // stride + 1

out_w = output_length(1920, 4, 2, 2)
out_h = output_length(1080, 4, 2, 2)
""",
        "stride ignored": """
def output_length(n, k, padding, stride):
    return n + 2 * padding - k + 1

out_w = output_length(1920, 4, 2, 2)
out_h = output_length(1080, 4, 2, 2)
""",
        "rounded up instead of down": """
import math

def output_length(n, k, padding, stride):
    return math.ceil((n + 2 * padding - k) / stride) + 1

out_w = output_length(1920, 4, 2, 2)
out_h = output_length(1080, 4, 2, 2)
""",
        "only calls the reference": """
def output_length(n, k, padding, stride):
    return convolution.output_size(n, k, padding, stride)

out_w = output_length(1920, 4, 2, 2)
out_h = output_length(1080, 4, 2, 2)
""",
    },
}

RIGHT = {
    "neuron": {
        "loop over the rows, float32": """
def neuron(x, w, b):
    x = np.asarray(x, dtype=np.float32)
    w = np.asarray(w, dtype=np.float32)
    if x.ndim == 1:
        return 1.0 / (1.0 + np.exp(-(float(np.dot(x, w)) + b)))
    return np.array([1.0 / (1.0 + np.exp(-(float(np.dot(row, w)) + b))) for row in x])
""",
        "tanh identity sigma(z) = (1 + tanh(z/2)) / 2": """
def neuron(x, w, b):
    z = np.asarray(x, dtype=float) @ np.asarray(w, dtype=float) + b
    return 0.5 * (1.0 + np.tanh(z / 2.0))
""",
    },
    "logic_units": {
        "other weights, lists": """
AND_UNIT = ([2, 2], -3)
OR_UNIT = ([3, 3], -1)
NAND_UNIT = ([-0.5, -0.5], 0.75)
one_unit_can_compute_xor = False
""",
    },
    "relu_net": {
        "explicit loops, lowercase gate": """
W1 = np.array([[-1.0, 1.0], [1.0, -1.0]])
W2 = np.array([[1.0, 1.0]])

def two_layer_relu(x, W1, W2):
    out = []
    for row in x:
        hidden = [max(0.0, sum(W1[h][i] * row[i] for i in range(len(row)))) for h in range(len(W1))]
        out.append(sum(W2[0][h] * hidden[h] for h in range(len(hidden))))
    return np.array(out)

homework_gate = "xor"
""",
    },
    "or_networks": {
        "nested loops over lists": """
def find_networks(gate):
    found = []
    values = [-1, 0, 1]
    for a in values:
        for b in values:
            for c in values:
                for d in values:
                    for e in values:
                        for f in values:
                            A = np.array([[a, b], [c, d]], dtype=float)
                            B = np.array([[e, f]], dtype=float)
                            out = np.maximum(neurons.BOOLEAN_INPUTS @ A.T, 0) @ B.T
                            if np.array_equal(out.ravel(), neurons.TRUTH_TABLES[gate]):
                                found.append((A, B))
    return found

or_networks = find_networks("OR")
""",
    },
    "parameter_counts": {
        "explicit per-layer sums": """
def mlp_parameters(layer_sizes):
    total = 0
    for i in range(len(layer_sizes) - 1):
        total += (layer_sizes[i] + 1) * layer_sizes[i + 1]
    return total

def cnn_parameters(in_channels, filters, kernel_size, layers):
    total, channels = 0, in_channels
    for _ in range(layers):
        total += (kernel_size ** 2 * channels + 1) * filters
        channels = filters
    return total

mlp_total = mlp_parameters([1920 * 1080 * 3, 256, 10])
cnn_total = cnn_parameters(3, 64, 4, 10)
""",
    },
    "output_size": {
        "math.floor of a float division": """
import math

def output_length(n, k, padding, stride):
    return math.floor((n + 2 * padding - k) / stride) + 1

out_w = output_length(1920, 4, 2, 2)
out_h = output_length(1080, 4, 2, 2)
""",
    },
}

#: What each known-wrong answer gets wrong and how to think about it, never the answer: shown
#: to a student whose failing answer behaves like it (see autograde.verdicts.misconceptions).
HINTS = {
    "neuron": {
        "bias forgotten": "The neuron adds its bias b to the weighted sum before the sigmoid: z = w . x + b. Without b every unit's curve passes through 0.5 at w . x = 0.",
        "bias subtracted": "Check the sign of the bias: z = w . x + b. A threshold written as 'w . x > theta' becomes b = -theta, not z = w . x - b.",
        "tanh instead of the logistic sigmoid": "tanh and the logistic sigmoid have the same S shape but different ranges: tanh gives (-1, 1), the sigmoid (0, 1), with sigma(0) = 0.5.",
        "only calls the reference": "The exercise is to write the neuron from its formula; calling the course's neuron earns nothing. Build z first, then squash it.",
    },
    "logic_units": {
        "AND unit computes OR": "A threshold unit fires when w . x + b > 0. For AND, only (1, 1) may clear the threshold: check each of the four inputs against your bias.",
        "claims one unit computes XOR": "One threshold unit draws one straight line through the input square. Try to separate XOR's two 'true' corners from its two 'false' ones with a single line.",
        "NAND with the signs of AND": "NAND is 'not AND': every output of AND flipped. Flipping a threshold unit's output means negating both its weights and its bias.",
    },
    "relu_net": {
        "W1 not transposed (right only for symmetric W1)": "With inputs as rows x: (N, 2) and W1: (hidden, 2), the hidden layer is x W1^T. A symmetric W1 hides a missing transpose; a random one does not.",
        "ReLU forgotten": "Without the ReLU the two layers collapse into one linear map, which cannot compute XOR. Apply max(0, .) to the hidden pre-activations.",
        "wrong gate named": "Evaluate the homework network on all four Boolean inputs and compare the outputs with each gate's truth table.",
    },
    "or_networks": {
        "W2 fixed at [1, 1]": "The search must range over every entry of both layers: W1 has 4 entries and W2 has 2, so 3^6 candidates.",
        "weights only in {0, 1}": "The exercise asks for weights in {-1, 0, 1}; negative weights give networks a {0, 1} search never finds.",
        "a network listed twice": "Each (W1, W2) pair should appear once; check how your loops build candidates and whether any pair is added twice.",
    },
    "parameter_counts": {
        "biases forgotten": "Each dense layer has a bias per output unit, and each conv filter has one bias: count them beside the weights.",
        "every CNN layer counted with 64 input channels": "A conv layer's weights are in_channels x out_channels x k x k. The first layer sees the image's channels, later ones the previous layer's filters.",
        "only calls the reference": "Write the counts from the layer shapes yourself; calling the course's counting functions earns nothing.",
    },
    "output_size": {
        "padding added once": "Padding p adds p pixels on both sides, so the padded length is n + 2p.",
        "stride ignored": "With stride s the window jumps s pixels at a time: the number of positions is floor((n + 2p - k) / s) + 1.",
        "rounded up instead of down": "A window that would hang over the edge is not counted: the division by the stride rounds down.",
        "only calls the reference": "Derive the output length from n, k, p and s yourself; calling the course's function earns nothing.",
    },
}
