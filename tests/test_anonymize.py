"""Tests for textanalyse.anonymize: exact masked output for each kind of identifier."""

import pandas as pd
import pytest

from textanalyse.anonymize import anonymize_table, fnr_is_valid, mask_text, uncertain_capitalised
from textanalyse.errors import UserError


def masked(text: str, **options) -> str:
    return mask_text(text, **options).text


def make_fnr(first_nine: str) -> str | None:
    """Append the two mod-11 check digits to a birth date + individual number, or None if impossible."""
    digits = [int(c) for c in first_nine]
    k1 = 11 - sum(w * d for w, d in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), digits)) % 11
    k1 = 0 if k1 == 11 else k1
    if k1 == 10:
        return None
    digits.append(k1)
    k2 = 11 - sum(w * d for w, d in zip((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), digits)) % 11
    k2 = 0 if k2 == 11 else k2
    if k2 == 10:
        return None
    return first_nine + f"{k1}{k2}"


@pytest.fixture(scope="module")
def valid_fnr() -> str:
    for individual in range(100, 1000):
        number = make_fnr(f"240599{individual}")
        if number:
            return number
    raise AssertionError("no valid number found")


# --- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jeg snakket med Kari i går.", "Jeg snakket med [NAVN] i går."),
        ("Ola Nordmann ringte i går.", "[NAVN] ringte i går."),
        ("Kari er ruskonsulenten min.", "[NAVN] er ruskonsulenten min."),
        ("Eilertsen sier at det gikk bra.", "[NAVN] sier at det gikk bra."),
        ("Min sønn Ole bor hjemme.", "Min sønn [NAVN] bor hjemme."),
        ("Psykiatrisk sykepleier Hansen kom hjem til meg.", "Psykiatrisk sykepleier [NAVN] kom hjem til meg."),
        ("Vi var hos Mohammed og Fatima.", "Vi var hos [NAVN] og [NAVN]."),
        ("Ifølge O. Nordmann er det slik.", "Ifølge [NAVN] er det slik."),
        ("Dr. Eriksen sa nei.", "Dr. [NAVN] sa nei."),
        ("Olas mor ringte.", "[NAVN] mor ringte."),
    ],
)
def test_capitalised_and_sentence_initial_names(text, expected):
    assert masked(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ruskonsulenten min heter ola", "ruskonsulenten min heter [NAVN]"),
        ("dattera mi kari er 12 år", "dattera mi [NAVN] er 12 år"),
        ("kona mi liv hjelper meg", "kona mi [NAVN] hjelper meg"),
        ("han heter trond og bor i oslo", "han heter [NAVN] og bor i [STED]"),
        ("jeg snakket med geir i går", "jeg snakket med [NAVN] i går"),
        # names that are words stay when nothing says they are names
        ("det handler om liv og død", "det handler om liv og død"),
        ("kona hans ringte", "kona hans ringte"),
    ],
)
def test_lowercase_names(text, expected):
    assert masked(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Per hjalp meg.", "[NAVN] hjalp meg."),
        ("Jeg snakket med Per.", "Jeg snakket med [NAVN]."),
        ("Det koster 200 kroner per time.", "Det koster 200 kroner per time."),
        ("Per uke får jeg to timer.", "Per uke får jeg to timer."),
        ("Jeg vil bo alene.", "Jeg vil bo alene."),
        ("Bo på kontoret var grei.", "[NAVN] på kontoret var grei."),
        ("Jeg liker sol og varme.", "Jeg liker sol og varme."),
        ("Sol Hansen er snill.", "[NAVN] er snill."),
        ("Liv på DPS var flink, og Siv også.", "[NAVN] på DPS var flink, og [NAVN] også."),
        ("Hans kone ringte.", "Hans kone ringte."),
        ("Vi møtte Storm og Ask.", "Vi møtte [NAVN] og [NAVN]."),
    ],
)
def test_names_that_are_also_words(text, expected):
    assert masked(text) == expected


def test_text_in_capitals_still_masks_known_names():
    assert masked("JEG FIKK IKKE HJELP AV NAV OG KARI SVARTE ALDRI") == (
        "JEG FIKK IKKE HJELP AV NAV OG [NAVN] SVARTE ALDRI"
    )
    assert masked("De hjelper IKKE i det hele tatt.") == "De hjelper IKKE i det hele tatt."


# --- places, addresses, organisations --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Han flyttet fra Hamar til Lillehammer.", "Han flyttet fra [STED] til [STED]."),
        ("Vi bodde i Mo i Rana og på Tøyen.", "Vi bodde i [STED] og på [STED]."),
        ("Oslo kommune og Bergen kommune.", "[STED] kommune og [STED] kommune."),
        ("Hun bor i Oslo, i Storgata.", "Hun bor i [STED], i [STED]."),
        ("Jeg var på DPS Vinderen.", "Jeg var på DPS [STED]."),
        ("Han var i Spania og Tyrkia.", "Han var i [STED] og [STED]."),
        ("NAV-kontoret i Oslo-området", "NAV-kontoret i [STED]"),
    ],
)
def test_places(text, expected):
    assert masked(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jeg bor i Storgata 12 og han i Kirkeveien 5B.", "Jeg bor i [ADRESSE] og han i [ADRESSE]."),
        ("Adressen er Parkveien 3, 2. etasje.", "Adressen er [ADRESSE]."),
        ("Hun bor i Kong Oscars gate 5.", "Hun bor i [ADRESSE]."),
        ("jeg bor i storgata 12", "jeg bor i [ADRESSE]"),
        ("Barnehagen 2 dager i uka.", "Barnehagen 2 dager i uka."),
    ],
)
def test_addresses(text, expected):
    assert masked(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Jeg fikk hjelp av Kirkens Bymisjon, Blå Kors og Frelsesarmeen, og jobbet på Fretex.",
            "Jeg fikk hjelp av [ORG], [ORG] og [ORG], og jobbet på [ORG].",
        ),
        ("Han jobber i Hansen Transport AS og Equinor ASA.", "Han jobber i [ORG] og [ORG]."),
        ("Jeg handlet på Rema 1000.", "Jeg handlet på [ORG]."),
    ],
)
def test_organisations(text, expected):
    assert masked(text) == expected


def test_kept_service_words_survive():
    text = "Fastlegen, NAV, DPS, LAR, ruskonsulent, kommunen, legevakten og MO-senter hjalp."
    assert masked(text) == text
    text = "Jeg fikk hjelp av NAV, DPS, Legevakten, Kommunen, BUP, TSB og ACT-teamet."
    assert masked(text) == text
    assert masked("Han har vært på MO-senteret og NAV-kontoret.") == "Han har vært på MO-senteret og NAV-kontoret."


def test_caller_kept_words():
    assert masked("Vi gikk til Fontenehuset.") == "Vi gikk til [ORG]."
    assert masked("Vi gikk til Fontenehuset.", kept_words=["Fontenehuset"]) == "Vi gikk til Fontenehuset."


# --- structured identifiers ----------------------------------------------------------------


def test_valid_fodselsnummer(valid_fnr):
    assert fnr_is_valid(valid_fnr)
    assert masked(f"Fødselsnummeret mitt er {valid_fnr}.") == "Fødselsnummeret mitt er [FØDSELSNUMMER]."
    spaced = valid_fnr[:6] + " " + valid_fnr[6:]
    assert masked(f"Nummer: {spaced}.") == "Nummer: [FØDSELSNUMMER]."


def test_invalid_fodselsnummer_is_still_masked(valid_fnr):
    broken = valid_fnr[:10] + str((int(valid_fnr[10]) + 1) % 10)
    assert not fnr_is_valid(broken)
    assert masked(f"Fødselsnummeret mitt er {broken}.") == "Fødselsnummeret mitt er [TALL]."


@pytest.mark.parametrize(
    "number",
    ["971 15 565", "+47 97115565", "97 11 55 65", "97115565", "0047 97115565", "+47 971 15 565", "9711 5565"],
)
def test_phone_formats(number):
    assert masked(f"Ring meg på {number} i morgen.") == "Ring meg på [TELEFON] i morgen."


def test_phone_needs_context_for_landlines():
    assert masked("Kontorets tlf er 22334455.") == "Kontorets tlf er [TELEFON]."
    assert masked("Saksnummer 22334455.") == "Saksnummer [TALL]."
    assert masked("Fra 2019 2020 var det bra.") == "Fra 2019 2020 var det bra."


def test_email():
    assert masked("Send e-post til kari.nordmann@example.no i dag.") == "Send e-post til [EPOST] i dag."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Innlagt 12. mars.", "Innlagt [DATO]."),
        ("Utskrevet 12.03.2024 og igjen 3. januar 2023.", "Utskrevet [DATO] og igjen [DATO]."),
        ("Ny time 12/3, så 2024-03-12.", "Ny time [DATO], så [DATO]."),
        ("Han er der 24/7 og sover 1/2 dagen.", "Han er der 24/7 og sover 1/2 dagen."),
        ("Det skjedde i mars 2023.", "Det skjedde i mars 2023."),
    ],
)
def test_dates(text, expected):
    assert masked(text) == expected


# --- numbering, spans, entities, uncertainty -------------------------------------------------


def test_numbered_placeholders_are_consistent():
    text = "Kari ringte Per, og Per ringte Kari fra Bodø. Hun bor i Bodø."
    assert masked(text, numbered=True) == "[NAVN-1] ringte [NAVN-2], og [NAVN-2] ringte [NAVN-1] fra [STED-1]. Hun bor i [STED-1]."
    text = "Vi møtte Kari Hansen og Ola Nordmann. Kari ringte Ola."
    assert masked(text, numbered=True) == "Vi møtte [NAVN-1] og [NAVN-2]. [NAVN-1] ringte [NAVN-2]."


def test_spans_point_into_the_original_text():
    text = "Kari bor i Bodø, tlf 971 15 565."
    result = mask_text(text)
    assert [(s.type, s.placeholder) for s in result.spans] == [
        ("NAVN", "[NAVN]"),
        ("STED", "[STED]"),
        ("TELEFON", "[TELEFON]"),
    ]
    for span in result.spans:
        assert text[span.start : span.end] == span.original
    assert "Kari" not in repr(result)


def test_pipeline_entities_are_used():
    text = "Vi var hos familien Ulvestrand i helga."
    start = text.index("Ulvestrand")
    result = mask_text("vi var hos familien ulvestrand i helga.", entities=[(start, start + 10, "PER")])
    assert result.text == "vi var hos familien [NAVN] i helga."
    # an entity on a kept service word does not mask it
    assert masked("Jeg gikk til NAV.", entities=[(13, 16, "ORG")]) == "Jeg gikk til NAV."


def test_uncertain_capitalised_words():
    assert uncertain_capitalised("Per uke får jeg hjelp.") == ["Per"]
    assert uncertain_capitalised("Jeg fikk hjelp av NAV.") == []
    assert mask_text("Sol og varme hjelper.").uncertain == ("Sol",)


def test_plain_text_is_unchanged():
    text = "Jeg fikk god hjelp, men ventetiden var lang. Det var tungt å vente."
    result = mask_text(text)
    assert result.text == text
    assert result.spans == ()


def test_non_string_is_rejected():
    with pytest.raises(TypeError):
        mask_text(None)  # type: ignore[arg-type]


# --- tables --------------------------------------------------------------------------------


def make_answers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["r3", "r1", "r2"],
            "svar": ["Kari på NAV hjalp meg.", "Ingen navn her.", None],
            "annet": ["Ring 971 15 565", "bor i Bodø", "Per hjalp meg."],
            "alder": [34, 51, 29],
        },
        index=[10, 5, 7],
    )


def test_table_keeps_rows_and_other_columns():
    answers = make_answers()
    before = answers.copy(deep=True)
    masked_df, report = anonymize_table(answers, ["svar", "annet"])
    pd.testing.assert_frame_equal(answers, before)  # input untouched
    assert list(masked_df.index) == [10, 5, 7]
    assert list(masked_df.columns) == list(answers.columns)
    assert masked_df["id"].tolist() == ["r3", "r1", "r2"]
    assert masked_df["alder"].tolist() == [34, 51, 29]
    assert masked_df["svar"].tolist()[:2] == ["[NAVN] på NAV hjalp meg.", "Ingen navn her."]
    assert masked_df["svar"].isna().tolist() == [False, False, True]
    assert masked_df["annet"].tolist() == ["Ring [TELEFON]", "bor i [STED]", "[NAVN] hjalp meg."]
    assert list(report.columns) == ["row", "column", "type", "count"]
    assert report.values.tolist() == [
        [10, "svar", "NAVN", 1],
        [10, "annet", "TELEFON", 1],
        [5, "annet", "STED", 1],
        [7, "annet", "NAVN", 1],
    ]


def test_table_report_originals_only_on_request():
    _, report = anonymize_table(make_answers(), "svar")
    assert "originals" not in report.columns
    assert "Kari" not in report.to_csv()
    _, report = anonymize_table(make_answers(), "svar", include_originals=True)
    assert report["originals"].tolist() == ["Kari"]


def test_table_numbering_per_cell():
    answers = pd.DataFrame({"svar": ["Kari og Per. Kari igjen.", "Per og Kari."]})
    masked_df, _ = anonymize_table(answers, "svar", numbered=True)
    assert masked_df["svar"].tolist() == ["[NAVN-1] og [NAVN-2]. [NAVN-1] igjen.", "[NAVN-1] og [NAVN-2]."]


def test_table_missing_column_is_a_user_error():
    with pytest.raises(UserError, match="fritekst"):
        anonymize_table(make_answers(), ["fritekst"])
