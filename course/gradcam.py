"""Grad-CAM (Selvaraju et al. 2017): a class map from a convolutional layer's feature maps.

With ``A`` the layer's output (N, K, h, w) and ``f_c`` the target logit:

    alpha_k = mean_{i,j} d f_c / d A_kij          (one weight per feature map)
    CAM     = ReLU( sum_k alpha_k A_k )           (N, h, w)

and, to lay it over the image, the CAM bilinearly upsampled to the input's size. Coarse (the
layer's resolution) but class-discriminative; for the course's SlidesNet the last
convolutional layer is ``conv2`` (its output before the ReLU, as Captum's ``LayerGradCam``
takes it), 11 x 11 for a 28 x 28 digit.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from course.saliency import Target, _scores_and_targets, as_images, evaluating


def last_conv(model: nn.Module) -> nn.Conv2d:
    """The model's last ``nn.Conv2d`` (in registration order)."""
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    if not convs:
        raise ValueError(f"{type(model).__name__} has no nn.Conv2d layer for Grad-CAM")
    return convs[-1]


def grad_cam(
    model: nn.Module,
    x: torch.Tensor,
    target: Target,
    layer: nn.Module | None = None,
    upsample: bool = True,
) -> torch.Tensor:
    """Grad-CAM of ``layer`` (default :func:`last_conv`): x (N, C, H, W) -> (N, H, W), or
    (N, h, w) at the layer's resolution with ``upsample=False``. One forward and one backward
    pass for the whole batch; the parameters' ``.grad`` are not touched."""
    x = as_images(x)
    layer = layer if layer is not None else last_conv(model)
    seen: list[torch.Tensor] = []
    handle = layer.register_forward_hook(lambda _m, _i, out: seen.append(out))
    try:
        with evaluating(model), torch.enable_grad():
            leaf = x.detach().clone().requires_grad_(True)
            scores, _ = _scores_and_targets(model, leaf, target)
            if len(seen) != 1:
                raise ValueError("the layer must run exactly once in the model's forward pass")
            (activations,) = seen
            (grads,) = torch.autograd.grad(scores.sum(), activations)
    finally:
        handle.remove()
    weights = grads.mean(dim=(2, 3), keepdim=True)  # (N, K, 1, 1)
    cam = F.relu((weights * activations.detach()).sum(dim=1))  # (N, h, w)
    if not upsample:
        return cam
    return F.interpolate(cam[:, None], size=x.shape[-2:], mode="bilinear", align_corners=False)[
        :, 0
    ]
