"""What the app tells the researcher: core errors and reading warnings in Norwegian, comments kept, typed paths."""

from __future__ import annotations

import re
import shutil
import time

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient  # noqa: E402

from textanalyse.app import create_app  # noqa: E402
from textanalyse.app.folder import ProjectFolder  # noqa: E402
from textanalyse.app.pages_new import example_folder  # noqa: E402
from textanalyse.app.workspace import user_message  # noqa: E402
from textanalyse.errors import UserError  # noqa: E402

PORT = 8997
ORIGIN = f"http://127.0.0.1:{PORT}"
TOKEN = "melding-token-0123456789"
CONFIG = ('# Prosjektet vårt: kommentarene her skal stå igjen.\ntitle = "Meldinger"\n\n[annotation]\n'
          'pipeline = "fast"  # rask nok for testen\n\n[topics]\nenabled = false\n\n[[material]]\nname = "svar"\n'
          'survey = "data/svar.csv"\ntext_columns = ["svar"]\nid_column = "id"\n')


def _client(folder):
    client = TestClient(create_app(folder, token=TOKEN, port=PORT, cache_dir=None), base_url=ORIGIN,
                        follow_redirects=False)
    client.get(f"/?token={TOKEN}")
    return client


def _wait(client, url):
    deadline = time.monotonic() + 300
    while True:
        page = client.get(url)
        if "Siden oppdateres" not in page.text:
            return page
        job = client.get(f"/jobb?neste={url}")
        if job.status_code == 200 and "feil" in job.text.lower() and "Siden oppdateres" not in job.text:
            return job
        assert time.monotonic() < deadline
        time.sleep(0.3)


def test_core_errors_become_one_norwegian_sentence():
    assert user_message(UserError("/srv/data/svar.csv: the file is empty; export the survey again")) == (
        "Fila «svar.csv» er tom; eksporter undersøkelsen på nytt.")
    assert user_message(UserError("quotes: --group-by column 'kjonn' not found; metadata columns are: alder")) == (
        "Kolonnen «kjonn» finnes ikke; velg en annen kolonne.")
    assert user_message(UserError("Velg en kolonne fra listen.")) == "Velg en kolonne fra listen."


def test_a_missing_data_file_is_named_in_norwegian_on_the_page(tmp_path):
    folder = tmp_path / "prosjekt"
    folder.mkdir()
    (folder / "analyse.toml").write_text(CONFIG, encoding="utf-8")
    with _client(folder) as client:
        client.get("/ord")
        deadline = time.monotonic() + 120
        while True:
            job = client.get("/jobb?neste=/ord")
            if "finnes ikke" in job.text or time.monotonic() > deadline:
                break
            time.sleep(0.3)
    assert "Fila «svar.csv» finnes ikke; sjekk at den ligger der analyse.toml sier." in job.text
    assert "not found" not in job.text and "Traceback" not in job.text


def test_reading_warnings_are_shown_and_comments_stay_in_analyse_toml(tmp_path):
    folder = tmp_path / "prosjekt"
    (folder / "data").mkdir(parents=True)
    # UTF-8 with one cp1252 line: read line by line, with a warning naming the lines
    (folder / "data" / "svar.csv").write_bytes(
        "id;svar\n1;Jeg får god oppfølging hver uke av kontaktpersonen min\n".encode("utf-8")
        + "2;Ventetiden på bolig var altfor lang for meg\n".encode("cp1252"))
    (folder / "analyse.toml").write_text(CONFIG, encoding="utf-8")
    with _client(folder) as client:
        page = _wait(client, "/ord")
        assert 'id="innlesingsmerknader"' in page.text
        assert ("Fila «svar.csv» har blandet tegnkoding: 1 linje(r) er cp1252, resten UTF-8; "
                "hver linje er lest med sin egen koding.") in page.text
        csrf = re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', page.text).group(1)
        changed = client.post("/ord/innstillinger", headers={"origin": ORIGIN, "hx-request": "true"},
                              data={"csrf": csrf, "enhet": "exact", "minstelengde": "5"})
        assert changed.status_code == 200
    text = (folder / "analyse.toml").read_text(encoding="utf-8")
    assert text.startswith("# Prosjektet vårt: kommentarene her skal stå igjen.\n")
    assert 'pipeline = "fast"  # rask nok for testen' in text
    assert 'unit = "exact"' in text and "min_length = 5" in text


def test_write_raw_changes_only_what_changed(tmp_path):
    folder = ProjectFolder(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "svar.csv").write_text("id;svar\n1;God hjelp\n", encoding="utf-8")
    (tmp_path / "analyse.toml").write_text(CONFIG, encoding="utf-8")
    raw = folder.read_raw()
    raw["material"][0]["group_by"] = ["kommune"]
    raw.setdefault("themes", {})["decisions"] = "kodevalg.csv"
    folder.write_raw(raw)
    assert (tmp_path / "analyse.toml").read_text(encoding="utf-8") == CONFIG.replace(
        'id_column = "id"\n', 'id_column = "id"\ngroup_by = ["kommune"]\n') + '\n[themes]\ndecisions = "kodevalg.csv"\n'


@pytest.mark.skipif(example_folder() is None, reason="the bundled example is not in this installation")
def test_a_typed_transcript_folder_inside_the_project_is_previewed(tmp_path):
    folder = tmp_path / "prosjekt"
    target = folder / "data" / "runde_1" / "2024" / "intervjuer"     # deeper than the list shows
    shutil.copytree(example_folder() / "intervjuer", target)
    outside = tmp_path / "andre"
    shutil.copytree(example_folder() / "intervjuer", outside)
    with _client(folder) as client:
        page = client.get("/ny")
        assert 'id="sti"' in page.text and "runde_1/2024/intervjuer" not in page.text
        preview = client.get("/ny/forhandsvis", params={"sti": "data/runde_1/2024/intervjuer"})
        assert preview.status_code == 200 and "ung_01.docx" in preview.text and "informanter.csv" in preview.text
        absolute = client.get("/ny/forhandsvis", params={"sti": str(target)})
        assert "ung_01.docx" in absolute.text
        refused = client.get("/ny/forhandsvis", params={"sti": str(outside)}, headers={"hx-request": "true"})
        assert "Stien ligger utenfor prosjektmappen" in refused.text and "ung_01.docx" not in refused.text
        sneaky = client.get("/ny/forhandsvis", params={"sti": "data/../../andre"}, headers={"hx-request": "true"})
        assert "Stien ligger utenfor prosjektmappen" in sneaky.text
