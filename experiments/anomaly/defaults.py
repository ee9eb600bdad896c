"""Detector settings from the data's shape: the rule ``mimgan detect`` applies to every dataset.

The paper fixes only the hidden width (64 for Cardio and Thyroid, 256 for
Musk and MNIST, Section IV-B2); the rest are our choices.  One rule, by the
number of rows ``n`` and features ``d`` of the whole dataset file, gives the
paper's settings on its four datasets and scales to others:

==============  =====================================  ===========================
setting         rule                                   paper datasets
==============  =====================================  ===========================
hidden          64 if d <= 64, else 256                Cardio, Thyroid 64; Musk, MNIST 256
latent_dim      16 if d <= 64; 32 if d <= 256; 100     16; Musk 32; MNIST 100
latent_steps    500 if d <= 64; 300 if d <= 256; 100   500; Musk 300; MNIST 100
n_iter          2,000 if n <= 20,000, else 3,000       2,000; MNIST 3,000
threshold_rows  5,000 if n > 20,000 (else all rows)    MNIST 5,000
batch_size      64                                     64
==============  =====================================  ===========================

More features need a wider network and a larger latent space; the latent
search's cost grows with d (and with the rows scored), so wide data gets
fewer steps; a large file gets longer training and a sampled threshold.
"""
from __future__ import annotations

LARGE_ROWS = 20_000


def settings_for_shape(n_rows: int, n_features: int) -> dict:
    """The detector settings of the rule above for a dataset of ``n_rows`` x ``n_features``."""
    n, d = int(n_rows), int(n_features)
    if n < 1 or d < 1:
        raise ValueError(f"a dataset needs rows and features, got shape ({n}, {d})")
    narrow, medium = d <= 64, d <= 256
    out = {"hidden": 64 if narrow else 256,
           "latent_dim": 16 if narrow else (32 if medium else 100),
           "n_iter": 2000 if n <= LARGE_ROWS else 3000,
           "batch_size": 64,
           "latent_steps": 500 if narrow else (300 if medium else 100)}
    if n > LARGE_ROWS:
        out["threshold_rows"] = 5000
    return out
