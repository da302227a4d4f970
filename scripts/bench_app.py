"""How fast the app answers in a real browser: p50/p95 per interaction, after the first annotation.

Starts ``textanalyse app`` on a fresh project in a temporary folder, creates the project in
headless Chromium (Debian's ``chromium`` + ``chromedriver``, a fresh profile, no network),
waits for the first annotation, then repeats each interaction and times it in the browser:
from the click (``performance.now()``) to htmx's ``afterSettle`` of the answer, or for whole
pages from navigation start to the load event. Nothing is written to the repository.

Targets (issue 17): p95 < 300 ms on the example survey; < 2 s on 1M words of NoReC.

Example:
    python scripts/bench_app.py --data example --runs 10
    python scripts/bench_app.py --data ../shared/data/norec_1m.csv --runs 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1280,900")
SETTLE = """
window.__settled = null;
window.__target = arguments[0];
if (!window.__listening) {
  document.addEventListener('htmx:afterSettle', (event) => {
    if (window.__settled === null && event.detail.target && event.detail.target.id === window.__target)
      window.__settled = performance.now();
  });
  window.__listening = true;
}
window.__t0 = performance.now();
"""
IDLE = "return document.querySelectorAll('.htmx-request').length === 0"


def browser(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = shutil.which("chromium")
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    driver.command_executor.client_config.timeout = 1800   # the first visits compute for minutes on 1M words
    driver.set_page_load_timeout(1800)
    return driver


def wait_for(driver, condition, timeout=1800.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition(driver):
                return
        except Exception:  # noqa: BLE001 - the page is being swapped; look again
            pass
        time.sleep(0.02)
    raise TimeoutError("the app did not answer in time")


def timed_swap(driver, action, target: str = "ord-innhold") -> float:
    """Milliseconds from the action to htmx's afterSettle of ``target``, measured inside the page.

    ``action`` is JavaScript run in the same call that starts the clock (a click or a changed
    select), so WebDriver's own round trips are not counted.
    """
    wait_for(driver, lambda d: d.execute_script(IDLE), timeout=600)
    driver.execute_script(SETTLE + action, target)
    wait_for(driver, lambda d: d.execute_script("return window.__settled !== null"), timeout=600)
    return driver.execute_script("return window.__settled - window.__t0")


def timed_page(driver, url, ready) -> float:
    """Milliseconds from navigation start to the load event of the page asked for.

    When the app first answers with its progress page (a long step) and loads the page when
    the step is done, the time runs from the first navigation's start to the load event of the
    page that finally shows (earlier versions of this script timed that last page only).
    """
    driver.get(url)
    first = driver.execute_script("return performance.timeOrigin")
    wait_for(driver, ready, timeout=1800)
    return driver.execute_script(
        "const n = performance.getEntriesByType('navigation')[0];"
        "return performance.timeOrigin + n.loadEventEnd - n.startTime - arguments[0]", first)


def js_text(driver, selector):
    return driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.textContent : ''", selector)


def table_words(driver):
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('#ordtabell button.ord')).map(b => b.dataset.ord)")


def create_project(driver, base, data: str, text_columns, groups):
    from selenium.webdriver.common.by import By

    driver.get(base + "/ny")
    if data == "example":
        driver.find_element(By.CSS_SELECTOR, 'button[data-fil="brukerundersokelse.csv"]').click()
    else:
        driver.find_element(By.CSS_SELECTOR, f'button[data-fil="data/{Path(data).name}"]').click()
    wait_for(driver, lambda d: d.find_elements(By.ID, "opprett"))
    for box in driver.find_elements(By.CSS_SELECTOR, 'input[name="tekst"]'):
        if box.is_selected() != (box.get_attribute("value") in text_columns):
            box.click()
    for box in driver.find_elements(By.CSS_SELECTOR, 'input[name="gruppe"]'):
        if box.is_selected() != (box.get_attribute("value") in groups):
            box.click()
    started = time.perf_counter()
    driver.find_element(By.ID, "opprett").click()
    wait_for(driver, lambda d: d.find_elements(By.ID, "ordtabell"))
    return time.perf_counter() - started


def select(element_id: str, value: str) -> str:
    """JavaScript that chooses ``value`` in a select and tells the page (as a user's choice does)."""
    return (f"const s = document.getElementById({json.dumps(element_id)}); s.value = {json.dumps(value)}; "
            "s.dispatchEvent(new Event('change', {bubbles: true}));")


def click(selector: str) -> str:
    return f"document.querySelector({json.dumps(selector)}).click();"


def interactions(driver, base, runs: int, questions, group: str, pid: int):
    from selenium.webdriver.common.by import By

    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    last = [server_cpu_ms(pid)]

    def add(name, value):
        times.setdefault(name, []).append(value)
        now = server_cpu_ms(pid)
        cpu.setdefault(name, []).append(now - last[0])

    def mark():
        last[0] = server_cpu_ms(pid)

    def settled_words():
        wait_for(driver, lambda d: table_words(d))

    # warm every page once (first annotation, coding, topics, quotes are computed here, not timed)
    for page, marker in (("/temaer", "#tematabell"), ("/sammenlign", "#nokkelord"), ("/sitater", "#sitatliste"),
                         ("/emner", "h2"), ("/ord", "#ordtabell")):
        driver.get(base + page)
        wait_for(driver, lambda d, m=marker: js_text(d, m) and not js_text(d, "#jobb"))
    real_swap, real_page = timed_swap, timed_page

    def timed_swap_(driver, action, target="ord-innhold"):
        wait_for(driver, lambda d: d.execute_script(IDLE), timeout=600)
        mark()
        return real_swap(driver, action, target)

    def timed_page_(driver, url, ready):
        mark()
        return real_page(driver, url, ready)
    for run in range(runs):
        question = questions[(run + 1) % len(questions)]
        if len(questions) > 1:   # the select must change for the page to ask
            add("bytt spørsmål", timed_swap_(driver, select("sporsmal", question)))
            settled_words()
        add("del etter gruppe", timed_swap_(driver, select("gruppe", group)))
        settled_words()
        add("fjern gruppedeling", timed_swap_(driver, select("gruppe", "")))
        settled_words()
        words = table_words(driver)
        word = words[run % min(len(words), 5)]
        add("åpne konkordans (KWIC)", timed_swap_(driver, click(f'#ordtabell button[data-ord="{word}"]'),
                                                   target="panel"))
        wait_for(driver, lambda d: d.find_elements(By.ID, "utelat"))
        add("utelat ord", timed_swap_(driver, click("#utelat")))
        wait_for(driver, lambda d: word not in table_words(d))
        add("ta med igjen", timed_swap_(driver, click("#utelatte button")))
        wait_for(driver, lambda d: word in table_words(d))
        add("side: Temaer", timed_page_(driver, base + f"/temaer?sporsmal={question}",
                                       lambda d: js_text(d, "#tematabell")))
        # the answer swaps the judged passage and, in the same swap, the shares (out of band)
        add("marker tekstbit feil", timed_swap_(driver, click("#tekstbiter-liste button.feil-knapp"),
                                                target="tekstbit-1"))
        add("side: Sammenlign", timed_page_(driver, base + "/sammenlign", lambda d: js_text(d, "#nokkelord")))
        add("side: Sitater", timed_page_(driver, base + "/sitater", lambda d: js_text(d, "#sitatliste")))
        add("side: Ord", timed_page_(driver, base + f"/ord?sporsmal={question}", lambda d: table_words(d)))
    return times, cpu


def server_cpu_ms(pid: int) -> float:
    """CPU time (user + system) the app's server process has used so far, in ms (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(share * (len(ordered) - 1)))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="example", help="example, or a CSV such as ../shared/data/norec_1m.csv")
    parser.add_argument("--text-col", action="append", help="text column(s) of --data (default: text)")
    parser.add_argument("--group-col", default=None, help="group column of --data (default: category)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        sys.exit("chromium and chromedriver are needed (apt-get install chromium chromium-driver)")
    with tempfile.TemporaryDirectory(prefix="bench_app_") as tmp:
        tmp = Path(tmp)
        folder = tmp / "prosjekt"
        folder.mkdir()
        if args.data == "example":
            text_columns, group = ["fungerer_bra", "fungerer_darlig", "forslag"], args.group_col or "aldersgruppe"
        else:
            (folder / "data").mkdir()
            shutil.copyfile(args.data, folder / "data" / Path(args.data).name)   # temporary folder, deleted below
            text_columns, group = args.text_col or ["text"], args.group_col or "category"
        env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "cache")}
        server = subprocess.Popen([sys.executable, "-m", "textanalyse", "app", str(folder), "--port", "0",
                                   "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                  env=env, cwd=ROOT)
        url = server.stdout.readline().strip()
        base = url.split("/?")[0]
        driver = browser(tmp / "profil")
        try:
            driver.get(url)
            first = create_project(driver, base, args.data, text_columns, [group])
            times, cpu = interactions(driver, base, args.runs, text_columns, group, server.pid)
        finally:
            driver.quit()
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
    load = os.getloadavg()[0]
    print(f"data: {args.data}; first project creation + annotation: {first:.1f} s; runs: {args.runs}; "
          f"load average {load:.1f}")
    print(f"{'interaction':28} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'server CPU p50/p95 ms':>22}")
    figures = {}
    for name, values in times.items():
        figures[name] = {"p50": round(statistics.median(values)), "p95": round(percentile(values, 0.95)),
                         "max": round(max(values)), "n": len(values),
                         "server_cpu_p50": round(statistics.median(cpu[name])),
                         "server_cpu_p95": round(percentile(cpu[name], 0.95))}
        f = figures[name]
        print(f"{name:28} {f['p50']:>8} {f['p95']:>8} {f['max']:>8} {f['server_cpu_p50']:>12}/{f['server_cpu_p95']}")
    if args.json:
        Path(args.json).write_text(json.dumps({"data": args.data, "first_seconds": round(first, 1),
                                               "load_average": round(load, 1), "interactions": figures},
                                              ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
