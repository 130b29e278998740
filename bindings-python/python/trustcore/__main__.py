"""``python -m trustcore audit-verify ...``: the ``trustcore`` console script."""

import sys

from .cli import main

sys.exit(main())
