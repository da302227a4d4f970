"""Assisted coding inside ``run`` (``[themes] human``, ``[themes] next_round``).

:func:`apply_human_coding` replaces a material's codebook coding by the assisted coding of
:func:`textanalyse.coding.assisted.assisted_coding` and puts the validation on the material
(``coding_validation``, ``coding_models``, ``coding_review``, ``coding_suggestions``,
``coding_sample``). With ``next_round = N`` it also draws the next active-learning sheet
(``coding_next_round``), which :func:`write_next_round_sheets` writes into the results folder
as ``koding_runde<k>.xlsx``, the same sheet ``code-sheet --round k`` writes.

Two coders: when a sheet codes segments an earlier sheet coded (the same sample coded by a
second person, :func:`split_coders`), the learner trains on the first person's sheets and the
two people's agreement (κ, α, AC1 with bootstrap intervals, the agreement table of
:mod:`textanalyse.coding.agreement`) goes to ``coding_coders``, their disagreements to
``coding_disagreements`` (the table of ``textanalyse agreement``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from textanalyse.coding.assisted import assisted_coding, next_round_sample, read_human, sheets_agreement
from textanalyse.coding.sheet import ROUND_COLUMN, read_sheet, segment_table, write_sheet
from textanalyse.errors import UserError


def apply_human_coding(analysis, material, *, codebook, human, group_columns=(), seed: int = 0,
                       next_round: int = 0) -> bool:
    """``run`` with ``[themes] human``: replace the codebook's theme tables by the assisted coding.

    The sheets are matched to this material by ``doc_id``/``segment``; a material none of the
    sheets belongs to keeps the codebook coding (and gets a note). Returns whether it was applied.
    """
    from textanalyse.report.validation import flag_low_agreement
    from textanalyse.themes import cooccurrence, theme_summary

    themes = codebook.theme_names
    sheets = [read_sheet(path, themes=themes) for path in human]
    segments = segment_table(material.corpus)
    known = set(zip(segments["doc_id"], segments["segment"].astype(int)))
    mine = [s for s in sheets if any(key in known for key in zip(s.segments["doc_id"], s.segments["segment"]))]
    if not mine:
        analysis.notes.append("Ingen av de manuelt kodede arkene hører til dette materialet; "
                              "temaene er kodet med kodeboka alene.")
        return False
    training, second = split_coders(mine)
    result = assisted_coding(material, codebook=codebook, human=training, seed=seed)
    # a learned code covers the whole segment (an answer or a turn): offsets 0 .. its length
    lengths = {(d, int(g)): len(str(t)) for d, g, t in zip(segments["doc_id"], segments["segment"], segments["text"])}
    coded = result.coded.assign(matched="", pattern="", start=0,
                                end=[lengths.get((d, int(g)), 0) for d, g in zip(result.coded["doc_id"],
                                                                                result.coded["segment"])])
    coded = coded[["doc_id", "segment", "question", "theme", "matched", "pattern", "start", "end", "probability",
                   "source"]]
    documents = material.corpus.documents
    analysis.theme_coded = coded
    analysis.theme_summary = flag_low_agreement(theme_summary(coded, documents, themes=themes), result.agreement)
    analysis.theme_summary_by_group = {
        column: flag_low_agreement(theme_summary(coded, documents, group_column=column, themes=themes),
                                   result.agreement) for column in group_columns}
    analysis.theme_cooccurrence = cooccurrence(coded, themes=themes)
    analysis.coding_validation = result.agreement
    analysis.coding_models = result.models
    analysis.coding_review = result.review
    analysis.coding_suggestions = result.suggestions
    analysis.coding_sample = {"n_human": result.n_human, "n_random": result.n_random,
                              "n_segments": result.n_segments}
    analysis.notes.extend(f"Koding: {note}" for note in result.notes)
    if second is not None:
        first = read_human(training, themes=None)
        agreement, disagreements, info = sheets_agreement(first, second)
        analysis.coding_coders = agreement
        analysis.coding_disagreements = disagreements
        analysis.coding_sample.update(n_coders=info["matched"], coder_a=first.source, coder_b=second.source)
    if next_round:
        _draw_next_round(analysis, material, codebook=codebook, training=training, second=second,
                         n=next_round, group_columns=group_columns, seed=seed)
    return True


def _draw_next_round(analysis, material, *, codebook, training, second, n, group_columns, seed) -> None:
    """Put the next active-learning sheet on ``analysis`` (a note instead when nothing is left to code)."""
    round_number = max(int(s.segments[ROUND_COLUMN].max()) for s in training) + 1
    segments = segment_table(material.corpus, group_by=group_columns)
    coded = {key for sheet in [*training, *([second] if second is not None else [])]
             for key in zip(sheet.segments["doc_id"], sheet.segments["segment"].astype(int))}
    left = segments.loc[[key not in coded for key in zip(segments["doc_id"], segments["segment"].astype(int))]]
    if left.empty:
        analysis.notes.append(f"Neste kodeark (runde {round_number}) ble ikke laget: alle tekstene er allerede kodet.")
        return
    # the learner sees every segment; only uncoded ones (by either person) can be drawn
    sample, about = next_round_sample(material, segments, codebook=codebook, sheet=read_human(training, themes=None),
                                      n=n, seed=seed, round_number=round_number, candidates=left)
    analysis.coding_next_round = {"round": round_number, "segments": sample, "about": about,
                                  "themes": list(codebook.theme_names),
                                  "descriptions": {theme.name: theme.description for theme in codebook.themes}}


def split_coders(sheets) -> tuple[list, object]:
    """The sheets the learner trains on, and a second coder's sheet of the same sample (or None).

    A sheet that codes segments an earlier sheet already coded is the second person's coding of
    that sample: it is compared with the first (inter-coder agreement), not learned from.

    Example:
        >>> from textanalyse.coding.sheet import CodingSheet
        >>> def sheet(name, docs):
        ...     return CodingSheet(pd.DataFrame({"doc_id": docs, "segment": 0}), pd.DataFrame({"Bolig": [1] * len(docs)}),
        ...                        pd.Series([""] * len(docs)), name)
        >>> training, second = split_coders([sheet("anne.xlsx", ["R1:bra", "R2:bra"]), sheet("per.xlsx", ["R2:bra"]),
        ...                                  sheet("anne_runde2.xlsx", ["R3:bra"])])
        >>> [s.source for s in training], second.source
        (['anne.xlsx', 'anne_runde2.xlsx'], 'per.xlsx')
    """
    training, second, seen = [], None, set()
    for sheet in sheets:
        keys = set(zip(sheet.segments["doc_id"], sheet.segments["segment"].astype(int)))
        if keys & seen:
            if second is not None:
                raise UserError(f"[themes] human: {sheet.source} codes segments that {second.source} and an earlier "
                                "sheet code too; name the sheets of at most two people who coded the same sample")
            second = sheet
            continue
        training.append(sheet)
        seen |= keys
    return training, second


def next_round_file_names(materials) -> dict:
    """``material name -> file name`` of the next round's sheet (``koding_runde2.xlsx``; with
    several materials drawing one, ``koding_runde2_<material>.xlsx``).

    Example:
        >>> from types import SimpleNamespace
        >>> one = SimpleNamespace(name="Brukerundersøkelse 2024", coding_next_round={"round": 2})
        >>> next_round_file_names([one, SimpleNamespace(name="Intervjuer", coding_next_round={})])
        {'Brukerundersøkelse 2024': 'koding_runde2.xlsx'}
        >>> two = SimpleNamespace(name="Intervjuer", coding_next_round={"round": 3})
        >>> next_round_file_names([one, two])
        {'Brukerundersøkelse 2024': 'koding_runde2_brukerundersøkelse_2024.xlsx', 'Intervjuer': 'koding_runde3_intervjuer.xlsx'}
    """
    drawing = [m for m in materials if getattr(m, "coding_next_round", None)]
    names = {}
    for material in drawing:
        stem = f"koding_runde{material.coding_next_round['round']}"
        if len(drawing) > 1:
            stem += "_" + (re.sub(r"[^\w]+", "_", material.name.lower()).strip("_") or "materiale")
        names[material.name] = stem + ".xlsx"
    return names


def write_next_round_sheets(result, folder) -> list[str]:
    """Write each material's next active-learning sheet into ``folder``; returns the file names."""
    files, names = [], next_round_file_names(result.materials)
    for material in result.materials:
        name = names.get(material.name)
        if name is None:
            continue
        draw = material.coding_next_round
        write_sheet(draw["segments"], Path(folder) / name, themes=draw["themes"], descriptions=draw["descriptions"],
                    round_number=draw["round"], about=draw["about"])
        files.append(name)
    return files


def next_round_summary(material) -> str:
    """One Norwegian sentence for the report about the next round's sheet ("" without one)."""
    draw = getattr(material, "coding_next_round", None)
    if not draw:
        return ""
    count = len(draw["segments"]) if isinstance(draw.get("segments"), pd.DataFrame) else 0
    return (f"Neste kodeark (runde {draw['round']}) har {count} tekster modellen var mest usikker på, "
            "ingen av dem kodet før.")
