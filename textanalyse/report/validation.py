"""«Validering av kodingen»: how well the automatic coding agrees with a person (report text only).

Renders what :func:`textanalyse.coding.run_step.apply_human_coding` put on a material
(``coding_validation``, ``coding_models``, ``coding_review``, ``coding_suggestions``,
``coding_sample``); computes nothing but formatting. A theme whose kappa is below
:data:`KAPPA_FLAG` is flagged in the theme tables (column ``low_agreement``), in the theme
figures and here.
"""

from __future__ import annotations

import math

import pandas as pd

KAPPA_FLAG = 0.6
FLAG_TEXT = "κ < 0,6"
VALIDATION_COLUMNS = ["theme", "n", "coded_a", "coded_b", "percent_agreement", "kappa", "kappa_low", "kappa_high",
                      "alpha", "ac1", "precision", "recall", "f1"]


def has_validation(material) -> bool:
    table = getattr(material, "coding_validation", None)
    return isinstance(table, pd.DataFrame) and len(table) > 0


def flag_low_agreement(summary: pd.DataFrame, validation: pd.DataFrame) -> pd.DataFrame:
    """Add ``kappa`` and ``low_agreement`` (kappa below 0.6, or undefined) beside each theme's share.

    Example:
        >>> summary = pd.DataFrame({"theme": ["Bolig", "NAV"], "share": [0.2, 0.1]})
        >>> validation = pd.DataFrame({"theme": ["Bolig", "NAV", "(alle)"], "kappa": [0.81, 0.42, 0.7]})
        >>> flag_low_agreement(summary, validation)[["theme", "kappa", "low_agreement"]].to_dict("list")
        {'theme': ['Bolig', 'NAV'], 'kappa': [0.81, 0.42], 'low_agreement': [False, True]}
    """
    if not isinstance(summary, pd.DataFrame) or "theme" not in summary.columns:
        return summary
    kappa = dict(zip(validation["theme"], validation["kappa"]))
    out = summary.copy()
    out["kappa"] = out["theme"].map(kappa).astype(float)
    out["low_agreement"] = out["kappa"].isna() | (out["kappa"] < KAPPA_FLAG)
    return out


def _decimal(value, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}".replace(".", ",")


def _pooled(material) -> pd.Series:
    table = material.coding_validation
    return table.loc[table["theme"] == "(alle)"].iloc[0]


def flagged_themes(material) -> list[str]:
    table = material.coding_validation
    rows = table.loc[table["theme"] != "(alle)"]
    return [str(t) for t, k in zip(rows["theme"], rows["kappa"]) if not (k >= KAPPA_FLAG)]


def validation_sentences(material) -> list[str]:
    """The methods paragraph's sentences about the validation (empty without a coded sample)."""
    if not has_validation(material):
        return []
    sample = material.coding_sample
    pooled = _pooled(material)
    unit = "replikker" if material.kind == "transcripts" else "svar"
    sentences = [
        f"Et utvalg på {sample['n_human']} {unit} ble kodet manuelt; de øvrige ble kodet av en klassifikator "
        "(logistisk regresjon per tema på kodebokens ordmønstre, lemmaer, etterledd i sammensatte ord og "
        "bokstavsekvenser) trent på den manuelle kodingen.",
        f"Kodingen ble validert mot manuell koding av {sample['n_random']} tilfeldig valgte {unit}: "
        f"κ = {_decimal(pooled['kappa'])} (95 % KI {_decimal(pooled['kappa_low'])}–{_decimal(pooled['kappa_high'])}), "
        f"Krippendorffs α = {_decimal(pooled['alpha'])}, Gwets AC1 = {_decimal(pooled['ac1'])} og "
        f"F1 = {_decimal(pooled['f1'])} for alle temaer samlet (femdelt kryssvalidering: ingen tekst ble "
        "vurdert av en modell som var trent på den; konfidensintervall ved bootstrap).",
    ]
    coders = coder_sentence(material)
    if coders:
        sentences.append(coders)
    flagged = flagged_themes(material)
    if flagged:
        sentences.append(f"Temaer med κ under 0,6 ({', '.join(flagged)}) er markert der andelene vises, "
                         "og bør tolkes med forsiktighet.")
    return sentences


CODER_COLUMNS = ["theme", "n", "coded_a", "coded_b", "percent_agreement", "kappa", "kappa_low", "kappa_high",
                 "alpha", "alpha_low", "alpha_high", "ac1", "ac1_low", "ac1_high"]


def has_two_coders(material) -> bool:
    table = getattr(material, "coding_coders", None)
    return isinstance(table, pd.DataFrame) and len(table) > 0


def coder_sentence(material) -> str:
    """The methods sentence on two people's agreement ("" without a second coder).

    Example:
        >>> from types import SimpleNamespace
        >>> table = pd.DataFrame([{"theme": "(alle)", "kappa": 0.5, "kappa_low": 0.1, "kappa_high": 0.8,
        ...     "alpha": 0.52, "alpha_low": 0.12, "alpha_high": 0.81, "ac1": 0.7, "ac1_low": 0.4, "ac1_high": 0.9}])
        >>> coder_sentence(SimpleNamespace(kind="survey", coding_coders=table, coding_sample={"n_coders": 12}))
        'To personer kodet de samme 12 svarene uavhengig av hverandre; samsvaret mellom dem var κ = 0,50 (95 % KI 0,10–0,80), Krippendorffs α = 0,52 (0,12–0,81) og Gwets AC1 = 0,70 (0,40–0,90) for alle temaer samlet.'
    """
    if not has_two_coders(material):
        return ""
    table = material.coding_coders
    pooled = table.loc[table["theme"] == "(alle)"].iloc[0]
    unit = "replikkene" if material.kind == "transcripts" else "svarene"

    def figure(name):
        return (f"{_decimal(pooled[name])} ({'95 % KI ' if name == 'kappa' else ''}"
                f"{_decimal(pooled[name + '_low'])}–{_decimal(pooled[name + '_high'])})")

    return (f"To personer kodet de samme {material.coding_sample['n_coders']} {unit} uavhengig av hverandre; "
            f"samsvaret mellom dem var κ = {figure('kappa')}, Krippendorffs α = {figure('alpha')} og "
            f"Gwets AC1 = {figure('ac1')} for alle temaer samlet.")


def validation_section(material, ids) -> str:
    """The report section «Validering av kodingen» (HTML)."""
    if not has_validation(material):
        return ""
    from textanalyse.report.html_tables import esc, table_html

    sample = material.coding_sample
    parts = [f'<section id="{ids(material.name, "validering")}"><h3>Validering av kodingen</h3>']
    parts.append("<p>" + esc(" ".join(validation_sentences(material))) + "</p>")
    parts.append("<p>Samsvar per tema mellom den manuelle kodingen (kolonnen «koder A») og maskinens koding "
                 "(«koder B») på de tilfeldig valgte tekstene. κ = Cohens kappa, α = Krippendorffs alfa, "
                 "AC1 = Gwets AC1; κ under 0,6 regnes som svakt samsvar.</p>")
    table = material.coding_validation
    parts.append(table_html(table, columns=[c for c in VALIDATION_COLUMNS if c in table.columns]))
    if has_two_coders(material):
        from pathlib import Path

        sample = material.coding_sample
        parts.append(f"<h4>Samsvar mellom to kodere</h4><p>{esc(Path(sample['coder_a']).name)} (koder A) og "
                     f"{esc(Path(sample['coder_b']).name)} (koder B) kodet de samme {sample['n_coders']} tekstene "
                     "uavhengig av hverandre. Maskinen lærte av koder A. Intervallene er 95 % bootstrap-intervaller; "
                     "uenighetene står i arbeidsboka («Uenighet kodere») til kodemøtet.</p>")
        coders = material.coding_coders
        parts.append(table_html(coders, columns=[c for c in CODER_COLUMNS if c in coders.columns]))
    models = material.coding_models
    if isinstance(models, pd.DataFrame) and len(models):
        codebook_only = models.loc[models["method"] == "codebook"]
        if len(codebook_only):
            reasons = "; ".join(f"{row.theme}: {row.reason}" for row in codebook_only.itertuples())
            parts.append(f"<p>Kodet med kodeboka alene (for lite manuell koding til å lære av): {esc(reasons)}.</p>")
    review = material.coding_review
    if isinstance(review, pd.DataFrame) and len(review):
        segments = review[["doc_id", "segment"]].drop_duplicates().shape[0]
        parts.append(f"<p>{segments} tekster ligger nær grensen for et tema og er listet «til manuell vurdering» "
                     "i arbeidsboka.</p>")
    suggestions = material.coding_suggestions
    if isinstance(suggestions, pd.DataFrame) and len(suggestions):
        parts.append("<h4>Forslag til nye mønstre i kodeboka</h4><p>Ord som går igjen i tekster den manuelle "
                     "kodingen ga et tema, men som kodeboka ikke fant.</p>")
        parts.append(table_html(suggestions))
    from textanalyse.coding.run_step import next_round_summary

    parts.append(f"<p>Manuelt kodet: {sample['n_human']} av {sample['n_segments']} tekster.</p>")
    if next_round_summary(material):
        parts.append(f"<p>{esc(next_round_summary(material))}</p>")
    parts.append("</section>")
    return "".join(parts)


