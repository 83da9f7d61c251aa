"""Keyword tables: which English words in a keyframe's prompt, setting and characters name
what the storyboard draws (a kind of creature, a prop, the weather, a room, the land).

Words match whole words, plural or not ("cat" and "cats", never "catch"). The planner writes
these words into prompts and appearances in English, whatever the idea's language.
"""

from __future__ import annotations

import re
from functools import cache

# creature kinds: a character whose name or appearance holds one of these is drawn as it
CREATURES: dict[str, tuple[str, ...]] = {
    "whale": ("whale", "humpback", "orca"),
    "fish": ("fish", "goldfish", "salmon", "shark", "dolphin", "carp", "octopus"),
    "crow": ("crow", "raven", "blackbird", "magpie"),
    "owl": ("owl",),
    "parrot": ("parrot",),
    "bird": (
        "bird",
        "sparrow",
        "robin",
        "pigeon",
        "seagull",
        "gull",
        "swallow",
        "dove",
        "finch",
        "duck",
        "goose",
        "geese",
        "hen",
        "chicken",
        "eagle",
        "swan",
        "penguin",
        "hawk",
    ),
    "cat": ("cat", "kitten", "kitty"),
    "dog": ("dog", "puppy", "hound", "pup"),
    "fox": ("fox", "vixen"),
    "horse": ("horse", "pony", "mare", "stallion", "foal", "unicorn"),
    "dragon": ("dragon", "wyvern"),
    "robot": ("robot", "android", "droid", "automaton", "cyborg"),
    "bear": ("bear", "grizzly"),
    "wolf": ("wolf", "wolves"),
    "lion": ("lion", "lioness"),
    "tiger": ("tiger", "leopard", "jaguar", "cheetah"),
    "goat": ("goat",),
    "sheep": ("sheep", "lamb", "ram"),
    "cow": ("cow", "bull", "ox", "cattle", "buffalo"),  # not "calf": a whale has one too
    "pig": ("pig", "piglet", "hog", "boar"),
    "deer": ("deer", "fawn", "stag", "reindeer", "elk", "moose"),
    "camel": ("camel", "llama", "alpaca"),
    "elephant": ("elephant",),
    "mouse": ("mouse", "mice", "rat", "hamster", "mole"),
    "squirrel": ("squirrel", "chipmunk"),
    "raccoon": ("raccoon",),
    "badger": ("badger",),
    "hedgehog": ("hedgehog", "porcupine"),
    "rabbit": ("rabbit", "bunny", "hare"),
    "frog": ("frog", "toad"),
    "turtle": ("turtle", "tortoise"),
    "snail": ("snail", "slug"),
    "crab": ("crab", "lobster"),
    "spider": ("spider",),
    "snake": ("snake", "serpent", "python", "cobra"),
    "lizard": ("lizard", "chameleon", "gecko", "iguana"),
    "seal": ("seal", "otter", "sea lion", "walrus"),
    "bee": ("bee", "bumblebee", "firefly", "fireflies", "wasp"),
    "butterfly": ("butterfly", "butterflies", "moth"),
    "monkey": ("monkey", "ape", "chimp", "chimpanzee", "gorilla"),
    "alien": ("alien", "martian", "extraterrestrial"),
    "monster": ("monster", "troll", "ogre", "goblin", "creature", "beast"),
    "yeti": ("yeti", "bigfoot", "sasquatch"),
    "ghost": ("ghost", "spirit", "phantom", "spectre", "specter"),
}
BIRDS = ("crow", "owl", "parrot", "bird")

PROPS: dict[str, tuple[str, ...]] = {
    "chess": ("chess", "chessboard", "checkmate"),
    "table": ("table", "desk"),
    "bike": ("bike", "bicycle", "cycling", "cyclist"),
    "kite": ("kite",),
    "car": ("car", "taxi", "truck", "van"),
    "paper_boat": ("paper boat", "toy boat", "origami boat", "paper ship"),
    "boat": ("boat", "ship", "sailboat", "canoe", "rowboat", "ferry", "yacht"),
    "door": ("door", "doorway", "gate"),
    "umbrella": ("umbrella", "parasol"),
    "guitar": ("guitar", "lute", "ukulele"),
    "book": ("book", "letter", "notebook", "diary", "map"),
    "lantern": ("lantern", "torch", "candle"),
    "ball": ("ball", "football", "soccer"),
    "piano": ("piano",),
}
WEATHER: dict[str, tuple[str, ...]] = {
    "storm": ("storm", "stormy", "thunder", "thunderstorm", "lightning", "tempest", "hurricane"),
    "rain": ("rain", "rainy", "raining", "drizzle", "downpour", "shower"),
    "snow": ("snow", "snowy", "snowing", "snowfall", "blizzard", "winter", "snowflake"),
    "fog": ("fog", "foggy", "mist", "misty", "haze", "hazy"),
    "wind": ("wind", "windy", "gust", "breeze", "gale"),
}
INTERIORS: dict[str, tuple[str, ...]] = {
    "cafe": ("cafe", "café", "coffee", "coffeehouse", "bistro", "bar", "pub", "restaurant", "tea"),
    "kitchen": ("kitchen", "bakery"),
    "library": ("library", "bookshop", "bookstore"),
    "shop": ("shop", "store", "boutique", "grocery", "workshop"),
    "classroom": ("classroom", "school", "lesson"),
    "room": (
        "room",
        "bedroom",
        "inside",
        "indoors",
        "interior",
        "apartment",
        "hallway",
        "home",
        "at home",
        "living room",
        "attic",
        "museum",
        "theatre",
        "theater",
        "cinema",
        "hospital",
        "office",
        "studio",
        "barn",
    ),
}
EXTERIORS: dict[str, tuple[str, ...]] = {
    "sea": ("sea", "ocean", "coast", "harbour", "harbor", "wave", "seaside", "bay", "port"),
    "beach": ("beach", "shore", "sand", "sandy"),
    "lake": ("lake", "pond", "lagoon"),
    "frozen": ("frozen", "ice", "icy", "glacier"),
    "river": ("river", "stream", "creek", "canal", "brook"),
    "forest": ("forest", "wood", "woods", "jungle", "tree", "grove"),
    "park": ("park", "garden", "meadow"),
    "city": ("city", "street", "town", "village", "alley", "market", "paris", "london", "tokyo"),
    "mountain": ("mountain", "peak", "cliff", "valley", "summit", "alps", "volcano"),
    "hill": ("hill", "hillside", "hilltop"),
    "desert": ("desert", "dune", "oasis"),
    "field": ("field", "farm", "prairie", "countryside", "wheat"),
    "lighthouse": ("lighthouse", "tower", "castle", "spire"),
    "house": ("house", "cottage", "cabin", "farmhouse", "hut", "farm"),
}
TIMES: dict[str, tuple[str, ...]] = {
    "night": ("night", "midnight", "moon", "moonlight", "moonlit", "starry", "nocturnal"),
    "dusk": ("dusk", "sunset", "evening", "twilight"),
    "dawn": ("dawn", "sunrise", "daybreak", "morning"),
}
# words that make a character a person even when a creature is named after them
# ("a girl who loves whales")
PERSON = (
    "person",
    "man",
    "woman",
    "girl",
    "boy",
    "child",
    "kid",
    "king",
    "queen",
    "prince",
    "princess",
    "lady",
    "friend",
    "keeper",
    "fisherman",
    "sailor",
    "farmer",
    "grandmother",
    "grandfather",
    "mother",
    "father",
    "human",
)
# an animal's coat, when its appearance names one
COATS: dict[str, tuple[str, ...]] = {
    "black": ("black", "jet-black", "dark"),
    "white": ("white", "snow-white", "snowy"),
    "ginger": ("ginger", "orange", "tabby", "red"),
    "brown": ("brown", "chocolate", "chestnut"),
    "grey": ("grey", "gray", "silver"),
    "golden": ("golden", "yellow", "blond", "blonde", "sandy"),
}
# someone on a horse or a bike rides it
RIDE = ("ride", "rides", "riding", "rode", "cycling", "cyclist", "gallop", "galloping", "horseback")
# what a person looks like: the feature drawn to tell them apart
PEOPLE: dict[str, tuple[str, ...]] = {
    "child": ("girl", "boy", "child", "kid", "little", "young girl", "toddler", "son", "daughter"),
    "old": (
        "old",
        "elderly",
        "grandmother",
        "grandfather",
        "granny",
        "grandpa",
        "aged",
        "sixties",
        "seventies",
        "eighties",
        "grey hair",
        "grey braid",
        "grey-haired",
        "white hair",
        "white-haired",
        "gray hair",
    ),
    "female": (
        "woman",
        "girl",
        "her",
        "she",
        "lady",
        "queen",
        "mother",
        "grandmother",
        "granny",
        "sister",
        "daughter",
        "princess",
        "wife",
        "aunt",
        "dress",
        "skirt",
    ),
    "crown": ("king", "queen", "prince", "princess", "crown", "emperor", "empress"),
    "hat": ("hat", "cap", "beret", "hood", "helmet", "bonnet"),
    "scarf": ("scarf", "shawl", "muffler"),
    "beard": ("beard", "bearded", "moustache", "mustache"),
    "long_hair": ("braid", "ponytail", "long hair", "curls", "curly", "pigtails"),
    "glasses": ("glasses", "spectacles"),
}


@cache
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?:e?s)?(?![\w])", re.IGNORECASE)


def mentions(text: str, words: tuple[str, ...]) -> bool:
    """Whether `text` holds one of `words` as a whole word (a plural counts)."""
    return bool(_pattern(words).search(text))


def first_mention(text: str, table: dict[str, tuple[str, ...]]) -> str | None:
    """The entry of `table` named earliest in `text` (the subject of a phrase comes first)."""
    best: tuple[int, str] | None = None
    for kind, words in table.items():
        found = _pattern(words).search(text)
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), kind)
    return best[1] if best else None


def all_mentions(text: str, table: dict[str, tuple[str, ...]]) -> list[str]:
    """Every entry of `table` named in `text`, in the table's order."""
    return [kind for kind, words in table.items() if mentions(text, words)]
