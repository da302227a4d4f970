"""A project is a folder: ``analyse.toml`` plus the side files the app writes next to it.

Every file here is one `textanalyse run` reads (the config and the files it names) or a
decision the researcher made in the app; all are written atomically and stay plain text:

- ``analyse.toml``: the config (``filters.stoplists``, ``filters.variants`` and
  ``themes.codebook`` name the three files below).
- ``egne_ord.txt``: the researcher's own stop list, one word per line with its reason as a
  comment (``sette  # flertydig: ...``).
- ``varianter.csv``: word merges, ``variant,word`` (spelling variants folded before counting).
- ``kodebok.yaml``: the project's codebook (a copy of the shipped one until edited).
- ``kodevalg.csv``: coded passages marked right or wrong (``doc_id, segment, question, theme,
  pattern, start, end, decision``).
- ``sitatvalg.csv``: quote decisions (``theme_or_word, doc_id, question, decision, quote``).
- ``data/``: uploaded data files; ``resultater/``: the exported results.
"""

from __future__ import annotations

import csv
import io
import tomllib
from pathlib import Path

from textanalyse.atomic import write_text
from textanalyse.errors import UserError

CONFIG_FILE = "analyse.toml"
STOPLIST_FILE = "egne_ord.txt"
VARIANTS_FILE = "varianter.csv"
CODEBOOK_FILE = "kodebok.yaml"
CODING_FILE = "kodevalg.csv"
QUOTES_FILE = "sitatvalg.csv"
DATA_FOLDER = "data"
RESULTS_FOLDER = "resultater"
CODING_COLUMNS = ["doc_id", "segment", "question", "theme", "pattern", "start", "end", "decision"]
QUOTE_COLUMNS = ["theme_or_word", "doc_id", "question", "decision", "quote"]
REASONS = {
    "generell": "svært generelt ord",
    "flertydig": "flertydig ord",
    "lite_informativ": "sier lite om erfaringen",
    "eget": "eget valg",
}
STOPLIST_HEADER = (
    "# Egne utelatte ord for dette prosjektet (skrevet av textanalyse app).\n"
    "# Ett ord per linje; etter # står kategorien og begrunnelsen.\n"
)


class ProjectFolder:
    """Paths and plain-text files of one project folder.

    Example:
        >>> folder = ProjectFolder("/tmp/mitt_prosjekt")
        >>> folder.config_path.name
        'analyse.toml'
    """

    def __init__(self, root):
        self.root = Path(root).resolve()

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_FILE

    def path(self, name: str) -> Path:
        return self.root / name

    def exists(self) -> bool:
        return self.config_path.is_file()

    # ------------------------------------------------------------ config
    def read_raw(self) -> dict:
        """The config as written (relative paths, only the keys given)."""
        try:
            return tomllib.loads(self.config_path.read_text(encoding="utf-8-sig"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            raise UserError("Prosjektets analyse.toml kan ikke leses; rett fila eller velg en annen mappe.") from None

    def write_raw(self, raw: dict) -> None:
        """Write the config; it is checked with ``load_config`` and the old text kept if it fails.

        An existing file is edited in place (only the keys that changed), so the researcher's
        comments and layout stay.
        """
        from textanalyse.config import load_config

        previous = self.config_path.read_text(encoding="utf-8-sig") if self.config_path.exists() else None
        write_text(self.config_path, dump_toml(raw) if previous is None else edit_toml(previous, raw))
        try:
            load_config(self.config_path)
        except UserError:
            if previous is None:
                self.config_path.unlink()
            else:
                write_text(self.config_path, previous)
            raise

    # ------------------------------------------------------------ own stop list
    def stoplist(self) -> list[dict]:
        """``[{"word", "category", "reason"}]`` from ``egne_ord.txt`` in file order."""
        path = self.path(STOPLIST_FILE)
        if not path.exists():
            return []
        entries = []
        for line in path.read_text(encoding="utf-8-sig").splitlines():
            word, _, comment = line.partition("#")
            word = word.strip().lower()
            if not word:
                continue
            category, _, reason = comment.strip().partition(":")
            entries.append({"word": word, "category": category.strip() or "eget", "reason": reason.strip()})
        return entries

    def write_stoplist(self, entries: list[dict]) -> None:
        lines = [STOPLIST_HEADER]
        for entry in entries:
            reason = " ".join(str(entry.get("reason", "")).split()).replace("#", "")
            lines.append(f"{entry['word']}  # {entry['category']}: {reason}\n")
        write_text(self.path(STOPLIST_FILE), "".join(lines))

    # ------------------------------------------------------------ variants
    def variants(self) -> list[tuple[str, str]]:
        return [(row["variant"], row["word"]) for row in self._read_csv(VARIANTS_FILE, ["variant", "word"])]

    def write_variants(self, pairs) -> None:
        self._write_csv(VARIANTS_FILE, ["variant", "word"], [{"variant": v, "word": w} for v, w in pairs])

    # ------------------------------------------------------------ decisions
    def coding_decisions(self) -> list[dict]:
        return self._read_csv(CODING_FILE, CODING_COLUMNS)

    def write_coding_decisions(self, rows) -> None:
        """Write ``kodevalg.csv`` and name it in ``[themes] decisions``, so ``run`` applies it too."""
        self._write_csv(CODING_FILE, CODING_COLUMNS, rows)
        self._name_setting("themes", CODING_FILE)

    def quote_decisions(self) -> list[dict]:
        return self._read_csv(QUOTES_FILE, QUOTE_COLUMNS)

    def write_quote_decisions(self, rows) -> None:
        """Write ``sitatvalg.csv`` and name it in ``[quotes] decisions``, so ``run`` applies it too."""
        self._write_csv(QUOTES_FILE, QUOTE_COLUMNS, rows)
        self._name_setting("quotes", QUOTES_FILE)

    def _name_setting(self, section: str, name: str) -> None:
        raw = self.read_raw()
        if (raw.get(section) or {}).get("decisions") != name:
            raw.setdefault(section, {})["decisions"] = name
            self.write_raw(raw)

    def _read_csv(self, name: str, columns) -> list[dict]:
        path = self.path(name)
        if not path.exists():
            return []
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if list(reader.fieldnames or []) != list(columns):
                raise UserError(f"{name} i prosjektmappen har feil kolonner; den skal ha {', '.join(columns)}.")
            return [dict(row) for row in reader]

    def _write_csv(self, name: str, columns, rows) -> None:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in columns})
        write_text(self.path(name), buffer.getvalue())


# ---------------------------------------------------------------- TOML
def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
        return f'"{escaped}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    raise UserError(f"cannot write {type(value).__name__} to TOML")


def _toml_key(key: str) -> str:
    plain = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if plain else _toml_value(key)


def edit_toml(text: str, raw: dict) -> str:
    """``text`` (a TOML config) changed to hold ``raw``: only changed keys are rewritten, comments stay.

    Example:
        >>> print(edit_toml('# mitt prosjekt\\n[filters]\\nmin_length = 4  # NVivo-regelen\\n',
        ...                 {"filters": {"min_length": 4, "stoplists": ["egne_ord.txt"]}}), end="")
        # mitt prosjekt
        [filters]
        min_length = 4  # NVivo-regelen
        stoplists = ["egne_ord.txt"]
    """
    import tomlkit

    document = tomlkit.parse(text)
    _merge(document, raw)
    return tomlkit.dumps(document)


def _merge(target, wanted: dict, *, depth: int = 0) -> None:
    for key in [key for key in target if key not in wanted]:
        del target[key]
    for key, value in wanted.items():
        current = target.get(key)
        if isinstance(value, dict) and hasattr(current, "items") and not isinstance(current, str):
            _merge(current, value, depth=depth + 1)
        elif (isinstance(value, list) and isinstance(current, list) and len(value) == len(current) and value
              and all(isinstance(v, dict) for v in value) and all(hasattr(c, "items") for c in current)):
            for inner, item in zip(current, value):
                _merge(inner, item, depth=depth + 1)
        elif current is None or _plain(current) != value:
            target[key] = _item(value, inline=depth > 0 or key == "material")


def _item(value, *, inline: bool):
    """A new value as the config writes it: tables inside a material inline, ``compare`` entries one per line."""
    import tomlkit

    if isinstance(value, dict) and inline:
        table = tomlkit.inline_table()
        table.update({key: _item(item, inline=True) for key, item in value.items()})
        return table
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        if not inline:
            return value
        array = tomlkit.array()
        array.extend(_item(item, inline=True) for item in value)
        return array.multiline(True)
    return value


def _plain(value):
    return value.unwrap() if hasattr(value, "unwrap") else value


def dump_toml(raw: dict) -> str:
    """The config as TOML text: top-level values, then sections, then ``[[material]]`` tables.

    Example:
        >>> print(dump_toml({"title": "Test", "filters": {"min_length": 4}, "material": [{"survey": "a.csv"}]}))
        title = "Test"
        <BLANKLINE>
        [filters]
        min_length = 4
        <BLANKLINE>
        [[material]]
        survey = "a.csv"
        <BLANKLINE>
    """
    lines = []
    for key, value in raw.items():
        if not isinstance(value, dict) and key != "material":
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in raw.items():
        if isinstance(value, dict):
            lines += ["", f"[{_toml_key(key)}]"]
            lines += [f"{_toml_key(inner)} = {_toml_value(item)}" for inner, item in value.items()]
    for material in raw.get("material", []):
        lines += ["", "[[material]]"]
        lines += [f"{_toml_key(key)} = {_toml_value(item)}" for key, item in material.items()]
    return "\n".join(lines) + "\n"
