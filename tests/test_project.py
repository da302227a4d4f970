"""The Project: read and annotate once, compute each result on demand, recompute only what filters change."""

from __future__ import annotations

import pytest

import textanalyse.nlp as nlp
from textanalyse.errors import UserError
from textanalyse.project import Project

SURVEY = (
    "id;gruppe;bra;darlig\n"
    "R1;unge;Jeg fikk god oppfølging av ruskonsulenten.;Ventetiden var altfor lang.\n"
    "R2;eldre;Oppfølgingen fra kommunen var god.;Lang ventetid på bolig.\n"
    "R3;unge;God hjelp med bolig og jobb.;Ingen fulgte meg opp etter behandling.\n"
    "R4;eldre;Hjelpen med bolig var god.;-\n"
)


@pytest.fixture
def survey(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text(SURVEY, encoding="utf-8")
    return path


@pytest.fixture
def counted(monkeypatch):
    """Count calls of annotate() made through the Project."""
    calls = []
    real = nlp.annotate

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(nlp, "annotate", counting)
    return calls


def make(survey, **options):
    return Project.from_survey(survey, text_columns=["bra", "darlig"], id_column="id", pipeline="fast", **options)


def test_results_are_computed_once_and_remembered(survey, counted):
    project = make(survey)
    first = project.frequencies(top=None)
    assert project.frequencies(top=None) is first
    project.kwic("bolig")
    project.themes()
    assert len(counted) == 1


def test_a_filter_change_recomputes_frequencies_but_never_annotates_again(survey, counted):
    project = make(survey, group_by=["gruppe"])
    before = project.frequencies(top=None)
    coded = project.coded_passages()
    assert "bolig" in before["word"].tolist()
    project.set_filters(exclude_words=("bolig",))
    after = project.frequencies(top=None)
    assert "bolig" not in after["word"].tolist()
    assert project.coded_passages() is coded          # themes do not depend on the filters
    assert len(counted) == 1


def test_with_filters_shares_the_annotation(survey, counted):
    project = make(survey)
    exact = project.with_filters(unit="exact", min_length=3)
    assert "god" in exact.frequencies(top=None)["word"].tolist()
    assert "god" not in project.frequencies(top=None)["word"].tolist()   # min_length 4 stays here
    assert exact.tokens is project.tokens
    assert len(counted) == 1


def test_a_misspelt_group_column_is_refused_before_annotation(survey, counted):
    project = make(survey, group_by=["alder"])
    with pytest.raises(UserError, match="^material 'svar': group_by column 'alder' not found; "
                                        "metadata columns are: gruppe$"):
        project.frequencies()
    assert counted == []


def test_an_unknown_target_group_is_refused_before_annotation(survey, counted):
    project = make(survey)
    with pytest.raises(UserError, match="keyness: target value 'ingen' not found in column 'gruppe'"):
        project.keyness("gruppe", target="ingen")
    assert counted == []


def test_kwic_and_coded_passages_carry_only_the_named_metadata(survey):
    project = make(survey, group_by=["gruppe"])
    assert project.kwic("bolig").columns.tolist()[-1] == "gruppe"
    assert "gruppe" not in project.kwic("bolig", columns=()).columns
    coded = project.coded_passages()
    assert coded.columns.tolist() == ["doc_id", "segment", "question", "theme", "matched", "pattern", "start",
                                      "end", "gruppe"]
    assert coded.loc[coded["doc_id"] == "R2:bra", "gruppe"].unique().tolist() == ["eldre"]


def test_comparison_carries_keyness_theme_differences_and_alpha(survey):
    comparison = make(survey, config={"compare": {"min_count": 1, "min_documents": 1, "alpha": 0.1}}).comparison(
        "gruppe", target="unge", reference="eldre")
    assert comparison.name == "unge mot eldre" and comparison.alpha == 0.1
    assert comparison.keyness.attrs["target"] == "unge"
    assert "Bolig" in comparison.themes["theme"].tolist()


def test_quotes_need_something_to_quote(survey):
    with pytest.raises(UserError, match="name what to quote"):
        make(survey).quotes(words=(), themes=())


def test_word_classes_on_the_fast_pipeline_are_refused_before_annotation(survey, counted):
    with pytest.raises(UserError, match="word classes \\(pos\\) need a pipeline that tags them, and the fast "
                                        "pipeline tags none"):
        make(survey).topics(pos=("NOUN",))
    assert counted == []


def test_from_config_names_the_material_when_there_are_several(tmp_path, survey):
    config = tmp_path / "analyse.toml"
    config.write_text('[annotation]\npipeline = "fast"\n'
                      '[[material]]\nname = "a"\nsurvey = "svar.csv"\ntext_columns = ["bra"]\n'
                      '[[material]]\nname = "b"\nsurvey = "svar.csv"\ntext_columns = ["darlig"]\n', encoding="utf-8")
    with pytest.raises(UserError, match="has 2 materials; name one with material= \\(a, b\\)"):
        Project.from_config(config)
    assert Project.from_config(config, material="b").corpus.questions == ["darlig"]


def test_word_classes_on_large_material_with_auto_are_refused_before_annotation(survey, counted, monkeypatch):
    """Issue 12, defect 7: ``auto`` picks the fast pipeline above the limit; say so before annotating."""
    import textanalyse.nlp.pipelines as pipelines

    monkeypatch.setattr(pipelines, "AUTO_TRAINED_WORD_LIMIT", 10)
    project = Project.from_survey(survey, text_columns=["bra", "darlig"], id_column="id", pipeline="auto")
    with pytest.raises(UserError, match="'auto' chose the fast pipeline, which tags none, because the material "
                                        "has 36 words \\(over 10\\)"):
        project.topics(pos=("NOUN",))
    assert counted == []


def test_a_run_with_word_classes_on_large_material_falls_back_with_a_note(survey, monkeypatch):
    import textanalyse.nlp.pipelines as pipelines

    monkeypatch.setattr(pipelines, "AUTO_TRAINED_WORD_LIMIT", 10)
    project = Project.from_survey(survey, text_columns=["bra", "darlig"], id_column="id", pipeline="auto",
                                  config={"topics": {"pos": ["NOUN"]}, "quotes": {"enabled": False}})
    analysis = project.analysis()
    assert analysis.pipeline == "fast"
    assert analysis.notes[0] == ("Emnene bruker alle ordklasser, ikke bare NOUN: den raske pipelinen ble brukt "
                                 "(36 ord), og den merker ikke ordklasser. Velg annotation.pipeline = \"accurate\" "
                                 "for å begrense emnene til ordklasser.")
    assert len(analysis.frequencies)
