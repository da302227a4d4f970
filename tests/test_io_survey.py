import pytest

from textanalyse.errors import UserError
from textanalyse.io import read_survey
from textanalyse.io.nonanswers import classify_answer


@pytest.mark.parametrize("answer", ["", "   ", "-", ".", "...", "nei", "Nei.", "ingen", "Vet ikke", "vet ikke!",
                                    "Ingen kommentar", "ingen kommentarer", "Har ingen formening", "veit ikkje"])
def test_non_answers(answer):
    assert classify_answer(answer) in ("empty", "non-answer")


@pytest.mark.parametrize("answer", ["ingenting", "Ingenting fungerer", "Ingenting.", "nei, ventetiden er for lang",
                                    "Bra", "ikke noe"])
def test_real_answers_stay(answer):
    assert classify_answer(answer) is None


def test_survey_documents_metadata_and_nonanswer_counts(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text(
        "respondent_id;kjonn;bra;darlig\n"
        "R1;Kvinne;God oppfølging;Lang ventetid\n"
        "R2;Mann;Vet ikke;Ingenting fungerer\n"
        "R3;Kvinne;;-\n", encoding="utf-8")
    corpus = read_survey(path, text_columns=["bra", "darlig"], id_column="respondent_id",
                         extra_nonanswers=["ikke noe å si"])
    assert corpus.documents[["doc_id", "respondent", "question", "kjonn", "text"]].values.tolist() == [
        ["R1:bra", "R1", "bra", "Kvinne", "God oppfølging"],
        ["R1:darlig", "R1", "darlig", "Kvinne", "Lang ventetid"],
        ["R2:darlig", "R2", "darlig", "Mann", "Ingenting fungerer"],
    ]
    assert corpus.metadata_columns == ("kjonn",)
    assert corpus.nonanswers[["respondent", "question", "reason"]].values.tolist() == [
        ["R2", "bra", "non-answer"], ["R3", "bra", "empty"], ["R3", "darlig", "non-answer"]]
    assert corpus.segments["segment"].tolist() == [0, 0, 0]


def test_rows_are_numbered_without_id_column(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text("svar\nA\nB\n", encoding="utf-8")
    assert read_survey(path, text_columns=["svar"]).documents["doc_id"].tolist() == ["1:svar", "2:svar"]


def test_duplicate_ids_are_refused(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text("id;svar\n7;A\n7;B\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"id column 'id' has duplicate values \(rows 2 and 3\)"):
        read_survey(path, text_columns=["svar"], id_column="id")


def test_numeric_text_column_is_read_as_text(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text("id;svar\n1;12\n2;3,5\n", encoding="utf-8")
    assert read_survey(path, text_columns=["svar"], id_column="id").documents["text"].tolist() == ["12", "3,5"]


def test_no_text_column_given(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text("id;svar\n1;a\n", encoding="utf-8")
    with pytest.raises(UserError, match="no text column given; name the free-text columns with --text-col"):
        read_survey(path, text_columns=[])


def test_metadata_columns_named_like_corpus_columns_are_renamed(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text("id;source;svar\n1;vg;Bra\n2;db;Dårlig\n", encoding="utf-8")
    corpus = read_survey(path, text_columns=["svar"], id_column="id")
    assert corpus.metadata_columns == ("source_meta",)
    assert corpus.documents[["source", "source_meta"]].values.tolist() == [["svar.csv", "vg"], ["svar.csv", "db"]]


def test_a_stray_nul_in_a_large_file_is_read_as_a_space(tmp_path):
    path = tmp_path / "svar.csv"
    rows = "".join(f"{i};God hjelp nummer {i}\n" for i in range(2000))
    path.write_text("id;svar\n" + rows.replace("nummer 7\n", "nummer\x007\n", 1), encoding="utf-8")
    corpus = read_survey(path, text_columns=["svar"], id_column="id")
    assert corpus.documents.loc[7, "text"] == "God hjelp nummer 7"
