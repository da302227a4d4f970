"""De-identification of Norwegian survey answers and transcripts: names, places and identifiers → placeholders."""

from textanalyse.anonymize.masker import (
    ENTITY_TYPES,
    PLACEHOLDERS,
    MaskResult,
    MaskSpan,
    mask_text,
    uncertain_capitalised,
)
from textanalyse.anonymize.patterns import fnr_is_valid
from textanalyse.anonymize.table import anonymize_table

__all__ = [
    "ENTITY_TYPES",
    "PLACEHOLDERS",
    "MaskResult",
    "MaskSpan",
    "anonymize_table",
    "fnr_is_valid",
    "mask_text",
    "uncertain_capitalised",
]
