"""One interface over the per-language word tables: what a word is (noun concept, verb,
article, number...) and its English concept. English concepts come from lexicon_en."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from . import lexicon_en as en

IRREGULAR_PLURALS = {
    "children": "child",
    "people": "person",
    "women": "woman",
    "men": "man",
    "mice": "mouse",
    "wolves": "wolf",
    "geese": "goose",
    "elves": "elf",
    "thieves": "thief",
    "knives": "knife",
    "leaves": "leaf",
    "fairies": "fairy",
    "ponies": "pony",
    "puppies": "puppy",
    "babies": "baby",
    "butterflies": "butterfly",
    "cities": "city",
    "countries": "country",
    "ladies": "lady",
    "families": "family",
    "teeth": "tooth",
    "feet": "foot",
    "grandchildren": "grandchild",
    "oxen": "ox",
}
KINDS = ("person", "creature", "place", "prop", "weather", "time", "season")


def concept_kind(english: str) -> str | None:
    """What an English concept is in a story, or None."""
    if english in en.PEOPLE or english in en.GROUPS:
        return "person"
    if english in en.CREATURES or english in en.YOUNG:
        return "creature"
    if english in en.WEATHER:
        return "weather"
    if english in en.TIMES:
        return "time"
    if english in en.SEASONS:
        return "season"
    if english in en.PLACES:
        return "place"
    if english in en.PROPS:
        return "prop"
    return None


def english_singular(word: str) -> tuple[str, bool]:
    """(singular, was plural) for an English noun the lexicon knows; else (word, False)."""
    if concept_kind(word):
        return word, False
    if word in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[word], True
    for cut, add in (("ies", "y"), ("es", ""), ("s", "")):
        if (
            word.endswith(cut)
            and len(word) > len(cut) + 2
            and concept_kind(word[: -len(cut)] + add)
        ):
            return word[: -len(cut)] + add, True
    return word, False


def english_verb(word: str) -> str | None:
    """Base form of an English verb form the lexicon knows ('argues' -> 'argue')."""
    if word in en.IRREGULAR:
        return en.IRREGULAR[word]
    if word in en.VERBS:
        return word
    candidates = []
    if word.endswith("ies"):
        candidates.append(word[:-3] + "y")
    if word.endswith("es"):
        candidates.append(word[:-2])
    if word.endswith("s"):
        candidates.append(word[:-1])
    if word.endswith("ing"):
        candidates += [word[:-3], word[:-3] + "e", word[:-4]]
    if word.endswith("ed"):
        candidates += [
            word[:-2],
            word[:-1],
            word[:-3],
            word[:-3] + "y" if word.endswith("ied") else "",
        ]
    return next((c for c in candidates if c in en.VERBS), None)


@dataclass(frozen=True)
class Noun:
    english: str  # the concept, singular
    kind: str  # one of KINDS
    plural: bool
    gender: str  # grammatical gender in the idea's language ("m", "f", "n", "")
    native: str  # the word as the idea wrote it, singular where known
    written: str = ""  # the word exactly as written (plural kept), lower case


@dataclass(frozen=True)
class Lexicon:
    code: str
    articles: frozenset[str]
    possessives: frozenset[str]
    conjunctions: frozenset[str]
    place_preps: frozenset[str]
    function: frozenset[str]
    numbers: dict[str, int]
    table: ModuleType | None  # the language's lexicon module (None for English)
    adjectives: frozenset[str] = frozenset()

    def noun(self, word: str) -> Noun | None:
        low = word.lower()
        if self.table is None:
            single, plural = english_singular(low)
            kind = concept_kind(single)
            return Noun(single, kind, plural, "", single, low) if kind else None
        nouns = self.table.NOUNS
        forms = [(low, False)]
        forms += [(low[:-k], True) for k in (1, 2) if len(low) > k + 2]
        if self.code == "fr" and low.endswith("x"):
            forms.append((low[:-1], True))
        if low in nouns:
            forms = [(low, False)]
        for form, plural in forms:
            if form in nouns:
                english, gender = nouns[form]
                kind = concept_kind(english)
                if kind:
                    return Noun(english, kind, plural and form != low, gender, form, low)
        if self.code == "de" and len(low) > 6:  # compounds: 'Leuchtturmwärter' ends in 'wärter'
            for cut in range(3, len(low) - 2):
                tail = low[cut:]
                if tail in nouns and len(tail) >= 4:
                    english, gender = nouns[tail]
                    kind = concept_kind(english)
                    if kind:
                        return Noun(english, kind, False, gender, low, low)
        return None

    def verb(self, word: str) -> str | None:
        low = word.lower()
        if self.table is None:
            return english_verb(low)
        found: str | None = self.table.VERBS.get(low) or self.table.INFINITIVES.get(low)
        if found or len(low) < 4:
            return found
        for ending in self.table.ENDINGS:  # a regular form: 'pintan' -> 'pint' -> 'pintar'
            if low.endswith(ending) and len(low) - len(ending) >= 3:
                stem = low[: -len(ending)]
                for inf in self.table.INFINITIVE_ENDINGS:
                    if stem + inf in self.table.INFINITIVES:
                        english: str = self.table.INFINITIVES[stem + inf]
                        return english
        return None


@cache
def lexicon(code: str) -> Lexicon:
    """The lexicon for an idea language; ja/zh ideas are read as English concepts."""
    if code in ("es", "fr", "de"):
        table = importlib.import_module(f"{__package__}.lexicon_{code}")
        return Lexicon(
            code,
            frozenset(table.ARTICLES),
            frozenset(table.POSSESSIVES),
            frozenset(table.AND),
            frozenset(table.PLACE_PREPS),
            frozenset(table.FUNCTION),
            dict(table.NUMBERS),
            table,
            frozenset(table.ADJECTIVES),
        )
    return Lexicon(
        "en",
        frozenset(en.ARTICLES),
        frozenset(en.POSSESSIVES),
        frozenset({"and", "&"}),
        frozenset(en.PLACE_PREPS),
        frozenset(en.FUNCTION),
        dict(en.NUMBERS),
        None,
        frozenset(en.ADJECTIVES),
    )
