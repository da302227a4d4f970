"""The researcher's decisions (``[themes] decisions``, ``[quotes] decisions``) in run, workbook and REFI-QDA."""

import hashlib
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from textanalyse.decisions import apply_quote_decisions, read_coding_decisions
from textanalyse.errors import UserError
from textanalyse.project import Project
from textanalyse.run import run_analysis

SURVEY = ("id;gruppe;bra\n"
          "1;unge;Jeg fikk endelig egen bolig etter lang tid, og det betyr mye for meg.\n"
          "2;unge;Boligen er fin men jobben min er borte, og det er vanskelig for meg nå.\n"
          "3;eldre;Veilederen hjalp meg med jobb og bolig, og det har gjort hverdagen bedre.\n"
          "4;eldre;Maten på senteret er god og personalet er hyggelig, det setter jeg pris på.\n")
CODEBOOK = ("name: Test\nversion: '1'\nthemes:\n"
            "  Bolig:\n    description: bolig\n    patterns: [bolig*]\n"
            "  Arbeid:\n    description: jobb\n    patterns: [jobb*]\n")
CONFIG = ('title = "Test"\n[annotation]\npipeline = "fast"\n[topics]\nenabled = false\n'
          '[themes]\ncodebook = "kodebok.yaml"\ndecisions = "kodevalg.csv"\n'
          '[quotes]\nwords = ["bolig"]\nthemes = []\nmin_words = 3\nper_item = 3\ndecisions = "sitatvalg.csv"\n'
          '[output]\nqdpx = true\n'
          '[[material]]\nname = "Svar"\nsurvey = "svar.csv"\ntext_columns = ["bra"]\nid_column = "id"\n'
          'group_by = ["gruppe"]\n')
CODING_HEADER = "doc_id,segment,question,theme,pattern,start,end,decision\n"
QUOTE_HEADER = "theme_or_word,doc_id,question,decision,quote\n"


def _project_folder(tmp_path: Path, coding: str, quotes: str) -> Path:
    (tmp_path / "svar.csv").write_text(SURVEY, encoding="utf-8")
    (tmp_path / "kodebok.yaml").write_text(CODEBOOK, encoding="utf-8")
    (tmp_path / "analyse.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "kodevalg.csv").write_text(CODING_HEADER + coding, encoding="utf-8")
    (tmp_path / "sitatvalg.csv").write_text(QUOTE_HEADER + quotes, encoding="utf-8")
    return tmp_path / "analyse.toml"


def _bolig_span(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def test_coding_marks_change_shares_passages_and_quotes_exactly(tmp_path):
    line1 = SURVEY.splitlines()[1].split(";", 2)[2]
    start, end = _bolig_span(line1, "bolig")
    # answer 1's Bolig passage is wrong; answer 4 marked right for Bolig although no pattern finds it
    coding = (f"1:bra,0,bra,Bolig,bolig*,{start},{end},feil\n"
              "4:bra,0,bra,Bolig,,0,4,riktig\n")
    quotes = ("bolig,2:bra,bra,godtatt,Boligen er fin men jobben min er borte.\n"
              "bolig,3:bra,bra,avvist,\n")
    config = _project_folder(tmp_path, coding, quotes)
    result = run_analysis(config, out_dir=tmp_path / "resultater")
    out = Path(result.out_dir)
    shares = pd.read_csv(out / "tabeller" / "svar_tema.csv")
    bolig = shares[shares["theme"] == "Bolig"].iloc[0]
    # coded by the codebook: answers 1, 2, 3; 1 marked wrong, 4 marked right -> 2, 3, 4
    assert (bolig["documents_coded"], bolig["documents_total"], bolig["passages"]) == (3, 4, 3)
    coded = pd.read_csv(out / "tabeller" / "svar_tema_koding.csv", dtype=str)
    assert sorted(coded.loc[coded["theme"] == "Bolig", "doc_id"]) == ["2:bra", "3:bra", "4:bra"]
    added = coded[(coded["doc_id"] == "4:bra")].iloc[0]
    assert (added["matched"], added["start"], added["end"]) == ("Mate", "0", "4")
    by_group = pd.read_csv(out / "tabeller" / "svar_tema_etter_gruppe.csv")
    unge = by_group[(by_group["theme"] == "Bolig") & (by_group["gruppe"] == "unge")].iloc[0]
    assert (unge["documents_coded"], unge["documents_total"]) == (1, 2)
    # quotes: the accepted one only, with the edited text; the rejected one never
    table = pd.read_csv(out / "tabeller" / "svar_sitater.csv", dtype=str)
    words = table[table["theme_or_word"] == "bolig"]
    assert words[["rank", "doc_id", "quote", "citation"]].values.tolist() == [
        ["1", "2:bra", "Boligen er fin men jobben min er borte.",
         "«Boligen er fin men jobben min er borte.» (respondent, unge)"]]
    # theme quotes follow the decided coding: answer 1 (marked wrong) is no Bolig quote, answer 4 is
    assert table.loc[table["theme_or_word"] == "Bolig", "doc_id"].tolist() == ["2:bra", "3:bra", "4:bra"]
    report = (out / "rapport.html").read_text(encoding="utf-8")
    assert "«Boligen er fin men jobben min er borte.» (respondent, unge)" in report
    # the manifest records both files' content
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for part, name in (("coding", "kodevalg.csv"), ("quotes", "sitatvalg.csv")):
        assert manifest["decisions"][part] == {
            "path": str((tmp_path / name).resolve()),
            "sha256": hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()}
    # REFI-QDA: the marks are codings by the researcher's own user
    with zipfile.ZipFile(out / "prosjekt.qdpx") as archive:
        qde = archive.read("project.qde").decode("utf-8")
    assert 'name="forsker (textanalyse app)"' in qde
    assert 'name="Bolig (vurdert feil)"' in qde


def test_no_decision_files_keep_the_codebook_coding(tmp_path):
    config = _project_folder(tmp_path, "", "")
    project = Project.from_config(config)
    assert sorted(project.coded_passages().query("theme == 'Bolig'")["doc_id"]) == ["1:bra", "2:bra", "3:bra"]
    assert project.quotes(words=["bolig"])["doc_id"].tolist() == project.quotes(
        words=["bolig"], decisions=False)["doc_id"].tolist()


def test_reload_decisions_recomputes_shares(tmp_path):
    config = _project_folder(tmp_path, "", "")
    project = Project.from_config(config)
    before = project.themes().set_index("theme").loc["Arbeid", "documents_coded"]
    line2 = SURVEY.splitlines()[2].split(";", 2)[2]
    start, end = _bolig_span(line2, "jobben")
    (tmp_path / "kodevalg.csv").write_text(CODING_HEADER + f"2:bra,0,bra,Arbeid,jobb*,{start},{end},feil\n",
                                           encoding="utf-8")
    assert project.themes().set_index("theme").loc["Arbeid", "documents_coded"] == before  # remembered
    project.reload_decisions(quotes=False)
    assert (before, project.themes().set_index("theme").loc["Arbeid", "documents_coded"]) == (2, 1)
    assert len(project.coding(decisions=False).coded.query("theme == 'Arbeid'")) == 2


def test_bad_decision_files_get_one_line(tmp_path):
    path = tmp_path / "kodevalg.csv"
    path.write_text(CODING_HEADER + "1:bra,0,bra,Bolig,,x,4,feil\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"row 2: start must be a whole number"):
        read_coding_decisions(path)
    path.write_text(CODING_HEADER + "1:bra,0,bra,Bolig,,0,4,kanskje\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"decision must be riktig or feil, got 'kanskje'"):
        read_coding_decisions(path)
    path.write_text("doc_id,theme\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"column 'segment' is missing"):
        read_coding_decisions(path)


def test_quote_decisions_without_acceptance_drop_only_rejected():
    quotes = pd.DataFrame({"theme_or_word": ["jobb", "jobb", "jobb"], "rank": [1, 2, 3],
                           "doc_id": ["1:bra", "2:bra", "3:bra"], "question": ["bra"] * 3,
                           "quote": ["a", "b", "c"], "citation": ["«a» (1)", "«b» (2)", "«c» (3)"]})
    marks = pd.DataFrame({"theme_or_word": ["jobb"], "doc_id": ["2:bra"], "question": ["bra"],
                          "decision": ["avvist"], "quote": [""]})
    assert apply_quote_decisions(quotes, marks)[["rank", "doc_id"]].values.tolist() == [[1, "1:bra"], [2, "3:bra"]]
