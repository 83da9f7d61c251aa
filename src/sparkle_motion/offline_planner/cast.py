"""The plan's cast: every being the idea names becomes a character with a name, an English
look that names its kind, a gender and a preview voice (cast_voice) kept for all its
lines. An idea with no one in it gets a fitting witness instead."""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..media.cast_voices import cast_voice, repeat_pitch
from . import lexicon_en as en
from .cast_kinds import Being
from .grammar import slug
from .idea import Idea

NAMES: dict[str, dict[str, list[str]]] = {
    "en": {
        "f": [
            "Ada",
            "Mila",
            "Iris",
            "Wren",
            "Nora",
            "Ruby",
            "Hazel",
            "Maggie",
            "Tess",
            "Ivy",
            "June",
            "Clara",
            "Edie",
            "Freya",
            "Nell",
            "Opal",
            "Greta",
            "Lottie",
            "Mabel",
            "Rosie",
            "Agnes",
            "Dot",
            "Bea",
            "Cora",
            "Winnie",
            "Pearl",
        ],
        "m": [
            "Tobin",
            "Oren",
            "Bram",
            "Theo",
            "Jonah",
            "Felix",
            "Arlo",
            "Silas",
            "Ezra",
            "Milo",
            "Otis",
            "Rufus",
            "Abe",
            "Jasper",
            "Gus",
            "Cal",
            "Reuben",
            "Alfie",
            "Monty",
            "Ned",
            "Wilf",
            "Barney",
            "Eli",
            "Sid",
            "Ike",
            "Percy",
        ],
    },
    "es": {
        "f": [
            "Lucía",
            "Carmen",
            "Inés",
            "Pilar",
            "Rocío",
            "Marisol",
            "Elena",
            "Alba",
            "Nuria",
            "Paloma",
            "Luz",
            "Ana",
        ],
        "m": [
            "Mateo",
            "Diego",
            "Pablo",
            "Andrés",
            "Tomás",
            "Julián",
            "Rafa",
            "Nicolás",
            "Bruno",
            "Álvaro",
            "Iker",
            "Santi",
        ],
    },
    "fr": {
        "f": [
            "Camille",
            "Léa",
            "Manon",
            "Chloé",
            "Margaux",
            "Inès",
            "Jeanne",
            "Adèle",
            "Lou",
            "Romane",
            "Zoé",
            "Agathe",
        ],
        "m": [
            "Lucien",
            "Théo",
            "Jules",
            "Arthur",
            "Gaspard",
            "Louis",
            "Émile",
            "Hugo",
            "Victor",
            "Raphaël",
            "Léon",
            "Paul",
        ],
    },
    "de": {
        "f": [
            "Greta",
            "Frieda",
            "Lotte",
            "Ida",
            "Mathilda",
            "Paula",
            "Emmi",
            "Klara",
            "Hanna",
            "Anni",
            "Lina",
            "Wilma",
        ],
        "m": [
            "Jonas",
            "Emil",
            "Anton",
            "Paul",
            "Theo",
            "Oskar",
            "Karl",
            "Moritz",
            "Jakob",
            "Fritz",
            "Ole",
            "Linus",
        ],
    },
    "ja": {
        "f": ["Hana", "Yuki", "Aiko", "Mei", "Sakura", "Emi", "Rin", "Sora", "Nana", "Kaori"],
        "m": ["Kenji", "Taro", "Haruto", "Sota", "Ren", "Daiki", "Kaito", "Yuto", "Riku", "Shin"],
    },
    "zh": {
        "f": ["Mei", "Lin", "Xiu", "Yan", "Ling", "Hua", "Jing", "Fang", "Qing", "Lan"],
        "m": ["Wei", "Ming", "Jun", "Hao", "Lei", "Bo", "Tao", "Peng", "Kai", "Long"],
    },
}
PERSON_FEATURES = [
    "a red scarf and wild hair",
    "round spectacles and a tidy braid",
    "a wool cap and a quick smile",
    "a long grey coat",
    "freckles and a striped jumper",
    "a battered satchel and bright eyes",
    "a yellow raincoat",
    "a green cardigan and rolled sleeves",
]
CREATURE_FEATURES = [
    "with gentle, curious eyes",
    "with a bright, quick eye",
    "with a white patch on its chest",
    "with a crooked, friendly grin",
    "with a proud, wary look",
]
COLOURS = ["red", "blue", "green", "yellow", "purple", "orange", "teal"]
# who witnesses an idea that names no one, by where it happens
WITNESS = {
    "harbour": "fisherman",
    "harbor": "fisherman",
    "sea": "sailor",
    "ocean": "sailor",
    "forest": "ranger",
    "woods": "ranger",
    "village": "child",
    "town": "child",
    "city": "night walker",
    "rooftop": "night walker",
    "building": "neighbour",
    "apartment": "neighbour",
    "mountain": "climber",
    "desert": "traveller",
}
SPEAKER_LANGUAGES = {"en", "es", "fr", "de"}
YOUNG_PEOPLE = {
    "child",
    "kid",
    "baby",
    "teenager",
    "teen",
    "toddler",
    "grandchild",
    "infant",
}  # lines in the idea's language when a voice has it


@dataclass
class Member:
    id: str
    name: str  # what the film calls them ("Marta", "Whale", "Lucía")
    kind: str  # English noun for looks and prompts ("old friend", "whale")
    concept: str  # the bare English noun ("friend", "whale")
    draw_kind: str
    creature: bool
    gender: str  # "female" / "male": the voice's
    appearance: str
    colour: str
    provider: str = ""
    voice_id: str = ""
    pitch: float = 0.0
    native: str = ""  # the idea-language word for its kind ("perro"), for titles and lines
    native_gender: str = ""
    named_by_idea: bool = False


def line_language(idea_language: str) -> str:
    return idea_language if idea_language in SPEAKER_LANGUAGES else "en"


def _a(phrase: str) -> str:
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def invented_beings(idea: Idea) -> list[Being]:
    """A fitting witness (or two friends for 'Friendship') when the idea names no one."""
    scene = idea.scene
    if scene.topic and scene.topic.startswith("friend"):
        return [
            Being("", "friend", "friend", "f", False, "person"),
            Being("", "friend", "friend", "m", False, "person"),
        ]
    kind = WITNESS.get(scene.place_head, "traveller" if scene.weather else "child")
    return [Being("", kind, kind, "", False, "person")]


def cast_members(idea: Idea, beings: list[Being], rng: random.Random) -> list[Member]:
    language = idea.language
    pool = {g: rng.sample(NAMES[language][g], len(NAMES[language][g])) for g in ("f", "m")}
    taken_names = {b.name.split()[-1] for b in beings if b.name}
    members: list[Member] = []
    genders = _voice_genders(beings)
    kinds_seen: dict[str, int] = {}
    for b in beings:
        kinds_seen[b.concept] = kinds_seen.get(b.concept, 0) + 1
    used_ids: set[str] = set()
    taken_voices: set[str] = set()
    cast_order: list[str] = []
    colours = rng.sample(COLOURS, len(COLOURS))
    for n, (b, gender) in enumerate(zip(beings, genders, strict=True)):
        if b.name:
            name = b.name
        elif b.creature and kinds_seen[b.concept] == 1:
            word = b.native if b.native and language in ("es", "fr", "de") else b.concept
            name = word[:1].upper() + word[1:]
        else:
            g = "f" if gender == "female" else "m"
            name = next(x for x in pool[g] if x not in taken_names)
            taken_names.add(name)
        ident = slug(name, 24, "c")
        while ident in used_ids:
            ident = f"{ident}-{n + 1}"
        used_ids.add(ident)
        colour = colours[n % len(colours)]
        if b.creature:
            look = f"{_a(b.phrase)} {rng.choice(CREATURE_FEATURES)}, {colour} accents"
        else:
            young = b.concept in YOUNG_PEOPLE
            who = {"female": "girl" if young else "woman", "male": "boy" if young else "man"}[
                gender
            ]
            if b.concept in {"person", "narrator"}:
                look = f"a {who} with {rng.choice(PERSON_FEATURES)}, in {colour}"
            elif en.PEOPLE.get(b.concept):  # 'girl', 'grandfather': the word says it
                look = f"{_a(b.phrase)} with {rng.choice(PERSON_FEATURES)}, in {colour}"
            else:
                look = f"{_a(b.phrase)}, a {who} with {rng.choice(PERSON_FEATURES)}, in {colour}"
        provider, voice_id = cast_voice(gender, line_language(language), taken_voices)  # type: ignore[arg-type]
        pitch = repeat_pitch(provider, voice_id, cast_order)
        taken_voices.add(f"{provider}:{voice_id}")
        cast_order.append(f"{provider}:{voice_id}")
        members.append(
            Member(
                id=ident,
                name=name,
                kind=b.phrase if b.concept not in {"person", "narrator"} else "person",
                concept=b.concept,
                draw_kind=b.draw_kind,
                creature=b.creature,
                gender=gender,
                appearance=look,
                colour=colour,
                provider=provider,
                voice_id=voice_id,
                pitch=pitch,
                native=b.native,
                native_gender=b.native_gender,
                named_by_idea=bool(b.name),
            )
        )
    return members


def _voice_genders(beings: list[Being]) -> list[str]:
    """'female'/'male' per being: what the idea says, else the one fewer so far, so two
    speakers differ (the first unknown is female beside a male, and the other way round)."""
    out: list[str] = []
    for b in beings:
        if b.gender:
            out.append({"f": "female", "m": "male"}[b.gender])
        else:
            out.append("")
    known = [g for g in out if g]
    for i, g in enumerate(out):
        if not g:
            females = sum(x == "female" for x in known)
            males = sum(x == "male" for x in known)
            out[i] = "female" if females <= males else "male"
            known.append(out[i])
    return out
