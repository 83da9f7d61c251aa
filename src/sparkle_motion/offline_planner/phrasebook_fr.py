"""French dialogue parts (slots and roles as in phrasebook_en, without {act})."""

from __future__ import annotations

WHEN = {"dawn": "à l'aube", "day": "aujourd'hui", "dusk": "ce soir", "night": "cette nuit"}
WEATHER = {
    "storm": "l'orage",
    "rain": "la pluie",
    "snow": "la neige",
    "fog": "le brouillard",
    "wind": "le vent",
}

LINES: dict[str, dict[str, list[str]]] = {
    "establish": {
        "solo": [
            "Tout a commencé {when}, dans {place}.",
            "Personne ne remarque {prop}. Personne, sauf moi.",
            "J'ai toujours aimé {place} {when}.",
            "Encore {weather} sur {place}.",
        ],
    },
    "introduce": {
        "solo": ["Juste moi et {prop}, comme toujours.", "Me revoilà, dans {place}."],
        "open": [
            "{you}, tu dors encore ?",
            "{you} ! Par ici. Regarde : {prop} !",
            "Tu entends ça, {you} ?",
            "{you}, tu es encore en retard.",
        ],
        "reply": [
            "J'ai traversé {place} pour toi, {you}.",
            "Tu commences toujours sans moi, {you}.",
            "Tu as apporté {prop} ?",
        ],
    },
    "inciting": {
        "solo": ["Regarde {prop}. Quelque chose a changé.", "C'est le jour. Allez, {prop}."],
        "open": [
            "{you}, regarde {prop} !",
            "Il se passe quelque chose avec {prop}, {you}.",
            "{you}, on le fait aujourd'hui. Ici, dans {place}.",
        ],
        "reply": [
            "Maintenant ? {when} ?",
            "D'accord, mais c'est moi qui garde {prop}, {you}.",
            "Attention, {you}. Tu sais comment ça finit.",
        ],
    },
    "complication": {
        "solo": ["Allez, {prop}. Ne me fais pas ça.", "Pas maintenant, {weather} !"],
        "open": [
            "Ce n'est pas juste, {you} !",
            "{you}, ça nous échappe !",
            "Attends, {you}. Quelque chose cloche avec {prop}.",
        ],
        "reply": [
            "Alors essaie, toi, {you} !",
            "C'est plus dur que ça en a l'air, {you}.",
            "Moins fort, {you}. On va nous entendre.",
        ],
    },
    "turn": {
        "solo": ["Doucement. D'abord {prop}.", "Encore une fois, pour {place}."],
        "open": ["{you}, et si on le faisait ensemble ?", "Pardon, {you}. Je ne t'ai pas écouté."],
        "reply": ["Ensemble, alors. À trois, {you}.", "Moi aussi, pardon, {you}."],
    },
    "climax": {
        "solo": ["J'y vais ! Pour {place} !", "Oui ! Oui, {prop}, oui !"],
        "open": ["Maintenant, {you} ! Maintenant !", "On y arrive, {you} !"],
        "reply": ["Je le vois, {you} ! Continue !", "Ne lâche pas {prop} !"],
        "third": ["Attends-moi, {you} !", "Vas-y, {you}, tu peux le faire !"],
    },
    "resolution": {
        "solo": ["J'ai réussi. Dans {place}, en plus.", "Merci, {prop}. Vraiment."],
        "open": ["On a réussi, {you}. Vraiment.", "Demain, même heure, {you} ?"],
        "reply": [
            "Demain. Et apporte {prop}.",
            "Merci, {you}. Vraiment.",
            "Je te l'avais dit, {you}.",
        ],
        "third": ["On peut rentrer, {you} ?"],
    },
    "coda": {
        "solo": [
            "{place}... j'y pense encore, et à toi, {you}.",
            "{place} n'a plus jamais été pareil.",
            "{prop}... chaque année, j'y repense.",
        ],
    },
}
