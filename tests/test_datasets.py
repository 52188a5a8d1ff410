"""Toy datasets: shapes, label conventions, seeding, and the geometry each one promises."""

import math
import random

import pytest

from micrograd.datasets import make_blobs, make_circles, make_moons, make_spiral, make_xor, to_signed_labels

ALL = [make_moons, make_circles, make_blobs, make_spiral, make_xor]


@pytest.mark.parametrize("make", ALL, ids=lambda f: f.__name__)
def test_returns_lists_of_2d_float_points_and_int_labels(make):
    X, y = make(n_samples=37, seed=3)
    assert isinstance(X, list) and isinstance(y, list) and len(X) == len(y) == 37
    assert all(isinstance(point, list) and len(point) == 2 for point in X)
    assert all(type(v) is float and math.isfinite(v) for point in X for v in point)
    assert all(type(label) is int for label in y)


@pytest.mark.parametrize("make", ALL, ids=lambda f: f.__name__)
def test_same_seed_same_data_other_seed_other_data(make):
    assert make(n_samples=50, seed=1) == make(n_samples=50, seed=1)
    assert make(n_samples=50, seed=1)[0] != make(n_samples=50, seed=2)[0]


@pytest.mark.parametrize("make", ALL, ids=lambda f: f.__name__)
def test_leaves_the_global_random_state_alone(make):
    random.seed(42)
    expected = random.random()
    random.seed(42)
    make(n_samples=20, seed=0)
    assert random.random() == expected


@pytest.mark.parametrize(
    ("make", "classes"),
    [
        (make_moons, [0, 1]),
        (make_circles, [0, 1]),
        (make_xor, [0, 1]),
        (make_blobs, [0, 1, 2]),
        (make_spiral, [0, 1, 2]),
    ],
    ids=lambda x: getattr(x, "__name__", ""),
)
def test_labels_are_0_to_k_minus_1_in_balanced_classes(make, classes):
    _, y = make(n_samples=90, seed=0)
    assert sorted(set(y)) == classes
    assert all(y.count(c) == 90 // len(classes) for c in classes)


def test_points_come_shuffled():
    _, y = make_moons(n_samples=100, seed=0)
    assert y != sorted(y)


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = make_moons(n_samples=50, noise=0.0)
    for (x1, x2), label in zip(X, y):
        centre = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        assert math.hypot(x1 - centre[0], x2 - centre[1]) == pytest.approx(1.0)
        assert (x2 >= -1e-12) if label == 0 else (x2 <= 0.5 + 1e-12)


def test_circles_without_noise_have_radius_1_outside_and_factor_inside():
    X, y = make_circles(n_samples=40, factor=0.3)
    for (x1, x2), label in zip(X, y):
        assert math.hypot(x1, x2) == pytest.approx(1.0 if label == 0 else 0.3)


def test_xor_labels_are_1_where_exactly_one_coordinate_is_positive():
    X, y = make_xor(n_samples=200, seed=5)
    assert all(label == int((x1 > 0) != (x2 > 0)) for (x1, x2), label in zip(X, y))
    assert all(-1 <= v <= 1 for point in X for v in point)


def test_blobs_gather_around_one_centre_per_class():
    X, y = make_blobs(n_samples=300, centers=3, cluster_std=0.5, seed=2)
    for label in range(3):
        points = [p for p, c in zip(X, y) if c == label]
        mean = [sum(p[i] for p in points) / len(points) for i in range(2)]
        spread = sum(math.dist(p, mean) ** 2 for p in points) / len(points)
        assert spread == pytest.approx(2 * 0.5**2, rel=0.3)  # two coordinates of variance 0.25 each
        assert all(-12 < m < 12 for m in mean)


def test_spiral_points_lie_within_the_unit_disc_with_radius_growing_along_each_arm():
    X, y = make_spiral(n_samples=300, n_classes=3, noise=0.0, seed=0)
    assert all(math.hypot(*p) <= 1 + 1e-12 for p in X)
    assert max(math.hypot(*p) for p in X) == pytest.approx(1.0)
    arm = [p for p, c in zip(X, y) if c == 1]
    assert {round(math.hypot(*p), 9) for p in arm} == {round(i / 99, 9) for i in range(100)}


def test_noise_moves_the_points():
    clean, _ = make_moons(n_samples=50, noise=0.0, seed=1)
    noisy, _ = make_moons(n_samples=50, noise=0.1, seed=1)
    assert clean != noisy


def test_to_signed_labels_maps_0_to_minus_1_and_1_to_plus_1():
    assert to_signed_labels([0, 1, 1, 0]) == [-1, 1, 1, -1]


def test_to_signed_labels_rejects_other_labels():
    with pytest.raises(ValueError, match="labels 0 or 1, got 2"):
        to_signed_labels([0, 1, 2])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: make_moons(n_samples=0), ValueError, "n_samples must be at least 2"),
        (lambda: make_moons(n_samples=10.0), TypeError, "n_samples must be an int"),
        (lambda: make_circles(noise=-0.1), ValueError, "noise must be a finite number >= 0"),
        (lambda: make_circles(factor=1.5), ValueError, "factor must be a number between 0 and 1"),
        (lambda: make_blobs(centers=0), ValueError, "centers must be at least 1"),
        (lambda: make_blobs(cluster_std=math.inf), ValueError, "cluster_std must be a finite number"),
        (lambda: make_spiral(n_classes=True), TypeError, "n_classes must be an int"),
        (lambda: make_xor(noise="a lot"), TypeError, "noise must be a number"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()
