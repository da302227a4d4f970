"""Custom spaCy components used by textanalyse's shipped Norwegian pipelines.

Import this module before loading a shipped pipeline::

    import spacy
    import textanalyse.nlp.components  # noqa: F401  (registers the factories)
    nlp = spacy.load(path_to_models / "nb")

``textanalyse_lemma_table``: runs after the edit-tree lemmatizer and decides each
token's final lemma:

1. proper nouns (PROPN): the lemma is the form as written (UD convention), or the form
   without a genitive ending (``-s``, ``-'s``, ``-'``) when the lemmatizer removed one;
2. if the lowercased form and the predicted UPOS occur in a table built from the
   training data (form + UPOS -> most frequent lemma), the table's lemma wins;
3. else, if the form was seen in training with another UPOS, the form's most frequent
   lemma over all UPOS wins (key ``"<form>\t*"``);
4. else (form never seen in training), if ``simplemma_lang`` is set (``"nb"``/``"nn"``)
   and simplemma knows the word (its lemma differs from the form; not for PROPN,
   PUNCT, NUM, SYM, X), simplemma's dictionary lemma wins; an unknown compound noun,
   verb or adjective of 8+ letters whose edit-tree lemma is no word simplemma knows is
   lemmatised by its longest known head (``rustjenesten``: not ``rustjenest`` but ``rus`` +
   ``tjeneste``), as in the fast pipeline;
5. else the edit-tree lemmatizer's prediction is kept, lowercased.

On held-out NDT sentences, steps 2-4 raised lemma accuracy on alphabetic tokens from
97.6 to 98.8 % (Bokmål) and from 97.4 to 98.1 % (Nynorsk). The table lives in the
pipeline folder (``textanalyse_lemma_table/table.json.gz``).
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

TABLE_FILE = "table.json.gz"
NO_SIMPLEMMA = {"PROPN", "PUNCT", "NUM", "SYM", "X"}
GENITIVE = ("s", "'s", "'", "’s", "’")


COMPOUND_POS = frozenset({"NOUN", "VERB", "ADJ"})


class LemmaTable:
    def __init__(self, nlp: Language, name: str, simplemma_lang: str = ""):
        self.name = name
        self.table: dict[str, str] = {}
        self.simplemma_lang = simplemma_lang
        self._simplemma = None
        if simplemma_lang:
            import simplemma  # the OOV fallback needs the `simplemma` package

            self._simplemma = simplemma

    def set_table(self, table: dict[str, str]) -> None:
        """Set the table: keys ``"<lowercased form>\\t<UPOS>"``, values lemmas."""
        self.table = dict(table)

    def __call__(self, doc: Doc) -> Doc:
        table = self.table
        for tok in doc:
            pos = tok.pos_
            if pos == "PROPN" and tok.is_sent_start and tok.text[:1].isupper():
                # "Hjemmetjenesten kommer …": a capitalised first word the tagger took for a
                # name, but which training or simplemma knows as an ordinary noun
                common = table.get(tok.lower_ + "\tNOUN")
                if common is None and self._simplemma is not None:
                    guess = self._simplemma.lemmatize(tok.lower_, lang=self.simplemma_lang).lower()
                    common = guess if guess != tok.lower_ else None
                if common is not None:
                    tok.lemma_ = common
                    continue
            if pos == "PROPN":
                # keep the form, except a genitive ending the lemmatizer stripped
                text = tok.text
                lemma = tok.lemma_
                if not (lemma and text[len(lemma):] in GENITIVE
                        and text[:len(lemma)].lower() == lemma.lower()):
                    tok.lemma_ = text
                else:
                    tok.lemma_ = text[:len(lemma)]
                continue
            low = tok.lower_
            hit = table.get(low + "\t" + pos)
            if hit is None:
                hit = table.get(low + "\t*")
            if hit is not None:
                tok.lemma_ = hit
                continue
            if (self._simplemma is not None and pos not in NO_SIMPLEMMA
                    and any(ch.isalpha() for ch in low)):
                guess = self._simplemma.lemmatize(low, lang=self.simplemma_lang).lower()
                if guess != low:  # simplemma knows the word: trust its dictionary
                    tok.lemma_ = guess
                    continue
                edit = (tok.lemma_ or low).lower()
                if (pos in COMPOUND_POS and len(low) >= 8 and low.isalpha()
                        and not self._simplemma.is_known(edit, lang=self.simplemma_lang)):
                    # an unseen compound whose edit-tree lemma is no known word ("rustjenest"):
                    # lemmatise its known head instead ("rus" + "tjeneste")
                    from textanalyse.nlp.fast import _lemmatize_by_head

                    head = _lemmatize_by_head(low, self.simplemma_lang, self._simplemma)
                    if head != low:
                        tok.lemma_ = head
                        continue
            lemma = tok.lemma_
            if not lemma:
                tok.lemma_ = low
            elif lemma.lower() != lemma:
                tok.lemma_ = lemma.lower()
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
                  requires=["token.pos"], default_config={"simplemma_lang": ""})
def make_lemma_table(nlp: Language, name: str, simplemma_lang: str) -> LemmaTable:
    return LemmaTable(nlp, name, simplemma_lang=simplemma_lang)
