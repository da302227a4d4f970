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
