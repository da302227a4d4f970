"""Norwegian (bokmål) headings for the English column names used in tables, and number formats.

The CSV files keep the stable English column names; the report and the workbook show the
headings below. A column without an entry (a metadata column such as ``kjonn``) keeps its
own name.

Example:
    >>> heading("weighted_percentage")
    'Vektet prosent'
    >>> heading("kjonn")
    'kjonn'
"""

from __future__ import annotations

import math
import numbers

import pandas as pd

COLUMN_LABELS: dict[str, str] = {
    # corpus / overview
    "doc_id": "Dokument-ID",
    "respondent": "Respondent",
    "question": "Spørsmål",
    "source": "Kilde",
    "text": "Tekst",
    "raw": "Opprinnelig tekst",
    "reason": "Grunn",
    "segment": "Avsnitt",
    "speaker": "Taler",
    "timestamp": "Tidsstempel",
    "lang": "Målform",
    "lang_reason": "Hvorfor denne målformen",
    "candidate": "Kandidat",
    "typical_answers": "Typiske svar",
    "documents": "Dokumenter",
    "respondents": "Respondenter",
    "nonanswers": "Ikke-svar",
    "empty": "Tomme svar",
    "words": "Ord talt",
    "removed_words": "Ord fjernet (de vanligste først)",
    "variable": "Variabel",
    "value": "Verdi",
    "material": "Materiale",
    # filters
    "filter": "Filter",
    "tokens_removed": "Forekomster fjernet",
    "words_removed": "Ulike ord fjernet",
    # frequencies
    "word": "Ord",
    "length": "Lengde",
    "count": "Antall",
    "weighted_percentage": "Vektet prosent",
    "similar_words": "Lignende ord",
    "rank": "Rangering",
    # kwic
    "left": "Venstre kontekst",
    "keyword": "Søkeord",
    "right": "Høyre kontekst",
    "lemma": "Lemma",
    # themes
    "theme": "Tema",
    "documents_coded": "Dokumenter kodet",
    "documents_total": "Dokumenter totalt",
    "share": "Andel",
    "ci_low": "KI nedre (95 %)",
    "ci_high": "KI øvre (95 %)",
    "passages": "Passasjer",
    "matched": "Treff",
    "pattern": "Mønster",
    "start": "Start",
    "end": "Slutt",
    # topics
    "topic": "Emne",
    "label": "Etikett",
    "size": "Størrelse",
    "top_words": "Toppord",
    "weights": "Vekter",
    "stability": "Stabilitet",
    "weight": "Vekt",
    # comparisons (keyness)
    "group": "Gruppe",
    "count_target": "Antall (målgruppe)",
    "count_reference": "Antall (referanse)",
    "per_1000_target": "Per 1000 ord (målgruppe)",
    "per_1000_reference": "Per 1000 ord (referanse)",
    "documents_target": "Dokumenter (målgruppe)",
    "documents_reference": "Dokumenter (referanse)",
    "g2": "G²",
    "log_ratio": "Log-ratio",
    "p_value": "p-verdi",
    "p_adjusted": "Justert p (BH)",
    "p_documents": "p dokumenter (Fisher)",
    "significant": "Signifikant",
    # comparisons (themes)
    "coded_target": "Kodet (målgruppe)",
    "total_target": "Totalt (målgruppe)",
    "share_target": "Andel (målgruppe)",
    "ci_low_target": "KI nedre (målgruppe)",
    "ci_high_target": "KI øvre (målgruppe)",
    "coded_reference": "Kodet (referanse)",
    "total_reference": "Totalt (referanse)",
    "share_reference": "Andel (referanse)",
    "ci_low_reference": "KI nedre (referanse)",
    "ci_high_reference": "KI øvre (referanse)",
    "difference": "Differanse",
    "difference_low": "Differanse KI nedre",
    "difference_high": "Differanse KI øvre",
    # quotes
    "theme_or_word": "Tema eller ord",
    "quote": "Sitat",
    "risk_flags": "Risikomerker",
    "citation": "Kildehenvisning",
    # validation of the coding (textanalyse.coding)
    "n": "Antall vurderinger",
    "coded_a": "Kodet av A (menneske)",
    "coded_b": "Kodet av B (maskin)",
    "both": "Kodet av begge",
    "percent_agreement": "Prosent enighet",
    "kappa": "Cohens κ",
    "kappa_low": "κ KI nedre",
    "kappa_high": "κ KI øvre",
    "alpha": "Krippendorffs α",
    "ac1": "Gwets AC1",
    "precision": "Presisjon",
    "recall": "Treffsikkerhet (recall)",
    "f1": "F1",
    "low_agreement": "Svakt samsvar (κ < 0,6)",
    "method": "Metode",
    "coded_examples": "Manuelt kodede eksempler",
    "threshold": "Terskel",
    "probability": "Sannsynlighet",
    "missed": "Savnet av kodeboka",
    "coded_with_theme": "I tekster med temaet",
    "coded_without_theme": "I tekster uten temaet",
    # closed items, waves and units (textanalyse.closed, textanalyse.waves, textanalyse.units)
    "item": "Lukket spørsmål",
    "level": "Nivå",
    "level_rank": "Nivå nr.",
    "levels": "Nivåer",
    "wave": "Bølge",
    "wave_rank": "Bølge nr.",
    "waves": "Bølger",
    "too_few": "For få svar",
    "share_first": "Andel første",
    "share_last": "Andel siste",
    "z": "Trend (z)",
    "unit": "Enhet",
    "share_unit": "Andel i enheten",
    "share_all": "Andel i hele materialet (avrundet)",
}

# Columns holding shares between 0 and 1, shown as percentages.
SHARE_COLUMNS = frozenset({
    "share", "ci_low", "ci_high", "share_target", "ci_low_target", "ci_high_target", "share_reference",
    "ci_low_reference", "ci_high_reference", "difference", "difference_low", "difference_high", "percent_agreement",
    "share_first", "share_last",
})
P_COLUMNS = frozenset({"p_value", "p_adjusted", "p_documents"})
TWO_DECIMALS = frozenset({"weighted_percentage", "g2", "log_ratio", "per_1000_target", "per_1000_reference", "z"})
THREE_DECIMALS = frozenset({"stability", "weight", "kappa", "kappa_low", "kappa_high", "alpha", "ac1", "precision",
                            "recall", "f1", "probability", "threshold"})


def has_rows(table) -> bool:
    """Whether ``table`` is a table with columns and at least one row (what a section shows).

    Example:
        >>> has_rows(pd.DataFrame({"word": ["bolig"]})), has_rows(pd.DataFrame()), has_rows(None)
        (True, False, False)
    """
    return isinstance(table, pd.DataFrame) and len(table.columns) > 0 and len(table) > 0


def heading(column) -> str:
    """The Norwegian heading of ``column`` (the column name itself when there is none)."""
    return COLUMN_LABELS.get(str(column), str(column))


def headings(columns) -> list[str]:
    """Norwegian headings of several columns, in order."""
    return [heading(column) for column in columns]


def excel_format(column: str, series: pd.Series | None = None) -> str | None:
    """The Excel number format for a column (``None`` = General)."""
    column = str(column)
    if column in SHARE_COLUMNS:
        return "0.0%"
    if column in P_COLUMNS:
        return "0.0000"
    if column in TWO_DECIMALS:
        return "0.00"
    if column in THREE_DECIMALS:
        return "0.000"
    if series is not None and pd.api.types.is_integer_dtype(series.dtype):
        return "0"
    return None


def norwegian_number(value, decimals: int = 2) -> str:
    """A number written the Norwegian way: decimal comma, no-break space between thousands.

    Example:
        >>> norwegian_number(12.5, 1), norwegian_number(12)
        ('12,5', '12')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nei"
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}".replace(",", "\u00a0")
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def format_cell(column: str, value) -> str:
    """How a value of ``column`` is shown in the HTML report."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    column = str(column)
    if isinstance(value, (bool,)):
        return "ja" if value else "nei"
    if isinstance(value, (int,)) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"):
        return norwegian_number(int(value), 0)
    if isinstance(value, float) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") == "f"):
        value = float(value)
        if column in SHARE_COLUMNS:
            return norwegian_number(100 * value, 1) + "\u00a0%"
        if column in P_COLUMNS:
            return "<\u00a00,0001" if value < 0.0001 else norwegian_number(value, 4)
        if column in THREE_DECIMALS:
            return norwegian_number(value, 3)
        if value.is_integer() and column not in TWO_DECIMALS:
            return norwegian_number(int(value), 0)
        return norwegian_number(value, 2)
    return str(value)
