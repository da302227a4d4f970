"""Add the invented columns kommune, år, tilfredshet and fast_kontaktperson to the example survey.

The 360 invented answers stay exactly as they were (same rows, same bytes in every existing
field); four columns are appended so the example analysis can show closed questions, waves
and one report per municipality. The values are invented by the rules below, from the
answer's own text plus seeded random variation, and documented in
corpora/eksempel/OM_EKSEMPELDATA.md. Running the script again gives the same file.

Usage:
    .venv/bin/python scripts/extend_example.py
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

PATH = Path(__file__).resolve().parents[1] / "corpora" / "eksempel" / "brukerundersokelse.csv"
NEW = ["kommune", "år", "tilfredshet", "fast_kontaktperson"]
# Invented municipality names (any likeness to real places is chance), by the size already in the file.
MUNICIPALITIES = {
    "Stor (over 20 000)": [("Storelva", 100), ("Kvitberg", 74)],
    "Mellomstor (5 000-20 000)": [("Lysvik", 60), ("Granmo", 56)],
    "Liten (under 5 000)": [("Fjellstad", 38), ("Holmøy", 25), ("Tindvik", 7)],
}
NOTHING = ("ingenting", "ingen ting", "ikke noe", "ikkje noko", "ingenting fungerer", "vet ikke", "veit ikkje", "-")
GOOD = ("fornøyd", "trygg", "god ", "godt", "bra", "flink", "hjelper", "støtte", "tolmodig", "tålmodig")
FIXED_CONTACT = ("fast kontaktperson", "fast kontakt", "koordinator", "samme person", "primærkontakt",
                 "kontaktpersonen min", "min kontaktperson")
CHANGING = ("byttes", "bytter", "ny person", "nye folk", "ikke fast", "stadig nye", "ikkje fast", "byttet")


def _empty(text: str) -> bool:
    text = text.strip().lower().rstrip(".!")
    return not text or text in NOTHING


def satisfaction(good: str, bad: str, rng: random.Random) -> str:
    """1–5: higher when «what works» has content and «what works badly» is short or empty."""
    score = 3.2
    if _empty(good):
        score -= 1.4
    elif any(word in good.lower() for word in GOOD):
        score += 0.6
    if _empty(bad):
        score += 1.0
    elif len(bad) > 160:
        score -= 0.9
    score += rng.gauss(0, 0.8)
    if rng.random() < 0.03:            # a few respondents skip the closed question
        return ""
    return str(min(5, max(1, round(score))))


def fixed_contact(texts: list[str], rng: random.Random) -> str:
    joined = " ".join(texts).lower()
    if any(cue in joined for cue in CHANGING):
        return "Nei"
    if any(cue in joined for cue in FIXED_CONTACT):
        return "Ja"
    if rng.random() < 0.04:
        return ""
    return "Ja" if rng.random() < 0.5 else "Nei"


def main() -> None:
    raw = PATH.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(raw, newline=""), delimiter=";"))
    header = rows[0]
    keep = [i for i, name in enumerate(header) if name not in NEW]
    rows = [[row[i] for i in keep] for row in rows]
    header = rows[0]
    size_at, good_at, bad_at, idea_at = (header.index(name) for name in
                                         ("kommunestorrelse", "fungerer_bra", "fungerer_darlig", "forslag"))
    rng = random.Random(2023)
    pools = {size: [name for name, count in names for _ in range(count)] for size, names in MUNICIPALITIES.items()}
    for pool in pools.values():
        rng.shuffle(pool)
    out = [header + NEW]
    for row in rows[1:]:
        municipality = pools[row[size_at]].pop()
        wave = "2021" if rng.random() < 0.45 else "2023"
        texts = [row[good_at], row[bad_at], row[idea_at]]
        out.append(row + [municipality, wave, satisfaction(row[good_at], row[bad_at], rng), fixed_contact(texts, rng)])
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(out)
    PATH.write_bytes(buffer.getvalue().encode("cp1252"))


if __name__ == "__main__":
    main()
