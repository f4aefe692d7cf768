"""course.cnn (network, training step, loop, evaluation, saving), course.device, plots."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from unittest import mock

import nbformat
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from matplotlib.figure import Figure
from torch import nn

from autograde import variants
from course import cnn, device
from course.cnn import (
    FAST_RECIPE,
    History,
    Recipe,
    SlidesNet,
    as_tensors,
    confident_mistakes,
    confusion_matrix,
    count_parameters,
    evaluate,
    fit,
    load_model,
    mlp_parameters,
    save_model,
    train_step,
    trained_model,
)
from course.mnist import MNIST, load_sample
from course.plots import training as plots
from tests.known_answers import problems, try_known_answers


@pytest.fixture(scope="module")
def sample():
    data = load_sample()
    train = as_tensors(data.train_images[:3000], data.train_labels[:3000], "cpu")
    test = as_tensors(data.test_images[:1000], data.test_labels[:1000], "cpu")
    return train, test


@pytest.fixture(autouse=True)
def fresh_device(monkeypatch):
    monkeypatch.delenv(device.DEVICE_ENV, raising=False)
    device.reset_device()
    yield
    device.reset_device()


class DropoutNet(nn.Module):
    """Tiny model whose output depends on train/eval mode."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(784, 10)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        return self.fc(self.drop(x.flatten(1)))


def _small_sample():
    """The shipped sample cut to 2,000 / 500 digits, to keep training in tests short."""
    data = load_sample()
    return MNIST(
        data.train_images[:2000],
        data.train_labels[:2000],
        data.test_images[:500],
        data.test_labels[:500],
        data.source,
        True,
    )


# -- the network -------------------------------------------------------------------------


def test_slides_net_has_the_slides_parameter_count_and_shapes():
    net = SlidesNet()
    assert count_parameters(net) == 60_074
    x = torch.randn(5, 1, 28, 28)
    assert net(x).shape == (5, 10)
    h = F.max_pool2d(F.relu(net.conv1(x)), 2)
    assert h.shape == (5, 6, 13, 13)
    assert F.max_pool2d(F.relu(net.conv2(h)), 2).shape == (5, 16, 5, 5)


def test_slides_net_equals_the_slides_order_relu_then_pool():
    """forward pools before the ReLU for speed; outputs and every gradient are those of the
    slides' ReLU-then-pool, exactly (zeros and ties included)."""
    torch.manual_seed(0)
    net = SlidesNet()
    x = torch.randn(16, 1, 28, 28)
    x[:, :, :8] = 0.0  # flat regions: ties and ReLU's kink at 0

    def slides(model: SlidesNet, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(model.conv1(x)), 2)
        x = F.max_pool2d(F.relu(model.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return model.fc3(F.relu(model.fc2(F.relu(model.fc1(x)))))

    grads = []
    for forward in (net, lambda x: slides(net, x)):
        net.zero_grad()
        out = forward(x)
        out.square().sum().backward()
        grads.append((out.detach(), [p.grad.clone() for p in net.parameters()]))
    assert torch.equal(grads[0][0], grads[1][0])
    for mine, theirs in zip(grads[0][1], grads[1][1], strict=True):
        torch.testing.assert_close(mine, theirs, rtol=1e-6, atol=1e-7)


def test_slides_net_outputs_logits_not_probabilities():
    torch.manual_seed(0)
    out = SlidesNet()(torch.randn(8, 1, 28, 28) * 3)
    assert not torch.allclose(out.sum(1), torch.ones(8))
    assert (out < 0).any()


def test_mlp_parameter_count():
    assert mlp_parameters([784, 120, 84, 10]) == 784 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10
    with pytest.raises(ValueError, match="two positive"):
        mlp_parameters([784])


# -- data as tensors ---------------------------------------------------------------------


def test_as_tensors_normalises_and_keeps_labels():
    images = np.zeros((2, 28, 28), np.uint8)
    images[1] = 255
    x, y = as_tensors(images, np.array([3, 7]), "cpu")
    assert x.shape == (2, 1, 28, 28) and x.dtype == torch.float32 and y.dtype == torch.int64
    assert torch.allclose(x[0], torch.full((1, 28, 28), -cnn.MNIST_MEAN / cnn.MNIST_STD))
    assert torch.allclose(x[1], torch.full((1, 28, 28), (1 - cnn.MNIST_MEAN) / cnn.MNIST_STD))
    assert x.is_contiguous(memory_format=torch.channels_last)
    assert y.tolist() == [3, 7]


def test_as_tensors_refuses_bad_input():
    with pytest.raises(ValueError, match="uint8"):
        as_tensors(np.zeros((2, 28, 28)), np.zeros(2))
    with pytest.raises(ValueError, match="labels of shape"):
        as_tensors(np.zeros((2, 28, 28), np.uint8), np.zeros(3))


# -- one training step -------------------------------------------------------------------


def test_train_step_matches_one_hand_written_sgd_update():
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    before = [p.detach().clone() for p in model.parameters()]
    x, y = torch.randn(6, 4), torch.tensor([0, 1, 2, 0, 1, 2])
    # stale gradients must not leak into the update
    for p in model.parameters():
        p.grad = torch.full_like(p, 100.0)
    loss = train_step(model, torch.optim.SGD(model.parameters(), lr=0.1), x, y)
    w, b = before
    w.requires_grad_(True)
    b.requires_grad_(True)
    expected = F.cross_entropy(x @ w.T + b, y)
    gw, gb = torch.autograd.grad(expected, (w, b))
    assert isinstance(loss, float) and loss == pytest.approx(expected.item(), rel=1e-6)
    assert torch.allclose(model.weight, w - 0.1 * gw, atol=1e-6)
    assert torch.allclose(model.bias, b - 0.1 * gb, atol=1e-6)


def test_train_step_switches_to_training_mode():
    model = DropoutNet().eval()
    train_step(
        model, torch.optim.SGD(model.parameters(), lr=0.1), torch.randn(4, 784), torch.arange(4)
    )
    assert model.training


def test_repeated_steps_fit_a_fixed_batch(sample):
    (x, y), _ = sample
    torch.manual_seed(0)
    model = SlidesNet()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    losses = [train_step(model, opt, x[:64], y[:64]) for _ in range(30)]
    assert losses[-1] < 0.25 * losses[0]


# -- evaluation --------------------------------------------------------------------------


def test_evaluate_is_per_example_and_in_eval_mode():
    torch.manual_seed(0)
    model = DropoutNet().train()
    x, y = torch.randn(10, 1, 28, 28), torch.randint(0, 10, (10,))
    loss, accuracy = evaluate(model, x, y, batch_size=3)  # uneven last batch
    model.eval()
    with torch.no_grad():
        logits = model(x)
    assert loss == pytest.approx(F.cross_entropy(logits, y).item(), rel=1e-6)
    assert accuracy == pytest.approx((logits.argmax(1) == y).float().mean().item())
    assert evaluate(model.train(), x, y) == evaluate(model, x, y)  # dropout off both times
    assert model.training  # the caller's mode is restored


def test_evaluate_refuses_mismatched_input():
    with pytest.raises(ValueError, match="as many labels"):
        evaluate(SlidesNet(), torch.zeros(3, 1, 28, 28), torch.zeros(2, dtype=torch.long))


def test_confusion_matrix_counts_true_rows_and_predicted_columns():
    cm = confusion_matrix(torch.tensor([0, 2, 1, 2]), np.array([0, 1, 1, 2]), num_classes=3)
    assert cm.tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    assert cm.dtype == np.int64
    rng = np.random.default_rng(0)
    pred, true = rng.integers(0, 10, 500), rng.integers(0, 10, 500)
    cm = confusion_matrix(pred, true)
    assert cm.sum() == 500 and np.trace(cm) == (pred == true).sum()
    assert cm.sum(axis=1).tolist() == np.bincount(true, minlength=10).tolist()
    with pytest.raises(ValueError, match="0..9"):
        confusion_matrix([10], [1])
    with pytest.raises(ValueError, match="equal 1-D shapes"):
        confusion_matrix([1, 2], [1])


def test_confident_mistakes_are_wrong_and_sorted():
    logits = torch.tensor([[5.0, 0, 0], [0, 9, 0], [0, 0, 1], [3, 0, 0]])
    index, predicted, confidence = confident_mistakes(logits, torch.tensor([0, 2, 1, 1]), 5)
    assert index.tolist() == [1, 3, 2]
    assert predicted.tolist() == [1, 0, 2]
    assert np.all(np.diff(confidence) <= 0)


# -- the training loop -------------------------------------------------------------------


def test_fit_learns_and_records_history(sample):
    train, test = sample
    torch.manual_seed(0)
    model = SlidesNet()
    history = fit(model, train, test, Recipe(epochs=2, batch_size=128, max_lr=4e-3), progress=False)
    assert history.epochs == 2 and len(history.test_accuracy) == 2 and len(history.seconds) == 2
    assert history.test_accuracy[-1] > 0.75  # chance is 0.10
    assert history.train_loss[1] < history.train_loss[0]
    assert history.test_accuracy[-1] == pytest.approx(evaluate(model, *test)[1])
    assert "test acc" in str(history)


def test_fit_is_reproducible_and_calls_the_given_step(sample):
    (x, y), test = sample
    train = (x[:512], y[:512])
    calls = []

    def counting_step(model, optimizer, images, labels):
        calls.append(len(images))
        return train_step(model, optimizer, images, labels)

    results = []
    for step in (train_step, counting_step):
        torch.manual_seed(0)
        model = SlidesNet()
        fit(model, train, test, Recipe(epochs=1, batch_size=200), step=step, progress=False)
        results.append(model.fc3.weight.detach().clone())
    assert calls == [200, 200, 112]
    assert torch.equal(results[0], results[1])


def _cpu_autocast_on() -> bool:
    try:
        return torch.is_autocast_enabled("cpu")  # torch >= 2.4
    except TypeError:
        return torch.is_autocast_cpu_enabled()


def _cpu_autocast_dtype() -> torch.dtype:
    try:
        return torch.get_autocast_dtype("cpu")  # torch >= 2.4
    except AttributeError:
        return torch.get_autocast_cpu_dtype()


@pytest.mark.parametrize(
    ("native", "mixed", "autocast"),
    [(True, True, True), (True, False, False), (False, True, False)],
)
def test_fit_trains_in_bfloat16_only_where_the_cpu_computes_it(
    sample, monkeypatch, native, mixed, autocast
):
    (x, y), test = sample
    monkeypatch.setattr(cnn, "native_bfloat16", lambda device: native)
    seen = []

    def step(model, optimizer, images, labels):
        seen.append((_cpu_autocast_on(), _cpu_autocast_dtype()))
        return train_step(model, optimizer, images, labels)

    torch.manual_seed(0)
    model = SlidesNet()
    recipe = Recipe(epochs=1, batch_size=256, mixed_precision=mixed)
    history = fit(model, (x[:512], y[:512]), test, recipe, step=step, progress=False)
    assert {enabled for enabled, _ in seen} == {autocast}
    if autocast:
        assert seen[0][1] == torch.bfloat16
    assert all(p.dtype == torch.float32 for p in model.parameters())  # weights stay float32
    assert history.train_loss[0] == history.train_loss[0]  # a number, not NaN
    assert not _cpu_autocast_on()  # nothing left switched on


def test_the_grading_recipe_never_depends_on_the_processor():
    assert cnn.FAST_RECIPE.mixed_precision is False


def test_native_bfloat16_is_a_cpu_question():
    assert device.native_bfloat16(torch.device("cpu")) in (True, False)
    assert device.native_bfloat16(torch.device("meta")) is False


def test_fit_refuses_model_and_data_on_different_devices(sample):
    train, test = sample
    model = SlidesNet().to("meta")  # parameters elsewhere than the data
    with pytest.raises(ValueError, match="same device"):
        fit(model, train, test, FAST_RECIPE, progress=False)


# -- saving and the trained model --------------------------------------------------------


def test_save_and_load_round_trip(tmp_path):
    torch.manual_seed(1)
    model = SlidesNet()
    path = save_model(model, tmp_path / "m" / "net.pt", test_accuracy=0.5)
    assert [p.name for p in path.parent.iterdir()] == ["net.pt"]
    loaded = load_model(path, device="cpu")
    assert not loaded.training and loaded.meta == {"test_accuracy": 0.5}
    x = torch.randn(3, 1, 28, 28)
    assert torch.equal(loaded(x), model.eval()(x))
    (tmp_path / "junk.pt").write_bytes(b"not a model")
    with pytest.raises(Exception):  # noqa: B017 - torch raises its own unpickling errors
        load_model(tmp_path / "junk.pt")


def test_trained_model_trains_once_then_loads(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    recipe = Recipe(epochs=1, batch_size=64)
    monkeypatch.setattr(cnn, "FAST_RECIPE", recipe)
    monkeypatch.setattr("course.mnist.load_sample", _small_sample)
    model = trained_model(fast=True, progress=False, device="cpu")
    assert isinstance(model, SlidesNet) and not model.training
    assert model.meta["is_sample"] and model.meta["test_accuracy"] > 0.5
    saved = tmp_path / "nn-course" / "models" / "slides_net_fast.pt"
    assert saved.is_file()
    monkeypatch.setattr(cnn, "fit", mock.Mock(side_effect=AssertionError("must not train")))
    again = trained_model(fast=True, device="cpu")
    x = torch.randn(2, 1, 28, 28)
    assert torch.allclose(again(x), model(x), atol=1e-5)  # memory layouts may differ


def test_trained_model_does_not_save_a_sample_fallback_as_the_full_model(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(cnn, "BEST_RECIPE", Recipe(epochs=1, batch_size=512))
    monkeypatch.setattr("course.mnist.load_mnist", _small_sample)
    model = trained_model(fast=False, progress=False, device="cpu")
    assert model.meta["is_sample"]
    assert not (tmp_path / "nn-course" / "models" / "slides_net.pt").exists()


# -- device choice -----------------------------------------------------------------------


def _machine(cuda: bool, mps: bool, count: int = 1):
    return (
        mock.patch("torch.cuda.is_available", return_value=cuda),
        mock.patch("torch.cuda.device_count", return_value=count if cuda else 0),
        mock.patch.object(device, "_mps_available", return_value=mps),
    )


@pytest.mark.parametrize(
    "cuda, mps, expected", [(True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")]
)
def test_best_device_order(cuda, mps, expected):
    a, b, c = _machine(cuda, mps)
    with a, b, c:
        assert device.get_device().type == expected
        assert device.available_devices()[-1] == "cpu"


def test_device_is_chosen_once():
    a, b, c = _machine(True, False)
    with a as cuda_check, b, c:
        first = device.get_device()
        for _ in range(5):
            assert device.get_device() is first
        assert cuda_check.call_count == 1


def test_env_and_argument_override(monkeypatch):
    a, b, c = _machine(True, True, count=2)
    with a, b, c:
        monkeypatch.setenv(device.DEVICE_ENV, "cpu")
        assert device.get_device().type == "cpu"
        assert device.get_device("cuda:1") == torch.device("cuda:1")
        assert device.get_device("mps").type == "mps"
        assert device.get_device("auto").type == "cuda"


def test_unavailable_or_unknown_device_is_a_clear_error(monkeypatch):
    a, b, c = _machine(False, False)
    with a, b, c:
        with pytest.raises(ValueError, match=r"'cuda' is not available here \(available: cpu\)"):
            device.get_device("cuda")
        with pytest.raises(ValueError, match="unknown device"):
            device.get_device("tpu-please")
        monkeypatch.setenv(device.DEVICE_ENV, "mps")
        with pytest.raises(ValueError, match="not available"):
            device.get_device()
    a, b, c = _machine(True, False, count=1)
    with a, b, c, pytest.raises(ValueError, match="has 1 GPU"):
        device.get_device("cuda:3")


def test_to_device_is_non_blocking_only_for_pinned_tensors():
    cuda = torch.device("cuda")
    plain, pinned = mock.Mock(), mock.Mock()
    for t, is_pinned in ((plain, False), (pinned, True)):
        t.device = torch.device("cpu")
        t.is_pinned.return_value = is_pinned
    device.to_device(plain, pinned, device=cuda)
    plain.to.assert_called_once_with(cuda, non_blocking=False)
    pinned.to.assert_called_once_with(cuda, non_blocking=True)
    cpu_tensor = torch.ones(2)
    assert device.to_device(cpu_tensor, device=torch.device("cpu"))[0] is cpu_tensor


def test_as_tensors_and_model_follow_the_chosen_device(monkeypatch):
    moved = []
    real = device.to_device

    def spy(*tensors, device=None):
        moved.append(device)
        return real(*tensors, device=torch.device("cpu"))

    a, b, c = _machine(True, False)
    with a, b, c, mock.patch.object(cnn, "to_device", spy):
        as_tensors(np.zeros((1, 28, 28), np.uint8), np.zeros(1))
    assert moved == [torch.device("cuda")]


# -- plots -------------------------------------------------------------------------------


def test_plots_draw(sample):
    (x, y), _ = sample
    history = History([1.0, 0.5], [0.8, 0.9], [0.9, 0.6], [0.7, 0.85], [1.0, 1.0])
    assert len(plots.plot_history(history).axes) == 2
    cm = confusion_matrix(np.arange(10) % 10, np.arange(10))
    assert isinstance(plots.plot_confusion_matrix(cm), Figure)
    logits = torch.zeros(20, 10)
    logits[:, 3] = 5.0  # predicts 3 everywhere: every non-3 is a confident mistake
    fig = plots.plot_misclassified(x[:20], y[:20], logits, count=8)
    assert sum(1 for ax in fig.axes if ax.get_title()) == min(8, int((y[:20] != 3).sum()))
    assert len(plots.plot_filters(SlidesNet().conv1.weight).axes) == 6 + 1  # + colour bar
    with pytest.raises(ValueError, match="empty"):
        plots.plot_history(History())
    with pytest.raises(ValueError, match="square"):
        plots.plot_confusion_matrix(np.zeros((2, 3)))


# -- notebook 05: the hidden tests against the known answers -----------------------------

STEM = "05_cnn_mnist"
NOTEBOOK = Path(__file__).resolve().parents[1] / "solutions" / "05_cnn_mnist.ipynb"
DEFINES = {  # the names each solution cell defines (forgotten before each answer)
    "slides_net": ["Net"],
    "train_step": ["train_step"],
    "evaluate": ["evaluate"],
    "final_accuracy": ["final_loss", "final_accuracy"],
    "confusion": ["confusion_matrix"],
}


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _load_variants():
    return variants.load("05_cnn_mnist")


def test_every_exercise_has_wrong_and_right_variants():
    wrong, right = _load_variants()
    nb = nbformat.read(NOTEBOOK, as_version=4)
    exercises = [
        _grade_id(c)
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code"
    ]
    assert exercises == list(DEFINES)
    assert set(exercises) == set(wrong) == set(right)
    for grade_id in exercises:
        assert len(wrong[grade_id]) >= 2 and len(right[grade_id]) >= 1, grade_id
    assert {  # the four
        "optimizer.zero_grad forgotten",
        "loss on softmax outputs instead of logits",
        "model left in eval mode while training (model.train() never called)",
    } <= set(wrong["train_step"])
    assert "accuracy on the training set" in wrong["final_accuracy"]


def test_hidden_tests_catch_every_wrong_answer_and_accept_every_right_one():
    """Every known answer, the released stub and the solution, in one kernel (tests/known_answers)."""
    outcomes = try_known_answers(STEM)
    assert {o.kind for o in outcomes} >= {"solution", "wrong", "right"}
    assert not problems(outcomes), "\n".join(problems(outcomes))


def test_trained_model_replaces_a_file_of_another_architecture(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(cnn, "FAST_RECIPE", Recipe(epochs=1, batch_size=512))
    monkeypatch.setattr("course.mnist.load_sample", _small_sample)
    target = tmp_path / "nn-course" / "models" / "slides_net_fast.pt"
    save_model(DropoutNet(), target)
    model = trained_model(fast=True, progress=False, device="cpu")
    assert isinstance(model, SlidesNet)
    assert isinstance(load_model(target, device="cpu"), SlidesNet)


def test_fit_handles_fewer_batches_than_a_cycle_needs(sample):
    (x, y), test = sample
    for n in (10, 300, 700):  # 1, 2 and 3 batches of 256
        history = fit(SlidesNet(), (x[:n], y[:n]), test, Recipe(epochs=1), progress=False)
        assert history.epochs == 1


def test_recipe_refuses_nonsense():
    with pytest.raises(ValueError, match="batch_size"):
        Recipe(epochs=1, batch_size=0)
    with pytest.raises(ValueError, match="max_lr"):
        Recipe(max_lr=0)


def test_time_to_99_benchmark_pieces_on_a_small_set(sample):
    """The benchmark's two recipes run and report what the JSON needs (no timing asserted)."""
    spec = importlib.util.spec_from_file_location(
        "time_to_99", Path(__file__).resolve().parents[1] / "benchmarks" / "time_to_99.py"
    )
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert count_parameters(bench.ExamplesNet()) == 1_199_882  # pytorch/examples' figure
    (x, y), (xt, yt) = sample
    train, test = (x[:600], y[:600]), (xt[:200], yt[:200])
    course_run = bench.run_course(train, test, target=0.0, seed=0)  # reached after epoch 1
    assert course_run["epochs"] == 1 and course_run["reached_target"] and course_run["seed"] == 0
    threads = torch.get_num_threads()
    loaded = bench.run_loaded(train, test, 0.0, busy=1, epochs=1, quiet=course_run)
    assert loaded["run"]["epochs"] == 1 and loaded["slowdown"] > 0
    assert loaded["proportional_slowdown"] >= 1.0
    # the held runs kept their thread counts beside the load, and the counts come back after
    assert loaded["threads_held"] == [[1], [threads]]
    assert loaded["one_thread_loaded_slowdown"] > 0 and loaded["all_threads_loaded_slowdown"] > 0
    assert course_run["cores_used"] > 0 and loaded["cores_used_loaded"] > 0
    assert loaded["share_slowdown"] == pytest.approx(
        course_run["cores_used"] / loaded["cores_used_loaded"]
    )
    assert torch.get_num_threads() == threads and not os.environ.get("NN_COURSE_FIXED_THREADS")
    peer = bench.run_peer(train, test)
    for row in (course_run, peer):
        assert 0.0 <= row["test_accuracy"] <= 1.0 and row["train_seconds"] > 0
        assert row["images_per_second"] > 0
