"""``python -m pipeline`` = the ``crpv`` command."""

from .cli import main

main()
