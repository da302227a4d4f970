"""The assisted-coding loop: coding sheet → human codes → learner → coded material with agreement.

Library functions behind ``textanalyse code-sheet``, ``textanalyse code`` and
``textanalyse agreement`` (and ``[themes] human`` in ``run``). Tables (CSV columns stable):

- ``coded``: ``doc_id, segment, question, theme, probability, source, review``: one row per
  segment and theme it is coded with. ``source`` is ``human`` (the coder's own code, probability
  1), ``model`` (the learner) or ``codebook`` (a theme with too few coded examples: the codebook's
  pattern hits). ``review`` is true when the probability lies near the theme's threshold.
- ``review``: ``doc_id, segment, question, theme, probability, threshold, text``: the segments
  "til manuell vurdering" (near a threshold, not coded by a human), closest first.
- ``models``: ``theme, method, coded_examples, threshold, reason``.
- ``agreement``: machine against human from cross-validation, see
  :mod:`textanalyse.coding.agreement` (only random-sample segments, round 1, are scored).
- ``suggestions``: ``theme, lemma, missed, coded_with_theme, coded_without_theme``: lemmas
  frequent in segments the coder gave a theme the codebook missed: candidate patterns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from textanalyse.coding.agreement import agreement_table
from textanalyse.coding.learner import (REVIEW_MARGIN, cross_validate, decide, fit_learner, predict_proba,
                                        segment_features)
from textanalyse.coding.qdpx_sheet import check_texts
from textanalyse.coding.sheet import (KEY_COLUMNS, ROUND_COLUMN, CodingSheet, combine_sheets, draw_sample,
                                      read_sheet, segment_table, write_sheet)
from textanalyse.errors import UserError

CODED_COLUMNS = ("doc_id", "segment", "question", "theme", "probability", "source", "review")
REVIEW_COLUMNS = ("doc_id", "segment", "question", "theme", "probability", "threshold", "text")
MODEL_COLUMNS = ("theme", "method", "coded_examples", "threshold", "reason")
SUGGESTION_COLUMNS = ("theme", "lemma", "missed", "coded_with_theme", "coded_without_theme")
DISAGREEMENT_COLUMNS = ("doc_id", "segment", "question", "text", "theme", "coder_a", "coder_b",
                        "comment_a", "comment_b")


@dataclass
class AssistedCoding:
    """Everything ``code`` produces; see the module docstring for the tables."""

    coded: pd.DataFrame
    review: pd.DataFrame
    models: pd.DataFrame
    agreement: pd.DataFrame
    suggestions: pd.DataFrame
    n_human: int
    n_random: int
    n_segments: int
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ helpers
def _human_codes(sheet: CodingSheet, segments: pd.DataFrame, themes) -> tuple[CodingSheet, pd.DataFrame]:
    """The sheet's rows that are segments of this material, and their 0/1 codes for every theme."""
    known = pd.MultiIndex.from_frame(segments[list(KEY_COLUMNS)].astype({"segment": int}))
    keys = pd.MultiIndex.from_frame(sheet.segments[list(KEY_COLUMNS)].astype({"segment": int}))
    present = keys.isin(known)
    if not present.any():
        raise UserError(f"{sheet.source}: none of the sheet's doc_id/segment pairs is in this material; "
                        "read the material with the same input options (--text-col, --id-col) as for the sheet")
    check_texts(sheet, segments)
    rows = np.flatnonzero(present)
    codes = sheet.codes.iloc[rows].reset_index(drop=True)
    for theme in themes:
        if theme not in codes.columns:
            codes[theme] = 0
    kept = CodingSheet(segments=sheet.segments.iloc[rows].reset_index(drop=True), codes=codes[list(themes)],
                       comments=sheet.comments.iloc[rows].reset_index(drop=True), source=sheet.source)
    return kept, codes[list(themes)]


def read_human(paths, *, themes) -> CodingSheet:
    """Read and combine one or more filled-in coding sheets (rounds 1, 2 …); sheets already read pass through."""
    single = isinstance(paths, (str, bytes, CodingSheet)) or hasattr(paths, "__fspath__")
    paths = [paths] if single else list(paths)
    if not paths:
        raise UserError("no coding sheet given; name the filled-in sheet with --human")
    return combine_sheets([path if isinstance(path, CodingSheet) else read_sheet(path, themes=themes)
                           for path in paths])


def _respondent_groups(corpus, keys: pd.DataFrame) -> np.ndarray:
    respondent = dict(zip(corpus.documents["doc_id"], corpus.documents["respondent"]))
    return np.array([respondent.get(doc, doc) for doc in keys["doc_id"]], dtype=object)


# ------------------------------------------------------------------ code-sheet
def code_sheet(material, out, *, codebook, n: int = 150, group_by=(), seed: int = 1, round_number: int = 1,
               human=(), learner_seed: int = 0) -> pd.DataFrame:
    """Draw and write a coding sheet; returns the segments written.

    Round 1 is a stratified random sample. Round 2 and later (``human`` = the sheets coded so
    far) are the ``n`` uncoded segments the learner is least sure of: those whose probability
    for some theme lies closest to that theme's threshold.
    """
    themes = codebook.theme_names
    segments = segment_table(material.corpus, group_by=group_by)
    descriptions = {theme.name: theme.description for theme in codebook.themes}
    if round_number < 1:
        raise UserError(f"--round must be 1 or more, got {round_number}")
    if round_number == 1:
        if human:
            raise UserError("--human belongs to --round 2 and later; round 1 is a fresh random sample")
        sample = draw_sample(segments, n=n, group_by=group_by, seed=seed)
        about = (f"Tilfeldig utvalg av {len(sample)} av {len(segments)} tekstutdrag, stratifisert etter spørsmål"
                 + (f" og {', '.join(group_by)}" if group_by else "") + f" (frø {seed}).")
    else:
        if not human:
            raise UserError(f"--round {round_number} needs the sheets coded so far (--human koding.xlsx)")
        sheet = read_human(human, themes=themes)
        sample, about = next_round_sample(material, segments, codebook=codebook, sheet=sheet, n=n, seed=learner_seed,
                                          round_number=round_number)
    write_sheet(sample, out, themes=themes, descriptions=descriptions, round_number=round_number, about=about)
    return sample


def next_round_sample(material, segments, *, codebook, sheet: CodingSheet, n: int, seed: int = 0,
                      round_number: int = 2, candidates: pd.DataFrame | None = None) -> tuple[pd.DataFrame, str]:
    """Active learning: the ``n`` segments not coded in ``sheet`` the learner is least sure of.

    Least sure = some theme's probability lies closest to that theme's threshold. Returns the
    segments (rows of ``segments``, so with the same group columns) and the sheet's note on them.
    ``candidates``: rows of ``segments`` that may be drawn (default: every one not in ``sheet``).
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise UserError(f"the next round needs a whole number of segments of at least 1, got {n!r}")
    themes = codebook.theme_names
    sheet, codes = _human_codes(sheet, segments, themes)
    features = segment_features(material.corpus, material.tokens, codebook)
    coded_keys = set(zip(sheet.segments["doc_id"], sheet.segments["segment"].astype(int)))
    all_keys = list(zip(features.keys["doc_id"], features.keys["segment"]))
    position = {key: i for i, key in enumerate(all_keys)}
    coded_rows = [position[key] for key in zip(sheet.segments["doc_id"], sheet.segments["segment"].astype(int))]
    from textanalyse.coding.learner import _subset

    learner = fit_learner(_subset(features, np.array(coded_rows)), codes, codebook, seed=seed, unlabelled=features)
    probabilities = predict_proba(learner, features)
    thresholds = np.array([learner.models[t].threshold for t in themes])
    distance = np.abs(probabilities[themes].to_numpy() - thresholds).min(axis=1)
    allowed = None if candidates is None else set(zip(candidates["doc_id"], candidates["segment"].astype(int)))
    pool = pd.DataFrame({"doc_id": features.keys["doc_id"], "segment": features.keys["segment"],
                         "distance": distance, "order": np.arange(len(distance))})
    pool = pool.loc[[key not in coded_keys and (allowed is None or key in allowed) for key in all_keys]]
    if pool.empty:
        raise UserError("every segment is already coded; there is nothing left for another round")
    chosen = pool.sort_values(["distance", "order"], kind="stable").head(n)
    picked = segments.merge(chosen[["doc_id", "segment", "order"]], on=["doc_id", "segment"])
    picked = picked.sort_values("order").drop(columns="order").reset_index(drop=True)
    about = (f"Runde {round_number}: de {len(picked)} utdragene modellen var mest usikker på, "
             "blant dem som ikke er kodet før. Dette er ikke et tilfeldig utvalg.")
    return picked, about


# ------------------------------------------------------------------ code
def assisted_coding(material, *, codebook, human, seed: int = 0, bootstrap: int = 2000) -> AssistedCoding:
    """Learn the coder's codes from the filled-in sheet(s) and code every segment of the material."""
    themes = codebook.theme_names
    segments = segment_table(material.corpus)
    sheet, codes = _human_codes(read_human(human, themes=themes), segments, themes)
    features = segment_features(material.corpus, material.tokens, codebook)
    index = {key: i for i, key in enumerate(zip(features.keys["doc_id"], features.keys["segment"]))}
    coded_rows = np.array([index[key] for key in zip(sheet.segments["doc_id"], sheet.segments["segment"].astype(int))])
    from textanalyse.coding.learner import _subset

    sample = _subset(features, coded_rows)
    learner = fit_learner(sample, codes, codebook, seed=seed, unlabelled=features)
    probabilities = predict_proba(learner, features)
    decisions = decide(learner, probabilities)

    # machine against human: out-of-fold predictions, scored on the random (round 1) rows only
    groups = _respondent_groups(material.corpus, sample.keys)
    oof = cross_validate(sample, codes, codebook, seed=seed, groups=groups, unlabelled=features)
    random_rows = (sheet.segments[ROUND_COLUMN].to_numpy() == 1)
    if random_rows.sum() < 10:
        raise UserError(f"{sheet.source}: only {int(random_rows.sum())} randomly drawn segments (round 1) are coded; "
                        "code at least 10 so agreement can be measured")
    machine = oof["code"].reset_index(drop=True)[themes]
    agreement = agreement_table(codes.loc[random_rows].reset_index(drop=True),
                                machine.loc[random_rows].reset_index(drop=True), samples=bootstrap)

    question = dict(zip(material.corpus.documents["doc_id"], material.corpus.documents["question"]))
    text = {(d, int(s)): t for d, s, t in zip(segments["doc_id"], segments["segment"], segments["text"])}
    coded = _coded_table(learner, probabilities, decisions, sheet, codes, question, themes)
    review = _review_table(learner, probabilities, sheet, question, text, themes)
    models = pd.DataFrame([{"theme": t, "method": learner.models[t].kind, "coded_examples": learner.models[t].positives,
                            "threshold": learner.models[t].threshold if learner.models[t].kind == "model" else np.nan,
                            "reason": learner.models[t].reason} for t in themes], columns=list(MODEL_COLUMNS))
    suggestions = suggest_patterns(material.tokens, sample, codes, themes)
    return AssistedCoding(coded=coded, review=review, models=models, agreement=agreement, suggestions=suggestions,
                          n_human=len(codes), n_random=int(random_rows.sum()), n_segments=len(features.keys),
                          notes=list(learner.notes))


def _coded_table(learner, probabilities, decisions, sheet, codes, question, themes) -> pd.DataFrame:
    human_keys = set(zip(sheet.segments["doc_id"], sheet.segments["segment"].astype(int)))
    long_p = probabilities.stack()
    long_p.index.names = ["doc_id", "segment", "theme"]
    frame = long_p.rename("probability").reset_index()
    frame["code"] = decisions.stack().to_numpy()
    frame = frame.loc[[(d, s) not in human_keys for d, s in zip(frame["doc_id"], frame["segment"])]]
    frame["source"] = frame["theme"].map(lambda t: learner.models[t].kind)
    thresholds = frame["theme"].map(lambda t: learner.models[t].threshold)
    frame["review"] = (frame["source"] == "model") & ((frame["probability"] - thresholds).abs() < REVIEW_MARGIN)
    machine = frame.loc[frame["code"] == 1].drop(columns="code")
    human_rows = []
    for (doc, seg), row in zip(zip(sheet.segments["doc_id"], sheet.segments["segment"].astype(int)),
                               codes.itertuples(index=False)):
        for theme, value in zip(themes, row):
            if value == 1:
                human_rows.append({"doc_id": doc, "segment": seg, "theme": theme, "probability": 1.0,
                                   "source": "human", "review": False})
    table = pd.concat([pd.DataFrame(human_rows, columns=["doc_id", "segment", "theme", "probability", "source",
                                                         "review"]), machine], ignore_index=True)
    table["question"] = table["doc_id"].map(question).fillna("")
    table["probability"] = table["probability"].astype(float).round(4)
    order = {doc: i for i, doc in enumerate(question)}
    table["_order"] = table["doc_id"].map(order)
    table["_theme"] = table["theme"].map({t: i for i, t in enumerate(themes)})
    table = table.sort_values(["_order", "segment", "_theme"], kind="stable")
    return table[list(CODED_COLUMNS)].reset_index(drop=True)


def _review_table(learner, probabilities, sheet, question, text, themes) -> pd.DataFrame:
    human_keys = set(zip(sheet.segments["doc_id"], sheet.segments["segment"].astype(int)))
    rows = []
    for theme in themes:
        model = learner.models[theme]
        if model.kind != "model":
            continue
        p = probabilities[theme]
        near = p[(p - model.threshold).abs() < REVIEW_MARGIN]
        for (doc, seg), value in near.items():
            if (doc, int(seg)) not in human_keys:
                rows.append({"doc_id": doc, "segment": int(seg), "question": question.get(doc, ""), "theme": theme,
                             "probability": round(float(value), 4), "threshold": model.threshold,
                             "text": text.get((doc, int(seg)), ""), "_d": abs(float(value) - model.threshold)})
    table = pd.DataFrame(rows, columns=[*REVIEW_COLUMNS, "_d"])
    return table.sort_values(["_d", "doc_id", "segment", "theme"], kind="stable").drop(columns="_d").reset_index(drop=True)


def suggest_patterns(tokens: pd.DataFrame, sample, codes: pd.DataFrame, themes, *, top: int = 10) -> pd.DataFrame:
    """Lemmas frequent in segments coded with a theme that the codebook did not find there."""
    from textanalyse.filters import default_stoplists

    stop = set().union(*(stoplist.words for stoplist in default_stoplists()))
    words = tokens.loc[tokens["is_word"].astype(bool), ["doc_id", "segment", "lemma"]]
    words = words.assign(lemma=words["lemma"].astype(str).str.lower())
    words = words.loc[(words["lemma"].str.len() >= 3) & ~words["lemma"].isin(stop)
                      & words["lemma"].str.contains(r"[^\W\d_]", regex=True)]
    per_segment = words.drop_duplicates().groupby(["doc_id", "segment"])["lemma"].agg(set)
    keys = list(zip(sample.keys["doc_id"], sample.keys["segment"]))
    lemma_sets = [per_segment.get(key, set()) for key in keys]
    rows = []
    for t, theme in enumerate(themes):
        y = codes[theme].to_numpy()
        missed = [i for i in range(len(keys)) if y[i] == 1 and sample.hits[i, t] == 0]
        counts: dict[str, int] = {}
        for i in missed:
            for lemma in lemma_sets[i]:
                counts[lemma] = counts.get(lemma, 0) + 1
        for lemma, count in counts.items():
            if count < 2:
                continue
            with_theme = sum(1 for i in range(len(keys)) if y[i] == 1 and lemma in lemma_sets[i])
            without = sum(1 for i in range(len(keys)) if y[i] == 0 and lemma in lemma_sets[i])
            if with_theme > without:
                rows.append({"theme": theme, "lemma": lemma, "missed": count, "coded_with_theme": with_theme,
                             "coded_without_theme": without})
    table = pd.DataFrame(rows, columns=list(SUGGESTION_COLUMNS))
    table = table.sort_values(["theme", "missed", "coded_without_theme", "lemma"],
                              ascending=[True, False, True, True], kind="stable")
    return table.groupby("theme", sort=False).head(top).reset_index(drop=True)


# ------------------------------------------------------------------ agreement between two coders
def coder_agreement(path_a, path_b, *, themes=None, bootstrap: int = 2000) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Agreement between two coders' sheets, matched on ``doc_id`` and ``segment``.

    Returns ``(agreement, disagreements, info)``; ``info`` counts the matched and unmatched rows
    and names themes only one sheet has.
    """
    return sheets_agreement(read_sheet(path_a, themes=themes), read_sheet(path_b, themes=themes), bootstrap=bootstrap)


def sheets_agreement(a: CodingSheet, b: CodingSheet, *, bootstrap: int = 2000) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """:func:`coder_agreement` for two sheets already read."""
    path_a, path_b = a.source, b.source
    key_a = list(zip(a.segments["doc_id"], a.segments["segment"]))
    key_b = {key: i for i, key in enumerate(zip(b.segments["doc_id"], b.segments["segment"]))}
    pairs = [(i, key_b[key]) for i, key in enumerate(key_a) if key in key_b]
    if not pairs:
        raise UserError(f"{path_a} and {path_b} share no doc_id/segment pair; are they copies of the same sheet?")
    common = [theme for theme in a.themes if theme in b.themes]
    if not common:
        raise UserError(f"{path_a} and {path_b} have no theme column in common")
    rows_a, rows_b = (np.array(side) for side in zip(*pairs))
    codes_a = a.codes.iloc[rows_a][common].reset_index(drop=True)
    codes_b = b.codes.iloc[rows_b][common].reset_index(drop=True)
    table = agreement_table(codes_a, codes_b, samples=bootstrap)
    segments = a.segments.iloc[rows_a].reset_index(drop=True)
    comments_a = a.comments.iloc[rows_a].reset_index(drop=True)
    comments_b = b.comments.iloc[rows_b].reset_index(drop=True)
    differ = []
    for i in range(len(segments)):
        for theme in common:
            if codes_a.at[i, theme] != codes_b.at[i, theme]:
                differ.append({"doc_id": segments.at[i, "doc_id"], "segment": int(segments.at[i, "segment"]),
                               "question": segments.at[i, "question"] if "question" in segments else "",
                               "text": segments.at[i, "text"] if "text" in segments else "", "theme": theme,
                               "coder_a": int(codes_a.at[i, theme]), "coder_b": int(codes_b.at[i, theme]),
                               "comment_a": comments_a.iat[i], "comment_b": comments_b.iat[i]})
    info = {"matched": len(pairs), "only_a": len(key_a) - len(pairs), "only_b": len(key_b) - len(pairs),
            "themes_only_a": [t for t in a.themes if t not in common],
            "themes_only_b": [t for t in b.themes if t not in common]}
    return table, pd.DataFrame(differ, columns=list(DISAGREEMENT_COLUMNS)), info
