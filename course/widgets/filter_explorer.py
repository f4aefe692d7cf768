"""The filter explorer: pick or edit a kernel, stride, padding and image; see the result at once.

    from course.widgets.filter_explorer import FilterExplorer
    FilterExplorer()          # a cell ending with it shows the widget

The input (with its zero padding tinted blue), the kernel (a heat map next to editable values)
and the output are ``ipywidgets.Image`` widgets whose PNG bytes are replaced in place on every
change; the convolution is the vectorised ``course.convolution.conv2d``. Images are sent at
their true size (one PNG pixel per value, cheap to encode) and the browser enlarges them without
smoothing, so every pixel stays visible. A label states the output size
``floor((n + 2p - k) / s) + 1`` per axis and the time the redraw took.
"""

from __future__ import annotations

import io
import time
from collections.abc import Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib import colormaps
from PIL import Image

from course import filters
from course.convolution import conv2d, output_size

MAX_KERNEL = 5
DIGIT_INDEX = 1  # a "4" from the shipped MNIST test sample
CELL_WIDTH = "96px"
# Enlarge the small PNGs without smoothing (one block of screen pixels per value).
PIXELATED_CSS = "<style>.filter-explorer img { image-rendering: pixelated; }</style>"
PADDING_TINT = np.array([70, 110, 190], dtype=np.float64)  # zero padding drawn blue-ish


def default_images() -> dict[str, np.ndarray]:
    """An MNIST digit from the shipped sample and the 256 x 256 photo, floats in [0, 1]."""
    from course.images import digit, photo

    return {"MNIST digit (28 x 28)": digit(DIGIT_INDEX), "photo (256 x 256)": photo(256)}


def png_bytes(rgb_or_grey: np.ndarray) -> bytes:
    """Encode a uint8 (H, W) or (H, W, 3) array as PNG, uncompressed: the widget redraws often."""
    buffer = io.BytesIO()
    Image.fromarray(rgb_or_grey).save(buffer, format="png", compress_level=0)
    return buffer.getvalue()


def to_grey_uint8(values: np.ndarray) -> np.ndarray:
    """Scale to [0, 255] by the array's own min and max (a constant array becomes mid-grey)."""
    low, high = float(values.min()), float(values.max())
    if high - low < 1e-12:
        return np.full(values.shape, 128, dtype=np.uint8)
    return np.round((values - low) * (255.0 / (high - low))).astype(np.uint8)


def padded_input_rgb(image: np.ndarray, padding: int) -> np.ndarray:
    """The image in grey with its zero padding drawn as a blue frame: (H+2p, W+2p, 3) uint8."""
    grey = np.clip(image, 0.0, 1.0) * 255.0
    rgb = np.repeat(np.pad(grey, padding)[:, :, None], 3, axis=2)
    if padding:
        frame = np.ones(rgb.shape[:2], dtype=bool)
        frame[padding:-padding, padding:-padding] = False
        rgb[frame] = PADDING_TINT
    return rgb.astype(np.uint8)


def kernel_rgb(kernel: np.ndarray) -> np.ndarray:
    """The kernel as a blue (negative) / red (positive) heat map, one pixel per value: (k, k, 3)."""
    limit = float(np.abs(kernel).max()) or 1.0
    colours = colormaps["RdBu_r"]((kernel / limit + 1.0) / 2.0)[:, :, :3]
    return (colours * 255).astype(np.uint8)


class FilterExplorer:
    """Interactive cross-correlation of one grey image with one kernel.

    Controls: ``preset`` (named kernels of ``course.filters``), ``kernel_size`` (3 or 5),
    ``cells`` (editable kernel values), ``stride``, ``padding``, ``image``. Every change calls
    :meth:`redraw`, which recomputes the output and replaces the images' PNG bytes.
    """

    def __init__(
        self,
        images: Mapping[str, np.ndarray] | None = None,
        preset: str = "edge detection (8-neighbour)",
        display_px: int = 300,
    ) -> None:
        self.images = {
            k: np.asarray(v, dtype=np.float64) for k, v in (images or default_images()).items()
        }
        for name, image in self.images.items():
            if image.ndim != 2:
                raise ValueError(f"image {name!r} must be grey (H, W), got shape {image.shape}")
        if preset not in filters.KERNELS:
            raise ValueError(f"unknown preset {preset!r}; known: {', '.join(filters.KERNELS)}")
        self.display_px = display_px
        self.last_redraw_ms = float("nan")
        self._muted = False
        self._input_png: dict[tuple[str, int], bytes] = {}

        style = {"description_width": "70px"}
        self.preset = widgets.Dropdown(
            options=[*filters.KERNELS, "custom"], value=preset, description="preset", style=style
        )
        self.kernel_size = widgets.ToggleButtons(
            options=[3, 5],
            value=filters.KERNELS[preset].shape[0],
            description="kernel",
            style=style,
        )
        self.kernel_size.style.button_width = "48px"
        self.cells = [
            widgets.FloatText(value=0.0, step=0.1, layout=widgets.Layout(width=CELL_WIDTH))
            for _ in range(MAX_KERNEL * MAX_KERNEL)
        ]
        self.kernel_grid = widgets.GridBox(
            self.cells, layout=widgets.Layout(grid_template_columns=f"repeat(5, {CELL_WIDTH})")
        )
        self.stride = widgets.IntSlider(value=1, min=1, max=4, description="stride", style=style)
        self.padding = widgets.IntSlider(value=0, min=0, max=4, description="padding", style=style)
        self.image = widgets.Dropdown(options=list(self.images), description="image", style=style)

        view = widgets.Layout(
            width=f"{display_px}px", height=f"{display_px}px", object_fit="contain"
        )
        self.input_view = widgets.Image(format="png", layout=view)
        self.output_view = widgets.Image(format="png", layout=view)
        self.kernel_view = widgets.Image(
            format="png", layout=widgets.Layout(width="120px", height="120px")
        )
        self.size_label = widgets.HTML()
        self.timing_label = widgets.HTML()
        for widget, name in (
            (self.preset, "preset"),
            (self.kernel_size, "kernel-size"),
            (self.stride, "stride"),
            (self.padding, "padding"),
            (self.image, "image"),
            (self.input_view, "input"),
            (self.output_view, "output"),
            (self.kernel_view, "kernel"),
            (self.size_label, "size"),
            (self.timing_label, "timing"),
        ):
            widget.add_class(f"filter-explorer-{name}")

        self._load_preset(preset)
        self.preset.observe(self._on_preset, names="value")
        self.kernel_size.observe(self._on_kernel_size, names="value")
        for cell in self.cells:
            cell.observe(self._on_cell, names="value")
        for control in (self.stride, self.padding, self.image):
            control.observe(lambda _change: self.redraw(), names="value")

        def titled(title: str, *children: widgets.Widget) -> widgets.VBox:
            return widgets.VBox(
                [widgets.HTML(f"<b>{title}</b>"), *children],
                layout=widgets.Layout(margin="0 16px 0 0"),
            )

        controls = widgets.HBox(
            [
                widgets.VBox(
                    [self.preset, self.kernel_size, self.stride, self.padding, self.image],
                    layout=widgets.Layout(margin="0 24px 0 0"),
                ),
                titled("kernel values (edit to make your own)", self.kernel_grid),
            ]
        )
        pictures = widgets.HBox(
            [
                titled("input (zero padding in blue)", self.input_view),
                titled("kernel", self.kernel_view),
                titled("output", self.output_view),
            ],
            layout=widgets.Layout(align_items="flex-start"),
        )
        style = widgets.HTML(PIXELATED_CSS, layout=widgets.Layout(display="none"))
        self.widget = widgets.VBox([style, controls, self.size_label, pictures, self.timing_label])
        self.widget.add_class("filter-explorer")
        self.redraw()

    # -- state ---------------------------------------------------------------------------
    @property
    def kernel(self) -> np.ndarray:
        """The current kernel, ``(k, k)`` with k = ``kernel_size.value``."""
        k = self.kernel_size.value
        values = np.array([c.value for c in self.cells], dtype=np.float64)
        return values.reshape(MAX_KERNEL, MAX_KERNEL)[:k, :k]

    def current_image(self) -> np.ndarray:
        return self.images[self.image.value]

    def output(self) -> np.ndarray:
        """The output image for the current settings: ``(OH, OW)``."""
        x = self.current_image()[None, None]
        w = self.kernel[None, None]
        return conv2d(x, w, stride=self.stride.value, padding=self.padding.value)[0, 0]

    # -- events --------------------------------------------------------------------------
    def _load_preset(self, name: str) -> None:
        values = filters.kernel(name)
        k = values.shape[0]
        self._muted = True
        try:
            self.kernel_size.value = k
            for index, cell in enumerate(self.cells):
                i, j = divmod(index, MAX_KERNEL)
                cell.value = float(values[i, j]) if i < k and j < k else 0.0
        finally:
            self._muted = False
        self._show_cells(k)

    def _show_cells(self, k: int) -> None:
        for index, cell in enumerate(self.cells):
            i, j = divmod(index, MAX_KERNEL)
            cell.layout.display = None if i < k and j < k else "none"
        self.kernel_grid.layout.grid_template_columns = f"repeat({k}, {CELL_WIDTH})"

    def _on_preset(self, change: dict) -> None:
        if self._muted or change["new"] == "custom":
            return
        self._load_preset(change["new"])
        self.redraw()

    def _on_kernel_size(self, change: dict) -> None:
        if self._muted:
            return
        k = change["new"]
        self._muted = True
        try:
            for index, cell in enumerate(self.cells):  # start an edited kernel from the identity
                i, j = divmod(index, MAX_KERNEL)
                cell.value = 1.0 if (i, j) == (k // 2, k // 2) else 0.0
            self.preset.value = "custom"
        finally:
            self._muted = False
        self._show_cells(k)
        self.redraw()

    def _on_cell(self, change: dict) -> None:
        if self._muted:
            return
        if self.preset.value != "custom":
            self._muted = True
            try:
                self.preset.value = "custom"
            finally:
                self._muted = False
        self.redraw()

    # -- drawing -------------------------------------------------------------------------
    def describe_size(self) -> str:
        """'output 26 x 26' and the formula per axis, as shown in the size label."""
        h, w = self.current_image().shape
        k, p, s = self.kernel_size.value, self.padding.value, self.stride.value
        oh, ow = output_size(h, k, p, s), output_size(w, k, p, s)
        formulas = [f"⌊({n} + 2·{p} − {k}) / {s}⌋ + 1 = {o}" for n, o in ((h, oh), (w, ow))]
        return (
            f"input {h} × {w}, kernel {k} × {k}, padding {p}, stride {s} → "
            f"<b>output {oh} × {ow}</b> &nbsp; ({formulas[0] if h == w else ' and '.join(formulas)})"
        )

    def redraw(self) -> None:
        """Recompute the output and replace the three images' bytes and the labels."""
        start = time.perf_counter()
        image, kernel = self.current_image(), self.kernel
        padding = self.padding.value
        key = (self.image.value, padding)
        if key not in self._input_png:  # the input only changes with the image or the padding
            self._input_png[key] = png_bytes(padded_input_rgb(image, padding))
        self.input_view.value = self._input_png[key]
        self.kernel_view.value = png_bytes(kernel_rgb(kernel))
        try:
            result = self.output()
        except ValueError as error:  # e.g. a kernel larger than a small padded image
            self.size_label.value = f"<b>cannot convolve:</b> {error}"
            return
        self.output_view.value = png_bytes(to_grey_uint8(result))
        self.size_label.value = self.describe_size()
        self.last_redraw_ms = (time.perf_counter() - start) * 1000.0
        self.timing_label.value = (
            f"<small>output range [{result.min():.3g}, {result.max():.3g}] shown black to white;"
            f" redrawn in {self.last_redraw_ms:.1f} ms</small>"
        )

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
