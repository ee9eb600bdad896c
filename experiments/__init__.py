"""Experiments: datasets, the GAN anomaly detector (Eq. 21–25), metrics, figures, and the ``mimgan`` CLI."""
