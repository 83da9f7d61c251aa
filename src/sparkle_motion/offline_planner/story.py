"""The offline planner's writer: an idea -> a MoviePlan dict (creative half only).

A story arc of 3-8 beats (establish, introduce, inciting, complication, turn, climax,
resolution, coda) is told with the idea's own cast, action and setting; the seed picks
among phrasings, names, camera moves and looks, so the same idea and seed always give
the same plan. Dialogue is sized to fit its shot at a typical speaking rate.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from typing import Any

from .idea import ANIMALS, HUMANS, Idea, read_idea

BEATS_BY_PRIORITY = [
    "establish",
    "inciting",
    "climax",
    "resolution",
    "introduce",
    "turn",
    "complication",
    "coda",
]
ARC = ["establish", "introduce", "inciting", "complication", "turn", "climax", "resolution", "coda"]
NAMES = [
    "Ada",
    "Tobin",
    "Mila",
    "Oren",
    "Suki",
    "Bram",
    "Ines",
    "Kofi",
    "Lena",
    "Mateo",
    "Noor",
    "Pip",
    "Rosa",
    "Theo",
    "Yara",
    "Wren",
    "Hugo",
    "Iris",
    "Jonas",
    "Kaia",
]
FEATURES = [
    "a weathered face and kind eyes",
    "a patched coat and muddy boots",
    "a red scarf and wild hair",
    "round spectacles and a tidy braid",
    "a wool cap and a quick smile",
    "a long grey coat",
    "freckles and a striped jumper",
    "a battered satchel and bright eyes",
]
CREATURE_LOOKS = [
    "with gentle, curious eyes",
    "with a scarred, silvery hide",
    "small and quick, with a bright eye",
    "vast and slow, glowing faintly",
    "with a crooked, friendly grin",
]
STYLES = {
    "warm": "warm storybook illustration, soft golden light",
    "tense": "moody cinematic film still, deep shadows, high contrast",
    "wondrous": "painterly, luminous colour, wide open space",
    "melancholy": "muted watercolour, pale light",
    "whimsical": "playful gouache illustration, bright flat colours",
}
MUSIC = {
    "warm": "tender",
    "tense": "suspenseful",
    "wondrous": "wondrous",
    "melancholy": "wistful",
    "whimsical": "playful",
}
INSTRUMENTS = [
    "solo cello and soft strings",
    "felt piano and light percussion",
    "music box and harp",
    "low synth pads and a pulsing drum",
    "acoustic guitar and whistling",
]
AMBIENT = {
    "warm": [
        "soft light lying on everything",
        "smoke curling from a chimney",
        "birds crossing a calm sky",
    ],
    "tense": [
        "wind rattling every loose thing",
        "long shadows and a storm building",
        "a siren somewhere far off",
    ],
    "wondrous": [
        "a strange glimmer on the horizon",
        "mist lifting to reveal the distance",
        "stars still visible in a pale sky",
    ],
    "melancholy": [
        "rain tracing the windows",
        "empty paths and fallen leaves",
        "a single light left on",
    ],
    "whimsical": [
        "laundry flapping on a line",
        "a cat asleep on a sunny wall",
        "bunting strung between the roofs",
    ],
}
TIMES = {
    "warm": ["day", "day", "dusk", "dusk"],
    "tense": ["dusk", "night", "night", "dawn"],
    "wondrous": ["dawn", "day", "dusk", "night"],
    "melancholy": ["dusk", "night", "night", "dawn"],
    "whimsical": ["day", "day", "day", "dusk"],
}
CAMERA = {
    "establish": ["pan_right", "zoom_out"],
    "introduce": ["zoom_in", "pan_left"],
    "inciting": ["zoom_in", "static"],
    "complication": ["pan_left", "tilt_down"],
    "turn": ["static", "pan_right"],
    "climax": ["zoom_in", "tilt_up"],
    "resolution": ["zoom_out", "static"],
    "coda": ["tilt_up", "zoom_out"],
}


@dataclass
class Cast:
    id: str
    phrase: str  # e.g. "lighthouse keeper"
    name: str
    speaks: bool
    appearance: str


def _base_form(verb_phrase: str) -> str:
    """'learns to paint' -> 'learn to paint'; 'teaches me' -> 'teach me'."""
    words = verb_phrase.split()
    if not words:
        return verb_phrase
    v = words[0]
    if v.endswith("ies") and len(v) > 4:
        v = v[:-3] + "y"
    elif v.endswith(("ches", "shes", "sses", "xes", "oes")):
        v = v[:-2]
    elif v.endswith("s") and not v.endswith("ss"):
        v = v[:-1]
    return " ".join([v, *words[1:]])


WHEN = {"dawn": "at dawn", "day": "by day", "dusk": "at dusk", "night": "at night"}


def _a(phrase: str) -> str:
    """'a whale', 'an owl'."""
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def _title(text: str) -> str:
    small = {"a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "by", "with"}
    words = text.split()
    return " ".join(
        w if i and w.lower() in small else w[:1].upper() + w[1:] for i, w in enumerate(words)
    )


def _slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-") or "x"


def _singular(phrase: str) -> tuple[str, bool]:
    words = phrase.split()
    head = words[-1].lower()
    if head not in HUMANS | ANIMALS and head.endswith("s") and head[:-1] in HUMANS | ANIMALS:
        return " ".join([*words[:-1], head[:-1]]), True
    return phrase, False


def _cast(idea: Idea, rng: random.Random) -> list[Cast]:
    names = rng.sample(NAMES, len(NAMES))
    phrases: list[str] = []
    for phrase in idea.characters:
        single, plural = _singular(phrase)
        phrases += [single, single] if plural else [single]  # "two sisters": two people
    phrases = phrases[:3]
    humans_present = any(p.lower().split()[-1] in HUMANS or p == "wanderer" for p in phrases)
    cast: list[Cast] = []
    used_ids: set[str] = set()
    counts = {p: phrases.count(p) for p in phrases}
    for phrase in phrases:
        head = phrase.lower().split()[-1]
        human = head in HUMANS or head not in ANIMALS
        ident = _slug(head, 20)
        while ident in used_ids:
            ident = f"{ident}-2"
        used_ids.add(ident)
        if human:
            name = names.pop()
            look = f"{_a(phrase.lower())} with {rng.choice(FEATURES)}"
        else:  # a creature is called by what it is, unless there are two of them
            name = names.pop() if counts[phrase] > 1 else phrase.title()
            look = f"{_a(phrase.lower())} {rng.choice(CREATURE_LOOKS)}"
        speaks = human or not humans_present
        cast.append(Cast(ident, phrase.lower(), name, speaks, look))
    return cast


def _fit_duration(lines: list[str], rng: random.Random) -> float:
    words = sum(len(re.findall(r"[\w']+", t)) for t in lines)
    needed = words / 2.3 + 0.3 * len(lines) + 1.0
    return round(max(rng.uniform(3.5, 5.5), needed) * 2) / 2


def write_plan(idea_text: str, seed: int = 0) -> dict[str, Any]:
    idea = read_idea(idea_text)
    rng = random.Random(f"{seed}:{idea.text.lower()}")
    cast = _cast(idea, rng)
    a = cast[0]
    b = cast[1] if len(cast) > 1 else None
    # the idea's subject is plural ("two sisters") or joint ("a fox and an owl")
    group = b is not None and (_singular(idea.characters[0])[1] or idea.joint_subject)
    who = f"{a.name} and {b.name}" if group else a.name
    if b and not group:
        thing = f"the {b.phrase}"
    else:
        thing = f"the {idea.props[0]}" if idea.props else "something new"
    setting = idea.setting or rng.choice(
        [
            "a small seaside town",
            "a quiet village at the edge of a forest",
            "a sunlit apartment in the city",
            "a windswept hill above a valley",
        ]
    )
    mood = idea.mood
    action = idea.action or f"goes looking for {idea.props[0] if idea.props else 'something new'}"
    for member in cast:  # introduced characters and props take 'the'
        action = re.sub(
            rf"\b(a|an|two|some)\s+{re.escape(member.phrase)}\b",
            f"the {member.phrase}",
            action,
            flags=re.I,
        )
    for prop in idea.props:
        action = re.sub(rf"\b(a|an)\s+{re.escape(prop)}\b", f"the {prop}", action, flags=re.I)
    base = _base_form(action)

    count = 4 + (len(cast) > 1) + (len(idea.words) > 7) + rng.choice([-1, 0, 1])
    count = max(3, min(8, count))
    chosen = set(BEATS_BY_PRIORITY[:count])
    beats = [beat for beat in ARC if beat in chosen]
    times = TIMES[mood]
    ambient = rng.sample(AMBIENT[mood], len(AMBIENT[mood]))
    speaker_b = b if b and b.speaks else a

    def describe(beat: str, tod: str) -> tuple[str, list[Cast], list[tuple[Cast, str, bool]]]:
        """description, who is on screen, (speaker, line, off_screen)."""
        if beat == "establish":
            text = rng.choice(
                [
                    f"Wide view of {setting} {WHEN[tod]}, {ambient[0]}.",
                    f"{setting[0].upper() + setting[1:]} {WHEN[tod]}: {ambient[0]}.",
                ]
            )
            return (
                text,
                [],
                [
                    (
                        a,
                        rng.choice(
                            [
                                f"It started in {setting}.",
                                "I remember the quiet, before it all began.",
                            ]
                        ),
                        True,
                    )
                ],
            )
        if beat == "introduce":
            habit = rng.choice(
                [
                    "goes about the day's small routines",
                    "works alone, humming under their breath",
                    "stares out at the horizon, restless",
                ]
            )
            intro = (
                f"The {a.phrase}" if a.name.lower() == a.phrase else f"{a.name}, the {a.phrase},"
            )
            return (
                f"{intro} {habit} in {setting}.",
                [a],
                [
                    (
                        a,
                        rng.choice(
                            ["Same as every day.", "Nothing ever changes here.", "Just me again."]
                        ),
                        False,
                    )
                ],
            )
        if beat == "inciting":
            if group:
                return (
                    f"{who} put their heads together over one plan: to {base}.",
                    [a, b],
                    [
                        (
                            a,
                            rng.choice(["Are you ready?", "Here it comes.", "We can do this."]),
                            False,
                        )
                    ],
                )
            if b:
                return (
                    f"{a.name} notices {b.name if b.name[0].isupper() and b.speaks else 'the ' + b.phrase} for the first time, and stops still.",
                    [a, b],
                    [
                        (
                            a,
                            rng.choice(["Who are you?", "Hello there.", "Well, look at you."]),
                            False,
                        )
                    ],
                )
            return (
                f"Something catches {a.name}'s eye, and a thought takes hold: to {base}.",
                [a],
                [(a, rng.choice([f"What if I could {base}?", "I have to try this."]), False)],
            )
        if beat == "complication":
            trouble = rng.choice(
                {
                    "tense": ["the way ahead is blocked", "they are spotted", "the light fails"],
                    "warm": [
                        "a storm rolls in",
                        "the first attempt falls apart",
                        "doubt creeps in",
                    ],
                }.get(
                    mood,
                    ["nothing goes to plan", "the weather turns", "a first attempt fails badly"],
                )
            )
            return (
                f"Trouble: {trouble}, and {a.name} struggles to keep going.",
                [a],
                [
                    (
                        a,
                        rng.choice(
                            ["This is harder than I thought.", "No, no, no!", "Not like this."]
                        ),
                        False,
                    )
                ],
            )
        if beat == "turn":
            if group:
                return (
                    f"{who} find a way through, side by side.",
                    [a, b],
                    [(b, rng.choice(["Stay close.", "This way!", "Don't let go."]), False)],
                )
            if b:
                return (
                    f"{a.name} and {thing} find a way to work together.",
                    [a, b],
                    [
                        (
                            speaker_b,
                            rng.choice(
                                ["Let's try it together.", "Follow me.", "There is another way."]
                            ),
                            False,
                        )
                    ],
                )
            return (
                f"{a.name} tries again, slower and more carefully this time.",
                [a],
                [(a, rng.choice(["One more time.", "Slowly now."]), False)],
            )
        if beat == "climax":
            return (
                f"The decisive moment: {who} {action}.",
                [a] + ([b] if b else []),
                [(a, rng.choice(["Now or never.", "Here we go.", "I can do this."]), False)],
            )
        if beat == "resolution":
            outcome = rng.choice(["laughs with relief", "finally rests", "looks around, changed"])
            on = [a] + ([b] if b else [])
            line = rng.choice(
                ["We did it.", "I'm glad I found you.", "It was worth it."]
                if b
                else ["I did it.", "It was worth it.", "Look at that."]
            )
            return (
                f"Afterwards, {a.name} {outcome} in {setting}.",
                on,
                [(speaker_b if b else a, line, False)],
            )
        return (
            f"Closing image of {setting} {WHEN[tod]}, {ambient[-1]}.",
            [],
            [
                (
                    a,
                    rng.choice(["Some days, I still think about it.", "And that is how it began."]),
                    True,
                )
            ],
        )

    shots, keyframes = [], []
    style = STYLES[mood]
    for index, beat in enumerate(beats):
        tod = times[min(len(times) - 1, index * len(times) // len(beats))]
        text, on_screen, spoken = describe(beat, tod)
        duration = _fit_duration([line for _, line, _ in spoken], rng)
        shot_id = f"s{index + 1}-{beat}"
        shots.append(
            {
                "id": shot_id,
                "title": beat,
                "description": text,
                "duration_s": duration,
                "setting": setting,
                "mood": mood,
                "time_of_day": tod,
                "camera": rng.choice(CAMERA[beat]),
                "characters": [c.id for c in on_screen],
                "dialogue": [
                    {"character": c.id, "text": line, "off_screen": off} for c, line, off in spoken
                ],
                "transition_in": "fade" if index == 0 else rng.choice(["cut", "crossfade"]),
            }
        )
        people = "; ".join(c.appearance for c in on_screen)
        keyframes.append(
            {"prompt": f"{text} {people + '. ' if people else ''}{setting}, {tod}, {style}"}
        )
    keyframes.append(
        {
            "prompt": f"Closing frame: {shots[-1]['description']} Fading light over {setting}, {style}"
        }
    )

    if len(idea.characters) > 1 or group:  # "The Sisters and the Dog", "The Keeper and the Whale"
        title = "The " + " and the ".join(_title(p) for p in idea.characters[:2])
    elif idea.verb:
        title = f"{a.name} and the Wish to {_title(base)}"
    elif idea.props:
        title = f"{a.name} and the {_title(idea.props[0])}"
    else:
        title = f"{a.name} in {_title(setting)}"
    digest = hashlib.sha256(f"{seed}:{idea.text.lower()}".encode()).hexdigest()[:8]
    return {
        "id": f"{_slug(title, 40)}-{digest}",
        "title": title[:200],
        "description": f"From the idea: {idea.text}",
        "created_by": "sparkle-offline-planner",
        "seed": seed,
        "characters": [
            {
                "id": c.id,
                "name": c.name,
                "appearance": c.appearance,
                "voice": {
                    "description": f"voice of the {c.phrase}",
                    "pitch_semitones": [-3.0, 3.0, 0.0][i],
                    "rate": [0.95, 1.1, 1.0][i],
                },
            }
            for i, c in enumerate(cast)
        ],
        "shots": shots,
        "base_images": keyframes,
        "music": {"mood": MUSIC[mood], "prompt": rng.choice(INSTRUMENTS), "volume_db": -18},
    }
