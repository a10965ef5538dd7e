import os
import sys
import zlib

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))  # for `import reference`

try:
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "mlx_lite", deadline=None, max_examples=60, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    # CI explores the same examples on every run (a submission is judged on
    # one run); elsewhere each run explores new ones.
    settings.register_profile("ci", parent=settings.get_profile("mlx_lite"), derandomize=True, database=None)
    default = "ci" if os.environ.get("CI") else "mlx_lite"
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", default))
except ImportError:  # pragma: no cover
    pass


@pytest.fixture
def rng(request):
    """A generator seeded from the test's id: reproducible, different per test."""
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))


@pytest.fixture(autouse=True)
def _restore_thread_env():
    saved = os.environ.get("MLX_LITE_NUM_THREADS")
    yield
    if saved is None:
        os.environ.pop("MLX_LITE_NUM_THREADS", None)
    else:
        os.environ["MLX_LITE_NUM_THREADS"] = saved


@pytest.fixture(scope="module")
def client():
    """A dask.distributed client of two worker processes on loopback (test_dask*.py)."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None)
    try:
        with distributed.Client(cluster, set_as_default=False) as c:
            yield c
    finally:
        cluster.close()
