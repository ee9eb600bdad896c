import os

import matplotlib

# Importing mimgan pins a relative MIMGAN_DATA to this process's folder before any test starts a notebook
# kernel, a pool worker or a subprocess in another folder.
import mimgan  # noqa: F401

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")
