"""Saliency explorer: pick a digit, a target class and a method; the map redraws at once.

    explorer = SaliencyExplorer(model, images, labels)
    explorer            # displays in JupyterLab

Changing any control recomputes the map (one image, milliseconds on a CPU) and redraws the
picture, a PNG in an ``ipywidgets.Image``, so it needs no matplotlib backend and the same
data can be checked from Python: ``explorer.saliency`` is the map on show.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from course import saliency as sal
from course.plots.saliency import show_image, show_map, show_overlay

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
    ) -> None:
        self.model = model
        self.images = sal.as_images(images, "images").detach()
        self.labels = [int(v) for v in labels]
        if len(self.labels) != len(self.images):
            raise ValueError(f"{len(self.images)} images but {len(self.labels)} labels")
        with sal.evaluating(model), torch.no_grad():
            self.logits = model(self.images)
        classes = self.logits.shape[1]
        names = list(class_names) if class_names else [str(c) for c in range(classes)]
        self.methods = _map_methods(baseline)
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
        self.picture = widgets.Image(format="png", layout=widgets.Layout(width="560px"))
        self.caption = widgets.HTML()
        self.saliency: np.ndarray = np.zeros(0)
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

    def _redraw(self, _change: object = None) -> None:
        index, target = self.digit.value, self.target_class
        x = self.images[index : index + 1]
        self.saliency = self.methods[self.method.value](self.model, x, target)[0].cpu().numpy()
        probs = torch.softmax(self.logits[index], dim=0)
        self.caption.value = (
            f"digit #{index}: label <b>{self.labels[index]}</b>, predicted "
            f"<b>{int(probs.argmax())}</b> ({float(probs.max()):.0%}); map for class "
            f"<b>{target}</b> (logit {float(self.logits[index, target]):.2f}), "
            f"{self.method.value}"
        )
        self.picture.value = self._png(x[0], self.saliency)

    @staticmethod
    def _png(image: torch.Tensor, saliency: np.ndarray) -> bytes:
        fig = Figure(figsize=(6.0, 2.2), layout="constrained")
        axes = fig.subplots(1, 3)
        show_image(axes[0], image, "image")
        show_map(axes[1], saliency, "map")
        show_overlay(axes[2], image, saliency, "overlay")
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=80)
        return buffer.getvalue()
