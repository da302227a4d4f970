"""A project made and changed in the app is reproduced byte for byte by ``textanalyse run``."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient  # noqa: E402

from textanalyse.app import create_app  # noqa: E402
from textanalyse.app.pages_new import example_folder  # noqa: E402

PORT = 8998
ORIGIN = f"http://127.0.0.1:{PORT}"
TOKEN = "projekt-token-0123456789"
HTMX = {"origin": ORIGIN, "hx-request": "true"}

pytestmark = pytest.mark.skipif(example_folder() is None, reason="the bundled example survey is not in this installation")


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    folder = tmp_path_factory.mktemp("app") / "prosjekt"
    folder.mkdir()
    cache = tmp_path_factory.mktemp("cache")
    app = create_app(folder, token=TOKEN, port=PORT, cache_dir=str(cache))
    with TestClient(app, base_url=ORIGIN, follow_redirects=False) as client:
        client.get(f"/?token={TOKEN}")
        csrf = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', client.get("/ny").text).group(1)
        preview = client.get("/ny/forhandsvis?rot=eksempel&fil=brukerundersokelse.csv")
        assert "cp1252" in preview.text and "semikolon" in preview.text
        suggested = re.findall(r'name="tekst" value="([^"]+)"[^>]*checked', preview.text)
        assert suggested == ["fungerer_bra", "fungerer_darlig", "forslag"]
        assert re.findall(r'name="id" value="([^"]+)"[^>]*checked', preview.text) == ["respondent_id"]
        created = client.post("/ny/opprett", headers={"origin": ORIGIN}, data={
            "csrf": csrf, "rot": "eksempel", "fil": "brukerundersokelse.csv", "tekst": suggested,
            "id": "respondent_id", "gruppe": ["aldersgruppe"], "tittel": "Eksempel"})
        assert created.status_code == 303
        assert "Siden oppdateres" in client.get("/ord").text      # annotation runs in the background
        deadline = time.monotonic() + 600
        while client.get("/jobb?neste=/ord").status_code != 204:
            assert time.monotonic() < deadline
            time.sleep(0.5)
        yield client, csrf, folder, cache


def ready(client, url: str):
    """GET ``url``; while the app shows its progress page, wait for the job and ask again."""
    deadline = time.monotonic() + 900
    while True:
        page = client.get(url)
        if "Siden oppdateres" not in page.text:
            return page
        while client.get("/jobb?neste=/").status_code != 204:
            assert time.monotonic() < deadline
            time.sleep(0.5)


def passages(page: str) -> list[dict]:
    """The coded passages listed for judging: each list item carries its passage's fields (``hx-vals``)."""
    import html
    import json

    return [json.loads(html.unescape(v)) for v in re.findall(r"""<li class="tekstbit" hx-vals='([^']*)'""", page)]


def words_in_table(html: str) -> list[str]:
    return re.findall(r'data-ord="([^"]+)"', html)


def test_created_project_folder(session):
    _, _, folder, _ = session
    assert (folder / "data" / "brukerundersokelse.csv").read_bytes() == (
        example_folder() / "brukerundersokelse.csv").read_bytes()
    text = (folder / "analyse.toml").read_text(encoding="utf-8")
    assert 'survey = "data/brukerundersokelse.csv"' in text
    assert 'stoplists = ["egne_ord.txt"]' in text
    for name in ("egne_ord.txt", "varianter.csv", "kodebok.yaml"):
        assert (folder / name).exists()


def test_exclude_word_leaves_the_table_and_is_written_with_its_reason(session):
    client, csrf, folder, _ = session
    before = words_in_table(client.get("/ord?sporsmal=fungerer_darlig").text)
    assert "ventetid" in before
    after = client.post("/ord/utelat?sporsmal=fungerer_darlig", headers=HTMX,
                        data={"csrf": csrf, "ord": "ventetid", "kategori": "lite_informativ",
                              "begrunnelse": "står i spørsmålet"})
    assert after.status_code == 200
    assert "ventetid" not in words_in_table(after.text)
    assert "ventetid  # lite_informativ: står i spørsmålet" in (folder / "egne_ord.txt").read_text(encoding="utf-8")
    workspace = client.app.app.state.workspace
    excluded = workspace.frequencies()
    again = client.post("/ord/ta-med?sporsmal=fungerer_darlig", headers=HTMX, data={"csrf": csrf, "ord": "ventetid"})
    assert "ventetid" in words_in_table(again.text)
    assert words_in_table(again.text) == words_in_table(client.get("/ord?sporsmal=fungerer_darlig").text)
    # back to the word lists of before: the results of that state come back (not filtered again) ...
    restored = workspace.frequencies()
    assert "ventetid" in set(restored["word"]) and "ventetid" not in set(excluded["word"])
    again2 = client.post("/ord/utelat?sporsmal=fungerer_darlig", headers=HTMX,
                         data={"csrf": csrf, "ord": "ventetid", "kategori": "lite_informativ",
                               "begrunnelse": "står i spørsmålet"})
    assert workspace.frequencies() is excluded            # ... both ways
    client.post("/ord/ta-med?sporsmal=fungerer_darlig", headers=HTMX, data={"csrf": csrf, "ord": "ventetid"})
    assert workspace.frequencies() is restored
    assert "ventetid" not in words_in_table(again2.text)
    client.post("/ord/utelat?sporsmal=fungerer_darlig", headers=HTMX,
                data={"csrf": csrf, "ord": "ventetid", "kategori": "eget", "begrunnelse": "test"})


def test_kwic_and_merge(session):
    client, csrf, folder, _ = session
    kwic = client.get("/ord/kwic?sporsmal=fungerer_darlig&ord=hjelp")
    assert kwic.status_code == 200 and "hjelp" in kwic.text.lower() and "«hjelp» i sammenheng" in kwic.text
    merged = client.post("/ord/slaa-sammen?sporsmal=fungerer_darlig", headers=HTMX,
                         data={"csrf": csrf, "ord": "kommune", "til": "hjelp"})
    assert merged.status_code == 200
    assert "kommune" not in words_in_table(merged.text)
    assert (folder / "varianter.csv").read_text(encoding="utf-8") == "variant,word\nkommune,hjelp\n"
    client.post("/ord/skill-ad?sporsmal=fungerer_darlig", headers=HTMX, data={"csrf": csrf, "ord": "kommune"})


def test_coding_decision_and_codebook_validation(session):
    client, csrf, folder, _ = session
    page = ready(client, "/temaer?sporsmal=fungerer_darlig&tema=Ventetid og tilgjengelighet")
    assert page.status_code == 200
    judgements = passages(page.text)
    assert judgements, "no coded passage to judge"
    assert re.findall(r"""hx-vals='\{"vurdering": "(\w+)"\}'""", page.text)[:2] == ["riktig", "feil"]
    fields = judgements[0]
    judged = client.post("/temaer/vurder?sporsmal=fungerer_darlig&tema=Ventetid og tilgjengelighet", headers=HTMX,
                         data={"csrf": csrf, **fields, "vurdering": "feil"})
    assert judged.status_code == 200
    decisions = (folder / "kodevalg.csv").read_text(encoding="utf-8").splitlines()
    assert decisions[0] == "doc_id,segment,question,theme,pattern,start,end,decision"
    assert decisions[1].endswith(",feil") and "Ventetid og tilgjengelighet" in decisions[1]
    bad = client.post("/temaer/lagre", headers=HTMX, data={"csrf": csrf, "gammelt_navn": "", "navn": "Nytt",
                                                            "monstre": "bo**lig"})
    assert "not allowed" in bad.text or "ikke" in bad.text
    assert "Nytt" not in (folder / "kodebok.yaml").read_text(encoding="utf-8")


def test_a_mark_answers_with_the_judged_passage_and_the_changed_shares(session):
    client, csrf, _, _ = session
    url = "/temaer?sporsmal=fungerer_bra&tema=Oppfølging"
    page = ready(client, url)
    theme_row = re.compile(r"<td>Oppfølging</td><td class=\"tall\">(\d+) av (\d+)</td>")
    coded, total = map(int, theme_row.search(page.text).groups())
    fields = passages(page.text)[1]
    judged = client.post(url.replace("/temaer?", "/temaer/vurder?"), headers=HTMX,
                         data={"csrf": csrf, **fields, "vurdering": "feil"})
    assert passages(judged.text) == [{**fields, "naa": "feil"}]          # only the judged passage, now marked
    assert 'id="tekstbit-2"' in judged.text and judged.text.count('aria-pressed="true"') == 1
    assert '<section aria-labelledby="andeler" id="tema-andeler" hx-swap-oob="true">' in judged.text
    assert theme_row.search(judged.text).groups() == (str(coded - 1), str(total))   # the share without it
    undone = client.post(url.replace("/temaer?", "/temaer/vurder?"), headers=HTMX,
                         data={"csrf": csrf, **fields, "naa": "feil", "vurdering": "feil"})
    assert theme_row.search(undone.text).groups() == (str(coded), str(total))


def test_quotes_after_a_coding_decision_come_without_a_progress_page(session, monkeypatch):
    from textanalyse.app import pages_words

    client, csrf, _, _ = session
    ready(client, "/sitater")
    page = ready(client, "/temaer?sporsmal=forslag")
    fields = {**passages(page.text)[0], "vurdering": "feil"}
    assert client.post("/temaer/vurder?sporsmal=forslag", headers=HTMX, data={"csrf": csrf, **fields}).status_code == 200
    monkeypatch.setattr(pages_words, "SHORT_STEP", 120.0)   # the step is short; a busy test machine must not matter
    quotes = client.get("/sitater")
    assert "Siden oppdateres" not in quotes.text and 'class="sitattekst"' in quotes.text
    undone = client.post("/temaer/vurder?sporsmal=forslag", headers=HTMX, data={"csrf": csrf, **fields, "naa": "feil"})
    assert undone.status_code == 200                         # the same button again clears the mark


def test_a_mark_chooses_the_changed_quotes_in_the_background(session):
    from textanalyse.app.pages_views import quotes_key

    client, csrf, _, _ = session
    ready(client, "/sitater")                                  # the researcher has looked at the quotes
    workspace = client.app.app.state.workspace
    page = ready(client, "/temaer?sporsmal=fungerer_darlig")
    fields = {**passages(page.text)[2], "vurdering": "feil"}
    assert client.post("/temaer/vurder?sporsmal=fungerer_darlig", headers=HTMX,
                       data={"csrf": csrf, **fields}).status_code == 200
    key = quotes_key(workspace, workspace.config()["material"][0]["name"])
    deadline = time.monotonic() + 60
    while not workspace.has(key):                              # no visit to Sitater in between
        assert time.monotonic() < deadline
        time.sleep(0.05)
    client.post("/temaer/vurder?sporsmal=fungerer_darlig", headers=HTMX, data={"csrf": csrf, **fields, "naa": "feil"})


def test_the_drawing_process_stops_with_the_app(tmp_path):
    import multiprocessing

    others = set(multiprocessing.active_children())
    app = create_app(tmp_path, token=TOKEN, port=PORT, cache_dir=str(tmp_path / "cache"))
    with TestClient(app, base_url=ORIGIN):
        drawer = app.app.state.charts
        drawer.request("a.png", lambda path: path.write_bytes(b"png"), priority=0)
        assert drawer.wait("a.png", timeout=60).read_bytes() == b"png"
        assert drawer._processes() is not None and set(multiprocessing.active_children()) - others
    assert set(multiprocessing.active_children()) - others == set()


def test_theme_charts_are_drawn_once_and_the_other_questions_ahead(session):
    client, _, folder, _ = session
    page = ready(client, "/temaer?sporsmal=fungerer_darlig")
    shown = re.search(r'src="(/figur/[0-9a-f]{24}\.png)"', page.text).group(1)
    image = client.get(shown)
    assert image.status_code == 200 and image.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.headers["cache-control"] == "no-store"      # it shows the answers' themes
    drawer = client.app.app.state.charts
    deadline = time.monotonic() + 60
    while not all(drawing.done.is_set() for drawing in list(drawer._drawings.values())):
        assert time.monotonic() < deadline
        time.sleep(0.1)
    on_disk = {path.name for path in (folder / ".textanalyse" / "figurer").iterdir()}
    for question in ("fungerer_bra", "forslag"):   # drawn while the first page was read, before they were asked for
        other = re.search(r'src="/figur/([0-9a-f]{24}\.png)"', client.get(f"/temaer?sporsmal={question}").text)
        assert other.group(1) in on_disk
    again = client.get("/temaer?sporsmal=fungerer_darlig")
    assert re.search(r'src="(/figur/[0-9a-f]{24}\.png)"', again.text).group(1) == shown
    assert client.get("/figur/0123456789abcdef01234567.png").status_code == 400


def test_other_pages_answer(session):
    client, csrf, folder, _ = session
    compare = ready(client, "/sammenlign?kolonne=aldersgruppe&a=18-23&b=67%2B")
    assert compare.status_code == 200 and 'id="nokkelord"' in compare.text
    added = client.post("/sammenlign/legg-til?kolonne=aldersgruppe&a=18-23&b=67%2B", headers=HTMX,
                        data={"csrf": csrf, "navn": "Unge mot eldre"})
    assert "med i rapporten" in added.text
    assert '{column = "aldersgruppe", target = "18-23", reference = "67+", name = "Unge mot eldre"}' in (
        folder / "analyse.toml").read_text(encoding="utf-8")
    topics = ready(client, "/emner")
    assert topics.status_code == 200 and "Emne 1:" in topics.text
    quotes = ready(client, "/sitater")
    assert quotes.status_code == 200 and 'class="sitattekst"' in quotes.text
    import html

    element, doc_id, question = (html.unescape(v) for v in re.search(
        r'name="element" value="([^"]*)"><input type="hidden" name="doc_id" value="([^"]*)">'
        r'<input type="hidden" name="question" value="([^"]*)">', quotes.text).groups())
    decided = client.post("/sitater/vurder", headers=HTMX, data={
        "csrf": csrf, "element": element, "doc_id": doc_id, "question": question, "vurdering": "godtatt",
        "tekst": "Et redigert   sitat om [NAVN]."})
    assert decided.status_code == 200 and "Et redigert sitat om [NAVN]." in decided.text
    assert 'decisions = "sitatvalg.csv"' in (folder / "analyse.toml").read_text(encoding="utf-8")
    assert ready(client, "/hjelp").status_code == 200


def test_run_reproduces_the_exported_tables(session, tmp_path):
    from textanalyse.run import run_analysis

    client, csrf, folder, cache = session
    started = client.post("/eksport/start", headers=HTMX, data={"csrf": csrf})
    assert started.status_code == 204
    deadline = time.monotonic() + 900
    while client.get("/jobb?neste=/eksport").status_code != 204:
        assert time.monotonic() < deadline
        time.sleep(1)
    exported = folder / "resultater"
    assert (exported / "rapport.html").exists()
    again = run_analysis(folder / "analyse.toml", out_dir=tmp_path / "igjen", cache_dir=str(cache))
    tables = sorted(p.name for p in (exported / "tabeller").glob("*.csv"))
    assert tables and tables == sorted(p.name for p in (Path(again.out_dir) / "tabeller").glob("*.csv"))
    for name in tables:
        assert (exported / "tabeller" / name).read_bytes() == (tmp_path / "igjen" / "tabeller" / name).read_bytes(), name
    frequencies = (exported / "tabeller" / "eksempel_ordfrekvenser.csv").read_text(encoding="utf-8")
    assert ",ventetid," not in frequencies
    _decisions_reach_the_tables(folder, exported, cache)


def _decisions_reach_the_tables(folder, exported, cache):
    """The passage marked wrong and the quote accepted in the app are what the run's tables hold, exactly."""
    import pandas as pd

    from textanalyse.project import Project

    text = (folder / "analyse.toml").read_text(encoding="utf-8")
    assert 'decisions = "kodevalg.csv"' in text and 'decisions = "sitatvalg.csv"' in text
    mark = pd.read_csv(folder / "kodevalg.csv", dtype=str).iloc[0]
    assert mark["decision"] == "feil"
    raw = Project.from_config(folder / "analyse.toml", cache_dir=str(cache)).coding(decisions=False).coded
    key = ["doc_id", "segment", "theme", "start", "end"]
    raw_keys = raw[key].astype(str).apply(tuple, axis=1)
    marked = tuple(mark[key])
    assert marked in set(raw_keys)
    coded = pd.read_csv(exported / "tabeller" / "eksempel_tema_koding.csv", dtype=str)
    assert len(coded) == len(raw) - 1 and marked not in set(coded[key].apply(tuple, axis=1))
    kept = raw[raw_keys != marked]
    same = kept[(kept["question"] == mark["question"]) & (kept["theme"] == mark["theme"])]
    shares = pd.read_csv(exported / "tabeller" / "eksempel_tema.csv")
    row = shares[(shares["question"] == mark["question"]) & (shares["theme"] == mark["theme"])].iloc[0]
    assert (row["documents_coded"], row["passages"]) == (same["doc_id"].nunique(),
                                                        len(same.drop_duplicates(["doc_id", "segment"])))
    accepted = pd.read_csv(folder / "sitatvalg.csv", dtype=str).iloc[0]
    quotes = pd.read_csv(exported / "tabeller" / "eksempel_sitater.csv", dtype=str)
    item = quotes[quotes["theme_or_word"] == accepted["theme_or_word"]]
    assert item[["rank", "doc_id", "quote"]].values.tolist() == [["1", accepted["doc_id"], "Et redigert sitat om [NAVN]."]]
    assert item["citation"].iloc[0].startswith("«Et redigert sitat om [NAVN].» (")


def test_transcript_folder_becomes_a_project(tmp_path):
    folder = tmp_path / "intervjuprosjekt"
    folder.mkdir()
    with TestClient(create_app(folder, token=TOKEN, port=PORT), base_url=ORIGIN, follow_redirects=False) as client:
        client.get(f"/?token={TOKEN}")
        page = client.get("/ny")
        assert 'data-fil="intervjuer"' in page.text
        csrf = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', page.text).group(1)
        preview = client.get("/ny/forhandsvis?rot=eksempel&fil=intervjuer")
        assert "informanter.csv" in preview.text and "ung_01.docx" in preview.text
        created = client.post("/ny/opprett", headers={"origin": ORIGIN}, data={
            "csrf": csrf, "rot": "eksempel", "fil": "intervjuer", "gruppe": ["gruppe"], "tittel": "Intervjuer"})
        assert created.status_code == 303
    text = (folder / "analyse.toml").read_text(encoding="utf-8")
    assert 'transcripts = ["data/intervjuer"]' in text
    assert 'meta = "data/intervjuer/informanter.csv"' in text and 'group_by = ["gruppe"]' in text
    assert sorted(p.name for p in (folder / "data" / "intervjuer").iterdir()) == sorted(
        p.name for p in (example_folder() / "intervjuer").iterdir())
