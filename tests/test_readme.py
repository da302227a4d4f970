"""The README's Python example runs as written on the bundled example material."""

import contextlib
import io
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)


def test_the_notebook_example_runs_and_gives_documented_tables(monkeypatch):
    blocks = readme_python_blocks()
    assert len(blocks) == 1
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(compile(blocks[0], "README.md", "exec"), namespace)
    assert printed.getvalue().splitlines()[0] == "['fungerer_bra', 'fungerer_darlig', 'forslag']"
    words = namespace["words"]
    assert words.columns.tolist() == ["question", "word", "length", "count", "weighted_percentage", "documents",
                                      "similar_words"]
    assert "kommune" not in words["word"].tolist()
    assert namespace["lines"].columns.tolist()[-1] == "aldersgruppe"
    assert set(namespace["young"].keyness.attrs["target"].split(", ")) == {"18-23"}
    assert set(namespace["quotes"]["theme_or_word"]) <= {"oppfølging", "Bolig"}
    assert os.getcwd() == str(ROOT)
