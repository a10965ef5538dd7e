"""Accuracy against exact references, bitwise reproducibility across runs and
thread counts, and 64-bit sizes (SPEC sections 6 and 7)."""

import math
import os
from fractions import Fraction

import numpy as np
import pytest

import mlx_lite
from reference import BF16, available_memory

# ----------------------------------------------------------------------------
# Accuracy


def _max_rel_error(got, exact):
    got = np.asarray(got, dtype=np.float64)
    return float(np.max(np.abs(got - exact) / np.abs(exact)))


@pytest.fixture(scope="module")
def uniform_f32():
    return np.random.default_rng(20240601).random(10**6, dtype=np.float32)


def test_float32_cumsum_1e6_is_at_least_as_accurate_as_numpy(uniform_f32):
    x = uniform_f32
    exact = np.cumsum(x.astype(np.float64))  # float32 inputs sum almost exactly in float64
    ours = mlx_lite.cumsum(x)
    assert ours.dtype == np.float32
    ours_err = _max_rel_error(ours, exact)
    numpy_err = _max_rel_error(np.cumsum(x), exact)
    assert ours_err <= numpy_err, (ours_err, numpy_err)
    assert ours_err <= 1.2e-7, ours_err  # rounded once: within about half an ulp


def test_float32_cumsum_reverse_and_exclusive_accuracy(uniform_f32):
    x = uniform_f32
    exact_rev = np.cumsum(x[::-1].astype(np.float64))[::-1]
    ours = mlx_lite.cumsum(x, reverse=True)
    assert _max_rel_error(ours, exact_rev) <= 1.2e-7
    ours_ex = mlx_lite.cumsum(x, inclusive=False)
    assert ours_ex[0] == 0
    assert _max_rel_error(ours_ex[1:], np.cumsum(x.astype(np.float64))[:-1]) <= 1.2e-7


@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("order", ["C", "F"])
def test_float32_cumsum_2d_accuracy(axis, order):
    x = np.asarray(np.random.default_rng(7).random((2000, 300), dtype=np.float32), order=order)
    if axis == 1:
        x = np.asarray(x.T, order=order)  # long axis 1
    exact = np.cumsum(x.astype(np.float64), axis=axis)
    ours = mlx_lite.cumsum(x, axis=axis)
    ours_err = _max_rel_error(ours, exact)
    numpy_err = _max_rel_error(np.cumsum(x, axis=axis), exact)
    assert ours_err <= numpy_err, (ours_err, numpy_err)


def _exact_prefix_errors(values, got):
    """Max relative error of ``got`` against the exact (rational) prefix sums."""
    running = Fraction(0)
    worst = 0.0
    for v, g in zip(values.tolist(), got.tolist()):
        running += Fraction(v)
        if running != 0:
            worst = max(worst, abs(float((Fraction(g) - running) / running)))
    return worst


def test_float64_cumsum_against_exact_rationals():
    x = np.random.default_rng(99).random(20000)
    ours = mlx_lite.cumsum(x)
    ours_err = _exact_prefix_errors(x, ours)
    numpy_err = _exact_prefix_errors(x, np.cumsum(x))
    assert ours_err <= numpy_err, (ours_err, numpy_err)
    assert ours_err < 1e-12
    # spot-check the final value against math.fsum, which is correctly rounded
    assert abs(ours[-1] - math.fsum(x.tolist())) <= 4 * np.spacing(ours[-1])


def test_float64_cumsum_reverse_against_exact_rationals():
    x = np.random.default_rng(98).random(20000)
    ours = mlx_lite.cumsum(x, reverse=True)[::-1]
    ours_err = _exact_prefix_errors(x[::-1], ours)
    numpy_err = _exact_prefix_errors(x[::-1], np.cumsum(x[::-1]))
    assert ours_err <= numpy_err, (ours_err, numpy_err)


def test_float64_cumsum_along_axis0_against_exact_rationals():
    x = np.random.default_rng(97).random((5000, 4))
    ours = mlx_lite.cumsum(x, axis=0)
    ref = np.cumsum(x, axis=0)
    for col in range(4):
        assert _exact_prefix_errors(x[:, col], ours[:, col]) <= _exact_prefix_errors(x[:, col], ref[:, col])


def test_float16_sum_of_ones():
    assert mlx_lite.cumsum(np.ones(5000, np.float16))[-1] == 5000
    assert mlx_lite.cumsum(np.ones(5000, np.float16), reverse=True)[0] == 5000
    assert mlx_lite.cumsum(np.ones((2, 5000), np.float16), axis=1)[1, -1] == 5000


def _ulp_above(values, dtype):
    """The gap to the next representable value of ``dtype`` above each positive value."""
    v = np.asarray(values).astype(dtype)
    up = (v.view(np.uint16) + np.uint16(1)).view(dtype)
    return up.astype(np.float64) - v.astype(np.float64)


@pytest.mark.parametrize("dtype", [np.float16] + ([BF16] if BF16 is not None else []),
                         ids=lambda d: np.dtype(d).name)
def test_half_precision_sums_are_rounded_once(dtype, rng):
    """float16/bfloat16 outputs are wide running sums rounded once: each is
    within about half an ulp of the exact sum (a sum rounded at every step,
    as NumPy's and MLX's are, drifts by many ulps)."""
    x = (rng.random(3000) * 2).astype(dtype)
    exact = np.cumsum(x.astype(np.float64))
    ours = mlx_lite.cumsum(x).astype(np.float64)
    ulp = np.maximum(_ulp_above(exact, dtype), _ulp_above(np.abs(ours), dtype))
    slack = 2e-5 * np.abs(exact)  # float32 accumulation error near a rounding midpoint
    assert np.all(np.abs(ours - exact) <= 0.5 * ulp + slack)
    stepwise = np.cumsum(x).astype(np.float64)  # NumPy: rounded at each step
    assert np.max(np.abs(stepwise - exact) / ulp) > 2  # the test discriminates


def test_logcumsumexp_accuracy_float32(rng):
    x = rng.uniform(-30, 30, size=200000).astype(np.float32)
    exact = np.logaddexp.accumulate(x.astype(np.float64))
    ours = mlx_lite.logcumsumexp(x).astype(np.float64)
    # each step's error is about an ulp of the running value
    assert np.max(np.abs(ours - exact)) <= 1e-4


# ----------------------------------------------------------------------------
# Determinism


BIG = 4 * 10**6


def _cases():
    rng = np.random.default_rng(4242)
    f32 = rng.random(BIG, dtype=np.float32) - 0.5
    f64 = rng.standard_normal(BIG)
    near_one = (1 + (rng.random(BIG) - 0.5) * 1e-5).astype(np.float32)
    square = rng.random((2000, 2000), dtype=np.float32)
    # Signed zeros and NaN: the maximum keeps the later of equal values, so
    # a reduce that regrouped or reordered its operands would show here.
    zeros_nan = rng.choice(np.array([0.0, -0.0, 1.0, -1.0, np.nan], np.float32), BIG, p=[.3, .3, .2, .199, .001])
    c64 = (rng.standard_normal(BIG // 2) + 1j * rng.standard_normal(BIG // 2)).astype(np.complex64)
    return [
        ("cumsum_f32", lambda: mlx_lite.cumsum(f32)),
        ("cumsum_f32_reverse_exclusive", lambda: mlx_lite.cumsum(f32, reverse=True, inclusive=False)),
        ("cumsum_f64", lambda: mlx_lite.cumsum(f64)),
        ("cumprod_f32", lambda: mlx_lite.cumprod(near_one)),
        ("logcumsumexp_f64", lambda: mlx_lite.logcumsumexp(f64)),
        ("cumsum_f32_axis0", lambda: mlx_lite.cumsum(square, axis=0)),
        ("cumsum_f32_axis1_strided", lambda: mlx_lite.cumsum(square[:, ::-1], axis=1)),
        ("cumsum_c64", lambda: mlx_lite.cumsum(c64)),
        ("cumsum_f16", lambda: mlx_lite.cumsum(f32.astype(np.float16))),
        ("cummax_f32_zeros_nan", lambda: mlx_lite.cummax(zeros_nan)),
        ("cummin_f64_zeros_nan_reverse", lambda: mlx_lite.cummin(zeros_nan.astype(np.float64), reverse=True)),
        ("cumprod_f64", lambda: mlx_lite.cumprod(near_one.astype(np.float64))),
        ("cumsum_f16_reverse", lambda: mlx_lite.cumsum(f32.astype(np.float16), reverse=True)),
    ]


@pytest.fixture(scope="module")
def determinism_cases():
    return _cases()


@pytest.mark.parametrize("index", range(len(_cases())), ids=[name for name, _ in _cases()])
def test_bitwise_reproducible_across_runs_and_thread_counts(determinism_cases, index):
    name, run = determinism_cases[index]
    os.environ.pop("MLX_LITE_NUM_THREADS", None)
    first = run()
    assert first.size >= BIG // 2
    assert run().tobytes() == first.tobytes(), f"{name}: two runs differ"
    for threads in ("1", "2", "3", "8"):
        os.environ["MLX_LITE_NUM_THREADS"] = threads
        assert run().tobytes() == first.tobytes(), f"{name}: MLX_LITE_NUM_THREADS={threads} differs"
    os.environ.pop("MLX_LITE_NUM_THREADS")
    assert run().tobytes() == first.tobytes(), f"{name}: differs after unsetting MLX_LITE_NUM_THREADS"


def test_reproducible_results_are_also_correct(determinism_cases):
    rng = np.random.default_rng(4242)
    f32 = rng.random(BIG, dtype=np.float32) - 0.5
    os.environ["MLX_LITE_NUM_THREADS"] = "2"
    got = mlx_lite.cumsum(f32).astype(np.float64)
    exact = np.cumsum(f32.astype(np.float64))
    scale = np.cumsum(np.abs(f32.astype(np.float64)))
    assert np.all(np.abs(got - exact) <= np.finfo(np.float32).eps * (np.abs(exact) + 1e-3 * scale))


def test_integer_scans_with_threads():
    rng = np.random.default_rng(5)
    x = rng.integers(-(2**62), 2**62, size=BIG, dtype=np.int64)
    want = np.cumsum(x)  # int64 wraps identically in NumPy
    for threads in ("1", "2", None):
        if threads is None:
            os.environ.pop("MLX_LITE_NUM_THREADS", None)
        else:
            os.environ["MLX_LITE_NUM_THREADS"] = threads
        assert np.array_equal(mlx_lite.cumsum(x), want)
        assert np.array_equal(mlx_lite.cummax(x, reverse=True), np.maximum.accumulate(x[::-1])[::-1])


# ----------------------------------------------------------------------------
# 64-bit sizes



@pytest.mark.skipif(available_memory() < 8 * 2**30, reason="needs 8 GiB of free memory")
def test_axis_longer_than_2_to_the_31():
    n = 2**31 + 7
    a = np.broadcast_to(np.uint8(1), (n,))  # no memory for the input: stride 0
    got = mlx_lite.cumsum(a, reverse=True, inclusive=False)
    assert got.shape == (n,) and got.dtype == np.uint8
    # got[i] counts the elements after i, modulo 256
    for i in (0, 1, 255, 2**31 - 2, 2**31 - 1, 2**31, 2**31 + 1, n - 2, n - 1):
        assert int(got[i]) == (n - 1 - i) % 256, i
    del got


def test_odd_thread_settings_are_harmless(determinism_cases):
    """Unusable MLX_LITE_NUM_THREADS values neither crash nor change the bits."""
    name, run = determinism_cases[0]
    os.environ.pop("MLX_LITE_NUM_THREADS", None)
    first = run()
    for value in ("0", "-3", "abc", "", "1000", "99999999999999999999"):
        os.environ["MLX_LITE_NUM_THREADS"] = value
        assert run().tobytes() == first.tobytes(), f"{name}: MLX_LITE_NUM_THREADS={value!r} differs"
