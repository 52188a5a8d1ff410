"""The demo's data set without scikit-learn: the same generator for every engine, so they all see the same numbers."""

import math
import random


def make_moons(n_samples=100, noise=0.1, seed=1337):
    """Two interleaving half circles, made as sklearn.datasets.make_moons makes them (shuffled, Gaussian noise).

    Returns (X, y): X a list of [x1, x2] float pairs, y a list of labels -1 (outer moon) and +1 (inner moon), the
    demo notebook's `y*2 - 1`. Plain Python numbers: every engine gets exactly the same floats.
    """
    if n_samples < 4:
        raise ValueError(f"make_moons needs at least 4 samples, got {n_samples}")
    rng = random.Random(seed)  # its own generator: the global one is for the model's weights
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    outer = [(math.cos(math.pi * i / (n_outer - 1)), math.sin(math.pi * i / (n_outer - 1)), -1) for i in range(n_outer)]
    inner = [
        (1 - math.cos(math.pi * i / (n_inner - 1)), 1 - math.sin(math.pi * i / (n_inner - 1)) - 0.5, 1)
        for i in range(n_inner)
    ]
    points = outer + inner
    rng.shuffle(points)
    X = [[x1 + rng.gauss(0, noise), x2 + rng.gauss(0, noise)] for x1, x2, _ in points]
    y = [label for _, _, label in points]
    return X, y
