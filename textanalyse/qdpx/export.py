"""Export an analysis to REFI-QDA: a ``.qdpx`` project for NVivo, MAXQDA, ATLAS.ti and QualCoder,
or a ``.qdc`` codebook.

``export_config`` reads a config's materials, codes them with its codebook, picks quote
candidates and writes the project; ``run`` calls :func:`export_results` with what it computed.
Everything is stamped with one fixed time and GUIDs derived from a seed, so the same input
gives the same bytes.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pandas as pd

from textanalyse import __version__
from textanalyse.errors import UserError
from textanalyse.qdpx.build import ExportMaterial, build_project
from textanalyse.qdpx.codebook import codebook_codes, write_codebook_file
from textanalyse.qdpx.ids import Guids, format_timestamp, input_timestamp
from textanalyse.qdpx.write import write_qdpx

PROJECT_FILE = "prosjekt.qdpx"


def load_codebook_setting(setting: str):
    """The config's ``themes.codebook`` as a Codebook: ``""`` none, ``"default"`` the shipped one."""
    from textanalyse.themes import load_codebook

    if not setting:
        return None
    return load_codebook(None if setting == "default" else setting)


def _codebook_path(setting: str):
    from textanalyse.themes import default_codebook_path

    return None if not setting else default_codebook_path() if setting == "default" else Path(setting)


def read_human_codings(path) -> pd.DataFrame:
    """A table of human coding decisions (``doc_id, segment, theme, user``) from CSV or XLSX.

    A coding table written by ``import-qdpx`` from one of our exports (coded further in NVivo,
    MAXQDA or ATLAS.ti) works as it is: it has ``doc_id, segment, code, user`` and positions.
    A filled coding sheet from ``code-sheet`` (one 0/1 column per theme, then ``kommentar``)
    works too: each 1 becomes a coding by a user named after the sheet's file.
    """
    from textanalyse.coding.sheet import COMMENT_COLUMN
    from textanalyse.io.tables import read_table

    table = read_table(path)
    columns = {str(column).strip() for column in table.columns}
    if COMMENT_COLUMN in columns and not {"theme", "code"} & columns:
        return coding_sheet_as_codings(path)
    return table


def coding_sheet_as_codings(path) -> pd.DataFrame:
    """A filled coding sheet as the long table of human codings (``doc_id, segment, theme, user``).

    Example:
        >>> import tempfile, pathlib
        >>> sheet = pathlib.Path(tempfile.mkdtemp()) / "kari.csv"
        >>> _ = sheet.write_text("doc_id;segment;question;text;Bolig;Arbeid;kommentar\\n"
        ...                      "R1:bra;0;bra;Fikk leilighet;1;0;\\nR2:bra;0;bra;Fikk jobb;0;1;usikker\\n",
        ...                      encoding="utf-8")
        >>> coding_sheet_as_codings(sheet).values.tolist()
        [['R1:bra', 0, 'Bolig', 'kari'], ['R2:bra', 0, 'Arbeid', 'kari']]
    """
    from textanalyse.coding.sheet import read_sheet

    sheet = read_sheet(path)
    rows = [{"doc_id": str(doc_id), "segment": int(segment), "theme": theme, "user": Path(path).stem}
            for (doc_id, segment), (_, codes) in zip(sheet.segments[["doc_id", "segment"]].itertuples(index=False),
                                                     sheet.codes.iterrows())
            for theme in sheet.codes.columns if int(codes[theme]) == 1]
    return pd.DataFrame(rows, columns=["doc_id", "segment", "theme", "user"])


def with_decisions(human: pd.DataFrame | None, config: dict, corpora) -> pd.DataFrame | None:
    """``human`` plus the researcher's marks of ``themes.decisions`` (their own user), for the materials' documents."""
    path = config["themes"].get("decisions")
    if not path:
        return human
    from textanalyse.decisions import decisions_as_human_codings, read_coding_decisions

    marks = read_coding_decisions(path)
    known = set().union(*(set(corpus.documents["doc_id"].astype(str)) for corpus in corpora))
    marks = decisions_as_human_codings(marks[marks["doc_id"].isin(known)])
    if marks.empty:
        return human
    return marks if human is None or human.empty else pd.concat([human, marks], ignore_index=True)


def transcript_labels(material_config: dict) -> tuple[tuple, tuple]:
    """``(speaker labels, interviewer labels)`` the transcript reader used for this material."""
    from textanalyse.io.transcripts import DEFAULT_INTERVIEWER_LABELS, DEFAULT_SPEAKER_LABELS
    from textanalyse.io.tables import read_table

    speakers = list(DEFAULT_SPEAKER_LABELS) + list(material_config.get("speaker_labels", ()))
    interviewers = list(DEFAULT_INTERVIEWER_LABELS)
    meta = material_config.get("meta")
    if meta:
        table = read_table(meta)
        if "intervjuer_kode" in table.columns:
            for value in table["intervjuer_kode"]:
                labels = [label.strip() for label in str(value).split(",") if label.strip()]
                speakers += labels
                interviewers += labels
    return tuple(dict.fromkeys(speakers)), tuple(dict.fromkeys(interviewers))


def material_for_export(material_config: dict, corpus, *, coded=None, quotes=None) -> ExportMaterial:
    speakers, interviewers = (), ()
    if corpus.kind == "transcripts":
        speakers, interviewers = transcript_labels(material_config)
    encoding = material_config.get("encoding")
    return ExportMaterial(
        name=material_config["name"], corpus=corpus, coded=coded if coded is not None else pd.DataFrame(),
        quotes=quotes if quotes is not None else pd.DataFrame(),
        question_labels=dict(material_config.get("question_labels", {})), speaker_labels=speakers,
        interviewer_labels=interviewers, keep_interviewer=bool(material_config.get("keep_interviewer")),
        encoding=None if encoding in (None, "", "auto") else encoding)


def _analyse(material_config: dict, config: dict, codebook, *, cache_dir, on_progress=None) -> ExportMaterial:
    """Read, annotate, code and quote one material through the :class:`~textanalyse.project.Project`."""
    from textanalyse.project import Project

    project = Project.from_settings(config, material_config, cache_dir=cache_dir, on_progress=on_progress)
    # the config's codebook, coded once and shared with the quotes
    coded = project.coding().coded if codebook is not None else None
    quotes = project.quotes(positions=True) if config["quotes"]["enabled"] else None
    return material_for_export(material_config, project.corpus, coded=coded, quotes=quotes)


def project_description(config: dict) -> str:
    return (f"Eksportert fra textanalyse {__version__}: «{config['title']}». Temakodene er laget automatisk av "
            "brukeren «textanalyse (automatisk)» med kodebokens mønstre; koding gjort av personer står på "
            "sine egne brukere (forskerens vurderinger i appen på «forsker (textanalyse app)»; tekstbiter "
            "vurdert som feil har koden «<tema> (vurdert feil)» og telles ikke i temaet). Sitatkandidater har det avidentifiserte sitatet som notat.")


def stamp(config: dict, now: _dt.datetime | None) -> str:
    """The fixed creation time: ``now`` when given, else the newest input file's time."""
    if now is not None:
        return format_timestamp(now)
    paths = [config.get("config_file", "")]
    for material in config["material"]:
        paths += [material["survey"], *material["transcripts"], material["meta"]]
        for given in material["transcripts"]:
            if Path(given).is_dir():
                paths += [str(child) for child in Path(given).iterdir()]
    codebook = _codebook_path(config["themes"]["codebook"])
    if codebook is not None:
        paths.append(str(codebook))
    return format_timestamp(input_timestamp([p for p in paths if p]))


def export_config(config_path, *, out, overrides=(), cache_dir=None, codebook_only: bool = False,
                  human_codings=None, seed: str | None = None, now: _dt.datetime | None = None,
                  on_progress=None) -> Path:
    """The ``export-qdpx`` command: write a ``.qdpx`` project (or with ``codebook_only`` a ``.qdc``).

    Example:
        >>> export_config("corpora/eksempel/analyse.toml", out="prosjekt.qdpx")   # doctest: +SKIP
        PosixPath('prosjekt.qdpx')
    """
    from textanalyse.config import load_config

    out = Path(out)
    wanted = ".qdc" if codebook_only else ".qdpx"
    if out.suffix.lower() != wanted:
        raise UserError(f"{out}: --out must end in {wanted}" + (" with --codebook-only" if codebook_only else ""))
    config = load_config(config_path, overrides=overrides)
    codebook = load_codebook_setting(config["themes"]["codebook"])
    guids = Guids(seed or config["title"])
    if codebook_only:
        if codebook is None:
            raise UserError(f"{config_path}: themes.codebook is empty; name a codebook to export with --codebook-only")
        return write_codebook_file(codebook_codes(codebook, guids), out, origin=f"textanalyse {__version__}")
    human = read_human_codings(human_codings) if human_codings else None
    if human is None and config["output"].get("qdpx_codings"):
        human = read_human_codings(config["output"]["qdpx_codings"])
    materials = [_analyse(m, config, codebook, cache_dir=cache_dir, on_progress=on_progress) for m in config["material"]]
    human = with_decisions(human, config, [material.corpus for material in materials])
    project = build_project(materials, title=config["title"], seed=seed or config["title"],
                            created=stamp(config, now), codebook=codebook, human=human,
                            description=project_description(config))
    return write_qdpx(project, out)


def export_results(result, folder, *, now: _dt.datetime | None = None) -> str:
    """Write ``prosjekt.qdpx`` for a finished run into ``folder``; returns the file name.

    ``result`` is the run's :class:`~textanalyse.analysis.RunResult`; quote candidates are
    placed by each material's ``quote_positions``.
    """
    config = result.config
    codebook = load_codebook_setting(config["themes"]["codebook"])
    human = None
    if config["output"].get("qdpx_codings"):
        human = read_human_codings(config["output"]["qdpx_codings"])
    materials = []
    for analysis, material_config in zip(result.materials, config["material"]):
        quotes, positions = analysis.quotes, analysis.quote_positions
        if len(quotes) and len(positions) == len(quotes):
            quotes = quotes.assign(**{column: positions[column].to_numpy() for column in positions.columns})
        else:
            quotes = None
        materials.append(material_for_export(material_config, analysis.corpus, coded=analysis.theme_coded,
                                             quotes=quotes))
    human = with_decisions(human, config, [analysis.corpus for analysis in result.materials])
    project = build_project(materials, title=config["title"], seed=config["title"], created=stamp(config, now),
                            codebook=codebook, human=human, description=project_description(config))
    write_qdpx(project, Path(folder) / PROJECT_FILE)
    return PROJECT_FILE
