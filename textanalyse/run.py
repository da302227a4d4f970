"""One config, one command: every analysis, written atomically as report, workbook, figures, manifest."""

from __future__ import annotations

import datetime as _dt
import json
import platform
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from textanalyse import __version__
from textanalyse.analysis import MaterialAnalysis, RunResult
from textanalyse.errors import UserError
from textanalyse.atomic import atomic_directory, check_replaceable
from textanalyse.config import load_config
from textanalyse.outputs import stamp_results
from textanalyse.project import Project
from textanalyse.tables import write_csv_tables
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
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "svar.csv").write_text("id;fungerer_bra\\n1;Fikk god oppfølging og egen bolig.\\n"
        ...                                      "2;Lang ventetid på bolig.\\n", encoding="utf-8")
        >>> _ = (folder / "analyse.toml").write_text(
        ...     '[annotation]\\npipeline = "fast"\\n[topics]\\nenabled = false\\n[quotes]\\nenabled = false\\n'
        ...     '[[material]]\\nname = "Undersøkelse"\\nsurvey = "svar.csv"\\ntext_columns = ["fungerer_bra"]\\n')
        >>> result = run_analysis(folder / "analyse.toml", out_dir=folder / "resultater")
        >>> sorted(name for name in result.files if "/" not in name)
        ['manifest.json', 'rapport.html', 'tabeller.xlsx']
    """
    started = time.perf_counter()
    config = load_config(config_path, overrides=overrides)
    inputs = config_inputs(config)
    target = check_replaceable(out_dir or config["output"]["dir"], overwrite=overwrite, inputs=inputs)
    step = on_progress or (lambda steps: None)
    timings, materials = {}, []
    projects = Project.all_from_config(config, cache_dir=cache_dir)
    for project in projects:  # read every material and check its columns before annotating any
        project.corpus
    for project in projects:
        begun = time.perf_counter()
        materials.append(analyse_material(project, on_progress=step))
        timings[project.name] = round(time.perf_counter() - begun, 3)
    split_by = config["output"]["split_by"]
    if split_by and not any(material.units for material in materials):
        raise UserError(f"[output] split_by = \"{split_by}\": no material has values in a column of that name; "
                        "use a metadata column such as kommune, or remove split_by")
    codebook = config["themes"]["codebook"]
    result = RunResult(title=config["title"], materials=materials, config=config, manifest={},
                       codebook_name=None if not codebook else ("standard" if codebook == "default" else Path(codebook).name))
    result.manifest = build_manifest(config, materials, timings, now=now)
    from textanalyse.report import write_report

    with atomic_directory(target, overwrite=overwrite, inputs=inputs) as folder:
        files = list(write_report(result, folder))
        files += write_csv_tables(result, folder / "tabeller")
        if config["themes"]["next_round"]:   # the next active-learning coding sheet
            from textanalyse.coding.run_step import write_next_round_sheets

            files += write_next_round_sheets(result, folder)
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
    """Every file or folder a run reads: the config, material, meta, word lists, variants, codebook, coded sheets."""
    paths = [config["config_file"], *config["filters"]["stoplists"], config["filters"]["variants"]]
    if config["themes"]["codebook"] not in ("", "default"):
        paths.append(config["themes"]["codebook"])
    paths += config["themes"]["human"]
    paths += [config["themes"]["decisions"], config["quotes"]["decisions"]]
    for material in config["material"]:
        paths += [material["survey"], *material["transcripts"], material["meta"]]
    return [path for path in paths if path]


def analyse_material(project: Project, *, on_progress=None) -> MaterialAnalysis:
    """Every analysis the config asks of one material (see :meth:`Project.analysis`).

    An error that names none of the material's files (keyness, quotes and themes speak of
    columns and options) gets the material's name and files in front, so a config with
    several materials says which one failed.
    """
    try:
        return project.analysis(on_progress=on_progress)
    except UserError as error:
        message = str(error)
        sources = [str(path) for path in project.inputs.paths]
        if any(source in message or Path(source).name in message for source in sources):
            raise
        raise UserError(f"material '{project.name}' ({', '.join(sources)}): {message}") from None


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
    for sheet in config["themes"].get("human", []):
        inputs[sheet] = file_sha256(sheet)
    # the researcher's marks on passages and quotes change tables and report, so their content is recorded
    decisions = {part: {"path": config[section]["decisions"], "sha256": file_sha256(config[section]["decisions"])}
                 for part, section in (("coding", "themes"), ("quotes", "quotes")) if config[section]["decisions"]}
    word_lists = {}
    for material in materials:
        for stoplist in material.stoplists:
            word_lists[stoplist.name] = {"path": stoplist.path, "sha256": stoplist.sha256}
    variants = config["filters"]["variants"]  # folding variants changes the counts, so its content is recorded
    variants_info = {"path": variants, "sha256": file_sha256(variants)} if variants else None
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
        "variants": variants_info,
        "codebook": codebook_info,
        "decisions": decisions,
        "timings_seconds": dict(timings),
        "notes": {m.name: list(m.notes) for m in materials if m.notes},
        "started": stamp,
    }
