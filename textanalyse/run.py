"""One config, one command: every analysis, written atomically as report, workbook, figures, manifest."""

from __future__ import annotations

import datetime as _dt
import json
import platform
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd

from textanalyse import __version__
from textanalyse.analysis import Comparison, MaterialAnalysis, RunResult
from textanalyse.api import Material, filter_material, load_material
from textanalyse.atomic import atomic_directory, check_replaceable
from textanalyse.config import load_config
from textanalyse.errors import UserError
from textanalyse.options import FilterOptions, InputOptions
from textanalyse.outputs import stamp_results
from textanalyse.wordlists import file_sha256

DEPENDENCIES = ("spacy", "simplemma", "pandas", "numpy", "scipy", "scikit-learn", "matplotlib", "wordcloud",
                "openpyxl", "python-docx", "pyreadstat", "click", "rich", "PyYAML")


def run_analysis(config_path, *, out_dir=None, overwrite: bool = False, overrides=(), cache_dir=None,
                 on_progress=None, now: _dt.datetime | None = None) -> RunResult:
    """Run every analysis the config describes and write the results folder atomically.

    Writes ``rapport.html``, ``tabeller.xlsx``, ``tabeller/*.csv``, ``figurer/`` and
    ``manifest.json`` into ``out_dir`` (default: the config's ``[output] dir``). The folder
    appears only when everything is written; an existing folder is refused unless
    ``overwrite``, and stays as it was if the run fails or is interrupted.

    Example:
        >>> result = run_analysis("corpora/eksempel/analyse.toml", out_dir="resultater",
        ...                       overwrite=True)     # doctest: +SKIP
        >>> result.files[:2]                          # doctest: +SKIP
        ['rapport.html', 'tabeller.xlsx']
    """
    started = time.perf_counter()
    config = load_config(config_path, overrides=overrides)
    inputs = config_inputs(config)
    target = check_replaceable(out_dir or config["output"]["dir"], overwrite=overwrite, inputs=inputs)
    step = on_progress or (lambda steps: None)
    timings, materials = {}, []
    for material_config in config["material"]:
        begun = time.perf_counter()
        materials.append(analyse_material(material_config, config, cache_dir=cache_dir, on_progress=step))
        timings[material_config["name"]] = round(time.perf_counter() - begun, 3)
    codebook = config["themes"]["codebook"]
    result = RunResult(title=config["title"], materials=materials, config=config, manifest={},
                       codebook_name=None if not codebook else ("standard" if codebook == "default" else Path(codebook).name))
    result.manifest = build_manifest(config, materials, timings, now=now)
    from textanalyse.report import write_report

    with atomic_directory(target, overwrite=overwrite, inputs=inputs) as folder:
        files = list(write_report(result, folder))
        files += write_csv_tables(result, folder / "tabeller")
        if config["output"]["qdpx"]:
            from textanalyse.qdpx.export import export_results

            files.append(export_results(result, folder, now=now))
        result.manifest["timings_seconds"]["total"] = round(time.perf_counter() - started, 3)
        stamp_results(result.manifest, folder)  # last: lists every file, so --overwrite can prove the folder is ours
        (folder / "manifest.json").write_text(json.dumps(result.manifest, ensure_ascii=False, indent=2, sort_keys=True)
                                              + "\n", encoding="utf-8")
        files.append("manifest.json")
        step(1)
    result.out_dir = str(target)
    result.files = files
    return result


def config_inputs(config: dict) -> list[str]:
    """Every file or folder a run reads: the config, material, meta, word lists, variants, codebook."""
    paths = [config["config_file"], *config["filters"]["stoplists"], config["filters"]["variants"]]
    if config["themes"]["codebook"] not in ("", "default"):
        paths.append(config["themes"]["codebook"])
    for material in config["material"]:
        paths += [material["survey"], *material["transcripts"], material["meta"]]
    return [path for path in paths if path]


def material_inputs(material: dict, config: dict, *, cache_dir) -> InputOptions:
    auto = lambda value: None if value in ("", "auto") else value  # noqa: E731
    return InputOptions(
        paths=tuple([material["survey"]] if material["survey"] else material["transcripts"]),
        text_columns=tuple(material["text_columns"]), id_column=material["id_column"] or None,
        meta=material["meta"] or None, encoding=auto(material["encoding"]), sep=auto(material["sep"]),
        sheet=material["sheet"] or None, speaker_labels=tuple(material["speaker_labels"]),
        keep_interviewer=material["keep_interviewer"], extra_nonanswers=tuple(material["nonanswers"]),
        pipeline=config["annotation"]["pipeline"], language=config["annotation"]["language"], cache_dir=cache_dir,
    )


def material_filters(config: dict) -> FilterOptions:
    settings = config["filters"]
    return FilterOptions(unit=settings["unit"], min_length=settings["min_length"],
                         default_lists=tuple(settings["default_lists"]), stoplists=tuple(settings["stoplists"]),
                         exclude_words=tuple(settings["exclude_words"]), keep_words=tuple(settings["keep_words"]),
                         variants=settings["variants"] or None)


def analyse_material(material_config: dict, config: dict, *, cache_dir=None, on_progress=None) -> MaterialAnalysis:
    """Every analysis for one material (survey file or transcripts)."""
    from textanalyse.frequency import frequency_table
    from textanalyse.kwic import kwic

    step = on_progress or (lambda steps: None)
    material = load_material(material_inputs(material_config, config, cache_dir=cache_dir))
    corpus, tokens = material.corpus, material.tokens
    step(1)
    filtered = filter_material(material, material_filters(config))
    group_columns = list(material_config["group_by"])
    for column in group_columns:
        if column not in corpus.metadata_columns:
            raise UserError(f"material '{material_config['name']}': group_by column '{column}' not found; "
                            f"metadata columns are: {', '.join(corpus.metadata_columns) or '(none)'}")
    top = config["frequency"]["top"]
    frequencies = frequency_table(filtered.kept, corpus, top=top)
    by_group = {column: frequency_table(filtered.kept, corpus, group_by=column, top=top) for column in group_columns}
    step(1)
    kwic_lines = pd.DataFrame()
    if config["frequency"]["kwic_top"]:
        overall = filtered.kept["word"].astype(str).value_counts()
        overall = overall.sort_index(kind="stable").sort_values(ascending=False, kind="stable")
        parts = []
        for word in overall.index[:config["frequency"]["kwic_top"]]:
            lines = kwic(tokens, corpus, word, window=config["frequency"]["kwic_window"])
            lines = lines[lines["lemma"].astype(str).eq(word) | lines["keyword"].str.lower().eq(word)]
            parts.append(lines.assign(word=word))
        if parts:
            kwic_lines = pd.concat(parts, ignore_index=True)
            kwic_lines = kwic_lines[["word", *[c for c in kwic_lines.columns if c != "word"]]]
    analysis = MaterialAnalysis(
        name=material_config["name"], kind=corpus.kind, corpus=corpus, pipeline=material.pipeline,
        unit=filtered.unit, min_length=filtered.min_length, overview=overview_table(corpus, tokens),
        groups=group_table(corpus, group_columns), filter_report=filtered.report, frequencies=frequencies,
        frequencies_by_group=by_group, kwic=kwic_lines, question_labels=dict(material_config["question_labels"]),
        stoplists=filtered.stoplists, pipeline_identity=tokens.attrs.get("pipeline_identity", ""),
        language_split=_language_split(tokens, corpus),
    )
    _themes(analysis, material, config, group_columns)
    step(1)
    if config["topics"]["enabled"]:
        _topics(analysis, corpus, filtered.kept, config)
    step(1)
    from textanalyse.api import about

    with about(f"material '{material_config['name']}'"):
        _comparisons(analysis, material, filtered, material_config, config)
    step(1)
    if config["quotes"]["enabled"]:
        from textanalyse.quotes import quote_candidates

        quotes_config = config["quotes"]
        from textanalyse.quotes import POSITION_COLUMNS

        with about(f"material '{material_config['name']}'"):
            quotes = quote_candidates(
                corpus, tokens, words=quotes_config["words"],
                coded=analysis.theme_coded if len(analysis.theme_coded) else None, themes=quotes_config["themes"],
                per_item=quotes_config["per_item"], min_words=quotes_config["min_words"],
                max_words=quotes_config["max_words"], group_column=group_columns[0] if group_columns else None,
                positions=True)
        analysis.quotes = quotes.drop(columns=POSITION_COLUMNS)
        analysis.quote_positions = quotes[POSITION_COLUMNS].reset_index(drop=True)
    step(1)
    return analysis


def _themes(analysis: MaterialAnalysis, material: Material, config: dict, group_columns) -> None:
    codebook_setting = config["themes"]["codebook"]
    if not codebook_setting:
        return
    from textanalyse.themes import code_segments, cooccurrence, load_codebook, theme_summary

    codebook = load_codebook(None if codebook_setting == "default" else codebook_setting)
    coding = code_segments(material.corpus, material.tokens, codebook)
    documents = material.corpus.documents
    names = codebook.theme_names
    analysis.theme_coded = coding.coded
    analysis.theme_summary = theme_summary(coding.coded, documents, themes=names)
    analysis.theme_summary_by_group = {
        column: theme_summary(coding.coded, documents, group_column=column, themes=names) for column in group_columns}
    analysis.theme_cooccurrence = cooccurrence(coding.coded, themes=names)


def _topics(analysis: MaterialAnalysis, corpus, kept, config: dict) -> None:
    from textanalyse.topics import find_topics

    settings = config["topics"]
    from textanalyse.api import keep_word_classes

    selected = keep_word_classes(kept, settings["pos"])
    try:
        topics = find_topics(corpus, selected, k=settings["k"], seed=settings["seed"], min_words=settings["min_words"])
    except UserError as error:
        # Too little material for topics is a finding, not a failure: the rest of the run stands.
        analysis.notes.append(f"Emner ble ikke beregnet: {error}")
        return
    analysis.topics = topics.topics
    analysis.topic_assignments = topics.assignments
    analysis.topic_left_out = topics.left_out
    analysis.topic_stability = topics.stability


def _comparisons(analysis: MaterialAnalysis, material: Material, filtered, material_config: dict, config: dict):
    from textanalyse.compare import keyness, theme_comparison

    documents = material.corpus.documents
    for entry in material_config["compare"]:
        column = entry["column"]
        if column != "question" and column not in material.corpus.metadata_columns:
            raise UserError(f"material '{material_config['name']}': compare column '{column}' not found; use "
                            f"question or one of: {', '.join(material.corpus.metadata_columns) or '(none)'}")
        target, reference = entry["target"] or None, entry["reference"] or None
        table = keyness(material.tokens, filtered.kept, documents, group_column=column, target=target,
                        reference=reference, min_count=config["compare"]["min_count"],
                        min_documents=config["compare"]["min_documents"])
        themes = pd.DataFrame()
        if len(analysis.theme_coded) or len(analysis.theme_summary):
            themes = theme_comparison(analysis.theme_coded, documents, group_column=column, target=target,
                                      reference=reference, themes=list(analysis.theme_summary["theme"].unique()))
        name = entry["name"] or (f"{target} mot {reference or 'resten'}" if target else f"{column}: hver gruppe mot resten")
        analysis.comparisons.append(Comparison(name=name, group_column=column, target=target, reference=reference,
                                               keyness=table, themes=themes))


def overview_table(corpus, tokens) -> pd.DataFrame:
    """``question, documents, respondents, nonanswers, empty, words`` per question."""
    words = tokens.loc[tokens["is_word"].to_numpy(), "doc_id"].astype(str).map(
        corpus.documents.set_index("doc_id")["question"]).value_counts()
    rows = []
    for question in corpus.questions:
        documents = corpus.documents[corpus.documents["question"] == question]
        skipped = corpus.nonanswers[corpus.nonanswers["question"] == question]
        rows.append({"question": question, "documents": len(documents),
                     "respondents": documents["respondent"].nunique(),
                     "nonanswers": int((skipped["reason"] == "non-answer").sum()),
                     "empty": int((skipped["reason"] == "empty").sum()), "words": int(words.get(question, 0))})
    return pd.DataFrame(rows, columns=["question", "documents", "respondents", "nonanswers", "empty", "words"])


def group_table(corpus, columns) -> pd.DataFrame:
    """``variable, value, respondents, documents`` for each grouping variable."""
    rows = []
    for column in columns:
        counts = corpus.documents.groupby(column, sort=True).agg(respondents=("respondent", "nunique"),
                                                                 documents=("doc_id", "size"))
        for value, row in counts.iterrows():
            rows.append({"variable": column, "value": value, "respondents": int(row["respondents"]),
                         "documents": int(row["documents"])})
    return pd.DataFrame(rows, columns=["variable", "value", "respondents", "documents"])


def _language_split(tokens, corpus) -> dict[str, int]:
    per_document = tokens.groupby("doc_id", observed=True)["lang"].first().astype(str)
    return {lang: int(count) for lang, count in per_document.value_counts().sort_index().items()}


def write_csv_tables(result: RunResult, folder: Path) -> list[str]:
    """Every table as UTF-8 CSV with the documented English column names (for scripts)."""
    from textanalyse.report.html import slug

    folder.mkdir(parents=True, exist_ok=True)
    written = []

    def save(table: pd.DataFrame, name: str) -> None:
        if table is None or not isinstance(table, pd.DataFrame):
            return
        path = folder / f"{name}.csv"
        table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written.append(f"tabeller/{path.name}")

    for material in result.materials:
        prefix = slug(material.name)
        save(material.overview, f"{prefix}_oversikt")
        save(material.groups, f"{prefix}_grupper")
        save(material.filter_report, f"{prefix}_filtre")
        save(material.frequencies, f"{prefix}_ordfrekvenser")
        for column, table in material.frequencies_by_group.items():
            save(table, f"{prefix}_ordfrekvenser_etter_{slug(column)}")
        save(material.kwic, f"{prefix}_konkordans")
        save(material.theme_coded, f"{prefix}_tema_koding")
        save(material.theme_summary, f"{prefix}_tema")
        for column, table in material.theme_summary_by_group.items():
            save(table, f"{prefix}_tema_etter_{slug(column)}")
        save(material.theme_cooccurrence, f"{prefix}_tema_samforekomst")
        save(material.topics, f"{prefix}_emner")
        save(material.topic_assignments, f"{prefix}_emner_tilordning")
        for number, comparison in enumerate(material.comparisons, start=1):
            save(comparison.keyness, f"{prefix}_sammenligning_{number}_ord")
            save(comparison.themes, f"{prefix}_sammenligning_{number}_tema")
        save(material.quotes, f"{prefix}_sitater")
    return written


def build_manifest(config: dict, materials, timings: dict, *, now=None) -> dict:
    """Versions, pipeline, effective config, SHA-256 of inputs, lists and codebook, timings."""
    def package_version(name):
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    inputs = {}
    for material in materials:
        for source in material.corpus.sources:
            inputs[str(Path(source).resolve())] = file_sha256(source)
    for material_config in config["material"]:
        if material_config["meta"]:
            inputs[material_config["meta"]] = file_sha256(material_config["meta"])
    word_lists = {}
    for material in materials:
        for stoplist in material.stoplists:
            word_lists[stoplist.name] = {"path": stoplist.path, "sha256": stoplist.sha256}
    codebook = config["themes"]["codebook"]
    codebook_info = None
    if codebook:
        from textanalyse.themes import default_codebook_path

        path = default_codebook_path() if codebook == "default" else Path(codebook)
        codebook_info = {"path": str(path), "sha256": file_sha256(path)}
    stamp = (now or _dt.datetime.now(_dt.timezone.utc)).replace(microsecond=0).isoformat()
    return {
        "version": __version__,
        "python": platform.python_version(),
        "dependencies": {name: package_version(name) for name in DEPENDENCIES},
        "pipelines": {m.name: {"pipeline": m.pipeline, "identity": m.pipeline_identity,
                               "documents_per_language": m.language_split} for m in materials},
        "config": config,
        "input_files_sha256": inputs,
        "word_lists": word_lists,
        "codebook": codebook_info,
        "timings_seconds": dict(timings),
        "notes": {m.name: list(m.notes) for m in materials if m.notes},
        "started": stamp,
    }
