"""NumPy/numba multilayer perceptrons with hand-derived gradients and the GAN objectives."""
