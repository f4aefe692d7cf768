"""Where tensors live: CUDA when available, then Apple's MPS, else the CPU, chosen once.

    device = get_device()              # the course-wide choice, made on the first call
    model = model.to(device)
    x, y = to_device(x, y, device=device)

The choice can be overridden by an argument (``get_device("cpu")``) or by the environment
variable ``NN_COURSE_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``, ``mps`` or ``auto``). Asking for a
device that is not there raises a ``ValueError`` saying which devices are.
"""

from __future__ import annotations

import os

import torch

DEVICE_ENV = "NN_COURSE_DEVICE"

_chosen: torch.device | None = None


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def available_devices() -> list[str]:
    """The device types usable here, best first (``cpu`` is always last)."""
    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    if _mps_available():
        found.append("mps")
    found.append("cpu")
    return found


def best_device() -> torch.device:
    """CUDA if available, else MPS, else CPU (no caching; see :func:`get_device`)."""
    return torch.device(available_devices()[0])


def parse_device(name: str | torch.device) -> torch.device:
    """Check that ``name`` (``"cpu"``, ``"cuda"``, ``"cuda:1"``, ``"mps"``, ``"auto"``) is usable here."""
    if isinstance(name, torch.device):
        device = name
    else:
        text = str(name).strip().lower()
        if text in {"", "auto"}:
            return best_device()
        try:
            device = torch.device(text)
        except RuntimeError as exc:
            raise ValueError(
                f"unknown device {name!r}; use cpu, cuda, cuda:N, mps or auto"
            ) from exc
    usable = available_devices()
    if device.type not in usable:
        raise ValueError(
            f"device {str(device)!r} is not available here (available: {', '.join(usable)})"
        )
    if device.type == "cuda" and device.index is not None:
        count = torch.cuda.device_count()
        if device.index >= count:
            raise ValueError(
                f"device {str(device)!r} does not exist: this machine has {count} GPU(s)"
            )
    return device


def get_device(preferred: str | torch.device | None = None) -> torch.device:
    """The device to use: ``preferred`` if given, else ``$NN_COURSE_DEVICE``, else the best one.

    Without an argument the choice is made once and remembered, so every part of the course
    (model, data, evaluation) agrees on it; :func:`reset_device` forgets it.
    """
    global _chosen
    if preferred is not None:
        return parse_device(preferred)
    if _chosen is None:
        _chosen = parse_device(os.environ.get(DEVICE_ENV, "auto"))
    return _chosen


def reset_device() -> None:
    """Forget the remembered choice (the next :func:`get_device` chooses again)."""
    global _chosen
    _chosen = None


def to_device(
    *tensors: torch.Tensor, device: torch.device | None = None
) -> tuple[torch.Tensor, ...]:
    """Move ``tensors`` to ``device`` (default :func:`get_device`).

    Copies to CUDA are asynchronous (``non_blocking``) only for pinned CPU tensors, the one
    case where that is both safe and useful.
    """
    device = device or get_device()
    moved = []
    for tensor in tensors:
        asynchronous = device.type == "cuda" and tensor.device.type == "cpu" and tensor.is_pinned()
        moved.append(tensor.to(device, non_blocking=asynchronous))
    return tuple(moved)


def describe(device: torch.device | None = None) -> str:
    """One line for a notebook: which device is used and why."""
    device = device or get_device()
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        return f"Using the GPU {torch.cuda.get_device_name(index)} ({device})."
    if device.type == "mps":
        return "Using Apple's GPU (mps)."
    return (
        f"Using the CPU ({torch.get_num_threads()} threads); a CUDA GPU would be used "
        "automatically if there were one."
    )


def native_bfloat16(device: torch.device | None = None) -> bool:
    """Whether ``device`` computes bfloat16 matrix products in hardware, so that training under
    ``torch.autocast(..., dtype=torch.bfloat16)`` is faster than float32: a CPU with AVX512-BF16
    or AMX (recent Xeons); other CPUs would only emulate it. GPUs: False (the course keeps
    float32 there, where it is fast already)."""
    device = device or get_device()
    if device.type != "cpu":
        return False
    cpu = getattr(torch, "cpu", None)
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(cpu, name, lambda: False)()) for name in checks)
