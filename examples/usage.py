"""The usage example of docs/en/guide/engine.md; tests/test_readme.py checks that it prints what the page shows."""

from micrograd.autograd import Value

a = Value(-4.0)
b = Value(2.0)
c = a + b
d = a * b + b**3
c += c + 1
d += d * 2 + (b + a).relu()
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f
print(f"Output: {g.data:.4f}")
g.backward()
print(f"Gradient (dg/da): {a.grad:.4f}")
print(f"Gradient (dg/db): {b.grad:.4f}")
