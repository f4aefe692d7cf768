"""Notebook 01's reference library reproduces the homework's and the slides' numbers."""

import numpy as np
import pytest

from course import convolution, neurons, params


def test_homework_relu_network_computes_xor():
    out = neurons.two_layer_relu(neurons.BOOLEAN_INPUTS, neurons.HOMEWORK_W1, neurons.HOMEWORK_W2)
    np.testing.assert_array_equal(out, [0, 1, 1, 0])
    assert neurons.computes(out.astype(int), "XOR")


def test_homework_or_answer_is_among_the_searched_networks():
    nets = neurons.networks_computing("OR")
    assert len(nets) == 4
    assert any(
        np.array_equal(a, neurons.HOMEWORK_OR_W1) and np.array_equal(b, neurons.HOMEWORK_OR_W2)
        for a, b in nets
    )
    for a, b in nets:
        assert set(np.unique(np.concatenate([a.ravel(), b.ravel()]))) <= {-1.0, 0.0, 1.0}
        assert neurons.computes(neurons.two_layer_relu(neurons.BOOLEAN_INPUTS, a, b), "OR")


def test_homework_distractors_do_not_compute_or():
    """Exercise 1(e)'s other three options are wrong, as the master solution says."""
    options = [
        [[0, -1], [-1, 1]],
        [[-1, -1], [0, 1]],
        [[-1, 1], [-1, 0]],
    ]
    for w1 in options:
        out = neurons.two_layer_relu(neurons.BOOLEAN_INPUTS, np.array(w1), np.array([[1, 1]]))
        assert not neurons.computes(out, "OR")


@pytest.mark.parametrize("gate", ["AND", "OR", "NAND"])
def test_one_threshold_unit_computes_the_linearly_separable_gates(gate):
    w, b = neurons.LOGIC_UNITS[gate]
    assert neurons.computes(neurons.threshold_unit(neurons.BOOLEAN_INPUTS, w, b), gate)


def test_no_threshold_unit_computes_xor():
    grid = np.linspace(-3, 3, 13)
    assert neurons.separating_units("XOR", grid) == 0
    assert neurons.separating_units("AND", grid) > 0


def test_neuron_shapes_and_values():
    assert neurons.neuron(np.zeros(2), np.ones(2), 0.0) == pytest.approx(0.5)
    out = neurons.neuron(np.ones((5, 3)), np.array([1.0, -1.0, 0.5]), 0.25)
    assert out.shape == (5,)
    np.testing.assert_allclose(out, 1 / (1 + np.exp(-0.75)))
    with pytest.raises(ValueError, match="features"):
        neurons.neuron(np.ones((2, 3)), np.ones(2), 0.0)


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise", invalid="raise"):
        s = neurons.sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(s, [0.0, 0.5, 1.0])


def test_mlp_and_cnn_parameter_counts_of_the_homework():
    assert params.dense_parameter_count([1920 * 1080 * 3, 256, 10]) == 1_592_527_626
    assert params.dense_parameter_count([1920 * 1080 * 3, 256]) == 1_592_525_056
    assert params.conv_parameter_count(3, 64, 4) == 3136
    assert params.conv_parameter_count(64, 64, 4) == 65600
    assert params.cnn_parameter_count(3, 64, 4, 10) == params.HOMEWORK_CNN_PARAMETERS == 593_536


def test_output_sizes_of_the_homework_and_the_recitation():
    assert convolution.output_size(1920, 4, 2, 2) == 961
    assert convolution.output_size(1080, 4, 2, 2) == 541
    assert (convolution.output_size(9, 5, 4, 3), convolution.output_size(6, 5, 4, 3)) == (5, 4)


def test_output_size_rejects_a_kernel_larger_than_the_padded_input():
    with pytest.raises(ValueError, match="larger than the padded input"):
        convolution.output_size(3, 7, padding=1)
    with pytest.raises(ValueError):
        convolution.output_size(10, 3, stride=0)
