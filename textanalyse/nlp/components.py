"""Custom spaCy components used by textanalyse's shipped Norwegian pipelines.

Import this module before loading a shipped pipeline::

    import spacy
    import textanalyse.nlp.components  # noqa: F401  (registers the factories)
    nlp = spacy.load(path_to_models / "nb")

``textanalyse_lemma_table``: runs after the edit-tree lemmatizer. For a token whose
lowercased form and predicted UPOS occur in a table built from the training data
(form + UPOS → most frequent lemma), the table's lemma wins; if the form was seen in
training but never with the predicted UPOS, the form's most frequent lemma over all
UPOS wins (key ``"<form>\t*"``); otherwise the lemmatizer's prediction is kept. Proper nouns keep their form's capitalisation and all other lemmas
are lowercased, as in Universal Dependencies. The table lives in the pipeline folder
(``textanalyse_lemma_table/table.json.gz``).
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

TABLE_FILE = "table.json.gz"


class LemmaTable:
    def __init__(self, nlp: Language, name: str):
        self.name = name
        self.table: dict[str, str] = {}

    def set_table(self, table: dict[str, str]) -> None:
        """Set the table: keys ``"<lowercased form>\\t<UPOS>"``, values lemmas."""
        self.table = dict(table)

    def __call__(self, doc: Doc) -> Doc:
        table = self.table
        for tok in doc:
            pos = tok.pos_
            if pos == "PROPN":
                lemma = tok.lemma_
                if not lemma or lemma.lower() == tok.lower_:
                    tok.lemma_ = tok.text
                continue
            low = tok.lower_
            hit = table.get(low + "\t" + pos)
            if hit is None:
                hit = table.get(low + "\t*")
            if hit is not None:
                tok.lemma_ = hit
            else:
                lemma = tok.lemma_
                if lemma:
                    low = lemma.lower()
                    if low != lemma:
                        tok.lemma_ = low
                else:
                    tok.lemma_ = tok.lower_
        return doc

    def to_disk(self, path, exclude=tuple()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        data = json.dumps(self.table, ensure_ascii=False, sort_keys=True).encode("utf-8")
        # fixed mtime so the saved file is byte-identical across runs
        with open(path / TABLE_FILE, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
                fh.write(data)

    def from_disk(self, path, exclude=tuple()):
        path = Path(path)
        with gzip.open(path / TABLE_FILE, "rt", encoding="utf-8") as fh:
            self.table = json.load(fh)
        return self


@Language.factory("textanalyse_lemma_table", assigns=["token.lemma"],
                  requires=["token.pos"])
def make_lemma_table(nlp: Language, name: str) -> LemmaTable:
    return LemmaTable(nlp, name)
