"""micrograd: a small, readable scalar autograd engine with a tiny neural-network library on top.

>>> from micrograd import Value
>>> x = Value(3.0)
>>> y = x * x + 1
>>> y.backward()
>>> x.grad
6.0
"""

from micrograd.autograd import Value, linear
from micrograd.autograd import sum as sum  # noqa: A004 -- micrograd.sum, like torch.sum

__all__ = ["Value", "linear"]  # not `sum`: `from micrograd import *` must not shadow the builtin
__version__ = "0.2.0"
