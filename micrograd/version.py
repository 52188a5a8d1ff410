"""micrograd's version: one place for the package metadata and for the files it writes."""

__version__ = "0.2.0"
