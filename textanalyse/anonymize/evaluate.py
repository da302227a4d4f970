"""Measure de-identification on gold-annotated CoNLL-U (NorNE): how many names are masked, how much else survives."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from textanalyse.anonymize.masker import mask_text

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


def read_conllu_sentences(path: Path):
    """Yield (text, tokens) per sentence; a token is (form, entity label or "")."""
    text = None
    tokens: list[tuple[str, str]] = []
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line.startswith("# text = "):
                text = line[len("# text = ") :]
            elif not line:
                if text is not None and tokens:
                    yield text, tokens
                text, tokens = None, []
            elif not line.startswith("#"):
                columns = line.split("\t")
                if len(columns) < 10 or not columns[0].isdigit():
                    continue  # multi-word token ranges and empty nodes
                label = ""
                for item in columns[9].split("|"):
                    if item.startswith("name=") and item != "name=O":
                        label = item[len("name=") :].split("-", 1)[-1]
                tokens.append((columns[1], label))
    if text is not None and tokens:
        yield text, tokens


def evaluate_conllu(path: Path, *, limit: int | None = None) -> Evaluation:
    """Mask each sentence's text with the rules alone and compare with the gold entities."""
    evaluation = Evaluation()
    sentences = list(read_conllu_sentences(path))
    if limit is not None:
        sentences = sentences[:limit]
    started = time.perf_counter()
    results = [mask_text(text) for text, _ in sentences]
    evaluation.seconds = time.perf_counter() - started
    evaluation.sentences = len(sentences)
    for (text, tokens), result in zip(sentences, results):
        masked = bytearray(len(text))
        for span in result.spans:
            masked[span.start : span.end] = b"\x01" * (span.end - span.start)
        position = 0
        for form, label in tokens:
            start = text.find(form, position)
            if start < 0:
                continue  # token not found verbatim in the sentence text: not evaluable
            end = start + len(form)
            position = end
            hit = any(masked[start:end])
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
