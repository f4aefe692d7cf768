"""Parameter counts of fully connected and convolutional networks (homework exercise 2).

A dense layer from ``n_in`` to ``n_out`` units has ``n_in * n_out + n_out`` parameters; a
convolution layer with ``out_channels`` filters of size ``k x k`` over ``in_channels`` has
``(k * k * in_channels + 1) * out_channels``, independent of the image size.
"""

from __future__ import annotations

from collections.abc import Sequence


def dense_parameter_count(layer_sizes: Sequence[int]) -> int:
    """Weights and biases of an MLP with units ``layer_sizes`` (input first)."""
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"need at least an input and an output size, all >= 1, got {sizes}")
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def conv_parameter_count(in_channels: int, out_channels: int, kernel_size: int) -> int:
    """Weights and biases of one convolution layer: ``(k*k*C_in + 1) * C_out``."""
    if min(in_channels, out_channels, kernel_size) < 1:
        raise ValueError("channels and kernel size must be >= 1")
    return (kernel_size * kernel_size * in_channels + 1) * out_channels


def cnn_parameter_count(in_channels: int, filters: int, kernel_size: int, layers: int) -> int:
    """A stack of ``layers`` convolutions, each with ``filters`` filters of ``k x k``."""
    if layers < 1:
        raise ValueError("a CNN has at least one layer")
    first = conv_parameter_count(in_channels, filters, kernel_size)
    return first + (layers - 1) * conv_parameter_count(filters, filters, kernel_size)


#: The homework's worked answers (exercise 2 (a), (b)).
HOMEWORK_MLP_PARAMETERS = 1_592_527_626
HOMEWORK_CNN_PARAMETERS = 593_536


def conv_output_length(n: int, kernel_size: int, padding: int = 0, stride: int = 1) -> int:
    """Output length of a convolution along one axis: ``floor((n + 2p - k) / s) + 1``."""
    if stride < 1 or padding < 0 or kernel_size < 1 or n < 1:
        raise ValueError("need n >= 1, kernel_size >= 1, padding >= 0 and stride >= 1")
    if kernel_size > n + 2 * padding:
        raise ValueError(
            f"kernel of size {kernel_size} is larger than the padded input ({n} + 2*{padding})"
        )
    return (n + 2 * padding - kernel_size) // stride + 1
