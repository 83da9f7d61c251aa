"""Where and when an idea happens, its weather, what happens (the verb and its objects)
and the mood, read from marked tokens. Everything is given in English for the plan; the
idea's own words for the place and props are kept for dialogue in its language."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import lexicon_en as en
from .cast_kinds import Being
from .lexicon import Lexicon
from .tokens import COPULAS, NOT_NAMES, Token

CLAUSE_BREAKS = {
    "so",
    "because",
    "while",
    "until",
    "when",
    "before",
    "after",
    "but",
    "whilst",
    "since",
    "as",
    "hasta",
    "mientras",
    "pendant",
    "jusqu",
    "während",
    "bis",
}
OF_WORDS = {"of", "de", "del", "du", "des", "von", "vom"}
PHRASE_MARKS = {"article", "possessive", "adj", "noun", "word", "city"}  # a noun phrase's
RELATIVES = {"who", "which", "whose", "whom"}  # English relative pronouns
LANDMARKS = {
    "tree": "under a tree",
    "cherry": "under a cherry tree in blossom",
    "fountain": "by a fountain",
    "statue": "by an old statue",
    "well": "by an old well",
    "campfire": "around a campfire in the woods",
    "tent": "by a tent",
    "bench": "on a park bench",
    "table": "at a table",
    "fire": "by the fire",
}
# where a character or a prop belongs, when the idea does not say
HOMES = {
    "farmer": "farm",
    "goat": "farm",
    "cow": "farm",
    "pig": "farm",
    "sheep": "farm",
    "hen": "farm",
    "fisherman": "harbour",
    "sailor": "harbour",
    "pirate": "ship",
    "captain": "ship",
    "whale": "ocean",
    "dolphin": "ocean",
    "shark": "ocean",
    "fish": "reef",
    "octopus": "reef",
    "seal": "shore",
    "penguin": "ice",
    "astronaut": "space",
    "alien": "space",
    "chef": "kitchen",
    "cook": "kitchen",
    "baker": "bakery",
    "librarian": "library",
    "bookseller": "bookshop",
    "teacher": "school",
    "student": "school",
    "knight": "castle",
    "king": "castle",
    "queen": "castle",
    "princess": "castle",
    "prince": "castle",
    "dragon": "mountains",
    "fox": "forest",
    "owl": "forest",
    "wolf": "forest",
    "bear": "forest",
    "deer": "forest",
    "squirrel": "forest",
    "rabbit": "meadow",
    "horse": "meadow",
    "camel": "desert",
    "musician": "street",
    "detective": "city",
    "driver": "street",
    "gardener": "garden",
    "robot": "workshop",
    "clockmaker": "workshop",
    "keeper": "lighthouse",
    "diver": "sea",
    "miner": "mine",
    "shepherd": "hills",
    "kite": "windy hill",
    "boat": "harbour",
    "ship": "sea",
    "chess": "cafe",
    "piano": "room",
    "book": "library",
    "letter": "post office",
    "bike": "park",
    "ball": "park",
    "football": "park",
    "snowman": "garden",
    "sled": "hill",
    "umbrella": "street",
    "car": "road",
    "taxi": "city",
    "train": "station",
    "rocket": "launch pad",
    "moon": "night sky",
    "dragons": "mountains",
}
# what a setting holds, said in its establishing shot
SETTING_DETAILS = {
    "post office": "letters, parcels and stamps piled on the counter",
    "office": "papers and parcels piled on the desks",
    "cafe": "coffee cups and a chessboard on the tables",
    "bakery": "loaves of bread cooling on the racks",
    "kitchen": "pots, spoons and flour on the table",
    "library": "books stacked on tall shelves",
    "bookshop": "books stacked to the ceiling",
    "school": "desks, a blackboard and a bell",
    "harbour": "fishing boats tied at the quay",
    "harbor": "fishing boats tied at the quay",
    "farm": "a red barn and a muddy field",
    "station": "a long platform and a waiting train",
    "workshop": "tools and gears on the workbench",
    "garden": "flower beds and a watering can",
    "forest": "tall pines and deep shadows",
    "beach": "sand, shells and rolling waves",
    "sea": "rolling waves to the horizon",
    "ocean": "blue water and drifting light",
    "reef": "coral and darting fish",
    "street": "lamp posts and shop windows",
    "city": "tall buildings and busy streets",
    "park": "green lawns, paths and old trees",
    "lighthouse": "a white tower above the waves",
    "castle": "stone towers and a drawbridge",
    "museum": "statues and paintings in silent halls",
    "shop": "shelves and a counter by the window",
    "river": "water running between the banks",
    "mountains": "snowy peaks and steep paths",
    "village": "little houses and a church tower",
    "town": "little houses and a square",
    "room": "a bed, a lamp and a window",
    "attic": "dusty boxes under the rafters",
    "space": "stars and a distant planet",
}
VERB_PREPS = {
    "search": "for",
    "wait": "for",
    "look": "for",
    "argue": "over",
    "listen": "to",
    "dream": "of",
    "talk": "about",
    "hunt": "for",
    "care": "for",
}
MOOD_WEATHER = {"storm": "tense", "fog": "wondrous", "snow": "wondrous", "rain": "melancholy"}


@dataclass(frozen=True)
class Scene:
    place: str = ""  # English setting phrase from the idea ("a Paris cafe"); "" if none
    place_head: str = ""  # its head noun in English ("cafe")
    indoor: bool = False
    city: str = ""  # a place name the idea gives ("Paris")
    native_place: tuple[str, str, bool] | None = None  # (word, grammatical gender, plural)
    time: str | None = None  # dawn / day / dusk / night
    time_word: str = ""  # English word the idea used ("midnight", "evening")
    weather: str | None = None  # storm / rain / snow / fog / wind
    weather_word: str = ""  # as said in English ("hurricane", "thunderstorm")
    season: str = ""
    verb: str | None = None  # English base form of the main action
    predicate: str = ""  # English verb phrase as it stands in the sentence
    more: str = ""  # the rest of the sentence after it ("as the fishing boats come home")
    act: str = ""  # English base-form action: "argue over a chess game"
    subject: str = ""  # a non-character subject in English ("Fog", "the moon")
    props: list[str] = field(default_factory=list)  # English nouns/phrases acted upon
    native_props: list[tuple[str, str, bool]] = field(default_factory=list)
    topic: str = ""  # a lone word idea with no concept ("Friendship")
    mood: str = "whimsical"
    verb_at: int = -1  # token index of the main verb (-1: none)


def third_person(verb: str) -> str:
    if verb == "be":
        return "is"
    if verb == "have":
        return "has"
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    return verb + "s"


SUBORDINATORS = {"after", "when", "since", "before", "while", "once", "if", "although", "because"}
DUMMY_SUBJECTS = {"it", "there", "this"}


def _main_verb(tokens: list[Token], lex: Lexicon) -> int | None:
    """The main clause's verb: after a leading 'After years of saving, ...' clause, and
    past a dummy 'It is the night before ... and Rosa ...' to the clause with a subject."""
    first = 0
    if tokens and tokens[0].low in SUBORDINATORS:
        first = next((k + 1 for k, t in enumerate(tokens) if t.low == ","), 0)
    found = _first_verb(tokens, lex, first)
    if found is not None and all(t.low in DUMMY_SUBJECTS for t in tokens[first:found]):
        nxt = next(
            (k + 1 for k in range(found + 1, len(tokens)) if tokens[k].mark in {"conj", "punct"}),
            None,
        )
        if nxt is not None:
            later = _first_verb(tokens, lex, nxt)
            if later is not None:
                return later
    return found


def _first_verb(tokens: list[Token], lex: Lexicon, first: int) -> int | None:
    for i in range(first, len(tokens)):
        tok = tokens[i]
        if i == first and lex.code not in ("en", "ja", "zh") and tok.mark != "verb":
            continue
        if tok.mark == "verb" and (i > first or lex.code in ("ja", "zh")):
            return i
        if (
            lex.code == "en"
            and i > first
            and tok.mark == "word"
            and not tok.capital
            and tok.low.endswith("s")
            and not tok.low.endswith(("ss", "us", "is", "ous"))
            and tokens[i - 1].mark in {"noun", "word", "adj"}
        ):
            tok.mark, tok.verb = "verb", tok.low[:-1]  # "steers", "rolls": an unknown verb
            return i
        if lex.code == "en" and i > first and _unknown_verb_after_subject(tokens, i):
            tok.mark = "verb"  # "two sisters juggle oranges", "a boy whittled a flute"
            tok.verb = tok.low
            return i
    return None


def _unknown_verb_after_subject(tokens: list[Token], i: int) -> bool:
    tok, prev = tokens[i], tokens[i - 1]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else None
    subject = (prev.noun is not None and prev.noun.kind in {"person", "creature"}) or (
        prev.capital and prev.mark == "word"
    )
    follows = nxt is None or nxt.mark in {"article", "possessive", "prep", "number", "adj", "word"}
    return (
        tok.mark == "word"
        and not tok.capital
        and tok.low.isalpha()
        and len(tok.low) > 2
        and subject
        and follows
    )


def _unknown_native_verb(tokens: list[Token], beings: list[Being]) -> int | None:
    """A verb the lexicon does not know, in Spanish, French or German: the first unknown
    lower-case word after the subject; it is kept as written ('prend le métro')."""
    after = max((b.at for b in beings), default=-1) if beings else 0
    first_being = min((b.at for b in beings), default=0)
    for i in range(first_being + 1, len(tokens)):
        tok = tokens[i]
        if i > after + 2:
            break
        if tok.mark == "word" and not tok.capital and tok.low.isalpha() and len(tok.low) > 2:
            tok.mark, tok.verb = "verb", ""
            return i
    return None


def _noun_phrase(tokens: list[Token], start: int) -> tuple[int, int]:
    """[start, end) of the noun phrase from `start`, with an 'of X' tail."""
    end = start
    while end < len(tokens) and tokens[end].mark in PHRASE_MARKS | {"number"}:
        if end > start and tokens[end].mark in {"article", "possessive"}:
            break
        end += 1
    if end + 1 < len(tokens) and tokens[end].low in OF_WORDS:
        tail = end + 1
        while tail < len(tokens) and tokens[tail].mark in PHRASE_MARKS:
            tail += 1
        if tail > end + 1:
            end = tail
    return start, end


def _head(tokens: list[Token], start: int, end: int) -> int | None:
    """The head noun of a phrase: its last noun or unknown word before any 'of' tail."""
    head = None
    for k in range(start, end):
        if tokens[k].low in OF_WORDS:
            break
        if tokens[k].mark in {"noun", "word", "city"}:
            head = k
    return head


def _english_words(tokens: list[Token], start: int, end: int, lex: Lexicon) -> str:
    if lex.code == "en":
        words = []
        for tok in tokens[start:end]:
            words.append("the" if tok.mark == "possessive" else tok.text)
        return " ".join(words)
    words = []
    for tok in tokens[start:end]:
        if tok.low in OF_WORDS:
            words.append("of the")
        elif tok.mark == "article":
            continue
        elif tok.noun:
            words.append(tok.noun.english + ("s" if tok.noun.plural else ""))
        elif tok.mark == "city" or (tok.mark == "word" and (not tok.capital or lex.code == "de")):
            words.append(tok.text)
    text = " ".join(w for w in words if w)
    return f"the {text}" if text and not text[0].isupper() else text


def _mark_cities(tokens: list[Token], lex: Lexicon) -> str:
    city = ""
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        listed = tok.low in en.CITIES and tok.capital
        after_prep = (
            prev is not None
            and (prev.mark == "prep" or prev.low in OF_WORDS)
            and tok.capital
            and tok.mark == "word"
            and tok.low not in en.FEMALE_NAMES | en.MALE_NAMES
        )
        if tok.low in NOT_NAMES:
            continue
        if listed or after_prep or tok.mark == "city":
            tok.mark = "city"
            city = city or tok.text
    return city


def read_scene(
    tokens: list[Token], lex: Lexicon, beings: list[Being], *, english_text: str
) -> Scene:
    city = _mark_cities(tokens, lex)
    being_at = {b.at for b in beings}
    time = time_word = weather = weather_word = season = ""
    for tok in tokens:
        n = tok.noun
        if n is None:
            continue
        if n.kind == "time" and not time:
            time, time_word = en.TIMES[n.english], n.english
        elif n.kind == "weather" and not weather:
            weather, weather_word = en.WEATHER[n.english], n.english
        elif n.kind == "season" and not season:
            season = n.english
    if lex.code == "en":
        for tok in tokens:  # adjectives and adverbs of weather and time
            if tok.low in en.WEATHER and not weather:
                weather, weather_word = en.WEATHER[tok.low], tok.low
            if tok.low in {"sunny", "sunlit"} and not time:
                time, time_word = "day", "sunny day"
    lows = [t.low for t in tokens]
    if (
        not time
        and "dark" in lows
        and lows.index("dark")
        and lows[lows.index("dark") - 1] == "after"
    ):
        time, time_word = "night", "night"
    if season == "winter" and not weather:
        weather, weather_word = "snow", "snow"

    verb_at = _main_verb(tokens, lex)
    if verb_at is None and lex.code in ("es", "fr", "de"):
        verb_at = _unknown_native_verb(tokens, beings)
    # the setting: a place after a place preposition first, then any place noun; a place
    # inside a relative clause ("a keeper who guides ships through the fog") tells about a
    # being, so any place of the main clause comes first
    candidates: list[tuple[int, int, int, int]] = []  # (rank, start, end, head)
    relative = next(
        (
            i
            for i, t in enumerate(tokens)
            if t.low in RELATIVES
            and i
            and tokens[i - 1].noun
            and verb_at is not None
            and i > verb_at
        ),
        len(tokens),
    )  # only a clause after the main verb: it runs to the end of the idea
    for i, tok in enumerate(tokens):
        if tok.mark != "prep" or i + 1 >= len(tokens):
            continue
        start, end = _noun_phrase(tokens, i + 1)
        head = _head(tokens, start, end)
        if head is None:
            continue
        h = tokens[head]
        kind = h.noun.kind if h.noun else ("city" if h.mark == "city" else "unknown")
        if kind in {"person", "creature", "time", "weather", "season"} or head in being_at:
            continue
        if kind == "prop" and h.noun and h.noun.english not in LANDMARKS:
            continue
        if verb_at is not None and start == verb_at + 1:
            continue
        rank = {"place": 0, "city": 2, "prop": 1, "unknown": 3}[kind] + 10 * (start > relative)
        if kind == "unknown" and (
            (h.capital and lex.code != "de") or tokens[start].mark not in {"article", "possessive"}
        ):
            continue  # "to say anything" is no place; "dans le métro" is
        candidates.append((rank, start, end, head))
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        compound = nxt is not None and nxt.noun is not None and nxt.noun.kind == "place"
        modifier = nxt is not None and nxt.noun is not None and nxt.noun.kind == "person"
        if tok.noun and tok.noun.kind == "place" and i not in being_at and not compound:
            candidates.append(((5 if modifier else 4) + 10 * (i > relative), i, i + 1, i))
    if not candidates:  # "under the cherry tree": a landmark prop is the place
        for i, tok in enumerate(tokens):
            if tok.noun and tok.noun.english in LANDMARKS and i not in being_at:
                candidates.append((6, i, i + 1, i))
    place = place_head = ""
    indoor = False
    native_place = None
    span: set[int] = set()
    if candidates:
        rank, start, end, head = min(candidates)
        rank %= 10  # how the place is written does not depend on the clause
        span = set(range(start, end))
        h = tokens[head]
        place_head = h.noun.english if h.noun else h.low
        if rank in (4, 5):
            start = _modifiers_before(tokens, head, lex)
            span = set(range(start, head + 1))
            place = _english_words(tokens, start, head + 1, lex)
            if lex.code == "en":
                place = "the " + place if not place.lower().startswith(("the ", "a ")) else place
        else:
            place = _english_words(tokens, start, end, lex)
        if rank in (1, 6):
            place = LANDMARKS[place_head]
        if rank == 2:
            place, place_head = f"the streets of {h.text}", "street"
        indoor = en.PLACES.get(place_head, False)
        if h.noun and lex.code != "en":
            native_place = (h.noun.written or h.noun.native, h.noun.gender, h.noun.plural)
        elif lex.code in ("es", "fr", "de") and h.mark == "word":
            native_place = (h.low, "", False)  # a place the lexicon does not know: as written
        others = [c for c in candidates if c[0] == 0 and c[3] != head and c[1] not in span]
        if rank == 0 and others:  # "from the bakery to the hill": a journey has two places
            _, start2, end2, _ = min(others)
            place = f"{place} and {_english_words(tokens, start2, end2, lex)}"
            span |= set(range(start2, end2))
        if city and city.lower() not in place.lower():
            place = f"{place} in {city}"
    elif city:
        place, place_head = f"the streets of {city}", "street"

    props, native_props = _props(tokens, lex, verb_at, being_at, span)
    if place:  # a landmark that is the place is not also a prop ('under the cherry tree')
        keep = [k for k, p in enumerate(props) if p not in LANDMARKS or p not in place]
        props, native_props = [props[k] for k in keep], [native_props[k] for k in keep]
    predicate, act, stop = _action(tokens, lex, verb_at, props, beings)
    more = _rest_of_sentence(tokens, stop) if lex.code == "en" and predicate else ""
    subject = ""
    if verb_at is not None and not any(b.at < verb_at for b in beings):
        s_start = 0
        while s_start < verb_at and tokens[s_start].mark in {"function", "punct", "conj"}:
            s_start += 1
        subject = _english_words(tokens, s_start, verb_at, lex)
    topic = ""
    if len(tokens) <= 2 and not beings and not props and not place and not weather:
        topic = " ".join(t.text for t in tokens if t.mark in {"word", "noun"}).lower()
    verb = tokens[verb_at].verb if verb_at is not None else None
    if verb in {"be", "have", "get", "become"} and act:
        verb = act.split()[0]
    return Scene(
        place=place,
        place_head=place_head,
        indoor=indoor,
        city=city,
        native_place=native_place,
        time=time or None,
        time_word=time_word,
        weather=weather or None,
        weather_word=weather_word,
        season=season,
        verb=verb,
        predicate=predicate,
        more=more,
        act=act,
        subject=subject,
        props=props,
        native_props=native_props,
        topic=topic,
        mood=_mood(verb, weather, time),
        verb_at=-1 if verb_at is None else verb_at,
    )


def _modifiers_before(tokens: list[Token], head: int, lex: Lexicon) -> int:
    start = head
    while (
        lex.code == "en"
        and start > 0
        and tokens[start - 1].mark in {"noun", "word", "adj"}
        and not tokens[start - 1].capital
        and _modifier_noun(tokens[start - 1])
    ):
        start -= 1
    return start


MORE_WORDS = 24


def _rest_of_sentence(tokens: list[Token], stop: int) -> str:
    """What the sentence says after its main clause (from token `stop`), as written: the
    climax shows it ('as the fishing boats come home')."""
    words = [t.text for t in tokens[stop : stop + MORE_WORDS] if t.low not in {";", ":", "(", ")"}]
    while words and words[0] == ",":
        words = words[1:]
    if stop + MORE_WORDS < len(tokens) and "," in words[1:]:  # cut: end at a clause's end
        words = words[: len(words) - 1 - words[::-1].index(",")]
    text = " ".join(words).replace(" ,", ",")
    return text if len(words) >= 2 else ""


def _modifier_noun(tok: Token) -> bool:
    return tok.noun is None or tok.noun.kind in {"place", "prop"}


def _props(
    tokens: list[Token], lex: Lexicon, verb_at: int | None, being_at: set[int], span: set[int]
) -> tuple[list[str], list[tuple[str, str, bool]]]:
    """Things acted upon: prop nouns anywhere, and the verb's object (even a place noun:
    'build a sand castle') or an unknown noun after it ('make tortillas')."""
    props: list[str] = []
    native: list[tuple[str, str, bool]] = []
    for i, tok in enumerate(tokens):
        n = tok.noun
        obj = (
            verb_at is not None and verb_at < i <= verb_at + 4 and _object_slot(tokens, verb_at, i)
        )
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if i in being_at or i in span:
            continue
        if i >= 2 and tokens[i - 1].low in OF_WORDS and tokens[i - 2].noun is not None:
            continue  # "castillo de arena": 'arena' belongs to the castle
        if nxt is not None and nxt.mark in {"noun", "word"} and lex.code == "en":
            continue  # a modifier: "toy boats", "taxi driver", "chess game"
        if n is not None and (n.kind == "prop" or (obj and n.kind == "place")):
            word = _english_prop(tokens, i, lex)
            if word not in props:
                props.append(word)
                said = n.written or n.native
                if lex.code != "en" and i + 2 < len(tokens) and tokens[i + 1].low in OF_WORDS:
                    said = f"{said} {tokens[i + 1].low} {tokens[i + 2].low}"  # bonhomme de neige
                native.append((said, n.gender, n.plural))
        elif (
            obj
            and tok.mark == "word"
            and not tok.capital
            and len(tok.low) > 2
            and tokens[verb_at or 0].verb not in {"be", "become", "have"}
        ):
            props.append(tok.text)
            native.append((tok.text, "", tok.low.endswith("s")))
    return props[:4], native[:4]


def _object_slot(tokens: list[Token], verb_at: int, i: int) -> bool:
    between = tokens[verb_at + 1 : i]
    return all(
        t.mark in {"article", "possessive", "adj", "number", "word", "noun"} for t in between
    )


def _english_prop(tokens: list[Token], i: int, lex: Lexicon) -> str:
    tok = tokens[i]
    assert tok.noun is not None
    word = tok.noun.english + (
        "s" if tok.noun.plural and not tok.noun.english.endswith("s") else ""
    )
    if lex.code == "en":
        word = tok.low if tok.noun.plural else tok.noun.english
        k = i - 1
        while k >= 0 and tokens[k].mark in {"word", "adj"} and not tokens[k].capital and k > i - 3:
            word = f"{tokens[k].low} {word}"
            k -= 1
        before = tokens[k].noun if k >= 0 else None
        if before is not None and before.kind == "prop" and k == i - 1:
            word = f"{tokens[k].low} {word}"  # "chess game"
    elif i + 2 < len(tokens) and tokens[i + 1].low in OF_WORDS and tokens[i + 2].mark != "city":
        nxt = tokens[i + 2]
        mod = nxt.noun.english if nxt.noun else nxt.low
        if mod not in word:
            word = f"{mod} {word}"  # "castillo de arena" -> "sand castle"
    return word


def _action(
    tokens: list[Token], lex: Lexicon, verb_at: int | None, props: list[str], beings: list[Being]
) -> tuple[str, str, int]:
    """(predicate as it stands, base-form act, token index after the predicate), English."""
    if verb_at is None:
        return "", "", len(tokens)
    verb = tokens[verb_at].verb or tokens[verb_at].low
    if lex.code == "en":
        end = verb_at + 1
        while end < len(tokens) and end - verb_at < 14:
            tok = tokens[end]
            if tok.low in {",", ";", ":", "(", ")"} or tok.low in CLAUSE_BREAKS:
                break
            end += 1
        first = verb_at  # "Rosa still cannot remember": the words between subject and verb
        last_subject = max((b.at for b in beings if b.at < verb_at), default=-1)
        while first - 1 > last_subject and tokens[first - 1].mark in {"function", "word", "adj"}:
            if tokens[first - 1].capital or tokens[first - 1].noun:
                break
            first -= 1
        words = [t.text for t in tokens[first:end]]
        predicate = " ".join(words)
        # the act: from the first real verb, without the setting's preposition phrase
        k = verb_at
        if verb in {"be", "have", "get", "become"} or tokens[k].low in COPULAS:
            nxt = next((j for j in range(k + 1, end) if tokens[j].mark == "verb"), None)
            k = nxt if nxt is not None else k
        stop = k + 1
        while stop < end and not (
            tokens[stop].mark == "prep"
            and stop + 1 < end
            and any(
                t.noun is not None and t.noun.kind in {"place", "time", "weather"}
                for t in tokens[stop + 1 : min(end, stop + 4)]
            )
        ):
            stop += 1
        rest = ["the" if t.mark == "possessive" else t.text for t in tokens[k + 1 : stop]]
        base = tokens[k].verb or tokens[k].low
        act = " ".join([base, *rest]).strip()
        if base.endswith("ed") and base == tokens[k].low:
            act = ""  # an unknown verb in the past: no base form to say it with
        return predicate, act, end
    if not tokens[verb_at].verb and lex.code in ("es", "fr", "de"):
        end = verb_at + 1  # an unknown verb: the idea's own words, up to the clause's end
        while end < len(tokens) and end - verb_at < 6 and tokens[end].mark not in {"punct", "conj"}:
            end += 1
        return " ".join(t.text for t in tokens[verb_at:end]), "", end
    # other languages: the verb and its objects, composed in English
    prep = VERB_PREPS.get(verb, "")
    things = [p for p in props if p not in LANDMARKS] or props
    objects = " and ".join(f"the {p}" for p in things[:2])
    if not objects:  # "prend le métro": the object is the place
        for tok in tokens[verb_at + 1 : verb_at + 3]:
            if tok.noun is not None and tok.noun.kind == "place":
                objects = f"the {tok.noun.english}"
                break
    if not objects:  # "nourrit les chats": the object is a character
        for tok in tokens[verb_at + 1 : verb_at + 4]:
            if tok.noun is not None and tok.noun.kind in {"person", "creature"}:
                objects = f"the {tok.noun.english}{'s' if tok.noun.plural else ''}"
                break
    act = " ".join(w for w in (verb, prep if objects else "", objects) if w)
    return third_person(verb) + act[len(verb) :], act, len(tokens)


def _mood(verb: str | None, weather: str | None, time: str | None) -> str:
    for mood, verbs in en.MOOD_VERBS.items():
        if verb in verbs:
            return mood
    if weather in MOOD_WEATHER:
        return MOOD_WEATHER[weather]
    if time == "night":
        return "wondrous"
    return "whimsical" if verb else "warm"
