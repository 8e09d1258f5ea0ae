"""The ``peanut-async`` command line."""

from ._main import main

__all__ = ["main"]
