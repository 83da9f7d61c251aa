"""Spanish dialogue parts (slots and roles as in phrasebook_en; no {act}: Spanish lines
speak of the idea's names, props, place, weather and time)."""

from __future__ import annotations

WHEN = {"dawn": "al amanecer", "day": "hoy", "dusk": "esta tarde", "night": "esta noche"}
WEATHER = {
    "storm": "la tormenta",
    "rain": "la lluvia",
    "snow": "la nieve",
    "fog": "la niebla",
    "wind": "el viento",
}

LINES: dict[str, dict[str, list[str]]] = {
    "establish": {
        "solo": [
            "Todo empezó {when}, en {place}.",
            "Nadie se fija en {prop}. Nadie, menos yo.",
            "Siempre me ha gustado {place} {when}.",
            "Otra vez {weather} sobre {place}.",
        ],
    },
    "introduce": {
        "solo": ["Solo yo y {prop}, como siempre.", "Otra vez aquí, en {place}."],
        "open": [
            "{you}, ¿sigues aquí?",
            "¡{you}! Aquí. Mira: {prop}.",
            "¿Oyes eso, {you}?",
            "{you}, llegas tarde otra vez.",
        ],
        "reply": [
            "He venido hasta {place} por ti, {you}.",
            "Siempre empiezas sin mí, {you}.",
            "¿Has traído {prop}?",
        ],
    },
    "inciting": {
        "solo": ["Mira {prop}. Algo ha cambiado.", "Hoy es el día. Vamos, {prop}."],
        "open": [
            "{you}, ¡mira {prop}!",
            "Algo pasa con {prop}, {you}.",
            "{you}, hoy lo hacemos. Aquí, en {place}.",
        ],
        "reply": [
            "¿Ahora? ¿{when}?",
            "Vale, pero yo llevo {prop}, {you}.",
            "Cuidado, {you}. Ya sabes cómo acaba esto.",
        ],
    },
    "complication": {
        "solo": ["Vamos, {prop}. No me hagas esto.", "¡Ahora no, {weather}!"],
        "open": [
            "¡Eso no es justo, {you}!",
            "¡{you}, se nos escapa!",
            "Espera, {you}. {prop}... algo no va bien.",
        ],
        "reply": [
            "¡Pues inténtalo tú, {you}!",
            "Es más difícil de lo que parece, {you}.",
            "Baja la voz, {you}. Nos van a oír.",
        ],
    },
    "turn": {
        "solo": ["Despacio. Primero {prop}.", "Una vez más, por {place}."],
        "open": ["{you}, ¿y si lo hacemos juntos?", "Lo siento, {you}. No te escuché."],
        "reply": ["Juntos, entonces. A la de tres, {you}.", "Yo también lo siento, {you}."],
    },
    "climax": {
        "solo": ["¡Allá voy! ¡Por {place}!", "¡Sí! ¡Sí, {prop}, sí!"],
        "open": ["¡Ahora, {you}! ¡Ahora!", "¡Lo estamos haciendo, {you}!"],
        "reply": ["¡Lo veo, {you}! ¡Sigue!", "¡No sueltes {prop}!"],
        "third": ["¡Espérame, {you}!", "¡Vamos, {you}, tú puedes!"],
    },
    "resolution": {
        "solo": ["Lo conseguí. En {place}, nada menos.", "Gracias, {prop}. De verdad."],
        "open": ["Lo hicimos, {you}. De verdad.", "¿Mañana a la misma hora, {you}?"],
        "reply": ["Mañana. Y trae {prop}.", "Gracias, {you}. De verdad.", "Te lo dije, {you}."],
        "third": ["¿Podemos volver a casa, {you}?"],
    },
    "coda": {
        "solo": [
            "Todavía pienso en {place}, y en {you}.",
            "{place} nunca volvió a ser igual.",
            "{place}... cada año vuelvo allí.",
        ],
    },
}
