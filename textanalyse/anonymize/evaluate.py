"""Measure de-identification on gold-annotated CoNLL-U (NorNE): how many names are masked, how much else survives."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from textanalyse.anonymize.masker import mask_text
from textanalyse.conllu import read_conllu

PERSON_LABELS = frozenset({"PER"})
PLACE_LABELS = frozenset({"GPE_LOC", "LOC"})
ORG_LABELS = frozenset({"ORG", "GPE_ORG"})


@dataclass
class Tally:
    """Masked and total counts of one group of tokens."""

    masked: int = 0
    total: int = 0

    @property
    def share(self) -> float:
        return self.masked / self.total if self.total else float("nan")


@dataclass
class Evaluation:
    """Token-level figures: the share masked per entity group, and the share of other words kept."""

    sentences: int = 0
    seconds: float = 0.0
    person: Tally = field(default_factory=Tally)
    place: Tally = field(default_factory=Tally)
    organisation: Tally = field(default_factory=Tally)
    other_words: Tally = field(default_factory=Tally)  # "masked" counts words that SURVIVED

    @property
    def others_surviving(self) -> float:
        return self.other_words.share


def evaluate_conllu(path: Path, *, limit: int | None = None) -> Evaluation:
    """Mask each sentence's text with the rules alone and compare with the gold entities."""
    evaluation = Evaluation()
    sentences = read_conllu(path)
    if limit is not None:
        sentences = sentences[:limit]
    started = time.perf_counter()
    results = [mask_text(sentence.text) for sentence in sentences]
    evaluation.seconds = time.perf_counter() - started
    evaluation.sentences = len(sentences)
    for sentence, result in zip(sentences, results):
        masked = bytearray(len(sentence.text))
        for span in result.spans:
            masked[span.start : span.end] = b"\x01" * (span.end - span.start)
        for token in sentence.tokens:
            if token.start < 0:
                continue  # token not found verbatim in the sentence text: not evaluable
            form, label = token.form, token.entity
            hit = any(masked[token.start:token.end])
            if label in PERSON_LABELS:
                tally = evaluation.person
            elif label in PLACE_LABELS:
                tally = evaluation.place
            elif label in ORG_LABELS:
                tally = evaluation.organisation
            elif label:
                continue  # PROD, EVT, DRV: neither counted as names nor as other words
            else:
                if sum(c.isalpha() for c in form) >= 4 and form.isalpha():
                    evaluation.other_words.total += 1
                    evaluation.other_words.masked += not hit
                continue
            tally.total += 1
            tally.masked += hit
    return evaluation
