"""Transcript masking when a mask crosses a line break (issue 12, defect 2)."""

import pandas as pd

import textanalyse.anonymize.files as files
from textanalyse.anonymize.files import anonymize_files

TRANSCRIPT = "I: Hvem hjalp deg?\nIP: Jeg snakket med Kari\nIP: Hansen kom, og Solvang-senteret ringte Kari.\n"


def fake_pipeline(texts, *, pipeline="auto", language="auto"):
    """A pipeline that finds a name across the line break and an organisation the rules miss."""
    spans = []
    for text in texts:
        name = text.index("Kari\nHansen")
        place = text.index("Solvang-senteret")
        spans.append([(name, name + len("Kari\nHansen"), "PER"), (place, place + len("Solvang-senteret"), "ORG")])
    return spans


def test_line_by_line_fallback_keeps_entities_numbering_and_true_counts(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "pipeline_entities", fake_pipeline)
    source = tmp_path / "inn" / "intervju.txt"
    source.parent.mkdir()
    source.write_text(TRANSCRIPT, encoding="utf-8")
    summary = anonymize_files([str(source.parent)], out=str(tmp_path / "ut"), numbered=True,
                              report=str(tmp_path / "rapport.csv"))
    assert (tmp_path / "ut" / "intervju.txt").read_text(encoding="utf-8").split("\n") == [
        "I: Hvem hjalp deg?",
        "IP: Jeg snakket med [NAVN-1]",
        "IP: [NAVN-2] kom, og [ORG-1] ringte [NAVN-1].",
        "",
    ]
    report = pd.read_csv(tmp_path / "rapport.csv")
    assert report.to_dict("records") == [{"file": "intervju.txt", "type": "NAVN", "count": 3},
                                         {"file": "intervju.txt", "type": "ORG", "count": 1}]
    assert summary.startswith("masked 4 items in 1 transcripts")
