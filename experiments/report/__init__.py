"""The reproduction report: a document model rendered to Markdown and HTML, the builder that fills it from
the stored runs (each stage writes its own section), and the reference numbers it compares with."""
from .builder import SECTIONS, build_report
from .document import Document

__all__ = ["Document", "SECTIONS", "build_report"]
