"""Benchmark of mlx_lite's scans against fair floors, NumPy and MLX (issue 11).

Run it as ``python -m mlx_lite.bench`` (``--help`` lists the options). It
prints a short demo, then one table row per case, then every row where
mlx_lite misses its bar or a peer is faster.

Methodology
-----------
* Floors. A scan reads every input element once and writes every output
  element once; so does a copy. Every ratio is against a floor doing the same
  memory work in the same regime:
  - cached: mlx_lite with its result cache (the default; primed by an untimed
    call) against ``np.copyto(buf, x, casting='unsafe')`` into an already
    touched ``buf`` of the result's shape, layout and dtype: no page faults;
  - uncached: mlx_lite after ``set_cache_limit(0)`` against
    ``x.astype(result_dtype, order='K')``: both take fresh pages;
  - two inputs (linear recurrences): ``np.multiply(a, b, out=buf)`` and
    ``np.multiply(a, b)``.
  The cache limit is toggled between samples and restored after each case.
* Peers. NumPy's call (``dtype=`` the result's, MLX's rules; exclusive scans
  time the inclusive call, marked ``*``) and MLX's (``mx.eval`` of the scan on
  ``stream=mx.cpu``, on an ``mx.array`` made outside the timed region in the
  input's layout where MLX has one), MLX with and without its buffer cache.
  NumPy is compared with the uncached regime (it takes new memory every call),
  MLX with the regime of its own cache.
* Interleaving and medians. All peers run in one process, round-robin, the
  order rotating every round; slow peers join every k-th round. Times are
  medians. Before every sample the process waits until none of its other
  threads runs (MLX's workers spin after ``mx.eval``). Minor page faults per
  call are recorded for every peer (JSON), to check the regimes.
* Accuracy, once and untimed: each peer's result against a float64 reference
  (long double for float64 and complex128 input); exact scans (integers,
  bool, cummax, cummin) must equal NumPy's.
* Background load: the share of the CPUs other processes used during each
  case (``bg%``) and the run.

Modules: ``cases`` (the case table and data), ``peers`` (peers, floors, cache
regimes), ``measure`` (timing one case), ``report`` (table, shortfalls, JSON,
markdown), ``plot`` (``--plot``), ``demo`` (the demo and ``--dask``), ``cli``.
"""

from .cli import main

__all__ = ["main"]
