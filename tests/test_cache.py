"""The annotation cache: data only (no pickle), private modes, damaged files rebuilt, cache info/clear."""

from __future__ import annotations

import json
import os
import pickle
import stat

import pytest
from click.testing import CliRunner

import textanalyse.nlp as nlp
from textanalyse.cli import main
from textanalyse.errors import UserError
from textanalyse.nlp import annotate, cache
from tests.conftest import survey_corpus


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def the_entry(cache_dir):
    entries = list((cache_dir / "annotations").glob("*.tokens"))
    assert len(entries) == 1
    return entries[0]


def read_entry(path) -> tuple[dict, bytes]:
    """(header, body) of a cache entry, read by hand."""
    data = path.read_bytes()
    assert data.startswith(cache.MAGIC)
    start = len(cache.MAGIC) + 8
    size = int.from_bytes(data[len(cache.MAGIC):start], "little")
    return json.loads(data[start:start + size]), data[start + size:]


def write_entry(path, header: dict, body: bytes) -> None:
    raw = json.dumps(header).encode()
    path.write_bytes(cache.MAGIC + len(raw).to_bytes(8, "little") + raw + body)


def no_annotation(monkeypatch):
    monkeypatch.setattr(nlp, "_annotate_fast", lambda *a, **k: pytest.fail("annotated again despite cache"))


class Planted:
    """An object whose unpickling would leave a marker file: proof that nothing is executed."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_entry_is_a_json_header_and_raw_columns_without_pickle(tmp_path):
    annotate(survey_corpus({"q": ["Lang ventetid."]}), pipeline="fast", cache_dir=tmp_path)
    header, body = read_entry(the_entry(tmp_path))
    assert header["format"] == cache.TOKEN_TABLE_FORMAT and header["rows"] == 3
    specs = {spec["name"]: spec for spec in header["columns"]}
    form = specs["form"]["text"]
    assert body[form["offset"]:form["offset"] + form["length"]].decode() == "Lang\x00ventetid\x00."
    position = specs["position"]["array"]
    assert (position["dtype"], position["count"]) == ("<i4", 3)
    assert b"\x80\x04" not in body[:2] and b"pickle" not in body  # no pickle protocol header anywhere


def test_files_are_0600_and_folders_0700(tmp_path):
    root = tmp_path / "cache"
    annotate(survey_corpus({"q": ["Lang ventetid."]}), pipeline="fast", cache_dir=root)
    assert mode(root) == 0o700
    assert mode(root / "annotations") == 0o700
    assert mode(the_entry(root)) == 0o600


def test_existing_loose_cache_folders_are_tightened(tmp_path):
    root = tmp_path / "cache"
    (root / "annotations").mkdir(parents=True)
    os.chmod(root, 0o755)
    os.chmod(root / "annotations", 0o777)
    annotate(survey_corpus({"q": ["Lang ventetid."]}), pipeline="fast", cache_dir=root)
    assert (mode(root), mode(root / "annotations")) == (0o700, 0o700)


def test_cache_folder_of_another_user_is_refused_before_annotation(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    root.mkdir()
    monkeypatch.setattr(os, "getuid", lambda: os.stat(root).st_uid + 1)
    no_annotation(monkeypatch)
    with pytest.raises(UserError, match="cache folder belongs to another user; choose your own with --cache-dir"):
        annotate(survey_corpus({"q": ["Lang ventetid."]}), pipeline="fast", cache_dir=root)


def test_linked_annotations_folder_is_refused(tmp_path):
    root = tmp_path / "cache"
    root.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (root / "annotations").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UserError, match="annotations: the annotation cache folder is a link or not a folder"):
        annotate(survey_corpus({"q": ["Lang ventetid."]}), pipeline="fast", cache_dir=root)


def test_planted_pickle_is_never_executed_and_is_rebuilt(tmp_path):
    corpus = survey_corpus({"q": ["Lang ventetid."]})
    annotate(corpus, pipeline="fast", cache_dir=tmp_path)
    entry = the_entry(tmp_path)
    marker = tmp_path / "executed"
    entry.write_bytes(pickle.dumps(Planted(marker)))  # what a pickle-based cache would have run
    assert annotate(corpus, pipeline="fast", cache_dir=tmp_path)["form"].tolist() == ["Lang", "ventetid", "."]
    assert not marker.exists()
    assert read_entry(entry)[0]["rows"] == 3  # replaced by a good entry


def test_old_pickle_files_are_never_read(tmp_path, monkeypatch):
    corpus = survey_corpus({"q": ["Lang ventetid."]})
    annotate(corpus, pipeline="fast", cache_dir=tmp_path)
    entry = the_entry(tmp_path)
    marker = tmp_path / "executed"
    entry.with_suffix(".pkl").write_bytes(pickle.dumps(Planted(marker)))
    entry.unlink()
    assert annotate(corpus, pipeline="fast", cache_dir=tmp_path)["form"].tolist() == ["Lang", "ventetid", "."]
    assert not marker.exists()


@pytest.mark.parametrize("damage", ["other key", "codes out of range", "short column", "unknown dtype",
                                    "values text cut", "truncated", "not an entry"])
def test_inconsistent_entries_are_rebuilt(tmp_path, damage):
    corpus = survey_corpus({"q": ["Lang ventetid."]})
    annotate(corpus, pipeline="fast", cache_dir=tmp_path)
    entry = the_entry(tmp_path)
    header, body = read_entry(entry)
    specs = {spec["name"]: spec for spec in header["columns"]}
    if damage == "other key":
        header["key"] = "0" * 64
    elif damage == "codes out of range":
        codes = specs["form"]["codes"]
        body = body[:codes["offset"]] + (9).to_bytes(4, "little") + body[codes["offset"] + 4:]
    elif damage == "short column":
        specs["start"]["array"]["count"] = 1
    elif damage == "unknown dtype":
        specs["start"]["array"]["dtype"] = "|O"
    elif damage == "values text cut":
        specs["lemma"]["text"]["count"] += 1
    write_entry(entry, header, body)
    if damage == "truncated":
        entry.write_bytes(entry.read_bytes()[:-5])
    elif damage == "not an entry":
        entry.write_bytes(b"PK\x03\x04 something else")
    calls = []
    real = nlp._annotate_fast
    nlp._annotate_fast = lambda *a, **k: calls.append(1) or real(*a, **k)
    try:
        assert annotate(corpus, pipeline="fast", cache_dir=tmp_path)["form"].tolist() == ["Lang", "ventetid", "."]
    finally:
        nlp._annotate_fast = real
    assert calls == [1]


def test_values_with_a_nul_are_kept_in_the_header(tmp_path):
    corpus = survey_corpus({"q": ["Lang\x00ventetid."]})
    first = annotate(corpus, pipeline="fast", cache_dir=tmp_path)
    header, _ = read_entry(the_entry(tmp_path))
    assert "values" in {spec["name"]: spec for spec in header["columns"]}["form"]
    assert cache.load_cached(tmp_path, the_entry(tmp_path).stem)["form"].tolist() == first["form"].tolist()


def test_entry_of_another_user_is_a_miss(tmp_path, monkeypatch):
    corpus = survey_corpus({"q": ["Lang ventetid."]})
    annotate(corpus, pipeline="fast", cache_dir=tmp_path)
    key = the_entry(tmp_path).stem
    assert cache.load_cached(tmp_path, key) is not None
    monkeypatch.setattr(os, "getuid", lambda: os.stat(tmp_path).st_uid + 1)
    assert cache.load_cached(tmp_path, key) is None


def test_cache_info_and_clear_on_the_command_line(tmp_path):
    root = tmp_path / "cache"
    annotate(survey_corpus({"q": ["Lang ventetid."]}), pipeline="fast", cache_dir=root)
    annotate(survey_corpus({"q": ["Kort ventetid hos fastlegen."]}), pipeline="fast", cache_dir=root)
    (root / "annotations" / "gammel.pkl").write_bytes(b"old")
    (root / "annotations" / "notat.txt").write_text("not the cache's")
    size = sum(path.stat().st_size for path in (root / "annotations").glob("*.*") if path.suffix != ".txt")

    result = CliRunner().invoke(main, ["cache", "info", "--cache-dir", str(root)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"folder: {root}", "entries: 2", f"size: {size / 1024:.1f} KiB",
        "old-format files: 1 (never read; 'textanalyse cache clear' removes them)"]
    assert "ventetid" not in result.output.lower()

    result = CliRunner().invoke(main, ["cache", "clear", "--cache-dir", str(root)])
    assert result.exit_code == 0, result.output
    assert result.output == f"removed 5 cache files from {root}\n"  # 2 annotations, 2 language files, 1 old
    assert sorted(path.name for path in (root / "annotations").iterdir()) == ["notat.txt"]
    result = CliRunner().invoke(main, ["cache", "info", "--cache-dir", str(root)])
    assert result.output.splitlines()[1:] == ["entries: 0", "size: 0 B"]


def test_cache_info_defaults_to_the_user_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    result = CliRunner().invoke(main, ["cache", "info"])
    assert result.output.splitlines()[0] == f"folder: {tmp_path / 'textanalyse'}"
    assert not (tmp_path / "textanalyse").exists()  # info creates nothing


def test_unwritable_cache_entry_is_skipped_not_fatal(tmp_path):
    corpus = survey_corpus({"q": ["Lang ventetid."]})
    key = cache.cache_key(nlp.resolve_pipeline("fast").identity, ["Lang ventetid."], ["nb"])
    cache.cache_file(tmp_path, key).mkdir(parents=True)  # a folder in the way of the entry
    assert annotate(corpus, pipeline="fast", cache_dir=tmp_path)["form"].tolist() == ["Lang", "ventetid", "."]
    assert cache.cache_file(tmp_path, key).is_dir()


def test_language_decisions_are_remembered_with_the_annotation(tmp_path, monkeypatch):
    corpus = survey_corpus({"q": ["Eg fekk ikkje hjelp.", "Jeg fikk ikke hjelp."]})
    first = annotate(corpus, pipeline="fast", cache_dir=tmp_path)
    assert first.groupby("doc_id", observed=True)["lang"].first().tolist() == ["nn", "nb"]
    assert len(list((tmp_path / "annotations").glob("*.languages"))) == 1
    monkeypatch.setattr(nlp, "decide_languages", lambda *a, **k: pytest.fail("detected again despite cache"))
    no_annotation(monkeypatch)
    again = annotate(corpus, pipeline="fast", cache_dir=tmp_path)
    assert again.astype(str).equals(first.astype(str))
    renamed = survey_corpus({"annen": ["Eg fekk ikkje hjelp.", "Jeg fikk ikke hjelp."]})
    assert annotate(renamed, pipeline="fast", cache_dir=tmp_path)["doc_id"].astype(str).unique().tolist() == [
        "R1:annen", "R2:annen"]


def test_language_decisions_follow_the_setting_and_the_detector(tmp_path, monkeypatch):
    corpus = survey_corpus({"q": ["Eg fekk ikkje hjelp."]})
    documents = corpus.documents
    assert cache.language_key(documents, "auto") != cache.language_key(documents, "nb")
    assert annotate(corpus, pipeline="fast", cache_dir=tmp_path, language="nb")["lang"].unique().tolist() == ["nb"]
    assert annotate(corpus, pipeline="fast", cache_dir=tmp_path)["lang"].unique().tolist() == ["nn"]
    before = cache.language_key(documents, "auto")
    monkeypatch.setattr(cache, "language_identity", lambda: "another-detector")
    assert cache.language_key(documents, "auto") != before
