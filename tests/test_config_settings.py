"""Settings the report reads are real, validated config settings (issue 12, defect 5)."""

import pytest

from textanalyse.config import load_config
from textanalyse.errors import UserError

MATERIAL = '[[material]]\nsurvey = "svar.csv"\ntext_columns = ["bra"]\n'


def config(tmp_path, text):
    path = tmp_path / "analyse.toml"
    path.write_text(text + MATERIAL, encoding="utf-8")
    return path


def test_compare_alpha_is_a_setting_with_a_default(tmp_path):
    assert load_config(config(tmp_path, ""))["compare"]["alpha"] == 0.05
    assert load_config(config(tmp_path, "[compare]\nalpha = 0.01\n"))["compare"]["alpha"] == 0.01


@pytest.mark.parametrize("value, message", [
    ("1.5", "compare.alpha must be a number between 0 and 1 (e.g. 0.05), got 1.5"),
    ('"fem"', "compare.alpha must be a number, got 'fem'"),
])
def test_compare_alpha_out_of_range_is_refused(tmp_path, value, message):
    with pytest.raises(UserError, match=message.replace("(", "\\(").replace(")", "\\)")):
        load_config(config(tmp_path, f"[compare]\nalpha = {value}\n"))
