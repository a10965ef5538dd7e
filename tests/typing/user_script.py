"""A user's script, type-checked by ``mypy --strict`` in tests/python/test_typing.py
and also run as a plain script there.

Every public name of mlx_lite is used. Each result is assigned to a variable
with an explicit annotation, so the check fails if an overload gives the wrong
result type; ``expect`` then checks at run time that the dtype the type checker
was told is the dtype the scan really returns.
"""

from __future__ import annotations

from typing import Any, List

import numpy as np
import numpy.typing as npt

import mlx_lite as mx


def expect(result: npt.NDArray[Any], dtype: npt.DTypeLike, shape: tuple[int, ...]) -> None:
    assert result.dtype == np.dtype(dtype), (result.dtype, dtype)
    assert result.shape == shape, (result.shape, shape)


booleans = np.array([True, False, True])
int8s = np.array([100, 100, 100], dtype=np.int8)
int64s = np.arange(6, dtype=np.int64).reshape(2, 3)
uint16s = np.array([1, 2, 3], dtype=np.uint16)
halves = np.ones((2, 3), dtype=np.float16)
singles = np.zeros(3, dtype=np.float32)
doubles = np.linspace(0.0, 1.0, 4)
complexes = np.array([1 + 2j, 3 - 1j], dtype=np.complex64)
unknown: npt.NDArray[Any] = np.asarray([1.5, 2.5])
nested: List[List[int]] = [[1, 2], [3, 4]]

# --- cumsum and cumulative_sum: booleans sum as int32, others keep their dtype
s_bool: npt.NDArray[np.int32] = mx.cumsum(booleans)
expect(s_bool, np.int32, (3,))
s_int8: npt.NDArray[np.int8] = mx.cumsum(int8s)  # wraps: 100, -56, 44
expect(s_int8, np.int8, (3,))
assert s_int8.tolist() == [100, -56, 44]
s_axis: npt.NDArray[np.int64] = mx.cumsum(int64s, 1)
expect(s_axis, np.int64, (2, 3))
s_neg: npt.NDArray[np.int64] = mx.cumsum(int64s, axis=-2, reverse=True, inclusive=False)
expect(s_neg, np.int64, (2, 3))
s_np_axis: npt.NDArray[np.float16] = mx.cumsum(halves, axis=np.int64(0), reverse=np.True_)
expect(s_np_axis, np.float16, (2, 3))
s_f32: npt.NDArray[np.float32] = mx.cumsum(np.zeros(3, np.float32))
expect(s_f32, np.float32, (3,))
s_i32: npt.NDArray[np.int32] = mx.cumsum(np.zeros(3, np.bool_))
expect(s_i32, np.int32, (3,))
s_c64: npt.NDArray[np.complex64] = mx.cumulative_sum(complexes)
expect(s_c64, np.complex64, (2,))
s_alias_bool: npt.NDArray[np.int32] = mx.cumulative_sum(booleans, inclusive=False)
expect(s_alias_bool, np.int32, (3,))
# dtype=: the cast comes first, then MLX's bool rule
s_to_f64: npt.NDArray[np.float64] = mx.cumsum(int8s, dtype=np.float64)
expect(s_to_f64, np.float64, (3,))
s_to_u16: npt.NDArray[np.uint16] = mx.cumsum(int8s, dtype=np.dtype(np.uint16))
expect(s_to_u16, np.uint16, (3,))
s_to_name: npt.NDArray[np.float32] = mx.cumsum(int64s, 0, dtype=mx.float32)
expect(s_to_name, np.float32, (2, 3))
s_to_bool: npt.NDArray[np.int32] = mx.cumsum(int8s, dtype=np.bool_)
expect(s_to_bool, np.int32, (3,))
s_to_pybool: npt.NDArray[np.int32] = mx.cumsum(uint16s, dtype=bool)
expect(s_to_pybool, np.int32, (3,))
s_to_str: npt.NDArray[Any] = mx.cumsum(int8s, dtype="float32")
expect(s_to_str, np.float32, (3,))
s_none_dtype: npt.NDArray[np.int32] = mx.cumsum(booleans, dtype=None)
expect(s_none_dtype, np.int32, (3,))
# anything numpy.asarray accepts; its dtype is not known statically
s_list: npt.NDArray[Any] = mx.cumsum([1, 2, 3, 4], reverse=True, inclusive=False)
assert s_list.tolist() == [9, 7, 4, 0]
s_nested: npt.NDArray[Any] = mx.cumsum(nested, axis=1)
expect(s_nested, np.int_, (2, 2))
s_scalar: npt.NDArray[Any] = mx.cumsum(3.0)
expect(s_scalar, np.float64, (1,))
s_unknown: npt.NDArray[Any] = mx.cumsum(unknown, stream=mx.cpu)
expect(s_unknown, np.float64, (2,))
# an array whose dtype the type checker does not know gives a result it does
# not know either (not int32 because the boolean overload also matches)
s_unknown_f64: npt.NDArray[np.float64] = mx.cumsum(unknown)
l_unknown_f64: npt.NDArray[np.float64] = mx.logcumsumexp(unknown)
expect(s_unknown_f64, np.float64, (2,))
expect(l_unknown_f64, np.float64, (2,))
# an array made inside the call is inferred as its own dtype, whatever the
# overloads are tried first
s_inline: npt.NDArray[np.float64] = mx.cumsum(np.arange(4, dtype=np.float64), 0)
s_inline_u8: npt.NDArray[np.uint8] = mx.cumsum(np.ones((2, 2), np.uint8), axis=1)
l_inline: npt.NDArray[np.float64] = mx.logcumsumexp(np.linspace(0.0, 1.0, 3))
expect(s_inline, np.float64, (4,))
expect(s_inline_u8, np.uint8, (2, 2))
expect(l_inline, np.float64, (3,))

# --- cumprod and cumulative_prod: the input's dtype, or dtype='s
p_bool: npt.NDArray[np.bool_] = mx.cumprod(booleans)
expect(p_bool, np.bool_, (3,))
p_u16: npt.NDArray[np.uint16] = mx.cumprod(uint16s, reverse=True)
expect(p_u16, np.uint16, (3,))
p_c64: npt.NDArray[np.complex64] = mx.cumulative_prod(complexes, 0)
expect(p_c64, np.complex64, (2,))
p_cast: npt.NDArray[np.float64] = mx.cumprod(int8s, dtype=mx.float64)
expect(p_cast, np.float64, (3,))
p_cast_bool: npt.NDArray[np.bool_] = mx.cumulative_prod(int8s, dtype=np.bool_)
expect(p_cast_bool, np.bool_, (3,))
p_list: npt.NDArray[Any] = mx.cumprod([1, 2, 3, 4], inclusive=False)
assert p_list.tolist() == [1, 1, 2, 6]

# --- cummax and cummin: the input's dtype
mx_bool: npt.NDArray[np.bool_] = mx.cummax(booleans)
expect(mx_bool, np.bool_, (3,))
mx_f16: npt.NDArray[np.float16] = mx.cummax(halves, axis=1, inclusive=False)
expect(mx_f16, np.float16, (2, 3))
mx_c64: npt.NDArray[np.complex64] = mx.cummax(complexes, reverse=True)
expect(mx_c64, np.complex64, (2,))
mn_i64: npt.NDArray[np.int64] = mx.cummin(int64s, None)
expect(mn_i64, np.int64, (6,))
mn_f64: npt.NDArray[np.float64] = mx.cummin(doubles, stream=mx.default_stream(mx.cpu))
expect(mn_f64, np.float64, (4,))
mn_list: npt.NDArray[Any] = mx.cummin([3, 1, 2, 0])
assert mn_list.tolist() == [3, 1, 1, 0]

# --- logcumsumexp: float32 for booleans and integers, otherwise the input's dtype
l_f32: npt.NDArray[np.float32] = mx.logcumsumexp(np.zeros(3, np.int64))
expect(l_f32, np.float32, (3,))
l_bool: npt.NDArray[np.float32] = mx.logcumsumexp(booleans)
expect(l_bool, np.float32, (3,))
l_u16: npt.NDArray[np.float32] = mx.logcumsumexp(uint16s, reverse=True)
expect(l_u16, np.float32, (3,))
l_f16: npt.NDArray[np.float16] = mx.logcumsumexp(halves, 0)
expect(l_f16, np.float16, (2, 3))
l_f32_in: npt.NDArray[np.float32] = mx.logcumsumexp(singles, inclusive=False)
expect(l_f32_in, np.float32, (3,))
l_c64: npt.NDArray[np.complex64] = mx.logcumsumexp(complexes)
expect(l_c64, np.complex64, (2,))
l_list: npt.NDArray[Any] = mx.logcumsumexp([1000.0, 1000.0])
assert abs(float(l_list[1]) - 1000.6931471805599) < 1e-9

# --- axis errors are both IndexError and ValueError
try:
    mx.cumsum(int64s, axis=2)
except mx.AxisError as error:
    axis_error: IndexError = error
    value_error: ValueError = error
    assert "Axis 2 is out of bounds" in str(axis_error) and str(value_error) == str(axis_error)
else:
    raise AssertionError("axis 2 of a 2-d array must raise")

# --- devices and streams
kind: mx.DeviceType = mx.cpu
gpu_kind: mx.DeviceType = mx.gpu
assert kind is mx.DeviceType.cpu and gpu_kind is mx.DeviceType.gpu
device: mx.Device = mx.Device(mx.cpu)
other_device: mx.Device = mx.Device(mx.DeviceType.cpu, 0)
assert device == mx.cpu and device == other_device and repr(device) == "Device(cpu, 0)"
cpu_ok: bool = mx.is_available(mx.cpu)
gpu_ok: bool = mx.is_available(mx.Device(mx.gpu))
assert cpu_ok and not gpu_ok
current: mx.Device = mx.default_device()
mx.set_default_device(mx.cpu)
mx.set_default_device(current)
stream0: mx.Stream = mx.default_stream(mx.default_device())
fresh: mx.Stream = mx.new_stream(mx.cpu)
made: mx.Stream = mx.Stream(mx.Device(mx.cpu), 7)
assert made.index == 7 and made.device == mx.cpu and repr(made) == "Stream(Device(cpu, 0), 7)"
mx.set_default_stream(fresh)
mx.set_default_stream(stream0)
with mx.stream(fresh) as inside:
    in_block: mx.Stream = inside
    assert mx.default_stream(mx.cpu) == in_block
with mx.stream(mx.cpu) as on_device:
    on_device_stream: mx.Stream = on_device
for run_on in (None, mx.cpu, mx.Device(mx.cpu), stream0, fresh):
    on: npt.NDArray[np.int32] = mx.cumsum(booleans, stream=run_on)
    expect(on, np.int32, (3,))
try:
    mx.cumsum(booleans, stream=mx.gpu)
except ValueError as error:
    assert "gpu" in str(error)
else:
    raise AssertionError("a GPU stream must raise")

# --- dtype names and the version
names: List[np.dtype[Any]] = [
    mx.bool_, mx.int8, mx.int16, mx.int32, mx.int64, mx.uint8, mx.uint16, mx.uint32, mx.uint64,
    mx.float16, mx.float32, mx.float64, mx.complex64, mx.complex128,
]
f32_name: np.dtype[np.float32] = mx.float32
c128_name: np.dtype[np.complex128] = mx.complex128
bool_name: np.dtype[np.bool_] = mx.bool_
assert f32_name == np.float32 and c128_name == np.complex128 and bool_name == np.bool_
for name in names:
    by_name: npt.NDArray[Any] = mx.cummax(np.zeros(2, dtype=name))
    expect(by_name, name, (2,))
    summed: npt.NDArray[Any] = mx.cumsum(np.ones(2), dtype=name)
    expect(summed, mx.int32 if name == mx.bool_ else name, (2,))
try:
    bf16: np.dtype[Any] = mx.bfloat16  # needs ml_dtypes
except AttributeError:
    pass
else:
    b_sum: npt.NDArray[Any] = mx.cumsum(np.ones(4, dtype=bf16))
    expect(b_sum, bf16, (4,))
previous_limit: int = mx.set_cache_limit(1 << 30)
held: int = mx.get_cache_memory()
assert held >= 0
mx.clear_cache()
assert mx.get_cache_memory() == 0
assert mx.set_cache_limit(previous_limit) == 1 << 30
version: str = mx.__version__
assert version[0].isdigit()

# --- NumPy's conventions: out= returns out itself (typed as out), include_initial=, the NaN scans
into = np.zeros(3, np.int64)
o_sum: npt.NDArray[np.int64] = mx.cumsum(int8s, out=into)  # out's dtype is the working dtype: no wrap
assert o_sum is into and o_sum.tolist() == [100, 200, 300]
in_place = doubles.copy()
o_in_place: npt.NDArray[np.float64] = mx.cumprod(in_place, reverse=True, out=in_place)
assert o_in_place is in_place
o_cast: npt.NDArray[np.float32] = mx.cummax(doubles, out=np.zeros(4, np.float32))
expect(o_cast, np.float32, (4,))
o_dtype: npt.NDArray[np.float64] = mx.cumulative_sum(int8s, dtype=np.int8, out=np.zeros(3))
assert o_dtype.tolist() == [100, -56, 44]
with_start: npt.NDArray[np.int64] = mx.cumsum(int64s, axis=1, include_initial=True)
expect(with_start, np.int64, (2, 4))
lse_start: npt.NDArray[np.float32] = mx.logcumsumexp(booleans, include_initial=np.True_)
expect(lse_start, np.float32, (4,))
n_sum: npt.NDArray[np.int32] = mx.nancumsum(booleans)
expect(n_sum, np.int32, (3,))
n_prod: npt.NDArray[np.float32] = mx.nancumprod(doubles, dtype=np.float32)
expect(n_prod, np.float32, (4,))
n_max: npt.NDArray[np.float32] = mx.nancummax(singles, include_initial=True)
expect(n_max, np.float32, (4,))
n_min: npt.NDArray[np.uint16] = mx.nancummin(uint16s, out=np.zeros(3, np.uint16))
expect(n_min, np.uint16, (3,))

ema: npt.NDArray[Any] = mx.linear_recurrence(0.5, singles)
expect(ema, np.float32, (3,))
iir: npt.NDArray[Any] = mx.linear_recurrence(np.full(4, 0.9), doubles, initial=1.0, reverse=True)
expect(iir, np.float64, (4,))
smooth: npt.NDArray[Any] = mx.ewma(doubles, span=3, adjust=False)
expect(smooth, np.float64, (4,))

print("user_script: ok")
