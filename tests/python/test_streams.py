"""Devices and streams, shaped like MLX's (SPEC section 5)."""

import threading

import numpy as np
import pytest

import mlx_lite
from mlx_lite import Device, DeviceType, Stream, cpu, gpu

GPU_MESSAGE = "[default_stream] Cannot get gpu stream without gpu backend."


@pytest.fixture(autouse=True)
def _restore_defaults():
    device = mlx_lite.default_device()
    stream = mlx_lite.default_stream(cpu)
    yield
    mlx_lite.set_default_device(device)
    mlx_lite.set_default_stream(stream)


def test_device_types():
    assert isinstance(cpu, DeviceType) and isinstance(gpu, DeviceType)
    assert cpu is DeviceType.cpu and gpu is DeviceType.gpu
    assert cpu != gpu
    assert set(DeviceType) == {cpu, gpu}
    assert repr(cpu) == "DeviceType.cpu" and repr(gpu) == "DeviceType.gpu"


def test_device_repr_and_equality():
    assert repr(Device(cpu)) == "Device(cpu, 0)"
    assert repr(Device(cpu, 0)) == "Device(cpu, 0)"
    assert repr(Device(gpu)) == "Device(gpu, 0)"
    assert repr(Device(cpu, 1)) == "Device(cpu, 1)"
    assert Device(cpu) == cpu
    assert cpu == Device(cpu)
    assert Device(cpu) != gpu
    assert Device(gpu) == gpu
    assert Device(cpu) == Device(cpu, 0)
    assert Device(cpu, 0) != Device(cpu, 1)
    assert Device(cpu) != Device(gpu)
    assert hash(Device(cpu)) == hash(Device(cpu, 0))
    assert Device(cpu).type is cpu


def test_device_rejects_non_device_types():
    with pytest.raises(TypeError):
        Device("cpu")
    with pytest.raises(TypeError):
        Device(0)


def test_stream_repr_and_equality():
    s = mlx_lite.default_stream(cpu)
    assert repr(s) == "Stream(Device(cpu, 0), 0)"
    assert isinstance(s, Stream)
    assert s.device == cpu
    assert s == Stream(Device(cpu), 0)
    assert s != Stream(Device(cpu), 1)
    assert repr(Stream(Device(cpu), 3)) == "Stream(Device(cpu, 0), 3)"


def test_repr_matches_mlx():
    mx = pytest.importorskip("mlx.core")
    assert repr(Device(cpu)) == repr(mx.Device(mx.cpu))
    assert repr(mlx_lite.default_stream(cpu)) == repr(mx.default_stream(mx.cpu))
    assert repr(mlx_lite.default_device()) == repr(mx.default_device())


def test_default_device():
    d = mlx_lite.default_device()
    assert isinstance(d, Device)
    assert d == cpu
    assert repr(d) == "Device(cpu, 0)"


def test_set_default_device():
    mlx_lite.set_default_device(cpu)
    assert mlx_lite.default_device() == cpu
    mlx_lite.set_default_device(Device(cpu))
    assert mlx_lite.default_device() == cpu
    for bad in (gpu, Device(gpu)):
        with pytest.raises(ValueError):
            mlx_lite.set_default_device(bad)
    assert mlx_lite.default_device() == cpu
    with pytest.raises(TypeError):
        mlx_lite.set_default_device("cpu")


def test_set_default_device_accepts_mlx_devices():
    """SPEC section 5: MLX's own device objects are accepted the same way."""
    mx = pytest.importorskip("mlx.core")
    for d in (mx.cpu, mx.Device(mx.cpu)):
        mlx_lite.set_default_device(d)
        assert mlx_lite.default_device() == cpu
        assert isinstance(mlx_lite.default_device(), Device)
    for d in (mx.gpu, mx.Device(mx.gpu)):
        with pytest.raises(ValueError):
            mlx_lite.set_default_device(d)


def test_mlx_devices_in_the_stream_functions():
    """SPEC section 5: MLX's own device objects are accepted the same way."""
    mx = pytest.importorskip("mlx.core")
    for d in (mx.cpu, mx.Device(mx.cpu)):
        assert mlx_lite.default_stream(d) == mlx_lite.default_stream(cpu)
        assert mlx_lite.is_available(d) is True
        with mlx_lite.stream(d) as s:
            assert isinstance(s, Stream) and s.device == cpu
        s = mlx_lite.new_stream(d)
        assert isinstance(s, Stream) and s.device == cpu
    for d in (mx.gpu, mx.Device(mx.gpu)):
        with pytest.raises(ValueError):
            mlx_lite.new_stream(d)
        with pytest.raises(ValueError) as info:
            mlx_lite.default_stream(d)
        assert str(info.value) == GPU_MESSAGE


def test_default_stream():
    s = mlx_lite.default_stream(cpu)
    assert s.device == cpu
    assert mlx_lite.default_stream(Device(cpu)) == s
    with pytest.raises(ValueError) as info:
        mlx_lite.default_stream(gpu)
    assert str(info.value) == GPU_MESSAGE
    with pytest.raises(ValueError):
        mlx_lite.default_stream(Device(gpu))
    with pytest.raises(TypeError):
        mlx_lite.default_stream("cpu")


def test_new_stream_and_set_default_stream():
    s1 = mlx_lite.new_stream(cpu)
    s2 = mlx_lite.new_stream(Device(cpu))
    assert isinstance(s1, Stream) and isinstance(s2, Stream)
    assert s1 != s2
    assert s1.device == cpu and s2.device == cpu
    assert s1 != mlx_lite.default_stream(cpu)
    assert repr(s1).startswith("Stream(Device(cpu, 0), ")
    with pytest.raises(ValueError):
        mlx_lite.new_stream(gpu)
    mlx_lite.set_default_stream(s1)
    assert mlx_lite.default_stream(cpu) == s1
    mlx_lite.set_default_stream(s2)
    assert mlx_lite.default_stream(cpu) == s2
    with pytest.raises(TypeError):
        mlx_lite.set_default_stream(cpu)
    with pytest.raises(TypeError):
        mlx_lite.set_default_stream("s")
    assert mlx_lite.cumsum([1, 2], stream=s2).tolist() == [1, 3]


def test_stream_context_manager():
    outer = mlx_lite.default_stream(cpu)
    s = mlx_lite.new_stream(cpu)
    with mlx_lite.stream(s) as inside:
        assert inside == s
        assert mlx_lite.default_stream(cpu) == s
        assert mlx_lite.cumsum([1, 2, 3]).tolist() == [1, 3, 6]
    assert mlx_lite.default_stream(cpu) == outer
    with mlx_lite.stream(cpu) as inside:
        assert isinstance(inside, Stream) and inside.device == cpu
        assert mlx_lite.default_stream(cpu) == inside
    assert mlx_lite.default_stream(cpu) == outer
    # restored after an exception too
    with pytest.raises(RuntimeError):
        with mlx_lite.stream(s):
            raise RuntimeError("boom")
    assert mlx_lite.default_stream(cpu) == outer
    with pytest.raises(ValueError):
        with mlx_lite.stream(gpu):
            pass
    assert mlx_lite.default_stream(cpu) == outer


def test_defaults_are_per_thread():
    s = mlx_lite.new_stream(cpu)
    seen = []
    with mlx_lite.stream(s):
        t = threading.Thread(target=lambda: seen.append(mlx_lite.default_stream(cpu)))
        t.start()
        t.join()
        assert mlx_lite.default_stream(cpu) == s
    assert seen and seen[0] != s and seen[0].device == cpu


def test_is_available():
    assert mlx_lite.is_available(cpu) is True
    assert mlx_lite.is_available(Device(cpu)) is True
    assert mlx_lite.is_available(gpu) is False
    assert mlx_lite.is_available(Device(gpu)) is False


def test_is_available_matches_mlx_cpu_build():
    mx = pytest.importorskip("mlx.core")
    assert mlx_lite.is_available(mx.cpu) is True
    assert mlx_lite.is_available(mx.gpu) is mx.is_available(mx.gpu)


@pytest.mark.parametrize("op", ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp"])
def test_every_stream_form_gives_the_same_result(op):
    a = np.array([[3, -1, 4], [1, -5, 9]], dtype=np.int32)
    want = getattr(mlx_lite, op)(a, 1)
    forms = [None, cpu, Device(cpu), mlx_lite.default_stream(cpu), mlx_lite.new_stream(cpu)]
    for s in forms:
        got = getattr(mlx_lite, op)(a, 1, stream=s)
        assert got.dtype == want.dtype and got.tobytes() == want.tobytes()
    with mlx_lite.stream(mlx_lite.new_stream(cpu)):
        assert getattr(mlx_lite, op)(a, 1).tobytes() == want.tobytes()


def test_stream_built_on_a_device_type_runs_on_the_cpu():
    """Found by the fuzzer: Stream(cpu) kept the DeviceType as its device, and
    every scan given that stream raised AttributeError."""
    import numpy as np

    import mlx_lite

    s = mlx_lite.Stream(mlx_lite.cpu)
    assert s.device == mlx_lite.Device(mlx_lite.cpu)
    assert repr(s) == "Stream(Device(cpu, 0), 0)"
    x = np.arange(5)
    for scan in (mlx_lite.cumsum, mlx_lite.cumprod, mlx_lite.cummax, mlx_lite.cummin):
        assert np.array_equal(scan(x, stream=s), scan(x))
    with pytest.raises(ValueError, match="Cannot get gpu stream"):
        mlx_lite.cumsum(x, stream=mlx_lite.Stream(mlx_lite.gpu))
