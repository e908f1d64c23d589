"""slrflow: a reproducible systematic literature review pipeline."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("slrflow")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = ["__version__"]
