import pandas as pd
import pytest

from textanalyse.errors import UserError
from textanalyse.io import read_material, read_survey, read_table
from textanalyse.io.tables import sniff_separator

HEADER = "id;kjønn;fungerer_bra\r\n"


def write_cp1252(path, text):
    path.write_bytes(text.encode("cp1252"))
    return path


def test_cp1252_semicolon_csv_as_norwegian_excel_writes_it(tmp_path):
    path = write_cp1252(tmp_path / "svar.csv", HEADER + '1;Kvinne;God oppfølging på rusteamet\r\n2;Mann;"Bra; og kort ventetid"\r\n')
    table = read_table(path)
    assert table.columns.tolist() == ["id", "kjønn", "fungerer_bra"]
    assert table["fungerer_bra"].tolist() == ["God oppfølging på rusteamet", "Bra; og kort ventetid"]


def test_utf8_with_bom_and_comma(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_bytes("\ufeffid,svar\n1,Økonomien er vanskelig\n".encode("utf-8"))
    table = read_table(path)
    assert table.columns.tolist() == ["id", "svar"]
    assert table.loc[0, "svar"] == "Økonomien er vanskelig"


def test_tab_separated_and_explicit_sep(tmp_path):
    path = tmp_path / "svar.tsv"
    path.write_text("id\tsvar\n1\tFin kontakt\n", encoding="utf-8")
    assert read_table(path)["svar"].tolist() == ["Fin kontakt"]
    other = tmp_path / "svar.csv"
    other.write_text("id|svar\n1|Fin kontakt\n", encoding="utf-8")
    assert read_table(other, sep="|")["svar"].tolist() == ["Fin kontakt"]


def test_sniff_separator_ignores_quoted_delimiters():
    assert sniff_separator('"a,b";"c"\n') == ";"
    assert sniff_separator("a,b,c\n") == ","
    assert sniff_separator("enkelt\n") == ","


def test_wrong_explicit_encoding_suggests_cp1252(tmp_path):
    path = write_cp1252(tmp_path / "svar.csv", HEADER + "1;Kvinne;Søknad om bolig\r\n")
    with pytest.raises(UserError, match=r"svar\.csv: cannot be read as utf-8 .*try --encoding cp1252"):
        read_table(path, encoding="utf-8")


def test_nul_bytes_are_rejected_clearly(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_bytes(b"id,svar\n1,a\x00b\n")
    with pytest.raises(UserError, match="NUL bytes"):
        read_table(path)


def test_empty_and_header_only_files(tmp_path):
    empty = tmp_path / "tom.csv"
    empty.write_bytes(b"")
    with pytest.raises(UserError, match=r"tom\.csv: the file is empty"):
        read_table(empty)
    header = tmp_path / "hode.csv"
    header.write_text("id;svar\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"hode\.csv: has a header but no rows"):
        read_table(header)


def test_unknown_file_type(tmp_path):
    path = tmp_path / "svar.pdf"
    path.write_bytes(b"%PDF")
    with pytest.raises(UserError, match=r"unknown file type '\.pdf'"):
        read_material([path], text_columns=["svar"])


def test_missing_column_lists_columns_and_suggests_closest(tmp_path):
    path = write_cp1252(tmp_path / "svar.csv", HEADER + "1;Kvinne;Bra\r\n")
    with pytest.raises(UserError) as error:
        read_survey(path, text_columns=["fungerer_bar"], id_column="id")
    assert str(error.value) == (f"{path}: --text-col column 'fungerer_bar' not found; did you mean 'fungerer_bra'? "
                                "Columns are: id, kjønn, fungerer_bra")


def test_xlsx_with_sheet_choice(tmp_path):
    path = tmp_path / "svar.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"x": [1]}).to_excel(writer, sheet_name="Info", index=False)
        pd.DataFrame({"id": [1, 2], "svar": ["Gode samtaler", None]}).to_excel(writer, sheet_name="Svar", index=False)
    table = read_table(path, sheet="Svar")
    assert table.to_dict("list") == {"id": ["1", "2"], "svar": ["Gode samtaler", ""]}
    with pytest.raises(UserError, match=r"has no sheet 'Ark9'; sheets are: Info, Svar"):
        read_table(path, sheet="Ark9")


def test_corrupt_xlsx(tmp_path):
    path = tmp_path / "svar.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(UserError, match=r"svar\.xlsx: not a valid \.xlsx file"):
        read_table(path)


def test_spss_value_labels_become_readable_metadata(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "svar.sav"
    frame = pd.DataFrame({"id": [1.0, 2.0], "kjonn": [1.0, 2.0], "svar": ["Lang ventetid", "Fin kontakt"]})
    pyreadstat.write_sav(frame, str(path), variable_value_labels={"kjonn": {1.0: "Mann", 2.0: "Kvinne"}})
    corpus = read_survey(path, text_columns=["svar"], id_column="id")
    assert corpus.documents[["doc_id", "kjonn", "text"]].values.tolist() == [
        ["1:svar", "Mann", "Lang ventetid"], ["2:svar", "Kvinne", "Fin kontakt"]]


def test_corrupt_sav(tmp_path):
    path = tmp_path / "svar.sav"
    path.write_bytes(b"$FL2 broken")
    with pytest.raises(UserError, match=r"svar\.sav: not a readable SPSS \.sav file"):
        read_table(path)
