"""Lines for a beat, written from parts: a phrasebook template for the beat and role in
the line's language, filled with the idea's names, prop, place, action, weather and time.
A template needs at least one of the idea's own slots ({you}, {prop}, {place}, {act}), so
lines differ from idea to idea, and no line is used twice in a plan."""

from __future__ import annotations

import importlib
import random
import re
from dataclasses import dataclass
from functools import cache
from types import ModuleType

from .grammar import definite
from .idea import Idea

OWN_SLOTS = ("{you}", "{prop}", "{place}", "{act}")
MAX_ACT_WORDS = 6
FOREIGN_PLACE = {  # the fallback settings, spoken in the idea's language
    "es": ("plaza", "f"),
    "fr": ("place", "f"),
    "de": ("platz", "m"),
}


@cache
def phrasebook(language: str) -> ModuleType:
    return importlib.import_module(f"{__package__}.phrasebook_{language}")


@dataclass(frozen=True)
class Slots:
    prop: str | None
    place: str | None
    act: str | None
    weather: str | None


def slots_for(idea: Idea, language: str, setting: str) -> Slots:
    """The idea's prop, place, action and weather as they are said in `language`."""
    scene = idea.scene
    book = phrasebook(language)
    weather = book.WEATHER.get(scene.weather) if scene.weather else None
    if language == "en":
        prop = f"the {scene.props[0]}" if scene.props else None
        place = _spoken_place(setting)
        words = scene.act.split()
        act = scene.act if scene.act and 1 < len(words) <= MAX_ACT_WORDS else None
        return Slots(prop, place, act, weather)
    prop = None
    if scene.native_props:
        word, gender, is_plural = scene.native_props[0]
        if word:
            prop = definite(word, gender, is_plural, language)
    place = None
    if scene.native_place and scene.native_place[0]:
        word, gender, is_plural = scene.native_place
        place = definite(word, gender, is_plural, language)
    elif language in FOREIGN_PLACE and not scene.place:
        place = definite(*FOREIGN_PLACE[language], False, language)
    return Slots(prop, place, None, weather)


def _spoken_place(setting: str) -> str | None:
    """The place as a character says it: 'the windswept hill' (not '... above a valley')."""
    text = re.sub(r"^(under|by|at|around|on|in)\s+", "", setting)
    text = re.sub(r"^(a|an)\s+", "the ", text)
    if len(text.split()) > 3:
        short = re.split(r"\s+(?:above|at|in|on|by|near|along|under|with|among)\s+", text)[0]
        text = short if len(short.split()) >= 2 else text
    return text or None


def write_line(
    beat: str,
    role: str,
    language: str,
    slots: Slots,
    you: str | None,
    when: str,
    rng: random.Random,
    used: set[str],
    *,
    act_ok: bool = True,
) -> str | None:
    """One line for `beat` and `role`, or None when every fitting template is used.
    `act_ok=False` keeps {act} out (the action names the speaker or the one addressed:
    'befriend a whale' is not said to the whale)."""
    book = phrasebook(language)
    templates = book.LINES.get(beat, {}).get(role, [])
    values = {
        "{you}": you,
        "{prop}": slots.prop,
        "{place}": slots.place,
        "{act}": slots.act if act_ok else None,
        "{weather}": slots.weather,
        "{when}": book.WHEN[when],
    }
    fitting = []
    for template in templates:
        needed = re.findall(r"\{\w+\}", template)
        if not any(s in needed for s in OWN_SLOTS):
            continue
        if all(values.get(s) for s in needed):
            fitting.append(template)
    rng.shuffle(fitting)
    for template in fitting:
        text = template
        for slot, value in values.items():
            if value:
                text = text.replace(slot, value)
        text = _capitalise(text)
        if _norm(text) not in used:
            used.add(_norm(text))
            return text
    return None


def _capitalise(text: str) -> str:
    """Upper-case the first letter of the line and of each sentence in it."""
    return re.sub(
        r"(^|[.!?¿¡]\s+|^[¿¡])([a-zà-ÿ])", lambda m: m.group(1) + m.group(2).upper(), text
    )


def _norm(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .!?,")


def words_in(text: str) -> int:
    return len(re.findall(r"[\w']+", text))
