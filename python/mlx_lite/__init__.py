"""mlx_lite: MLX's scan operations for NumPy users, computed by Swift kernels.

``cumsum``, ``cumprod``, ``cummax``, ``cummin`` and ``logcumsumexp`` with
MLX's signatures and result types, on any NumPy array or array-like, returning
NumPy arrays.
"""

from typing import TYPE_CHECKING

from ._device import (
    Device, DeviceType, Stream, cpu, default_device, default_stream, gpu, is_available,
    new_stream, set_default_device, set_default_stream, stream,
)
from ._dtypes import (
    bool_, complex64, complex128, float16, float32, float64, int8, int16, int32, int64, uint8,
    uint16, uint32, uint64,
)

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
from ._scan import (
    AxisError, cummax, cummin, cumprod, cumsum, cumulative_prod, cumulative_sum, logcumsumexp,
)

__version__ = "0.1.0"

__all__ = [
    "AxisError", "Device", "DeviceType", "Stream", "bool_", "clear_cache", "complex64",
    "complex128", "cpu", "cummax", "cummin", "cumprod", "cumsum", "cumulative_prod",
    "cumulative_sum", "default_device", "default_stream", "float16", "float32", "float64",
    "get_cache_memory", "gpu", "int8", "int16", "int32", "int64", "is_available", "logcumsumexp",
    "new_stream", "set_cache_limit", "set_default_device", "set_default_stream", "stream", "uint8",
    "uint16", "uint32", "uint64",
]
