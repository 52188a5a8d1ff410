"""micrograd: a small, readable scalar autograd engine with a tiny neural-network library on top.

>>> from micrograd import Value
>>> x = Value(3.0)
>>> y = x * x + 1
>>> y.backward()
>>> x.grad
6.0
"""

try:
    # The neural-network library's modules, so that `import micrograd` gives micrograd.optim.SGD and the like.
    from micrograd import datasets as datasets
    from micrograd import losses as losses
    from micrograd import nn as nn
    from micrograd import optim as optim
    from micrograd.anomaly import detect_anomaly
    from micrograd.autograd import Value, linear
    from micrograd.autograd import sum as sum  # noqa: A004 -- micrograd.sum, like torch.sum
    from micrograd.compiler import TracingCheckError
    from micrograd.compiler import compile as compile  # noqa: A004 -- micrograd.compile, like torch.compile
    from micrograd.custom_ops import custom_op
    from micrograd.files import load, save
    from micrograd.functional import grad, gradcheck, hessian
    from micrograd.modes import no_grad
    from micrograd.version import __version__ as __version__
except KeyboardInterrupt:  # the `micrograd` command imports this package before any of its own code runs
    from micrograd.__main__ import exit_if_the_command_is_starting

    exit_if_the_command_is_starting()
    raise

# not `sum` or `compile`: `from micrograd import *` must not shadow the builtins
__all__ = [
    "Value",
    "linear",
    "grad",
    "hessian",
    "gradcheck",
    "no_grad",
    "detect_anomaly",
    "custom_op",
    "TracingCheckError",
    "save",
    "load",
]
