"""Known answers for notebook 05 (CNN on MNIST): each source replaces a whole solution cell.

``WRONG[grade_id]`` must lose points in that exercise's test cells; ``RIGHT[grade_id]`` must keep
full marks. ``tests/test_cnn.py`` runs every one through the notebook's test cells.
"""

_NET_INIT = """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
"""

WRONG = {
    "slides_net": {
        "no ReLU after conv2": _NET_INIT
        + """
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(self.conv2(x), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
""",
        "average pooling instead of max pooling": _NET_INIT
        + """
    def forward(self, x):
        x = F.avg_pool2d(F.relu(self.conv1(x)), 2)
        x = F.avg_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
""",
        "softmax at the output (probabilities, not logits)": _NET_INIT
        + """
    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return F.softmax(self.fc3(x), dim=1)
""",
        "flattened size of the slides' 32 x 32 input (16 * 6 * 6)": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 6 * 6, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, 16 * 6 * 6)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
""",
        "subclasses the course's reference": """
class Net(cnn.SlidesNet):
    pass
""",
    },
    "train_step": {
        "optimizer.zero_grad forgotten": """
def train_step(model, optimizer, images, labels):
    model.train()
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss.item()
""",
        "loss on softmax outputs instead of logits": """
def train_step(model, optimizer, images, labels):
    model.train()
    optimizer.zero_grad()
    probabilities = F.softmax(model(images), dim=1)
    loss = F.cross_entropy(probabilities, labels)
    loss.backward()
    optimizer.step()
    return loss.item()
""",
        "model left in eval mode while training (model.train() never called)": """
def train_step(model, optimizer, images, labels):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss.item()
""",
        "model switched to eval mode before the step": """
def train_step(model, optimizer, images, labels):
    model.eval()
    optimizer.zero_grad()
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss.item()
""",
        "optimizer.step forgotten": """
def train_step(model, optimizer, images, labels):
    model.train()
    optimizer.zero_grad()
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    return loss.item()
""",
        "returns the loss tensor": """
def train_step(model, optimizer, images, labels):
    model.train()
    optimizer.zero_grad()
    loss = F.cross_entropy(model(images), labels)
    loss.backward()
    optimizer.step()
    return loss
""",
        "calls the course's reference": """
def train_step(model, optimizer, images, labels):
    return cnn.train_step(model, optimizer, images, labels)
""",
    },
    "evaluate": {
        "model left in training mode": """
def evaluate(model, images, labels, batch_size=1000):
    total, correct = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(images), batch_size):
            logits = model(images[i:i + batch_size])
            total += F.cross_entropy(logits, labels[i:i + batch_size], reduction="sum").item()
            correct += (logits.argmax(1) == labels[i:i + batch_size]).sum().item()
    return total / len(labels), correct / len(labels)
""",
        "mean of the per-batch mean losses": """
def evaluate(model, images, labels, batch_size=1000):
    model.eval()
    losses, correct = [], 0
    with torch.no_grad():
        for i in range(0, len(images), batch_size):
            logits = model(images[i:i + batch_size])
            losses.append(F.cross_entropy(logits, labels[i:i + batch_size]).item())
            correct += (logits.argmax(1) == labels[i:i + batch_size]).sum().item()
    return sum(losses) / len(losses), correct / len(labels)
""",
        "accuracy in percent": """
def evaluate(model, images, labels, batch_size=1000):
    model.eval()
    with torch.no_grad():
        logits = model(images)
    return F.cross_entropy(logits, labels).item(), 100.0 * (logits.argmax(1) == labels).float().mean().item()
""",
        "calls the course's reference": """
def evaluate(model, images, labels, batch_size=1000):
    return cnn.evaluate(model, images, labels, batch_size)
""",
    },
    "final_accuracy": {
        "accuracy on the training set": """
final_loss, final_accuracy = evaluate(model, train[0], train[1])
""",
        "the training accuracy of the last epoch": """
final_loss, final_accuracy = history.train_loss[-1], history.train_accuracy[-1]
""",
        "a fresh, untrained network": """
final_loss, final_accuracy = evaluate(Net().to(DEVICE), test[0], test[1])
""",
    },
    "confusion": {
        "transposed (rows = predicted class)": """
def confusion_matrix(predictions, labels, num_classes=10):
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (np.asarray(predictions), np.asarray(labels)), 1)
    return counts
""",
        "fancy-index += counts repeated pairs once": """
def confusion_matrix(predictions, labels, num_classes=10):
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    counts[np.asarray(labels), np.asarray(predictions)] += 1
    return counts
""",
        "always 10 classes": """
def confusion_matrix(predictions, labels, num_classes=10):
    counts = np.zeros((10, 10), dtype=np.int64)
    np.add.at(counts, (np.asarray(labels), np.asarray(predictions)), 1)
    return counts
""",
        "calls the course's reference": """
def confusion_matrix(predictions, labels, num_classes=10):
    return cnn.confusion_matrix(predictions, labels, num_classes)
""",
    },
}

RIGHT = {
    "slides_net": {
        "the slides' style: pooling module and view(-1, num_flat_features)": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.pool = nn.MaxPool2d(2, 2)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def num_flat_features(self, x):
        size = x.size()[1:]
        n = 1
        for s in size:
            n *= s
        return n

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = F.max_pool2d(F.relu(self.conv2(x)), (2, 2))
        x = x.reshape(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x
""",
        "ReLU and pooling swapped (they commute), nn.ReLU modules": """
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels=1, out_channels=6, kernel_size=3)
        self.conv2 = nn.Conv2d(in_channels=6, out_channels=16, kernel_size=(3, 3))
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.relu(F.max_pool2d(self.conv1(x), kernel_size=2, stride=2))
        x = self.relu(F.max_pool2d(self.conv2(x), kernel_size=2, stride=2))
        x = nn.Flatten()(x)
        return self.fc3(self.relu(self.fc2(self.relu(self.fc1(x)))))
""",
    },
    "train_step": {
        "nn.CrossEntropyLoss and model.zero_grad": """
criterion = nn.CrossEntropyLoss()

def train_step(model, optimizer, images, labels):
    model.train()
    model.zero_grad()
    output = model(images)
    loss = criterion(output, labels)
    loss.backward()
    optimizer.step()
    return float(loss)
""",
        "log-softmax and NLL, gradients zeroed (not None)": """
def train_step(model, optimizer, images, labels):
    model.train(True)
    optimizer.zero_grad(set_to_none=False)
    log_probabilities = F.log_softmax(model(images), dim=1)
    loss = -log_probabilities.gather(1, labels[:, None]).mean()
    loss.backward()
    optimizer.step()
    return loss.item()
""",
    },
    "evaluate": {
        "all at once with inference_mode": """
def evaluate(model, images, labels, batch_size=1000):
    model.eval()
    with torch.inference_mode():
        logits = model(images)
        loss = F.cross_entropy(logits, labels).item()
        accuracy = (logits.argmax(dim=1) == labels).float().mean().item()
    return loss, accuracy
""",
        "log-softmax per batch, weighted by batch size": """
def evaluate(model, images, labels, batch_size=1000):
    model.train(False)
    losses, hits = [], []
    with torch.no_grad():
        for start in range(0, len(labels), batch_size):
            x, y = images[start:start + batch_size], labels[start:start + batch_size]
            log_p = F.log_softmax(model(x), dim=1)
            losses.append(F.nll_loss(log_p, y).item() * len(y))
            hits.append(int((log_p.argmax(1) == y).sum()))
    return sum(losses) / len(labels), sum(hits) / len(labels)
""",
    },
    "final_accuracy": {
        "unpacked test tensors, another batch size": """
x_test, y_test = test
final_loss, final_accuracy = evaluate(model, x_test, y_test, batch_size=257)
""",
        "the pair unpacked with *": """
final_loss, final_accuracy = evaluate(model, *test)
""",
    },
    "confusion": {
        "a double loop over pairs": """
def confusion_matrix(predictions, labels, num_classes=10):
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    for p, t in zip(list(predictions), list(labels)):
        counts[int(t), int(p)] += 1
    return counts
""",
        "bincount of flat indices": """
def confusion_matrix(predictions, labels, num_classes=10):
    p = np.asarray(predictions).astype(np.int64)
    t = np.asarray(labels).astype(np.int64)
    return np.bincount(t * num_classes + p, minlength=num_classes**2).reshape(num_classes, num_classes)
""",
        "torch index_put_ with accumulate": """
def confusion_matrix(predictions, labels, num_classes=10):
    counts = torch.zeros(num_classes, num_classes, dtype=torch.int64)
    counts.index_put_((torch.as_tensor(labels), torch.as_tensor(predictions)), torch.tensor(1), accumulate=True)
    return counts.numpy()
""",
    },
}

#: What each known-wrong answer gets wrong and how to think about it, never the answer: shown
#: to a student whose failing answer behaves like it (see autograde.verdicts.misconceptions).
HINTS = {
    "slides_net": {
        "no ReLU after conv2": "Each convolution in the slides' network is followed by a ReLU and then pooling; without it two layers of the stack are linear together.",
        "average pooling instead of max pooling": "The slides' network uses max pooling: each 2 x 2 window keeps its largest activation.",
        "softmax at the output (probabilities, not logits)": "The network returns logits; cross-entropy in PyTorch applies log-softmax itself, so a softmax in forward is applied twice.",
        "flattened size of the slides' 32 x 32 input (16 * 6 * 6)": "Follow the shapes for a 28 x 28 digit: 28 -> 26 -> 13 -> 11 -> 5, so 16 channels of 5 x 5 reach the first dense layer.",
        "subclasses the course's reference": "Write the layers yourself; inheriting the course's network earns nothing.",
    },
    "train_step": {
        "optimizer.zero_grad forgotten": "PyTorch adds new gradients to the old ones: clear them before each backward pass.",
        "loss on softmax outputs instead of logits": "cross_entropy expects logits and applies log-softmax itself; a softmax before it squashes the loss and its gradients.",
        "model left in eval mode while training (model.train() never called)": "Layers such as dropout behave differently in training: put the model in training mode before the step.",
        "model switched to eval mode before the step": "Training needs training mode: dropout and batch norm must behave as in training during the step.",
        "optimizer.step forgotten": "backward computes the gradients; only optimizer.step() changes the parameters.",
        "returns the loss tensor": "Return the loss as a Python float (loss.item()), so no computation graph is kept alive.",
        "calls the course's reference": "Write the step yourself; calling the course's train_step earns nothing.",
    },
    "evaluate": {
        "model left in training mode": "Evaluation uses evaluation mode (model.eval()): dropout off, every unit used.",
        "mean of the per-batch mean losses": "When the last batch is smaller, the mean of batch means weighs its examples more; sum the losses and divide by the number of examples.",
        "accuracy in percent": "The accuracy is a fraction between 0 and 1.",
        "calls the course's reference": "Write the evaluation loop yourself; calling the course's evaluate earns nothing.",
    },
    "final_accuracy": {
        "accuracy on the training set": "The test set measures how the network does on digits it never saw; report the test accuracy.",
        "the training accuracy of the last epoch": "Measure the trained network on the test set after training, not the running training accuracy.",
        "a fresh, untrained network": "Measure the network you trained; a new one is at chance level.",
    },
    "confusion": {
        "transposed (rows = predicted class)": "The matrix's rows are the true classes and its columns the predicted ones: entry [t, p] counts digits of class t predicted as p.",
        "fancy-index += counts repeated pairs once": "matrix[t, p] += 1 with index arrays adds 1 once per distinct pair; np.add.at (or bincount) counts repeats.",
        "always 10 classes": "Use num_classes for the matrix's size; not every problem has ten classes.",
        "calls the course's reference": "Count the pairs yourself; calling the course's function earns nothing.",
    },
}
