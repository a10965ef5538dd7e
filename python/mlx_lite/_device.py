"""Devices and streams, shaped like MLX's, for a package that only has a CPU.

mlx_lite computes everything on the CPU. These objects exist so that code
written for MLX (``stream=mx.cpu``, ``with mx.stream(s): ...``) runs unchanged,
and so that asking for the GPU fails the way MLX fails on a machine without a
GPU backend, instead of silently running elsewhere.
"""

from __future__ import annotations

import contextlib
import enum
import threading
from typing import Iterator, Union

__all__ = [
    "DeviceType", "Device", "Stream", "cpu", "gpu", "default_device", "set_default_device",
    "default_stream", "set_default_stream", "new_stream", "stream", "is_available",
]


class DeviceType(enum.Enum):
    """The kind of a device: ``cpu`` or ``gpu``."""

    cpu = 0
    gpu = 1

    def __repr__(self) -> str:
        return f"DeviceType.{self.name}"


cpu = DeviceType.cpu
gpu = DeviceType.gpu


class Device:
    """A device: a :class:`DeviceType` and an index. ``Device(cpu) == cpu`` is True."""

    __slots__ = ("type", "index")

    def __init__(self, type: DeviceType, index: int = 0) -> None:
        if not isinstance(type, DeviceType):
            raise TypeError(f"Device() expects a DeviceType, not {_type_name(type)}.")
        self.type = type
        self.index = int(index)

    def __repr__(self) -> str:
        return f"Device({self.type.name}, {self.index})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DeviceType):
            return self.type is other
        if isinstance(other, Device):
            return self.type is other.type and self.index == other.index
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.type, self.index))


class Stream:
    """A stream of work on a device. Every CPU stream runs on the calling thread."""

    __slots__ = ("device", "index")

    def __init__(self, device: Union[Device, DeviceType], index: int = 0) -> None:
        # A device type stands for its device 0, as everywhere else here.
        self.device = device if isinstance(device, Device) else _as_device(device, "Stream")
        self.index = index

    def __repr__(self) -> str:
        return f"Stream({self.device!r}, {self.index})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Stream):
            return self.device == other.device and self.index == other.index
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.device, self.index))


StreamOrDevice = Union[None, Stream, Device, DeviceType]

_NO_GPU = "Cannot {} gpu {} without gpu backend."


def is_available(device: Union[Device, DeviceType]) -> bool:
    """Whether ``device`` can run work here: the CPU always, the GPU never."""
    return _device_type(device, "is_available") is cpu


class _State(threading.local):
    """Per-thread defaults, as MLX keeps them."""

    def __init__(self) -> None:
        self.device = Device(cpu, 0)
        self.stream = Stream(self.device, 0)


_state = _State()
_stream_counter = iter(range(1, 1 << 62))
_counter_lock = threading.Lock()


def default_device() -> Device:
    """The device used when no stream is given: always the CPU here."""
    return _state.device


def set_default_device(device: Union[Device, DeviceType]) -> None:
    """Make ``device`` the default. The GPU raises ``ValueError``, as in MLX without a GPU backend."""
    if _device_type(device, "set_default_device") is gpu:
        raise ValueError("[set_default_device] " + _NO_GPU.format("set", "device"))
    _state.device = _as_device(device, "set_default_device")


def default_stream(device: Union[Device, DeviceType]) -> Stream:
    """The default stream of ``device``."""
    if _device_type(device, "default_stream") is gpu:
        raise ValueError("[default_stream] " + _NO_GPU.format("get", "stream"))
    return _state.stream


def set_default_stream(stream: Stream) -> None:
    """Make ``stream`` the default for its device."""
    if not isinstance(stream, Stream):
        raise TypeError(f"set_default_stream() expects a Stream, not {_type_name(stream)}.")
    _state.stream = stream


def new_stream(device: Union[Device, DeviceType]) -> Stream:
    """A new stream on ``device``."""
    if _device_type(device, "new_stream") is gpu:
        raise ValueError("[new_stream] " + _NO_GPU.format("make", "stream"))
    with _counter_lock:
        index = next(_stream_counter)
    return Stream(_as_device(device, "new_stream"), index)


@contextlib.contextmanager
def stream(s: Union[Stream, Device, DeviceType]) -> Iterator[Stream]:
    """Within the ``with`` block, ``s`` (a stream, or a device's new stream) is the default."""
    chosen = s if isinstance(s, Stream) else new_stream(s) if _is_device(s) else check_stream(s, "stream")
    saved = _state.stream, _state.device
    _state.stream, _state.device = chosen, chosen.device
    try:
        yield chosen
    finally:
        _state.stream, _state.device = saved


def _type_name(value: object) -> str:
    return type(value).__name__


def _is_device(value: object) -> bool:
    return isinstance(value, (Device, DeviceType))


def _device_type(device: object, caller: str) -> DeviceType:
    """The DeviceType of a device, ours or MLX's (recognised without importing MLX)."""
    if isinstance(device, DeviceType):
        return device
    if isinstance(device, Device):
        return device.type
    mlx_kind = _mlx_kind(device)
    if mlx_kind == "DeviceType":
        return DeviceType[device.name]  # type: ignore[attr-defined]
    if mlx_kind == "Device":
        return DeviceType[device.type.name]  # type: ignore[attr-defined]
    raise TypeError(f"[{caller}] Expected a Device or DeviceType, not {_type_name(device)}.")


def _as_device(device: object, caller: str) -> Device:
    """Our Device for a device or device type, ours or MLX's."""
    if isinstance(device, Device):
        return device
    index = getattr(device, "index", 0) if _mlx_kind(device) == "Device" else 0
    return Device(_device_type(device, caller), index if isinstance(index, int) else 0)


def _mlx_kind(value: object) -> str | None:
    """'DeviceType', 'Device' or 'Stream' for MLX's own objects, else None."""
    kind = type(value)
    if kind.__module__.split(".")[0] == "mlx" and kind.__name__ in ("DeviceType", "Device", "Stream"):
        return kind.__name__
    return None


def check_stream(value: object, caller: str) -> Stream:
    """The CPU stream a scan's ``stream=`` argument names.

    ``None``, a CPU device (ours or MLX's, as type or object) or a stream on
    one run here; a GPU raises MLX's ``ValueError``; anything else is a
    ``TypeError`` naming ``caller``.
    """
    if value is None:
        return _state.stream
    if isinstance(value, Stream):
        kind = value.device.type
    elif isinstance(value, (Device, DeviceType)) or _mlx_kind(value) in ("Device", "DeviceType"):
        kind = _device_type(value, caller)
    elif _mlx_kind(value) == "Stream":
        kind = _device_type(value.device, caller)  # type: ignore[attr-defined]
    else:
        raise TypeError(
            f"[{caller}] stream must be None, a Stream, a Device or a DeviceType, not {_type_name(value)}.")
    if kind is gpu:
        raise ValueError("[default_stream] " + _NO_GPU.format("get", "stream"))
    return _state.stream
