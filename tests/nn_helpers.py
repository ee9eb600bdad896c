"""Finite differences in float64: the oracle for every hand-derived gradient."""
import numpy as np


def fd_grad(f, x, h=1e-6):
    """Central-difference gradient of scalar f at x (x is modified and restored in place)."""
    g = np.zeros_like(x)
    flat, gflat = x.reshape(-1), g.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        fp = f()
        flat[i] = old - h
        fm = f()
        flat[i] = old
        gflat[i] = (fp - fm) / (2 * h)
    return g


def assert_grad_close(analytic, numeric, rtol=1e-6, atol=1e-9):
    np.testing.assert_allclose(analytic, numeric, rtol=rtol, atol=atol)
