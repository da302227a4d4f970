"""The table registry: one CSV name and sheet per table, row labels kept (issue 12, defect 1)."""

import dataclasses

import pandas as pd

from textanalyse.analysis import Comparison, RunResult
from textanalyse.report.workbook import workbook_tables
from textanalyse.tables import TABLES, material_tables, write_csv_tables
from tests.test_methods import build_material


def material_with_themes():
    matrix = pd.DataFrame({"Bolig": [3, 1], "NAV": [1, 2]}, index=["Bolig", "NAV"])
    keyness = pd.DataFrame({"word": ["bolig"], "g2": [4.2]})
    return build_material(theme_cooccurrence=matrix, comparisons=[Comparison(
        name="Kvinne mot Mann", group_column="kjonn", target="Kvinne", reference="Mann", keyness=keyness)])


def test_cooccurrence_csv_keeps_its_row_labels(tmp_path):
    material = material_with_themes()
    result = RunResult(title="t", materials=[material], config={}, manifest={})
    files = write_csv_tables(result, tmp_path)
    assert "tabeller/svar_tema_samforekomst.csv" in files
    assert (tmp_path / "svar_tema_samforekomst.csv").read_text(encoding="utf-8") == (
        "theme,Bolig,NAV\nBolig,3,1\nNAV,1,2\n")


def test_csv_and_workbook_take_their_names_from_the_registry():
    material = material_with_themes()
    entries = list(material_tables(material, prefix="svar"))
    names = {entry.csv: entry.sheet for entry in entries if entry.csv}
    assert names["svar_tema_samforekomst"] == "Samforekomst"
    assert names["svar_sammenligning_1_ord"] == "Nøkkelord Kvinne mot Mann"
    sheets = dict(workbook_tables(RunResult(title="t", materials=[material], config={}, manifest={})))
    assert sheets["Samforekomst"].columns.tolist() == ["theme", "Bolig", "NAV"]
    assert "Nøkkelord Kvinne mot Mann" in sheets


def test_every_registered_attribute_exists_on_a_material():
    from textanalyse.analysis import MaterialAnalysis

    fields = {field.name for field in dataclasses.fields(MaterialAnalysis)}
    comparison_fields = {field.name for field in dataclasses.fields(Comparison)}
    for spec in TABLES:
        head, _, tail = spec.attribute.partition(".")
        if head == "comparison":
            assert tail in comparison_fields, spec
        else:
            assert head in fields, spec
