"""File helpers for experiment outputs (atomic writes live in :mod:`nn.serialization`)."""
from nn.serialization import write_bytes_atomic, write_text_atomic

__all__ = ["write_bytes_atomic", "write_text_atomic"]
