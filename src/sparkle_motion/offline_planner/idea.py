"""Read a one-sentence idea: who is in it (names, how many, what kind), where and when,
the weather, what happens and with what, and the mood.

A rule-based reader (no model ships here): small lexicons per language (lexicon_*.py)
map words onto English concepts, so the plan is written with English nouns the
storyboard can draw, while the idea's own names and words are kept. Languages: English,
Spanish, French, German; Japanese and Chinese are recognised by their script and read
for a few common nouns (cjk.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from . import lexicon_en as en
from .cast_kinds import Being, beings_in
from .cjk import concepts
from .language import detect_language
from .lexicon import Lexicon, concept_kind, lexicon
from .scene import Scene, read_scene
from .tokens import Token, mark, tokenize

MAX_IDEA_CHARS = 300
QUESTION_LEADS = (
    "what if",
    "what would happen if",
    "imagine if",
    "imagine",
    "suppose",
    "why does",
    "where do",
    "where does",
    "where did",
    "when does",
    "what happens when",
    "what happens if",
    "why do",
    "why did",
    "why is",
    "how does",
    "how do",
    "how did",
    "what does",
    "qué pasaría si",
    "y si",
    "et si",
    "was wäre, wenn",
    "was wäre wenn",
)


@dataclass(frozen=True)
class Idea:
    text: str
    language: str  # ISO 639-1 of the idea
    original: str = ""  # as typed, cleaned (a question keeps its 'What if')
    beings: list[Being] = field(default_factory=list)  # the cast the idea names
    scene: Scene = field(default_factory=Scene)
    question: bool = False

    @property
    def words(self) -> list[str]:
        return self.text.lower().split()


def _clean(text: str) -> tuple[str, bool]:
    clean = " ".join(text.split()).strip()
    if len(clean) > MAX_IDEA_CHARS:  # a premise, not a treatment: keep its opening
        clean = clean[:MAX_IDEA_CHARS].rsplit(" ", 1)[0]
    question = clean.endswith("?") or clean.startswith("¿")
    clean = clean.strip("¿¡").rstrip(".!?,;: ")
    low = clean.lower()
    for lead in QUESTION_LEADS:
        if low.startswith(lead + " ") and len(clean) > len(lead) + 3:
            clean = clean[len(lead) + 1 :]
            question = True
            break
    return clean, question


def _cjk_tokens(text: str, lex: Lexicon) -> list[Token]:
    """A Japanese/Chinese idea as English concept tokens, in the order they appear."""
    nouns, verbs = concepts(text)
    count = 2 if any(k in text for k in ("二人", "两个", "兩個", "两人", "兄弟", "姉妹")) else 0
    count = 3 if any(k in text for k in ("三人", "三个", "三個")) else count
    cast = [n for n in nouns if concept_kind(n) in {"person", "creature"}]
    rest = [n for n in nouns if n not in cast]
    words = (["two"] if count == 2 else ["three"] if count == 3 else []) + cast[:1]
    words += (["and", *cast[1:2]] if len(cast) > 1 else []) + verbs[:1] + rest
    tokens = mark(words, lex)
    for tok in tokens:
        if tok.low in en.CITIES:
            tok.mark = "city"
    return tokens


def read_idea(text: str) -> Idea:
    clean, question = _clean(text)
    language = detect_language(clean)
    lex = lexicon(language)
    if language in ("ja", "zh"):
        tokens = _cjk_tokens(clean, lex)
    else:
        tokens = mark(tokenize(clean, language), lex)
    if language in ("ja", "zh"):
        lex = replace(lex, code=language)
    beings = beings_in(tokens, lex)
    scene = read_scene(tokens, lex, beings, english_text=clean if language == "en" else "")
    original = " ".join(text.split()).strip()[:MAX_IDEA_CHARS].rstrip(".!,;: ")
    return Idea(
        text=clean,
        language=language,
        original=original,
        beings=beings,
        scene=scene,
        question=question,
    )


def is_creature(word: str) -> bool:
    return concept_kind(word) == "creature"
