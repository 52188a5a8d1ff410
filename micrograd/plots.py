"""`micrograd.plots`, the path the plots have always had: they live in micrograd/viz/plots.py."""

from micrograd.viz.plots import plot_decision_boundary, plot_history

__all__ = ["plot_decision_boundary", "plot_history"]
