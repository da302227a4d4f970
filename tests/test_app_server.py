"""The app's server: token, cookie, cross-site POSTs, path traversal, uploads, host warning, clean stop."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient  # noqa: E402

from textanalyse.app import create_app  # noqa: E402
from textanalyse.app.folder import ProjectFolder, dump_toml  # noqa: E402
from textanalyse.app.security import safe_path  # noqa: E402
from textanalyse.errors import UserError  # noqa: E402

PORT = 8999
ORIGIN = f"http://127.0.0.1:{PORT}"
TOKEN = "test-token-0123456789"


@pytest.fixture()
def project(tmp_path):
    folder = tmp_path / "prosjekt"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "svar.csv").write_text("id;svar\n1;Jeg får god oppfølging hver uke av kontaktpersonen\n",
                                              encoding="utf-8")
    (tmp_path / "hemmelig.csv").write_text("id;svar\n1;hemmelig svar utenfor prosjektet\n", encoding="utf-8")
    return folder


@pytest.fixture()
def client(project):
    app = create_app(project, token=TOKEN, port=PORT, upload_limit=1000)
    with TestClient(app, base_url=ORIGIN, follow_redirects=False) as test_client:
        yield test_client


def logged_in(client):
    response = client.get(f"/?token={TOKEN}")
    assert response.status_code == 303
    return client


def csrf_of(client) -> str:
    page = client.get("/ny")
    return re.search(r'"X-CSRF-Token": "([0-9a-f]+)"', page.text).group(1)


def test_no_token_is_refused(client):
    response = client.get("/ord")
    assert response.status_code == 401
    assert client.get("/static/htmx.min.js").status_code == 401


def test_wrong_token_and_wrong_cookie_are_refused(client):
    assert client.get("/?token=gjett").status_code == 403
    client.cookies.set(f"textanalyse_{PORT}", "gjett")
    assert client.get("/ny").status_code == 403


def test_token_sets_cookie_and_leaves_the_url(client):
    response = client.get(f"/ny?token={TOKEN}")
    assert response.status_code == 303
    assert response.headers["location"] == "/ny"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = client.get("/ny")
    assert page.status_code == 200
    assert "Nytt prosjekt" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


def test_foreign_host_header_is_refused(client):
    logged_in(client)
    assert client.get("/ny", headers={"host": "angriper.example:8999"}).status_code == 403


def test_cross_site_post_is_refused(client, project):
    logged_in(client)
    csrf = csrf_of(client)
    body = {"csrf": csrf, "rot": "prosjekt", "fil": "data/svar.csv", "tekst": "svar"}
    evil = client.post("/ny/opprett", data=body, headers={"origin": "http://angriper.example"})
    assert evil.status_code == 403
    no_origin = client.post("/ny/opprett", data=body)
    assert no_origin.status_code == 403
    no_csrf = client.post("/ny/opprett", data={**body, "csrf": "feil"}, headers={"origin": ORIGIN})
    assert no_csrf.status_code == 403
    assert not (project / "analyse.toml").exists()
    good = client.post("/ny/opprett", data=body, headers={"origin": ORIGIN})
    assert good.status_code == 303 and good.headers["location"] == "/ord"
    assert (project / "analyse.toml").exists()


@pytest.mark.parametrize("url", [
    "/eksport/fil?sti=../hemmelig.csv",
    "/eksport/fil?sti=/etc/passwd",
    "/eksport/fil?sti=data/../../hemmelig.csv",
    "/eksport/fil?sti=%2e%2e/hemmelig.csv",
    "/ny/forhandsvis?rot=prosjekt&fil=../hemmelig.csv",
    "/ny/forhandsvis?rot=prosjekt&fil=/etc/passwd",
    "/ny/forhandsvis?rot=eksempel&fil=../../pyproject.toml",
    "/ny/forhandsvis?rot=/&fil=etc/passwd",
    "/static/../security.py",
])
def test_path_traversal_is_refused(client, url):
    logged_in(client)
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert "hemmelig svar" not in response.text and "root:" not in response.text
    assert "Traceback" not in response.text


def test_symlink_out_of_the_project_is_refused(client, project):
    logged_in(client)
    (project / "lenke.csv").symlink_to(project.parent / "hemmelig.csv")
    response = client.get("/ny/forhandsvis?rot=prosjekt&fil=lenke.csv")
    assert response.status_code == 400
    assert "hemmelig svar" not in response.text


def test_safe_path():
    with pytest.raises(UserError):
        safe_path("/tmp", "..")
    with pytest.raises(UserError):
        safe_path("/tmp", "C:\\Windows")
    assert safe_path("/tmp", "a/b.csv") == Path("/tmp/a/b.csv").resolve()


def test_upload_is_size_limited_and_stays_in_the_project(client, project):
    logged_in(client)
    csrf = csrf_of(client)
    headers = {"origin": ORIGIN, "x-csrf-token": csrf, "x-filename": "..%2F..%2Fut.csv"}
    ok = client.post("/ny/last-opp", content=b"id;svar\n1;kort\n", headers=headers)
    assert ok.status_code == 200, ok.text
    assert ok.json() == {"rot": "prosjekt", "fil": "data/.._.._ut.csv"} or ok.json()["fil"].startswith("data/")
    assert not (project.parent / "ut.csv").exists()
    stored = project / ok.json()["fil"]
    assert stored.read_bytes() == b"id;svar\n1;kort\n"
    big = client.post("/ny/last-opp", content=b"x" * 5000, headers={**headers, "x-filename": "stor.csv"})
    assert big.status_code == 413
    assert not (project / "data" / "stor.csv").exists()
    assert not [p for p in (project / "data").iterdir() if p.name.startswith(".")]
    no_csrf = client.post("/ny/last-opp", content=b"id\n1\n", headers={"origin": ORIGIN, "x-filename": "a.csv"})
    assert no_csrf.status_code == 403
    wrong_type = client.post("/ny/last-opp", content=b"#!/bin/sh\n", headers={**headers, "x-filename": "a.sh"})
    assert wrong_type.status_code == 400


def test_errors_are_one_norwegian_sentence(client):
    logged_in(client)
    response = client.get("/ny/forhandsvis?rot=prosjekt&fil=finnes_ikke.csv")
    assert response.status_code == 400
    assert "Velg en datafil" in response.text
    assert "Traceback" not in response.text


def test_config_written_by_the_app_is_valid_toml(project):
    from textanalyse.config import load_config

    folder = ProjectFolder(project)
    raw = {"title": "Prøve «sitat»", "filters": {"min_length": 4, "stoplists": ["egne_ord.txt"]},
           "material": [{"name": "a", "survey": "data/svar.csv", "text_columns": ["svar"],
                         "question_labels": {"svar": "Hva \"synes\" du?"}}]}
    (project / "egne_ord.txt").write_text("", encoding="utf-8")
    folder.write_raw(raw)
    config = load_config(project / "analyse.toml")
    assert config["title"] == "Prøve «sitat»"
    assert config["material"][0]["question_labels"] == {"svar": "Hva \"synes\" du?"}
    assert dump_toml(raw).startswith('title = "Prøve «sitat»"\n')


def start_server(folder, *extra):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "textanalyse", "app", str(folder), "--port", "0",
                                "--no-browser", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env)
    url = process.stdout.readline().strip()
    return process, url


def stop(process) -> tuple[str, str]:
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    return out, err


def test_real_server_prints_url_first_and_stops_cleanly_on_ctrl_c(project):
    import httpx

    process, url = start_server(project)
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{40,}", url), url
        base = url.split("/?")[0]
        deadline = time.monotonic() + 20
        while True:
            try:
                refused = httpx.get(base + "/ord?sporsmal=oppfølging")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert refused.status_code == 401
        with httpx.Client(follow_redirects=True) as browser:
            page = browser.get(url.replace("/?", "/ny?") + "&ord=hemmeligord")
            assert page.status_code == 200
    finally:
        out, err = stop(process)
    assert process.returncode == 0
    assert "warning" not in err
    assert "hemmeligord" not in out + err and "oppfølging" not in out + err   # no query strings in logs
    assert "stopped" in err


def test_host_other_than_loopback_warns(project):
    process, url = start_server(project, "--host", "0.0.0.0")
    try:
        assert url.startswith("http://127.0.0.1:")
        time.sleep(0.5)
    finally:
        out, err = stop(process)
    assert "warning: listening on 0.0.0.0" in err


def test_static_files_with_their_version_may_be_cached_pages_may_not(client):
    logged_in(client)
    page = client.get("/ny")
    assert page.headers["cache-control"] == "no-store"
    version = re.search(r'href="/static/app\.css\?v=([0-9a-f]{12})"', page.text).group(1)
    assert re.findall(r'src="/static/([a-z.]+)\?v=' + version, page.text) == ["htmx.min.js", "app.js"]
    cached = client.get(f"/static/app.css?v={version}")
    assert cached.status_code == 200 and cached.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert client.get("/static/app.css").headers["cache-control"] == "no-store"
    assert client.get("/static/app.css?v=000000000000").headers["cache-control"] == "no-store"
