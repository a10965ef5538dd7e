#!/usr/bin/env python
"""Coverage-guided fuzzing of mlx_lite's scans with atheris.

Every input the fuzzer makes is turned into one call of a public scan
(cumsum, cumulative_sum, cumprod, cumulative_prod, cummax, cummin,
logcumsumexp) with arbitrary arguments: an array of any dtype (supported or
not, either byte order), any shape, any layout (steps, negative steps,
transposes, zero strides, misaligned views into a byte buffer, read-only), or
a non-array (list, scalar, string, object); an axis, reverse, inclusive,
dtype= and stream= of any type.

The property checked on every call:

* the call either returns a result equal to a simple NumPy reference that
  follows MLX's rules (cast to dtype= first; bool cumsum -> int32; integer
  logcumsumexp -> float32; axis None flattens in C order; reverse by flipping;
  exclusive by shifting in the identity), with integers compared exactly and
  floats within an error bound (NaN equal to NaN), or it raises one of the
  exception types that argument predicts (TypeError, ValueError, IndexError,
  MemoryError);
* the result is a new, writeable array that does not share memory with the
  input, of the expected shape and dtype;
* the input (and the buffer under it) is unchanged afterwards;
* nothing crashes or hangs (libFuzzer's -timeout catches a hang).

Only the Python layer (mlx_lite/*.py) is instrumented for coverage; the C
bridge and the Swift engine are not (atheris instruments Python bytecode), so
the fuzzer is guided by Python branches and finds native faults by their
effects: a crash, a wrong value, a modified input.

Run:  python tests/fuzz/fuzz_scans.py -max_total_time=60 -rss_limit_mb=4096 [corpus_dir]
"""

import math
import os
import sys
import warnings

import atheris
import numpy as np  # imported first so that only mlx_lite is instrumented, not NumPy

with atheris.instrument_imports(include=["mlx_lite"]):
    import mlx_lite

try:
    import ml_dtypes
    BF16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover
    BF16 = None

try:  # MLX's own device objects, when MLX is installed
    import mlx.core as mx
except Exception:  # pragma: no cover
    mx = None


MAX_ELEMENTS = 10**6
FUNCTIONS = [
    ("cumsum", mlx_lite.cumsum), ("cumulative_sum", mlx_lite.cumulative_sum),
    ("cumprod", mlx_lite.cumprod), ("cumulative_prod", mlx_lite.cumulative_prod),
    ("cummax", mlx_lite.cummax), ("cummin", mlx_lite.cummin),
    ("logcumsumexp", mlx_lite.logcumsumexp),
]
OP_OF = {"cumulative_sum": "cumsum", "cumulative_prod": "cumprod"}
HAS_DTYPE = {"cumsum", "cumprod"}

NATIVE = [np.dtype(t) for t in (
    np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
    np.float16, np.float32, np.float64, np.complex64, np.complex128)]
SUPPORTED = set(NATIVE) | ({BF16} if BF16 is not None else set())
SWAPPED = [d.newbyteorder(">" if sys.byteorder == "little" else "<") for d in NATIVE if d.itemsize > 1]
UNSUPPORTED = [np.dtype(t) for t in (
    object, "U3", "S4", "datetime64[s]", "timedelta64[ms]", "V8", np.longdouble, np.clongdouble,
    [("a", "<i4"), ("b", "<f4")], "m8[ns]", "M8[D]")]
ARRAY_DTYPES = NATIVE * 3 + SWAPPED + UNSUPPORTED + ([BF16] * 2 if BF16 is not None else [])

DTYPE_ARGS = (
    [None] * 8 + NATIVE + [d.name for d in NATIVE] + [d.type for d in NATIVE] + SWAPPED
    + [">f4", "<i8", "float32", "f8", "int", "float", "complex", bool, int, float, complex,
       mlx_lite.float32, mlx_lite.int8, mlx_lite.bool_, mlx_lite.complex64, mlx_lite.uint64,
       "bfloat16", "notadtype", "", "f9", "object", "U", "S3", "datetime64[s]", "m8", np.longdouble,
       np.object_, np.str_, 3, 1.5, (np.float32, 2), [("a", "i4")], object(), "V4"]
    + ([BF16] if BF16 is not None else [])
    + ([mx.float32, mx.int16, mx.bool_, mx.bfloat16, mx.float16] if mx is not None else []))

STREAMS = (
    [None] * 6 + [mlx_lite.cpu, mlx_lite.gpu, mlx_lite.Device(mlx_lite.cpu), mlx_lite.Device(mlx_lite.gpu),
                  mlx_lite.Device(mlx_lite.cpu, 3), mlx_lite.default_stream(mlx_lite.cpu),
                  mlx_lite.new_stream(mlx_lite.cpu), mlx_lite.Stream(mlx_lite.Device(mlx_lite.gpu)),
                  "cpu", "gpu", 0, 1, -1, 2.5, object(), [mlx_lite.cpu], True]
    + ([mx.cpu, mx.gpu, mx.Device(mx.cpu), mx.Device(mx.gpu), mx.default_stream(mx.cpu)] if mx is not None else [])
    + [mlx_lite.Stream(mlx_lite.cpu)])

FLOAT_SPECIALS = [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -0.5, 3.0, 1e-3, 7.25, -100.0, 1e4, float("nan"),
                  float("inf"), -float("inf"), 1e30, -1e30, 1e-30, 5e-324, 1.7e308, 65504.0, 1e-8]


class Describe:
    """The call, described only when a check fails (repr of arrays is slow)."""

    def __init__(self, make):
        self.make = make

    def __str__(self):
        return self.make()

    __format__ = lambda self, spec: str(self)  # noqa: E731


# ----------------------------------------------------------------------------
# Building the arguments


def make_values(fdp, dtype, n):
    """n values of a supported (native) dtype, drawn from the fuzzer's bytes."""
    mode = fdp.ConsumeIntInRange(0, 3)
    if dtype.kind in "biu" or mode == 0:
        raw = fdp.ConsumeBytes(n * dtype.itemsize)
        raw = raw + bytes(n * dtype.itemsize - len(raw))
        values = np.frombuffer(raw, dtype=dtype).copy()
        if dtype.kind == "b":
            values = np.frombuffer(raw, dtype=np.uint8).astype(bool)
        return values
    if mode == 1:  # small integers: exact sums and products
        ints = np.frombuffer(fdp.ConsumeBytes(n).ljust(n, b"\0"), dtype=np.int8) % 7 - 3
        values = ints.astype(np.float64)
    else:  # specials and a few magnitudes
        idx = np.frombuffer(fdp.ConsumeBytes(n).ljust(n, b"\0"), dtype=np.uint8) % len(FLOAT_SPECIALS)
        values = np.array(FLOAT_SPECIALS)[idx]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if dtype.kind == "c":
            imag = np.roll(values, 1) if fdp.ConsumeBool() else np.zeros(n)
            values = values + 1j * imag
        return values.astype(dtype)


def make_unsupported(dtype, n):
    if dtype.kind == "O":
        return np.array([object() if i % 3 else i for i in range(n)], dtype=object)
    return np.zeros(n, dtype=dtype)


def make_shape(fdp):
    ndim = fdp.ConsumeIntInRange(0, 4)
    if fdp.ConsumeIntInRange(0, 31) == 0:  # large-ish
        shape = [fdp.ConsumeIntInRange(1, 3000) for _ in range(max(ndim, 1))]
        while math.prod(shape) > MAX_ELEMENTS:
            shape[shape.index(max(shape))] //= 2
        return tuple(shape)
    return tuple(fdp.ConsumeIntInRange(0, 6) for _ in range(ndim))


def make_array(fdp):
    """An ndarray of any dtype in any layout, and the base object it views (to check it is unchanged)."""
    dtype = fdp.PickValueInList(ARRAY_DTYPES)
    shape = make_shape(fdp)
    n = math.prod(shape)
    native = dtype.newbyteorder("=") if dtype.isnative is False else dtype
    layout = fdp.ConsumeIntInRange(0, 9)
    if layout == 1 and n > 0 and native in SUPPORTED and dtype.itemsize > 1:
        # misaligned: a byte offset into a uint8 buffer, viewed as the dtype
        offset = fdp.ConsumeIntInRange(1, dtype.itemsize - 1)
        values = make_values(fdp, native, n).astype(dtype)
        buf = np.zeros(n * dtype.itemsize + offset + 8, dtype=np.uint8)
        buf[offset:offset + n * dtype.itemsize] = np.frombuffer(values.tobytes(), dtype=np.uint8)
        a = buf[offset:offset + n * dtype.itemsize].view(dtype).reshape(shape)
        return a, buf
    if layout == 2 and shape:
        # zero strides via as_strided over a small base
        base = make_values(fdp, native, 4).astype(dtype) if native in SUPPORTED else make_unsupported(dtype, 4)
        strides = tuple(fdp.PickValueInList([0, 0, base.itemsize, -base.itemsize]) for _ in shape)
        # keep every element inside base: the last index times stride must stay within +-3 items
        safe = []
        offset = 0
        for s, st in zip(shape, strides):
            if s > 1 and st != 0:
                st = 0
            safe.append(st)
        a = np.lib.stride_tricks.as_strided(base[offset:], shape=shape, strides=tuple(safe), writeable=False)
        return a, base
    if layout == 3 and shape:
        # broadcast of a smaller array
        small_shape = tuple(1 if fdp.ConsumeBool() else s for s in shape)
        m = math.prod(small_shape)
        base = make_values(fdp, native, m).astype(dtype) if native in SUPPORTED else make_unsupported(dtype, m)
        base = base.reshape(small_shape)
        return np.broadcast_to(base, shape), base
    # a dense base, then slicing / transposing / stepping
    big = tuple(s * fdp.ConsumeIntInRange(1, 2) for s in shape)
    while math.prod(big) > MAX_ELEMENTS:
        big = shape
    m = math.prod(big)
    if native in SUPPORTED:
        base = make_values(fdp, native, m).astype(dtype)
    else:
        base = make_unsupported(dtype, m)
    order = "F" if fdp.ConsumeBool() else "C"
    base = base.reshape(big, order=order)
    a = base
    if a.ndim:
        slices = []
        for s, b in zip(shape, big):
            step = fdp.PickValueInList([1, 1, -1, 2, -2]) if b >= 2 * s and s > 0 else fdp.PickValueInList([1, -1])
            if step > 0:
                slices.append(slice(0, s * step, step))
            else:
                slices.append(slice(b - 1, None if b - 1 - s * (-step) < 0 else b - 1 - s * (-step), step))
        a = a[tuple(slices)]
        if fdp.ConsumeBool():
            a = a.T if fdp.ConsumeBool() else a.transpose(np.random.default_rng(n).permutation(a.ndim))
    if fdp.ConsumeIntInRange(0, 3) == 0:
        a = a.view()
        a.flags.writeable = False
    return a, base


def make_input(fdp):
    kind = fdp.ConsumeIntInRange(0, 15)
    if kind == 0:
        return fdp.PickValueInList([[1, 2, 3], [[1.5, 2], [3, 4]], 3, 2.5, True, 1 + 2j, [], [[]], "abc", b"xy",
                                    None, object(), [1, "a"], [[1, 2], [3]], [True, False, True],
                                    range(5), (1, 2), [2**70, 1], -7, np.float32(2), [np.nan, 1.0]]), None
    if kind == 1:
        return fdp.ConsumeIntListInRange(fdp.ConsumeIntInRange(0, 20), -200, 200), None
    if kind == 2:
        return fdp.ConsumeFloatList(fdp.ConsumeIntInRange(0, 20)), None
    return make_array(fdp)


def make_axis(fdp):
    k = fdp.ConsumeIntInRange(0, 12)
    if k <= 3:
        return None
    if k <= 7:
        return fdp.ConsumeIntInRange(-5, 5)
    return fdp.PickValueInList([np.int64(0), np.int32(-1), np.uint8(1), True, False, 1.0, 0.0, "0", (0,), [0],
                                2**63, -(2**63) - 1, 2**100, np.bool_(True), object(), 10**6])


def make_flag(fdp):
    return fdp.PickValueInList([True, False, True, False, np.bool_(True), np.bool_(False), 0, 1, None, "True",
                                1.0, np.int64(1), [True], np.array(True)])


# ----------------------------------------------------------------------------
# The prediction: which exceptions the arguments allow, else the reference result


def predict_errors(op, a, axis, reverse, inclusive, dtype, stream):
    """(set of allowed exception types, or empty when the call must succeed, and the target dtype)."""
    errors = set()
    arr = None
    if type(a) is np.ndarray:
        arr = a
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                arr = np.asarray(a)
        except (TypeError, ValueError, OverflowError):
            errors.update({TypeError, ValueError})
    target = None
    if arr is not None:
        native = arr.dtype.newbyteorder("=") if not arr.dtype.isnative else arr.dtype
        if native not in SUPPORTED:
            errors.add(TypeError)
    if dtype is not None:
        try:
            t = np.dtype(dtype)
        except Exception:
            t = None
            if dtype in ("bfloat16",) or (mx is not None and dtype is mx.bfloat16):
                t = BF16
        if mx is not None and isinstance(dtype, type(mx.float32)):
            t = np.dtype(str(dtype).rsplit(".", 1)[-1]) if dtype is not mx.bfloat16 else BF16
        if t is None:
            errors.add(TypeError)
        else:
            t = t.newbyteorder("=") if not t.isnative else t
            if t not in SUPPORTED:
                errors.add(TypeError)
            else:
                target = t
    if axis is not None and arr is not None:
        try:
            import operator
            index = operator.index(axis)
        except TypeError:
            errors.add(TypeError)
        else:
            if not -arr.ndim <= index < arr.ndim:
                errors.update({IndexError, ValueError})
    elif axis is not None:
        try:
            import operator
            operator.index(axis)
        except TypeError:
            errors.add(TypeError)
        errors.update({IndexError, ValueError})
    for flag in (reverse, inclusive):
        if not isinstance(flag, (bool, np.bool_)):
            errors.add(TypeError)
    if stream is not None:
        ok_cpu = stream in (mlx_lite.cpu,) or (isinstance(stream, mlx_lite.Device) and stream.type is mlx_lite.cpu) \
            or (isinstance(stream, mlx_lite.Stream) and isinstance(stream.device, mlx_lite.Device)
                and stream.device.type is mlx_lite.cpu)
        gpu = stream in (mlx_lite.gpu,) or (isinstance(stream, mlx_lite.Device) and stream.type is mlx_lite.gpu) \
            or (isinstance(stream, mlx_lite.Stream) and isinstance(stream.device, mlx_lite.Device)
                and stream.device.type is mlx_lite.gpu)
        if mx is not None:
            if isinstance(stream, (type(mx.cpu), type(mx.Device(mx.cpu)))):
                is_gpu = stream == mx.gpu or (hasattr(stream, "type") and stream.type == mx.gpu)
                gpu, ok_cpu = is_gpu, not is_gpu
            elif type(stream).__name__ == "Stream" and type(stream).__module__.split(".")[0] == "mlx":
                is_gpu = stream.device.type == mx.gpu
                gpu, ok_cpu = is_gpu, not is_gpu
        if gpu:
            errors.add(ValueError)
        elif not ok_cpu:
            errors.add(TypeError)
    return errors, arr, target


IDENTITY = {"cumsum": "zero", "cumprod": "one", "cummax": "low", "cummin": "high", "logcumsumexp": "-inf"}


def identity(op, dtype):
    kind = IDENTITY[op]
    if kind == "zero":
        return np.zeros((), dtype)
    if kind == "one":
        return np.ones((), dtype)
    if kind == "-inf":
        return np.array(-np.inf).astype(dtype)
    if dtype.kind == "b":
        return np.array(kind == "high")
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        return np.array(info.min if kind == "low" else info.max, dtype)
    v = np.inf if kind == "high" else -np.inf
    if dtype.kind == "c":  # lexicographic order: (+-inf, +-inf), as in MLX
        return np.array(complex(v, v)).astype(dtype)
    return np.array(v).astype(dtype)


def accumulate(op, x, axis, rdtype):
    """The inclusive forward scan of x along axis, in NumPy, computed in a wide type for floats."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if op == "cumsum":
            if rdtype.kind in "biu":
                return np.cumsum(x.astype(rdtype), axis=axis, dtype=rdtype)
            wide = np.complex128 if rdtype.kind == "c" else np.float64
            return np.cumsum(x.astype(wide), axis=axis)
        if op == "cumprod":
            if rdtype.kind in "biu":
                if rdtype.kind == "b":
                    return np.logical_and.accumulate(x, axis=axis)
                return np.cumprod(x, axis=axis, dtype=rdtype)
            wide = np.complex128 if rdtype.kind == "c" else np.float64
            return np.cumprod(x.astype(wide), axis=axis)
        if op in ("cummax", "cummin"):
            if rdtype.kind == "c":
                return complex_minmax(op, x, axis)
            if rdtype == BF16:
                x = x.astype(np.float32)
            f = np.maximum if op == "cummax" else np.minimum
            return f.accumulate(x, axis=axis)
        # logcumsumexp
        if rdtype.kind == "c":
            return np.log(np.cumsum(np.exp(x.astype(np.complex128)), axis=axis))
        return np.logaddexp.accumulate(x.astype(np.float64), axis=axis)


def complex_minmax(op, x, axis):
    """Lexicographic running max/min of complex values (real part, then imaginary), NaN propagating."""
    x = x.astype(np.complex128)
    nan = np.isnan(x)
    pairs = np.stack([np.where(nan, 0, x.real).ravel(), np.where(nan, 0, x.imag).ravel()], axis=1)
    values, rank = np.unique(pairs, axis=0, return_inverse=True)
    rank = rank.reshape(x.shape)
    f = np.maximum if op == "cummax" else np.minimum
    best = values[f.accumulate(rank, axis=axis)]
    out = np.empty(x.shape, np.complex128)
    out.real, out.imag = best[..., 0], best[..., 1]  # not a + 1j * b: 1j * inf has a NaN real part
    return np.where(np.logical_or.accumulate(nan, axis=axis), complex(np.nan, 0), out)


def reference(op, x, axis, reverse, inclusive, rdtype):
    """(reference values in a wide type, the input as scanned, the axis), MLX's rules."""
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    if x.ndim == 0:
        x = x.reshape(1)
    if reverse:
        x = np.flip(x, axis)
    acc = accumulate(op, x, axis, rdtype)
    if not inclusive and x.shape[axis] > 0:
        ident = identity(op, rdtype if rdtype.kind in "biu" else acc.dtype)
        pad_shape = list(x.shape)
        pad_shape[axis] = 1
        pad = np.broadcast_to(ident.astype(acc.dtype), pad_shape)
        acc = np.concatenate([pad, np.take(acc, np.arange(x.shape[axis] - 1), axis=axis)], axis=axis)
        xs = np.concatenate([np.zeros(pad_shape, x.dtype), np.take(x, np.arange(x.shape[axis] - 1), axis=axis)],
                            axis=axis)
    else:
        xs = x
    if reverse:
        acc = np.flip(acc, axis)
        xs = np.flip(xs, axis)
    return acc, xs, axis


def check_values(op, got, want, xs, axis, rdtype, what, reverse=False):
    if rdtype.kind in "biu":
        if not np.array_equal(got, want.astype(rdtype)):
            raise AssertionError(f"{what}: integer result differs\n got={got!r}\nwant={want!r}")
        return
    if op in ("cummax", "cummin") and rdtype.kind != "c":
        w = want.astype(rdtype)
        if not np.array_equal(got, w, equal_nan=True):
            raise AssertionError(f"{what}: min/max differs\n got={got!r}\nwant={w!r}")
        return
    if op in ("cummax", "cummin"):
        same = (got == want) | (np.isnan(got) & np.isnan(want))
        if not np.all(same):
            raise AssertionError(f"{what}: complex min/max differs\n got={got!r}\nwant={want!r}")
        return
    # floating and complex sums, products, log-sum-exps: an error bound, and only where the
    # answer does not depend on the order of operations (no overflow, no underflow to subnormals)
    fdt = np.dtype(rdtype.char.lower()) if rdtype.kind == "c" else rdtype
    if rdtype == BF16:
        finfo_max, eps, tiny = 3.38e38, 2.0**-8, 1.18e-38
    else:
        fi = np.finfo(np.float32 if rdtype.kind == "c" and rdtype.itemsize == 8 else fdt)
        finfo_max, eps, tiny = float(fi.max), float(fi.eps), float(fi.smallest_normal)
    acc_max = 3.4e38 if finfo_max < 3.4e38 else finfo_max  # float16 and bfloat16 accumulate in float32
    acc_eps = 2.0**-24 if eps > 2.0**-24 else eps
    n = max(xs.shape[axis], 1)
    if reverse:  # the bounds below run in the scan's direction
        got, want, xs = np.flip(got, axis), np.flip(want, axis), np.flip(xs, axis)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ax = np.abs(xs.astype(np.complex128 if xs.dtype.kind == "c" else np.float64))
        finite_in = np.isfinite(xs.astype(np.complex128 if xs.dtype.kind == "c" else np.float64))
        bad_prefix = np.cumsum(~finite_in, axis=axis) > 0
        if op == "cumsum":
            scale = np.cumsum(np.where(finite_in, ax, 0.0), axis=axis)
            safe = scale < acc_max / 4
            if rdtype.kind == "c":
                safe &= ~bad_prefix  # complex inf arithmetic: leave it alone
            tol = 4 * n * acc_eps * scale + 2 * eps * np.abs(want) + tiny * 4 * n
        elif op == "cumprod":
            logs = np.where(finite_in & (ax > 0), np.log2(np.where(ax > 0, ax, 1.0)), 0.0)
            s = np.cumsum(logs, axis=axis)
            s0 = np.concatenate([np.zeros_like(np.take(s, [0], axis=axis)), s], axis=axis)
            run_min = np.take(np.minimum.accumulate(s0, axis=axis), np.arange(s.shape[axis]), axis=axis)
            run_max = np.take(np.maximum.accumulate(s0, axis=axis), np.arange(s.shape[axis]), axis=axis)
            hi = np.maximum.accumulate(s - run_min, axis=axis)   # largest contiguous sub-product
            lo = np.minimum.accumulate(s - run_max, axis=axis)   # smallest
            safe = (hi < math.log2(acc_max) - 2) & (lo > math.log2(tiny) + 2)
            safe &= ~bad_prefix | (rdtype.kind != "c")
            scale = np.exp2(np.minimum(s, 1023.0))
            tol = 4 * n * acc_eps * scale + 2 * eps * np.abs(want)
        else:  # logcumsumexp
            mx_in = np.maximum.accumulate(np.where(finite_in, ax, 0.0), axis=axis)
            safe = mx_in < 1e4 if rdtype.kind != "c" else (mx_in < 40) & ~bad_prefix
            if rdtype.kind == "c":
                # compare exp(got) with the running sum of exp(x): no branch cut
                gotc = np.exp(got.astype(np.complex128))
                wantc = np.exp(want)
                scale = np.cumsum(np.exp(np.where(finite_in, ax, 0.0)), axis=axis)
                close = np.abs(gotc - wantc) <= 16 * n * eps * scale + 1e-300
                bad = safe & ~close
                if np.any(bad):
                    raise AssertionError(f"{what}: complex logcumsumexp differs\n got={got!r}\nwant={want!r}")
                return
            tol = 8 * n * acc_eps * (1 + mx_in) + 2 * eps * np.abs(want) + 1e-300
        safe = safe & ~(np.isfinite(want) & (np.abs(want) > finfo_max / 2))
        g = got.astype(np.complex128 if rdtype.kind == "c" else np.float64)
        if rdtype.kind == "c":
            parts = [(g.real, want.real), (g.imag, want.imag)]
        else:
            parts = [(g, want)]
        for gp, wp in parts:
            both_nan = np.isnan(gp) & np.isnan(wp)
            same_inf = np.isinf(gp) & (gp == wp)
            close = np.abs(gp - wp) <= tol
            ok = both_nan | same_inf | close | ~safe
            if not np.all(ok):
                i = np.argwhere(~ok)[0]
                raise AssertionError(f"{what}: value differs at {tuple(i)}: got {gp[tuple(i)]!r}, "
                                     f"want {wp[tuple(i)]!r}, tol {np.broadcast_to(tol, gp.shape)[tuple(i)]!r}"
                                     f"\n got={got!r}\nwant={want!r}")


def result_dtype(op, dtype):
    if op == "cumsum" and dtype.kind == "b":
        return np.dtype(np.int32)
    if op == "logcumsumexp" and dtype.kind in "biu":
        return np.dtype(np.float32)
    return dtype


def snapshot(obj):
    if isinstance(obj, np.ndarray) and obj.dtype.kind != "O":
        return obj.tobytes(order="A"), obj.shape, obj.strides
    return None


def TestOneInput(data):
    fdp = atheris.FuzzedDataProvider(data)
    name, fn = fdp.PickValueInList(FUNCTIONS)
    op = OP_OF.get(name, name)
    a, base = make_input(fdp)
    axis = make_axis(fdp)
    kwargs = {}
    if fdp.ConsumeIntInRange(0, 3):
        kwargs["reverse"] = make_flag(fdp)
    if fdp.ConsumeIntInRange(0, 3):
        kwargs["inclusive"] = make_flag(fdp)
    if op in HAS_DTYPE and fdp.ConsumeIntInRange(0, 2) == 0:
        kwargs["dtype"] = fdp.PickValueInList(DTYPE_ARGS)
    elif op not in HAS_DTYPE and fdp.ConsumeIntInRange(0, 30) == 0:
        kwargs["dtype"] = np.float32  # not a parameter of this function: TypeError
    if fdp.ConsumeIntInRange(0, 2) == 0:
        kwargs["stream"] = fdp.PickValueInList(STREAMS)
    positional_axis = fdp.ConsumeBool()

    before_a = snapshot(a)
    before_base = snapshot(base)
    reverse = kwargs.get("reverse", False)
    inclusive = kwargs.get("inclusive", True)
    dtype = kwargs.get("dtype")
    stream = kwargs.get("stream")
    if "dtype" in kwargs and op not in HAS_DTYPE:
        allowed, arr, target = {TypeError}, None, None
    else:
        allowed, arr, target = predict_errors(op, a, axis, reverse, inclusive, dtype, stream)
    what = Describe(lambda: f"{name}(a={a!r:.300} dtype={getattr(a, 'dtype', None)} shape={getattr(a, 'shape', None)} "
            f"strides={getattr(a, 'strides', None)}, axis={axis!r}, kwargs={kwargs!r})")


    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if positional_axis:
                got = fn(a, axis, **kwargs)
            else:
                got = fn(a, axis=axis, **kwargs)
        except (TypeError, ValueError, IndexError, MemoryError) as error:
            if not allowed:
                raise AssertionError(f"{what}: raised {type(error).__name__}: {error} but should succeed") from error
            if not any(isinstance(error, t) for t in allowed):
                raise AssertionError(f"{what}: raised {type(error).__name__}: {error}, expected one of "
                                     f"{sorted(t.__name__ for t in allowed)}") from error
            got = None
        else:
            if allowed:
                raise AssertionError(f"{what}: returned instead of raising one of "
                                     f"{sorted(t.__name__ for t in allowed)}")

    # the input is unchanged
    if snapshot(a) != before_a or snapshot(base) != before_base:
        raise AssertionError(f"{what}: the input was modified")
    if got is None:
        return

    # the result: new, writeable, right shape and dtype, right values
    x = arr
    if target is not None:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            x = x.astype(target)
    x = x.astype(x.dtype.newbyteorder("=")) if not x.dtype.isnative else x
    rdtype = result_dtype(op, x.dtype)
    if not isinstance(got, np.ndarray):
        raise AssertionError(f"{what}: result is a {type(got).__name__}")
    if got.dtype != rdtype or not got.dtype.isnative:
        raise AssertionError(f"{what}: result dtype {got.dtype}, want {rdtype}")
    want_shape = (x.size,) if axis is None else x.shape
    if got.shape != want_shape:
        raise AssertionError(f"{what}: result shape {got.shape}, want {want_shape}")
    if not got.flags.writeable:
        raise AssertionError(f"{what}: result is read-only")
    if isinstance(a, np.ndarray) and got.size and np.may_share_memory(got, a):
        raise AssertionError(f"{what}: result shares memory with the input")
    if got.size == 0:
        return
    ax = None if axis is None else int(axis) % x.ndim
    want, xs, ax2 = reference(op, x, ax, bool(reverse), bool(inclusive), rdtype)
    if axis is None:
        got_c = got
    else:
        got_c = got if x.ndim else got.reshape(1)
    check_values(op, got_c, want, xs, ax2, rdtype, what, bool(reverse))


def main():
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
