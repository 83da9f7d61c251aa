"""Who is in an idea: named characters, people and creatures, how many of each ("two old
friends, Marta and Leo" are two, named), of what kind and, where the words say, gender."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from . import lexicon_en as en
from .lexicon import Lexicon
from .tokens import (
    COPULAS,
    FIRST_PERSON,
    GENDERED_PRONOUNS,
    NAME_LINKS,
    TITLES,
    Token,
    is_name_like,
)

MAX_BEINGS = 6
TITLE_GENDER = {
    "mr.": "m",
    "mr": "m",
    "mrs.": "f",
    "mrs": "f",
    "ms.": "f",
    "ms": "f",
    "don": "m",
    "doña": "f",
    "señor": "m",
    "señora": "f",
    "madame": "f",
    "mademoiselle": "f",
    "monsieur": "m",
    "herr": "m",
    "frau": "f",
    "sir": "m",
    "lady": "f",
}


@dataclass(frozen=True)
class Being:
    name: str  # as the idea names it ("Marta", "Captain Ruiz"); "" when unnamed
    concept: str  # English noun: "friend", "whale", "keeper", "person"
    phrase: str  # English, for looks and prompts: "old friend", "lighthouse keeper"
    gender: str  # "f", "m" or "" when the idea does not say
    creature: bool
    draw_kind: str  # what the storyboard draws: whale, fish, bird, cat, dog, fox, ... person
    native: str = ""  # the idea's own word for it, singular ("niña"); "" when English
    native_gender: str = ""  # its grammatical gender ("m", "f", "n")
    at: int = 0  # token index of its first mention
    narrator: bool = False  # "my grandmother and I": the teller is in the story


def _names(tokens: list[Token], lex: Lexicon) -> dict[int, str]:
    """token index -> the full name starting there ('Mr. Tanaka', 'Captain Ruiz')."""
    found: dict[int, str] = {}
    skip = -1
    for i, tok in enumerate(tokens):
        if i <= skip:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            tok.low in TITLES
            and tok.capital
            and nxt is not None
            and nxt.capital
            and nxt.mark in {"word", "noun", "adj", "verb"}
            and nxt.low not in en.CITIES
        ):
            found[i + 1] = f"{tok.text} {nxt.text}" if tok.mark != "noun" else nxt.text
            skip = i + 1
            continue
        start = i == 0
        if not is_name_like(tok, lex, sentence_start=start):
            continue
        listed = tok.low in en.FEMALE_NAMES | en.MALE_NAMES
        if start and not listed and not _goes_on_like_a_name(nxt):
            continue
        prev = tokens[i - 1] if i else None
        if prev is not None and not listed and (prev.mark == "prep" or prev.low in OF_WORDS):
            continue  # "in Oaxaca", "the cats of Montmartre": a place
        found[i] = tok.text
    for i in sorted(found, reverse=True):  # "Mary Jane", "Ana María": one name
        if i - 1 in found and tokens[i - 1].mark not in {"conj", "punct"}:
            found[i - 1] = f"{found[i - 1]} {found.pop(i)}"
    return found


OF_WORDS = {"of", "de", "du", "des", "von"}


def _goes_on_like_a_name(nxt: Token | None) -> bool:
    """An unknown capitalised first word is a name only if the sentence goes on like one:
    'Kai and Ben ...', 'Amara finds ...'."""
    if nxt is None:
        return False
    if nxt.mark in {"conj", "punct", "verb"} or nxt.verb:
        return True
    return nxt.mark == "word" and nxt.low.endswith("s")


def _count_before(tokens: list[Token], i: int) -> int:
    for k in range(i - 1, max(-1, i - 4), -1):
        if tokens[k].mark == "number":
            return tokens[k].number
        if tokens[k].mark not in {"adj", "word", "noun", "article", "possessive"}:
            break
    return 0


def _predicate_nominal(tokens: list[Token], i: int) -> bool:
    """'become unlikely friends', 'since he was a boy': not a new character."""
    for k in range(i - 1, max(-1, i - 4), -1):
        if tokens[k].low in COPULAS and tokens[k].mark not in {"possessive", "article"}:
            return True
        if tokens[k].mark not in {"adj", "article", "word"}:
            return False
    return False


def _english_phrase(tokens: list[Token], i: int) -> str:
    """Adjectives and noun modifiers before a head noun, as written: 'lighthouse keeper'."""
    head = tokens[i].noun
    words = [head.english if head else tokens[i].low]
    k = i - 1
    while k >= 0 and len(words) < 4:
        tok = tokens[k]
        if tok.mark == "adj" or (tok.mark in {"noun", "word"} and not tok.capital):
            words.insert(0, tok.low)
            k -= 1
        else:
            break
    return " ".join(words)


def _gender_after(tokens: list[Token], start: int, stop: int) -> str:
    for tok in tokens[start:stop]:
        if tok.low in GENDERED_PRONOUNS:
            return GENDERED_PRONOUNS[tok.low]
    return ""


def beings_in(tokens: list[Token], lex: Lexicon) -> list[Being]:
    names = _names(tokens, lex)
    used_names: set[int] = set()
    found: list[Being] = []
    english = lex.code in ("en", "ja", "zh")
    last_creature = ""
    for i, tok in enumerate(tokens):
        noun = tok.noun
        young = tok.low in en.YOUNG or (noun is not None and noun.english in en.YOUNG)
        if not young and (noun is None or noun.kind not in {"person", "creature"}):
            continue
        if i + 1 < len(tokens):
            nxt = tokens[i + 1].noun
            if nxt is not None and nxt.kind in {"person", "creature"}:
                continue  # "robot gardener", "vieille dame": the next noun is the head
        if _predicate_nominal(tokens, i):
            continue
        concept = noun.english if noun else tok.low
        creature = young or (noun is not None and noun.kind == "creature")
        draw = en.CREATURES.get(concept, "person") if creature else "person"
        if young:
            draw = last_creature or "creature"
        prev_noun = tokens[i - 1].noun if i else None
        if prev_noun is not None and prev_noun.kind == "creature" and english:
            creature, draw = True, en.CREATURES.get(prev_noun.english, draw)  # robot gardener
        if creature:
            last_creature = draw
        count = _count_before(tokens, i) or (
            en.GROUPS.get(concept, 2) if (noun and noun.plural) or concept in en.GROUPS else 1
        )
        # names that fill it: "friends, Marta and Leo", "Captain Ruiz", "a driver named Walter"
        attached: list[str] = []
        j = i + 1
        while j < len(tokens) and tokens[j].low in NAME_LINKS:
            j += 1
        while j in names and j not in used_names and len(attached) < count:
            attached.append(names[j])
            used_names.add(j)
            j += 1
            if j < len(tokens) and tokens[j].mark in {"conj", "punct"} and j + 1 in names:
                j += 1
        # "Hugo the baker", "Hugo, the baker"
        for back in (i - 2, i - 3):
            if not attached and back in names and back not in used_names:
                between = tokens[back + 1 : i]
                if all(t.mark in {"article", "punct", "adj"} for t in between) and between:
                    attached.append(names[back])
                    used_names.add(back)
        titled = tok.low in TITLES or (noun is not None and noun.kind == "person")
        if attached and tok.capital and titled and names.get(i + 1) == attached[0]:
            attached[0] = f"{tok.text} {attached[0]}"  # "Grandpa Joe"
        gender = en.PEOPLE.get(concept, "") if not creature else ""
        if not gender and not creature and not english and noun is not None:
            gender = noun.gender if noun.gender in ("f", "m") else ""  # 'la capitana'
        phrase = _english_phrase(tokens, i) if lex.code == "en" else concept
        for k in range(max(count, len(attached))):
            name = attached[k] if k < len(attached) else ""
            g = gender or _name_gender(name)
            found.append(
                Being(
                    name=name,
                    concept=concept,
                    phrase=phrase,
                    gender=g,
                    creature=creature,
                    draw_kind=draw,
                    native=noun.native if noun and not english else "",
                    native_gender=noun.gender if noun else "",
                    at=i,
                )
            )
    for i, name in names.items():
        if i in used_names:
            continue
        title = tokens[i - 1].low if i else ""
        found.append(
            Being(
                name=name,
                concept="person",
                phrase="person",
                gender=TITLE_GENDER.get(title, "") or _name_gender(name),
                creature=False,
                draw_kind="person",
                at=i,
            )
        )
    for i, tok in enumerate(tokens):  # "my grandmother and I"
        if tok.low in FIRST_PERSON and (
            (i and tokens[i - 1].mark == "conj")
            or (i + 1 < len(tokens) and tokens[i + 1].mark == "conj")
        ):
            found.append(Being("", "narrator", "person", "", False, "person", at=i, narrator=True))
            break
    found.sort(key=lambda b: b.at)
    return _genders_from_pronouns(_dedupe(found, tokens), tokens)[:MAX_BEINGS]


def _name_gender(name: str) -> str:
    first = name.split()[-1].lower() if name else ""
    # "Chloé" is "chloe" in the name lists
    first = "".join(c for c in unicodedata.normalize("NFKD", first) if not unicodedata.combining(c))
    if first in en.FEMALE_NAMES:
        return "f"
    if first in en.MALE_NAMES:
        return "m"
    return ""


def _another(tokens: list[Token], at: int) -> bool:
    """The mention at `at` opens with "a", "an" or "another" ("an old owl teaches a young
    owl"): a second one of its kind, not the first again ("the cat")."""
    k = at - 1
    while k >= 0 and tokens[k].mark not in {"article", "possessive", "number", "punct", "conj"}:
        k -= 1
    return k >= 0 and tokens[k].low in {"a", "an", "another"}


def _dedupe(found: list[Being], tokens: list[Token]) -> list[Being]:
    """One being per name, and a single unnamed one mentioned twice is one ('the cat')
    unless the second mention is another one ('a young owl' after 'an old owl')."""
    kept: list[Being] = []
    for b in found:
        if b.name and any(k.name == b.name for k in kept):
            continue
        if (
            not b.name
            and b.concept != "narrator"
            and any(k.concept == b.concept and k.at != b.at and not k.name for k in kept)
            and not (_another(tokens, b.at) and all(k.phrase != b.phrase for k in kept))
        ):
            continue
        kept.append(b)
    return kept


def _genders_from_pronouns(found: list[Being], tokens: list[Token]) -> list[Being]:
    out = []
    for n, b in enumerate(found):
        if not b.gender:
            stop = found[n + 1].at if n + 1 < len(found) else len(tokens)
            stop = max(stop, b.at + 2)
            g = _gender_after(tokens, b.at + 1, stop)
            if g:
                b = Being(**{**b.__dict__, "gender": g})
        out.append(b)
    return out
