"""The original micrograd's import path: `from micrograd.engine import Value` keeps working."""

from micrograd.autograd import Value

__all__ = ["Value"]
