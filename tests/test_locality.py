"""Receptive fields, weight sharing and shifts (course.locality), against torch."""

import numpy as np
import pytest
import torch

from course import convolution
from course.locality import (
    layer_parameters,
    measured_receptive_field,
    receptive_field,
    shift,
    stack_of,
)

STACKS = [
    [(3, 1)],
    [(3, 1), (3, 1)],
    [(3, 1), (2, 2), (3, 1), (2, 2)],  # the slides' network: conv, pool, conv, pool
    [(5, 2), (3, 1), (3, 2), (3, 1)],
    [(7, 2), (3, 2), (3, 1), (3, 1), (3, 1)],  # a ResNet-like stem
]


@pytest.mark.parametrize("layers", STACKS)
def test_the_formula_is_what_a_gradient_through_a_real_stack_reaches(layers):
    assert receptive_field(layers) == measured_receptive_field(stack_of(layers), 96)


def test_the_slides_network_sees_ten_pixels_and_a_max_pool_stack_the_same():
    assert receptive_field([(3, 1), (2, 2), (3, 1), (2, 2)]) == 10
    stack = torch.nn.Sequential(
        torch.nn.Conv2d(1, 1, 3, dtype=torch.float64),
        torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(1, 1, 3, dtype=torch.float64),
        torch.nn.AvgPool2d(2),
    )
    for conv in (stack[0], stack[2]):
        torch.nn.init.constant_(conv.weight, 1.0)
    # a max pool passes the gradient to one input per window, so fewer inputs can show
    assert measured_receptive_field(stack, 64) <= 10


def test_the_measurement_refuses_an_input_too_small_to_hold_the_field():
    with pytest.raises(ValueError, match="edge"):
        measured_receptive_field(stack_of([(5, 1), (5, 1)]), 9)


def test_the_slides_parameter_progression():
    assert layer_parameters(5, 3) == (25, 13, 3)  # n^2, 3n - 2, 3
    for n in (3, 10, 200):
        assert layer_parameters(n, 3) == (n * n, 3 * n - 2, 3)
    band = np.abs(np.subtract.outer(np.arange(12), np.arange(12))) <= 2  # m = 5
    assert layer_parameters(12, 5)[1] == band.sum()


def test_layer_parameters_refuses_even_or_oversized_windows():
    for m in (2, 0, 13):
        with pytest.raises(ValueError, match="odd window"):
            layer_parameters(12, m)


def test_convolution_commutes_with_a_shift_away_from_the_border():
    rng = np.random.default_rng(0)
    image = np.zeros((20, 20))
    image[5:12, 6:13] = rng.normal(size=(7, 7))
    kernel = rng.normal(size=(3, 3))
    conv = lambda im: convolution.conv2d_single(im, kernel, padding=1)  # noqa: E731
    np.testing.assert_allclose(conv(shift(image, 2, -3)), shift(conv(image), 2, -3), atol=1e-12)
    np.testing.assert_array_equal(shift(shift(image, 2, -3), -2, 3), image)
    assert not shift(image, 25, 0).any()
