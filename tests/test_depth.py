"""Width or depth (course.depth): the sawtooth's pieces against what one wide layer can make."""

import numpy as np
import pytest
import torch

from course.depth import count_linear_pieces, sawtooth, tent, wide_pieces_bound

GRID = np.linspace(0.0, 1.0, 2**10 + 1)  # every kink of a sawtooth of depth <= 10 is on it


@pytest.mark.parametrize("depth", range(0, 7))
def test_depth_tents_make_two_to_the_depth_pieces(depth):
    assert count_linear_pieces(GRID, sawtooth(GRID, depth)) == 2**depth


def test_the_tent_is_two_relu_units_and_matches_torch():
    x = np.linspace(-0.5, 1.5, 41)
    theirs = 2 * torch.relu(torch.tensor(x)) - 4 * torch.relu(torch.tensor(x) - 0.5)
    np.testing.assert_allclose(tent(x), theirs.numpy())
    np.testing.assert_allclose(tent(np.array([0.0, 0.25, 0.5, 0.75, 1.0])), [0, 0.5, 1, 0.5, 0])


def test_one_random_wide_layer_never_beats_units_plus_one_pieces():
    rng = np.random.default_rng(0)
    xs = np.linspace(-3, 3, 200_001)
    for units in (2, 4, 8):
        w, b, a = rng.normal(size=units), rng.normal(size=units), rng.normal(size=units)
        kinks = np.sort(-b / w)
        grid = np.union1d(xs, kinks[(kinks > -3) & (kinks < 3)])
        ys = np.maximum(np.outer(grid, w) + b, 0.0) @ a
        assert count_linear_pieces(grid, ys, tol=1e-6) <= wide_pieces_bound(units)


def test_counting_refuses_unsorted_or_mismatched_samples():
    with pytest.raises(ValueError, match="increasing"):
        count_linear_pieces(np.array([0.0, 2.0, 1.0]), np.zeros(3))
    with pytest.raises(ValueError, match="depth"):
        sawtooth(GRID, -1)
