"""Saliency explorer: pick a digit, a target class and a method; the map redraws at once.

    explorer = SaliencyExplorer(model, images, labels)
    explorer            # displays in JupyterLab
    SaliencyExplorer(planted_model, patched, labels, mask=patch)   # with a known region

Changing any control recomputes the map (one image, milliseconds on a CPU) and redraws the
picture, a PNG in an ``ipywidgets.Image``, so it needs no matplotlib backend and the same
data can be checked from Python: ``explorer.saliency`` is the map on show. Beside the map the
picture shows its **deletion curve** (the class's probability as the map's top pixels are
removed, see :mod:`course.faithfulness`) against a random map's; given a ``mask`` (the
region known to matter, e.g. the planted patch) it outlines the region and reports the
pointing game and the share of the map's mass inside it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from course import faithfulness as faith
from course import gradcam
from course import saliency as sal
from course.plots.saliency import show_image, show_map, show_overlay

#: Points of the deletion curve (steps + 1).
DELETION_STEPS = 28

PREDICTED = -1


def _map_methods(
    baseline: float | None,
) -> dict[str, Callable[[nn.Module, torch.Tensor, int], torch.Tensor]]:
    """The methods on offer; each maps ``(model, x (1, C, H, W), class)`` to ``(1, H, W)``.

    ``baseline``: integrated gradients' reference value (None: zeros).
    """
    return {
        "vanilla gradient": sal.vanilla_saliency,
        "SmoothGrad": lambda m, x, t: sal.smoothgrad(
            m, x, t, samples=25, generator=torch.Generator().manual_seed(0)
        ),
        "gradient x input": lambda m, x, t: sal.gradient_times_input(m, x, t).abs().amax(dim=1),
        "integrated gradients": lambda m, x, t: (
            sal.integrated_gradients(m, x, t, baseline=baseline, steps=64).abs().amax(dim=1)
        ),
        "Grad-CAM": gradcam.grad_cam,
    }


class SaliencyExplorer(widgets.VBox):
    """Digit slider, class and method drop-downs, and the image / map / overlay picture.

    images: ``(N, C, H, W)`` tensor; labels: ``(N,)`` true classes (shown in the caption).
    The class drop-down offers "predicted" (the model's own answer) and every class;
    ``baseline`` is the value of integrated gradients' baseline image (e.g. a black pixel after
    normalisation; None: zeros).
    """

    def __init__(
        self,
        model: nn.Module,
        images: torch.Tensor,
        labels: Sequence[int] | torch.Tensor,
        class_names: Sequence[str] | None = None,
        baseline: float | None = None,
        mask: torch.Tensor | np.ndarray | None = None,
    ) -> None:
        self.model = model
        self.images = sal.as_images(images, "images").detach()
        self.baseline = 0.0 if baseline is None else float(baseline)
        self.mask = None if mask is None else torch.as_tensor(mask).bool().cpu()
        if self.mask is not None and tuple(self.mask.shape) != tuple(self.images.shape[-2:]):
            raise ValueError(
                f"mask must have the images' size {tuple(self.images.shape[-2:])}, "
                f"got {tuple(self.mask.shape)}"
            )
        self.labels = [int(v) for v in labels]
        if len(self.labels) != len(self.images):
            raise ValueError(f"{len(self.images)} images but {len(self.labels)} labels")
        with sal.evaluating(model), torch.no_grad():
            self.logits = model(self.images)
        classes = self.logits.shape[1]
        names = list(class_names) if class_names else [str(c) for c in range(classes)]
        self.methods = _map_methods(baseline)
        if not any(isinstance(m, nn.Conv2d) for m in model.modules()):
            del self.methods["Grad-CAM"]  # Grad-CAM needs a convolutional layer
        self.digit = widgets.IntSlider(
            value=0, min=0, max=len(self.images) - 1, description="digit", continuous_update=True
        )
        self.target = widgets.Dropdown(
            options=[("predicted", PREDICTED)] + [(names[c], c) for c in range(classes)],
            value=PREDICTED,
            description="class",
        )
        self.method = widgets.Dropdown(
            options=list(self.methods), value="vanilla gradient", description="method"
        )
        self.picture = widgets.Image(format="png", layout=widgets.Layout(width="760px"))
        self.caption = widgets.HTML()
        self.saliency: np.ndarray = np.zeros(0)
        self.deletion: np.ndarray = np.zeros(0)  # the map's deletion curve (steps + 1,)
        self.random_deletion: np.ndarray = np.zeros(0)  # a random map's, for comparison
        for control in (self.digit, self.target, self.method):
            control.observe(self._redraw, names="value")
        super().__init__(
            [widgets.HBox([self.digit, self.target, self.method]), self.caption, self.picture]
        )
        # CSS classes let a browser test (and a person's stylesheet) find the parts
        self.add_class("saliency-explorer")
        for part, name in (
            (self.digit, "digit"),
            (self.target, "target"),
            (self.method, "method"),
            (self.caption, "caption"),
            (self.picture, "picture"),
        ):
            part.add_class(f"saliency-explorer-{name}")
        self._redraw()

    @property
    def target_class(self) -> int:
        """The class whose map is on show (the prediction when "predicted" is picked)."""
        if self.target.value == PREDICTED:
            return int(self.logits[self.digit.value].argmax())
        return int(self.target.value)

    @property
    def deletion_auc(self) -> float:
        """Area under the current map's deletion curve (low: the map ranks pixels well)."""
        return float(faith.curve_auc(self.deletion[None])[0])

    @property
    def random_deletion_auc(self) -> float:
        return float(faith.curve_auc(self.random_deletion[None])[0])

    def _redraw(self, _change: object = None) -> None:
        index, target = self.digit.value, self.target_class
        x = self.images[index : index + 1]
        saliency = self.methods[self.method.value](self.model, x, target)
        self.saliency = saliency[0].cpu().numpy()
        noise = faith.random_maps(tuple(saliency.shape), seed=index).to(x.device)
        self.deletion, self.random_deletion = (
            faith.deletion_curve(self.model, x, target, m, DELETION_STEPS, self.baseline)[0]
            .cpu()
            .numpy()
            for m in (saliency, noise)
        )
        probs = torch.softmax(self.logits[index], dim=0)
        caption = (
            f"digit #{index}: label <b>{self.labels[index]}</b>, predicted "
            f"<b>{int(probs.argmax())}</b> ({float(probs.max()):.0%}); map for class "
            f"<b>{target}</b> (logit {float(self.logits[index, target]):.2f}), "
            f"{self.method.value}; deletion AUC <b>{self.deletion_auc:.2f}</b> "
            f"(a random map: {self.random_deletion_auc:.2f})"
        )
        if self.mask is not None:
            hit = bool(faith.pointing_game(saliency.cpu(), self.mask)[0])
            mass = float(faith.mass_inside(saliency.cpu(), self.mask)[0])
            caption += (
                f"; its peak is <b>{'on' if hit else 'off'}</b> the outlined region, which "
                f"holds <b>{mass:.0%}</b> of its mass"
            )
        self.caption.value = caption
        self.picture.value = self._png(
            x[0], self.saliency, self.deletion, self.random_deletion, self.mask
        )

    @staticmethod
    def _png(
        image: torch.Tensor,
        saliency: np.ndarray,
        deletion: np.ndarray,
        random_deletion: np.ndarray,
        mask: torch.Tensor | None,
    ) -> bytes:
        fig = Figure(figsize=(8.2, 2.2), layout="constrained")
        axes = fig.subplots(1, 4, width_ratios=[1, 1, 1, 1.5])
        show_image(axes[0], image, "image")
        show_map(axes[1], saliency, "map")
        show_overlay(axes[2], image, saliency, "overlay")
        if mask is not None:
            for ax in axes[:3]:
                ax.contour(mask.numpy().astype(float), levels=[0.5], colors="cyan", linewidths=1)
        fractions = np.linspace(0.0, 1.0, len(deletion))
        axes[3].plot(fractions, deletion, label="this map")
        axes[3].plot(fractions, random_deletion, color="grey", linestyle="--", label="random map")
        axes[3].set_ylim(0, 1.02)
        axes[3].set_xlabel("pixels removed", fontsize=7)
        axes[3].set_title("deletion curve", fontsize=9)
        axes[3].tick_params(labelsize=7)
        axes[3].legend(fontsize=6)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=80)
        return buffer.getvalue()
