"""course.backprop: the seeds' worked numbers, both networks against torch, toy data, plots."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

from autograde import variants
from course import backprop as B
from course.plots.training2d import plot_decision_boundary, plot_loss_curves
from tests.known_answers import problems, try_known_answers


def _decimals(printed: float) -> int:
    """How many decimals (or significant digits, for e-notation) a printed value shows."""
    text = repr(printed)
    if "e" in text:
        return None
    return len(text.split(".")[1]) if "." in text else 0


def assert_printed(value: float, printed: float, what: str, digits: int | None = None) -> None:
    """``value`` rounds to ``printed`` at the precision the seed printed it with."""
    if digits is not None:  # significant digits, for values printed as 8.992e-7
        assert float(f"{value:.{digits - 1}e}") == pytest.approx(printed, rel=1e-12), (what, value)
        return
    d = _decimals(printed)
    assert round(value, d) == pytest.approx(printed, abs=1e-12), (what, value, printed)


def assert_truncated(value: float, printed: float, what: str) -> None:
    """``value`` agrees with ``printed`` to its last digit, rounded or truncated."""
    assert abs(value - printed) < 10.0 ** -_decimals(printed), (what, value, printed)


# --- the recitation's tanh network -----------------------------------------------------------


def test_recitation_scalar_case_reproduces_every_worked_value():
    case = B.RECITATION_CASES["scalar form, x = (1, 2)"]
    p = B.tanh_net_scalar(*case["x"])
    np.testing.assert_array_equal(p.a, case["a"])  # a1 = 5, a2 = 3, a3 = 2 exactly
    for z, printed in zip(p.z, case["z"], strict=True):
        assert_printed(z, printed, "z")
    assert_printed(p.y_hat, case["y_hat"], "y_hat")  # 4.91807
    assert_printed(p.loss, case["loss"], "loss")  # 1.83950
    assert_printed(p.dalpha[0, 1], case["dalpha[1,1]"], "dl/dalpha_11")  # 0.000348
    assert_printed(p.dbeta[1], case["dbeta[1]"], "dl/dbeta_1")  # 1.9179


def test_recitation_second_case_reproduces_its_values_and_its_rounding():
    case = B.RECITATION_CASES["vector form, x = (0, 1)"]
    p = B.tanh_net_vector(case["x"])
    np.testing.assert_array_equal(p.a, case["a"])
    for z, printed in zip(p.z, case["z"], strict=True):
        assert_printed(z, printed, "z")
    assert p.dy_hat == pytest.approx(case["dy_hat"], abs=1e-5)  # -0.10791 (from rounded z)
    for v, printed in zip(1 - p.z**2, case["1 - z^2"], strict=True):
        assert_printed(v, printed, "1 - z^2")
    for row, printed_row in zip(p.dalpha, case["dalpha"], strict=True):
        for v, printed in zip(row, printed_row, strict=True):
            assert_printed(v, printed, "dl/dalpha")  # 8 decimals, exactly
    np.testing.assert_allclose(p.dbeta, case["dbeta"], atol=3e-5)
    # y_hat = 2.89209 and l = 0.005822284 are computed from z rounded to 0.96403:
    assert p.y_hat == pytest.approx(case["y_hat"], abs=1e-5)
    _, _, y_rounded = B.tanh_net_forward(case["x"], decimals=5)
    assert_printed(y_rounded, case["y_hat"], "y_hat from rounded z")
    assert_printed(B.half_squared_error(y_rounded, B.Y), case["loss"], "loss from rounded z")
    assert_printed(y_rounded - B.Y, case["dy_hat"], "y_hat - y from rounded z")
    # and dl/dbeta = (y_hat - y) z_hat from those rounded values, printed to 5 decimals
    z_rounded = np.concatenate(([1.0], np.round(p.z, 5)))
    np.testing.assert_allclose((y_rounded - B.Y) * z_rounded, case["dbeta"], atol=1e-5)


def test_recitation_third_case_within_its_printed_precision():
    case = B.RECITATION_CASES["vector form, x = (2, 3)"]
    p = B.tanh_net_vector(case["x"])
    np.testing.assert_array_equal(p.a, case["a"])
    for z, printed in zip(p.z, case["z"], strict=True):
        assert_truncated(z, printed, "z")  # 0.99999977 and 0.99932930 are printed 0.9999, 0.9993
    assert p.y_hat == pytest.approx(case["y_hat"], abs=1e-6)  # printed truncated: 4.997316|97
    assert_printed(p.loss, case["loss"], "loss")
    for v, printed in zip(p.dbeta, case["dbeta"], strict=True):
        assert_printed(v, printed, "dl/dbeta")
    for v, printed in zip(p.da[1:], case["da"][1:], strict=True):
        assert_printed(v, printed, "dl/da", digits=4)
    for row, printed_row in zip(p.dalpha[1:], case["dalpha"][1:], strict=True):
        for v, printed in zip(row, printed_row, strict=True):
            assert_printed(v, printed, "dl/dalpha", digits=4)
    assert_printed(p.dalpha[0, 1], case["dalpha"][0][1], "dl/dalpha_11", digits=4)
    # The recitation's three misprints (8.992e-7, 8.998e-7, 2.698e-6) are within 0.1%:
    np.testing.assert_allclose(p.da[0], case["da"][0], rtol=1e-3)
    np.testing.assert_allclose(p.dalpha[0], case["dalpha"][0], rtol=1e-3)


@pytest.mark.parametrize("x", [(1.0, 2.0), (0.0, 1.0), (2.0, 3.0), (-0.7, 0.2)])
def test_scalar_form_equals_vector_form_equals_autograd(x):
    rng = np.random.default_rng(int(10 * sum(x)) % 7)
    for alpha, beta, y in [
        (B.ALPHA, B.BETA, B.Y),
        (rng.standard_normal((3, 3)), rng.standard_normal(4), -1.0),
    ]:
        s, v = (
            B.tanh_net_scalar(*x, y=y, alpha=alpha, beta=beta),
            B.tanh_net_vector(x, y, alpha, beta),
        )
        for name in ("a", "z", "y_hat", "loss", "dbeta", "da", "dalpha"):
            np.testing.assert_allclose(getattr(s, name), getattr(v, name), rtol=1e-12, atol=1e-15)
        ta = torch.tensor(alpha, requires_grad=True)
        tb = torch.tensor(beta, requires_grad=True)
        z = torch.tanh(ta @ torch.tensor([1.0, *x], dtype=torch.float64))
        y_hat = tb @ torch.cat([torch.ones(1, dtype=torch.float64), z])
        loss = 0.5 * (y_hat - y) ** 2
        loss.backward()
        assert v.loss == pytest.approx(loss.item(), rel=1e-12)
        np.testing.assert_allclose(v.dalpha, ta.grad.numpy(), rtol=1e-10, atol=1e-15)
        np.testing.assert_allclose(v.dbeta, tb.grad.numpy(), rtol=1e-10, atol=1e-15)


def test_tanh_net_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"x must have shape \(2,\)"):
        B.tanh_net_vector([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="alpha must be"):
        B.tanh_net_forward([1.0, 2.0], alpha=np.ones((2, 3)))


# --- the homework's XOR network --------------------------------------------------------------


def test_xor_weights_compute_xor_and_or_weights_compute_or():
    np.testing.assert_array_equal(B.xor_net_outputs(), B.XOR_TARGETS)
    np.testing.assert_array_equal(B.xor_net_outputs(B.OR_W1), B.OR_TARGETS)
    # the homework's wrong choices (b) and (a.2) do not compute XOR
    assert not np.array_equal(
        B.xor_net_outputs(np.array([[1.0, -1.0], [1.0, -1.0]])), B.XOR_TARGETS
    )


def test_xor_gradients_follow_the_homework_formulas():
    """dL/dW2_11 = 2(out - y) n1 and dL/dW1_12 = 2(out - y) W2_11 sigma'(z1) B."""
    rng = np.random.default_rng(5)
    for _ in range(20):
        x, y = rng.uniform(-2, 2, 2), rng.uniform(-1, 1)
        W1, W2 = rng.standard_normal((2, 2)), rng.standard_normal((1, 2))
        f = B.xor_net_forward(x, W1, W2)
        dW1, dW2 = B.xor_net_gradients(x, y, W1, W2)
        assert dW2[0, 0] == pytest.approx(2 * (f["out"] - y) * f["v"][0])
        assert dW2[0, 1] == pytest.approx(2 * (f["out"] - y) * f["v"][1])
        relu_grad = float(f["z"][0] > 0)
        assert dW1[0, 1] == pytest.approx(2 * (f["out"] - y) * W2[0, 0] * relu_grad * x[1])


def test_xor_gradients_match_autograd():
    rng = np.random.default_rng(6)
    cases = [
        (x, y, B.XOR_W1, B.XOR_W2) for x, y in zip(B.BOOLEAN_INPUTS, B.OR_TARGETS, strict=True)
    ]
    cases += [
        (
            rng.uniform(-2, 2, 2),
            rng.normal(),
            rng.standard_normal((2, 2)),
            rng.standard_normal((1, 2)),
        )
        for _ in range(10)
    ]
    for x, y, W1, W2 in cases:
        dW1, dW2 = B.xor_net_gradients(x, y, W1, W2)
        t1 = torch.tensor(W1, requires_grad=True)
        t2 = torch.tensor(W2, requires_grad=True)
        out = t2 @ torch.relu(t1 @ torch.tensor(x))
        ((y - out) ** 2).sum().backward()
        np.testing.assert_allclose(dW1, t1.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(dW2, t2.grad.numpy(), atol=1e-12)


def test_xor_net_has_zero_gradient_at_its_solution_and_where_relu_is_flat():
    for x, y in zip(B.BOOLEAN_INPUTS, B.XOR_TARGETS, strict=True):
        dW1, dW2 = B.xor_net_gradients(x, y)
        assert not dW1.any() and not dW2.any()
    # training towards OR: x = (1, 1) gives out = 0 but z = (0, 0), so relu'(0) = 0 stops it
    dW1, dW2 = B.xor_net_gradients([1.0, 1.0], 1.0)
    assert not dW1.any() and not dW2.any()
    dW1, dW2 = B.xor_net_gradients([0.0, 1.0], 0.0)
    np.testing.assert_array_equal(dW2, [[2.0, 0.0]])  # n = relu((1, -1)) = (1, 0)
    np.testing.assert_array_equal(dW1, [[0.0, 2.0], [0.0, 0.0]])


# --- toy data --------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [B.make_xor, B.make_moons])
def test_toy_datasets_shapes_balance_and_reproducibility(make):
    x, y = make(101, rng=3)
    assert x.shape == (101, 2) and y.shape == (101,) and x.dtype == np.float64
    assert set(np.unique(y).tolist()) == {0, 1}
    assert abs(int((y == 0).sum()) - int((y == 1).sum())) <= 1
    x2, y2 = make(101, rng=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(make(101, rng=4)[0], x)
    assert np.all(np.abs(x.mean(axis=0)) < 0.5)
    with pytest.raises(ValueError, match="n must be"):
        make(2)
    with pytest.raises(ValueError, match="noise"):
        make(10, noise=-1.0)


def test_xor_data_labels_are_xor_of_the_quadrant():
    x, y = B.make_xor(400, noise=0.1, rng=0)
    np.testing.assert_array_equal(y, (x[:, 0] > 0) != (x[:, 1] > 0))


def test_moons_are_not_linearly_separable_but_an_mlp_separates_them():
    from course import layers as L

    x, y = B.make_moons(200, noise=0.05, rng=1)
    linear = L.MLP((2, 2), rng=np.random.default_rng(0))
    L.fit(linear, x, y, lr=0.5, epochs=300)
    mlp = L.MLP((2, 16, 2), rng=np.random.default_rng(0))
    L.fit(mlp, x, y, lr=0.2, epochs=60, batch_size=10)
    assert L.accuracy(linear, x, y) < 0.95
    assert L.accuracy(mlp, x, y) > 0.98


# --- plots -----------------------------------------------------------------------------------


def test_plots_draw_curves_and_regions():
    import matplotlib.pyplot as plt

    ax = plot_loss_curves({"GD": [1.0, 0.5, 0.2], "SGD": [1.0, 0.3, 0.1, 0.05]})
    assert len(ax.get_lines()) == 2 and ax.get_yscale() == "log"
    x, y = B.make_xor(40, rng=0)
    ax = plot_decision_boundary(lambda p: (p[:, 0] * p[:, 1] < 0).astype(int), x, y, resolution=50)
    assert ax.collections  # filled regions and scatter points
    with pytest.raises(ValueError, match="x values"):
        plot_loss_curves({"a": [1.0, 2.0]}, x_values={"a": [0.0]})
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        plot_decision_boundary(lambda p: p[:, 0], np.zeros((3, 3)), np.zeros(3))
    plt.close("all")


# --- notebook 02's hidden tests against its known answers --------------------------------------

NOTEBOOK = Path(__file__).resolve().parent.parent / "solutions" / "02_backprop.ipynb"
STEM = "02_backprop"


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def test_every_exercise_has_two_wrong_and_one_right_variant():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    solutions = {
        _grade_id(c)
        for c in nb.cells
        if c.get("metadata", {}).get("nbgrader", {}).get("solution") and c.cell_type == "code"
    }
    wrong, right = variants.load(STEM)
    assert set(wrong) == solutions
    assert set(right) == solutions
    assert all(len(v) >= 2 for v in wrong.values())
    assert all(len(v) >= 1 for v in right.values())
    # the named mistakes are among them
    names = " ".join(label for by in wrong.values() for label in by)
    for mistake in ("missing transpose", "not averaged over the batch", "sigmoid' computed from z"):
        assert mistake in names


def test_hidden_tests_catch_every_wrong_answer_and_accept_every_right_one():
    """Every known answer, the released stub and the solution, in one kernel (tests/known_answers)."""
    outcomes = try_known_answers(STEM)
    assert {o.kind for o in outcomes} >= {"solution", "wrong", "right"}
    assert not problems(outcomes), "\n".join(problems(outcomes))


def test_double_well_batch_gd_stays_local_while_sgd_mostly_escapes():
    e = B.double_well_data(100, spread=4.0, rng=0)
    assert e.mean() == pytest.approx(0.0, abs=1e-12) and e.std() == pytest.approx(4.0)
    # the full-batch gradient is exactly L'(w): the e_i cancel
    w = 0.37
    numeric = (B.double_well_loss(w + 1e-6) - B.double_well_loss(w - 1e-6)) / 2e-6
    assert B.double_well_grad(w, e) == pytest.approx(numeric, rel=1e-6)
    gd_ends = [B.descend_double_well(1.5, e, 0.05, 300, None, rng=s)[-1] for s in range(5)]
    np.testing.assert_allclose(gd_ends, gd_ends[0])  # deterministic
    assert 0.9 < gd_ends[0] < 0.95  # the local minimum near 0.93
    sgd_ends = np.array([B.descend_double_well(1.5, e, 0.05, 20, 1, rng=s)[-1] for s in range(20)])
    assert np.mean(sgd_ends < 0) >= 0.6  # most runs end in the global minimum's basin
    assert len(B.descend_double_well(1.5, e, 0.05, 2, 1)) == 1 + 2 * 100
