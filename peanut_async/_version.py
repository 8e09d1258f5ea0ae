"""The installed version of peanut-async."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("peanut-async")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
