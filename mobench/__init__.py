"""mobench: a benchmark suite and evaluation harness for multi-objective alignment."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mobench")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"


def evaluate_path(name: str) -> str:
    """The installed folder of mobench's ``evaluate`` metric module ``name`` (``hypervolume`` or
    ``collapse_rate``), for ``evaluate.load(...)``."""
    from mobench.evaluate_metrics import evaluate_path as _evaluate_path

    return _evaluate_path(name)


__all__ = ["__version__", "evaluate_path"]
