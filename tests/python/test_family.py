"""Semantics from the SPEC's examples, result dtypes, dtype= spellings, and the
shape of the public API (signatures, aliases, docstrings, version)."""

import inspect
import math

import numpy as np
import pytest

import mlx_lite
from reference import ALL_DTYPES, BF16, BOOL, OPS, dtype_id, reference, assert_matches, result_dtype

# ----------------------------------------------------------------------------
# The SPEC's worked examples


def test_int8_sum_wraps():
    got = mlx_lite.cumsum(np.array([100, 100, 100], dtype=np.int8))
    assert got.dtype == np.int8
    assert got.tolist() == [100, -56, 44]


def test_uint8_sum_wraps():
    got = mlx_lite.cumsum(np.array([200, 200], dtype=np.uint8))
    assert got.dtype == np.uint8
    assert got.tolist() == [200, 144]


def test_int32_product_wraps():
    got = mlx_lite.cumprod(np.full(4, 1000, dtype=np.int32))
    assert got.dtype == np.int32
    assert got[-1] == -727379968
    assert got.tolist() == [1000, 1000000, 1000000000, -727379968]


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"])
def test_integer_extremes_wrap(dtype):
    info = np.iinfo(dtype)
    a = np.array([info.max, 1, info.max, info.max], dtype=dtype)
    got = mlx_lite.cumsum(a)
    modulus = 1 << info.bits
    expected = []
    running = 0
    for v in a.tolist():
        running = (running + v) % modulus
        expected.append(running - modulus if running > info.max else running)
    assert got.tolist() == expected
    p = mlx_lite.cumprod(np.array([info.max, info.max, 3], dtype=dtype))
    expected, running = [], 1
    for v in [int(info.max), int(info.max), 3]:
        running = (running * v) % modulus
        expected.append(running - modulus if running > info.max else running)
    assert p.tolist() == expected


def test_reverse_exclusive_sum():
    got = mlx_lite.cumsum([1, 2, 3, 4], reverse=True, inclusive=False)
    assert got.tolist() == [9, 7, 4, 0]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64, np.complex128] + (
    [BF16] if BF16 is not None else []), ids=dtype_id)
def test_exclusive_sum_of_negative_zero_starts_from_positive_zero(dtype):
    a = np.array([-0.0], dtype=dtype)
    exclusive = mlx_lite.cumsum(a, inclusive=False)
    inclusive = mlx_lite.cumsum(a)
    real = lambda r: np.real(r.astype(np.complex128) if r.dtype.kind == "c" else r.astype(np.float64))
    assert exclusive.dtype == np.dtype(dtype) and inclusive.dtype == np.dtype(dtype)
    assert real(exclusive)[0] == 0 and not np.signbit(real(exclusive)[0])
    assert real(inclusive)[0] == 0 and np.signbit(real(inclusive)[0])
    # and in longer sums: -0.0 + -0.0 stays -0.0
    both = mlx_lite.cumsum(np.array([-0.0, -0.0], dtype=dtype))
    assert np.all(np.signbit(real(both)))
    rev = mlx_lite.cumsum(np.array([-0.0, -0.0], dtype=dtype), reverse=True, inclusive=False)
    assert real(rev)[-1] == 0 and not np.signbit(real(rev)[-1])
    two_d = mlx_lite.cumsum(np.full((2, 3), -0.0, dtype=dtype), axis=1, inclusive=False)
    assert not np.signbit(real(two_d)[:, 0]).any()
    assert np.signbit(real(mlx_lite.cumsum(np.full((2, 3), -0.0, dtype=dtype), axis=0))).all()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64] + ([BF16] if BF16 is not None else []),
                         ids=dtype_id)
def test_inf_plus_minus_inf_is_nan(dtype):
    got = mlx_lite.cumsum(np.array([np.inf, -np.inf, 1.0], dtype=dtype)).astype(np.float64)
    assert got[0] == np.inf and np.isnan(got[1]) and np.isnan(got[2])
    got = mlx_lite.cumprod(np.array([np.inf, 0.0, 1.0], dtype=dtype)).astype(np.float64)
    assert got[0] == np.inf and np.isnan(got[1]) and np.isnan(got[2])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64, np.complex128] + (
    [BF16] if BF16 is not None else []), ids=dtype_id)
@pytest.mark.parametrize("op", OPS)
def test_nan_propagates_in_every_op(op, dtype):
    """A NaN reaches every later output, whatever follows it (including
    values that would win a comparison, or absorb a sum: inf, -inf)."""
    followers = [5.0, np.inf, -np.inf, 0.0, -1.0, 1e4]
    leads = ([], [1.0], [np.inf], [-np.inf])
    if op == "cumprod" and np.dtype(dtype).kind == "c":
        leads = ([], [1.0], [2.0 - 1.0j])  # infinite complex factors: see test_complex_cumprod_of_infinities
    for follower in followers:
        for lead in leads:
            values = lead + [np.nan] + [follower, follower]
            a = np.array(values).astype(dtype)
            nan_at = len(lead)
            for reverse in (False, True):
                x = a[::-1] if reverse else a
                with np.errstate(all="ignore"):
                    got = getattr(mlx_lite, op)(x, reverse=reverse)
                got = got[::-1] if reverse else got
                wide = got.astype(np.complex128 if got.dtype.kind == "c" else np.float64)
                assert np.isnan(wide[nan_at:]).all(), f"{op} {values} reverse={reverse}: {got}"
                assert not np.isnan(wide[:nan_at]).any(), f"{op} {values}: {got}"


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_cumprod_of_infinities(dtype):
    """The first output of an inclusive scan is the first input, and a size-1
    axis is the identity (SPEC section 7), also for infinite complex values."""
    for z in (complex(np.inf, 0), complex(-np.inf, 0), complex(0, np.inf), complex(np.inf, np.inf),
              complex(1, -np.inf)):
        a = np.array([z], dtype=dtype)
        got = mlx_lite.cumprod(a)
        assert got.tolist() == [z], f"cumprod([{z}]) = {got}"
        got = mlx_lite.cumprod(np.array([[z, 2]], dtype=dtype), axis=0)
        assert got.tolist() == [[z, 2]], f"cumprod([[{z}, 2]], axis=0) = {got}"
        got = mlx_lite.cumprod(np.array([z, 2], dtype=dtype))
        assert got[0] == z, f"cumprod([{z}, 2]) = {got}"
        got = mlx_lite.cumprod(np.array([2, z], dtype=dtype), reverse=True)
        assert got[1] == z, f"cumprod([2, {z}], reverse=True) = {got}"


_REAL_SPECIALS = [0.0, -0.0, 1.5, -2.25, np.inf, -np.inf, np.nan, 1e30]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64, np.complex128] + (
    [BF16] if BF16 is not None else []), ids=dtype_id)
@pytest.mark.parametrize("op", OPS)
def test_single_element_inclusive_scan_is_the_element(op, dtype):
    """SPEC section 7: a size-1 axis is the identity for inclusive scans, for
    every value, special ones included (compared with ==, NaN as NaN)."""
    if np.dtype(dtype).kind == "c":
        values = [complex(r, i) for r in _REAL_SPECIALS for i in _REAL_SPECIALS]
    else:
        values = _REAL_SPECIALS
    with np.errstate(all="ignore"):
        column = np.array(values).astype(dtype)
    wide = np.complex128 if np.dtype(dtype).kind == "c" else np.float64
    for shape, axis in (((len(values), 1), 1), ((1, len(values)), 0)):
        a = column.reshape(shape)
        for reverse in (False, True):
            got = getattr(mlx_lite, op)(a, axis, reverse=reverse)
            assert got.dtype == a.dtype
            g, w = got.astype(wide).ravel(), a.astype(wide).ravel()
            bad = [(complex(x) if wide is np.complex128 else float(x), y)
                   for x, y in zip(w, g) if not (np.isnan(x) and np.isnan(y)) and not x == y]
            assert not bad, f"{op} changed single elements (input, output): {bad[:6]}"


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_max_min_are_lexicographic(dtype):
    a = np.array([1 + 5j, 2 - 1j, 2 + 3j, 2 + 0j, 1 + 9j, 3 - 9j, 3 - 10j], dtype=dtype)
    assert mlx_lite.cummax(a).tolist() == [1 + 5j, 2 - 1j, 2 + 3j, 2 + 3j, 2 + 3j, 3 - 9j, 3 - 9j]
    assert mlx_lite.cummin(a).tolist() == [1 + 5j, 1 + 5j, 1 + 5j, 1 + 5j, 1 + 5j, 1 + 5j, 1 + 5j]
    b = np.array([3 + 1j, 3 - 2j, 1 + 7j, 1 + 2j, 0 + 100j], dtype=dtype)
    assert mlx_lite.cummin(b).tolist() == [3 + 1j, 3 - 2j, 1 + 7j, 1 + 2j, 100j]
    assert mlx_lite.cummax(b, reverse=True).tolist() == [3 + 1j, 3 - 2j, 1 + 7j, 1 + 2j, 100j]
    # NaN in either component propagates
    c = np.array([1 + 1j, complex(2, np.nan), 5 + 0j], dtype=dtype)
    assert np.isnan(mlx_lite.cummax(c)[1:]).all() and np.isnan(mlx_lite.cummin(c)[1:]).all()


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.complex64, np.complex128] + (
    [BF16] if BF16 is not None else []), ids=dtype_id)
def test_logcumsumexp_is_stable(dtype):
    real = lambda r: np.real(r.astype(np.complex128) if r.dtype.kind == "c" else r.astype(np.float64))
    big = 1000.0 if np.dtype(dtype).itemsize > 2 else 60.0  # 1000 is beyond float16's range
    got = real(mlx_lite.logcumsumexp(np.array([big, big], dtype=dtype)))
    tol = 4 * float(np.finfo(np.float16).eps if np.dtype(dtype).itemsize <= 2 else np.finfo(np.float32).eps)
    assert got[0] == big
    assert abs(got[1] - (big + math.log(2))) <= tol * (big + 1)
    assert np.all(real(mlx_lite.logcumsumexp(np.array([-np.inf, -np.inf], dtype=dtype))) == -np.inf)
    assert np.all(real(mlx_lite.logcumsumexp(np.array([np.inf, np.inf], dtype=dtype))) == np.inf)


def test_logcumsumexp_1000_float32_and_float64():
    for dtype, tol in ((np.float32, 1e-4), (np.float64, 1e-12)):
        got = mlx_lite.logcumsumexp(np.array([1000, 1000], dtype=dtype))
        assert got.dtype == dtype
        assert got[0] == 1000
        assert abs(float(got[1]) - (1000 + math.log(2))) <= tol
    got = mlx_lite.logcumsumexp(np.array([-np.inf, -np.inf]))
    assert got.tolist() == [-np.inf, -np.inf]
    got = mlx_lite.logcumsumexp(np.array([np.inf, np.inf]))
    assert got.tolist() == [np.inf, np.inf]
    got = mlx_lite.logcumsumexp(np.array([-np.inf, 2.0, -np.inf]))
    assert got.tolist() == [-np.inf, 2.0, 2.0]
    got = mlx_lite.logcumsumexp(np.array([0.0, np.inf, 3.0]))
    assert got.tolist() == [0.0, np.inf, np.inf]


def test_exclusive_identities():
    assert mlx_lite.cumprod([2, 3], inclusive=False).tolist() == [1, 2]
    assert mlx_lite.cummax(np.array([5, 1], np.int16), inclusive=False).tolist() == [np.iinfo(np.int16).min, 5]
    assert mlx_lite.cummin(np.array([5, 1], np.uint32), inclusive=False).tolist() == [np.iinfo(np.uint32).max, 5]
    assert mlx_lite.cummax(np.array([1.0, 2.0]), inclusive=False).tolist() == [-np.inf, 1.0]
    assert mlx_lite.cummin(np.array([1.0, 2.0], np.float32), inclusive=False).tolist() == [np.inf, 1.0]
    assert mlx_lite.cummax(np.array([True, False]), inclusive=False).tolist() == [False, True]
    assert mlx_lite.cummin(np.array([False, True]), inclusive=False).tolist() == [True, False]
    assert mlx_lite.logcumsumexp(np.array([0.0]), inclusive=False).tolist() == [-np.inf]


def test_size_one_axis_is_identity_for_inclusive_scans(rng):
    for dtype in ALL_DTYPES:
        a = (rng.random((3, 1, 4)) * 10).astype(dtype)
        for op in ("cumsum", "cumprod", "cummax", "cummin"):
            got = getattr(mlx_lite, op)(a, 1)
            assert got.dtype == result_dtype(op, dtype)
            assert np.array_equal(got, a.astype(got.dtype)), (op, dtype)


def test_float16_accumulates_in_float32():
    got = mlx_lite.cumsum(np.ones(5000, np.float16))
    assert got.dtype == np.float16
    assert got[-1] == 5000
    assert np.array_equal(got.astype(np.float64), np.arange(1, 5001).astype(np.float16).astype(np.float64))
    along0 = mlx_lite.cumsum(np.ones((5000, 3), np.float16), axis=0)
    assert np.all(along0[-1] == 5000)
    along0_f = mlx_lite.cumsum(np.asfortranarray(np.ones((3, 5000), np.float16)), axis=1, reverse=True)
    assert np.all(along0_f[:, 0] == 5000)


@pytest.mark.skipif(BF16 is None, reason="ml_dtypes not installed")
def test_bfloat16_accumulates_in_float32():
    got = mlx_lite.cumsum(np.ones(300, BF16))
    assert got.dtype == BF16
    assert float(got[-1]) == 300.0  # 256 when every step rounds to bfloat16
    along0 = mlx_lite.cumsum(np.ones((300, 2), BF16), axis=0)
    assert np.all(along0[-1].astype(np.float32) == 300.0)


# ----------------------------------------------------------------------------
# Result dtypes (SPEC section 3)

SPEC_TABLE = {
    # input: (cumsum, cumprod, cummax/cummin, logcumsumexp)
    "bool": ("int32", "bool", "bool", "float32"),
    "int8": ("int8", "int8", "int8", "float32"),
    "int16": ("int16", "int16", "int16", "float32"),
    "int32": ("int32", "int32", "int32", "float32"),
    "int64": ("int64", "int64", "int64", "float32"),
    "uint8": ("uint8", "uint8", "uint8", "float32"),
    "uint16": ("uint16", "uint16", "uint16", "float32"),
    "uint32": ("uint32", "uint32", "uint32", "float32"),
    "uint64": ("uint64", "uint64", "uint64", "float32"),
    "float16": ("float16", "float16", "float16", "float16"),
    "float32": ("float32", "float32", "float32", "float32"),
    "float64": ("float64", "float64", "float64", "float64"),
    "complex64": ("complex64", "complex64", "complex64", "complex64"),
    "complex128": ("complex128", "complex128", "complex128", "complex128"),
    "bfloat16": ("bfloat16", "bfloat16", "bfloat16", "bfloat16"),
}


@pytest.mark.parametrize("name", list(SPEC_TABLE))
def test_result_dtype_table(name):
    if name == "bfloat16":
        if BF16 is None:
            pytest.skip("ml_dtypes not installed")
        dtype = BF16
    else:
        dtype = np.dtype(name)
    a = np.ones((2, 3), dtype=dtype)
    sums, prods, maxmin, lse = SPEC_TABLE[name]
    expected = {"cumsum": sums, "cumprod": prods, "cummax": maxmin, "cummin": maxmin, "logcumsumexp": lse}
    for op, want in expected.items():
        for axis in (None, 0, 1):
            for inclusive in (True, False):
                got = getattr(mlx_lite, op)(a, axis, inclusive=inclusive)
                assert got.dtype.name == want, (op, name, got.dtype)
                assert got.dtype.isnative
                assert result_dtype(op, dtype).name == want  # the test's own reference agrees


def test_integer_list_default_is_numpy_int64():
    # lists go through numpy.asarray: Python ints become int64 (not MLX's int32)
    assert mlx_lite.cumsum([1, 2, 3]).dtype == np.asarray([1, 2, 3]).dtype
    assert mlx_lite.cumsum([True, False]).dtype == np.int32
    assert mlx_lite.logcumsumexp([1, 2]).dtype == np.float32


# ----------------------------------------------------------------------------
# dtype= spellings


def _spellings(name):
    forms = [np.dtype(name), name, getattr(mlx_lite, name if name != "bool" else "bool_")]
    if name != "bool":
        forms.append(getattr(np, name))
    else:
        forms.append(np.bool_)
    return forms


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
@pytest.mark.parametrize("name", ["bool", "int8", "uint16", "int32", "int64", "float16", "float32", "float64",
                                  "complex64", "complex128"])
def test_dtype_spellings(op, name, rng):
    a = rng.integers(0, 3, size=(3, 4)).astype(np.int16)
    want = reference(op, a, 1, False, True, dtype=np.dtype(name))
    for form in _spellings(name):
        got = getattr(mlx_lite, op)(a, 1, dtype=form)
        assert_matches(got, want, f"{op} dtype={form!r}")


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_dtype_mlx_objects(op, rng):
    mx = pytest.importorskip("mlx.core")
    a = rng.integers(0, 3, size=(3, 4)).astype(np.int16)
    for mdt, name in [(mx.float32, "float32"), (mx.int8, "int8"), (mx.uint64, "uint64"), (mx.bool_, "bool"),
                      (mx.float16, "float16"), (mx.complex64, "complex64"), (mx.int64, "int64")]:
        got = getattr(mlx_lite, op)(a, 0, dtype=mdt)
        assert_matches(got, reference(op, a, 0, False, True, dtype=np.dtype(name)), f"{op} dtype={mdt}")
    if BF16 is not None:
        got = getattr(mlx_lite, op)(a, 0, dtype=mx.bfloat16)
        assert got.dtype == BF16


@pytest.mark.skipif(BF16 is None, reason="ml_dtypes not installed")
@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_dtype_bfloat16_spellings(op, rng):
    import ml_dtypes

    a = rng.integers(0, 3, size=(5,)).astype(np.int8)
    want = reference(op, a, 0, False, True, dtype=BF16)
    for form in (BF16, ml_dtypes.bfloat16, "bfloat16", mlx_lite.bfloat16):
        assert_matches(getattr(mlx_lite, op)(a, 0, dtype=form), want, f"{op} dtype={form!r}")


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_bool_rule_applies_after_the_cast(op):
    a = np.array([0.0, 2.5, -1.0, 0.0, 7.0])
    got = getattr(mlx_lite, op)(a, dtype=bool)
    as_bool = a.astype(bool)
    if op == "cumsum":
        assert got.dtype == np.int32
        assert got.tolist() == np.cumsum(as_bool.astype(np.int64)).tolist()
    else:
        assert got.dtype == np.bool_
        assert got.tolist() == np.logical_and.accumulate(as_bool).tolist()
    for form in (np.bool_, "bool", mlx_lite.bool_, np.dtype(bool)):
        assert getattr(mlx_lite, op)(a, dtype=form).dtype == (np.int32 if op == "cumsum" else np.bool_)


@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_dtype_builtin_python_types(op):
    a = np.array([1, 2, 3, 0, 2], dtype=np.int16)
    for form, name in ((float, "float64"), (int, np.dtype(int).name), (complex, "complex128"), (bool, "bool")):
        got = getattr(mlx_lite, op)(a, dtype=form)
        assert_matches(got, reference(op, a, None, False, True, dtype=np.dtype(name)), f"{op} dtype={form}")


@pytest.mark.parametrize("target", [">f4", ">i8", ">c16", ">u2", "<f8", "=i4"])
@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_dtype_with_explicit_byte_order(op, target):
    """A dtype= of either byte order names a supported element type: the scan
    runs on it and, as for non-native inputs (SPEC section 2), the result is
    in native order."""
    a = np.array([[1, 2, 3], [0, 2, 1]], dtype=np.int16)
    native = np.dtype(target).newbyteorder("=")
    got = getattr(mlx_lite, op)(a, 1, dtype=target)
    assert got.dtype == native and got.dtype.isnative
    assert_matches(got, reference(op, a, 1, False, True, dtype=native), f"{op} dtype={target}")


def test_dtype_cast_happens_before_scan():
    # int8 sums wrap when cast first; they would not in a wider type
    a = np.array([100, 100, 100], dtype=np.int64)
    assert mlx_lite.cumsum(a, dtype=np.int8).tolist() == [100, -56, 44]
    # a float cast truncates nothing here but changes the kind
    got = mlx_lite.cumprod(np.array([3, 5], dtype=np.uint8), dtype="float64")
    assert got.dtype == np.float64 and got.tolist() == [3.0, 15.0]
    # a wider dtype does not wrap
    assert mlx_lite.cumsum(np.array([200, 200], np.uint8), dtype=np.uint16).tolist() == [200, 400]


# ----------------------------------------------------------------------------
# The public API


EXPECTED_PARAMS = {
    "with_dtype": [("a", inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.empty),
                   ("axis", inspect.Parameter.POSITIONAL_OR_KEYWORD, None),
                   ("reverse", inspect.Parameter.KEYWORD_ONLY, False),
                   ("inclusive", inspect.Parameter.KEYWORD_ONLY, True),
                   ("dtype", inspect.Parameter.KEYWORD_ONLY, None),
                   ("stream", inspect.Parameter.KEYWORD_ONLY, None),
                   # NumPy's conventions (SPEC §9), after MLX's parameters so that theirs keep their order
                   ("out", inspect.Parameter.KEYWORD_ONLY, None),
                   ("include_initial", inspect.Parameter.KEYWORD_ONLY, False)],
}
EXPECTED_PARAMS["without_dtype"] = [p for p in EXPECTED_PARAMS["with_dtype"] if p[0] != "dtype"]


def _stripped(fn):
    sig = inspect.signature(fn)
    return sig.replace(parameters=[p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()],
                       return_annotation=inspect.Signature.empty)


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "cumulative_sum",
                                  "cumulative_prod"])
def test_signatures(name):
    fn = getattr(mlx_lite, name)
    kind = "with_dtype" if name in ("cumsum", "cumprod", "cumulative_sum", "cumulative_prod") else "without_dtype"
    params = [(p.name, p.kind, p.default) for p in _stripped(fn).parameters.values()]
    assert params == EXPECTED_PARAMS[kind]
    if kind == "with_dtype":
        assert str(_stripped(fn)) == ("(a, /, axis=None, *, reverse=False, inclusive=True, dtype=None, stream=None, "
                                      "out=None, include_initial=False)")
    else:
        assert str(_stripped(fn)) == ("(a, /, axis=None, *, reverse=False, inclusive=True, stream=None, out=None, "
                                      "include_initial=False)")
    # the annotated signature is inspectable too, and has hints
    assert any(p.annotation is not inspect.Parameter.empty for p in inspect.signature(fn).parameters.values())


def test_aliases_and_version():
    assert mlx_lite.cumulative_sum is mlx_lite.cumsum
    assert mlx_lite.cumulative_prod is mlx_lite.cumprod
    assert isinstance(mlx_lite.__version__, str) and mlx_lite.__version__
    assert mlx_lite.__version__[0].isdigit()


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "Device", "Stream",
                                  "default_device", "set_default_device", "default_stream", "set_default_stream",
                                  "new_stream", "stream", "is_available"])
def test_docstrings(name):
    doc = inspect.getdoc(getattr(mlx_lite, name))
    assert doc and len(doc) > 20
    assert inspect.getdoc(mlx_lite)


@pytest.mark.parametrize("op", OPS)
def test_docstring_describes_arguments(op):
    doc = inspect.getdoc(getattr(mlx_lite, op))
    for word in ("axis", "reverse", "inclusive", "stream"):
        assert word in doc
    if op in ("cumsum", "cumprod"):
        assert "dtype" in doc


def test_public_names():
    for name in ("cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "cumulative_sum", "cumulative_prod",
                 "cpu", "gpu", "Device", "DeviceType", "Stream", "default_device", "set_default_device",
                 "default_stream", "set_default_stream", "new_stream", "stream", "is_available", "float32",
                 "int8", "bool_", "complex128"):
        assert hasattr(mlx_lite, name), name
    for name in ("cumsum", "cummax", "Device", "stream"):
        assert name in mlx_lite.__all__
    assert mlx_lite.float32 == np.float32 and mlx_lite.int8 == np.int8 and mlx_lite.bool_ == np.bool_


def test_empty_results(rng):
    for dtype in ALL_DTYPES:
        for shape in ((0,), (0, 3), (3, 0, 2), (2, 0)):
            a = np.zeros(shape, dtype=dtype)
            for op in OPS:
                for axis in [None] + list(range(len(shape))):
                    got = getattr(mlx_lite, op)(a, axis)
                    assert got.shape == ((0,) if axis is None else shape)
                    assert got.dtype == result_dtype(op, dtype)


def test_zero_d_results():
    for dtype in ALL_DTYPES:
        a = np.array(1, dtype=dtype)
        for op in OPS:
            got = getattr(mlx_lite, op)(a)
            assert got.shape == (1,)
            assert got.dtype == result_dtype(op, dtype)
            got = getattr(mlx_lite, op)(a, inclusive=False)
            assert got.shape == (1,)
