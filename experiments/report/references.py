"""Published detection numbers the reproduction is compared with (AUC, 0-1 scale).

The classical baselines of our own protocols are *measured*, not typed in:
the ``benchmark`` stage runs them on the detection stage's splits, and the
report's comparison reads those records.  What stays here is what cannot be
measured with mimgan: ADBench's unsupervised results (Han et al., 2022,
best detector per dataset) under its 70/30 split with anomalies left in
training, which our ``contaminated`` protocol follows.  The paper itself
prints no numbers for Figures 2–5, only the claim that MIM does best.
"""
from __future__ import annotations

ADBENCH = {"cardio": 0.9555, "thyroid": 0.9830, "musk": 1.0000}
