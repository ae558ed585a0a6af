"""mobench: a benchmark suite and evaluation harness for multi-objective alignment."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mobench")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
