"""Notebook 04's library: convolution, pooling, filters, conv-as-linear, images, explorer.

Also proves the notebook's hidden tests: every known-wrong answer in
``autograde/variants/04_convolution.py`` fails its exercise's test cells and every known-right
one passes them (one kernel, the solution cell replaced by each variant in turn).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

from autograde import variants
from course import conv_as_linear, convolution, filters, images
from tests.known_answers import problems, try_known_answers

RNG = np.random.default_rng(4)
X_RECITATION = np.array([[2, 3, -1, 2], [4, 1, 0, 1], [-2, 1, 3, 2], [-1, -2, 0, 5]])
F_RECITATION = np.array([[1, 0, 1], [-1, 0, -1], [1, 0, 1]])
SLIDES_IMAGE = np.array(
    [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
)
SLIDES_FILTER = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])


def torch_conv(x, w, b, stride, padding):
    t = torch.nn.functional.conv2d(
        torch.from_numpy(x),
        torch.from_numpy(w),
        None if b is None else torch.from_numpy(b),
        stride=stride,
        padding=padding,
    )
    return t.numpy()


# -- output size -----------------------------------------------------------------------------
def test_output_size_reproduces_the_seeds():
    assert convolution.output_shape((9, 6), (5, 5), padding=4, stride=3) == (5, 4)  # recitation
    assert convolution.output_shape((1920, 1080), (4, 4), padding=2, stride=2) == (961, 541)
    assert convolution.output_size(5, 3) == 3  # the slides' 5 x 5 image, 3 x 3 filter


def test_output_size_floors_and_validates():
    assert convolution.output_size(10, 3, padding=0, stride=2) == 4  # (10 - 3) / 2 = 3.5
    assert convolution.output_size(3, 5, padding=1) == 1
    with pytest.raises(ValueError, match="larger than the padded input"):
        convolution.output_size(3, 6, padding=1)
    for bad in ({"stride": 0}, {"padding": -1}, {"stride": 1.5}):
        with pytest.raises(ValueError):
            convolution.output_size(8, 3, **bad)


# -- 1-D and 2-D cross-correlation -------------------------------------------------------------
def test_conv1d_slides_example_and_torch():
    np.testing.assert_array_equal(convolution.conv1d([1, 1, 1, 0, 0], [1, 0, 1]), [2, 1, 1])
    x, w = RNG.normal(size=17), RNG.normal(size=4)
    got = convolution.conv1d(x, w, padding=2, stride=3)
    want = torch.nn.functional.conv1d(
        torch.tensor(x)[None, None], torch.tensor(w)[None, None], padding=2, stride=3
    )[0, 0].numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("conv", [convolution.conv2d, convolution.conv2d_naive])
def test_conv2d_worked_examples(conv):
    y = conv(X_RECITATION[None, None], F_RECITATION[None, None])
    np.testing.assert_array_equal(y[0, 0], [[-2, 6], [2, 2]])
    y = conv(SLIDES_IMAGE[None, None], SLIDES_FILTER[None, None])
    np.testing.assert_array_equal(y[0, 0], [[4, 3, 4], [2, 4, 3], [2, 3, 4]])
    np.testing.assert_array_equal(
        convolution.conv2d_single(X_RECITATION, F_RECITATION), [[-2, 6], [2, 2]]
    )


@pytest.mark.parametrize(
    ("shape", "filters_", "kernel", "stride", "padding"),
    [
        ((2, 3, 9, 6), 4, (5, 5), 3, 4),
        ((1, 1, 7, 7), 2, (3, 3), 1, 0),
        ((3, 2, 8, 11), 5, (2, 4), (2, 1), (1, 3)),
        ((2, 4, 6, 6), 3, (1, 1), 2, 0),
        ((1, 3, 9, 7), 4, (3, 2), (2, 3), (1, 2)),  # one image (its own code path)
    ],
)
@pytest.mark.parametrize("conv", [convolution.conv2d, convolution.conv2d_naive])
def test_conv2d_matches_torch(conv, shape, filters_, kernel, stride, padding):
    x = RNG.normal(size=shape)
    w = RNG.normal(size=(filters_, shape[1], *kernel))
    b = RNG.normal(size=filters_)
    want = torch_conv(x, w, b, stride, padding)
    got = conv(x, w, b, stride=stride, padding=padding)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


def test_conv2d_keeps_float32_and_does_not_touch_inputs():
    x = RNG.normal(size=(2, 3, 10, 10)).astype(np.float32)
    w = RNG.normal(size=(4, 3, 3, 3)).astype(np.float32)
    x0, w0 = x.copy(), w.copy()
    y = convolution.conv2d(x, w, padding=1)
    assert y.dtype == np.float32
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(w, w0)
    np.testing.assert_allclose(y, torch_conv(x, w, None, 1, 1), rtol=1e-4, atol=1e-4)


def test_conv2d_rejects_bad_shapes():
    x = np.zeros((1, 3, 8, 8))
    with pytest.raises(ValueError, match="channels"):
        convolution.conv2d(x, np.zeros((2, 2, 3, 3)))
    with pytest.raises(ValueError, match="dimensions"):
        convolution.conv2d(np.zeros((8, 8)), np.zeros((2, 3, 3, 3)))
    with pytest.raises(ValueError, match="one value per filter"):
        convolution.conv2d(x, np.zeros((2, 3, 3, 3)), b=np.zeros(3))
    with pytest.raises(ValueError, match="larger than the padded input"):
        convolution.conv2d(x, np.zeros((2, 3, 9, 9)))


def test_pooling_matches_torch():
    x = RNG.normal(size=(2, 3, 9, 8))
    xt = torch.from_numpy(x)
    for size, stride in [(2, None), (3, 2), ((2, 3), (1, 2))]:
        s = size if stride is None else stride
        np.testing.assert_allclose(
            convolution.max_pool2d(x, size, stride),
            torch.nn.functional.max_pool2d(xt, size, s).numpy(),
        )
        np.testing.assert_allclose(
            convolution.avg_pool2d(x, size, stride),
            torch.nn.functional.avg_pool2d(xt, size, s).numpy(),
        )
    with pytest.raises(ValueError):
        convolution.max_pool2d(np.zeros((1, 1, 2, 2)), 3)


def test_parameter_counts_of_the_homework_and_the_slides_net():
    assert convolution.linear_params(1920 * 1080 * 3, 256) + convolution.linear_params(256, 10) == (
        1_592_527_626
    )
    first = convolution.conv2d_params(3, 64, 4)
    assert first + 9 * convolution.conv2d_params(64, 64, 4) == 593_536
    net = torch.nn.Conv2d(6, 16, 3)
    assert convolution.conv2d_params(6, 16, 3) == sum(p.numel() for p in net.parameters())
    assert convolution.conv2d_params(6, 16, 3, bias=False) == 16 * 6 * 9


# -- filters, conv as linear layer, images -----------------------------------------------------
def test_slide_table_kernels():
    assert list(filters.SLIDE_TABLE)[:3] == [n for n in filters.SLIDE_TABLE if n.startswith("edge")]
    assert len(filters.SLIDE_TABLE) == 6
    for name in ("box blur", "Gaussian blur", "Gaussian blur 5x5", "box blur 5x5", "sharpen"):
        assert filters.kernel(name).sum() == pytest.approx(1.0)  # keeps brightness
    for name in list(filters.SLIDE_TABLE)[:3]:
        assert filters.kernel(name).sum() == pytest.approx(0.0)  # flat regions -> 0
    np.testing.assert_array_equal(
        filters.kernel("edge detection (8-neighbour)"), [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]
    )
    k = filters.kernel("sharpen")
    k[0, 0] = 99
    assert filters.kernel("sharpen")[0, 0] == 0  # a copy, the table is safe
    assert set(filters.names(5)) == {"box blur 5x5", "Gaussian blur 5x5"}
    with pytest.raises(ValueError, match="known kernels"):
        filters.kernel("blurr")


@pytest.mark.parametrize(
    ("input_shape", "w_shape", "stride", "padding"),
    [
        ((2, 9, 6), (3, 2, 5, 5), 3, 4),
        ((1, 5, 5), (2, 1, 3, 3), 1, 0),
        ((3, 6, 7), (2, 3, 2, 3), (2, 1), (0, 2)),
    ],
)
def test_conv_as_matrix_equals_the_convolution(input_shape, w_shape, stride, padding):
    x = RNG.normal(size=input_shape)
    w, b = RNG.normal(size=w_shape), RNG.normal(size=w_shape[0])
    a, bias = conv_as_linear.conv_as_matrix(w, b, input_shape, stride, padding)
    y = convolution.conv2d(x[None], w, b, stride, padding)[0]
    assert a.shape == (y.size, x.size)
    np.testing.assert_allclose(a @ x.ravel() + bias, y.ravel(), rtol=1e-10, atol=1e-10)
    # every weight appears once per output pixel whose window sees the whole kernel
    assert np.count_nonzero(a) <= y.size * w[0].size


def test_conv_as_matrix_refuses_huge_or_mismatched_shapes():
    with pytest.raises(ValueError, match="entries"):
        conv_as_linear.conv_as_matrix(np.ones((64, 3, 4, 4)), None, (3, 1080, 1920), 2, 2)
    with pytest.raises(ValueError, match="channels"):
        conv_as_linear.conv_as_matrix(np.ones((1, 2, 3, 3)), None, (3, 8, 8))


def test_images_are_unit_floats():
    d, p = images.synthetic_digit(), images.photo(64)
    assert d.shape == (28, 28) and p.shape == (64, 64)
    for image in (d, p, images.digit(0)):
        assert image.dtype == np.float64 and 0.0 <= image.min() and image.max() <= 1.0
        assert image.std() > 0.1  # not blank
    assert images.digit(0).shape == (28, 28)
    with pytest.raises(ValueError):
        images.photo(3)
    with pytest.raises(ValueError):
        images.digit(10**9)


# -- the explorer, in a kernel (the browser test drives it in JupyterLab) ----------------------
def test_filter_explorer_redraws_on_every_control():
    from course.widgets.filter_explorer import FilterExplorer

    explorer = FilterExplorer(images={"seven": images.synthetic_digit(), "photo": images.photo(64)})
    assert "output 26 × 26" in explorer.size_label.value
    first = explorer.output_view.value
    explorer.preset.value = "Gaussian blur 5x5"
    assert explorer.kernel.shape == (5, 5) and "output 24 × 24" in explorer.size_label.value
    assert explorer.output_view.value != first
    explorer.stride.value = 2
    explorer.padding.value = 2
    assert "output 14 × 14" in explorer.size_label.value
    np.testing.assert_allclose(
        explorer.output(),
        convolution.conv2d_single(
            images.synthetic_digit(), filters.kernel("Gaussian blur 5x5"), 2, 2
        ),
    )
    explorer.cells[0].value = 2.0  # editing a value makes the kernel custom
    assert explorer.preset.value == "custom" and explorer.kernel[0, 0] == 2.0
    explorer.image.value = "photo"
    assert "input 64 × 64" in explorer.size_label.value
    explorer.kernel_size.value = 3
    np.testing.assert_array_equal(explorer.kernel, filters.kernel("identity"))
    assert explorer.last_redraw_ms > 0
    with pytest.raises(ValueError, match="grey"):
        FilterExplorer(images={"rgb": np.zeros((8, 8, 3))})


# -- the notebook's hidden tests against the known answers --------------------------------------
STEM = "04_convolution"
NOTEBOOK = Path(__file__).resolve().parents[1] / "solutions" / "04_convolution.ipynb"


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _load_variants():
    return variants.load("04_convolution")


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
    named = set(wrong["conv2d"])  # the four
    assert {"true convolution (kernel flipped)", "padding applied on one side only"} <= named
    assert "stride ignored in the output size" in named
    assert any(label.startswith("channels summed wrongly") for label in named)


def test_hidden_tests_catch_every_wrong_answer_and_accept_every_right_one():
    """Every known answer, the released stub and the solution, in one kernel (tests/known_answers)."""
    outcomes = try_known_answers(STEM)
    assert {o.kind for o in outcomes} >= {"solution", "wrong", "right"}
    assert not problems(outcomes), "\n".join(problems(outcomes))


# -- image plots (shared with other notebooks) ------------------------------------------------
def test_show_images_accepts_lists_batches_and_tensors():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course.plots.images import show_grid, show_images, show_kernel, show_side_by_side

    digit = images.synthetic_digit()
    fig = show_images([digit, digit * 2, torch.from_numpy(digit)], titles=["a", "b", "c"], ncols=2)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(fig.axes) == 4 and len(shown) == 3  # 2 x 2 grid, the last cell left empty
    assert [ax.get_title() for ax in shown] == ["a", "b", "c"]
    fig = show_images(np.stack([digit] * 5)[:, None], robust=True)  # (N, 1, H, W)
    assert len([ax for ax in fig.axes if ax.images]) == 5
    low, high = fig.axes[0].images[0].get_clim()
    assert (low, high) == tuple(np.percentile(digit, [1, 99]))
    fig = show_side_by_side(digit, np.zeros((28, 28, 3)), titles=["grey", "rgb"])
    assert len(fig.axes) == 2
    fig = show_grid([[digit, digit], [digit]], row_titles=["r0", "r1"], col_titles=["c0", "c1"])
    assert fig.axes[0].get_ylabel() == "r0" and fig.axes[1].get_title() == "c1"
    ax = show_kernel(filters.kernel("sharpen"))
    assert sorted(t.get_text() for t in ax.texts).count("-1") == 4
    with pytest.raises(ValueError, match="titles"):
        show_images([digit, digit], titles=["only one"])
    with pytest.raises(ValueError, match="shape"):
        show_images([np.zeros((2, 3, 4, 5))])
    with pytest.raises(ValueError, match="at least one"):
        show_images([])
    plt.close("all")


def test_filter_explorer_explains_a_kernel_that_does_not_fit():
    from course.widgets.filter_explorer import FilterExplorer

    explorer = FilterExplorer(images={"tiny": np.ones((4, 4))}, preset="box blur 5x5")
    assert "cannot convolve" in explorer.size_label.value and explorer.input_view.value
    explorer.padding.value = 1
    assert "output 2 × 2" in explorer.size_label.value
    np.testing.assert_allclose(explorer.output(), np.full((2, 2), 16 / 25))
