"""The core's one-line errors (English, for the terminal) as one Norwegian sentence for the page.

The core (``textanalyse.errors.UserError``) names the file, column or option and what to do,
in English, as the CLI prints it. The app's users read Norwegian: the common messages are
translated here by pattern (file names kept, folders left out); a message the table does not
know is shown inside a Norwegian sentence, so the page never shows a bare English line.
Messages the app itself raises are Norwegian already and pass unchanged.
"""

from __future__ import annotations

import re
from pathlib import PurePath

# (pattern on the core's message, Norwegian sentence): {name} is the file name the message starts with.
TRANSLATIONS = [
    (r": (?:config )?file not found|: not found", "Fila {name} finnes ikke; sjekk at den ligger der analyse.toml sier."),
    (r"cannot be read as (?P<enc>[\w-]+)", "Fila {name} kan ikke leses som {enc}; velg en annen tegnkoding."),
    (r"cannot be decoded", "Fila {name} har tegn som verken er UTF-8 eller cp1252; lagre den som UTF-8 og prøv igjen."),
    (r"contains NUL bytes", "Fila {name} ser ikke ut som en tekstfil; lagre den som CSV (UTF-8) og prøv igjen."),
    (r"the file is empty", "Fila {name} er tom; eksporter undersøkelsen på nytt."),
    (r"has a header but no rows", "Fila {name} har overskrifter, men ingen svar; eksporter svarene også."),
    (r"is an old Excel \.xls file", "Fila {name} er en gammel .xls-fil; åpne den i Excel og lagre den som .xlsx."),
    (r"password-protected", "Fila {name} er passordbeskyttet; fjern passordet i Excel eller Word og prøv igjen."),
    (r"not a valid \.xlsx", "Fila {name} er ikke en gyldig .xlsx-fil; åpne den og lagre den på nytt i Excel."),
    (r"not a valid \.docx", "Fila {name} er ikke en gyldig .docx-fil; åpne den og lagre den på nytt i Word."),
    (r"not a readable SPSS", "Fila {name} kan ikke leses som SPSS-fil; eksporter den på nytt fra SPSS."),
    (r"permission denied", "Fila {name} kan ikke åpnes fordi du mangler tilgang til den."),
    (r"not a valid CSV|more fields than the header", "Fila {name} er ikke en gyldig CSV-fil; sjekk skilletegnet."),
    (r"no answers to analyse", "Materialet har ingen svar å analysere: alle cellene er tomme eller ikke-svar."),
    (r"folder has no \.txt or \.docx", "Mappen {name} har ingen intervjuer (.txt eller .docx)."),
    (r"the transcript is empty", "Intervjuet {name} er tomt; sjekk fila."),
    (r"has no row for transcript '(?P<item>[^']+)'", "Metadatafila {name} mangler en rad for intervjuet «{item}»."),
    (r"column '(?P<item>[^']+)' (?:not found|is missing)", "Kolonnen «{item}» finnes ikke; velg en annen kolonne."),
    (r"theme '(?P<item>[^']+)' is not in the codebook", "Temaet «{item}» finnes ikke i kodeboka; velg et annet."),
    (r"not valid TOML", "analyse.toml er ikke gyldig TOML; rett fila i en teksteditor."),
    (r"unknown key '(?P<item>[^']+)'", "analyse.toml har en ukjent innstilling «{item}»; fjern eller rett den."),
    (r"(?P<item>[\w.-]+) must be a whole number", "«{item}» må være et helt tall; rett innstillingen."),
    (r"not valid YAML", "Kodeboka er ikke gyldig YAML; rett fila i en teksteditor."),
    (r"themes are switched off", "Prosjektet bruker ingen kodebok; legg til en under Temaer."),
    (r"name what to quote", "Velg et ord eller et tema å finne sitater for."),
    (r"decision must be", "Vurderingsfila {name} har en ugyldig vurdering; bruk riktig/feil eller godtatt/avvist."),
    (r"too few|too little|not enough", "Materialet er for lite til dette; prøv med flere svar eller færre emner."),
]
_NORWEGIAN = re.compile(r"[æøåÆØÅ]|\b(?:ikke|velg|finnes|skriv|prosjekt\w*|mappen|fila|temaet|ordet)\b", re.IGNORECASE)


def norwegian(message: str) -> str:
    """One Norwegian sentence for a core error message.

    Example:
        >>> norwegian("/home/ola/svar.csv: the file is empty; export the survey again")
        'Fila «svar.csv» er tom; eksporter undersøkelsen på nytt.'
        >>> norwegian("--group-by column 'kjonn' not found; metadata columns are: alder")
        'Kolonnen «kjonn» finnes ikke; velg en annen kolonne.'
        >>> norwegian("topics.k must be auto or between 2 and 12")
        'Noe i oppsettet må rettes (melding fra analysen: «topics.k must be auto or between 2 and 12»).'
        >>> norwegian("Velg to forskjellige grupper fra listene.")
        'Velg to forskjellige grupper fra listene.'
    """
    text = " ".join(str(message).split())
    translated = _translate(text, TRANSLATIONS)
    if translated:
        return translated
    if _NORWEGIAN.search(text):
        return text if text.endswith((".", "!", "?")) else text + "."
    return f"Noe i oppsettet må rettes (melding fra analysen: «{text.rstrip('.')}»)."


WARNINGS = [
    (r"mixed encodings: (?P<item>\d+) line", "Fila {name} har blandet tegnkoding: {item} linje(r) er cp1252, resten UTF-8; "
                                            "hver linje er lest med sin egen koding."),
    (r"row\(s\) name no transcript", "Metadatafila {name} har rader uten intervju i mappen; de er ikke brukt."),
    (r"speakers counted as informant", "Intervjuet {name} har flere talere som regnes som informant; sjekk talerkodene."),
    (r"start with a label that is not a speaker label",
     "Intervjuet {name} har linjer med en ukjent talerkode; de er holdt utenfor tellingen."),
    (r"holds only numbers and dates", "En tekstkolonne i {name} har bare tall og datoer, ingen ord å telle."),
]


def norwegian_warning(message: str) -> str:
    """One Norwegian sentence for a warning from reading the material (``InputWarning``).

    Example:
        >>> norwegian_warning("/data/svar.csv: mixed encodings: 2 line(s) are cp1252 (line 7), the rest UTF-8; ...")
        'Fila «svar.csv» har blandet tegnkoding: 2 linje(r) er cp1252, resten UTF-8; hver linje er lest med sin egen koding.'
    """
    text = " ".join(str(message).split())
    return _translate(text, WARNINGS) or f"Merknad fra innlesingen (analysen fortsetter): «{text.rstrip('.')}»."


def _translate(text: str, table) -> str:
    """The first matching sentence of ``table``, with the file name the message starts with ("" if none)."""
    for pattern, sentence in table:
        found = re.search(pattern, text)
        if found:
            name = PurePath(text.split(":", 1)[0]).name if ":" in text else ""
            return sentence.format(name=f"«{name}»" if name else "", **found.groupdict()).replace("  ", " ")
    return ""
