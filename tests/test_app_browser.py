"""The app in real Chromium: a researcher's whole loop, then ``textanalyse run`` on the saved project.

Starts the real server (``textanalyse app``) and drives Debian's Chromium through its
chromedriver with Selenium. Skips with one line when either is missing; ``.ci/run`` installs
them. The browser gets a fresh profile and no network besides the app: every request it makes
is checked to go to the app's own address, and the console must stay free of errors.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip("Chromium or chromedriver is not installed (apt-get install chromium chromium-driver); "
                "browser tests skipped", allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")

from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from textanalyse.app.pages_new import example_folder  # noqa: E402

pytestmark = pytest.mark.skipif(example_folder() is None, reason="the bundled example survey is not in this installation")
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
                "--disable-extensions", "--metrics-recording-only", "--window-size=1280,900")


def start_app(folder: Path, env: dict):
    process = subprocess.Popen([sys.executable, "-m", "textanalyse", "app", str(folder), "--port", "0", "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    url = process.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        process.kill()
        raise AssertionError(f"no URL on the first line: {url!r} {process.stderr.read()}")
    return process, url


def new_browser(profile: Path):
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("nettleser")
    folder = root / "prosjekt"
    env = {**os.environ, "XDG_CACHE_HOME": str(root / "cache"), "PYTHONUNBUFFERED": "1"}
    process, url = start_app(folder, env)
    driver = new_browser(root / "profil")
    driver.set_page_load_timeout(300)
    try:
        yield {"driver": driver, "url": url, "base": url.split("/?")[0], "folder": folder, "env": env, "root": root}
    finally:
        driver.quit()
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def wait(driver, seconds=60):
    return WebDriverWait(driver, seconds, poll_frequency=0.2)


def table_words(driver) -> list[str]:
    """The words in the frequency table, read in one script call (htmx may swap the table meanwhile)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#ordtabell button.ord')).map(b => b.dataset.ord)")


def text_of(driver, selector: str) -> str:
    return driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.textContent : ''",
                                 selector)


def test_1_create_project_from_example(app):
    driver = app["driver"]
    driver.get(app["url"])
    assert driver.current_url == app["base"] + "/ny"
    assert "token" not in driver.current_url
    wait(driver).until(ec.element_to_be_clickable((By.CSS_SELECTOR, 'button[data-fil="brukerundersokelse.csv"]'))).click()
    wait(driver).until(ec.presence_of_element_located((By.ID, "opprett")))
    text_columns = [box.get_attribute("value") for box in driver.find_elements(By.CSS_SELECTOR, 'input[name="tekst"]')
                    if box.is_selected()]
    assert text_columns == ["fungerer_bra", "fungerer_darlig", "forslag"]
    for box in driver.find_elements(By.CSS_SELECTOR, 'input[name="gruppe"]'):
        if box.is_selected() != (box.get_attribute("value") == "aldersgruppe"):
            box.click()
    driver.find_element(By.ID, "opprett").click()
    wait(driver, 600).until(ec.presence_of_element_located((By.ID, "ordtabell")))
    assert driver.current_url.startswith(app["base"] + "/ord")
    config = (app["folder"] / "analyse.toml").read_text(encoding="utf-8")
    assert 'group_by = ["aldersgruppe"]' in config and 'id_column = "respondent_id"' in config


def test_2_kwic_and_exclude_word(app):
    driver = app["driver"]
    Select(driver.find_element(By.ID, "sporsmal")).select_by_value("fungerer_darlig")
    wait(driver).until(lambda d: "fungerer_darlig" in text_of(d, "#ord-innhold h2"))
    assert "ventetid" in table_words(driver)
    driver.find_element(By.CSS_SELECTOR, '#ordtabell button[data-ord="ventetid"]').click()
    wait(driver).until(ec.presence_of_element_located((By.ID, "kwic")))
    keywords = [cell.text.lower() for cell in driver.find_elements(By.CSS_SELECTOR, "#kwic tbody td strong")]
    assert keywords and all(word.startswith("ventetid") for word in keywords)
    Select(driver.find_element(By.ID, "kategori")).select_by_value("lite_informativ")
    driver.find_element(By.ID, "begrunnelse").send_keys("står i spørsmålet")
    driver.find_element(By.ID, "utelat").click()
    wait(driver).until(lambda d: "ventetid" not in table_words(d) and len(table_words(d)) > 0)
    assert "ventetid" in driver.find_element(By.ID, "utelatte").text
    assert "ventetid  # lite_informativ: står i spørsmålet" in (app["folder"] / "egne_ord.txt").read_text(encoding="utf-8")


def test_3_mark_coded_passage_wrong(app):
    driver = app["driver"]
    driver.get(app["base"] + "/temaer?sporsmal=fungerer_darlig&tema=Ventetid%20og%20tilgjengelighet")
    wait(driver, 300).until(ec.presence_of_element_located((By.ID, "tekstbiter-liste")))
    driver.find_element(By.CSS_SELECTOR, "#tekstbiter-liste button.feil-knapp").click()
    wait(driver).until(lambda d: text_of(d, '#tekstbiter-liste button.feil-knapp[aria-pressed="true"]'))
    rows = (app["folder"] / "kodevalg.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and rows[1].endswith(",feil") and "Ventetid og tilgjengelighet" in rows[1]


def test_4_accept_and_edit_quote(app):
    driver = app["driver"]
    driver.get(app["base"] + "/sitater")
    box = wait(driver, 300).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#sitatliste textarea")))
    box.clear()
    box.send_keys("Redigert sitat om oppfølging fra kommunen.")
    driver.find_element(By.CSS_SELECTOR, "#sitatliste button.godta").click()
    wait(driver).until(lambda d: text_of(d, '#sitatliste button.godta[aria-pressed="true"]'))
    driver.find_element(By.ID, "eksporter-sitater").click()
    wait(driver).until(lambda d: (app["folder"] / "sitater.txt").exists())
    assert "«Redigert sitat om oppfølging fra kommunen.»" in (app["folder"] / "sitater.txt").read_text(encoding="utf-8")


def test_5_export_and_run_reproduces_tables(app):
    driver = app["driver"]
    driver.get(app["base"] + "/eksport")
    word = driver.find_element(By.CSS_SELECTOR, 'input[type="checkbox"][name="docx"]')
    assert not word.is_selected()
    word.click()          # the Word switch: written to analyse.toml, the page comes back with it on
    wait(driver).until(lambda d: "docx = true" in (app["folder"] / "analyse.toml").read_text(encoding="utf-8"))
    wait(driver).until(lambda d: d.execute_script(
        "const box = document.querySelector('input[name=\"docx\"]'); return !!box && box.checked"
        " && document.readyState === 'complete'"))
    driver.find_element(By.ID, "eksporter").click()
    wait(driver, 900).until(lambda d: "Rapport (HTML)" in text_of(d, "#eksportfiler"))
    assert "Godtatte sitater" in text_of(driver, "#eksportfiler")
    assert "Rapport (Word)" in text_of(driver, "#eksportfiler")
    report = app["folder"] / "resultater" / "rapport.docx"
    assert report.read_bytes()[:2] == b"PK"
    import tomllib

    import docx

    title = tomllib.loads((app["folder"] / "analyse.toml").read_text(encoding="utf-8"))["title"]
    assert title in [paragraph.text for paragraph in docx.Document(str(report)).paragraphs[:5]]
    exported = app["folder"] / "resultater" / "tabeller"
    again = app["root"] / "igjen"
    subprocess.run([sys.executable, "-m", "textanalyse", "run", str(app["folder"] / "analyse.toml"), "--out", str(again)],
                   check=True, env=app["env"], capture_output=True, timeout=900)
    names = sorted(p.name for p in exported.glob("*.csv"))
    assert names == sorted(p.name for p in (again / "tabeller").glob("*.csv")) and names
    for name in names:
        assert (exported / name).read_bytes() == (again / "tabeller" / name).read_bytes(), name


def test_6_no_console_errors_and_no_other_hosts(app):
    driver = app["driver"]
    for page in ("/sammenlign", "/emner", "/hjelp"):
        driver.get(app["base"] + page)
        wait(driver, 300).until(lambda d: text_of(d, "h1") and not text_of(d, "#jobb"))
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    hosts = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if not url.startswith(("data:", "about:", "blob:", "chrome:", "chrome-untrusted:", "devtools:")):
                hosts.add(url.split("/")[2])   # anything on the network: http(s), ws(s), ftp …
    assert hosts == {app["base"].split("/")[2]}
