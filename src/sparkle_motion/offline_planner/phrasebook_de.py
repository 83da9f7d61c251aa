"""German dialogue parts (slots and roles as in phrasebook_en, without {act}). {prop} and
{place} stand in the nominative, so templates use them only where German wants it."""

from __future__ import annotations

WHEN = {"dawn": "im Morgengrauen", "day": "heute", "dusk": "heute Abend", "night": "heute Nacht"}
WEATHER = {
    "storm": "das Gewitter",
    "rain": "der Regen",
    "snow": "der Schnee",
    "fog": "der Nebel",
    "wind": "der Wind",
}

LINES: dict[str, dict[str, list[str]]] = {
    "establish": {
        "solo": [
            "Es fing {when} an. {place} war ganz still.",
            "{prop}? Niemand achtet darauf. Nur ich.",
            "{place} {when}. Hier passiert nie etwas.",
            "Schon wieder {weather}. Und {place} schläft.",
        ],
    },
    "introduce": {
        "solo": ["Nur ich und {prop}, wie immer.", "Wieder hier. {place}, wie immer."],
        "open": [
            "{you}, bist du noch wach?",
            "{you}! Hier drüben! Schau: {prop}!",
            "Hörst du das, {you}?",
            "{you}, du bist schon wieder zu spät.",
        ],
        "reply": [
            "Für dich bin ich gekommen, {you}.",
            "Du fängst immer ohne mich an, {you}.",
            "Hast du an alles gedacht, {you}?",
        ],
    },
    "inciting": {
        "solo": ["Schau, {prop}. Etwas ist anders.", "Heute ist der Tag. Los, {prop}."],
        "open": [
            "{you}, schau! {prop}!",
            "{prop}, {you}! Da stimmt etwas nicht.",
            "{you}, heute machen wir es. {when}.",
        ],
        "reply": [
            "Jetzt? {when}?",
            "Na gut, {you}. Aber nur heute.",
            "Vorsicht, {you}. Du weißt, wie das endet.",
        ],
    },
    "complication": {
        "solo": ["Komm schon, {prop}. Tu mir das nicht an.", "Nicht jetzt! Nicht {weather}!"],
        "open": [
            "Das ist nicht fair, {you}!",
            "{you}, es rutscht weg!",
            "Warte, {you}. Etwas stimmt nicht.",
        ],
        "reply": [
            "Dann versuch du es doch, {you}!",
            "Das ist schwerer, als es aussieht, {you}.",
            "Nicht so laut, {you}. {place} hört alles.",
        ],
    },
    "turn": {
        "solo": ["Langsam. Erst {prop}.", "Noch einmal. {place} schaut zu."],
        "open": ["{you}, und wenn wir es zusammen machen?", "Tut mir leid, {you}. Ich war stur."],
        "reply": ["Also zusammen. Auf drei, {you}.", "Mir tut es auch leid, {you}."],
    },
    "climax": {
        "solo": ["Los geht's! {place}, schau her!", "Ja! Ja, {prop}, ja!"],
        "open": ["Jetzt, {you}! Jetzt!", "Wir schaffen es, {you}!"],
        "reply": ["Ich sehe es, {you}! Weiter!", "Halt fest, {you}!"],
        "third": ["Wartet auf mich, {you}!", "Los, {you}, du schaffst das!"],
    },
    "resolution": {
        "solo": ["Geschafft! Und {place} hat es gesehen.", "Danke, {prop}. Wirklich."],
        "open": ["Wir haben es geschafft, {you}.", "Morgen wieder, {you}?"],
        "reply": [
            "Morgen wieder. {prop} kommt mit.",
            "Danke, {you}. Wirklich.",
            "Hab ich doch gesagt, {you}.",
        ],
        "third": ["Können wir jetzt nach Hause, {you}?"],
    },
    "coda": {
        "solo": [
            "{place} – ich denke noch oft daran, und an dich, {you}.",
            "{place} war danach nie mehr wie vorher.",
            "{prop} – jedes Jahr aufs Neue.",
        ],
    },
}
