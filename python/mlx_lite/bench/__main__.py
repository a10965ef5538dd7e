"""``python -m mlx_lite.bench``."""

import sys

from .cli import main

sys.exit(main())
