"""Known answers for 06_saliency (keys: solution-cell grade ids; values replace the cell).

Every wrong answer must lose points in its exercise's test cells; every right one must keep
full marks. The test models of the hidden tests have dropout and batch norm, so an answer that
runs the model in training mode gives different numbers.
"""

WRONG = {
    "saliency_map": {
        "no absolute value": """
def saliency_map(model, x, target):
    was_training = model.training
    model.eval()
    try:
        inputs = x.detach().clone().requires_grad_(True)
        scores = model(inputs).gather(1, target.reshape(-1, 1))
        (grad,) = torch.autograd.grad(scores.sum(), inputs)
    finally:
        model.train(was_training)
    return grad.amax(dim=1)
""",
        "gradient of the softmax probability instead of the logit": """
def saliency_map(model, x, target):
    was_training = model.training
    model.eval()
    try:
        inputs = x.detach().clone().requires_grad_(True)
        probs = torch.softmax(model(inputs), dim=1).gather(1, target.reshape(-1, 1))
        (grad,) = torch.autograd.grad(probs.sum(), inputs)
    finally:
        model.train(was_training)
    return grad.abs().amax(dim=1)
""",
        "model left in train mode (no model.eval())": """
def saliency_map(model, x, target):
    inputs = x.detach().clone().requires_grad_(True)
    scores = model(inputs).gather(1, target.reshape(-1, 1))
    (grad,) = torch.autograd.grad(scores.sum(), inputs)
    return grad.abs().amax(dim=1)
""",
        "caller's mode not restored (left in eval mode)": """
def saliency_map(model, x, target):
    model.eval()
    inputs = x.detach().clone().requires_grad_(True)
    scores = model(inputs).gather(1, target.reshape(-1, 1))
    (grad,) = torch.autograd.grad(scores.sum(), inputs)
    return grad.abs().amax(dim=1)
""",
        "channels summed instead of the maximum": """
def saliency_map(model, x, target):
    was_training = model.training
    model.eval()
    try:
        inputs = x.detach().clone().requires_grad_(True)
        scores = model(inputs).gather(1, target.reshape(-1, 1))
        (grad,) = torch.autograd.grad(scores.sum(), inputs)
    finally:
        model.train(was_training)
    return grad.abs().sum(dim=1)
""",
        "gradients left in the parameters (.backward())": """
def saliency_map(model, x, target):
    was_training = model.training
    model.eval()
    try:
        inputs = x.detach().clone().requires_grad_(True)
        model(inputs).gather(1, target.reshape(-1, 1)).sum().backward()
    finally:
        model.train(was_training)
    return inputs.grad.abs().amax(dim=1)
""",
        "only calls the reference": """
def saliency_map(model, x, target):
    return sal.vanilla_saliency(model, x, target)
""",
    },
    "integrated_gradients": {
        "not multiplied by (x - baseline)": """
def integrated_gradients(model, x, target, baseline, steps=64):
    was_training = model.training
    model.eval()
    try:
        total = torch.zeros_like(x)
        for k in range(1, steps + 1):
            point = (baseline + k / steps * (x - baseline)).detach().requires_grad_(True)
            score = model(point).gather(1, target[:, None]).sum()
            total += torch.autograd.grad(score, point)[0]
    finally:
        model.train(was_training)
    return total / steps
""",
        "multiplied by x instead of (x - baseline)": """
def integrated_gradients(model, x, target, baseline, steps=64):
    was_training = model.training
    model.eval()
    try:
        total = torch.zeros_like(x)
        for k in range(1, steps + 1):
            point = (baseline + k / steps * (x - baseline)).detach().requires_grad_(True)
            score = model(point).gather(1, target[:, None]).sum()
            total += torch.autograd.grad(score, point)[0]
    finally:
        model.train(was_training)
    return x * total / steps
""",
        "path starts at zero, not at the baseline": """
def integrated_gradients(model, x, target, baseline, steps=64):
    was_training = model.training
    model.eval()
    try:
        total = torch.zeros_like(x)
        for k in range(1, steps + 1):
            point = (k / steps * x).detach().requires_grad_(True)
            score = model(point).gather(1, target[:, None]).sum()
            total += torch.autograd.grad(score, point)[0]
    finally:
        model.train(was_training)
    return (x - baseline) * total / steps
""",
        "left Riemann sum (k = 0 .. m-1)": """
def integrated_gradients(model, x, target, baseline, steps=64):
    was_training = model.training
    model.eval()
    try:
        total = torch.zeros_like(x)
        for k in range(steps):
            point = (baseline + k / steps * (x - baseline)).detach().requires_grad_(True)
            score = model(point).gather(1, target[:, None]).sum()
            total += torch.autograd.grad(score, point)[0]
    finally:
        model.train(was_training)
    return (x - baseline) * total / steps
""",
        "model left in train mode (no model.eval())": """
def integrated_gradients(model, x, target, baseline, steps=64):
    total = torch.zeros_like(x)
    for k in range(1, steps + 1):
        point = (baseline + k / steps * (x - baseline)).detach().requires_grad_(True)
        score = model(point).gather(1, target[:, None]).sum()
        total += torch.autograd.grad(score, point)[0]
    return (x - baseline) * total / steps
""",
        "gradient of the softmax probability instead of the logit": """
def integrated_gradients(model, x, target, baseline, steps=64):
    was_training = model.training
    model.eval()
    try:
        total = torch.zeros_like(x)
        for k in range(1, steps + 1):
            point = (baseline + k / steps * (x - baseline)).detach().requires_grad_(True)
            score = torch.softmax(model(point), dim=1).gather(1, target[:, None]).sum()
            total += torch.autograd.grad(score, point)[0]
    finally:
        model.train(was_training)
    return (x - baseline) * total / steps
""",
        "only calls the reference": """
def integrated_gradients(model, x, target, baseline, steps=64):
    return sal.integrated_gradients(model, x, target, baseline=baseline, steps=steps)
""",
    },
    "completeness_gap": {
        "baseline score forgotten": """
def completeness_gap(model, x, target, attributions, baseline):
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            f_x = model(x).gather(1, target[:, None])[:, 0]
    finally:
        model.train(was_training)
    return attributions.reshape(len(x), -1).sum(dim=1) - f_x
""",
        "sign flipped": """
def completeness_gap(model, x, target, attributions, baseline):
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            f_x = model(x).gather(1, target[:, None])[:, 0]
            f_b = model(baseline).gather(1, target[:, None])[:, 0]
    finally:
        model.train(was_training)
    return (f_x - f_b) - attributions.reshape(len(x), -1).sum(dim=1)
""",
        "probabilities instead of logits": """
def completeness_gap(model, x, target, attributions, baseline):
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            p_x = torch.softmax(model(x), dim=1).gather(1, target[:, None])[:, 0]
            p_b = torch.softmax(model(baseline), dim=1).gather(1, target[:, None])[:, 0]
    finally:
        model.train(was_training)
    return attributions.reshape(len(x), -1).sum(dim=1) - (p_x - p_b)
""",
        "model left in train mode (no model.eval())": """
def completeness_gap(model, x, target, attributions, baseline):
    with torch.no_grad():
        f_x = model(x).gather(1, target[:, None])[:, 0]
        f_b = model(baseline).gather(1, target[:, None])[:, 0]
    return attributions.reshape(len(x), -1).sum(dim=1) - (f_x - f_b)
""",
        "attributions summed over the whole batch": """
def completeness_gap(model, x, target, attributions, baseline):
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            f_x = model(x).gather(1, target[:, None])[:, 0]
            f_b = model(baseline).gather(1, target[:, None])[:, 0]
    finally:
        model.train(was_training)
    return attributions.sum() - (f_x - f_b)
""",
    },
    "class_maps": {
        "the predicted class's map repeated": """
def class_maps(model, image, num_classes=10):
    with torch.no_grad():
        model.eval()
        best = model(image[None]).argmax(dim=1)
    return sal.vanilla_saliency(model, image.expand(num_classes, *image.shape), best.repeat(num_classes))
""",
        "each map rescaled to a maximum of 1": """
def class_maps(model, image, num_classes=10):
    batch = image.expand(num_classes, *image.shape)
    maps = saliency_map(model, batch, torch.arange(num_classes, device=image.device))
    return maps / maps.amax(dim=(1, 2), keepdim=True)
""",
        "num_classes ignored (always 10)": """
def class_maps(model, image, num_classes=10):
    batch = image.expand(10, *image.shape)
    return saliency_map(model, batch, torch.arange(10, device=image.device))[:num_classes]
""",
        "signed gradients (no absolute value)": """
def class_maps(model, image, num_classes=10):
    batch = image.expand(num_classes, *image.shape)
    return sal.input_gradients(model, batch, torch.arange(num_classes)).amax(dim=1)
""",
        "only calls the reference": """
def class_maps(model, image, num_classes=10):
    return sal.per_class_saliency(model, image, classes=range(num_classes))
""",
    },
    "rank_correlation": {
        "Pearson correlation of the values, not of their ranks": """
def rank_correlation(a, b):
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    return float(np.corrcoef(a, b)[0, 1])
""",
        "argsort once (positions of the sorted values, not ranks)": """
def rank_correlation(a, b):
    ra = np.argsort(np.asarray(a, dtype=float).ravel()).astype(float)
    rb = np.argsort(np.asarray(b, dtype=float).ravel()).astype(float)
    return float(np.corrcoef(ra, rb)[0, 1])
""",
        "ties not averaged (ordinal ranks)": """
def rank_correlation(a, b):
    ra = np.argsort(np.argsort(np.asarray(a, dtype=float).ravel(), kind="stable")).astype(float)
    rb = np.argsort(np.argsort(np.asarray(b, dtype=float).ravel(), kind="stable")).astype(float)
    return float(np.corrcoef(ra, rb)[0, 1])
""",
        "calls scipy": """
def rank_correlation(a, b):
    import scipy.stats
    return float(scipy.stats.spearmanr(np.ravel(a), np.ravel(b))[0])
""",
        "only calls the reference": """
def rank_correlation(a, b):
    return sal.spearman(a, b)
""",
    },
    "sanity_questions": {
        "the vanilla map judged unchanged": """
vanilla_map_changes = False
edge_map_passes = False
why_rho_stays_positive = "B"
""",
        "the edge map judged to pass": """
vanilla_map_changes = True
edge_map_passes = True
why_rho_stays_positive = "B"
""",
        "rho explained by the network still knowing the digits": """
vanilla_map_changes = True
edge_map_passes = False
why_rho_stays_positive = "A"
""",
    },
    "planted_scores": {
        "no absolute value (a negative peak is ignored)": """
def pointing_game(maps, mask):
    maps = torch.as_tensor(maps)
    mask = torch.as_tensor(mask, device=maps.device).expand(maps.shape)
    top = maps.flatten(1).argmax(dim=1)
    return mask.flatten(1).gather(1, top[:, None])[:, 0]


def mass_inside(maps, mask):
    maps = torch.as_tensor(maps).double()
    mask = torch.as_tensor(mask, device=maps.device).expand(maps.shape)
    total = maps.flatten(1).sum(dim=1)
    inside = (maps * mask).flatten(1).sum(dim=1)
    return torch.where(total != 0, inside / total, torch.zeros_like(total))
""",
        "pointing at the smallest value (argmin)": """
def pointing_game(maps, mask):
    maps = torch.as_tensor(maps).abs()
    mask = torch.as_tensor(mask, device=maps.device).expand(maps.shape)
    top = maps.flatten(1).argmin(dim=1)
    return mask.flatten(1).gather(1, top[:, None])[:, 0]


def mass_inside(maps, mask):
    maps = torch.as_tensor(maps).abs().double()
    mask = torch.as_tensor(mask, device=maps.device).expand(maps.shape)
    total = maps.flatten(1).sum(dim=1)
    inside = (maps * mask).flatten(1).sum(dim=1)
    return torch.where(total > 0, inside / total.clamp_min(1e-300), torch.zeros_like(total))
""",
        "mass divided by the mask's area, not by the map's mass": """
def pointing_game(maps, mask):
    maps = torch.as_tensor(maps).abs()
    mask = torch.as_tensor(mask, device=maps.device).expand(maps.shape)
    top = maps.flatten(1).argmax(dim=1)
    return mask.flatten(1).gather(1, top[:, None])[:, 0]


def mass_inside(maps, mask):
    maps = torch.as_tensor(maps).abs().double()
    mask = torch.as_tensor(mask, device=maps.device).expand(maps.shape)
    inside = (maps * mask).flatten(1).sum(dim=1)
    return inside / mask.flatten(1).sum(dim=1)
""",
        "any tied peak inside counts as a hit": """
def pointing_game(maps, mask):
    maps = torch.as_tensor(maps).abs()
    mask = torch.as_tensor(mask, device=maps.device).expand(maps.shape)
    top = maps.flatten(1).amax(dim=1)[:, None, None]
    return ((maps == top) & mask).flatten(1).any(dim=1)


def mass_inside(maps, mask):
    maps = torch.as_tensor(maps).abs().double()
    mask = torch.as_tensor(mask, device=maps.device).expand(maps.shape)
    total = maps.flatten(1).sum(dim=1)
    inside = (maps * mask).flatten(1).sum(dim=1)
    return torch.where(total > 0, inside / total.clamp_min(1e-300), torch.zeros_like(total))
""",
        "a zero map divides by zero (NaN)": """
def pointing_game(maps, mask):
    maps = torch.as_tensor(maps).abs()
    mask = torch.as_tensor(mask, device=maps.device).expand(maps.shape)
    top = maps.flatten(1).argmax(dim=1)
    return mask.flatten(1).gather(1, top[:, None])[:, 0]


def mass_inside(maps, mask):
    maps = torch.as_tensor(maps).abs().double()
    mask = torch.as_tensor(mask, device=maps.device).expand(maps.shape)
    return (maps * mask).flatten(1).sum(dim=1) / maps.flatten(1).sum(dim=1)
""",
        "only calls the reference": """
from course import faithfulness as _faith


def pointing_game(maps, mask):
    return _faith.pointing_game(maps, mask)


def mass_inside(maps, mask):
    return _faith.mass_inside(maps, mask)
""",
    },
    "deletion": {
        "pixels removed from the least important up (ascending order)": """
def deletion_curve(model, x, target, maps, steps=28, baseline=0.0):
    n, c, h, w = x.shape
    order = torch.sort(maps.reshape(n, -1), dim=1, stable=True).indices
    was_training = model.training
    model.eval()
    points = []
    try:
        with torch.no_grad():
            for k in range(steps + 1):
                removed = torch.zeros(n, h * w, dtype=torch.bool, device=x.device)
                removed.scatter_(1, order[:, : round(k * h * w / steps)], True)
                frame = torch.where(removed.view(n, 1, h, w), torch.full_like(x, baseline), x)
                t = torch.as_tensor(target, device=x.device).expand(n)
                points.append(model(frame).softmax(dim=1)[torch.arange(n), t])
    finally:
        model.train(was_training)
    return torch.stack(points, dim=1)


def curve_auc(curves):
    curves = torch.as_tensor(curves, dtype=torch.float64)
    return (curves.sum(dim=1) - (curves[:, 0] + curves[:, -1]) / 2) / (curves.shape[1] - 1)
""",
        "the logit instead of the probability": """
def deletion_curve(model, x, target, maps, steps=28, baseline=0.0):
    n, c, h, w = x.shape
    order = torch.sort(maps.reshape(n, -1), dim=1, descending=True, stable=True).indices
    was_training = model.training
    model.eval()
    points = []
    try:
        with torch.no_grad():
            for k in range(steps + 1):
                removed = torch.zeros(n, h * w, dtype=torch.bool, device=x.device)
                removed.scatter_(1, order[:, : round(k * h * w / steps)], True)
                frame = torch.where(removed.view(n, 1, h, w), torch.full_like(x, baseline), x)
                t = torch.as_tensor(target, device=x.device).expand(n)
                points.append(model(frame)[torch.arange(n), t])
    finally:
        model.train(was_training)
    return torch.stack(points, dim=1)


def curve_auc(curves):
    curves = torch.as_tensor(curves, dtype=torch.float64)
    return (curves.sum(dim=1) - (curves[:, 0] + curves[:, -1]) / 2) / (curves.shape[1] - 1)
""",
        "only the first channel of a pixel removed": """
def deletion_curve(model, x, target, maps, steps=28, baseline=0.0):
    n, c, h, w = x.shape
    order = torch.sort(maps.reshape(n, -1), dim=1, descending=True, stable=True).indices
    was_training = model.training
    model.eval()
    points = []
    try:
        with torch.no_grad():
            for k in range(steps + 1):
                removed = torch.zeros(n, h * w, dtype=torch.bool, device=x.device)
                removed.scatter_(1, order[:, : round(k * h * w / steps)], True)
                frame = x.clone()
                frame[:, 0][removed.view(n, h, w)] = baseline
                t = torch.as_tensor(target, device=x.device).expand(n)
                points.append(model(frame).softmax(dim=1)[torch.arange(n), t])
    finally:
        model.train(was_training)
    return torch.stack(points, dim=1)


def curve_auc(curves):
    curves = torch.as_tensor(curves, dtype=torch.float64)
    return (curves.sum(dim=1) - (curves[:, 0] + curves[:, -1]) / 2) / (curves.shape[1] - 1)
""",
        "k pixels at step k (not k/steps of them)": """
def deletion_curve(model, x, target, maps, steps=28, baseline=0.0):
    n, c, h, w = x.shape
    order = torch.sort(maps.reshape(n, -1), dim=1, descending=True, stable=True).indices
    was_training = model.training
    model.eval()
    points = []
    try:
        with torch.no_grad():
            for k in range(steps + 1):
                removed = torch.zeros(n, h * w, dtype=torch.bool, device=x.device)
                removed.scatter_(1, order[:, :k], True)
                frame = torch.where(removed.view(n, 1, h, w), torch.full_like(x, baseline), x)
                t = torch.as_tensor(target, device=x.device).expand(n)
                points.append(model(frame).softmax(dim=1)[torch.arange(n), t])
    finally:
        model.train(was_training)
    return torch.stack(points, dim=1)


def curve_auc(curves):
    curves = torch.as_tensor(curves, dtype=torch.float64)
    return (curves.sum(dim=1) - (curves[:, 0] + curves[:, -1]) / 2) / (curves.shape[1] - 1)
""",
        "model left in training mode (dropout on while measuring)": """
def deletion_curve(model, x, target, maps, steps=28, baseline=0.0):
    n, c, h, w = x.shape
    order = torch.sort(maps.reshape(n, -1), dim=1, descending=True, stable=True).indices
    points = []
    with torch.no_grad():
        for k in range(steps + 1):
            removed = torch.zeros(n, h * w, dtype=torch.bool, device=x.device)
            removed.scatter_(1, order[:, : round(k * h * w / steps)], True)
            frame = torch.where(removed.view(n, 1, h, w), torch.full_like(x, baseline), x)
            t = torch.as_tensor(target, device=x.device).expand(n)
            points.append(model(frame).softmax(dim=1)[torch.arange(n), t])
    return torch.stack(points, dim=1)


def curve_auc(curves):
    curves = torch.as_tensor(curves, dtype=torch.float64)
    return (curves.sum(dim=1) - (curves[:, 0] + curves[:, -1]) / 2) / (curves.shape[1] - 1)
""",
        "area as the mean of the points (not the trapezoid rule)": """
def deletion_curve(model, x, target, maps, steps=28, baseline=0.0):
    n, c, h, w = x.shape
    order = torch.sort(maps.reshape(n, -1), dim=1, descending=True, stable=True).indices
    was_training = model.training
    model.eval()
    points = []
    try:
        with torch.no_grad():
            for k in range(steps + 1):
                removed = torch.zeros(n, h * w, dtype=torch.bool, device=x.device)
                removed.scatter_(1, order[:, : round(k * h * w / steps)], True)
                frame = torch.where(removed.view(n, 1, h, w), torch.full_like(x, baseline), x)
                t = torch.as_tensor(target, device=x.device).expand(n)
                points.append(model(frame).softmax(dim=1)[torch.arange(n), t])
    finally:
        model.train(was_training)
    return torch.stack(points, dim=1)


def curve_auc(curves):
    return torch.as_tensor(curves, dtype=torch.float64).mean(dim=1)
""",
        "only calls the reference": """
from course import faithfulness as _faith


def deletion_curve(model, x, target, maps, steps=28, baseline=0.0):
    return _faith.deletion_curve(model, x, target, maps, steps, baseline)


def curve_auc(curves):
    return _faith.curve_auc(curves)
""",
    },
    "grad_cam": {
        "no ReLU (negative evidence kept)": """
def grad_cam(model, x, target):
    seen = []
    handle = model.conv2.register_forward_hook(lambda module, inputs, output: seen.append(output))
    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad():
            logits = model(x.detach())
            t = torch.as_tensor(target, device=x.device).expand(len(x))
            (grads,) = torch.autograd.grad(logits[torch.arange(len(x)), t].sum(), seen[0])
    finally:
        handle.remove()
        model.train(was_training)
    cam = (grads.mean(dim=(2, 3), keepdim=True) * seen[0].detach()).sum(dim=1, keepdim=True)
    return torch.nn.functional.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False)[:, 0]
""",
        "weights summed over the map instead of averaged": """
def grad_cam(model, x, target):
    seen = []
    handle = model.conv2.register_forward_hook(lambda module, inputs, output: seen.append(output))
    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad():
            logits = model(x.detach())
            t = torch.as_tensor(target, device=x.device).expand(len(x))
            (grads,) = torch.autograd.grad(logits[torch.arange(len(x)), t].sum(), seen[0])
    finally:
        handle.remove()
        model.train(was_training)
    cam = torch.relu((grads.sum(dim=(2, 3), keepdim=True) * seen[0].detach()).sum(dim=1, keepdim=True))
    return torch.nn.functional.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False)[:, 0]
""",
        "gradient times activation per pixel (no pooled weights)": """
def grad_cam(model, x, target):
    seen = []
    handle = model.conv2.register_forward_hook(lambda module, inputs, output: seen.append(output))
    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad():
            logits = model(x.detach())
            t = torch.as_tensor(target, device=x.device).expand(len(x))
            (grads,) = torch.autograd.grad(logits[torch.arange(len(x)), t].sum(), seen[0])
    finally:
        handle.remove()
        model.train(was_training)
    cam = torch.relu((grads * seen[0].detach()).sum(dim=1, keepdim=True))
    return torch.nn.functional.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False)[:, 0]
""",
        "nearest-neighbour upsampling": """
def grad_cam(model, x, target):
    seen = []
    handle = model.conv2.register_forward_hook(lambda module, inputs, output: seen.append(output))
    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad():
            logits = model(x.detach())
            t = torch.as_tensor(target, device=x.device).expand(len(x))
            (grads,) = torch.autograd.grad(logits[torch.arange(len(x)), t].sum(), seen[0])
    finally:
        handle.remove()
        model.train(was_training)
    cam = torch.relu((grads.mean(dim=(2, 3), keepdim=True) * seen[0].detach()).sum(dim=1, keepdim=True))
    return torch.nn.functional.interpolate(cam, size=x.shape[-2:], mode="nearest")[:, 0]
""",
        "the hook is never removed": """
def grad_cam(model, x, target):
    seen = []
    model.conv2.register_forward_hook(lambda module, inputs, output: seen.append(output))
    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad():
            logits = model(x.detach())
            t = torch.as_tensor(target, device=x.device).expand(len(x))
            (grads,) = torch.autograd.grad(logits[torch.arange(len(x)), t].sum(), seen[-1])
    finally:
        model.train(was_training)
    cam = torch.relu((grads.mean(dim=(2, 3), keepdim=True) * seen[-1].detach()).sum(dim=1, keepdim=True))
    return torch.nn.functional.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False)[:, 0]
""",
        "only calls the reference": """
from course import gradcam as _gradcam


def grad_cam(model, x, target):
    return _gradcam.grad_cam(model, x, target)
""",
    },
    "absorb_shift": {
        "bias shifted the wrong way (b + s sum W)": """
import copy


def absorb_shift(model, shift):
    shifted = copy.deepcopy(model)
    with torch.no_grad():
        shifted.conv1.bias += shift * shifted.conv1.weight.sum(dim=(1, 2, 3))
    return shifted
""",
        "the original network changed (no copy)": """
def absorb_shift(model, shift):
    with torch.no_grad():
        model.conv1.bias -= shift * model.conv1.weight.sum(dim=(1, 2, 3))
    return model
""",
        "only the first input channel's weights summed": """
import copy


def absorb_shift(model, shift):
    shifted = copy.deepcopy(model)
    with torch.no_grad():
        shifted.conv1.bias -= shift * shifted.conv1.weight[:, 0].sum(dim=(1, 2))
    return shifted
""",
        "the shift subtracted from the bias as it is (b - s)": """
import copy


def absorb_shift(model, shift):
    shifted = copy.deepcopy(model)
    with torch.no_grad():
        shifted.conv1.bias -= shift
    return shifted
""",
        "only calls the reference": """
from course import invariance as _invariance


def absorb_shift(model, shift):
    return _invariance.absorb_shift(model, shift)
""",
    },
    "invariance_questions": {
        "the vanilla gradient thought to change": """
vanilla_invariant = False
grad_times_input_invariant = False
ig_black_baseline_invariant = False
ig_shifted_baseline_invariant = True
""",
        "gradient x input thought invariant": """
vanilla_invariant = True
grad_times_input_invariant = True
ig_black_baseline_invariant = False
ig_shifted_baseline_invariant = True
""",
        "integrated gradients thought invariant whatever the baseline": """
vanilla_invariant = True
grad_times_input_invariant = False
ig_black_baseline_invariant = True
ig_shifted_baseline_invariant = True
""",
        "no method thought invariant": """
vanilla_invariant = False
grad_times_input_invariant = False
ig_black_baseline_invariant = False
ig_shifted_baseline_invariant = False
""",
    },
    "data_randomisation": {
        "one correlation of the whole batch (not one per digit)": """
def data_randomisation_rho(method, model, shuffled_model, x, target):
    return np.array([rank_correlation(method(model, x, target), method(shuffled_model, x, target))])
""",
        "the real network compared with itself": """
def data_randomisation_rho(method, model, shuffled_model, x, target):
    real, other = method(model, x, target), method(model, x, target)
    return np.array([rank_correlation(a, b) for a, b in zip(real, other)])
""",
        "the mean over the digits instead of one value per digit": """
def data_randomisation_rho(method, model, shuffled_model, x, target):
    real, other = method(model, x, target), method(shuffled_model, x, target)
    return np.mean([rank_correlation(a, b) for a, b in zip(real, other)])
""",
        "Pearson correlation of the map values, not of their ranks": """
def data_randomisation_rho(method, model, shuffled_model, x, target):
    real, other = method(model, x, target), method(shuffled_model, x, target)
    return np.array([np.corrcoef(np.asarray(a, dtype=float).ravel(), np.asarray(b, dtype=float).ravel())[0, 1]
                     for a, b in zip(real.detach().cpu(), other.detach().cpu())])
""",
        "only calls the reference": """
from course import shuffled as _shuffled


def data_randomisation_rho(method, model, shuffled_model, x, target):
    return _shuffled.data_randomisation(method, model, shuffled_model, x, target)
""",
    },
    "data_randomisation_questions": {
        "the edge map thought to pass": """
edge_map_passes_data_test = True
vanilla_map_changes_with_labels = True
why_input_times_gradient_stays_similar = "B"
""",
        "the vanilla map thought unchanged": """
edge_map_passes_data_test = False
vanilla_map_changes_with_labels = False
why_input_times_gradient_stays_similar = "B"
""",
        "the shuffled network thought to have learned nothing": """
edge_map_passes_data_test = False
vanilla_map_changes_with_labels = True
why_input_times_gradient_stays_similar = "A"
""",
    },
}

RIGHT = {
    "saliency_map": {
        "one image at a time": """
def saliency_map(model, x, target):
    was_training = model.training
    model.eval()
    maps = []
    try:
        for image, t in zip(x, target):
            inputs = image[None].detach().clone().requires_grad_(True)
            score = model(inputs)[0, t]
            (grad,) = torch.autograd.grad(score, inputs)
            maps.append(grad[0].abs().max(dim=0).values)
    finally:
        model.train(was_training)
    return torch.stack(maps)
""",
        "backward() with the parameters' gradients cleared afterwards": """
def saliency_map(model, x, target):
    was_training = model.training
    model.eval()
    try:
        inputs = x.detach().clone().requires_grad_(True)
        logits = model(inputs)
        logits[torch.arange(len(x)), target].sum().backward()
        model.zero_grad(set_to_none=True)
    finally:
        model.train(was_training)
    return inputs.grad.abs().amax(dim=1)
""",
        "one-hot weighted logits (float32 throughout)": """
def saliency_map(model, x, target):
    was_training = model.training
    model.eval()
    try:
        inputs = x.detach().clone().requires_grad_(True)
        logits = model(inputs)
        one_hot = torch.nn.functional.one_hot(target, logits.shape[1]).to(logits.dtype)
        (grad,) = torch.autograd.grad((logits * one_hot).sum(), inputs)
    finally:
        model.train(was_training)
    return torch.max(torch.abs(grad), dim=1).values
""",
    },
    "integrated_gradients": {
        "loop over the steps": """
def integrated_gradients(model, x, target, baseline, steps=64):
    was_training = model.training
    model.eval()
    try:
        total = torch.zeros_like(x)
        for k in range(1, steps + 1):
            point = (baseline + k / steps * (x - baseline)).detach().requires_grad_(True)
            score = model(point).gather(1, target[:, None]).sum()
            total += torch.autograd.grad(score, point)[0]
    finally:
        model.train(was_training)
    return (x - baseline) * total / steps
""",
        "loop over images, steps stacked; course's vanilla gradient helper": """
def integrated_gradients(model, x, target, baseline, steps=64):
    out = []
    alphas = torch.linspace(1 / steps, 1, steps, dtype=x.dtype, device=x.device)
    for xi, bi, ti in zip(x, baseline, target):
        path = bi + alphas.view(-1, 1, 1, 1) * (xi - bi)
        grads = sal.input_gradients(model, path, int(ti))
        out.append((xi - bi) * grads.mean(dim=0))
    return torch.stack(out)
""",
    },
    "completeness_gap": {
        "loop over the images": """
def completeness_gap(model, x, target, attributions, baseline):
    was_training = model.training
    model.eval()
    gaps = []
    try:
        with torch.no_grad():
            for xi, bi, ai, ti in zip(x, baseline, attributions, target):
                change = model(xi[None])[0, ti] - model(bi[None])[0, ti]
                gaps.append(ai.sum() - change)
    finally:
        model.train(was_training)
    return torch.stack(gaps)
""",
        "one forward pass for x and baseline together": """
def completeness_gap(model, x, target, attributions, baseline):
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            scores = model(torch.cat([x, baseline])).gather(1, torch.cat([target, target])[:, None])[:, 0]
    finally:
        model.train(was_training)
    n = len(x)
    return attributions.flatten(1).sum(dim=1) - (scores[:n] - scores[n:])
""",
    },
    "class_maps": {
        "a loop over the classes": """
def class_maps(model, image, num_classes=10):
    maps = [saliency_map(model, image[None], torch.tensor([c])) [0] for c in range(num_classes)]
    return torch.stack(maps)
""",
        "the course's vanilla saliency in one batch": """
def class_maps(model, image, num_classes=10):
    return sal.vanilla_saliency(model, image.expand(num_classes, *image.shape), list(range(num_classes)))
""",
    },
    "rank_correlation": {
        "double argsort and a loop over tied values": """
def rank_correlation(a, b):
    def ranks(v):
        r = np.empty(len(v))
        r[np.argsort(v, kind="stable")] = np.arange(1, len(v) + 1)
        for value in np.unique(v):
            same = v == value
            if same.sum() > 1:
                r[same] = r[same].mean()
        return r

    ra = ranks(np.asarray(a, dtype=float).ravel())
    rb = ranks(np.asarray(b, dtype=float).ravel())
    return float(np.corrcoef(ra, rb)[0, 1])
""",
        "pure Python ranks": """
def rank_correlation(a, b):
    def ranks(values):
        order = sorted(range(len(values)), key=lambda i: values[i])
        r = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2 + 1
            i = j + 1
        return r

    ra = ranks(np.asarray(a, dtype=float).ravel().tolist())
    rb = ranks(np.asarray(b, dtype=float).ravel().tolist())
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((p - ma) * (q - mb) for p, q in zip(ra, rb))
    va = sum((p - ma) ** 2 for p in ra)
    vb = sum((q - mb) ** 2 for q in rb)
    return cov / (va * vb) ** 0.5
""",
    },
    "sanity_questions": {
        "answers written as expressions": """
vanilla_map_changes = 0.64 < 0.9
edge_map_passes = not (1.0 == 1.0)
why_rho_stays_positive = "b".upper()
""",
    },
    "planted_scores": {
        "NumPy throughout": """
def pointing_game(maps, mask):
    m = np.abs(np.asarray(maps.detach().cpu() if torch.is_tensor(maps) else maps, dtype=float))
    k = np.broadcast_to(np.asarray(mask.cpu() if torch.is_tensor(mask) else mask, dtype=bool), m.shape)
    flat = m.reshape(len(m), -1).argmax(axis=1)
    return torch.as_tensor(k.reshape(len(m), -1)[np.arange(len(m)), flat])


def mass_inside(maps, mask):
    m = np.abs(np.asarray(maps.detach().cpu() if torch.is_tensor(maps) else maps, dtype=float))
    k = np.broadcast_to(np.asarray(mask.cpu() if torch.is_tensor(mask) else mask, dtype=bool), m.shape)
    total = m.reshape(len(m), -1).sum(axis=1)
    inside = (m * k).reshape(len(m), -1).sum(axis=1)
    return torch.as_tensor(np.divide(inside, total, out=np.zeros_like(total), where=total > 0))
""",
    },
    "deletion": {
        "one batch of every frame, cumulative sum for the area": """
def deletion_curve(model, x, target, maps, steps=28, baseline=0.0):
    n, c, h, w = x.shape
    order = maps.reshape(n, -1).argsort(dim=1, descending=True, stable=True)
    rank = torch.empty_like(order)
    rank.scatter_(1, order, torch.arange(h * w, device=x.device).expand(n, -1))
    counts = torch.tensor([round(k * h * w / steps) for k in range(steps + 1)], device=x.device)
    gone = rank.view(n, 1, 1, h, w) < counts.view(1, -1, 1, 1, 1)
    frames = torch.where(gone, torch.tensor(float(baseline), device=x.device), x[:, None])
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            probs = model(frames.reshape(-1, c, h, w)).softmax(dim=1).view(n, steps + 1, -1)
    finally:
        model.train(was_training)
    t = torch.as_tensor(target, device=x.device).expand(n)
    return probs[torch.arange(n), :, t]


def curve_auc(curves):
    c = np.asarray(curves, dtype=float)
    widths = np.full(c.shape[1] - 1, 1.0 / (c.shape[1] - 1))
    return torch.as_tensor(((c[:, 1:] + c[:, :-1]) / 2 * widths).sum(axis=1))
""",
    },
    "grad_cam": {
        "backward on a leaf input, gradients kept by a tensor hook": """
def grad_cam(model, x, target):
    store = {}

    def keep(module, inputs, output):
        store["a"] = output
        output.register_hook(lambda g: store.__setitem__("g", g))

    handle = model.conv2.register_forward_hook(keep)
    was_training = model.training
    model.eval()
    try:
        inputs = x.detach().clone().requires_grad_(True)
        logits = model(inputs)
        t = torch.as_tensor(target, device=x.device).expand(len(x))
        torch.autograd.grad(logits.gather(1, t[:, None]).sum(), inputs)
    finally:
        handle.remove()
        model.train(was_training)
    alpha = store["g"].mean(dim=(2, 3))
    cam = torch.einsum("nk,nkhw->nhw", alpha, store["a"].detach()).clamp_min(0)
    return torch.nn.functional.interpolate(cam[:, None], size=(28, 28), mode="bilinear", align_corners=False)[:, 0]
""",
    },
    "absorb_shift": {
        "one output channel at a time, via the state dict": """
import copy


def absorb_shift(model, shift):
    shifted = copy.deepcopy(model)
    state = shifted.state_dict()
    weight, bias = state["conv1.weight"], state["conv1.bias"].clone()
    for k in range(weight.shape[0]):
        bias[k] = bias[k] - shift * weight[k].sum()
    state["conv1.bias"] = bias
    shifted.load_state_dict(state)
    return shifted
""",
    },
    "invariance_questions": {
        "NumPy booleans": """
vanilla_invariant = np.bool_(True)
grad_times_input_invariant = np.bool_(False)
ig_black_baseline_invariant = np.bool_(False)
ig_shifted_baseline_invariant = np.bool_(True)
""",
    },
    "data_randomisation": {
        "a loop with the course's spearman": """
def data_randomisation_rho(method, model, shuffled_model, x, target):
    a, b = method(model, x, target), method(shuffled_model, x, target)
    out = np.zeros(len(x))
    for n in range(len(x)):
        out[n] = sal.spearman(a[n], b[n])
    return out
""",
    },
    "data_randomisation_questions": {
        "NumPy booleans": """
edge_map_passes_data_test = np.bool_(False)
vanilla_map_changes_with_labels = np.bool_(True)
why_input_times_gradient_stays_similar = "B"
""",
    },
}

#: What each known-wrong answer gets wrong and how to think about it, never the answer: shown
#: to a student whose failing answer behaves like it (see autograde.verdicts.misconceptions).
HINTS = {
    "saliency_map": {
        "no absolute value": "A vanilla saliency map shows how strongly each pixel matters, whichever the direction: take the gradient's absolute value.",
        "gradient of the softmax probability instead of the logit": "Take the gradient of the class's logit (score); the probability saturates and mixes in the other classes.",
        "model left in train mode (no model.eval())": "Explain the model as it predicts: in evaluation mode, with dropout off.",
        "caller's mode not restored (left in eval mode)": "Leave the model as you found it: remember whether it was training and restore that mode.",
        "channels summed instead of the maximum": "Over the colour channels the map takes the maximum absolute gradient, as in Simonyan et al.",
        "gradients left in the parameters (.backward())": "backward() stores gradients in the model's parameters; torch.autograd.grad with respect to the input leaves them alone.",
        "only calls the reference": "Compute the gradient yourself; calling the course's saliency earns nothing.",
    },
    "integrated_gradients": {
        "not multiplied by (x - baseline)": "Integrated gradients multiply the average gradient along the path by the displacement x - baseline.",
        "multiplied by x instead of (x - baseline)": "The factor is the displacement from the baseline, x - baseline; it equals x only for a zero baseline.",
        "path starts at zero, not at the baseline": "The path runs from the baseline to x: baseline + (k / m) (x - baseline).",
        "left Riemann sum (k = 0 .. m-1)": "The course uses the right Riemann sum, k = 1 .. m, so the last point is x itself.",
        "model left in train mode (no model.eval())": "Explain the model as it predicts: in evaluation mode.",
        "gradient of the softmax probability instead of the logit": "Integrate the gradient of the class's logit, not of its probability.",
        "only calls the reference": "Write the path and the sum yourself; calling the course's integrated gradients earns nothing.",
    },
    "completeness_gap": {
        "baseline score forgotten": "Completeness says the attributions add up to F(x) - F(baseline): subtract the baseline's score.",
        "sign flipped": "The gap is the attributions' sum minus (F(x) - F(baseline)); check the order of the subtraction.",
        "probabilities instead of logits": "F is the class's logit, the same score the attributions explain.",
        "model left in train mode (no model.eval())": "Scores come from the model in evaluation mode.",
        "attributions summed over the whole batch": "Each image has its own gap: sum its attributions over its own pixels only.",
    },
    "class_maps": {
        "the predicted class's map repeated": "Each class gets the map of its own logit: differentiate the score of class c for map c.",
        "each map rescaled to a maximum of 1": "Keep the maps' raw magnitudes so they can be compared between classes.",
        "num_classes ignored (always 10)": "Produce exactly num_classes maps.",
        "signed gradients (no absolute value)": "These maps, like vanilla saliency, take the gradient's absolute value.",
        "only calls the reference": "Compute the maps yourself; calling the course's function earns nothing.",
    },
    "rank_correlation": {
        "Pearson correlation of the values, not of their ranks": "Spearman's rho is the Pearson correlation of the ranks, not of the raw values.",
        "argsort once (positions of the sorted values, not ranks)": "argsort gives the order in which to read the values; the rank of each value is argsort of that (or a ranking function).",
        "ties not averaged (ordinal ranks)": "Equal values share the average of the ranks they occupy.",
        "calls scipy": "Rank and correlate with NumPy yourself; calling scipy earns nothing.",
        "only calls the reference": "Write the ranking and correlation yourself; calling the course's function earns nothing.",
    },
    "sanity_questions": {
        "the vanilla map judged unchanged": "Compare the maps before and after randomising the weights: does the vanilla map's structure survive?",
        "the edge map judged to pass": "An edge detector ignores the model, so it cannot change when the model is randomised: that is exactly the failure the test catches.",
        "rho explained by the network still knowing the digits": "After randomisation the network knows nothing; a high correlation then comes from the input itself, not from the model.",
    },
    "planted_scores": {
        "no absolute value (a negative peak is ignored)": "A large negative attribution is as large as a positive one: take |M| before looking for the peak and before adding up the mass.",
        "pointing at the smallest value (argmin)": "The pointing game asks where the map's largest value lies, not its smallest.",
        "mass divided by the mask's area, not by the map's mass": "The mass inside is a share of the map's own total |M|, so it lies in [0, 1] whatever the size of the region.",
        "any tied peak inside counts as a hit": "Among tied peaks only one can be the answer: the first in row-major order, what argmax of the flattened map returns.",
        "a zero map divides by zero (NaN)": "A map that is zero everywhere has no mass to share: return 0 for it instead of dividing 0 by 0.",
        "only calls the reference": "The exercise is to write the two measures yourself; course.faithfulness is there to check your numbers, not to be called.",
    },
    "deletion": {
        "pixels removed from the least important up (ascending order)": "Deletion removes the pixels the map ranks most important first: sort from the largest value down.",
        "the logit instead of the probability": "The curve follows the soft-max probability of the class (between 0 and 1), not the raw score.",
        "only the first channel of a pixel removed": "A pixel is removed in every channel at once: the mask is (N, 1, H, W) and broadcasts over the channels.",
        "k pixels at step k (not k/steps of them)": "Step k of `steps` removes round(k * H * W / steps) pixels, so the last point has every pixel removed.",
        "model left in training mode (dropout on while measuring)": "Measure in evaluation mode (model.eval()) and give the model its mode back afterwards; dropout changes the scores.",
        "area as the mean of the points (not the trapezoid rule)": "The trapezoid rule weighs the two end points by one half: (c_0/2 + c_1 + ... + c_{K-1}/2) / (K - 1).",
        "only calls the reference": "The exercise is to write the curve and its area yourself; course.faithfulness is there to check your numbers, not to be called.",
    },
    "grad_cam": {
        "no ReLU (negative evidence kept)": "Grad-CAM keeps only the positive part of the weighted sum (a ReLU): it shows evidence for the class, not against it.",
        "weights summed over the map instead of averaged": "Each feature map's weight is the mean of its gradient over the h x w positions, not the sum.",
        "gradient times activation per pixel (no pooled weights)": "Pool the gradient into one weight per feature map first (mean over positions), then weight the whole map by it.",
        "nearest-neighbour upsampling": "Upsample the CAM bilinearly (mode='bilinear', align_corners=False), not by repeating cells.",
        "the hook is never removed": "Keep the handle that register_forward_hook returns and call handle.remove(): hooks left behind run on every later forward pass.",
        "only calls the reference": "The exercise is to write Grad-CAM yourself; course.gradcam and Captum are there to check your map, not to be called.",
    },
    "absorb_shift": {
        "bias shifted the wrong way (b + s sum W)": "W * (x + s) adds s sum W to the pre-activation; the bias must take it away again: b' = b - s sum W.",
        "the original network changed (no copy)": "Change a copy (copy.deepcopy(model)): the caller still needs the original network to compare with.",
        "only the first input channel's weights summed": "A constant shift reaches every input channel: sum each output channel's weights over all its input channels and its kernel.",
        "the shift subtracted from the bias as it is (b - s)": "The shift is multiplied by every weight it meets: the bias absorbs s times the sum of the output channel's weights, not s.",
        "only calls the reference": "The exercise is to absorb the shift yourself; course.invariance is there to check your network, not to be called.",
    },
    "invariance_questions": {
        "the vanilla gradient thought to change": "The two networks are the same function up to the input's origin, and a gradient only sees the function: it cannot change.",
        "gradient x input thought invariant": "Gradient x input multiplies by x itself: move the origin of x and the product changes although the network does not.",
        "integrated gradients thought invariant whatever the baseline": "Integrated gradients walk from the baseline to x; a baseline that stays put while the inputs move describes another path.",
        "no method thought invariant": "Look at the table of largest changes: some methods do not change at all (up to rounding) when the shift is absorbed.",
    },
    "data_randomisation": {
        "one correlation of the whole batch (not one per digit)": "Compare each digit's two maps on their own: entry n is the rank correlation of map n of the real network with map n of the shuffled one.",
        "the real network compared with itself": "The test compares the real network's maps with the shuffled network's: compute the second set of maps with shuffled_model.",
        "the mean over the digits instead of one value per digit": "Return one correlation per digit, an (N,) array; averaging them is for the table, not for the function.",
        "Pearson correlation of the map values, not of their ranks": "The test uses Spearman's rho: correlate the ranks of the two maps (rank_correlation), not their raw values.",
        "only calls the reference": "The exercise is to compare the maps yourself; course.shuffled is there to check your numbers, not to be called.",
    },
    "data_randomisation_questions": {
        "the edge map thought to pass": "The edge map never looks at a network: both networks give exactly the same map (rho = 1), so it cannot pass.",
        "the vanilla map thought unchanged": "Look at the printed mean rho of the vanilla gradient: well below 1, so its map does depend on what the network learned.",
        "the shuffled network thought to have learned nothing": "It memorised 99% of its shuffled labels: it learned a lot, only nothing about digits. Ask what else shapes a map.",
    },
}
