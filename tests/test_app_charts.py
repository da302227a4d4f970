"""The app's charts: drawn once per content, in the background, the charts a page shows first."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("starlette")

from textanalyse.app.charts import AHEAD, SHOWN, WANTED, Drawer  # noqa: E402
from textanalyse.errors import UserError  # noqa: E402


class Recorder:
    """Draw functions that write their name and note the order they ran in."""

    def __init__(self):
        self.order: list[str] = []
        self.gate = threading.Event()

    def draw(self, text: str, *, hold: bool = False):
        def draw(path):
            if hold:
                self.gate.wait(10)
            self.order.append(text)
            path.write_text(text, encoding="utf-8")
        return draw


def drawn(drawer, *names) -> None:
    """Wait until the charts are on disk (without asking for them, which would move them forward)."""
    for name in names:
        assert drawer._drawings[name].done.wait(10)


def busy(drawer, recorder) -> None:
    """Keep the drawing thread busy (until ``recorder.gate`` opens) with a first chart."""
    drawer.request("forst.png", recorder.draw("første", hold=True), priority=SHOWN)
    while not drawer._drawings["forst.png"].started:
        threading.Event().wait(0.01)


def test_a_chart_is_drawn_once_and_served_from_its_file(tmp_path):
    drawer, recorder = Drawer(tmp_path / "figurer"), Recorder()
    drawer.request("tema.png", recorder.draw("bolig 12 %"), priority=SHOWN)
    assert drawer.wait("tema.png", timeout=10).read_text(encoding="utf-8") == "bolig 12 %"
    drawer.request("tema.png", recorder.draw("bolig 12 %"), priority=SHOWN)
    assert drawer.wait("tema.png", timeout=10).read_text(encoding="utf-8") == "bolig 12 %"
    assert recorder.order == ["bolig 12 %"]
    assert (tmp_path / "figurer").stat().st_mode & 0o777 == 0o700


def test_charts_a_page_shows_come_before_guesses(tmp_path):
    drawer, recorder = Drawer(tmp_path / "figurer"), Recorder()
    busy(drawer, recorder)
    drawer.request("gjett.png", recorder.draw("gjettet"), priority=AHEAD)
    drawer.request("vist.png", recorder.draw("vist"), priority=SHOWN)
    recorder.gate.set()
    drawn(drawer, "forst.png", "gjett.png", "vist.png")
    assert recorder.order == ["første", "vist", "gjettet"]


def test_waiting_for_a_guess_moves_it_forward(tmp_path):
    drawer, recorder = Drawer(tmp_path / "figurer"), Recorder()
    busy(drawer, recorder)
    drawer.request("gjett.png", recorder.draw("gjettet"), priority=AHEAD)
    drawer.request("vist.png", recorder.draw("vist"), priority=SHOWN)
    waiter = threading.Thread(target=drawer.wait, args=("gjett.png",), kwargs={"timeout": 10})
    waiter.start()
    while drawer._drawings["gjett.png"].priority != WANTED:   # the image request has asked for it
        threading.Event().wait(0.01)
    recorder.gate.set()
    waiter.join(10)
    drawn(drawer, "vist.png")
    assert recorder.order == ["første", "gjettet", "vist"]


def test_a_failed_chart_is_one_sentence_and_is_tried_again(tmp_path):
    drawer, recorder = Drawer(tmp_path / "figurer"), Recorder()

    def broken(path):
        raise UserError("theme_chart: the theme table needs the columns theme, share, ci_low, ci_high")
    drawer.request("tema.png", broken, priority=SHOWN)
    with pytest.raises(UserError, match="tematabellen|theme table"):
        drawer.wait("tema.png", timeout=10)
    drawer.request("tema.png", recorder.draw("bolig 12 %"), priority=SHOWN)
    assert drawer.wait("tema.png", timeout=10).read_text(encoding="utf-8") == "bolig 12 %"


def test_a_chart_never_asked_for_is_unknown(tmp_path):
    assert Drawer(tmp_path / "figurer").wait("0123456789abcdef01234567.png", timeout=1) is None


def test_after_a_long_step_garbage_is_collected_and_what_lives_is_frozen():
    import gc
    import weakref

    from textanalyse.app.workspace import settle_memory

    class Answer:
        pass

    garbage, kept = Answer(), Answer()
    garbage.self = garbage                  # a reference cycle: only a collection frees it
    gone, alive = weakref.ref(garbage), weakref.ref(kept)
    del garbage
    before = gc.get_freeze_count()
    settle_memory()
    assert gone() is None and alive() is kept
    assert gc.get_freeze_count() > before


def test_the_drawing_process_draws_the_same_chart_to_the_byte(tmp_path):
    from functools import partial

    import pandas as pd

    from textanalyse.report.figures import theme_chart

    rows = pd.DataFrame({"question": "fungerer_bra", "theme": ["Bolig", "Oppfølging"], "documents_coded": [3, 5],
                         "documents_total": [10, 10], "share": [0.3, 0.5], "ci_low": [0.11, 0.24],
                         "ci_high": [0.6, 0.76], "passages": [3, 6]})
    draw = partial(theme_chart, rows, title="Andel svar per tema: Hva fungerer bra")
    in_process, in_thread = Drawer(tmp_path / "prosess", process=True), Drawer(tmp_path / "traad")
    in_process.prepare()
    for drawer in (in_process, in_thread):
        drawer.request("tema.png", draw, priority=SHOWN)
    drawn_there = in_process.wait("tema.png", timeout=120).read_bytes()
    assert drawn_there[:8] == b"\x89PNG\r\n\x1a\n"
    assert drawn_there == in_thread.wait("tema.png", timeout=120).read_bytes()
    in_process._pool.shutdown()
