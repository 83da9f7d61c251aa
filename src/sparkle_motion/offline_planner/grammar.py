"""Small grammar for the idea's language: articles, English plurals and title case."""

from __future__ import annotations

import re
import unicodedata

SMALL_WORDS = {
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "to",
    "in",
    "on",
    "at",
    "for",
    "by",
    "with",
    "into",
    "over",
    "from",
}
IRREGULAR = {
    "child": "children",
    "man": "men",
    "woman": "women",
    "fish": "fish",
    "mouse": "mice",
    "sheep": "sheep",
    "deer": "deer",
    "wife": "wives",
    "thief": "thieves",
    "wolf": "wolves",
    "person": "people",
    "calf": "calves",
}
NUMBER_WORDS = {2: "Two", 3: "Three", 4: "Four"}


def plural(noun: str) -> str:
    words = noun.split()
    head = words[-1]
    if head in IRREGULAR:
        head = IRREGULAR[head]
    elif head.endswith("y") and head[-2:-1] not in tuple("aeiou"):
        head = head[:-1] + "ies"
    elif head.endswith(("s", "sh", "ch", "x")):
        head += "es"
    else:
        head += "s"
    return " ".join([*words[:-1], head])


def title_case(text: str) -> str:
    words = text.split()
    return " ".join(
        w if i and w.lower() in SMALL_WORDS else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


def a_an(phrase: str) -> str:
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def definite(word: str, gender: str, is_plural: bool, language: str) -> str:
    """The word with its definite article: 'la playa', 'l'école', 'der Wald', 'the kite'."""
    if language == "es":
        if not gender:
            gender = "f" if word.rstrip("s").endswith("a") else "m"
        article = {("m", False): "el", ("f", False): "la", ("m", True): "los", ("f", True): "las"}
        return f"{article[(gender if gender in 'mf' else 'm', is_plural)]} {word}"
    if language == "fr":
        if is_plural:
            return f"les {word}"
        if word[:1].lower() in "aeiouhéèêàâîôû":
            return f"l'{word}"
        return f"{'la' if gender == 'f' else 'le'} {word}"
    if language == "de":
        noun = word[:1].upper() + word[1:]
        if is_plural:
            return f"die {noun}"
        return f"{ {'m': 'der', 'f': 'die'}.get(gender, 'das') } {noun}"
    return f"the {word}"


AND = {"en": "and", "es": "y", "fr": "et", "de": "und"}


def join(items: list[str], language: str) -> str:
    conj = AND.get(language, "and")
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def slug(text: str, limit: int, empty: str) -> str:
    """`text` as a lower-case ASCII id of at most `limit` characters (`empty` when nothing
    is left: "小明" has no ASCII letters)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:limit].strip("-") or empty
