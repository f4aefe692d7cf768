"""Notebook 03: the activations reference, its experiments, plots, explorer, and the notebook's
hidden tests against every known-wrong and known-right answer."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from autograde import variants  # noqa: E402
from course import activation_experiments as experiments  # noqa: E402
from course import activations as act  # noqa: E402
from course.plots import activations as plots  # noqa: E402
from course.widgets.activation_explorer import ActivationExplorer  # noqa: E402
from tests.known_answers import Outcome, try_known_answers  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
STEM = "03_activations"
SOLUTION = ROOT / "solutions" / f"{STEM}.ipynb"
RELEASE = ROOT / "nbs" / f"{STEM}.ipynb"

TORCH_EQUIVALENT = {
    "sigmoid": lambda t, **kw: torch.sigmoid(t),
    "tanh": lambda t, **kw: torch.tanh(t),
    "relu": lambda t, **kw: torch.relu(t),
    "leaky_relu": lambda t, slope=act.LEAKY_SLOPE: torch.nn.functional.leaky_relu(t, slope),
    "elu": lambda t, alpha=act.ELU_ALPHA: torch.nn.functional.elu(t, alpha),
    "identity": lambda t, **kw: t * 1.0,
}
PARAMETERS = {"leaky_relu": [{}, {"slope": 0.2}, {"slope": 0.0}], "elu": [{}, {"alpha": 0.5}]}
SHAPES = [(1,), (1, 5), (7,), (4, 3), (2, 3, 4)]


def kwarg_sets(name: str) -> list[dict]:
    return PARAMETERS.get(name, [{}])


def random_z(shape: tuple[int, ...], seed: int) -> np.ndarray:
    z = np.random.default_rng(seed).normal(0.0, 3.0, size=shape)
    return np.where(np.abs(z) < 1e-3, 0.5, z)  # keep away from the kink for autograd checks


# --- the reference functions ---------------------------------------------------------------


@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
@pytest.mark.parametrize("shape", SHAPES)
def test_functions_and_derivatives_match_torch_autograd(name, shape):
    entry = act.get_activation(name)
    for i, kw in enumerate(kwarg_sets(name)):
        z = random_z(shape, seed=hash((name, shape, i)) % 2**32)
        t = torch.tensor(z, requires_grad=True)
        out = TORCH_EQUIVALENT[name](t, **kw)
        out.sum().backward()
        np.testing.assert_allclose(entry(z, **kw), out.detach().numpy(), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(entry.grad(z, **kw), t.grad.numpy(), rtol=1e-12, atol=1e-15)
        assert entry(z, **kw).shape == shape and entry.grad(z, **kw).shape == shape


@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_derivatives_match_central_differences(name):
    entry = act.get_activation(name)
    z = random_z((50,), seed=7)
    h = 1e-6
    for kw in kwarg_sets(name):
        numerical = (entry(z + h, **kw) - entry(z - h, **kw)) / (2 * h)
        np.testing.assert_allclose(entry.grad(z, **kw), numerical, rtol=1e-6, atol=1e-8)


def test_conventions_at_zero_follow_the_homework():
    zero = np.zeros(3)
    assert np.all(act.relu_grad(zero) == 0.0)  # the homework: relu'(0) = 0
    assert np.all(act.leaky_relu_grad(zero, slope=0.3) == 0.3)
    assert np.all(act.elu_grad(zero, alpha=2.0) == 1.0)  # z = 0 is on elu's linear branch
    assert np.all(act.sigmoid_grad(zero) == 0.25) and np.all(act.tanh_grad(zero) == 1.0)
    assert np.all(act.identity_grad(zero) == 1.0)


@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_large_magnitudes_are_finite_and_warning_free(name):
    entry = act.get_activation(name)
    z = np.array([-1e308, -1000.0, -710.0, -50.0, 0.0, 50.0, 710.0, 1000.0, 1e308])
    with np.errstate(over="raise", invalid="raise", divide="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        values, grads = entry(z), entry.grad(z)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(grads))
    if name == "sigmoid":
        assert values[1] == 0.0 and values[-2] == 1.0 and grads[1] == 0.0 == grads[-2]
    if name == "tanh":
        assert values[1] == -1.0 and values[-2] == 1.0


def test_dtype_and_shape_handling():
    z32 = np.linspace(-3, 3, 7, dtype=np.float32)
    for name in act.ACTIVATIONS:
        entry = act.get_activation(name)
        assert entry(z32).dtype == np.float32 and entry.grad(z32).dtype == np.float32, name
        assert entry([1, -2, 0]).dtype == np.float64, name  # ints and lists become float64
        assert entry(np.zeros((0, 3))).shape == (0, 3), name
        assert np.ndim(entry(2.0)) == 0, name


def test_functions_do_not_change_their_input():
    z = np.array([-2.0, -0.5, 0.0, 1.5])
    before = z.copy()
    for entry in act.ACTIVATIONS.values():
        out = entry(z)
        entry.grad(z)
        out[...] = 99.0  # the result is a new array, not a view of z
        np.testing.assert_array_equal(z, before)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: act.sigmoid(np.array(["a", "b"])), "numeric"),
        (lambda: act.relu(np.array([1 + 2j])), "real"),
        (lambda: act.leaky_relu(np.ones(2), slope=float("nan")), "slope must be finite"),
        (lambda: act.leaky_relu_grad(np.ones(2), slope="0.1"), "slope must be a real number"),
        (lambda: act.elu(np.ones(2), alpha=-1.0), "alpha must be >= 0"),
        (lambda: act.elu_grad(np.ones(2), alpha=True), "alpha must be a real number"),
        (lambda: act.get_activation("softmax"), "unknown activation"),
        (lambda: act.with_property("monotone"), "unknown property"),
    ],
)
def test_bad_input_gets_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- the registry's properties are the homework's answers and hold numerically ------------


def test_registry_gives_the_homework_answers():
    hw = act.HOMEWORK_ACTIVATIONS
    assert hw == ("sigmoid", "tanh", "relu", "identity")
    # Homework 3, exercise 3 (a)-(d), master solution (seed 002) and tutorial slides (seed 000).
    assert act.with_property("vanishing_gradients", hw) == {"sigmoid", "tanh"}
    assert act.with_property("differentiable", hw) == {"sigmoid", "tanh", "identity"}
    assert act.with_property("nonlinear", hw) == {"sigmoid", "tanh", "relu"}
    assert act.with_property("zero_centred", hw) == {"tanh", "identity"}
    assert act.get_activation("Leaky ReLU") is act.ACTIVATIONS["leaky_relu"]
    assert set(act.get_activation("elu").properties) == set(act.PROPERTIES)


@pytest.mark.parametrize("name", list(act.ACTIVATIONS))
def test_registry_properties_agree_with_the_functions(name):
    entry = act.get_activation(name)
    z = np.linspace(-4, 4, 81)
    # zero-centred: odd, so a symmetric (zero-mean) input gives a zero-mean output
    assert entry.zero_centred == bool(np.allclose(entry(-z), -entry(z)))
    # non-linear: f(a + b) != f(a) + f(b) somewhere (and f(2a) != 2 f(a))
    a, b = np.random.default_rng(0).normal(size=(2, 100))
    linear = np.allclose(entry(a + b), entry(a) + entry(b)) and np.allclose(
        entry(2 * a), 2 * entry(a)
    )
    assert entry.nonlinear == (not linear)
    # differentiable everywhere: the one-sided slopes agree at 0 (the only candidate kink)
    h = 1e-7
    left = (entry(0.0) - entry(-h)) / h
    right = (entry(h) - entry(0.0)) / h
    assert entry.differentiable == bool(abs(left - right) < 1e-5)
    # prone to vanishing gradients: the derivative dies out on both sides
    assert entry.vanishing_gradients == bool(
        np.all(np.abs(entry.grad(np.array([-30.0, 30.0]))) < 1e-6)
    )


# --- experiments ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def curve_fits():
    x, y = experiments.make_curve_data()
    return x, y, experiments.fit_curves(x, y, steps=300)


def test_curve_data_is_100_reproducible_scalar_points():
    x, y = experiments.make_curve_data()
    assert x.shape == y.shape == (experiments.N_POINTS,) == (100,)
    assert np.all(np.diff(x) >= 0) and -3 <= x.min() and x.max() <= 3
    x2, y2 = experiments.make_curve_data()
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(y, experiments.make_curve_data(seed=1)[1])
    with pytest.raises(ValueError, match="n must be"):
        experiments.make_curve_data(n=1)


def test_identity_network_learns_a_straight_line(curve_fits):
    x, y, fits = curve_fits
    grid = np.linspace(-3, 3, 301)
    pred = fits["identity"].predict(grid)
    np.testing.assert_allclose(np.diff(pred, 2), 0.0, atol=1e-5)
    # ... and is no better than the least-squares line through the data
    slope, intercept = np.polyfit(x, y, 1)
    line_mse = np.mean((slope * x + intercept - y) ** 2)
    assert fits["identity"].final_loss >= line_mse - 1e-4


def test_relu_network_is_piecewise_linear_with_at_most_20_kinks(curve_fits):
    x, _, fits = curve_fits
    relu_fit = fits["relu"]
    kinks = relu_fit.kinks()
    assert 0 < len(kinks) <= experiments.HIDDEN_UNITS == 20
    grid = np.linspace(-3, 3, 3001)
    bends = np.abs(np.diff(relu_fit.predict(grid), 2)) > 1e-4
    # every bend of the curve sits next to a hidden unit's switching point
    step = grid[1] - grid[0]
    centres = grid[1:-1][bends]
    assert centres.size > 0
    assert np.all(np.min(np.abs(centres[:, None] - kinks[None, :]), axis=1) <= 2 * step)


def test_non_linear_networks_fit_far_better_than_identity(curve_fits):
    _, _, fits = curve_fits
    assert list(fits) == list(experiments.CURVE_ACTIVATIONS) == ["identity", "relu", "sigmoid"]
    assert fits["relu"].final_loss < 0.2 * fits["identity"].final_loss
    assert fits["sigmoid"].final_loss < 0.2 * fits["identity"].final_loss
    # the sigmoid curve is smooth: no corner anywhere
    grid = np.linspace(-3, 3, 3001)
    second = np.abs(np.diff(fits["sigmoid"].predict(grid), 2))
    assert second.max() < 1e-4


def test_fit_leaves_the_global_torch_random_state_alone():
    x, y = experiments.make_curve_data(n=20)
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    a = experiments.fit_curve("relu", x, y, steps=3, seed=5)
    assert torch.equal(torch.rand(3), expected)
    b = experiments.fit_curve("relu", x, y, steps=3, seed=5)
    np.testing.assert_array_equal(a.losses, b.losses)
    with pytest.raises(ValueError, match="same length"):
        experiments.fit_curve("relu", x, y[:-1])
    with pytest.raises(ValueError, match="unknown activation"):
        experiments.fit_curve("swish", x, y)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "elu"])
def test_layer_gradient_norms_match_torch_autograd(name):
    depth, width, batch = 4, 6, 5
    weights = experiments.deep_network_weights(depth, width, seed=3)
    rng = np.random.default_rng(4)
    x, target = rng.normal(size=(batch, width)), rng.normal(size=(batch, width))
    entry = act.get_activation(name)
    ours = experiments.layer_gradient_norms(entry.function, entry.derivative, weights, x, target)
    ws = [torch.tensor(w, requires_grad=True) for w in weights]
    a = torch.tensor(x)
    for w in ws:
        a = TORCH_EQUIVALENT[name](a @ w.T)
    loss = ((a - torch.tensor(target)) ** 2).sum() / (2 * batch)
    loss.backward()
    expected = np.array([float(torch.linalg.norm(w.grad)) for w in ws])
    np.testing.assert_allclose(ours, expected, rtol=1e-10)


def test_gradients_vanish_through_sigmoid_layers_and_not_relu():
    norms = experiments.gradient_norms_by_activation(("sigmoid", "relu"), depth=10)
    assert norms["sigmoid"].shape == norms["relu"].shape == (10,)
    assert norms["sigmoid"][0] / norms["sigmoid"][-1] < 1e-3
    assert np.all(np.diff(np.log(norms["sigmoid"])) > 0)  # smaller at every step towards the input
    assert 1e-1 < norms["relu"][0] / norms["relu"][-1] < 10


def test_gradient_norms_use_the_given_functions():
    doubled = (lambda z: act.sigmoid(z), lambda z: 2 * act.sigmoid_grad(z))
    mine = experiments.gradient_norms_by_activation(("sigmoid",), functions={"sigmoid": doubled})
    ref = experiments.gradient_norms_by_activation(("sigmoid",))
    np.testing.assert_allclose(mine["sigmoid"], ref["sigmoid"] * 2.0 ** np.arange(10, 0, -1))
    with pytest.raises(ValueError, match="weights\\[1\\] has shape"):
        experiments.layer_gradient_norms(
            act.relu, act.relu_grad, [np.eye(3), np.eye(4)], np.ones((2, 3)), np.ones((2, 4))
        )


# --- plots ---------------------------------------------------------------------------------


def test_plot_activations_draws_each_function_and_derivative():
    custom = {"half": (lambda z: z / 2, lambda z: np.full_like(z, 0.5))}
    fig = plots.plot_activations({**plots.reference_pairs(("tanh",)), **custom})
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["tanh", "half"]
    f_line, df_line = axes[1].get_lines()[-2:]
    np.testing.assert_allclose(f_line.get_ydata(), f_line.get_xdata() / 2)
    np.testing.assert_allclose(df_line.get_ydata(), 0.5)
    tanh_f, tanh_df = axes[0].get_lines()[-2:]
    np.testing.assert_allclose(tanh_df.get_ydata(), act.tanh_grad(tanh_df.get_xdata()))
    plt.close(fig)
    with pytest.raises(ValueError, match="empty"):
        plots.plot_activations({})


def test_curve_and_gradient_plots(curve_fits):
    x, y, fits = curve_fits
    fig = plots.plot_curve_fits(
        x, y, [f.predict for f in fits.values()], kinks=[None, fits["relu"].kinks(), None]
    )
    assert [ax.get_title() for ax in fig.axes] == ["A", "B", "C"]
    learned = fig.axes[1].get_lines()[0]
    np.testing.assert_allclose(learned.get_ydata(), fits["relu"].predict(learned.get_xdata()))
    plt.close(fig)
    norms = {"sigmoid": np.array([1e-4, 1e-2, 1.0]), "relu": np.array([1.0, 2.0, 1.5])}
    fig = plots.plot_gradient_norms(norms)
    lines = fig.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["sigmoid", "relu"]
    np.testing.assert_array_equal(lines[0].get_xdata(), [1, 2, 3])
    assert fig.axes[0].get_yscale() == "log"
    plt.close(fig)
    fig = plots.plot_loss_curves({name: f.losses for name, f in fits.items()})
    assert len(fig.axes[0].get_lines()) == 3
    plt.close(fig)


# --- the explorer, driven from Python ------------------------------------------------------


def test_explorer_redraws_the_chosen_activation_and_parameter():
    explorer = ActivationExplorer(start="sigmoid")
    z = explorer.z
    np.testing.assert_allclose(explorer.function_line.get_ydata(), act.sigmoid(z))
    np.testing.assert_allclose(explorer.derivative_line.get_ydata(), act.sigmoid_grad(z))
    assert explorer.parameter.disabled
    first_png, renders = explorer.image.value, explorer.renders
    assert first_png[:8] == b"\x89PNG\r\n\x1a\n"
    figure, line = explorer.figure, explorer.function_line

    explorer.activation.value = "leaky_relu"
    assert explorer.renders == renders + 1  # one redraw per change, not two
    assert not explorer.parameter.disabled and explorer.parameter.description == "slope"
    assert explorer.parameter.value == act.LEAKY_SLOPE
    explorer.parameter.value = 0.3
    np.testing.assert_allclose(explorer.function_line.get_ydata(), act.leaky_relu(z, slope=0.3))
    np.testing.assert_allclose(
        explorer.derivative_line.get_ydata(), act.leaky_relu_grad(z, slope=0.3)
    )
    assert explorer.image.value != first_png

    explorer.activation.value = "elu"
    assert explorer.parameter.description == "alpha" and explorer.parameter.value == act.ELU_ALPHA
    assert (explorer.parameter.min, explorer.parameter.max) == act.ACTIVATIONS[
        "elu"
    ].parameter_range
    explorer.parameter.value = 2.5
    np.testing.assert_allclose(explorer.derivative_line.get_ydata(), act.elu_grad(z, alpha=2.5))
    assert explorer.ax_derivative.get_ylim()[1] >= 2.5  # rescaled to show the new peak

    explorer.z_max.value = 20.0
    assert explorer.function_line.get_xdata()[-1] == 20.0
    explorer.activation.value = "tanh"
    assert explorer.parameter.disabled
    assert "vanished" in explorer.summary.value  # tanh'(20) is tiny
    # the figure and its lines were updated, never rebuilt
    assert explorer.figure is figure and explorer.function_line is line


def test_explorer_on_a_students_functions():
    calls = []

    def my_leaky(z, slope=0.01):
        calls.append(slope)
        return np.where(z > 0, z, slope * z)

    explorer = ActivationExplorer(
        {"leaky_relu": (my_leaky, act.leaky_relu_grad), "mine": (np.sin, np.cos)}
    )
    assert explorer.activation.options == (("leaky ReLU", "leaky_relu"), ("mine", "mine"))
    explorer.parameter.value = 0.5
    assert calls[-1] == 0.5
    explorer.activation.value = "mine"
    assert explorer.parameter.disabled
    np.testing.assert_allclose(explorer.derivative_line.get_ydata(), np.cos(explorer.z))
    assert "application/vnd.jupyter.widget-view+json" in explorer._repr_mimebundle_()
    with pytest.raises(ValueError, match="pair"):
        ActivationExplorer({"bad": np.sin})
    with pytest.raises(ValueError, match="start"):
        ActivationExplorer(start="softmax")


# --- the notebook's hidden tests against known answers -------------------------------------


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


@pytest.fixture(scope="module")
def outcomes() -> dict[tuple[str, str], Outcome]:
    """Every known answer, stub and solution, tried once in one kernel (tests/known_answers)."""
    return {(o.grade_id, o.label): o for o in try_known_answers(STEM)}


WRONG, RIGHT = variants.load(STEM)
SOLUTION_CELLS = {
    _grade_id(c): c.source
    for c in nbformat.read(SOLUTION, as_version=4).cells
    if c.get("metadata", {}).get("nbgrader", {}).get("solution") and c.cell_type == "code"
}
RELEASED_CELLS = {
    _grade_id(c): c.source
    for c in (nbformat.read(RELEASE, as_version=4).cells if RELEASE.exists() else [])
    if c.get("metadata", {}).get("nbgrader", {}).get("solution") and c.cell_type == "code"
}


def test_every_exercise_has_known_answers():
    assert set(SOLUTION_CELLS) == set(WRONG)
    for grade_id, wrong in WRONG.items():
        assert len(wrong) >= 2, grade_id
        assert len(RIGHT.get(grade_id, {})) >= 1, grade_id


@pytest.mark.parametrize("grade_id", sorted(SOLUTION_CELLS))
def test_solution_passes_and_release_stub_fails(outcomes, grade_id):
    solution = outcomes[grade_id, "the solution"]
    assert solution.as_expected, solution.answer_error or solution.why
    if RELEASED_CELLS:
        assert outcomes[grade_id, "the released stub"].as_expected


@pytest.mark.parametrize(
    "grade_id, label", [(g, label) for g, answers in WRONG.items() for label in answers]
)
def test_hidden_tests_catch_wrong_answer(outcomes, grade_id, label):
    assert outcomes[grade_id, label].as_expected, (
        f"{grade_id}: wrong answer '{label}' keeps full marks"
    )


@pytest.mark.parametrize(
    "grade_id, label", [(g, label) for g, answers in RIGHT.items() for label in answers]
)
def test_hidden_tests_accept_right_answer(outcomes, grade_id, label):
    outcome = outcomes[grade_id, label]
    assert outcome.as_expected, f"{grade_id}: right answer '{label}' loses points: {outcome.why}"
