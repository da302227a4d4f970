"""The methods paragraph and the report state what the run did (issue 12, defects 3 and 4)."""

import dataclasses

import pandas as pd

from textanalyse.analysis import RunResult
from textanalyse.corpus import Corpus
from textanalyse.report.sections import _overview_section
from textanalyse.report.methods import methods_paragraph
from textanalyse.topics import TopicResult
from tests.test_methods import build_material


def transcripts(**changes):
    corpus = Corpus.from_documents([{"doc_id": "ip1", "respondent": "ip1", "question": "intervju", "source": "ip1.txt",
                                     "text": "Jeg fikk god hjelp."}], kind="transcripts", sources=("ip1.txt",))
    return build_material(kind="transcripts", corpus=corpus, **changes)


def ids(*parts):
    return "-".join(parts)


def test_interviewer_turns_are_said_to_be_counted_when_kept():
    kept = methods_paragraph(transcripts(keep_interviewer=True), settings={})
    assert "Både informantenes og intervjuerens replikker ble talt" in kept
    assert "Bare informantenes" not in kept
    assert "Bare informantenes replikker ble talt" in methods_paragraph(transcripts(), settings={})
    assert "Både informantenes og intervjuerens replikker er talt" in _overview_section(
        transcripts(keep_interviewer=True), ids)
    assert "Bare informantenes replikker er talt" in _overview_section(transcripts(), ids)


def topic_material(tried):
    topics = pd.DataFrame({"topic": [1, 2, 3], "label": ["a", "b", "c"], "size": [5, 4, 3]})
    result = TopicResult(topics=topics, assignments=pd.DataFrame(), left_out=pd.DataFrame(), stability=0.8, k=3,
                         k_scores=pd.DataFrame({"k": tried, "stability": [0.5] * len(tried)}),
                         words=pd.DataFrame(), typical=pd.DataFrame())
    return build_material(topics=topics, topic_result=result, topic_stability=0.8)


def test_k_range_in_the_methods_is_the_range_actually_tried():
    capped = methods_paragraph(topic_material([3, 4]), settings={"topics": {"k": "auto"}})
    assert "den k mellom 3 og 4 som ga de mest stabile emnene" in capped
    assert "mellom 3 og 10" not in capped
    single = methods_paragraph(topic_material([3]), settings={"topics": {"k": "auto"}})
    assert "Antall emner ble satt til k = 3, det eneste antallet materialet ga rom for" in single
