"""De-identify files: a survey table's text columns, or transcripts into a folder (the ``anonymize`` command)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from textanalyse.errors import UserError


def pipeline_entities(texts, *, pipeline: str = "auto", language: str = "auto") -> list[list[tuple[int, int, str]]] | None:
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
            by_language.setdefault(language if language in ("nb", "nn") else detect_language(text), []).append(index)
    for lang, indices in by_language.items():
        nlp = load_spacy_model(choice.model_for(lang))
        for index, doc in zip(indices, nlp.pipe((texts[i] for i in indices), batch_size=128)):
            spans[index] = [(ent.start_char, ent.end_char, ent.label_) for ent in doc.ents]
    return spans


def anonymize_files(inputs, *, text_columns=(), out, id_column=None, encoding=None, sep=None, sheet=None,
                    speaker_labels=(), language: str = "auto", numbered=False, report=None,
                    include_originals=False, pipeline: str = "auto") -> str:
    """The ``anonymize`` command: mask a survey table's text columns, or transcripts into a folder.

    A table keeps its rows, order and other columns; transcripts keep their lines and speaker
    labels. Nothing is written unless everything succeeds; inputs are never changed. Returns
    a one-line summary (counts only, never the masked words). ``id_column`` adds each row's id
    to the table report; ``speaker_labels`` adds labels that start a turn (kept unmasked);
    ``language`` fixes the trained pipeline's language (``auto``: detected per text).

    Example:
        >>> anonymize_files(["svar.csv"], text_columns=["fungerer_bra"], out="maskert.csv")   # doctest: +SKIP
        'masked 12 items in 3 of 300 rows; wrote maskert.csv'
    """
    from textanalyse.anonymize import anonymize_table
    from textanalyse.api import write_table
    from textanalyse.io.tables import read_table, require_columns

    paths = [Path(p) for p in inputs]
    if len(paths) == 1 and paths[0].is_file() and paths[0].suffix.lower() in (".csv", ".tsv", ".xlsx", ".xlsm", ".sav"):
        if not text_columns:
            raise UserError(f"{paths[0]}: name the text columns to mask with --text-col")
        table = read_table(paths[0], encoding=encoding, sep=sep, sheet=sheet)
        require_columns(table, text_columns, paths[0], option="--text-col")
        if id_column:
            require_columns(table, [id_column], paths[0], option="--id-col")
        entities = {}
        for column in text_columns:
            found = pipeline_entities(table[column].astype(str).tolist(), pipeline=pipeline, language=language)
            if found is not None:
                entities.update({(index, column): spans for index, spans in zip(table.index, found) if spans})
        masked, masked_report = anonymize_table(table, list(text_columns), numbered=numbered,
                                                include_originals=include_originals, entities=entities or None)
        if Path(out).resolve() == paths[0].resolve():
            raise UserError(f"{out}: --out must differ from the input; the input is never overwritten")
        write_table(masked, out, sheet_name="maskert")
        if id_column:  # name rows by the respondent id as well as by position
            masked_report.insert(1, "id", masked_report["row"].map(table[id_column].astype(str)).to_numpy())
        if report:
            write_table(masked_report, report, sheet_name="maskert")
        rows = masked_report["row"].nunique() if len(masked_report) else 0
        total = int(masked_report["count"].sum()) if len(masked_report) else 0
        return f"masked {total} items in {rows} of {len(table)} rows; wrote {out}"
    return _anonymize_transcripts(paths, out=out, encoding=encoding, numbered=numbered, report=report,
                                  speaker_labels=speaker_labels, language=language,
                                  include_originals=include_originals, pipeline=pipeline)


def _anonymize_transcripts(paths, *, out, encoding, numbered, report, include_originals, pipeline,
                           speaker_labels=(), language="auto") -> str:
    from textanalyse.anonymize.transcripts import mask_transcript
    from textanalyse.api import write_table
    from textanalyse.atomic import atomic_directory
    from textanalyse.io.transcripts import (DEFAULT_SPEAKER_LABELS, read_transcript_text, speaker_pattern,
                                            transcript_files)

    files = transcript_files(paths)
    pattern = speaker_pattern(tuple(dict.fromkeys([*DEFAULT_SPEAKER_LABELS, *speaker_labels])))
    rows, outputs = [], {}
    for path in files:
        lines = read_transcript_text(path, encoding=encoding).split("\n")
        prefixes, contents = [], []
        for line in lines:
            match = pattern.match(line)
            cut = match.start("rest") if match else 0
            prefixes.append(line[:cut])
            contents.append(line[cut:])
        found = pipeline_entities(["\n".join(contents)], pipeline=pipeline, language=language)
        result = mask_transcript(contents, numbered=numbered, entities=found[0] if found else None)
        masked_lines = result.text.split("\n")
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
