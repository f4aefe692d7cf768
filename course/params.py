"""Parameter counts of fully connected and convolutional networks (homework exercise 2).

A dense layer from ``n_in`` to ``n_out`` units has ``n_in * n_out + n_out`` parameters; a
convolution layer with ``out_channels`` filters of size ``k x k`` over ``in_channels`` has
``(k * k * in_channels + 1) * out_channels``, independent of the image size (the per-layer
formulas live in ``course.convolution``; the output size is ``convolution.output_size``).
"""

from __future__ import annotations

from collections.abc import Sequence

from course.convolution import conv2d_params, linear_params


def dense_parameter_count(layer_sizes: Sequence[int]) -> int:
    """Weights and biases of an MLP with units ``layer_sizes`` (input first)."""
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"need at least an input and an output size, all >= 1, got {sizes}")
    return sum(linear_params(a, b) for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def conv_parameter_count(in_channels: int, out_channels: int, kernel_size: int) -> int:
    """Weights and biases of one convolution layer: ``(k*k*C_in + 1) * C_out``."""
    if min(in_channels, out_channels, kernel_size) < 1:
        raise ValueError("channels and kernel size must be >= 1")
    return conv2d_params(in_channels, out_channels, kernel_size)


def cnn_parameter_count(in_channels: int, filters: int, kernel_size: int, layers: int) -> int:
    """A stack of ``layers`` convolutions, each with ``filters`` filters of ``k x k``."""
    if layers < 1:
        raise ValueError("a CNN has at least one layer")
    first = conv_parameter_count(in_channels, filters, kernel_size)
    return first + (layers - 1) * conv_parameter_count(filters, filters, kernel_size)


#: The homework's worked answers (exercise 2 (a), (b)).
HOMEWORK_MLP_PARAMETERS = 1_592_527_626
HOMEWORK_CNN_PARAMETERS = 593_536
