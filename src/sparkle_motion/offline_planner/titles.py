"""A film's title from the idea: its names ('Marta and Leo'), its cast ('The Lighthouse
Keeper and the Whale', 'Una niña y su perro'), or, for an idea with no one in it, the
idea's own words ('Storm', 'A Winter Night in the Forest'). Never a template around a
fragment."""

from __future__ import annotations

from .cast import Member
from .grammar import NUMBER_WORDS, definite, join, plural, title_case
from .idea import Idea

MAX_IDEA_TITLE_WORDS = 9


def _english_cast_title(idea: Idea, members: list[Member]) -> str:
    parts: list[str] = []
    seen: set[str] = set()
    for b, m in zip(idea.beings, members, strict=False):
        if m.named_by_idea:
            parts.append(m.name)
            continue
        if b.phrase in seen:
            continue
        same = sum(x.phrase == b.phrase and not x.name for x in idea.beings)
        seen.add(b.phrase)
        if b.concept == "narrator":
            continue
        if same > 1:
            parts.append(f"the {NUMBER_WORDS.get(same, 'Many')} {title_case(plural(b.phrase))}")
        else:
            parts.append(f"the {title_case(b.phrase)}")
    if len(parts) == 1 and idea.scene.props:  # "The Girl and the Kite"
        parts.append(f"the {title_case(idea.scene.props[0])}")
    title = join(parts[:3], "en")
    return title[:1].upper() + title[1:]


def _native_cast_title(idea: Idea, members: list[Member]) -> str:
    parts: list[str] = []
    seen: set[str] = set()
    for b, m in zip(idea.beings, members, strict=False):
        if m.named_by_idea:
            parts.append(m.name)
        elif b.native and b.native not in seen and b.concept != "narrator":
            seen.add(b.native)
            group = sum(x.native == b.native and not x.name for x in idea.beings) > 1
            parts.append(
                definite(
                    plural_native(b.native, idea.language) if group else b.native,
                    b.native_gender,
                    group,
                    idea.language,
                )
            )
    title = join(parts[:3], idea.language)
    return title[:1].upper() + title[1:]


def plural_native(word: str, language: str) -> str:
    if language == "de":
        return word  # German plurals are irregular; the lexicon lists the plural forms used
    if word.endswith(("s", "x", "z")):
        return word
    if language == "es" and word[-1:] not in "aeiouáéó":
        return word + "es"
    return word + "s"


def _idea_title(idea: Idea) -> str:
    text = idea.original or idea.text
    return title_case(text) if idea.language == "en" else text[:1].upper() + text[1:]


def title_for(idea: Idea, members: list[Member]) -> str:
    if idea.beings:
        if idea.language in ("es", "fr", "de"):
            title = _native_cast_title(idea, members)
        else:
            title = _english_cast_title(idea, members)
        if title:
            return title[:200]
    if idea.text.strip(" .!?¿¡,;:") and (
        len(idea.text.split()) <= MAX_IDEA_TITLE_WORDS or idea.language in ("ja", "zh")
    ):
        return _idea_title(idea)[:200]
    names = [m.name for m in members]
    return join(names, idea.language)[:200] or "Untitled"


__all__ = ["title_for"]
