"""Other people's mistakes for 05_cnn_mnist (see README.md)."""

WRONG = {
    "evaluate": {
        "accuracy in percent": """
def evaluate(model, images, labels, batch_size=1000):
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(images[i:i + batch_size]) for i in range(0, len(images), batch_size)])
    loss = F.cross_entropy(logits, labels).item()
    accuracy = 100.0 * (logits.argmax(1) == labels).float().mean().item()
    return loss, accuracy
""",
        "novel: the error rate instead of the accuracy": """
def evaluate(model, images, labels, batch_size=1000):
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(images[i:i + batch_size]) for i in range(0, len(images), batch_size)])
    loss = F.cross_entropy(logits, labels).item()
    return loss, (logits.argmax(1) != labels).float().mean().item()
""",
    },
}
RIGHT = {}
