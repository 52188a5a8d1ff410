"""The original micrograd's import path: `from micrograd.nn import MLP` keeps working."""

from micrograd.layers import MLP, Layer, Module, Neuron

__all__ = ["Module", "Neuron", "Layer", "MLP"]
