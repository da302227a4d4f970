from pathlib import Path

import pytest

from textanalyse.config import load_config
from textanalyse.errors import UserError

MINIMAL = """
[[material]]
survey = "data/svar.csv"
text_columns = ["bra"]
"""


def write(tmp_path, text, name="analyse.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_filled_and_paths_resolve_relative_to_the_config(tmp_path, monkeypatch):
    path = write(tmp_path, MINIMAL)
    monkeypatch.chdir("/")
    config = load_config(path)
    assert config["filters"]["min_length"] == 4 and config["filters"]["unit"] == "lemma"
    assert config["material"][0]["survey"] == str(tmp_path / "data" / "svar.csv")
    assert config["output"]["dir"] == str(tmp_path / "resultater")
    assert config["material"][0]["name"] == "svar"


def test_unknown_key_names_the_key_and_the_allowed_ones(tmp_path):
    path = write(tmp_path, "[filters]\nmin_lenght = 3\n" + MINIMAL)
    with pytest.raises(UserError) as error:
        load_config(path)
    assert "unknown key 'min_lenght' in [filters]. Did you mean 'min_length'? Allowed: default_lists" in str(error.value)


@pytest.mark.parametrize("snippet, message", [
    ("[filters]\nunit = \"stem\"\n", "filters.unit = 'stem' is not allowed; use one of lemma, exact"),
    ("[filters]\nmin_length = \"fire\"\n", "filters.min_length must be a whole number, got 'fire'"),
    ("[topics]\nk = 1\n", "topics.k must be \"auto\" or a whole number from 2 to 30, got 1"),
    ("[filters]\ndefault_lists = [\"engelske\"]\n", "filters.default_lists has unknown list 'engelske'"),
])
def test_bad_values(tmp_path, snippet, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_config(write(tmp_path, snippet + MINIMAL))


def test_material_must_name_its_input(tmp_path):
    with pytest.raises(UserError, match="needs exactly one of survey"):
        load_config(write(tmp_path, "[[material]]\nname = \"x\"\n"))
    with pytest.raises(UserError, match="no \\[\\[material\\]\\] given"):
        load_config(write(tmp_path, "title = \"x\"\n"))


def test_overrides_from_the_command_line(tmp_path):
    config = load_config(write(tmp_path, MINIMAL), overrides=["filters.min_length=3", "topics.k=5",
                                                               "annotation.pipeline=fast"])
    assert (config["filters"]["min_length"], config["topics"]["k"], config["annotation"]["pipeline"]) == (3, 5, "fast")
    with pytest.raises(UserError, match="must look like section.key=value"):
        load_config(write(tmp_path, MINIMAL), overrides=["min_length"])


def test_bundled_example_config_is_valid():
    path = Path(__file__).resolve().parents[1] / "corpora" / "eksempel" / "analyse.toml"
    config = load_config(path)
    assert [m["name"] for m in config["material"]] == ["Brukerundersøkelse", "Intervjuer"]


def test_report_keys_of_issue_16_have_defaults_and_are_checked(tmp_path):
    config = load_config(write(tmp_path, MINIMAL))
    assert {key: config["output"][key] for key in ("docx", "split_by", "min_respondents", "min_cell")} == {
        "docx": False, "split_by": "", "min_respondents": 10, "min_cell": 5}
    material = config["material"][0]
    assert (material["wave_column"], material["closed_items"], material["bins"]) == ("", [], {})
    text = ('[output]\ndocx = true\nsplit_by = "kommune"\nmin_respondents = 12\nmin_cell = 3\n' + MINIMAL +
            'wave_column = "år"\nclosed_items = ["tilfredshet"]\n'
            'bins = { tilfredshet = "1-2=misfornøyd,3=nøytral,4-5=fornøyd" }\n')
    config = load_config(write(tmp_path, text))
    assert config["output"]["split_by"] == "kommune" and config["output"]["min_cell"] == 3
    assert config["material"][0]["bins"] == {"tilfredshet": "1-2=misfornøyd,3=nøytral,4-5=fornøyd"}
    with pytest.raises(UserError, match="output.min_cell must be at least 1, got 0"):
        load_config(write(tmp_path, "[output]\nmin_cell = 0\n" + MINIMAL))
    with pytest.raises(UserError, match="bins for 'tilfredshet': value 3 is in both 'lav' and 'høy'"):
        load_config(write(tmp_path, MINIMAL + 'bins = { tilfredshet = "1-3=lav,3-5=høy" }\n'))
