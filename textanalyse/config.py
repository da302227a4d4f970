"""Load and validate an analysis config (TOML); paths resolve relative to the config file.

Every setting has a documented default (``DEFAULTS``); unknown keys and bad values are
rejected with the key's name and what is allowed. See ``corpora/eksempel/analyse.toml``.
"""

from __future__ import annotations

import copy
import difflib
import tomllib
from pathlib import Path

from textanalyse.errors import UserError
from textanalyse.filters import DEFAULT_LISTS as SHIPPED_LISTS
from textanalyse.options import LANGUAGES, UNITS

DEFAULT_LISTS = list(SHIPPED_LISTS)  # the shipped stop lists, in the order they are applied

# The defaults of every section; a config only needs what differs.
DEFAULTS = {
    "title": "Tekstanalyse",
    "output": {"dir": "resultater", "docx": False, "split_by": "", "min_respondents": 10, "min_cell": 5,
               "qdpx": False, "qdpx_codings": ""},
    "annotation": {"pipeline": "auto", "language": "auto"},
    "filters": {"unit": "lemma", "min_length": 4, "default_lists": DEFAULT_LISTS, "stoplists": [],
                "exclude_words": [], "keep_words": [], "variants": ""},
    "frequency": {"top": 30, "kwic_top": 10, "kwic_window": 6},
    "themes": {"codebook": "default", "human": [], "next_round": 0, "decisions": ""},
    "topics": {"enabled": True, "k": "auto", "seed": 0, "min_words": 1, "pos": []},
    "compare": {"min_count": 5, "min_documents": 2, "alpha": 0.05},
    "quotes": {"enabled": True, "per_item": 3, "words": ["oppfølging", "bolig", "jobb"], "themes": [],
               "min_words": 8, "max_words": 60, "decisions": ""},
}
MATERIAL_DEFAULTS = {
    "name": "", "survey": "", "transcripts": [], "meta": "", "text_columns": [], "id_column": "",
    "encoding": "auto", "sep": "auto", "sheet": "", "speaker_labels": [], "keep_interviewer": False,
    "nonanswers": [], "question_labels": {}, "group_by": [], "compare": [],
    "wave_column": "", "wave_min_answers": 30, "closed_items": [], "bins": {},
}
COMPARISON_KEYS = {"column": "", "target": "", "reference": "", "name": ""}
CHOICES = {
    ("annotation", "language"): LANGUAGES,
    ("filters", "unit"): UNITS,
}
# Settings that hold file paths: resolved against the config file's folder.
PATH_KEYS = {("filters", "stoplists"), ("filters", "variants"), ("themes", "codebook"), ("themes", "human"),
             ("output", "dir"), ("output", "qdpx_codings"), ("themes", "decisions"), ("quotes", "decisions")}
MATERIAL_PATH_KEYS = {"survey", "transcripts", "meta"}


def load_config(path, *, overrides=()) -> dict:
    """Read, validate and complete a config; returns the effective config (all defaults filled).

    Args:
        path: the TOML file.
        overrides: ``KEY=VALUE`` strings such as ``filters.min_length=3`` (values in TOML syntax;
            bare words are strings).

    Example:
        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "svar.csv").write_text("id;fungerer_bra\\n1;God oppfølging.\\n", encoding="utf-8")
        >>> _ = (folder / "analyse.toml").write_text(
        ...     '[[material]]\\nname = "Undersøkelse"\\nsurvey = "svar.csv"\\ntext_columns = ["fungerer_bra"]\\n')
        >>> config = load_config(folder / "analyse.toml", overrides=["filters.min_length=3"])
        >>> config["filters"]["min_length"], config["material"][0]["survey"] == str(folder / "svar.csv")
        (3, True)
    """
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: config file not found; check the path")
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give the config file (e.g. analyse.toml)")
    from textanalyse.io.tables import require_regular_file

    require_regular_file(path)  # a pipe would block forever
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as error:
        raise UserError(f"{path}: not valid TOML ({error})") from None
    except UnicodeDecodeError:
        raise UserError(f"{path}: config must be UTF-8 text") from None
    except OSError as error:
        raise UserError(f"{path}: cannot be read ({error.strerror or type(error).__name__}); check the file") from None
    for override in overrides:
        _apply_override(raw, override, path)
    config = _validate(raw, path)
    _resolve_paths(config, path.resolve().parent)
    config["config_file"] = str(path.resolve())
    return config


def _apply_override(raw: dict, override: str, path) -> None:
    if "=" not in override:
        raise UserError(f"--set '{override}' must look like section.key=value, e.g. filters.min_length=3")
    key, value = override.split("=", 1)
    if "\n" in value or "\r" in value:
        raise UserError(f"--set '{key.strip()}': the value has a line break; give it on one line")
    try:
        parsed = tomllib.loads(f"v = {value}")["v"]
    except tomllib.TOMLDecodeError:
        parsed = value
    parts = key.strip().split(".")
    target = raw
    for part in parts[:-1]:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise UserError(f"--set '{key}': '{part}' is not a section")
    target[parts[-1]] = parsed


def _unknown(key: str, allowed, where: str, path) -> UserError:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return UserError(f"{path}: unknown key '{key}' in {where}.{hint} Allowed: {', '.join(sorted(allowed))}")


def _check_type(value, default, key: str, path):
    expected = type(default)
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif isinstance(default, list):
        ok = isinstance(value, list)
    else:
        ok = isinstance(value, expected)
    if key == "topics.k":
        from textanalyse.validation import topic_k

        try:
            topic_k(value, what="topics.k")
        except UserError as error:
            raise UserError(f"{path}: {error}") from None
        return
    if not ok:
        names = {bool: "true or false", int: "a whole number", float: "a number", list: "a list", str: "text",
                 dict: "a table"}
        raise UserError(f"{path}: {key} must be {names.get(expected, expected.__name__)}, got {value!r}")
    if isinstance(default, list) and key != "material.compare":
        wrong = [item for item in value if not isinstance(item, str)]
        if wrong:
            raise UserError(f"{path}: {key} must be a list of text in quotes, got {wrong[0]!r} in it")


def _validate(raw: dict, path) -> dict:
    config = copy.deepcopy(DEFAULTS)
    allowed_top = set(DEFAULTS) | {"material"}
    for key, value in raw.items():
        if key not in allowed_top:
            raise _unknown(key, allowed_top, "the config", path)
        if key == "material":
            continue
        if key == "title":
            _check_type(value, "", "title", path)
            config["title"] = value
            continue
        if not isinstance(value, dict):
            raise UserError(f"{path}: [{key}] must be a section (table)")
        for inner, setting in value.items():
            if inner not in DEFAULTS[key]:
                raise _unknown(inner, DEFAULTS[key], f"[{key}]", path)
            _check_type(setting, DEFAULTS[key][inner], f"{key}.{inner}", path)
            choices = CHOICES.get((key, inner))
            if choices and setting not in choices:
                raise UserError(f"{path}: {key}.{inner} = {setting!r} is not allowed; use one of {', '.join(choices)}")
            config[key][inner] = setting
    for name in config["filters"]["default_lists"]:
        if name not in DEFAULT_LISTS:
            raise UserError(f"{path}: filters.default_lists has unknown list '{name}'; lists are {', '.join(DEFAULT_LISTS)}")
    if config["filters"]["min_length"] < 1:
        raise UserError(f"{path}: filters.min_length must be at least 1")
    for key in ("top", "kwic_window"):
        if config["frequency"][key] < 1:
            raise UserError(f"{path}: frequency.{key} must be at least 1")
    minimums = {("frequency", "kwic_top"): 0, ("compare", "min_count"): 0, ("compare", "min_documents"): 0,
                ("topics", "min_words"): 1, ("quotes", "per_item"): 1, ("quotes", "min_words"): 1,
                ("output", "min_respondents"): 1, ("output", "min_cell"): 1, ("themes", "next_round"): 0}
    for (section, key), least in minimums.items():
        if config[section][key] < least:
            raise UserError(f"{path}: {section}.{key} must be at least {least}, got {config[section][key]}")
    if config["themes"]["next_round"] and not config["themes"]["human"]:
        raise UserError(f"{path}: themes.next_round needs the sheets coded so far in themes.human")
    if not 0 < config["compare"]["alpha"] < 1:
        raise UserError(f"{path}: compare.alpha must be a number between 0 and 1 (e.g. 0.05), "
                        f"got {config['compare']['alpha']!r}")
    if config["quotes"]["max_words"] < config["quotes"]["min_words"]:
        raise UserError(f"{path}: quotes.max_words must be at least quotes.min_words")
    materials = raw.get("material")
    if not materials:
        raise UserError(f"{path}: no [[material]] given; add one with survey = \"file.csv\" or transcripts = [\"folder\"]")
    if not isinstance(materials, list):
        raise UserError(f"{path}: material must be written [[material]] (a list of tables)")
    config["material"] = [_validate_material(material, number, path) for number, material in enumerate(materials, 1)]
    names = [material["name"] for material in config["material"]]
    if len(set(names)) != len(names):
        raise UserError(f"{path}: two materials are named '{[n for n in names if names.count(n) > 1][0]}'; names must differ")
    return config


def _validate_material(raw: dict, number: int, path) -> dict:
    where = f"[[material]] number {number}"
    if not isinstance(raw, dict):
        raise UserError(f"{path}: {where} must be a table")
    material = copy.deepcopy(MATERIAL_DEFAULTS)
    for key, value in raw.items():
        if key not in MATERIAL_DEFAULTS:
            raise _unknown(key, MATERIAL_DEFAULTS, where, path)
        if key == "transcripts" and isinstance(value, str):
            value = [value]
        _check_type(value, MATERIAL_DEFAULTS[key], f"material.{key}", path)
        material[key] = value
    if bool(material["survey"]) == bool(material["transcripts"]):
        raise UserError(f"{path}: {where} needs exactly one of survey = \"file\" or transcripts = [\"folder\"]")
    if material["survey"] and not material["text_columns"]:
        raise UserError(f"{path}: {where} has a survey but no text_columns; name the free-text columns")
    if material["wave_min_answers"] < 1:
        raise UserError(f"{path}: {where}: wave_min_answers must be a whole number of at least 1, "
                        f"got {material['wave_min_answers']!r}")
    if not material["name"]:
        material["name"] = Path(material["survey"] or material["transcripts"][0]).stem or f"material {number}"
    comparisons = []
    for comparison in material["compare"]:
        if not isinstance(comparison, dict):
            raise UserError(f"{path}: {where}: compare entries must be tables like {{column = \"gruppe\"}}")
        for key in comparison:
            if key not in COMPARISON_KEYS:
                raise _unknown(key, COMPARISON_KEYS, f"{where} compare", path)
        if not comparison.get("column"):
            raise UserError(f"{path}: {where}: each compare entry needs column = \"...\" (a metadata column or \"question\")")
        if comparison["column"] in ("text", "doc_id"):  # grouping by the answers themselves: never meaningful
            raise UserError(f"{path}: {where}: compare column must be a metadata column or \"question\", "
                            f"not '{comparison['column']}'")
        comparisons.append({**COMPARISON_KEYS, **{k: str(v) for k, v in comparison.items()}})
    material["compare"] = comparisons
    for column, spec in material["bins"].items():
        if not isinstance(spec, str):
            raise UserError(f"{path}: {where}: bins for '{column}' must be text like \"1-2=misfornøyd,4-5=fornøyd\"")
        from textanalyse.closed import parse_bins

        try:
            parse_bins(spec, option=f"bins for '{column}'")
        except UserError as error:
            raise UserError(f"{path}: {where}: {error}") from None
    questions = material["text_columns"] if material["survey"] else ["intervju"]
    for question in material["question_labels"]:
        if question not in questions:
            raise UserError(f"{path}: {where}: question_labels names '{question}', which is not a question of this "
                            f"material; use one of: {', '.join(questions) or '(none)'}")
    return material


def _resolve_paths(config: dict, base: Path) -> None:
    def resolve(value: str) -> str:
        return str((base / value).resolve()) if value else value

    for section, key in PATH_KEYS:
        value = config[section][key]
        if (section, key) == ("themes", "codebook") and value == "default":
            continue  # the shipped codebook, not a file next to the config
        config[section][key] = [resolve(p) for p in value] if isinstance(value, list) else resolve(value)
    for material in config["material"]:
        for key in MATERIAL_PATH_KEYS:
            value = material[key]
            material[key] = [resolve(p) for p in value] if isinstance(value, list) else resolve(value)
