"""Saliency library (course.saliency), its plots and widget, checked against Captum."""

from __future__ import annotations

import warnings
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from torch import nn

from autograde import variants
from course import saliency as sal
from course.plots import saliency as splots
from tests.known_answers import problems, try_known_answers

captum_attr = pytest.importorskip("captum.attr")


@pytest.fixture
def model() -> nn.Module:
    """Three input channels (so the max over channels matters), batch norm and dropout."""
    return sal.probe_model(in_channels=3, size=12, seed=1)


@pytest.fixture
def images() -> torch.Tensor:
    generator = torch.Generator().manual_seed(3)
    x = torch.rand(6, 3, 12, 12, generator=generator)
    x.view(6, -1)[:, 0] = 0.0  # every image spans exactly [0, 1]: SmoothGrad's sigma is equal
    x.view(6, -1)[:, 1] = 1.0
    return x


TARGETS = torch.tensor([0, 3, 9, 2, 2, 7])


def _captum(attribution, *args, **kwargs):
    with warnings.catch_warnings():  # Captum warns that it sets requires_grad itself
        warnings.simplefilter("ignore", UserWarning)
        return attribution.attribute(*args, **kwargs)


# --------------------------------------------------------------------------- against Captum


def test_vanilla_saliency_matches_captum_saliency(model, images):
    ours = sal.vanilla_saliency(model, images, TARGETS)
    model.eval()
    theirs = _captum(captum_attr.Saliency(model), images, target=TARGETS, abs=True).amax(dim=1)
    assert ours.shape == (6, 12, 12)
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-7)


def test_gradient_times_input_matches_captum(model, images):
    ours = sal.gradient_times_input(model, images, TARGETS)
    model.eval()
    theirs = _captum(captum_attr.InputXGradient(model), images, target=TARGETS)
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("method", sal.RIEMANN_METHODS)
def test_integrated_gradients_matches_captum(model, images, method):
    baseline = torch.full_like(images, 0.25)
    ours = sal.integrated_gradients(
        model, images, TARGETS, baseline=baseline, steps=20, method=method, batch_size=7
    )
    model.eval()
    theirs = _captum(
        captum_attr.IntegratedGradients(model),
        images,
        baselines=baseline,
        target=TARGETS,
        n_steps=20,
        method=f"riemann_{method}",
    )
    torch.testing.assert_close(ours, theirs, rtol=1e-4, atol=1e-7)


def test_smoothgrad_matches_captum_noise_tunnel_with_the_same_noise(model, images):
    ours = sal.smoothgrad(
        model, images, TARGETS, noise_level=0.2, samples=8,
        generator=torch.Generator().manual_seed(5),
    )  # fmt: skip
    model.eval()
    torch.manual_seed(5)
    theirs = _captum(
        captum_attr.NoiseTunnel(captum_attr.Saliency(model)),
        images,
        nt_type="smoothgrad",
        nt_samples=8,
        stdevs=0.2,  # 0.2 * (max - min) with every image spanning [0, 1]
        target=TARGETS,
        abs=True,
    ).amax(dim=1)
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-7)


def test_smoothgrad_without_noise_is_the_vanilla_map(model, images):
    smooth = sal.smoothgrad(model, images, TARGETS, noise_level=0.0, samples=3, batch_size=4)
    torch.testing.assert_close(smooth, sal.vanilla_saliency(model, images, TARGETS))


def test_smoothgrad_batches_do_not_change_the_estimate_much(model, images):
    big = sal.smoothgrad(model, images, 4, samples=64, generator=torch.Generator().manual_seed(0))
    small = sal.smoothgrad(
        model, images, 4, samples=64, batch_size=50, generator=torch.Generator().manual_seed(1)
    )
    relative = (big - small).norm() / big.norm()
    assert relative < 0.25  # two independent 64-sample estimates of the same expectation


# --------------------------------------------------------------------------- batching and modes


def test_one_forward_and_one_backward_for_a_batch_with_mixed_targets(model, images):
    calls = []
    model.register_forward_hook(lambda *_: calls.append("forward"))
    model[0].register_full_backward_hook(lambda *_: calls.append("backward"))
    sal.vanilla_saliency(model, images, TARGETS)
    assert calls == ["forward", "backward"]


def test_batched_map_equals_one_image_at_a_time(model, images):
    batched = sal.vanilla_saliency(model, images, TARGETS)
    single = torch.cat(
        [sal.vanilla_saliency(model, images[i : i + 1], int(TARGETS[i])) for i in range(6)]
    )
    torch.testing.assert_close(batched, single, rtol=1e-5, atol=1e-8)


def test_per_class_maps_are_the_vanilla_map_for_each_class(model, images):
    maps = sal.per_class_saliency(model, images[2])
    assert maps.shape == (10, 12, 12)
    for c in (0, 4, 9):
        torch.testing.assert_close(maps[c], sal.vanilla_saliency(model, images[2:3], c)[0])
    assert sal.per_class_saliency(model, images[2:3], classes=[7, 1]).shape == (2, 12, 12)


@pytest.mark.parametrize(
    "method",
    [
        sal.vanilla_saliency,
        sal.gradient_times_input,
        lambda m, x, t: sal.integrated_gradients(m, x, t, steps=4),
        lambda m, x, t: sal.smoothgrad(m, x, t, samples=2),
    ],
)
def test_modes_restored_and_parameter_grads_untouched(model, images, method):
    model.train()
    model[1].eval()  # a mixed state must come back exactly as it was
    before = [m.training for m in model.modules()]
    model[6].weight.grad = torch.ones_like(model[6].weight)
    method(model, images, TARGETS)
    assert [m.training for m in model.modules()] == before
    assert model[0].weight.grad is None
    assert torch.equal(model[6].weight.grad, torch.ones_like(model[6].weight))


def test_eval_mode_is_used_so_dropout_does_not_change_the_map(model, images):
    model.train()
    first = sal.vanilla_saliency(model, images, TARGETS)
    second = sal.vanilla_saliency(model, images, TARGETS)
    torch.testing.assert_close(first, second, rtol=0, atol=0)
    model.eval()
    torch.testing.assert_close(first, sal.vanilla_saliency(model, images, TARGETS))


def test_numpy_input_and_integer_or_list_targets(model, images):
    as_numpy = sal.vanilla_saliency(model, images.numpy(), [4] * 6)
    torch.testing.assert_close(as_numpy, sal.vanilla_saliency(model, images, 4))


def test_saliency_is_the_absolute_gradient_of_the_logit_not_the_probability():
    # f(x) = (w . x) in one class and 0 in the other: the gradient of the logit is w exactly.
    linear = nn.Sequential(nn.Flatten(), nn.Linear(4, 2, bias=False))
    with torch.no_grad():
        linear[1].weight.copy_(torch.tensor([[1.0, -2.0, 0.5, 0.0], [0.0, 0.0, 0.0, 0.0]]))
    x = torch.randn(3, 1, 2, 2)
    expected = torch.tensor([[1.0, 2.0], [0.5, 0.0]]).expand(3, 2, 2)
    torch.testing.assert_close(sal.vanilla_saliency(linear, x, 0), expected)


# --------------------------------------------------------------------------- integrated gradients


def test_integrated_gradients_are_exact_for_a_linear_model():
    linear = nn.Sequential(nn.Flatten(), nn.Linear(12, 3))
    x = torch.randn(4, 3, 2, 2)
    baseline = torch.randn(1, 3, 2, 2)
    attributions = sal.integrated_gradients(linear, x, [0, 1, 2, 1], baseline=baseline, steps=2)
    w = linear[1].weight.detach().reshape(3, 3, 2, 2)
    expected = (x - baseline) * w[[0, 1, 2, 1]]
    torch.testing.assert_close(attributions, expected, rtol=1e-5, atol=1e-6)
    gap = sal.completeness_gap(linear, x, [0, 1, 2, 1], attributions, baseline)
    assert gap.abs().max() < 1e-5


def test_completeness_gap_shrinks_with_more_steps(model, images):
    gaps = [
        sal.completeness_gap(
            model, images, TARGETS, sal.integrated_gradients(model, images, TARGETS, steps=s)
        ).abs().max()
        for s in (2, 16, 128)
    ]  # fmt: skip
    assert gaps[2] < gaps[1] < gaps[0]
    assert bool(
        sal.is_complete(
            model, images, TARGETS, sal.integrated_gradients(model, images, TARGETS)
        ).all()
    )


def test_completeness_catches_path_gradients_not_multiplied_by_the_input_difference(model, images):
    alphas = sal.riemann_alphas(128).float()
    path_mean = torch.stack([sal.input_gradients(model, a * images, TARGETS) for a in alphas])
    path_mean = path_mean.mean(dim=0)
    torch.testing.assert_close(
        path_mean * images, sal.integrated_gradients(model, images, TARGETS, steps=128)
    )
    tolerance = {"rtol": 0.05, "atol": 2e-3}  # this random model's scores are small
    assert bool(sal.is_complete(model, images, TARGETS, path_mean * images, **tolerance).all())
    complete = sal.is_complete(model, images, TARGETS, path_mean, **tolerance)
    assert int(complete.sum()) <= 1  # by chance one of the six may fall within the tolerance


def test_completeness_tolerance_holds_on_the_slides_cnn():
    """The stated tolerance, on the course's CNN (briefly trained) with 64 steps."""
    from course import cnn
    from course.mnist import load_sample

    data = load_sample()
    x, y = cnn.as_tensors(data.train_images[:1024], data.train_labels[:1024], "cpu")
    torch.manual_seed(0)
    model = cnn.SlidesNet()
    cnn.fit(model, (x, y), (x[:128], y[:128]), cnn.Recipe(epochs=1, batch_size=64), progress=False)
    test_x, test_y = cnn.as_tensors(data.test_images[:16], data.test_labels[:16], "cpu")
    black = (0.0 - cnn.MNIST_MEAN) / cnn.MNIST_STD
    attributions = sal.integrated_gradients(model, test_x, test_y, baseline=black, steps=64)
    assert bool(sal.is_complete(model, test_x, test_y, attributions, black).all())
    gap = sal.completeness_gap(model, test_x, test_y, attributions, black)
    difference = sal.score_difference(model, test_x, test_y, black)
    assert float((gap.abs() / difference.abs()).median()) < sal.COMPLETENESS_RTOL


def test_riemann_alphas():
    torch.testing.assert_close(
        sal.riemann_alphas(4), torch.tensor([0.25, 0.5, 0.75, 1.0], dtype=torch.float64)
    )
    torch.testing.assert_close(
        sal.riemann_alphas(2, "left"), torch.tensor([0.0, 0.5], dtype=torch.float64)
    )
    torch.testing.assert_close(
        sal.riemann_alphas(2, "middle"), torch.tensor([0.25, 0.75], dtype=torch.float64)
    )


# --------------------------------------------------------------------------- sanity check


def test_spearman_matches_scipy_with_ties():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    for _ in range(5):
        a = np.round(rng.random(200) * 6)  # many ties
        b = rng.random(200) + 0.3 * a
        assert sal.spearman(a, b) == pytest.approx(stats.spearmanr(a, b)[0], abs=1e-12)


def test_spearman_properties():
    a = np.array([[3.0, 1.0], [2.0, 5.0]])
    assert sal.spearman(a, a**3 + 1) == pytest.approx(1.0)  # any increasing transform
    assert sal.spearman(a, -a) == pytest.approx(-1.0)
    assert np.isnan(sal.spearman(a, np.ones((2, 2))))
    np.testing.assert_allclose(sal.average_ranks(np.array([5.0, 1.0, 5.0, 2.0])), [3.5, 1, 3.5, 2])


def test_sanity_check_randomises_top_down_and_leaves_the_model_alone(model, images):
    state = {k: v.clone() for k, v in model.state_dict().items()}
    rng_state = torch.get_rng_state()
    result = sal.sanity_check(model, images, TARGETS, seed=0)
    assert result.steps == ["trained", "8", "6", "1", "0"]
    assert result.correlations.shape == (5, 6)
    assert result.maps.shape == (5, 6, 12, 12)
    np.testing.assert_allclose(result.correlations[0], 1.0)
    assert result.mean()[-1] < 0.9  # a map of a random model is not the trained model's map
    assert all(torch.equal(state[k], v) for k, v in model.state_dict().items())
    assert torch.equal(torch.get_rng_state(), rng_state)
    again = sal.sanity_check(model, images, TARGETS, seed=0)
    np.testing.assert_array_equal(again.correlations, result.correlations)


def test_sanity_check_on_a_map_that_ignores_the_model_stays_at_one(model, images):
    def edge_detector(_model, x, _target):  # depends on the input only: fails the check
        return (x[:, :, 1:, :] - x[:, :, :-1, :]).abs().amax(dim=1)

    result = sal.sanity_check(model, images, TARGETS, method=edge_detector)
    np.testing.assert_allclose(result.correlations, 1.0)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda m, x: sal.vanilla_saliency(m, x[0], 1), "shape \\(N, C, H, W\\)"),
        (lambda m, x: sal.vanilla_saliency(m, x.long(), 1), "floating-point"),
        (lambda m, x: sal.vanilla_saliency(m, x, 10), "0..9"),
        (lambda m, x: sal.vanilla_saliency(m, x, [1, 2]), "one per image"),
        (lambda m, x: sal.vanilla_saliency(m, x, torch.ones(6)), "integer"),
        (lambda m, x: sal.vanilla_saliency("model", x, 1), "nn.Module"),
        (lambda m, x: sal.integrated_gradients(m, x, 1, steps=0), "positive integer"),
        (lambda m, x: sal.integrated_gradients(m, x, 1, method="simpson"), "one of"),
        (lambda m, x: sal.integrated_gradients(m, x, 1, baseline=torch.zeros(5)), "broadcast"),
        (lambda m, x: sal.smoothgrad(m, x, 1, samples=0), "positive integer"),
        (lambda m, x: sal.smoothgrad(m, x, 1, noise_level=-1), "noise_level"),
        (lambda m, x: sal.completeness_gap(m, x, 1, x[0]), "inputs' shape"),
        (lambda m, x: sal.spearman(x[0], x[1, 0]), "same size"),
        (lambda m, x: sal.per_class_saliency(m, x), "one image"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(model, images, call, message):
    with pytest.raises(ValueError, match=message):
        call(model, images)


# --------------------------------------------------------------------------- plots and widget


def test_plots_draw_every_panel(model, images):
    maps = sal.vanilla_saliency(model, images, TARGETS)
    assert len(splots.image_map_overlay(images[0], maps[0]).axes) == 3
    fig = splots.method_grid(
        images[:2], {"vanilla": maps[:2], "x*grad": images[:2]}, signed=["x*grad"]
    )
    assert len(fig.axes) == 6
    grid = splots.class_grid(
        images[0], sal.per_class_saliency(model, images[0]), scores=np.arange(10)
    )
    assert sum(ax.has_data() for ax in grid.axes) == 11
    result = sal.sanity_check(model, images[:2], TARGETS[:2])
    curve = splots.sanity_check_curve(result)
    np.testing.assert_allclose(curve.axes[0].lines[0].get_ydata(), result.mean())
    assert len(splots.sanity_check_maps(result).axes) == len(result.steps)
    with pytest.raises(ValueError, match="has 2 maps for 6 images"):
        splots.method_grid(images, {"vanilla": maps[:2]})
    assert isinstance(fig, Figure)


def test_explorer_redraws_the_map_for_the_chosen_digit_class_and_method():
    from course.widgets.saliency_explorer import SaliencyExplorer

    model = sal.probe_model(in_channels=1, size=28, seed=2)
    x = torch.rand(5, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    explorer = SaliencyExplorer(model, x, [0, 1, 2, 3, 4], baseline=-0.5)
    predicted = int(model.eval()(x[0:1]).argmax())
    model.train()
    np.testing.assert_allclose(explorer.saliency, sal.vanilla_saliency(model, x[:1], predicted)[0])
    picture = explorer.picture.value

    explorer.digit.value = 3
    explorer.target.value = 7
    np.testing.assert_allclose(explorer.saliency, sal.vanilla_saliency(model, x[3:4], 7)[0])
    assert "label <b>3</b>" in explorer.caption.value and "class <b>7</b>" in explorer.caption.value
    assert explorer.picture.value != picture

    explorer.method.value = "integrated gradients"
    expected = (
        sal.integrated_gradients(model, x[3:4], 7, baseline=-0.5, steps=64).abs().amax(dim=1)[0]
    )
    np.testing.assert_allclose(explorer.saliency, expected, rtol=1e-5, atol=1e-8)
    explorer.method.value = "SmoothGrad"
    assert explorer.saliency.shape == (28, 28)
    assert model.training  # the widget never leaves the caller's model in eval mode


def test_explorer_measures_the_map_on_show_against_a_known_region():
    from course import faithfulness as faith
    from course.gradcam import grad_cam
    from course.widgets.saliency_explorer import DELETION_STEPS, SaliencyExplorer

    model = sal.probe_model(in_channels=1, size=28, seed=2).eval()
    x = torch.rand(3, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    region = torch.zeros(28, 28, dtype=torch.bool)
    region[10:18, 10:18] = True
    explorer = SaliencyExplorer(model, x, [0, 1, 2], baseline=0.0, mask=region)
    explorer.target.value = 4
    explorer.method.value = "Grad-CAM"
    shown = torch.as_tensor(explorer.saliency)[None]
    assert torch.allclose(shown, grad_cam(model, x[:1], 4), atol=1e-6)
    want = faith.deletion_curve(model, x[:1], 4, shown, DELETION_STEPS, 0.0)[0]
    np.testing.assert_allclose(explorer.deletion, want, rtol=1e-5, atol=1e-7)
    assert f"deletion AUC <b>{explorer.deletion_auc:.2f}</b>" in explorer.caption.value
    mass = float(faith.mass_inside(shown, region)[0])
    assert f"holds <b>{mass:.0%}</b> of its mass" in explorer.caption.value
    assert len(explorer.random_deletion) == DELETION_STEPS + 1
    with pytest.raises(ValueError, match="mask must have the images' size"):
        SaliencyExplorer(model, x, [0, 1, 2], mask=region[:5])


# --------------------------------------------------------------------------- the notebook's known answers

ROOT = Path(__file__).resolve().parents[1]
STEM = "06_saliency"
NOTEBOOK = ROOT / "solutions" / "06_saliency.ipynb"


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _load_variants():
    return variants.load("06_saliency")


def test_every_exercise_has_wrong_and_right_variants():
    wrong, right = _load_variants()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    exercises = [
        _grade_id(c)
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"
    ]
    assert exercises and set(exercises) == set(wrong) == set(right)
    for grade_id in exercises:
        assert len(wrong[grade_id]) >= 2 and len(right[grade_id]) >= 1, grade_id
    # the four
    assert "no absolute value" in wrong["saliency_map"]
    assert "gradient of the softmax probability instead of the logit" in wrong["saliency_map"]
    assert "model left in train mode (no model.eval())" in wrong["saliency_map"]
    assert "not multiplied by (x - baseline)" in wrong["integrated_gradients"]


def test_hidden_tests_catch_every_wrong_answer_and_accept_every_right_one():
    """Every known answer, the released stub and the solution, in one kernel (tests/known_answers)."""
    outcomes = try_known_answers(STEM)
    assert {o.kind for o in outcomes} >= {"solution", "wrong", "right"}
    assert not problems(outcomes), "\n".join(problems(outcomes))
