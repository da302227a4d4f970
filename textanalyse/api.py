"""One library function per command: read, annotate, filter, analyse; the CLI calls these."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from textanalyse.atomic import atomic_path
from textanalyse.corpus import Corpus
from textanalyse.errors import UserError
from textanalyse.filters import FilterResult, apply_filters, default_stoplists, user_stoplist
from textanalyse.io import read_material
from textanalyse.nlp import annotate
from textanalyse.options import FilterOptions, InputOptions, read_variants


@dataclass
class Material:
    """A read and annotated corpus."""

    corpus: Corpus
    tokens: pd.DataFrame

    @property
    def pipeline(self) -> str:
        return self.tokens.attrs.get("pipeline", "")


def load_material(inputs: InputOptions, *, on_progress=None) -> Material:
    """Read the input files and annotate them (using the cache when one is set).

    Example:
        >>> material = load_material(InputOptions(paths=("svar.csv",), text_columns=("fungerer_bra",)))  # doctest: +SKIP
    """
    corpus = read_material(
        list(inputs.paths), text_columns=inputs.text_columns, id_column=inputs.id_column, meta=inputs.meta,
        encoding=inputs.encoding, sep=inputs.sep, sheet=inputs.sheet, speaker_labels=inputs.speaker_labels,
        keep_interviewer=inputs.keep_interviewer, extra_nonanswers=inputs.extra_nonanswers,
    )
    if corpus.documents.empty:
        raise UserError(f"{', '.join(inputs.paths)}: no answers to analyse (all cells are empty or non-answers)")
    tokens = annotate(corpus, pipeline=inputs.pipeline, language=inputs.language, cache_dir=inputs.cache_dir,
                      on_progress=on_progress)
    return Material(corpus, tokens)


def stamp(table: pd.DataFrame, material: Material) -> pd.DataFrame:
    """Record on a result table which pipeline made it (``table.attrs["pipeline"]``)."""
    table.attrs["pipeline"] = material.pipeline
    table.attrs["pipeline_identity"] = material.tokens.attrs.get("pipeline_identity", "")
    return table


def filter_material(material: Material, filters: FilterOptions) -> FilterResult:
    """Apply the filter options to an annotated material."""
    lists = list(default_stoplists(filters.default_lists)) if filters.default_lists != () else []
    lists += [user_stoplist(path) for path in filters.stoplists]
    variants = read_variants(filters.variants) if filters.variants else None
    return apply_filters(material.tokens, unit=filters.unit, min_length=filters.min_length, stoplists=lists,
                         exclude_words=filters.exclude_words, keep_words=filters.keep_words, variants=variants)


def freq(inputs: InputOptions, filters: FilterOptions, *, group_by=None, top=None, on_progress=None):
    """The ``freq`` command: frequency table and filter report.

    Example:
        >>> table, report = freq(InputOptions(paths=("svar.csv",), text_columns=("fungerer_bra",)),
        ...                      FilterOptions(unit="exact"), top=20)     # doctest: +SKIP
    """
    from textanalyse.frequency import frequency_table

    material = load_material(inputs, on_progress=on_progress)
    result = filter_material(material, filters)
    table = frequency_table(result.kept, material.corpus, group_by=group_by, top=top)
    return stamp(table, material), result.report


def kwic(inputs: InputOptions, pattern: str, *, window: int = 5, on_progress=None) -> pd.DataFrame:
    """The ``kwic`` command: every occurrence of ``pattern`` in context."""
    from textanalyse.kwic import kwic as kwic_table

    material = load_material(inputs, on_progress=on_progress)
    return stamp(kwic_table(material.tokens, material.corpus, pattern, window=window), material)


def suggest_exclusions(inputs: InputOptions, filters: FilterOptions, *, top: int = 40, on_progress=None):
    """The ``suggest-exclusions`` command: candidate words for the ambiguity and low-information lists."""
    from textanalyse.exclusions import suggest_exclusions as suggest

    material = load_material(inputs, on_progress=on_progress)
    result = filter_material(material, filters)
    return stamp(suggest(result.kept, material.corpus, top=top), material)


def check_output_path(path, *, inputs=(), option: str = "--out", folder: bool = False) -> None:
    """See :func:`textanalyse.outputs.check_output_path` (kept here for callers of the API)."""
    from textanalyse.outputs import check_output_path as check

    check(path, inputs=inputs, option=option, folder=folder)


def write_table(table: pd.DataFrame, path, *, sheet_name: str = "tabell", for_people: bool = False) -> None:
    """Write a table atomically as CSV (UTF-8) or XLSX, chosen by the file ending.

    In an XLSX every text stays text (never a formula). ``for_people`` marks a table made to be
    read in a spreadsheet (concordance, quotes): its CSV gets the OWASP formula guard (see
    :mod:`textanalyse.spreadsheet`); data tables keep their text exactly.

    Example:
        >>> write_table(table, "ord.csv")        # doctest: +SKIP
    """
    from textanalyse.spreadsheet import excel_safe, guard_formulas, text_as_text

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UserError(f"{path}: --out must end in .csv or .xlsx")
    try:
        with atomic_path(path) as tmp:
            if suffix == ".csv":
                (guard_formulas(table) if for_people else table).to_csv(tmp, index=False, encoding="utf-8",
                                                                        lineterminator="\n")
            else:
                with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                    excel_safe(table).to_excel(writer, index=False, sheet_name=sheet_name[:31])
                    for sheet in writer.sheets.values():
                        text_as_text(sheet)
    except PermissionError:
        raise UserError(f"{path}: cannot write here (permission denied, or the file is open in Excel)") from None
    except OSError as error:
        raise UserError(f"{path}: cannot write ({error.strerror})") from None


def themes(inputs: InputOptions, *, codebook=None, group_by=None, on_progress=None):
    """The ``themes`` command: coded passages, summary per question (and group), co-occurrence.

    Returns ``(coded, summary, cooccurrence, warnings)``; ``codebook`` ``None`` = the shipped one.
    """
    from textanalyse.themes import code_segments, cooccurrence, load_codebook, theme_summary

    material = load_material(inputs, on_progress=on_progress)
    book = load_codebook(codebook)
    coding = code_segments(material.corpus, material.tokens, book)
    if group_by and group_by not in material.corpus.metadata_columns:
        raise UserError(f"--group-by column '{group_by}' not found; metadata columns are: "
                        + (", ".join(material.corpus.metadata_columns) or "(none)"))
    if group_by:
        from textanalyse.messages import refuse_free_text_grouping

        refuse_free_text_grouping(material.corpus.documents, group_by, option="--group-by")
    summary = theme_summary(coding.coded, material.corpus.documents, group_column=group_by, themes=book.theme_names)
    return coding.coded, stamp(summary, material), cooccurrence(coding.coded, themes=book.theme_names), coding.warnings


@contextlib.contextmanager
def about(material: str):
    """Prefix an analysis's error with the file or material it is about (``svar.csv: topics: …``)."""
    try:
        yield
    except UserError as error:
        raise UserError(f"{material}: {error}") from None


def _named(inputs: InputOptions) -> str:
    return ", ".join(str(path) for path in inputs.paths)


def topics(inputs: InputOptions, filters: FilterOptions, *, k="auto", seed: int = 0, pos=(), min_words: int = 3,
           on_progress=None):
    """The ``topics`` command: NMF topics with stability; returns the ``TopicResult``.

    ``pos`` keeps only these word classes (e.g. ``("NOUN", "ADJ")``; needs a tagging pipeline).
    """
    from textanalyse.topics import find_topics

    material = load_material(inputs, on_progress=on_progress)
    result = filter_material(material, filters)
    with about(_named(inputs)):
        topics_found = find_topics(material.corpus, keep_word_classes(result.kept, pos), k=k, seed=seed,
                                   min_words=min_words)
    stamp(topics_found.topics, material)
    return topics_found


UPOS_TAGS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
             "SCONJ", "SYM", "VERB", "X")


def keep_word_classes(kept: pd.DataFrame, pos) -> pd.DataFrame:
    """Only tokens of the given UPOS classes; an error for an unknown class or if the pipeline tagged none.

    Example:
        >>> keep_word_classes(pd.DataFrame({"pos": ["NOUN"]}), ["BANAN"])
        Traceback (most recent call last):
        ...
        textanalyse.errors.UserError: --pos 'BANAN' is not a word class; use Universal Dependencies tags such as NOUN, VERB, ADJ, PROPN
    """
    if not pos:
        return kept
    wanted = {str(tag).strip().upper() for tag in pos}
    unknown = sorted(wanted - set(UPOS_TAGS))
    if unknown:
        raise UserError(f"--pos '{unknown[0]}' is not a word class; use Universal Dependencies tags such as "
                        "NOUN, VERB, ADJ, PROPN")
    if kept is None:
        return kept
    tags = kept["pos"].astype(str)
    if (tags == "").all():
        raise UserError("word classes (--pos) need a pipeline that tags them; use --pipeline accurate "
                        "or an installed nb_core_news_* package")
    return kept[tags.isin(wanted).to_numpy()]


def compare(inputs: InputOptions, filters: FilterOptions, *, group_column: str, target=None, reference=None,
            min_count: int = 5, min_documents: int = 2, on_progress=None) -> pd.DataFrame:
    """The ``compare`` command: word keyness between groups (see :mod:`textanalyse.compare`)."""
    from textanalyse.compare import keyness

    material = load_material(inputs, on_progress=on_progress)
    result = filter_material(material, filters)
    if group_column != "question" and group_column not in material.corpus.metadata_columns:
        raise UserError(f"--group-col '{group_column}' not found; use question or one of: "
                        + (", ".join(material.corpus.metadata_columns) or "(none)"))
    with about(_named(inputs)):
        table = keyness(material.tokens, result.kept, material.corpus.documents, group_column=group_column,
                        target=target, reference=reference, min_count=min_count, min_documents=min_documents)
    return stamp(table, material)


def quotes(inputs: InputOptions, *, words=(), themes=(), codebook=None, per_item: int = 3, min_words: int = 8,
           max_words: int = 60, group_by=None, on_progress=None) -> pd.DataFrame:
    """The ``quotes`` command: de-identified quote candidates for words and codebook themes."""
    from textanalyse.quotes import quote_candidates
    from textanalyse.themes import code_segments, load_codebook

    if not words and not themes:
        raise UserError("name what to quote: --word oppfølging and/or --theme Bolig")
    material = load_material(inputs, on_progress=on_progress)
    coded = None
    if themes:
        book = load_codebook(codebook)
        unknown = [theme for theme in themes if theme not in book.theme_names]
        if unknown:
            raise UserError(f"theme '{unknown[0]}' is not in the codebook; themes are: {', '.join(book.theme_names)}")
        coded = code_segments(material.corpus, material.tokens, book).coded
    with about(_named(inputs)):
        table = quote_candidates(material.corpus, material.tokens, words=words, coded=coded, themes=themes,
                                 per_item=per_item, min_words=min_words, max_words=max_words, group_column=group_by)
    return stamp(table, material)


def pipeline_entities(texts, *, pipeline: str = "auto") -> list[list[tuple[int, int, str]]] | None:
    """Entity spans ``(start, end, label)`` per text from a trained pipeline, or ``None`` without one.

    ``auto`` uses an installed ``nb_core_news_*`` or the shipped accurate pipeline (routing each
    text to the Bokmål or Nynorsk model); ``fast`` or ``rules`` use no pipeline (rules only).
    """
    from textanalyse.nlp.language import detect_language
    from textanalyse.nlp.pipelines import load_spacy_model, resolve_pipeline

    if pipeline in ("fast", "rules", "none"):
        return None
    choice = resolve_pipeline(pipeline)
    if choice.kind != "spacy":
        return None
    spans: list[list[tuple[int, int, str]]] = [[] for _ in texts]
    by_language: dict[str, list[int]] = {}
    for index, text in enumerate(texts):
        if text and text.strip():
            by_language.setdefault(detect_language(text), []).append(index)
    for lang, indices in by_language.items():
        nlp = load_spacy_model(choice.model_for(lang))
        for index, doc in zip(indices, nlp.pipe((texts[i] for i in indices), batch_size=128)):
            spans[index] = [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
    return spans


def anonymize_files(inputs, *, text_columns=(), out, encoding=None, sep=None, sheet=None, numbered=False,
                    report=None, include_originals=False, pipeline: str = "auto") -> str:
    """The ``anonymize`` command: mask a survey table's text columns, or transcripts into a folder.

    A table keeps its rows, order and other columns; transcripts keep their lines and speaker
    labels. Nothing is written unless everything succeeds; inputs are never changed. Returns
    a one-line summary (counts only, never the masked words).

    Example:
        >>> anonymize_files(["svar.csv"], text_columns=["fungerer_bra"], out="maskert.csv")   # doctest: +SKIP
        'masked 12 items in 3 of 300 rows; wrote maskert.csv'
    """
    from textanalyse.anonymize import anonymize_table
    from textanalyse.io.tables import read_table
    from textanalyse.io.tables import require_columns

    paths = [Path(p) for p in inputs]
    if len(paths) == 1 and paths[0].is_file() and paths[0].suffix.lower() in (".csv", ".tsv", ".xlsx", ".xlsm", ".sav"):
        if not text_columns:
            raise UserError(f"{paths[0]}: name the text columns to mask with --text-col")
        table = read_table(paths[0], encoding=encoding, sep=sep, sheet=sheet)
        require_columns(table, text_columns, paths[0], option="--text-col")
        entities = {}
        for column in text_columns:
            found = pipeline_entities(table[column].astype(str).tolist(), pipeline=pipeline)
            if found is not None:
                entities.update({(index, column): spans for index, spans in zip(table.index, found) if spans})
        masked, masked_report = anonymize_table(table, list(text_columns), numbered=numbered,
                                                include_originals=include_originals, entities=entities or None)
        if Path(out).resolve() == paths[0].resolve():
            raise UserError(f"{out}: --out must differ from the input; the input is never overwritten")
        write_table(masked, out, sheet_name="maskert")
        if report:
            write_table(masked_report, report, sheet_name="maskert")
        rows = masked_report["row"].nunique() if len(masked_report) else 0
        total = int(masked_report["count"].sum()) if len(masked_report) else 0
        return f"masked {total} items in {rows} of {len(table)} rows; wrote {out}"
    return _anonymize_transcripts(paths, out=out, encoding=encoding, numbered=numbered, report=report,
                                  include_originals=include_originals, pipeline=pipeline)


def _anonymize_transcripts(paths, *, out, encoding, numbered, report, include_originals, pipeline) -> str:
    from textanalyse.anonymize import mask_text
    from textanalyse.atomic import atomic_directory
    from textanalyse.io.transcripts import (DEFAULT_SPEAKER_LABELS, read_transcript_text, speaker_pattern,
                                            transcript_files)

    files = transcript_files(paths)
    pattern = speaker_pattern(DEFAULT_SPEAKER_LABELS)
    rows, outputs = [], {}
    for path in files:
        lines = read_transcript_text(path, encoding=encoding).split("\n")
        prefixes, contents = [], []
        for line in lines:
            match = pattern.match(line)
            cut = match.start("rest") if match else 0
            prefixes.append(line[:cut])
            contents.append(line[cut:])
        joined = "\n".join(contents)
        found = pipeline_entities([joined], pipeline=pipeline)
        result = mask_text(joined, numbered=numbered, entities=found[0] if found else None)
        masked_lines = result.text.split("\n")
        if len(masked_lines) != len(lines):  # a mask crossed a line break: mask line by line instead
            masked_lines = [mask_text(content, numbered=numbered).text for content in contents]
        outputs[path] = [prefix + content for prefix, content in zip(prefixes, masked_lines)]
        counts: dict[str, list[str]] = {}
        for span in result.spans:
            counts.setdefault(span.type, []).append(span.original)
        for kind, originals in sorted(counts.items()):
            row = {"file": path.name, "type": kind, "count": len(originals)}
            if include_originals:
                row["originals"] = "; ".join(originals)
            rows.append(row)
    target = Path(out)
    with atomic_directory(target, overwrite=False, inputs=[str(p) for p in paths], offer_overwrite=False) as folder:
        for path, lines in outputs.items():
            if path.suffix.lower() == ".docx":
                import docx

                document = docx.Document()
                for line in lines:
                    document.add_paragraph(line)
                document.core_properties.author = ""
                document.save(str(folder / path.name))
            else:
                (folder / path.name).write_text("\n".join(lines), encoding="utf-8")
    if report:
        columns = ["file", "type", "count"] + (["originals"] if include_originals else [])
        write_table(pd.DataFrame(rows, columns=columns), report, sheet_name="maskert")
    total = sum(row["count"] for row in rows)
    return f"masked {total} items in {len(files)} transcripts; wrote {target}"
