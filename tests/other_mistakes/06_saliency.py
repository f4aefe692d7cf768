"""Other people's mistakes for 06_saliency (see README.md)."""

WRONG = {
    "saliency_map": {
        "no absolute value": """
def saliency_map(model, x, target):
    mode = model.training
    model.eval()
    x = x.clone().detach().requires_grad_()
    out = model(x)
    score = out[torch.arange(len(x)), target].sum()
    grad = torch.autograd.grad(score, x)[0]
    model.train(mode)
    return grad.max(dim=1).values
""",
        "novel: the mean over channels of the squared gradient": """
def saliency_map(model, x, target):
    mode = model.training
    model.eval()
    x = x.clone().detach().requires_grad_()
    score = model(x)[torch.arange(len(x)), target].sum()
    grad = torch.autograd.grad(score, x)[0]
    model.train(mode)
    return (grad ** 2).mean(dim=1)
""",
    },
    "rank_correlation": {
        "Pearson correlation of the values, not of their ranks": """
def rank_correlation(a, b):
    a = np.ravel(np.asarray(a, dtype=float))
    b = np.ravel(np.asarray(b, dtype=float))
    return float(np.corrcoef(a, b)[0, 1])
""",
    },
}
RIGHT = {}
