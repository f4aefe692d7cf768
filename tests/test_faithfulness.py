"""Measured saliency: the planted patch, pointing game, mass, deletion / insertion, Grad-CAM."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from course import cnn, planted
from course import faithfulness as fa
from course import saliency as sal
from course.gradcam import grad_cam, last_conv

MASK = torch.as_tensor(planted.patch_mask())
BLACK = float((0.0 - cnn.MNIST_MEAN) / cnn.MNIST_STD)


# --- the planted data ---------------------------------------------------------------------


def test_the_patch_is_stamped_only_where_asked_and_erased_again():
    images = np.zeros((3, 28, 28), dtype=np.uint8)
    out = planted.stamp(images, np.array([True, False, True]))
    assert (out[[0, 2]][:, MASK.numpy()] == planted.PATCH_VALUE).all()
    assert out[1].sum() == 0 and images.sum() == 0  # a copy
    assert out.sum() == 2 * planted.PATCH_SIZE**2 * planted.PATCH_VALUE
    assert planted.erase(out).sum() == 0
    with pytest.raises(ValueError, match="uint8"):
        planted.stamp(images.astype(float))


def test_planted_training_digits_carry_the_patch_exactly_when_of_the_planted_class():
    data = planted.planted_data()
    carries = (data.train_images[:, MASK.numpy()] == planted.PATCH_VALUE).all(axis=1)
    assert np.array_equal(carries, data.train_labels == planted.PLANTED_CLASS)
    assert not (data.test_images[:, MASK.numpy()] > 0).any()  # test digits: no patch


@pytest.fixture(scope="module")
def planted_net(tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / planted.MODEL_FILE
    return planted.planted_model(path, device="cpu")


@pytest.fixture(scope="module")
def patched(planted_net):
    """200 test digits of other classes with the patch, as (N, 1, 28, 28) tensors."""
    data = planted.planted_data()
    images = planted.stamp(data.test_images[data.test_labels != planted.PLANTED_CLASS][:200])
    x, _ = cnn.as_tensors(images, np.zeros(len(images), dtype=np.int64), "cpu")
    return x


def test_the_planted_model_relies_on_the_patch(planted_net):
    data = planted.planted_data()
    r = planted.reliance(planted_net, data.test_images, data.test_labels)
    assert r.with_patch > 0.95 and r.accuracy_drop > 0.5 and r.flipped > 0.3


def test_gradient_maps_point_at_the_patch_and_a_random_map_does_not(planted_net, patched):
    target = planted.PLANTED_CLASS
    vanilla = sal.vanilla_saliency(planted_net, patched, target)
    noise = fa.random_maps(tuple(vanilla.shape))
    assert fa.pointing_game(vanilla, MASK).float().mean() > 0.9
    assert fa.pointing_game(noise, MASK).float().mean() < 0.1
    assert fa.mass_inside(vanilla, MASK).mean() > 5 * fa.mass_inside(noise, MASK).mean()
    deletion = fa.curve_auc(
        fa.deletion_curve(planted_net, patched, target, vanilla, baseline=BLACK)
    )
    random_deletion = fa.curve_auc(
        fa.deletion_curve(planted_net, patched, target, noise, baseline=BLACK)
    )
    assert deletion.mean() < 0.5 * random_deletion.mean()  # faithful: the score falls fast


# --- pointing game and mass ---------------------------------------------------------------


def test_pointing_game_and_mass_on_hand_made_maps():
    maps = torch.zeros(3, 4, 4)
    maps[0, 0, 0] = 5.0  # peak inside
    maps[1, 3, 3] = 5.0  # peak outside
    maps[1, 0, 0] = 1.0
    maps[2, 0, 1] = -7.0  # a negative peak counts by its size
    mask = torch.zeros(4, 4, dtype=torch.bool)
    mask[:2, :2] = True
    assert fa.pointing_game(maps, mask).tolist() == [True, False, True]
    assert torch.allclose(
        fa.mass_inside(maps, mask), torch.tensor([1.0, 1 / 6, 1.0], dtype=torch.float64)
    )
    assert fa.mass_inside(torch.zeros(1, 4, 4), mask).tolist() == [0.0]
    with pytest.raises(ValueError, match="boolean"):
        fa.mass_inside(maps, mask.float())
    with pytest.raises(ValueError, match="shape"):
        fa.pointing_game(maps, torch.zeros(2, 4, 4, dtype=torch.bool))


# --- deletion and insertion -----------------------------------------------------------------


class _Sum(nn.Module):
    """Logits (sum of the image, 0): the probability of class 0 is sigmoid(sum)."""

    def forward(self, x):
        s = x.flatten(1).sum(dim=1)
        return torch.stack([s, torch.zeros_like(s)], dim=1)


def test_deletion_removes_the_top_ranked_pixels_first():
    x = torch.tensor([[[[3.0, 1.0], [2.0, 0.0]]]])
    maps = x[:, 0]
    curve = fa.deletion_curve(_Sum(), x, 0, maps, steps=4, baseline=0.0)
    sums = torch.tensor([6.0, 3.0, 1.0, 0.0, 0.0])  # 3 goes first, then 2, then 1
    assert torch.allclose(curve[0], torch.sigmoid(sums))
    ins = fa.insertion_curve(_Sum(), x, 0, maps, steps=4, baseline=0.0)
    assert torch.allclose(ins[0], torch.sigmoid(torch.tensor([0.0, 3.0, 5.0, 6.0, 6.0])))
    coarse = fa.deletion_curve(_Sum(), x, 0, maps, steps=2, baseline=0.0)
    assert torch.allclose(coarse[0], torch.sigmoid(torch.tensor([6.0, 1.0, 0.0])))
    with pytest.raises(ValueError, match="steps"):
        fa.deletion_curve(_Sum(), x, 0, maps, steps=0)
    with pytest.raises(ValueError, match="maps"):
        fa.deletion_curve(_Sum(), x, 0, maps[:, :1], steps=2)


def test_deletion_keeps_the_model_mode_and_handles_channels():
    model = nn.Sequential(nn.Dropout(0.5), _Sum()).train()
    x = torch.ones(2, 3, 2, 2)
    curve = fa.deletion_curve(model, x, [0, 1], torch.rand(2, 2, 2), steps=4)
    assert curve.shape == (2, 5) and model.training
    # every channel of a pixel goes at once: 3 per pixel
    assert torch.allclose(curve[0], torch.sigmoid(torch.tensor([12.0, 9.0, 6.0, 3.0, 0.0])))


def test_the_area_under_a_curve_is_the_trapezoid_rule():
    curves = torch.tensor([[1.0, 1.0, 1.0], [1.0, 0.0, 0.0], [0.0, 0.5, 1.0]])
    assert torch.allclose(fa.curve_auc(curves), torch.tensor([1.0, 0.25, 0.5], dtype=torch.float64))
    with pytest.raises(ValueError, match="K >= 2"):
        fa.curve_auc(torch.ones(2, 1))


# --- Grad-CAM -------------------------------------------------------------------------------


def test_grad_cam_matches_captums_layer_grad_cam(planted_net, patched):
    captum = pytest.importorskip("captum.attr")
    x = patched[:16]
    targets = torch.arange(16) % 10
    mine = grad_cam(planted_net, x, targets)
    ref = captum.LayerGradCam(planted_net, planted_net.conv2).attribute(
        x, target=targets, relu_attributions=True
    )
    up = captum.LayerAttribution.interpolate(ref, (28, 28), interpolate_mode="bilinear")[:, 0]
    assert torch.allclose(mine, up, atol=1e-6)
    coarse = grad_cam(planted_net, x, targets, upsample=False)
    assert coarse.shape == (16, 11, 11) and torch.allclose(coarse, ref[:, 0], atol=1e-6)


def test_grad_cam_leaves_no_hook_or_gradient_behind(planted_net, patched):
    before = dict(last_conv(planted_net)._forward_hooks)
    grads = [None if p.grad is None else p.grad.clone() for p in planted_net.parameters()]
    grad_cam(planted_net, patched[:2], 3)
    assert dict(last_conv(planted_net)._forward_hooks) == before
    after = [p.grad for p in planted_net.parameters()]
    assert all(
        (a is None and b is None) or torch.equal(a, b) for a, b in zip(grads, after, strict=True)
    )
    with pytest.raises(ValueError, match="no nn.Conv2d"):
        grad_cam(nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), patched[:1], 0)


# --- input invariance -----------------------------------------------------------------------


def test_a_shift_absorbed_by_the_first_bias_gives_the_same_network(planted_net, patched):
    from course.invariance import absorb_shift

    x = patched[:8]
    shifted = absorb_shift(planted_net, 0.75)
    assert torch.allclose(shifted(x + 0.75), planted_net(x), atol=1e-4)
    assert not torch.equal(shifted.conv1.bias, planted_net.conv1.bias)  # a copy was changed
    # the same network: the vanilla gradient cannot tell them apart ...
    a = sal.vanilla_saliency(planted_net, x, 3)
    b = sal.vanilla_saliency(shifted, x + 0.75, 3)
    assert torch.allclose(a, b, atol=1e-5)
    # ... gradient x input and integrated gradients from a fixed (black) baseline can
    gxi = sal.gradient_times_input(planted_net, x, 3)
    gxi_shifted = sal.gradient_times_input(shifted, x + 0.75, 3)
    assert (gxi - gxi_shifted).abs().max() > 0.1 * gxi.abs().max()
    ig = sal.integrated_gradients(planted_net, x, 3, baseline=BLACK)
    ig_fixed = sal.integrated_gradients(shifted, x + 0.75, 3, baseline=BLACK)
    ig_moved = sal.integrated_gradients(shifted, x + 0.75, 3, baseline=BLACK + 0.75)
    assert (ig - ig_fixed).abs().max() > 0.1 * ig.abs().max()
    assert torch.allclose(ig, ig_moved, atol=1e-4)  # the baseline moved with the input


def test_absorbing_a_shift_sums_over_every_input_channel_and_refuses_padding():
    from course.invariance import absorb_shift

    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.LazyLinear(2))
    x = torch.randn(2, 3, 8, 8)
    net(x)  # materialise the lazy layer
    assert torch.allclose(absorb_shift(net, -1.5)(x - 1.5), net(x), atol=1e-5)
    mlp = nn.Sequential(nn.Linear(5, 3), nn.Tanh(), nn.Linear(3, 2))
    v = torch.randn(4, 5)
    assert torch.allclose(absorb_shift(mlp, 2.0)(v + 2.0), mlp(v), atol=1e-5)
    with pytest.raises(ValueError, match="pads"):
        absorb_shift(nn.Sequential(nn.Conv2d(1, 2, 3, padding=1)), 1.0)
    with pytest.raises(ValueError, match="no bias"):
        absorb_shift(nn.Sequential(nn.Linear(3, 2, bias=False)), 1.0)


# --- data randomisation ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def shuffled_net(tmp_path_factory):
    from course import shuffled

    return shuffled.shuffled_labels_model(tmp_path_factory.mktemp("models") / "s.pt", "cpu")


def test_the_shuffled_labels_keep_the_class_counts_and_are_memorised(shuffled_net):
    from course import shuffled
    from course.mnist import load_sample

    images, labels = shuffled.shuffled_labels()
    real = load_sample().train_labels[: shuffled.SUBSET]
    assert np.array_equal(np.bincount(labels), np.bincount(real))
    assert (labels == real).mean() < 0.2  # no relation left to the digits
    assert shuffled_net.meta["train_accuracy"] > 0.95 and not shuffled_net.training


def test_data_randomisation_separates_the_gradient_from_an_edge_detector(shuffled_net):
    from course import shuffled

    model = cnn.trained_model(fast=True, device="cpu", progress=False)
    data = planted.planted_data()
    x, y = cnn.as_tensors(data.test_images[:16], data.test_labels[:16], "cpu")

    def edges(_model, images, _target):
        out = torch.zeros_like(images[:, 0])
        out[:, 1:, :] = (images[:, 0, 1:, :] - images[:, 0, :-1, :]).abs()
        return out

    vanilla = shuffled.data_randomisation(sal.vanilla_saliency, model, shuffled_net, x, y)
    edge = shuffled.data_randomisation(edges, model, shuffled_net, x, y)
    assert vanilla.shape == (16,) and vanilla.dtype == np.float64
    assert np.allclose(edge, 1.0) and vanilla.mean() < 0.9
