"""Small 2-D toy datasets for classification, in pure Python: no downloads, no numpy.

Every function returns `(X, y)`: X is a list of n_samples points `[x1, x2]` (floats), y a list of n_samples class
labels (ints 0, 1, ..., in the same order). The same `seed` gives the same data on every machine; the functions use
their own random generator and leave the `random` module's global state alone. The points come shuffled.

    >>> from micrograd.datasets import make_moons, to_signed_labels
    >>> X, y = make_moons(n_samples=100, noise=0.1, seed=1)
    >>> len(X), len(X[0]), sorted(set(y))
    (100, 2, [0, 1])
    >>> sorted(set(to_signed_labels(y)))   # -1/+1, for hinge_loss
    [-1, 1]
"""

import math
import numbers
import random


def _check_count(name, n, minimum=1):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}")
    if n < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {n}")
    return int(n)


def _check_scale(name, x):
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(x).__name__}")
    if not (0 <= x < math.inf):
        raise ValueError(f"{name} must be a finite number >= 0, got {x}")
    return float(x)


def _shuffled(points, labels, rng, noise):
    """Add Gaussian noise of standard deviation `noise` to every coordinate, then shuffle the examples."""
    examples = [([x + rng.gauss(0, noise) for x in point], label) for point, label in zip(points, labels)]
    rng.shuffle(examples)
    return [point for point, _ in examples], [label for _, label in examples]


def make_moons(n_samples=100, noise=0.0, seed=0):
    """Two interleaving half circles, as in scikit-learn: label 0 is the upper moon (centred at (0, 0)),
    label 1 the lower one (centred at (1, 0.5)). noise is the standard deviation of Gaussian noise on each coordinate.
    """
    n_samples, noise = _check_count("n_samples", n_samples, 2), _check_scale("noise", noise)
    rng = random.Random(seed)
    n_upper = n_samples // 2
    n_lower = n_samples - n_upper
    upper = [[math.cos(t), math.sin(t)] for t in _linspace(0, math.pi, n_upper)]
    lower = [[1 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0, math.pi, n_lower)]
    return _shuffled(upper + lower, [0] * n_upper + [1] * n_lower, rng, noise)


def make_circles(n_samples=100, noise=0.0, factor=0.5, seed=0):
    """A circle of radius `factor` (label 1) inside a circle of radius 1 (label 0), as in scikit-learn."""
    n_samples, noise = _check_count("n_samples", n_samples, 2), _check_scale("noise", noise)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0 < factor < 1:
        raise ValueError(f"factor must be a number between 0 and 1 (the inner circle's radius), got {factor!r}")
    rng = random.Random(seed)
    n_outer = n_samples // 2
    n_inner = n_samples - n_outer
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0, 2 * math.pi, n_outer, endpoint=False)]
    inner = [[factor * math.cos(t), factor * math.sin(t)] for t in _linspace(0, 2 * math.pi, n_inner, endpoint=False)]
    return _shuffled(outer + inner, [0] * n_outer + [1] * n_inner, rng, noise)


def make_blobs(n_samples=100, centers=3, cluster_std=1.0, seed=0):
    """Gaussian blobs, one per class: `centers` is how many (labels 0 .. centers-1), placed at random in the box
    [-10, 10]²; each point is its centre plus Gaussian noise of standard deviation `cluster_std`. The classes get
    n_samples // centers points each (the first few one more when it does not divide)."""
    n_samples = _check_count("n_samples", n_samples)
    centers = _check_count("centers", centers)
    cluster_std = _check_scale("cluster_std", cluster_std)
    rng = random.Random(seed)
    centres = [[rng.uniform(-10, 10), rng.uniform(-10, 10)] for _ in range(centers)]
    labels = [i % centers for i in range(n_samples)]
    return _shuffled([list(centres[label]) for label in labels], labels, rng, cluster_std)


def make_spiral(n_samples=100, n_classes=3, noise=0.2, seed=0):
    """Interleaved spiral arms, one per class (labels 0 .. n_classes-1), as in Stanford's CS231n notes: each arm
    runs from the centre out to radius 1 while turning by 4 radians; noise (in radians) jitters each point's angle."""
    n_samples, noise = _check_count("n_samples", n_samples), _check_scale("noise", noise)
    n_classes = _check_count("n_classes", n_classes)
    rng = random.Random(seed)
    points, labels = [], []
    for label in range(n_classes):
        n = n_samples // n_classes + (label < n_samples % n_classes)
        for radius in _linspace(0, 1, n):
            angle = label * 4 + radius * 4 + rng.gauss(0, noise)
            points.append([radius * math.sin(angle), radius * math.cos(angle)])
            labels.append(label)
    return _shuffled(points, labels, rng, 0.0)


def make_xor(n_samples=100, noise=0.0, seed=0):
    """Points uniform in the square [-1, 1]², labelled 1 where exactly one coordinate is positive (the 2nd and 4th
    quadrants) and 0 elsewhere: the classic problem a linear model cannot solve. The quadrants take turns, so the
    classes are balanced. noise blurs the points after labelling."""
    n_samples, noise = _check_count("n_samples", n_samples), _check_scale("noise", noise)
    rng = random.Random(seed)
    quadrant_signs = [(1, 1), (-1, 1), (-1, -1), (1, -1)]
    points = []
    for i in range(n_samples):
        sign1, sign2 = quadrant_signs[i % 4]
        points.append([sign1 * rng.uniform(0, 1), sign2 * rng.uniform(0, 1)])
    labels = [int((x1 > 0) != (x2 > 0)) for x1, x2 in points]
    return _shuffled(points, labels, rng, noise)


def to_signed_labels(y):
    """Labels 0/1 as -1/+1 (0 → -1, 1 → +1), as hinge_loss wants: the original demo's `y * 2 - 1`."""
    signed = []
    for label in y:
        if label != 0 and label != 1:
            raise ValueError(f"to_signed_labels needs labels 0 or 1, got {label!r}")
        signed.append(2 * int(label) - 1)
    return signed


def _linspace(start, stop, n, endpoint=True):
    """n evenly spaced numbers from start to stop (stop included if endpoint), like numpy.linspace."""
    if n == 1:
        return [float(start)]
    step = (stop - start) / (n - 1 if endpoint else n)
    return [start + i * step for i in range(n)]
