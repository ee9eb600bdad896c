"""Anomaly detection with a GAN (Section III-B, Eq. 21–25): the detector, its scaling, the train/test
protocols and the metrics."""
from .detector import CE_INPUTS, GANAnomalyDetector, NotFittedError
from .metrics import auc, average_precision, best_f1, f1_at_k, f1_at_threshold, f1_score, roc_curve
from .protocols import PROTOCOLS, Split, check_dataset, contaminated_split, mnist_one_digit_out, odds_split, one_class_split
from .scaling import MinMaxToTanh

__all__ = ["CE_INPUTS", "GANAnomalyDetector", "NotFittedError", "MinMaxToTanh", "PROTOCOLS", "Split",
           "auc", "average_precision", "best_f1", "check_dataset", "contaminated_split", "f1_at_k", "f1_at_threshold", "f1_score", "mnist_one_digit_out",
           "odds_split", "one_class_split", "roc_curve"]
