"""``python -m points``: the same as the ``points`` command."""

from .cli import main_exit

main_exit()
