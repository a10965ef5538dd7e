"""mlx_lite: MLX's scan operations for NumPy users, computed by Swift kernels.

``cumsum``, ``cumprod``, ``cummax``, ``cummin`` and ``logcumsumexp`` with
MLX's signatures and result types, on any NumPy array or array-like, returning
NumPy arrays; NumPy's NaN-skipping scans; and the linear recurrences
``linear_recurrence`` and ``ewma`` (pandas' ``ewm().mean()``).
"""

from typing import TYPE_CHECKING

from ._device import (
    Device, DeviceType, Stream, cpu, default_device, default_stream, gpu, is_available,
    new_stream, set_default_device, set_default_stream, stream,
)
from . import _dtypes, _scan
from ._dtypes import *  # noqa: F403 (the dtype names of the one table, scripts/scan_table.py)

if TYPE_CHECKING:
    from typing import Any

    import numpy as np

    # Made on first use by ``__getattr__`` (it needs ml_dtypes). Declared here
    # instead of exposing ``__getattr__`` to type checkers, which would make
    # every misspelt attribute of mlx_lite a dtype.
    bfloat16: np.dtype[Any]
else:
    from ._dtypes import __getattr__

from ._memory import clear_cache, get_cache_memory, set_cache_limit
from ._scan import *  # noqa: F403 (the scans of the one table, and AxisError)
from ._recurrence import linear_recurrence
from ._ewma import ewma

__version__ = "0.1.0"

__all__ = [
    "Device", "DeviceType", "Stream", "clear_cache", "cpu", "default_device", "default_stream", "ewma",
    "get_cache_memory", "gpu", "is_available", "linear_recurrence", "new_stream", "set_cache_limit", "set_default_device",
    "set_default_stream", "stream",
]
__all__ += _dtypes.__all__
__all__ += _scan.__all__
