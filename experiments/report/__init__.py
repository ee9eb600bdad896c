"""The reproduction report: a document model rendered to Markdown and HTML, the builder that fills it from
the stored runs (each stage writes its own section), and the reference numbers it compares with."""
from . import builder
from .builder import build_report
from .document import Document


def __getattr__(name):
    if name == "SECTIONS":  # lazily: it imports every stage module (see builder.sections)
        return builder.sections()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Document", "SECTIONS", "build_report"]
