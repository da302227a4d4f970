"""Figures: valid PNG/SVG, deterministic bytes, Norwegian letters, no pyplot state left behind."""

import struct

import matplotlib
import pandas as pd
import pytest
from PIL import Image

from textanalyse.errors import UserError
from textanalyse.report import figures

FREQUENCIES = pd.DataFrame({
    "question": ["bra"] * 7,
    "word": ["oppfølging", "bolig", "ærlighet", "økonomi", "åpenhet", "fastlege", "støtte"],
    "count": [12, 9, 5, 5, 4, 3, 2],
})
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_chunks(data: bytes) -> list[bytes]:
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset:offset + 4])
        chunks.append(data[offset + 4:offset + 8])
        offset += 12 + length
    return chunks


def test_word_cloud_is_a_valid_png_at_print_resolution(tmp_path):
    path = figures.word_cloud(FREQUENCIES, tmp_path / "ordsky.png")
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert round(image.info["dpi"][0]) >= 200
        assert image.size == (1600, 900)
    assert b"tIME" not in png_chunks(data)                 # no modification time


def test_word_cloud_is_byte_identical_across_renders(tmp_path):
    first = figures.word_cloud(FREQUENCIES, tmp_path / "a.png").read_bytes()
    second = figures.word_cloud(FREQUENCIES.sample(frac=1, random_state=3), tmp_path / "b.png").read_bytes()
    assert first == second                                  # row order does not matter either


def test_word_cloud_uses_a_font_with_norwegian_letters():
    from matplotlib.ft2font import FT2Font

    font = FT2Font(figures.font_path())
    assert all(font.get_char_index(ord(letter)) for letter in "æøåÆØÅ")


def test_word_cloud_of_an_empty_table_still_writes_a_figure(tmp_path):
    path = figures.word_cloud(FREQUENCIES.iloc[:0], tmp_path / "tom.png")
    assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_word_cloud_rejects_a_table_without_counts(tmp_path):
    with pytest.raises(UserError, match="word.*count"):
        figures.word_cloud(pd.DataFrame({"ord": ["a"]}), tmp_path / "x.png")
    with pytest.raises(UserError, match="max_words"):
        figures.word_cloud(FREQUENCIES, tmp_path / "x.png", max_words=0)


def test_bar_chart_png_and_svg_are_deterministic(tmp_path):
    first = figures.bar_chart(FREQUENCIES, tmp_path / "a.png", top=5, svg=True)
    second = figures.bar_chart(FREQUENCIES, tmp_path / "b.png", top=5, svg=True)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes().startswith(PNG_SIGNATURE)
    svg_a, svg_b = first.with_suffix(".svg").read_bytes(), second.with_suffix(".svg").read_bytes()
    assert svg_a == svg_b
    assert b"<svg" in svg_a and b"<dc:date>" not in svg_a
    assert b"Software" not in first.read_bytes()             # no matplotlib version in the PNG
    with Image.open(first) as image:
        assert round(image.info["dpi"][0]) >= 200


def test_bar_chart_draws_the_top_words_largest_on_top(tmp_path):
    from matplotlib.figure import Figure

    counts = figures._word_counts(FREQUENCIES, "test").head(3)
    fig = figures._bar_figure(counts, "Mest brukte ord")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    positions = list(ax.get_yticks())
    top_label = labels[positions.index(max(positions))]
    assert top_label == "oppfølging"
    assert sorted(labels) == sorted(["oppfølging", "bolig", "ærlighet"])   # ties: word order
    assert ax.get_xlabel() == "Antall forekomster"


def test_counts_of_repeated_words_are_summed():
    table = pd.DataFrame({"word": ["bolig", "bolig", "hjelp"], "count": [2, 3, 4]})
    counts = figures._word_counts(table, "test")
    assert counts.to_dict() == {"bolig": 5, "hjelp": 4}


def test_no_pyplot_figures_are_left_open(tmp_path):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    figures.bar_chart(FREQUENCIES, tmp_path / "a.png")
    figures.word_cloud(FREQUENCIES, tmp_path / "b.png")
    figures.theme_chart(pd.DataFrame({"theme": ["Bolig"], "share": [0.5], "ci_low": [0.2], "ci_high": [0.8]}),
                        tmp_path / "c.png")
    assert plt.get_fignums() == before
    assert matplotlib.rcParams["svg.hashsalt"] == matplotlib.rcParamsDefault["svg.hashsalt"]


def test_theme_chart_with_groups_and_empty_table(tmp_path):
    table = pd.DataFrame({
        "kjonn": ["Kvinne", "Kvinne", "Mann", "Mann"], "theme": ["Bolig", "Økonomi"] * 2,
        "share": [0.5, 0.25, 0.1, 0.0], "ci_low": [0.2, 0.05, 0.01, 0.0], "ci_high": [0.8, 0.6, 0.4, 0.3],
        "documents_total": [4, 4, 10, 10],
    })
    a = figures.theme_chart(table, tmp_path / "a.png", group_column="kjonn", svg=True)
    b = figures.theme_chart(table, tmp_path / "b.png", group_column="kjonn", svg=True)
    assert a.read_bytes() == b.read_bytes()
    assert a.with_suffix(".svg").exists()
    empty = figures.theme_chart(table.iloc[:0], tmp_path / "tom.png")
    assert empty.read_bytes().startswith(PNG_SIGNATURE)


def test_figures_are_written_atomically(tmp_path):
    figures.bar_chart(FREQUENCIES, tmp_path / "a.png", svg=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.png", "a.svg"]   # no temporary files left


def test_screen_resolution_draws_smaller_pngs_only_inside_its_block(tmp_path):
    """The app draws its charts at screen resolution; reports keep print resolution (200 dpi)."""
    from PIL import Image

    from textanalyse.report.figures import bar_chart, screen_resolution

    table = pd.DataFrame({"word": ["bolig", "jobb"], "count": [5, 3]})
    bar_chart(table, tmp_path / "print.png")
    with screen_resolution(100):
        bar_chart(table, tmp_path / "screen.png")
    bar_chart(table, tmp_path / "again.png")
    print_size, screen_size = Image.open(tmp_path / "print.png").size, Image.open(tmp_path / "screen.png").size
    assert (screen_size[0] * 2, screen_size[1] * 2) == print_size
    assert (tmp_path / "again.png").read_bytes() == (tmp_path / "print.png").read_bytes()
