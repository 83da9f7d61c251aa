"""Which language an idea is written in: script first (kana -> ja, han -> zh), then a vote
of common words and letters among English, Spanish, French and German."""

from __future__ import annotations

import re

from .cjk import script_language
from .lexicon import english_verb, lexicon

MARKERS: dict[str, set[str]] = {
    "en": set(
        [
            "the",
            "a",
            "an",
            "and",
            "of",
            "in",
            "on",
            "at",
            "with",
            "his",
            "her",
            "their",
            "is",
            "are",
            "who",
            "to",
            "from",
            "over",
            "into",
            "by",
        ]
    ),
    "es": set(
        [
            "el",
            "la",
            "los",
            "las",
            "un",
            "una",
            "unos",
            "unas",
            "y",
            "en",
            "del",
            "al",
            "con",
            "su",
            "sus",
            "que",
            "por",
            "para",
            "es",
            "son",
            "se",
            "muy",
            "sobre",
            "bajo",
            "busca",
            "buscan",
            "juegan",
            "dos",
            "tres",
            "niña",
            "niño",
            "perro",
            "gato",
            "noche",
        ]
    ),
    "fr": set(
        [
            "le",
            "la",
            "les",
            "un",
            "une",
            "des",
            "et",
            "dans",
            "du",
            "au",
            "aux",
            "avec",
            "son",
            "sa",
            "ses",
            "sur",
            "sous",
            "est",
            "sont",
            "qui",
            "pour",
            "deux",
            "trois",
            "chat",
            "chien",
            "nuit",
            "petit",
            "petite",
            "vieux",
            "vieille",
        ]
    ),
    "de": set(
        [
            "der",
            "die",
            "das",
            "ein",
            "eine",
            "einen",
            "dem",
            "den",
            "und",
            "im",
            "am",
            "mit",
            "auf",
            "ist",
            "sind",
            "sein",
            "seine",
            "ihr",
            "ihre",
            "zwei",
            "drei",
            "nacht",
            "alte",
            "alter",
            "kleine",
            "kleiner",
            "über",
            "unter",
        ]
    ),
}
LETTERS: dict[str, str] = {"es": "ñ¿¡", "fr": "çèêëàâîïôûœ", "de": "äöüß"}
SUPPORTED = ("en", "es", "fr", "de", "ja", "zh")


def detect_language(text: str) -> str:
    """ISO 639-1 code of the idea's language; English when nothing says otherwise."""
    script = script_language(text)
    if script:
        return script
    words = re.findall(r"[^\W\d_]+", text.lower())
    score = {lang: sum(w in markers for w in words) for lang, markers in MARKERS.items()}
    # letters of a language, except in capitalised words: names ("Zoë and Chloé dance" is
    # English); a sentence's first word still counts through the markers and lexicons
    written = re.findall(r"[^\W\d_]+", text)
    lowered = " ".join(w for w in written if not w[0].isupper()).lower()
    for lang, letters in LETTERS.items():
        score[lang] += 2 * sum(ch in letters for ch in lowered)
    for lang in ("es", "fr", "de"):  # words only that language's lexicon knows
        table = lexicon(lang).table
        assert table is not None
        score[lang] += sum(
            (w in table.NOUNS or w in table.VERBS)
            and lexicon("en").noun(w) is None
            and english_verb(w) is None
            for w in words
        )
    # "la" and "a" are shared: English must win clearly on a tie with its own words
    best = max(score, key=lambda lang: (score[lang], lang == "en"))
    return best if score[best] > 0 else "en"
