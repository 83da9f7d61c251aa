"""What a keyframe shows, read from its step's words: the cast (each character's kind and
look, and creatures the prompt names), the room or the land, the time, the weather, the
props, who speaks, and whether someone flies or rides."""

from __future__ import annotations

from dataclasses import dataclass, field

from ....schemas import ImageStep
from .canvas import RGB, character_colour
from .creatures import SIZE
from .figures import Look, look_of
from .words import (
    COATS,
    CREATURES,
    EXTERIORS,
    INTERIORS,
    PERSON,
    PROPS,
    RIDE,
    TIMES,
    WEATHER,
    all_mentions,
    first_mention,
    mentions,
)

MAX_EXTRAS = 2
WATER_KINDS = {"sea", "beach", "lake", "river"}
# a prompt's word for one of these is no guest in a room
OUTDOOR_ONLY = (
    "whale",
    "fish",
    "horse",
    "dragon",
    "elephant",
    "camel",
    "cow",
    "deer",
    "bear",
    "lion",
    "tiger",
    "seal",
)


@dataclass(frozen=True)
class Cast:
    """One figure: a character (id and name) or a creature the prompt names (no id)."""

    kind: str  # "person" or a key of words.CREATURES
    id: str | None = None
    name: str | None = None
    look: Look | None = None
    coat: str | None = None  # an animal's coat colour word (a key of words.COATS)
    appearance: str = ""  # the words that may name the colour it wears ("in teal")

    @property
    def colour(self) -> RGB:
        return character_colour(self.id or self.kind, self.appearance)

    @property
    def lives(self) -> str:
        return "ground" if self.kind == "person" else SIZE[self.kind][1]


@dataclass(frozen=True)
class Reading:
    """What a keyframe shows, read from its step."""

    time: str
    mood: str | None
    interior: str | None
    land: frozenset[str]
    weather: frozenset[str]
    props: tuple[str, ...]
    cast: tuple[Cast, ...]
    speaker: str | None
    flying: bool = False
    extras: tuple[str, ...] = field(default=())
    riding: bool = False


def kind_of(name: str, appearance: str | None) -> str:
    """A character's kind: the first creature or person word of its appearance, else of its
    name; a person when neither names a creature."""
    table = {**CREATURES, "person": PERSON}
    for text in (appearance or "", name):
        found = first_mention(text, table)
        if found:
            return found
    return "person"


def read(step: ImageStep) -> Reading:
    scene = step.scene
    setting = (scene.setting or "") if scene else ""
    text = f"{step.prompt} {setting}"
    time = (scene.time_of_day if scene else None) or first_mention(text, TIMES) or "day"
    # the setting says where we are; the prompt only when the setting names no place
    interior = first_mention(setting, INTERIORS)
    if interior is None and not all_mentions(setting, EXTERIORS):
        interior = first_mention(step.prompt, INTERIORS)
    cast = []
    for char in scene.characters if scene else []:
        kind = kind_of(char.name, char.appearance)
        look = (
            look_of(char.id, f"{char.name} {char.appearance or ''}") if kind == "person" else None
        )
        coat = None if kind == "person" else first_mention(char.appearance or "", COATS)
        cast.append(
            Cast(
                kind=kind,
                id=char.id,
                name=char.name,
                look=look,
                coat=coat,
                appearance=char.appearance or "",
            )
        )
    # creatures the prompt names beyond the cast; indoors only those that fit in a room
    present = set() if not interior else set(OUTDOOR_ONLY)
    present |= {c.kind for c in cast}
    extras = [k for k in all_mentions(step.prompt, CREATURES) if k not in present][:MAX_EXTRAS]
    cast.extend(Cast(kind=k) for k in extras)
    land = set(all_mentions(text, EXTERIORS))
    props = all_mentions(text, PROPS)
    for both, part in (("chess", "table"), ("paper_boat", "boat")):
        if both in props and part in props:
            props.remove(part)
    kinds = {c.kind for c in cast}
    # a whale or a fish needs water; a boat too, unless the place is named and has none
    if (kinds & {"whale", "fish"} or ("boat" in props and not land)) and not land & WATER_KINDS:
        land.add("sea")
    return Reading(
        time=time,
        mood=scene.mood if scene else None,
        interior=interior,
        land=frozenset(land),
        weather=frozenset(all_mentions(text, WEATHER)),
        props=tuple(props),
        cast=tuple(cast),
        speaker=scene.speaker if scene else None,
        flying=any(w in text.lower() for w in ("fly", "flies", "flying", "soar", "wings")),
        extras=tuple(extras),
        riding=mentions(text, RIDE),
    )
