"""Read CoNLL-U files (UD treebanks, NorNE): sentence texts and tokens with character offsets."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ConlluToken:
    """One syntactic word.

    ``name`` is NorNE's tag from the MISC column (``B-PER``, ``I-LOC``, ``O``); ``start`` and
    ``end`` are its character offsets in the sentence text, or -1 when the form does not occur
    verbatim after the previous token (such tokens cannot be aligned with a tokenizer's output).
    """

    form: str
    lemma: str
    upos: str
    name: str
    space_after: bool
    start: int
    end: int

    @property
    def entity(self) -> str:
        """The entity label without its B-/I- prefix (``PER``), or ``""``."""
        return "" if self.name in ("", "O") else self.name.split("-", 1)[-1]


@dataclass(frozen=True)
class ConlluSentence:
    text: str
    tokens: tuple[ConlluToken, ...]


def read_conllu(path) -> list[ConlluSentence]:
    """The sentences of a CoNLL-U file; multi-word ranges and empty nodes are skipped.

    The text is the ``# text =`` comment, or rebuilt from the forms and ``SpaceAfter=No``.

    Example:
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "liten.conllu"
        >>> _ = path.write_text("# text = Hun fikk hjelp.\\n"
        ...     "1\\tHun\\thun\\tPRON\\t_\\t_\\t2\\tnsubj\\t_\\t_\\n"
        ...     "2\\tfikk\\tfå\\tVERB\\t_\\t_\\t0\\troot\\t_\\t_\\n"
        ...     "3\\thjelp\\thjelp\\tNOUN\\t_\\t_\\t2\\tobj\\t_\\tSpaceAfter=No\\n"
        ...     "4\\t.\\t$.\\tPUNCT\\t_\\t_\\t2\\tpunct\\t_\\t_\\n\\n", encoding="utf-8")
        >>> sentence = read_conllu(path)[0]
        >>> sentence.text, [(t.form, t.lemma, t.upos) for t in sentence.tokens][:2]
        ('Hun fikk hjelp.', [('Hun', 'hun', 'PRON'), ('fikk', 'få', 'VERB')])
    """
    sentences: list[ConlluSentence] = []
    text, rows = None, []

    def finish() -> None:
        if not rows:
            return
        sentence_text = text if text is not None else "".join(
            form + (" " if space else "") for form, _, _, _, space in rows).strip()
        tokens, cursor = [], 0
        for form, lemma, upos, name, space in rows:
            start = sentence_text.find(form, cursor)
            end = -1 if start < 0 else start + len(form)
            if start >= 0:
                cursor = end
            tokens.append(ConlluToken(form, lemma, upos, name, space, start, end))
        sentences.append(ConlluSentence(sentence_text, tuple(tokens)))

    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if not line.strip():
                finish()
                text, rows = None, []
            elif line.startswith("#"):
                if line.startswith("# text = "):
                    text = line[len("# text = "):]
            else:
                columns = line.split("\t")
                if len(columns) < 10 or not columns[0].isdigit():
                    continue
                misc = columns[9].split("|") if columns[9] != "_" else []
                name = next((item[len("name="):] for item in misc if item.startswith("name=")), "O")
                rows.append((columns[1], columns[2], columns[3], name, "SpaceAfter=No" not in misc))
    finish()
    return sentences
