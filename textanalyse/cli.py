"""Command line: parse arguments, call one library function, print or write the result."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import warnings
from pathlib import Path

import click

from textanalyse import __version__
from textanalyse.errors import InputWarning, UserError
from textanalyse.options import LANGUAGES, UNITS

EXIT_USER_ERROR = 2
EXIT_INTERNAL_ERROR = 1
EXIT_INTERRUPTED = 130


def default_cache_dir() -> str:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return str(Path(base) / "textanalyse")


# ---------------------------------------------------------------- shared options
def input_options(command):
    """Options every command that reads a corpus takes (same names everywhere)."""
    options = [
        click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str)),
        click.option("--text-col", "text_columns", multiple=True, metavar="COL",
                     help="Free-text column (repeat for several questions)."),
        click.option("--id-col", "id_column", metavar="COL", help="Respondent id column (default: row number)."),
        click.option("--meta", metavar="FILE", help="Transcripts: table with one row per file (column 'fil')."),
        click.option("--encoding", help="CSV/TXT encoding (default: UTF-8, then cp1252)."),
        click.option("--sep", help="CSV separator (default: sniffed among ; , tab |)."),
        click.option("--sheet", help="Excel sheet name or number (default: the first)."),
        click.option("--speaker", "speaker_labels", multiple=True, metavar="LABEL",
                     help="Extra speaker label that starts a turn in transcripts."),
        click.option("--keep-interviewer", is_flag=True, help="Also analyse the interviewer's turns."),
        click.option("--nonanswer", "extra_nonanswers", multiple=True, metavar="TEXT",
                     help="Extra answer to treat as a non-answer."),
        click.option("--pipeline", default="auto", show_default=True,
                     help="auto, fast, accurate, an installed spaCy package, or a pipeline folder."),
        click.option("--language", default="auto", show_default=True, type=click.Choice(LANGUAGES)),
        click.option("--cache-dir", default=None, help="Annotation cache folder (default: ~/.cache/textanalyse)."),
        click.option("--no-cache", is_flag=True, help="Do not read or write the annotation cache."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def filter_options(command):
    options = [
        click.option("--unit", default="lemma", show_default=True, type=click.Choice(UNITS),
                     help="Count lemmas (forms grouped) or exact lowercased forms (as NVivo)."),
        click.option("--min-length", default=4, show_default=True, type=int, help="Minimum word length."),
        click.option("--stoplist", "stoplists", multiple=True, metavar="FILE", help="Add a stop list (repeatable)."),
        click.option("--no-default-stoplists", is_flag=True, help="Do not use the four shipped stop lists."),
        click.option("--exclude-word", "exclude_words", multiple=True, metavar="WORD", help="Also leave out WORD."),
        click.option("--keep-word", "keep_words", multiple=True, metavar="WORD",
                     help="Never leave out WORD, even if a list has it."),
        click.option("--variants", metavar="FILE", help="Fold spelling variants: CSV of 'variant,word' pairs."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def build_inputs(params: dict):
    from textanalyse.options import InputOptions

    return InputOptions(
        paths=tuple(params.pop("inputs")), text_columns=tuple(params.pop("text_columns")),
        id_column=params.pop("id_column"), meta=params.pop("meta"), encoding=params.pop("encoding"),
        sep=params.pop("sep"), sheet=params.pop("sheet"), speaker_labels=tuple(params.pop("speaker_labels")),
        keep_interviewer=params.pop("keep_interviewer"), extra_nonanswers=tuple(params.pop("extra_nonanswers")),
        pipeline=params.pop("pipeline"), language=params.pop("language"),
        cache_dir=None if params.pop("no_cache") else (params.pop("cache_dir") or default_cache_dir()),
    )


def build_filters(params: dict):
    from textanalyse.options import FilterOptions

    no_defaults = params.pop("no_default_stoplists")
    return FilterOptions(
        unit=params.pop("unit"), min_length=params.pop("min_length"), default_lists=() if no_defaults else None,
        stoplists=tuple(params.pop("stoplists")), exclude_words=tuple(params.pop("exclude_words")),
        keep_words=tuple(params.pop("keep_words")), variants=params.pop("variants"),
    )


def table_path(context, parameter, value):
    """Check an output table's ending before any work is done."""
    if value and Path(value).suffix.lower() not in (".csv", ".xlsx"):
        raise UserError(f"{value}: {parameter.opts[0]} must end in .csv or .xlsx")
    return value


# ---------------------------------------------------------------- output helpers
@contextlib.contextmanager
def progress(description: str):
    """A rich progress bar on stderr (only on a terminal); yields a callback taking a step count."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed:,.0f}"),
                  TimeElapsedColumn(), transient=True, console=_stderr_console()) as bar:
        task = bar.add_task(description, total=None)
        yield lambda steps: bar.advance(task, steps)


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def show_table(table, *, title: str | None = None, limit: int = 40) -> None:
    """Print a DataFrame as a readable terminal table."""
    from rich.console import Console
    from rich.table import Table

    view = Table(title=title, show_lines=False)
    for column in table.columns:
        numeric = str(table[column].dtype).startswith(("int", "float"))
        view.add_column(str(column), justify="right" if numeric else "left", overflow="fold")
    for row in table.head(limit).itertuples(index=False):
        view.add_row(*["" if value is None else str(value) for value in row])
    Console(width=None if sys.stdout.isatty() else 160).print(view)
    if len(table) > limit:
        click.echo(f"... {len(table) - limit} more rows; use --out FILE.csv to get them all")


def emit(table, out, *, title=None, sheet_name="tabell", for_people=False) -> None:
    from textanalyse.api import write_table

    if out:
        write_table(table, out, sheet_name=sheet_name, for_people=for_people)  # first: a failure stays the only line on stderr
    if table.attrs.get("pipeline"):
        click.echo(f"pipeline: {table.attrs['pipeline']} ({table.attrs.get('pipeline_identity', '')})", err=True)
    if out:
        click.echo(f"wrote {len(table)} rows to {out}", err=True)
    else:
        show_table(table, title=title)


OUTPUT_OPTIONS = {"out": "--out", "filter_report": "--filter-report", "coded_out": "--coded-out",
                  "assignments_out": "--assignments-out", "text_out": "--text-out", "report_path": "--report",
                  "codebook_out": "--codebook-out", "coding_out": "--coding-out",
                  "agreement_out": "--agreement-out", "review_out": "--review-out",
                  "suggestions_out": "--suggestions-out", "disagreements_out": "--disagreements"}
INPUT_OPTIONS = ("inputs", "meta", "stoplists", "variants", "codebook", "config", "file", "human_codings",
                 "human", "sheet_a", "sheet_b")


def check_outputs(params: dict) -> None:
    """Before any work: no output overwrites an input, no two outputs share a path, every output's folder is writable."""
    from textanalyse.outputs import check_distinct_outputs, check_output_path, check_results_folder

    inputs = []
    for key in INPUT_OPTIONS:
        value = params.get(key)
        inputs.extend(value if isinstance(value, (tuple, list)) else [value] if value else [])
    # anonymize writes transcripts into an --out folder; every other output is one file
    tables = (".csv", ".tsv", ".xlsx", ".xlsm", ".sav")
    anonymizing = "report_path" in params
    transcripts = anonymizing and not any(Path(p).suffix.lower() in tables for p in params["inputs"])
    given = [(option, params[key]) for key, option in OUTPUT_OPTIONS.items() if params.get(key)]
    check_distinct_outputs(given)
    if anonymizing and params.get("out"):
        suffix = Path(params["out"]).suffix.lower()
        if transcripts and suffix in (*tables, ".txt", ".docx"):
            raise UserError(f"{params['out']}: transcripts are written to a folder; give --out a folder name "
                            "(e.g. maskert), not a file name")
        if not transcripts and suffix not in (".csv", ".xlsx"):
            raise UserError(f"{params['out']}: a masked table is one file; --out must end in .csv or .xlsx")
        if transcripts:
            check_results_folder(params["out"], inputs=inputs, offer_overwrite=False)
    folders = [Path(p) for p in params.get("inputs") or () if Path(p).is_dir()]
    for key, option in OUTPUT_OPTIONS.items():
        if params.get(key):
            check_output_path(params[key], inputs=inputs, option=option, folder=key == "out" and transcripts)
            path = Path(params[key])
            if path.suffix.lower() in (".txt", ".docx") and any(os.path.abspath(path.parent) == os.path.abspath(f)
                                                                 for f in folders):
                raise UserError(f"{path}: {option} is inside the transcript folder; the next run would read it "
                                "as a transcript, write it elsewhere")


@contextlib.contextmanager
def _noting_interrupts():
    """Note every Ctrl-C (SIGINT) while a command runs, then raise KeyboardInterrupt as usual.

    A Ctrl-C that lands inside a library's import can come out as another error (an ImportError
    from a half-imported module); the note lets the wrapper still report it as an interrupt.
    Yields a list that holds one entry per signal received.
    """
    import signal
    import threading

    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received
        return

    def on_interrupt(signum, frame):
        received.append(signum)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_interrupt)
    try:
        yield received
    finally:
        signal.signal(signal.SIGINT, previous)


def _exit_interrupted():
    """One line and exit code 130, and not death by SIGINT.

    CPython remembers a KeyboardInterrupt that ended code run from a string (``exec("...")``,
    which some libraries do while importing) and, under ``python -m``, then ends the process
    with SIGINT itself instead of our exit code. Running a string that succeeds clears that
    memory (``run_eval_code_obj`` resets it first), so the exit code stays 130.
    """
    exec("None")  # noqa: S102 - a constant string; see the docstring
    click.echo("interrupted: nothing was written; earlier results are unchanged", err=True)
    sys.exit(EXIT_INTERRUPTED)


@functools.cache
def _no_collection_at_exit() -> None:
    """Skip the garbage collections CPython runs while it shuts down (once per process).

    After a large material the interpreter spends a quarter of a second at exit walking every
    object it still tracks, only to free memory the operating system takes back anyway
    (``scripts/bench_freq.py``: 0.27–0.39 s of teardown, 0.04–0.06 s frozen). Freezing them
    from an exit handler registered before the command runs changes nothing observable: outputs
    are written and closed by then (atomic writes), handlers registered later (temporary
    folders) run before it, and CPython never promised finalizers for objects alive at exit.
    """
    import atexit
    import gc

    atexit.register(gc.freeze)


def handle_errors(function):
    """Turn every failure into one line on stderr and a non-zero exit code."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        _no_collection_at_exit()
        debug = os.environ.get("TEXTANALYSE_DEBUG") == "1"
        with _noting_interrupts() as interrupts:
            return _run_reporting_errors(function, args, kwargs, debug=debug, interrupts=interrupts)

    return wrapper


def _run_reporting_errors(function, args, kwargs, *, debug: bool, interrupts: list[int]):
    try:
        check_outputs(kwargs)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", InputWarning)
            value = function(*args, **kwargs)
        for message in dict.fromkeys(str(w.message) for w in caught if issubclass(w.category, InputWarning)):
            click.echo(f"warning: {message}", err=True)
        return value
    except UserError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USER_ERROR)
    except KeyboardInterrupt:
        _exit_interrupted()
    except MemoryError:
        click.echo("error: out of memory; split the material into smaller files", err=True)
        sys.exit(EXIT_INTERNAL_ERROR)
    except Exception as error:  # the last guard: never show a traceback (or answer text) to users
        if interrupts:  # a Ctrl-C that surfaced as another error (e.g. inside an import)
            _exit_interrupted()
        if debug:
            raise
        click.echo(f"internal error ({type(error).__name__}); please report it. "
                   "Set TEXTANALYSE_DEBUG=1 to see details.", err=True)
        sys.exit(EXIT_INTERNAL_ERROR)


# ---------------------------------------------------------------- commands
class Commands(click.Group):
    """Also turn errors raised while parsing options (callbacks) into one line."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UserError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_USER_ERROR)
        except click.UsageError as error:  # bad option values: one line with the hint, not click's four
            command = error.ctx.command_path if error.ctx else " ".join(
                part for part in (ctx.command_path, ctx.invoked_subcommand) if part)
            click.echo(f"error: {error.format_message()} (see {command} --help)", err=True)
            sys.exit(EXIT_USER_ERROR)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="textanalyse")
def main():
    """Norwegian-first analysis of survey free text and interview transcripts.

    \b
    Example:
        textanalyse run corpora/eksempel/analyse.toml --out resultater
        textanalyse freq svar.csv --text-col fungerer_bra --id-col id --top 20
    """


@main.command()
@click.argument("config", type=click.Path(path_type=str))
@click.option("--out", "out_dir", help="Output folder (default: from the config).")
@click.option("--overwrite", is_flag=True, help="Replace an existing output folder.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override one config setting, e.g. --set filters.min_length=3.")
@handle_errors
def run(config, out_dir, overwrite, overrides):
    """Run the whole analysis described by CONFIG (TOML) and write report, workbook and figures.

    \b
    Example:
        textanalyse run corpora/eksempel/analyse.toml --out resultater --overwrite
    """
    from textanalyse.run import run_analysis

    with progress("Analyserer") as on_progress:
        result = run_analysis(config, out_dir=out_dir, overwrite=overwrite, overrides=overrides,
                              cache_dir=default_cache_dir(), on_progress=on_progress)
    click.echo(f"wrote {result.out_dir}")
    for name in result.files:
        click.echo(f"  {name}")


@main.command()
@input_options
@filter_options
@click.option("--group-by", help="Split each question's table by this metadata column.")
@click.option("--top", type=int, help="Only the N most frequent words per table.")
@click.option("--out", callback=table_path, help="Write the table to FILE.csv or FILE.xlsx instead of the terminal.")
@click.option("--filter-report", metavar="FILE", callback=table_path, help="Also write what each filter removed to FILE.csv.")
@handle_errors
def freq(**params):
    """Word frequencies per question (NVivo's word-frequency query, reproducibly).

    \b
    Example:
        textanalyse freq brukerundersokelse.csv --text-col fungerer_bra --text-col fungerer_darlig \\
            --id-col respondent_id --unit exact --top 20 --out ord.csv
    """
    from textanalyse import api

    group_by, top, out, report_path = params.pop("group_by"), params.pop("top"), params.pop("out"), params.pop("filter_report")
    inputs, filters = build_inputs(params), build_filters(params)
    with progress("Annoterer") as on_progress:
        table, report = api.freq(inputs, filters, group_by=group_by, top=top, on_progress=on_progress)
    if report_path:
        api.write_table(report, report_path)
    emit(table, out, title="Ordfrekvenser", sheet_name="ordfrekvenser")
    if not out:
        removed = ", ".join(f"{row.filter}: {row.tokens_removed}" for row in report.itertuples())
        click.echo(f"removed tokens — {removed}", err=True)


@main.command()
@input_options
@click.option("--word", "word", required=True, metavar="PATTERN", help="Word, lemma or pattern with * (e.g. bolig*).")
@click.option("--window", default=5, show_default=True, type=int, help="Words of context on each side.")
@click.option("--column", "columns", multiple=True, metavar="COL",
              help="Metadata column each line carries (repeatable; default: none).")
@click.option("--out", callback=table_path, help="Write to FILE.csv or FILE.xlsx.")
@handle_errors
def kwic(**params):
    """Keyword in context: every occurrence of a word with the words around it.

    \b
    Example:
        textanalyse kwic brukerundersokelse.csv --text-col fungerer_bra --word "oppfølging" --window 6
    """
    from textanalyse import api

    pattern = params.pop("word")
    window, columns, out = params.pop("window"), params.pop("columns"), params.pop("out")
    inputs = build_inputs(params)
    with progress("Annoterer") as on_progress:
        table = api.kwic(inputs, pattern, window=window, columns=columns, on_progress=on_progress)
    emit(table[["doc_id", "question", "left", "keyword", "right"]] if not out else table, out,
         title=f"Konkordans: {pattern}", sheet_name="konkordans", for_people=True)


@main.command("suggest-exclusions")
@input_options
@filter_options
@click.option("--top", default=40, show_default=True, type=int, help="Number of candidates.")
@click.option("--out", callback=table_path, help="Write to FILE.csv or FILE.xlsx.")
@handle_errors
def suggest_exclusions(**params):
    """Candidate words for the ambiguity and low-information lists, with evidence. Changes no list.

    \b
    Example:
        textanalyse suggest-exclusions brukerundersokelse.csv --text-col fungerer_bra \\
            --text-col fungerer_darlig --text-col forslag --id-col respondent_id
    """
    from textanalyse import api

    top, out = params.pop("top"), params.pop("out")
    inputs, filters = build_inputs(params), build_filters(params)
    with progress("Annoterer") as on_progress:
        table = api.suggest_exclusions(inputs, filters, top=top, on_progress=on_progress)
    emit(table, out, title="Forslag til utelatte ord", sheet_name="forslag")


@main.command()
@input_options
@click.option("--codebook", metavar="FILE", help="Codebook YAML (default: the shipped one for rus og psykisk helse).")
@click.option("--group-by", help="Summarise per value of this metadata column.")
@click.option("--out", callback=table_path, help="Write the summary to FILE.csv/.xlsx.")
@click.option("--coded-out", metavar="FILE", callback=table_path, help="Also write every coded passage to FILE.csv/.xlsx.")
@click.option("--column", "columns", multiple=True, metavar="COL",
              help="Metadata column the coded passages carry (repeatable; default: the --group-by column).")
@handle_errors
def themes(**params):
    """Code answers and interview turns with a codebook of themes (deductive).

    \b
    Example:
        textanalyse themes brukerundersokelse.csv --text-col fungerer_darlig --id-col respondent_id \\
            --group-by aldersgruppe --out tema.csv
    """
    from textanalyse import api

    codebook, group_by, out, coded_out, columns = (params.pop(k) for k in ("codebook", "group_by", "out", "coded_out",
                                                                           "columns"))
    inputs = build_inputs(params)
    with progress("Annoterer") as on_progress:
        coded, summary, _, warnings = api.themes(inputs, codebook=codebook, group_by=group_by,
                                                 columns=columns or None, on_progress=on_progress)
    if coded_out:
        api.write_table(coded, coded_out, sheet_name="koding")
    if len(warnings):  # a table (theme, field, pattern, message): one line, not one per pattern
        first = warnings.iloc[0]
        click.echo(f"warning: {len(warnings)} codebook patterns match nothing in this material "
                   f"(first: theme '{first['theme']}', {first['message']})", err=True)
    emit(summary, out, title="Tema", sheet_name="tema")


@main.command()
@input_options
@filter_options
@click.option("--k", "k", default="auto", show_default=True, help="Number of topics, or auto.")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0, max=2**31 - 1),
              help="Random seed (same seed, same topics).")
@click.option("--pos", multiple=True, metavar="UPOS", help="Only these word classes, e.g. --pos NOUN --pos ADJ.")
@click.option("--min-words", default=3, show_default=True, type=click.IntRange(min=1),
              help="Answers (or turns) with fewer kept words are left out of the topics.")
@click.option("--out", callback=table_path, help="Write the topics to FILE.csv/.xlsx.")
@click.option("--assignments-out", metavar="FILE", callback=table_path, help="Also write each answer's topic to FILE.csv/.xlsx.")
@click.option("--codebook-misses", is_flag=True,
              help="Instead: cluster the answers no codebook theme codes into candidate new themes.")
@click.option("--codebook", metavar="YAML", help="Codebook for --codebook-misses (default: the shipped one).")
@handle_errors
def topics(**params):
    """Find topics in the answers with NMF (inductive), with a stability figure.

    \b
    Example:
        textanalyse topics brukerundersokelse.csv --text-col forslag --id-col respondent_id --k auto --seed 1
        textanalyse topics brukerundersokelse.csv --text-col forslag --id-col respondent_id --codebook-misses
    """
    from textanalyse import api

    k, seed, pos, min_words, out, assignments_out = (
        params.pop(key) for key in ("k", "seed", "pos", "min_words", "out", "assignments_out"))
    misses, codebook = params.pop("codebook_misses"), params.pop("codebook")
    if pos:
        from textanalyse.filters import keep_word_classes

        keep_word_classes(None, pos)  # an unknown word class fails before the material is read
    if k != "auto":
        if not str(k).isdigit():
            raise UserError(f"--k must be auto or a whole number, got {k!r}")
        k = int(k)
    inputs, filters = build_inputs(params), build_filters(params)
    if misses:
        from textanalyse.codebook_misses import candidates_with_answers

        with progress("Annoterer") as on_progress:
            found = api.codebook_misses(inputs, filters, k=k, seed=seed, codebook=codebook, on_progress=on_progress)
        summary = found.summary
        click.echo(f"{summary['uncoded']} of {summary['segments']} answers match no codebook theme; "
                   f"{summary['clustered']} grouped into {len(found.candidates)} candidate themes"
                   + (f" ({found.note})" if found.note else ""), err=True)
        emit(candidates_with_answers(found), out, title="Kandidater til nye tema", sheet_name="kandidater")
        return
    with progress("Annoterer") as on_progress:
        result = api.topics(inputs, filters, k=k, seed=seed, pos=pos, min_words=min_words, on_progress=on_progress)
    if assignments_out:
        api.write_table(result.assignments, assignments_out, sheet_name="tilordning")
    click.echo(f"{result.k} topics, stability (mean adjusted Rand index across reruns): {result.stability:.2f}", err=True)
    emit(result.topics, out, title="Emner", sheet_name="emner")


@main.command()
@input_options
@filter_options
@click.option("--group-col", "group_column", required=True, help="Metadata column (e.g. gruppe) or 'question'.")
@click.option("--target", help="The group to describe (default: each group against the rest).")
@click.option("--reference", help="The group to compare with (default: all other values).")
@click.option("--bins", help='Group a closed item\'s values into levels, e.g. "1-2=misfornøyd,4-5=fornøyd" '
                             "(values in no level are left out; SPSS value labels are used when present).")
@click.option("--min-count", default=5, show_default=True, type=int, help="Words used fewer times are not tested.")
@click.option("--min-documents", default=2, show_default=True, type=int, help="Words in fewer documents are not tested.")
@click.option("--out", callback=table_path, help="Write to FILE.csv/.xlsx.")
@handle_errors
def compare(**params):
    """Which words differ between groups: G², log ratio, BH-adjusted p, Fisher test on documents.

    \b
    Example:
        textanalyse compare intervjuer/ --meta intervjuer/informanter.csv --group-col gruppe \\
            --target unge --reference eldre --out unge_mot_eldre.csv
        textanalyse compare svar.sav --text-col fungerer_darlig --group-col tilfredshet \\
            --bins "1-2=misfornøyd,4-5=fornøyd" --target misfornøyd --reference fornøyd
    """
    from textanalyse import api

    options = {key: params.pop(key) for key in ("group_column", "target", "reference", "min_count", "min_documents",
                                                "bins")}
    out = params.pop("out")
    inputs, filters = build_inputs(params), build_filters(params)
    with progress("Annoterer") as on_progress:
        table = api.compare(inputs, filters, on_progress=on_progress, **options)
    emit(table, out, title="Nøkkelord", sheet_name="nokkelord")


@main.command()
@input_options
@click.option("--word", "words", multiple=True, metavar="WORD", help="Word or lemma to quote (repeatable, * allowed).")
@click.option("--theme", "themes", multiple=True, metavar="THEME", help="Codebook theme to quote (repeatable).")
@click.option("--codebook", metavar="FILE", help="Codebook YAML for --theme (default: the shipped one).")
@click.option("--per-item", default=3, show_default=True, type=click.IntRange(min=1), help="Quotes per word or theme.")
@click.option("--min-words", default=8, show_default=True, type=click.IntRange(min=1), help="Shortest quote in words.")
@click.option("--max-words", default=60, show_default=True, type=click.IntRange(min=1), help="Longest quote in words.")
@click.option("--group-by", help="Metadata column named in the citation (e.g. gruppe).")
@click.option("--out", callback=table_path, help="Write to FILE.csv/.xlsx.")
@click.option("--text-out", metavar="FILE", help="Also write copy-ready «…» (informant, gruppe) lines to FILE.txt.")
@handle_errors
def quotes(**params):
    """De-identified quote candidates, typical and varied, with risk flags to check.

    \b
    Example:
        textanalyse quotes brukerundersokelse.csv --text-col fungerer_bra --id-col respondent_id \\
            --word oppfølging --word bolig --theme "Arbeid og aktivitet" --group-by aldersgruppe
    """
    from textanalyse import api
    from textanalyse.atomic import write_text

    keys = ("words", "themes", "codebook", "per_item", "min_words", "max_words", "group_by")
    options = {key: params.pop(key) for key in keys}
    if options["max_words"] < options["min_words"]:
        raise UserError(f"--max-words ({options['max_words']}) must be at least --min-words ({options['min_words']})")
    out, text_out = params.pop("out"), params.pop("text_out")
    inputs = build_inputs(params)
    with progress("Annoterer") as on_progress:
        table = api.quotes(inputs, on_progress=on_progress, **options)
    if text_out:
        lines = [f"{row.theme_or_word}: {row.citation}" + (f"  [sjekk: {row.risk_flags}]" if row.risk_flags else "")
                 for row in table.itertuples()]
        write_text(text_out, "\n".join(lines) + "\n")
    emit(table[["theme_or_word", "rank", "citation", "risk_flags"]] if not out else table, out,
         title="Sitatkandidater", sheet_name="sitater", for_people=True)


@main.command()
@input_options
@click.option("--out", required=True, help="Output: FILE.csv/.xlsx for tables, a folder for transcripts.")
@click.option("--numbered", is_flag=True, help="Same person/place, same number: [NAVN-1], [NAVN-2].")
@click.option("--report", "report_path", metavar="FILE", callback=table_path, help="Write what was masked (type and count per row) to FILE.csv.")
@click.option("--include-originals", is_flag=True, help="Put the original words in the report (keep it safe!).")
@handle_errors
def anonymize(**params):
    """De-identify text columns (or transcripts): names, places, phone numbers, ids, addresses, dates.

    Writes the same rows in the same order with the text columns masked; the input is not changed.
    Takes the same input flags as every command: --text-col names the columns to mask, --id-col
    adds each row's id to the report, --speaker adds turn labels that stay unmasked, and
    --pipeline adds a trained pipeline's names to the rules (rules: the rules only). Everything
    in a text column or turn is masked, so --meta, --nonanswer and --keep-interviewer change nothing.

    \b
    Example:
        textanalyse anonymize brukerundersokelse.csv --text-col fungerer_bra --id-col respondent_id \\
            --out maskert.csv --report maskert_rapport.csv
    """
    from textanalyse.anonymize.files import anonymize_files

    summary = anonymize_files(
        params["inputs"], text_columns=params["text_columns"], out=params["out"], id_column=params["id_column"],
        encoding=params["encoding"], sep=params["sep"], sheet=params["sheet"], speaker_labels=params["speaker_labels"],
        language=params["language"], numbered=params["numbered"], report=params["report_path"],
        include_originals=params["include_originals"], pipeline=params["pipeline"])
    click.echo(summary, err=True)


@main.command("export-qdpx")
@click.argument("config", type=click.Path(path_type=str))
@click.option("--out", required=True, help="The project file, e.g. prosjekt.qdpx (or kodebok.qdc with --codebook-only).")
@click.option("--codebook-only", is_flag=True, help="Write only the codebook as a REFI-QDA .qdc file.")
@click.option("--human-codings", metavar="FILE",
              help="Human coding decisions to include (CSV/XLSX: doc_id, segment, theme, user; or a filled code-sheet), each coder as a user.")
@click.option("--seed", help="Seed for the GUIDs (default: the config's title); same seed and input, same file.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override one config setting, e.g. --set themes.codebook=kodebok.yaml.")
@handle_errors
def export_qdpx(config, out, codebook_only, human_codings, seed, overrides):
    """Export the analysis as a REFI-QDA project for NVivo, MAXQDA, ATLAS.ti and QualCoder.

    One source per respondent (or transcript) with cases and variables, the codebook's themes
    as codes with every coded passage, quote candidates with their de-identified text as notes.

    \b
    Example:
        textanalyse export-qdpx corpora/eksempel/analyse.toml --out prosjekt.qdpx
        textanalyse export-qdpx corpora/eksempel/analyse.toml --codebook-only --out kodebok.qdc
    """
    from textanalyse.qdpx.export import export_config

    with progress("Eksporterer") as on_progress:
        path = export_config(config, out=out, overrides=overrides, cache_dir=default_cache_dir(),
                             codebook_only=codebook_only, human_codings=human_codings, seed=seed,
                             on_progress=on_progress)
    click.echo(f"wrote {path}", err=True)


@main.command("import-qdpx")
@click.argument("file", type=click.Path(path_type=str))
@click.option("--codebook-out", metavar="FILE", help="Write the codes as a codebook YAML (loads in 'themes').")
@click.option("--coding-out", metavar="FILE", help="Write every coded passage to FILE.csv/.xlsx.")
@click.option("--allow-outside", is_flag=True,
              help="Read relative:// and absolute:// sources even outside the archive's folder.")
@handle_errors
def import_qdpx(file, codebook_out, coding_out, allow_outside):
    """Import a REFI-QDA project (.qdpx) or codebook (.qdc) from NVivo, MAXQDA, ATLAS.ti or QualCoder.

    The codebook becomes our YAML (codes without patterns get suggested ones, marked
    review: true); the coding becomes a table: source, case, start, end, text, code,
    code_path, user, then the case variables.

    \b
    Example:
        textanalyse import-qdpx fra_nvivo.qdpx --codebook-out kodebok.yaml --coding-out koding.csv
        textanalyse import-qdpx kodebok.qdc --codebook-out kodebok.yaml
    """
    from textanalyse.qdpx.importer import import_qdpx as run_import

    for line in run_import(file, codebook_out=codebook_out, coding_out=coding_out, allow_outside=allow_outside):
        click.echo(line, err=True)


@main.command("app")
@click.argument("project_folder", required=False, default=".", type=click.Path(path_type=str))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1 lets others on the network connect (warned).")
@click.option("--port", default=8765, show_default=True, type=int, help="Port; 0 picks a free one.")
@click.option("--no-browser", is_flag=True, help="Do not open the browser; just print the address.")
@handle_errors
def app(project_folder, host, port, no_browser):
    """Open the analysis in the browser: a local, offline app for one project folder.

    The first line printed is the address with a one-time access token. The project is the
    folder: analyse.toml and the files the app writes beside it, so `textanalyse run
    PROJECT/analyse.toml` reproduces every table. Stop with Ctrl-C.

    \b
    Example:
        textanalyse app mitt_prosjekt
        textanalyse app corpora/eksempel --port 0 --no-browser
    """
    from textanalyse.app.server import serve

    if not 0 <= port <= 65535:
        raise UserError(f"--port must be from 0 to 65535, got {port}")
    serve(project_folder, host=host, port=port, open_browser=not no_browser, cache_dir=default_cache_dir())


@main.group(cls=Commands)
def cache():
    """The private annotation cache: where it is, how big, and emptying it.

    \b
    Example:
        textanalyse cache info
        textanalyse cache clear
    """


def cache_dir_option(command):
    return click.option("--cache-dir", default=None,
                        help="Annotation cache folder (default: ~/.cache/textanalyse).")(command)


@cache.command("info")
@cache_dir_option
@handle_errors
def cache_info(cache_dir):
    """Show the cache folder, the number of cached annotations and their size (no text).

    \b
    Example:
        textanalyse cache info --cache-dir ~/.cache/textanalyse
    """
    from textanalyse.nlp.cache import cache_info as info

    for line in info(cache_dir or default_cache_dir()).lines():
        click.echo(line)


@cache.command("clear")
@cache_dir_option
@handle_errors
def cache_clear(cache_dir):
    """Remove every cached annotation (the next run annotates again).

    \b
    Example:
        textanalyse cache clear
    """
    from textanalyse.nlp.cache import clear_cache

    folder = cache_dir or default_cache_dir()
    click.echo(f"removed {clear_cache(folder)} cache files from {folder}")


def _register_coding_commands() -> None:
    """code-sheet, code and agreement live with assisted coding (textanalyse/coding/commands.py)."""
    import textanalyse.cli as cli
    from textanalyse.coding.commands import register

    register(main, cli)


_register_coding_commands()


if __name__ == "__main__":
    main()
