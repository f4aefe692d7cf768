"""An ipywidgets explorer: pick an activation and its parameter, see f and f' redrawn live.

    from course.widgets.activation_explorer import ActivationExplorer
    ActivationExplorer()                       # the six reference activations
    ActivationExplorer({"my sigmoid": (sigmoid, sigmoid_grad)})   # your own functions

One matplotlib figure is made once (Agg, no pyplot, so it works with the inline backend and
in a plain browser without ipympl); a change of the dropdown or a slider only replaces the
data of its two lines, rescales the axes and re-renders the PNG shown in an ``Image`` widget.
The widgets are attributes (``activation``, ``parameter``, ``z_max``), so a test or a
notebook can drive the explorer from Python exactly as a click would.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course import activations as act

Pair = tuple[Callable[..., np.ndarray], Callable[..., np.ndarray]]

_LABELS = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "elu": "ELU",
    "identity": "identity",
}


class ActivationExplorer:
    """Dropdown (activation) + parameter slider (leaky slope, ELU alpha) + z-range slider.

    ``functions`` maps a name to ``(f, f_grad)``; a registry name (``"leaky_relu"``,
    ``"elu"``) gets its parameter slider and ``f(z, slope=...)`` is called with it. Default:
    the six functions of :mod:`course.activations`.
    """

    def __init__(
        self,
        functions: Mapping[str, Pair] | None = None,
        start: str | None = None,
        z_max: float = 5.0,
        points: int = 401,
        dpi: int = 80,
    ) -> None:
        if functions is None:
            functions = {n: (a.function, a.derivative) for n, a in act.ACTIVATIONS.items()}
        if not functions:
            raise ValueError("functions is empty: give at least one (function, derivative) pair")
        for name, pair in functions.items():
            if not (isinstance(pair, tuple) and len(pair) == 2 and all(map(callable, pair))):
                raise ValueError(f"functions[{name!r}] must be a (function, derivative) pair")
        if int(points) != points or points < 2:
            raise ValueError(f"points must be an integer >= 2, got {points!r}")
        if not 1.0 <= z_max <= 50.0:
            raise ValueError(f"z_max must be in [1, 50], got {z_max}")
        self.functions = dict(functions)
        start = start if start is not None else next(iter(self.functions))
        if start not in self.functions:
            raise ValueError(f"start {start!r} is not one of {list(self.functions)}")
        self.points = int(points)
        self.renders = 0  # how many PNGs were rendered (one per change)

        self.activation = widgets.Dropdown(
            options=[(_LABELS.get(n, n), n) for n in self.functions],
            value=start,
            description="activation",
        )
        self.parameter = widgets.FloatSlider(
            value=0.0,
            min=0.0,
            max=1.0,
            step=0.01,
            description="parameter",
            continuous_update=True,
            readout_format=".2f",
        )
        self.z_max = widgets.FloatSlider(
            value=float(z_max),
            min=1.0,
            max=50.0,
            step=0.5,
            description="|z| up to",
            continuous_update=True,
        )
        self.image = widgets.Image(format="png")
        self.summary = widgets.HTML()

        self.figure = Figure(figsize=(9, 3.2), dpi=dpi)
        FigureCanvasAgg(self.figure)
        self.ax_function, self.ax_derivative = self.figure.subplots(1, 2)
        z = self.z
        (self.function_line,) = self.ax_function.plot(z, np.zeros_like(z), lw=2, color="C0")
        (self.derivative_line,) = self.ax_derivative.plot(
            z, np.zeros_like(z), lw=2, color="C1", ls="--"
        )
        for ax, title in ((self.ax_function, "f(z)"), (self.ax_derivative, "f'(z)")):
            ax.axhline(0, color="0.8", lw=0.8)
            ax.axvline(0, color="0.8", lw=0.8)
            ax.set_title(title)
            ax.set_xlabel("z")
            ax.grid(alpha=0.3)
        self.figure.tight_layout()

        self._syncing = False
        self._configure_parameter()
        self.activation.observe(self._on_activation, names="value")
        self.parameter.observe(self._on_change, names="value")
        self.z_max.observe(self._on_change, names="value")
        self.widget = widgets.VBox(
            [widgets.HBox([self.activation, self.parameter, self.z_max]), self.image, self.summary]
        )
        # CSS classes, so that a browser test (or a person's stylesheet) can find each part
        self.widget.add_class("activation-explorer")
        for part, name in (
            (self.activation, "choice"),
            (self.parameter, "parameter"),
            (self.z_max, "range"),
            (self.image, "image"),
            (self.summary, "summary"),
        ):
            part.add_class(f"activation-explorer-{name}")
        self.update()

    # --- what is drawn ---------------------------------------------------------------

    @property
    def z(self) -> np.ndarray:
        """The grid ``(points,)`` on [-z_max, z_max]."""
        zmax = float(self.z_max.value)
        return np.linspace(-zmax, zmax, self.points)

    def _entry(self) -> act.Activation | None:
        try:
            return act.get_activation(self.activation.value)
        except ValueError:
            return None

    def keyword(self) -> dict[str, float]:
        """The keyword argument the current function gets (``{"slope": 0.1}``) or ``{}``."""
        entry = self._entry()
        if entry is None or entry.parameter is None:
            return {}
        return {entry.parameter: float(self.parameter.value)}

    def curves(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(z, f(z), f'(z))`` for the current choice, each ``(points,)``."""
        f, df = self.functions[self.activation.value]
        z = self.z
        kw = self.keyword()
        fz = np.broadcast_to(np.asarray(f(z, **kw), dtype=float), z.shape)
        dfz = np.broadcast_to(np.asarray(df(z, **kw), dtype=float), z.shape)
        return z, fz, dfz

    # --- reacting to the widgets -----------------------------------------------------

    def _configure_parameter(self) -> None:
        entry = self._entry()
        self._syncing = True
        try:
            if entry is None or entry.parameter is None:
                self.parameter.disabled = True
                self.parameter.description = "(none)"
            else:
                lo, hi = entry.parameter_range or (0.0, 1.0)
                self.parameter.disabled = False
                self.parameter.description = entry.parameter
                # widen first so that setting min/max never clamps the value on the way
                self.parameter.max = max(hi, self.parameter.max)
                self.parameter.min = min(lo, self.parameter.min)
                self.parameter.value = float(entry.default)
                self.parameter.min, self.parameter.max = lo, hi
        finally:
            self._syncing = False

    def _on_activation(self, change: dict) -> None:
        self._configure_parameter()
        self.update()

    def _on_change(self, change: dict) -> None:
        if not self._syncing:
            self.update()

    def update(self) -> None:
        """Put the current curves into the two lines, rescale, re-render the image."""
        z, fz, dfz = self.curves()
        self.function_line.set_data(z, fz)
        self.derivative_line.set_data(z, dfz)
        for ax, values in ((self.ax_function, fz), (self.ax_derivative, dfz)):
            finite = values[np.isfinite(values)]
            lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
            pad = max(0.1 * (hi - lo), 0.05)
            ax.set_xlim(z[0], z[-1])
            ax.set_ylim(lo - pad, hi + pad)
        label = _LABELS.get(self.activation.value, self.activation.value)
        kw = ", ".join(f"{k} = {v:g}" for k, v in self.keyword().items())
        self.function_line.set_label(label)
        self.ax_function.set_title(f"{label}({'z' if not kw else 'z; ' + kw})")
        self.ax_derivative.set_title(f"{label}'(z)")
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        self.image.value = buffer.getvalue()
        self.renders += 1
        self.summary.value = self._describe(z, dfz)

    @staticmethod
    def _describe(z: np.ndarray, dfz: np.ndarray) -> str:
        edge = max(abs(dfz[0]), abs(dfz[-1]))
        return (
            f"largest |f'| on the plot: <b>{np.max(np.abs(dfz)):.4g}</b>; "
            f"|f'| at the ends (z = &plusmn;{z[-1]:g}): <b>{edge:.3g}</b>"
            + (" &mdash; the gradient has almost vanished there" if edge < 1e-2 else "")
        )

    # --- display ---------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):  # noqa: ANN003 - IPython's display protocol
        return self.widget._repr_mimebundle_(**kwargs)


def explore_activations(
    functions: Mapping[str, Pair] | None = None, **kwargs
) -> ActivationExplorer:
    """Make an :class:`ActivationExplorer` (display it as the last expression of a cell)."""
    return ActivationExplorer(functions, **kwargs)
