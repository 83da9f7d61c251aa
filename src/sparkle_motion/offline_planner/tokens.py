"""An idea as tokens, each marked with what it is: a function word, a number, a noun
concept (person, creature, place, prop, weather, time, season), a verb, a name or a
place name. The marks are per language; the concepts are English."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon_en as en
from .lexicon import Lexicon, Noun

PUNCT = {",", ";", ":", "!", "?", "(", ")", "."}
TITLE_ABBREVIATIONS = {"mr.": "Mr.", "mrs.": "Mrs.", "ms.": "Ms.", "dr.": "Dr.", "st.": "St."}
# words that come before a name as part of it ("Captain Ruiz", "Don Ramón", "Oma Hilde")
TITLES = {
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "mr",
    "mrs",
    "ms",
    "dr",
    "don",
    "doña",
    "señor",
    "señora",
    "madame",
    "monsieur",
    "mademoiselle",
    "herr",
    "frau",
    "sir",
    "lady",
    "professor",
    "captain",
    "grandpa",
    "grandma",
    "granny",
    "uncle",
    "aunt",
    "auntie",
    "oma",
    "opa",
    "tante",
    "onkel",
    "tía",
    "tío",
    "abuela",
    "abuelo",
    "mamie",
    "papi",
    "papa",
    "mama",
    "king",
    "queen",
    "prince",
    "princess",
    "detective",
    "officer",
    "doctor",
    "saint",
}
# capitalised words that are never a character's name
NOT_NAMES = set(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "christmas",
        "easter",
        "halloween",
        "eve",
        "year",
        "new",
        "i",
        "it",
        "what",
        "why",
        "how",
        "when",
        "where",
        "who",
        "if",
        "imagine",
        "suppose",
        "once",
        "one",
        "the",
        "a",
        "an",
        "this",
        "that",
        "there",
        "here",
        "after",
        "before",
        "during",
        "every",
        "some",
        "no",
        "yes",
    ]
)
GENDERED_PRONOUNS = {
    "her": "f",
    "she": "f",
    "herself": "f",
    "his": "m",
    "he": "m",
    "him": "m",
    "himself": "m",
}
FIRST_PERSON = {"i", "yo", "moi", "je", "ich"}
NAME_LINKS = {
    ",",
    "named",
    "called",
    "namens",
    "genannt",
    "llamado",
    "llamada",
    "nommé",
    "nommée",
    "appelé",
    "appelée",
}
COPULAS = {
    "is",
    "are",
    "was",
    "were",
    "become",
    "becomes",
    "became",
    "be",
    "being",
    "seem",
    "seems",
    "like",
    "as",
    "es",
    "son",
    "est",
    "sont",
    "ist",
    "sind",
}
NON_VERB_ENDINGS = ("ss", "us", "is", "ous", "'s", "’s")


@dataclass
class Token:
    text: str  # as written (an abbreviation keeps its period)
    low: str  # lower case, without an English "'s"
    capital: bool
    mark: str = (
        ""  # article possessive conj prep function number noun verb name city punct adj word
    )
    noun: Noun | None = None
    verb: str | None = None  # English base form
    number: int = 0


def tokenize(text: str, code: str) -> list[str]:
    if code in ("fr", "es", "de"):  # "l'école", "d'or": the article is its own word
        text = re.sub(r"\b([lLdDjJnNsScCqQ]u?)['’]", r"\1 ", text)
    return re.findall(r"[^\W\d_][\w'’-]*\.?|\d+|[,;:!?()]", text)


def _strip(word: str) -> tuple[str, str]:
    """(display word, lookup word): 'Marta's' -> ('Marta', 'marta'); 'Mr.' stays."""
    if word.lower() in TITLE_ABBREVIATIONS:
        return TITLE_ABBREVIATIONS[word.lower()], word.lower()
    word = word.rstrip(".")
    if word.lower().endswith(("'s", "’s")):
        word = word[:-2]
    return word, word.lower().strip("'’")


def mark(words: list[str], lex: Lexicon) -> list[Token]:
    """Mark each word; a noun/verb ambiguity is settled by the word before it."""
    tokens: list[Token] = []
    for raw in words:
        shown, low = _strip(raw)
        token = Token(shown, low, shown[:1].isupper())
        tokens.append(token)
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        low = tok.low
        after_det = prev is not None and prev.mark in {"article", "possessive", "number", "adj"}
        if low in PUNCT or not low[:1].isalnum():
            tok.mark = "punct"
        elif low in lex.numbers:
            tok.mark, tok.number = "number", lex.numbers[low]
        elif low in lex.articles:
            tok.mark = "article"
        elif low in lex.possessives:
            tok.mark = "possessive"
        elif low in lex.conjunctions:
            tok.mark = "conj"
        elif low in lex.place_preps:
            tok.mark = "prep"
        elif (lex.code == "en" and low in en.ADJECTIVES and _adj_leads(tokens, i)) or (
            lex.code != "en" and low in lex.adjectives and not lex.noun(low)
        ):
            tok.mark = "adj"
        elif low in lex.function and not (tok.capital and low in TITLES):
            tok.mark = "function"
        else:
            noun = lex.noun(low)
            verb = lex.verb(low)
            if noun and lex.code == "en" and _verb_after_being(tokens, i, noun):
                tok.mark, tok.verb = "verb", noun.english  # "a girl skateboards through"
            elif noun and (after_det or not verb or _noun_position(tokens, i, lex)):
                tok.mark, tok.noun = "noun", noun
            elif verb and not after_det:
                tok.mark, tok.verb = "verb", verb
            elif lex.code == "en" and low in en.ADJECTIVES:
                tok.mark = "adj"
            elif lex.code == "en" and after_det and _agent_noun(low):
                single = low[:-1] if low.endswith("s") and _agent_noun(low[:-1]) else low
                tok.mark = "noun"  # 'a plumber', 'two florists': someone by their work
                tok.noun = Noun(single, "person", single != low, "", single, low)
            else:
                tok.mark = "word"
    return tokens


def _verb_after_being(tokens: list[Token], i: int, noun: Noun) -> bool:
    if not noun.plural or i == 0 or noun.kind not in {"prop", "place"}:
        return False
    prev = tokens[i - 1]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    being = prev.noun is not None and prev.noun.kind in {"person", "creature"}
    return (
        being
        and prev.noun is not None
        and not prev.noun.plural
        and (
            nxt is None
            or nxt.low
            in {
                "through",
                "across",
                "along",
                "in",
                "on",
                "at",
                "over",
                "down",
                "up",
                "around",
                "past",
                "into",
            }
        )
    )


def _agent_noun(word: str) -> bool:
    base = word[:-1] if word.endswith("s") else word
    return (
        len(base) > 4
        and base.endswith(en.AGENT_SUFFIXES)
        and base not in en.NOT_AGENTS
        and not base.endswith(("ver", "ther", "tter", "nner"))
        and base.isalpha()
    )


def _adj_leads(tokens: list[Token], i: int) -> bool:
    """An adjective the next word leans on (not 'the cat is old')."""
    return i + 1 < len(tokens) and tokens[i + 1].low not in PUNCT


def _noun_position(tokens: list[Token], i: int, lex: Lexicon) -> bool:
    """A word that is a noun and a verb: a noun at the start, after a preposition or a
    conjunction, or right before another noun-like word ('the fishing boats')."""
    if i == 0:
        return True
    prev = tokens[i - 1]
    if prev.mark in {"prep", "conj", "punct"}:
        return True
    if prev.mark == "noun" and lex.code == "en" and prev.noun and prev.noun.kind == "place":
        return True  # "a bus stop"
    noun = lex.noun(tokens[i].low)
    return (  # "a night guard"
        prev.mark == "noun"
        and prev.noun is not None
        and prev.noun.kind not in {"person", "creature"}
        and noun is not None
        and noun.kind in {"person", "creature"}
    )


def is_name_like(tok: Token, lex: Lexicon, *, sentence_start: bool) -> bool:
    """A capitalised word no lexicon knows, or a first name the lexicon lists."""
    if not tok.capital or tok.low in NOT_NAMES or tok.mark in {"punct", "number"}:
        return False
    if tok.low.endswith("s") and tok.low[:-1] in NOT_NAMES:
        return False  # "Mondays"
    listed = tok.low in en.FEMALE_NAMES or tok.low in en.MALE_NAMES
    if listed and tok.mark in {"word", "noun", "verb", "adj"} and not (tok.noun and sentence_start):
        return True
    if tok.mark != "word" or tok.low in en.CITIES:
        return False
    return lex.code != "de" or listed  # German capitalises every noun: only listed names
