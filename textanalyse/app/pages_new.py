"""New project from a data file: choose or upload, preview, detected reading, columns confirmed."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from textanalyse.app.folder import (CODEBOOK_FILE, DATA_FOLDER, RESULTS_FOLDER, STOPLIST_FILE, VARIANTS_FILE,
                                    ProjectFolder)
from textanalyse.app.security import safe_path
from textanalyse.app.web import error_page, one, read_form, redirect, render
from textanalyse.errors import UserError

DATA_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xlsm", ".sav")
TRANSCRIPT_SUFFIXES = (".txt", ".docx")
PREVIEW_ROWS = 5
SAFE_NAME = re.compile(r"[^\w.\- ]", re.UNICODE)


def example_folder() -> Path | None:
    """The bundled example material (``corpora/eksempel``) when this installation has it."""
    import textanalyse

    package = Path(textanalyse.__file__).resolve().parent
    for candidate in (package / "eksempel", package.parent / "corpora" / "eksempel"):  # installed wheel, checkout
        if (candidate / "brukerundersokelse.csv").is_file():
            return candidate
    return None


def roots(folder: ProjectFolder) -> dict[str, Path]:
    """The folders the app may read data from: the project folder and the bundled example."""
    found = {"prosjekt": folder.root}
    example = example_folder()
    if example is not None:
        found["eksempel"] = example
    return found


def resolve_data(folder: ProjectFolder, root: str, relative: str) -> Path:
    """A data file or a transcript folder inside one of the allowed folders (or a clear refusal)."""
    base = roots(folder).get(root)
    if base is None:
        raise UserError("Ukjent mappe; velg en fil fra listen.")
    path = safe_path(base, relative)
    if path.is_dir() and path != base and any(p.suffix.lower() in TRANSCRIPT_SUFFIXES for p in path.iterdir()):
        return path
    if path.suffix.lower() not in DATA_SUFFIXES or not path.is_file():
        raise UserError("Velg en datafil (.csv, .tsv, .xlsx eller .sav) eller en mappe med intervjuer fra listen.")
    return path


def describe_transcripts(path: Path) -> dict:
    """Transcript folder preview: files, the metadata table (``fil`` column) and its columns as groups."""
    from textanalyse.io.tables import read_table

    files = sorted(p.name for p in path.iterdir() if p.suffix.lower() in TRANSCRIPT_SUFFIXES)
    meta, columns = "", []
    for candidate in sorted(path.glob("*.csv")) + sorted(path.glob("*.xlsx")):
        try:
            table = read_table(candidate)
        except UserError:
            continue
        if "fil" in table.columns:
            meta = candidate.name
            for column in table.columns:
                if column in ("fil", "informant_id", "intervjuer_kode"):
                    continue
                distinct = int(table[column].astype(str).nunique())
                columns.append({"name": column, "distinct": distinct, "group": 2 <= distinct <= 6})
            break
    return {"files": files, "meta": meta, "columns": columns}


def data_files(folder: ProjectFolder) -> list[dict]:
    files = []
    for root_name, base in roots(folder).items():
        for current, folders, names in os.walk(base):
            depth = len(Path(current).relative_to(base).parts)
            folders[:] = sorted(name for name in folders
                                if depth < 2 and not name.startswith(".") and name != RESULTS_FOLDER)
            transcripts = [name for name in names if Path(name).suffix.lower() in TRANSCRIPT_SUFFIXES]
            if transcripts and Path(current) != base:
                files.append({"root": root_name, "path": Path(current).relative_to(base).as_posix(),
                              "size": sum((Path(current) / name).stat().st_size for name in transcripts),
                              "transcripts": len(transcripts)})
            for name in sorted(names):
                path = Path(current) / name
                if path.suffix.lower() in DATA_SUFFIXES and not name.startswith(".") and path.is_file():
                    files.append({"root": root_name, "path": path.relative_to(base).as_posix(),
                                  "size": path.stat().st_size})
            if len(files) > 500:
                break
    return files


async def new_project(request: Request) -> Response:
    folder = request.app.state.workspace.folder
    return render(request, "new.html", files=data_files(folder), exists=folder.exists(),
                  limit_mb=request.app.state.upload_limit // (1024 * 1024))


async def upload(request: Request) -> Response:
    """Store an uploaded data file in the project's ``data/`` (size-limited, never outside the folder)."""
    from textanalyse.atomic import atomic_path

    folder = request.app.state.workspace.folder
    limit = request.app.state.upload_limit
    name = SAFE_NAME.sub("_", Path(unquote(request.headers.get("x-filename", ""))).name).strip(" .")
    if not name or Path(name).suffix.lower() not in DATA_SUFFIXES:
        return JSONResponse({"feil": "Last opp en .csv-, .tsv-, .xlsx- eller .sav-fil."}, status_code=400)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return JSONResponse({"feil": f"Filen er større enn {limit // (1024 * 1024)} MB."}, status_code=413)
    target = folder.root / DATA_FOLDER / name
    stem, number = target.stem, 2
    while target.exists():
        target = target.with_name(f"{stem}_{number}{target.suffix}")
        number += 1
    size = 0
    too_big = False
    with atomic_path(target) as tmp:
        with open(tmp, "wb") as handle:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    too_big = True
                    break
                handle.write(chunk)
        if too_big:
            raise _TooBig()
    return JSONResponse({"rot": "prosjekt", "fil": target.relative_to(folder.root).as_posix()})


class _TooBig(Exception):
    pass


async def upload_guarded(request: Request) -> Response:
    try:
        return await upload(request)
    except _TooBig:
        limit = request.app.state.upload_limit
        return JSONResponse({"feil": f"Filen er større enn {limit // (1024 * 1024)} MB."}, status_code=413)


def describe(path: Path) -> dict:
    """What the preview shows: encoding, separator, columns with suggestions, first rows, non-answers."""
    from textanalyse.io.nonanswers import classify_answer
    from textanalyse.io.tables import AUTO_ENCODINGS, read_table, sniff_separator

    table = read_table(path)
    encoding, separator = "", ""
    if path.suffix.lower() in (".csv", ".tsv"):
        data = path.read_bytes()
        encoding = "utf-8 (med BOM)" if data.startswith(b"\xef\xbb\xbf") else next(
            (name for name in AUTO_ENCODINGS if _decodes(data, name)), "ukjent")
        text = data.decode(encoding.split()[0], errors="replace")
        separator = {";": "semikolon (;)", ",": "komma (,)", "\t": "tabulator", "|": "loddrett strek (|)"}[
            "\t" if path.suffix.lower() == ".tsv" else sniff_separator(text)]
    columns = []
    for column in table.columns:
        values = table[column].astype(str).str.strip()
        filled = values[values != ""]
        mean_length = float(filled.str.len().mean()) if len(filled) else 0.0
        mean_words = float(filled.str.split().str.len().mean()) if len(filled) else 0.0
        distinct = int(filled.nunique())
        reasons = values.map(classify_answer)
        columns.append({
            "name": column, "mean_length": mean_length, "distinct": distinct,
            "text": mean_words >= 4 and mean_length >= 25 and distinct >= 0.5 * max(len(filled), 1),
            "id": distinct == len(table) and (values != "").all() and mean_words <= 1,
            "group": 2 <= distinct <= 12 and mean_words <= 4,
            "nonanswers": int((reasons == "non-answer").sum()), "empty": int((reasons == "empty").sum()),
        })
    ids = [c for c in columns if c["id"]]
    preferred = next((c for c in ids if "id" in c["name"].lower()), ids[0] if ids else None)
    for column in columns:
        column["id"] = column is preferred
        column["group"] = column["group"] and not column["text"] and not column["id"]
    rows = [[_short(value) for value in row] for row in table.head(PREVIEW_ROWS).astype(str).itertuples(index=False)]
    return {"rows": len(table), "encoding": encoding, "separator": separator, "columns": columns, "preview": rows}


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
        return True
    except UnicodeDecodeError:
        return False


def _short(value: str, limit: int = 90) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[:limit - 1] + "…"


def locate(folder: ProjectFolder, typed: str) -> tuple[str, str]:
    """A typed path (absolute, or relative to the project folder) as ``(root, relative)`` inside an allowed folder."""
    typed = typed.strip().strip('"')
    if not typed or "\x00" in typed:
        raise UserError("Skriv stien til en mappe med intervjuer eller en datafil.")
    path = Path(typed).expanduser()
    for name, base in roots(folder).items():
        candidate = (path if path.is_absolute() else base / path).resolve()
        try:
            relative = candidate.relative_to(base.resolve())
        except ValueError:
            continue
        return name, relative.as_posix()
    raise UserError("Stien ligger utenfor prosjektmappen; kopier intervjuene inn i prosjektmappen "
                    "(for eksempel i data/) og prøv igjen.")


async def preview(request: Request) -> Response:
    folder = request.app.state.workspace.folder
    root, relative = request.query_params.get("rot", ""), request.query_params.get("fil", "")
    if "sti" in request.query_params:     # a path typed by the researcher
        root, relative = locate(folder, request.query_params["sti"])
    path = resolve_data(folder, root, relative)
    title = path.stem.replace("_", " ").capitalize()
    if path.is_dir():
        return render(request, "_preview_transcripts.html", info=describe_transcripts(path), root=root,
                      relative=relative, title=title)
    return render(request, "_preview.html", info=describe(path), root=root, relative=relative, title=title)


async def create(request: Request) -> Response:
    """Write ``analyse.toml`` and its side files from the confirmed choices."""
    workspace = request.app.state.workspace
    folder = workspace.folder
    form = await read_form(request)
    root, relative = one(form, "rot"), one(form, "fil")
    source = resolve_data(folder, root, relative)
    if source.is_dir():
        return _create_transcripts(request, workspace, form, root, source)
    text_columns = [value for value in form.get("tekst", []) if value]
    if not text_columns:
        return error_page(request, "Velg minst én kolonne med fritekst.")
    id_column = one(form, "id")
    groups = [value for value in form.get("gruppe", []) if value and value not in text_columns and value != id_column]
    if id_column in text_columns:
        return error_page(request, "Id-kolonnen kan ikke også være en tekstkolonne.")
    if folder.exists() and one(form, "erstatt") != "ja":
        return error_page(request, "Mappen har allerede et prosjekt (analyse.toml); kryss av for å erstatte det.")
    if root != "prosjekt":
        target = folder.root / DATA_FOLDER / source.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        source = target
    title = one(form, "tittel") or source.stem
    labels = {column: one(form, f"etikett:{column}") for column in text_columns if one(form, f"etikett:{column}")}
    raw = {
        "title": title,
        "output": {"dir": RESULTS_FOLDER},
        "filters": {"stoplists": [STOPLIST_FILE], "variants": VARIANTS_FILE},
        "themes": {"codebook": CODEBOOK_FILE},
        "material": [{"name": title, "survey": source.relative_to(folder.root).as_posix(),
                      "text_columns": text_columns, "id_column": id_column, "group_by": groups,
                      **({"question_labels": labels} if labels else {})}],
    }
    _write_project(workspace, raw)
    return redirect(request, "/ord")


def _create_transcripts(request: Request, workspace, form, root: str, source: Path) -> Response:
    folder = workspace.folder
    if folder.exists() and one(form, "erstatt") != "ja":
        return error_page(request, "Mappen har allerede et prosjekt (analyse.toml); kryss av for å erstatte det.")
    if root != "prosjekt":
        target = folder.root / DATA_FOLDER / source.name
        if not target.exists():
            shutil.copytree(source, target)
        source = target
    info = describe_transcripts(source)
    groups = [value for value in form.get("gruppe", []) if value in {c["name"] for c in info["columns"]}]
    title = one(form, "tittel") or source.name
    material = {"name": title, "transcripts": [source.relative_to(folder.root).as_posix()]}
    if info["meta"]:
        material["meta"] = (source / info["meta"]).relative_to(folder.root).as_posix()
    if groups:
        material["group_by"] = groups
    raw = {"title": title, "output": {"dir": RESULTS_FOLDER},
           "filters": {"stoplists": [STOPLIST_FILE], "variants": VARIANTS_FILE},
           "themes": {"codebook": CODEBOOK_FILE}, "material": [material]}
    _write_project(workspace, raw)
    return redirect(request, "/ord")


def _write_project(workspace, raw: dict) -> None:
    """The side files first (so the config can name them), then analyse.toml, checked by the core."""
    from textanalyse.themes import default_codebook_path

    folder = workspace.folder
    if not folder.path(STOPLIST_FILE).exists():
        folder.write_stoplist([])
    if not folder.path(VARIANTS_FILE).exists():
        folder.write_variants([])
    if not folder.path(CODEBOOK_FILE).exists():
        from textanalyse.atomic import write_bytes

        write_bytes(folder.path(CODEBOOK_FILE), default_codebook_path().read_bytes())
    folder.write_raw(raw)
    workspace.config()


def routes() -> list[Route]:
    return [
        Route("/ny", new_project),
        Route("/ny/forhandsvis", preview),
        Route("/ny/last-opp", upload_guarded, methods=["POST"]),
        Route("/ny/opprett", create, methods=["POST"]),
    ]
