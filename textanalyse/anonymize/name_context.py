"""Context for first names typed in lower case that are also common words ("siv", "liv", "bo", "per").

Answers are often typed without capitals: "siv og jonas i oppfølgingstjenesten". A word like
``siv`` (reed), ``liv`` (life) or ``bo`` (to live) is left alone unless the words around it
make it a person. Three kinds of evidence, applied after the other rules have decided:

- coordination with a name: ``siv og jonas``, ``ola, siv og kari`` (a chain is followed);
- a verb of what people do right after it: ``siv ringte``, ``per hjalp meg``;
- help or contact with it: ``hjelp av siv``, ``snakket med siv``, ``time hos bo``.

``sol og varme``, ``liv og helse``, ``mye siv og gress`` and ``bo alene`` stay unmasked.
"""

from __future__ import annotations

from typing import Sequence

# Finite verbs of what a person (not reed, life or the sun) does, Bokmål and Nynorsk.
PERSON_VERBS = frozenset(
    "ringte ringer ringde ringjer sa sier seier snakket snakker snakka snakkar hjalp hjelper hjelpte hjelper "
    "hjelpa spurte spør fulgte følger følgde fylgde ordnet ordner ordna ordnar skjønte skjønner forsto forstår "
    "forstod lyttet lytter lytta lyttar kjørte kjører køyrde køyrer besøkte besøker besøkjer hentet henter henta "
    "hentar sendte sender sende svarte svarer svara svarar møtte møter ga gir gav gjev lovet lover lova lovar "
    "tok kom kommer kjem jobber jobbar jobbet jobba".split()
)
# Words after which "med/av/hos/fra/til <name>" is contact with a person.
CONTACT_CUES = frozenset(
    "hjelp hjelpa snakket snakke snakka snakkar prate prata pratet samtale samtaler samtalar kontakt time timer "
    "timar møte møter møtte avtale avtaler avtalar oppfølging fikk fekk god godt fin fint trygg".split()
)
CONTACT_PREPOSITIONS = frozenset({"med", "av", "hos", "fra", "frå", "til"})
COORDINATORS = frozenset({"og", "eller"})


def lowercase_names(tokens: Sequence, decided: list, *, is_name_word, is_first_name, joined, blocked,
                    function_words=frozenset()) -> None:
    """Mark lower-case name-words as ``NAVN`` in ``decided`` where the context makes them persons.

    ``tokens`` carry ``lower``, ``capitalised`` and ``gap_before``; ``is_name_word(lower)``
    says a first name is also a common word; ``is_first_name(lower)`` that it is a first name;
    ``joined(token)`` that only spaces precede it; ``blocked(token)`` that another rule owns it;
    ``function_words`` are names that are also prepositions or pronouns (``per``, ``hans``),
    never masked here ("hjelp av per uke", "kona hans ringte").

    Example:
        >>> from textanalyse.anonymize import mask_text
        >>> mask_text("siv og jonas i oppfølgingstjenesten er gode").text
        '[NAVN] og [NAVN] i oppfølgingstjenesten er gode'
        >>> mask_text("sol og varme hjelper, liv og helse").text
        'sol og varme hjelper, liv og helse'
    """
    candidates = [i for i, token in enumerate(tokens)
                  if decided[i] is None and not token.capitalised and is_name_word(token.lower)
                  and is_first_name(token.lower) and token.lower not in function_words and not blocked(token)]
    if not candidates:
        return
    for i in candidates:
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and joined(nxt) and nxt.lower in PERSON_VERBS:
            decided[i] = "NAVN"
        elif (i >= 2 and joined(tokens[i]) and tokens[i - 1].lower in CONTACT_PREPOSITIONS and joined(tokens[i - 1])
              and tokens[i - 2].lower in CONTACT_CUES):
            decided[i] = "NAVN"
    changed = True
    while changed:  # coordination: "siv og jonas", "ola, siv og kari"
        changed = False
        for i in candidates:
            if decided[i] is not None:
                continue
            if any(decided[j] == "NAVN" for j in _coordinated(tokens, i, joined)):
                decided[i] = "NAVN"
                changed = True


def _coordinated(tokens: Sequence, i: int, joined) -> list[int]:
    """Indices of the words coordinated with word ``i`` by "og"/"eller" or a comma."""
    out = []
    if i + 2 < len(tokens) and tokens[i + 1].lower in COORDINATORS and joined(tokens[i + 1]) and joined(tokens[i + 2]):
        out.append(i + 2)
    if i >= 2 and tokens[i - 1].lower in COORDINATORS and joined(tokens[i - 1]) and joined(tokens[i]):
        out.append(i - 2)
    if i + 1 < len(tokens) and tokens[i + 1].gap_before.strip(" \t\u00a0") == ",":
        out.append(i + 1)
    if i >= 1 and tokens[i].gap_before.strip(" \t\u00a0") == ",":
        out.append(i - 1)
    return out
