"""slrflow: a reproducible systematic literature review pipeline."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("slrflow")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

# Imported for its effect: csv's field size limit lifted for every table read in the process (see tables.py).
from slrflow import tables as _tables  # noqa: F401

__all__ = ["__version__"]
