"""``python -m points``: the same as the ``points`` command."""

import sys

from .cli import main

sys.exit(main())
