"""The offline planner's writer: an idea -> a MoviePlan dict (creative half only).

A story arc of 4-7 beats (establish, introduce, inciting, complication, turn, climax,
resolution, coda) told with the idea's own cast, names, place, time, weather, action and
props (idea.py reads them). Shot text and keyframe prompts are English (the storyboard
draws from English nouns); dialogue is in the idea's language where a preview voice
speaks it (dialogue.py). The seed picks among phrasings, names and camera moves, so the
same idea and seed always give the same plan.
"""

from __future__ import annotations

import hashlib
import random
import re
from typing import Any

from .cast import Member, cast_members, invented_beings, line_language
from .dialogue import Slots, slots_for, words_in, write_line
from .grammar import a_an, join, plural, slug
from .idea import Idea, read_idea
from .scene import HOMES, SETTING_DETAILS, third_person
from .titles import title_for

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
TIMES = {
    "warm": ["day", "day", "dusk", "dusk"],
    "tense": ["dusk", "night", "night", "dawn"],
    "wondrous": ["dawn", "day", "dusk", "night"],
    "melancholy": ["dusk", "night", "night", "dawn"],
    "whimsical": ["day", "day", "day", "dusk"],
}
WHEN = {"dawn": "at dawn", "day": "by day", "dusk": "at dusk", "night": "at night"}
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
FALLBACK_PLACES = [
    "a small seaside town",
    "a quiet village at the edge of a forest",
    "a sunlit apartment in the city",
    "a windswept hill above a valley",
]
PLACE_SAID = {"the lighthouse": "the lighthouse on a rocky coast"}
WEATHER_DETAIL = {
    "storm": "black storm clouds, lightning and driving rain",
    "rain": "rain streaming down and puddles everywhere",
    "snow": "snow falling thick and soft",
    "fog": "fog rolling in, hiding everything",
    "wind": "wind tearing at everything loose",
}
AMBIENT = {
    "warm": ["soft light lying on everything", "smoke curling from a chimney"],
    "tense": ["long shadows and a storm building", "every window dark but one"],
    "wondrous": ["a strange glimmer on the horizon", "mist lifting to reveal the distance"],
    "melancholy": ["empty paths and fallen leaves", "a single light left on"],
    "whimsical": ["bunting strung between the roofs", "birds hopping along a wall"],
}
TROUBLE = {
    "storm": "the storm gets worse",
    "rain": "the rain comes down harder",
    "snow": "the snow gets deeper",
    "fog": "the fog swallows the way",
    "wind": "a gust nearly knocks everything over",
}
TITLE_CARD_S = 2.5  # the film's title card covers the first 2.5 s, the end card the last
CARD_MARGIN_S = 0.4
WORDS_PER_S = 2.3  # conservative: lines sized at this pace leave room at any voice's rate
LINE_GAP_S = 0.5
JA_NOTE = (
    "Japanese idea: no preview voice speaks Japanese, so the lines are written in English "
    "(language_id 'en'); the plan's language stays 'ja'."
)
ZH_NOTE = (
    "Chinese idea: the offline planner writes its lines in English (language_id 'en'); "
    "the plan's language stays 'zh'."
)


def _ref(m: Member) -> str:
    """How shot text names a character: its name, or 'the whale' for a lone creature."""
    if m.creature and not m.named_by_idea and m.name.lower() in (m.concept, m.native.lower()):
        return f"the {m.kind}"
    return m.name


ON_PLACES = {
    "beach",
    "hill",
    "street",
    "road",
    "rooftops",
    "rooftop",
    "island",
    "ship",
    "boat",
    "bridge",
    "corner",
    "plains",
    "field",
    "meadow",
    "coast",
    "shore",
    "moon",
    "farm",
    "wall",
    "way",
    "square",
    "mountains",
    "mountain",
    "prairie",
    "dunes",
    "lake",
}
AT_PLACES = {
    "station",
    "stop",
    "campfire",
    "school",
    "harbour",
    "harbor",
    "lighthouse",
    "cafe",
    "market",
    "office",
    "shop",
    "bakery",
    "contest",
    "table",
}


def _at(place: str) -> str:
    """'in the forest', 'on the beach', 'at the bus stop', 'under a cherry tree'."""
    if re.match(r"(under|by|at|around|on|in|inside|near|beside)\s", place):
        return place
    head = re.sub(r"\s+(of|in|on)\s.*$", "", place).split()[-1].lower()
    if head in ON_PLACES:
        return f"on {place}"
    if head in AT_PLACES:
        return f"at {place}"
    return f"in {place}"


def _view(place: str) -> str:
    return (
        f"view {place}" if re.match(r"(under|by|at|around|on|in)\s", place) else f"view of {place}"
    )


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _setting(idea: Idea, rng: random.Random) -> tuple[str, str]:
    """(place, setting): the place as said ('a Paris cafe') and the shots' setting with
    weather and season ('the forest in the winter snow')."""
    scene = idea.scene
    place = scene.place
    if not place:
        homes = [HOMES[b.concept] for b in idea.beings if b.concept in HOMES]
        homes += [HOMES[p.split()[-1]] for p in scene.props if p.split()[-1] in HOMES]
        place = f"the {homes[0]}" if homes else rng.choice(FALLBACK_PLACES)
    place = PLACE_SAID.get(place.lower(), place)
    setting = place
    said = place.lower()
    if scene.weather and (scene.weather in said or scene.weather_word in said):
        pass  # "a snowy mountain village" already says it
    elif scene.weather:
        word = (
            scene.weather_word
            if scene.weather_word not in {"windy", "snowy", "rainy", "foggy", "stormy", "misty"}
            else scene.weather
        )
        season = f"{scene.season} " if scene.season else ""
        setting = f"{place} in the {season}{word}"
    elif scene.season:
        setting = f"{place} in {scene.season}"
    return place, setting


def _detail(idea: Idea, place: str, mood: str, rng: random.Random) -> str:
    low = place.lower()
    found = next(
        (text for key, text in SETTING_DETAILS.items() if re.search(rf"\b{re.escape(key)}\b", low)),
        None,
    )
    if idea.scene.weather:  # the weather first: it is what the idea shows
        weather = WEATHER_DETAIL[idea.scene.weather]
        return f"{weather}; {found}" if found else weather
    return found or rng.choice(AMBIENT[mood])


def _event(idea: Idea, members: list[Member], place: str) -> tuple[str, list[Member]]:
    """The central action as a present-tense English sentence, and who does it."""
    scene = idea.scene
    beings = idea.beings
    doers = [
        m
        for b, m in zip(beings, members, strict=False)
        if scene.verb_at < 0 or b.at < scene.verb_at
    ]
    if scene.verb_at < 0:
        doers = members[:2]
    if scene.predicate:
        if doers and beings:
            subject = join([_ref(m) for m in doers], "en")
            predicate = scene.predicate
            if len(doers) == 1 and idea.language not in ("en",):
                pass
            elif len(doers) > 1 and idea.language != "en":
                predicate = scene.act
            elif (
                len(doers) == 1
                and idea.question
                and scene.verb
                and predicate.split()[0] == scene.verb
            ):
                predicate = third_person(scene.verb) + predicate[len(scene.verb) :]
            for m in members:  # "befriends a whale" -> "befriends the whale"
                if m in doers:
                    continue
                ref = _ref(m)
                pattern = (
                    rf"\b(a|an|the|his|her|their|its|my)\s+((?:[a-z]+\s+)?{re.escape(m.concept)})\b"
                )
                if ref.startswith("the "):
                    predicate = re.sub(pattern, r"the \2", predicate, count=1)
                elif not m.named_by_idea:
                    predicate = re.sub(pattern, rf"\g<0> {ref}", predicate, count=1)
            return f"{_cap(subject)} {predicate}", doers
        subject = scene.subject or "something"
        return f"{_cap(subject)} {scene.predicate}", members[:1]
    who = join([_ref(m) for m in members[:2]], "en")
    if scene.weather:
        word = scene.weather_word if scene.weather_word.isalpha() else scene.weather
        return _weather_event(word, place, who, len(members) == 1), members[:2]
    if scene.topic:
        return f"{_cap(who)} share a moment of {scene.topic} {_at(place)}", members[:2]
    if idea.beings:
        return f"{_cap(who)} gather {_at(place)}", members[:2]
    return f"{_cap(who)} explore{'s' if len(members) == 1 else ''} {place}", members[:1]


def _weather_event(word: str, place: str, who: str, alone: bool) -> str:
    thing = word if word in {"snow", "rain", "fog", "wind"} else a_an(word)
    return f"{_cap(thing)} sweeps over {place} while {who} watch{'es' if alone else ''}"


def _plan_beats(idea: Idea, members: list[Member], rng: random.Random) -> list[str]:
    count = 4 + (len(members) > 1) + (len(idea.text.split()) > 7) + rng.choice([0, 0, 1])
    count = max(4, min(7, count))
    chosen = set(BEATS_BY_PRIORITY[:count])
    return [beat for beat in ARC if beat in chosen]


def _describe(
    beat: str,
    idea: Idea,
    members: list[Member],
    event: str,
    place: str,
    detail: str,
    tod: str,
    rng: random.Random,
) -> tuple[str, list[Member]]:
    """(description, who is on screen)."""
    scene = idea.scene
    a = members[0]
    b = members[1] if len(members) > 1 else None
    props = join([f"the {p}" for p in scene.props[:2]], "en")
    act = scene.act
    names = join([_ref(m) for m in members], "en")
    if beat == "establish":
        with_props = f"; {props} in the foreground" if props else ""
        return f"Wide {_view(place)} {WHEN[tod]}: {detail}{with_props}.", []
    if beat == "introduce":
        if b is None:
            doing = f"is busy with {props}" if props else rng.choice(["looks around", "waits"])
            said = _ref(a)
            kind = a.kind if a.kind != "person" and a.kind.lower() not in said.lower() else ""
            who = f"{_cap(said)}, {a_an(kind)}," if kind and said == a.name else _cap(said)
            return f"{who} {doing} {_at(place)}.", [a]
        pair = [
            _ref(m) + (f", {a_an(m.kind)}," if m.kind != "person" and _ref(m) == m.name else "")
            for m in members[:2]
        ]
        return (
            f"{_cap(pair[0])} and {pair[1]} meet {_at(place)}"
            + (f", {props} between them." if props else "."),
            members[:2],
        )
    if beat == "inciting":
        return f"{event}.", members[:2]
    if beat == "complication":
        trouble = TROUBLE.get(
            scene.weather or "",
            rng.choice(["nothing goes to plan", "a first attempt fails badly", "doubt creeps in"]),
        )
        focus = f" to {act}" if act and len(act.split()) <= 8 else ""
        return f"Trouble: {trouble}, and {_ref(a)} struggles{focus}.", members[:2] if b else [a]
    if beat == "turn":
        if b is not None:
            return f"{_cap(_ref(a))} and {_ref(b)} find another way, side by side.", members[:3]
        return f"{_cap(_ref(a))} tries again, slower and more carefully this time.", [a]
    if beat == "climax" and scene.more:
        return f"The decisive moment: {event}, {scene.more}.", list(members)
    if beat == "climax":
        return (
            f"The decisive moment: {event[:1].lower() + event[1:] if not event[:1].isupper() or event.split()[0] in ('A', 'An', 'The') else event}.",
            list(members),
        )
    if beat == "resolution":
        outcome = rng.choice(["laugh with relief", "finally rest", "look around, changed"])
        if len(members) == 1:
            outcome = third_person(outcome.split()[0]) + outcome[len(outcome.split()[0]) :]
        return f"Afterwards, {names} {outcome} {_at(place)}.", list(members)
    return f"Closing image, {_view(place)} {WHEN[tod]}: {detail}.", []


def _speakers(beat: str, members: list[Member]) -> list[tuple[Member, str, Member | None]]:
    """(speaker, role, addressee) for the lines of a beat."""
    a = members[0]
    if len(members) == 1 or beat in ("establish", "coda"):
        other = members[1] if len(members) > 1 else None
        return [
            (
                a if beat != "coda" or len(members) == 1 else members[1],
                "solo",
                other if beat == "coda" else None,
            )
        ]
    b = members[1]
    lines: list[tuple[Member, str, Member | None]] = [(a, "open", b), (b, "reply", a)]
    if beat == "turn" and len(members) > 2:
        lines = [(a, "open", members[2]), (members[2], "reply", a)]
    if beat in ("climax", "resolution") and len(members) > 2:
        lines.append((members[2], "third", a))
    if beat == "complication":
        lines = [(b, "open", a), (a, "reply", b)]
    return lines


def _lines_for(
    beat: str,
    members: list[Member],
    on_screen: list[Member],
    language: str,
    slots: Slots,
    tod: str,
    rng: random.Random,
    used: set[str],
) -> list[tuple[Member, str, bool]]:
    out = []
    for speaker, role, you in _speakers(beat, members):
        act_ok = not any(
            m is not None and slots.act and re.search(rf"\b{re.escape(m.concept)}", slots.act)
            for m in (speaker, you)
        )
        text = write_line(
            beat, role, language, slots, you.name if you else None, tod, rng, used, act_ok=act_ok
        )
        if text is None and role != "solo":
            text = write_line(beat, "solo", language, slots, None, tod, rng, used)
        if text is None and you is None and len(members) > 1:
            text = write_line(beat, "open", language, slots, members[1].name, tod, rng, used)
        if text:
            out.append((speaker, text, speaker not in on_screen))
    return out


def _timed(
    lines: list[tuple[Member, str, bool]], first: bool, last: bool, rng: random.Random
) -> tuple[float, list[float]]:
    """(shot duration, start of each line): lines at WORDS_PER_S with gaps, clear of the
    title card (first shot) and the end card (last shot)."""
    cursor = TITLE_CARD_S + CARD_MARGIN_S if first else 0.4
    starts = []
    for _, text, _ in lines:
        starts.append(round(cursor, 2))
        cursor += max(0.8, words_in(text) / WORDS_PER_S) + LINE_GAP_S
    needed = cursor - LINE_GAP_S + (TITLE_CARD_S + CARD_MARGIN_S if last else 0.6)
    base = rng.uniform(3.5, 5.5) + (TITLE_CARD_S if first or last else 0.0)
    return round(max(base, needed) * 2 + 0.49) / 2, starts


def write_plan(idea_text: str, seed: int = 0) -> dict[str, Any]:
    idea = read_idea(idea_text)
    rng = random.Random(f"{seed}:{idea.text.lower()}")
    beings = idea.beings or invented_beings(idea)
    members = cast_members(idea, beings, rng)
    place, setting = _setting(idea, rng)
    mood = idea.scene.mood
    language = line_language(idea.language)
    slots = slots_for(idea, language, place)
    event, _ = _event(idea, members, place)
    detail = _detail(idea, place, mood, rng)
    beats = _plan_beats(idea, members, rng)
    times = TIMES[mood]
    used: set[str] = set()
    style = STYLES[mood]
    props = join(list(idea.scene.props[:3]), "en")
    shots, keyframes = [], []
    for index, beat in enumerate(beats):
        tod = idea.scene.time or times[min(len(times) - 1, index * len(times) // len(beats))]
        text, on_screen = _describe(beat, idea, members, event, place, detail, tod, rng)
        spoken = _lines_for(beat, members, on_screen, language, slots, tod, rng, used)
        duration, starts = _timed(spoken, index == 0, index == len(beats) - 1, rng)
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
                "characters": [m.id for m in on_screen],
                "dialogue": [
                    {
                        "character": m.id,
                        "text": line,
                        "off_screen": off,
                        "start_s": start,
                        "language_id": language,
                    }
                    for (m, line, off), start in zip(spoken, starts, strict=True)
                ],
                "transition_in": "fade" if index == 0 else rng.choice(["cut", "crossfade"]),
            }
        )
        looks = "; ".join(m.appearance for m in on_screen)
        keyframes.append(
            {
                "prompt": " ".join(
                    part
                    for part in (
                        text,
                        f"{looks}." if looks else "",
                        f"With {props}." if props else "",
                        f"Setting: {setting}, {WHEN[tod]}.",
                        style,
                    )
                    if part
                )
            }
        )
    last_tod = str(shots[-1]["time_of_day"])
    keyframes.append(
        {"prompt": f"Closing frame: {event}. {setting}, {WHEN[last_tod]}, fading light, {style}"}
    )
    title = title_for(idea, members)
    digest = hashlib.sha256(f"{seed}:{idea.text.lower()}".encode()).hexdigest()[:8]
    characters = []
    for m in members:
        characters.append(
            {
                "id": m.id,
                "name": m.name,
                "appearance": m.appearance,
                "voice": {
                    "provider": m.provider,
                    "voice_id": m.voice_id,
                    "description": f"{m.gender} voice of the {m.kind}",
                    "pitch_semitones": m.pitch,
                    "rate": 1.0,
                },
            }
        )
    metadata: dict[str, Any] = {"idea_language": idea.language, "line_language": language}
    note = {"ja": JA_NOTE, "zh": ZH_NOTE}.get(idea.language)
    if note:
        metadata["language_note"] = note
    return {
        "id": f"{slug(title, 40, 'film')}-{digest}",
        "title": title,
        "description": f"From the idea: {idea.original or idea.text}"
        + (f" ({note})" if note else ""),
        "created_by": "sparkle-offline-planner",
        "seed": seed,
        "language": idea.language,
        "characters": characters,
        "shots": shots,
        "base_images": keyframes,
        "music": {"mood": MUSIC[mood], "prompt": rng.choice(INSTRUMENTS), "volume_db": -18},
        "metadata": metadata,
    }


__all__ = ["plural", "write_plan"]
