"""Anomaly detection with a GAN (Section III-B, Eq. 21–25): the detectors (one contract, :mod:`.base`), their
scaling, the train/test protocols and the metrics."""
from .base import BaseDetector, NotFittedError, check_X
from .detector import CE_INPUTS, GANAnomalyDetector
from .ensemble import GANEnsembleDetector, load_detector, make_gan_detector
from .metrics import auc, average_precision, best_f1, f1_at_k, f1_at_threshold, f1_score, roc_curve
from .protocols import PROTOCOLS, Split, check_dataset, contaminated_split, mnist_one_digit_out, odds_split, one_class_split
from .scaling import MinMaxToTanh

__all__ = ["BaseDetector", "CE_INPUTS", "GANAnomalyDetector", "GANEnsembleDetector", "NotFittedError", "MinMaxToTanh",
           "PROTOCOLS", "Split", "auc", "average_precision", "best_f1", "check_X", "check_dataset",
           "contaminated_split", "f1_at_k", "f1_at_threshold", "f1_score", "load_detector", "make_gan_detector",
           "mnist_one_digit_out", "odds_split", "one_class_split", "roc_curve"]
