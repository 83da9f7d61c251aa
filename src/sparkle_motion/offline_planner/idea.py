"""Read a one-sentence idea: who is in it, what happens, where, and in what mood.

A small rule-based reader (no model): noun phrases follow determiners, the verb sits
between the first two phrases, phrases after a place preposition are the setting.
Good enough to keep every shot about *this* idea; a hosted model does better.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DETERMINERS = {
    "a",
    "an",
    "the",
    "two",
    "three",
    "his",
    "her",
    "their",
    "my",
    "our",
    "its",
    "one",
    "some",
    "every",
    "this",
    "that",
    "your",
}
PLACE_PREPS = {
    "in",
    "on",
    "at",
    "inside",
    "under",
    "beneath",
    "across",
    "through",
    "near",
    "beyond",
    "above",
    "around",
    "aboard",
    "below",
    "behind",
}
QUESTION_WORDS = {
    "what",
    "if",
    "why",
    "how",
    "does",
    "do",
    "did",
    "can",
    "could",
    "would",
    "should",
    "when",
    "where",
    "who",
    "whether",
    "imagine",
    "suppose",
}
MODALS = {"could", "can", "would", "will", "should", "might", "must", "may"}
MAX_IDEA_CHARS = 300
BOUNDARY = (
    PLACE_PREPS
    | MODALS
    | {
        "over",
        "into",
        "onto",
        "with",
        "from",
        "to",
        "for",
        "of",
        "by",
        "during",
        "after",
        "before",
        "who",
        "that",
        "which",
        "and",
        "but",
        "while",
        "as",
        "when",
        "where",
        "until",
        "because",
        "so",
        "or",
        "than",
        "about",
        "against",
        "without",
        "who's",
    }
)
VERBS = {
    "befriends",
    "finds",
    "discovers",
    "meets",
    "learns",
    "loses",
    "saves",
    "helps",
    "builds",
    "chases",
    "fights",
    "escapes",
    "searches",
    "travels",
    "explores",
    "falls",
    "becomes",
    "teaches",
    "steals",
    "rescues",
    "protects",
    "follows",
    "races",
    "dreams",
    "hides",
    "returns",
    "wakes",
    "sings",
    "dances",
    "paints",
    "writes",
    "cooks",
    "plants",
    "repairs",
    "fixes",
    "guards",
    "visits",
    "tries",
    "wants",
    "must",
    "adopts",
    "trains",
    "battles",
    "loves",
    "misses",
    "leaves",
    "joins",
    "crosses",
    "climbs",
    "flies",
    "swims",
    "runs",
    "opens",
    "delivers",
    "bakes",
    "grows",
    "carries",
    "wins",
    "tames",
    "makes",
    "hunts",
    "challenges",
    "invents",
    "rebuilds",
    "forgets",
    "remembers",
    "outwits",
    "convinces",
}
HUMANS = {
    "keeper",
    "girl",
    "boy",
    "man",
    "woman",
    "fisherman",
    "fisher",
    "astronaut",
    "detective",
    "baker",
    "farmer",
    "knight",
    "princess",
    "prince",
    "king",
    "queen",
    "witch",
    "wizard",
    "child",
    "kid",
    "grandmother",
    "grandfather",
    "grandma",
    "grandpa",
    "teacher",
    "student",
    "chef",
    "pilot",
    "sailor",
    "captain",
    "gardener",
    "inventor",
    "musician",
    "painter",
    "poet",
    "thief",
    "doctor",
    "nurse",
    "scientist",
    "soldier",
    "explorer",
    "librarian",
    "mechanic",
    "clown",
    "dancer",
    "monk",
    "nun",
    "orphan",
    "widow",
    "mother",
    "father",
    "sister",
    "brother",
    "daughter",
    "son",
    "friend",
    "stranger",
    "traveler",
    "traveller",
    "shepherd",
    "hermit",
    "miner",
    "mayor",
    "courier",
    "postman",
    "singer",
    "writer",
    "artist",
    "ranger",
    "diver",
    "engineer",
    "robot",
    "android",
    "ghost",
    "vampire",
    "giant",
}
MOODS = {
    "warm": {
        "befriends",
        "helps",
        "meets",
        "loves",
        "saves",
        "rescues",
        "adopts",
        "protects",
        "teaches",
        "joins",
        "delivers",
        "bakes",
        "cooks",
        "plants",
        "grows",
        "sings",
        "dances",
        "visits",
    },
    "tense": {
        "chases",
        "fights",
        "escapes",
        "steals",
        "hunts",
        "battles",
        "races",
        "hides",
        "guards",
        "challenges",
        "outwits",
    },
    "melancholy": {"loses", "misses", "leaves", "forgets", "falls", "returns", "remembers"},
    "wondrous": {
        "discovers",
        "finds",
        "explores",
        "learns",
        "travels",
        "dreams",
        "flies",
        "searches",
        "invents",
        "builds",
        "paints",
        "writes",
        "crosses",
        "climbs",
        "opens",
        "tames",
    },
}
SETTINGS = [
    (("lighthouse",), "a lighthouse on a rocky coast"),
    (
        ("whale", "sea", "ocean", "ship", "sailor", "fisherman", "island", "harbour", "harbor"),
        "the open sea",
    ),
    (("mars",), "the red dunes of Mars"),
    (("moon",), "the silver surface of the moon"),
    (
        ("space", "astronaut", "rocket", "star", "stars", "planet"),
        "a quiet spaceship among the stars",
    ),
    (("forest", "woods", "fox", "owl", "deer", "bear", "wolf"), "a deep green forest"),
    (("desert", "camel"), "a wide sun-bleached desert"),
    (("city", "taxi", "subway", "detective", "rooftop"), "a rain-slick city at night"),
    (("bakery", "baker", "bread", "cake"), "a small bakery on a cobbled street"),
    (("garden", "gardener", "flower", "flowers", "seed"), "an overgrown garden"),
    (("mountain", "snow", "yeti"), "a snowy mountain pass"),
    (("school", "teacher", "student", "classroom"), "an old schoolhouse"),
    (("kitchen", "chef", "cook", "soup"), "a busy kitchen"),
    (("castle", "knight", "princess", "king", "queen", "dragon"), "a castle on a hill"),
    (("library", "librarian", "book", "books"), "a vast, dusty library"),
    (("train", "station"), "a night train crossing the countryside"),
    (("farm", "farmer", "cow", "barn", "tractor"), "a farm at the edge of the plains"),
    (("river", "bridge", "boat"), "a slow river under willow trees"),
]


ANIMALS = {
    "whale",
    "cat",
    "dog",
    "fox",
    "owl",
    "bear",
    "wolf",
    "deer",
    "dragon",
    "horse",
    "bird",
    "crow",
    "mouse",
    "rabbit",
    "turtle",
    "octopus",
    "dolphin",
    "shark",
    "penguin",
    "elephant",
    "lion",
    "tiger",
    "monkey",
    "goat",
    "cow",
    "pig",
    "duck",
    "frog",
    "snail",
    "bee",
    "butterfly",
    "seal",
    "otter",
    "squirrel",
    "hedgehog",
    "raccoon",
    "camel",
    "parrot",
    "puppy",
    "kitten",
    "unicorn",
    "yeti",
    "alien",
    "creature",
    "monster",
    "spider",
    "badger",
    "moth",
    "firefly",
    "crab",
    "goose",
    "hen",
}
SETTINGS.append((("fish", "fishing", "pond", "lake"), "a still lake at the edge of the woods"))
FALLBACK_SETTINGS = [
    "a small seaside town",
    "a quiet village at the edge of a forest",
    "a sunlit apartment in the city",
    "a windswept hill above a valley",
]
_BASES = {v[:-1] for v in VERBS if v.endswith("s")} | {v[:-2] for v in VERBS if v.endswith("es")}


@dataclass(frozen=True)
class Idea:
    text: str
    characters: list[str] = field(default_factory=list)  # animate noun phrases, no determiners
    props: list[str] = field(default_factory=list)  # inanimate things acted upon
    verb: str | None = None
    action: str = ""  # from the verb on, e.g. "befriends a whale", "learns to paint"
    setting: str = ""
    mood: str = "whimsical"
    invented_protagonist: bool = False  # no one in the idea could carry the story
    joint_subject: bool = False  # "a fox and an owl plan ...": the verb takes both

    @property
    def words(self) -> list[str]:
        return re.findall(r"[\w']+", self.text.lower())


def _tokens(text: str) -> list[str]:
    return re.findall(r"[\w'-]+", text)


def _is_verb(word: str, nxt: str | None, *, in_phrase: bool) -> bool:
    low = word.lower()
    if low in VERBS or (in_phrase and low in _BASES):
        return True
    if in_phrase and nxt is not None and nxt.lower() in DETERMINERS and low not in HUMANS | ANIMALS:
        return True  # "an owl plan a heist": a word right before a determiner is a verb
    return (
        len(low) > 3
        and low.endswith("s")
        and not low.endswith(("ss", "us", "is"))
        and (nxt is None or nxt.lower() in DETERMINERS | BOUNDARY)
    )


def _phrases(tokens: list[str]) -> list[tuple[int, int, str, bool]]:
    """(start, end, phrase, follows a place preposition) for every determiner phrase."""
    found = []
    i = 0
    while i < len(tokens):
        if tokens[i].lower() in DETERMINERS and i + 1 < len(tokens):
            words: list[str] = []
            j = i + 1
            while j < len(tokens) and len(words) < 3:
                low = tokens[j].lower()
                nxt = tokens[j + 1] if j + 1 < len(tokens) else None
                if (
                    low in BOUNDARY
                    or low in DETERMINERS
                    or (words and _is_verb(tokens[j], nxt, in_phrase=True))
                ):
                    break
                words.append(tokens[j])
                j += 1
            if words:
                place = i > 0 and tokens[i - 1].lower() in PLACE_PREPS
                found.append((i, j, " ".join(words), place))
            i = max(j, i + 1)
        else:
            i += 1
    return found


def is_animate(phrase: str) -> bool:
    head = (
        phrase.lower().split()[-1].rstrip("s")
        if phrase.lower().split()[-1] not in HUMANS | ANIMALS
        else phrase.lower().split()[-1]
    )
    not_people = {
        "river",
        "water",
        "flower",
        "tower",
        "computer",
        "door",
        "mirror",
        "paper",
        "corner",
        "winter",
        "summer",
        "letter",
        "weather",
        "thunder",
        "silver",
        "number",
        "center",
        "dinner",
        "color",
        "colour",
        "motor",
        "elevator",
        "calculator",
        "tractor",
        "heist",
        "list",
        "mist",
        "wrist",
        "twist",
        "fist",
        "feast",
        "forest",
        "chest",
        "quest",
        "nest",
        "guest_house",
        "interest",
        "contest",
        "protest",
        "harvest",
        "christian",
    }
    return (
        head in HUMANS
        or head in ANIMALS
        or (head.endswith(("er", "or", "ist", "ian")) and head not in not_people)
    )


def third_person(verb_phrase: str) -> str:
    """'fly home' -> 'flies home'; 'watch' -> 'watches'; 'go' -> 'goes'."""
    words = verb_phrase.split()
    if not words:
        return verb_phrase
    v = words[0]
    if v.endswith("y") and len(v) > 2 and v[-2] not in "aeiou":
        v = v[:-1] + "ies"
    elif v.endswith(("s", "sh", "ch", "x", "z", "o")):
        v += "es"
    else:
        v += "s"
    return " ".join([v, *words[1:]])


def read_idea(text: str) -> Idea:
    clean = " ".join(text.split()).strip()
    if len(clean) > MAX_IDEA_CHARS:  # a premise, not a treatment: keep its opening
        clean = clean[:MAX_IDEA_CHARS].rsplit(" ", 1)[0]
    clean = clean.rstrip(".!?,;: ")
    tokens = _tokens(clean)
    while len(tokens) > 1 and tokens[0].lower() in QUESTION_WORDS:  # "what if the cat could fly"
        clean = clean.split(None, 1)[1]
        tokens = tokens[1:]
    phrases = _phrases(tokens)
    covered = {k for start, end, _, _ in phrases for k in range(start, end)}
    # the verb: first verb-looking token outside a phrase, after the first word
    verb_at = next(
        (
            k
            for k in range(1, len(tokens))
            if k not in covered
            and tokens[k].lower() not in DETERMINERS | BOUNDARY
            and _is_verb(tokens[k], tokens[k + 1] if k + 1 < len(tokens) else None, in_phrase=True)
        ),
        None,
    )
    if not phrases or (phrases[0][0] > 0 and verb_at is not None and phrases[0][0] > verb_at):
        # "astronaut finds garden on mars": the words before the verb are the actor
        head = tokens[: verb_at if verb_at else min(2, len(tokens))]
        head = [t for t in head if t.lower() not in DETERMINERS | BOUNDARY][:3]
        phrases = [(0, len(head), " ".join(head) or "wanderer", False), *phrases]
    subjects = [
        p for start, _, p, place in phrases if not place and (verb_at is None or start < verb_at)
    ]
    objects = [
        p for start, _, p, place in phrases if not place and verb_at is not None and start > verb_at
    ]
    places = [p for _, _, p, place in phrases if place]
    characters = [p for p in subjects + objects if is_animate(p)][:3]
    props = [p for p in objects if not is_animate(p)]
    invented = not characters
    if invented:
        characters = ["wanderer"]
        props = [p for p in subjects + objects if not is_animate(p)]
    if verb_at is None:  # "the cat could fly": a modal and its verb
        verb_at = next((k + 1 for k in range(len(tokens) - 1) if tokens[k].lower() in MODALS), None)
    verb = tokens[verb_at].lower() if verb_at is not None else None
    action = " ".join(tokens[verb_at:]) if verb_at is not None else ""
    joint = sum(is_animate(p) for p in subjects) > 1
    head = subjects[0].split()[-1].lower() if subjects else ""
    plural = joint or (head.endswith("s") and head[:-1] in HUMANS | ANIMALS)
    if verb is not None and not verb.endswith("s") and not plural:
        action = third_person(
            action
        )  # "a boy dream of" / "the cat could fly" -> "dreams of", "flies"
    words = set(re.findall(r"[\w']+", clean.lower()))
    if places:
        setting = f"the {places[0]}"
    else:
        setting = next((s for keys, s in SETTINGS if words & set(keys)), "")
    base_verb = verb if verb is None or verb.endswith("s") else f"{verb}s"
    mood = next(
        (m for m, verbs in MOODS.items() if base_verb in verbs or words & verbs), "whimsical"
    )
    return Idea(
        text=clean,
        characters=characters,
        props=props[:2],
        verb=verb,
        action=action,
        setting=setting,
        mood=mood,
        invented_protagonist=invented,
        joint_subject=joint,
    )
