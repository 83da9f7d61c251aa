"""English dialogue parts: per beat and role ('solo' when one character speaks in the
shot, 'open' and 'reply' between two, 'third' for a third voice), templates with slots:
{you} the one addressed, {prop} the idea's prop, {place} its place, {act} its action
(base form), {weather}, {when} (tonight, at dawn...). A template is used only when its
slots are known for the idea, and never twice in a plan."""

from __future__ import annotations

WHEN = {"dawn": "at dawn", "day": "today", "dusk": "this evening", "night": "tonight"}
WEATHER = {
    "storm": "the storm",
    "rain": "the rain",
    "snow": "the snow",
    "fog": "the fog",
    "wind": "the wind",
}

LINES: dict[str, dict[str, list[str]]] = {
    "establish": {
        "solo": [
            "Every day in {place} starts the same way.",
            "{place}, {when}. Nothing ever happens here.",
            "They say there are secrets around {place}.",
            "I have always loved {place} {when}.",
            "Listen. Not a sound in {place} {when}.",
            "Here comes {weather} again, right over {place}.",
            "Nobody looks twice at {prop}. Nobody but me.",
            "It all began {when}, with {prop}.",
        ],
    },
    "introduce": {
        "solo": [
            "Just me and {prop}, as usual.",
            "Same {place}, same me. Or is it?",
            "One more day, and maybe I will {act}.",
            "Nobody notices {prop} but me.",
            "Back in {place} again. Of course.",
        ],
        "open": [
            "{you}, are you still awake?",
            "{you}! Over here, by {prop}.",
            "Do you hear that, {you}?",
            "{you}, you are late again.",
            "Look who finally made it to {place}, {you}!",
            "You look tired, {you}. Bad day?",
        ],
        "reply": [
            "I came all the way to {place} for this, {you}.",
            "You always start without me, {you}.",
            "Did you bring {prop}?",
            "Only for you, {you}. Only for you.",
            "Shh, {you}. Not so loud in {place}.",
        ],
    },
    "inciting": {
        "solo": [
            "Today I {act}. No more waiting.",
            "What if I {act}? Just this once.",
            "Look at {prop}. Something is different.",
            "Right. Time to {act}.",
        ],
        "open": [
            "{you}, today we {act}.",
            "What if we {act}, {you}?",
            "{you}, look at {prop}!",
            "Something is different about {prop}, {you}.",
            "I bet you cannot {act}, {you}.",
        ],
        "reply": [
            "You want to {act}? Here? {when}?",
            "Only if you promise not to cheat, {you}.",
            "Fine. But {prop} stays with me.",
            "Careful, {you}. You know how this ends.",
            "Oh, {you}. You and your ideas.",
        ],
    },
    "complication": {
        "solo": [
            "Come on, {prop}. Do not do this to me.",
            "Why is it so hard to {act}?",
            "Not {weather}. Not now!",
            "Not in {place}. Not {when}.",
        ],
        "open": [
            "That is not fair, {you}!",
            "{you}, {prop} is slipping!",
            "We will never {act} like this, {you}.",
            "Not now, {weather}!",
            "Wait, {you}. Something is wrong with {prop}.",
        ],
        "reply": [
            "Do not blame me for {prop}, {you}.",
            "Then you try it, {you}!",
            "Hold on. Breathe. We can still {act}.",
            "This is harder than it looks, {you}.",
            "Keep your voice down, {you}. All of {place} can hear you.",
        ],
    },
    "turn": {
        "solo": [
            "Slowly now. {prop} first.",
            "Once more, for {place}.",
            "Think. How would Grandma {act}?",
            "Easy, {prop}. Easy.",
        ],
        "open": [
            "{you}, what if we do it together?",
            "Let me hold {prop}. You lead, {you}.",
            "I am sorry, {you}. I was being stubborn.",
            "{you}, remember the first time we tried this?",
        ],
        "reply": [
            "Together, then. On three, {you}.",
            "Fine. You hold {prop}, I will do the rest.",
            "I am sorry too, {you}.",
            "Of course I remember, {you}. You cried.",
        ],
    },
    "climax": {
        "solo": [
            "Here goes. For {place}!",
            "Yes! Yes, {prop}, yes!",
            "Now or never, {prop}.",
            "Look! I really {act}!",
        ],
        "open": [
            "Now, {you}! Now!",
            "Here it comes! Hold on to {prop}!",
            "We are doing it, {you}! We really are!",
            "{you}, do not let go!",
        ],
        "reply": [
            "I see it, {you}! Keep going!",
            "Do not let go of {prop}!",
            "Almost there, {you}! Almost!",
            "I have got you, {you}!",
        ],
        "third": [
            "Wait for me, {you}!",
            "Go on, {you}! You can do it!",
            "Mind {prop}, {you}!",
        ],
    },
    "resolution": {
        "solo": [
            "So that is what {prop} was for.",
            "I did it. In {place}, of all places.",
            "Thank you, {prop}. I mean it.",
            "Well. {place} will never be the same.",
        ],
        "open": [
            "We did it, {you}. We actually did it.",
            "Same time tomorrow, {you}?",
            "I will never forget {place} {when}, {you}.",
            "You were right, {you}. I hate that.",
        ],
        "reply": [
            "Same time tomorrow. Bring {prop}.",
            "Next time, I win, {you}.",
            "Thank you, {you}. Really.",
            "Told you so, {you}.",
        ],
        "third": [
            "Can we go home now, {you}?",
            "I knew you two could do it, {you}.",
        ],
    },
    "coda": {
        "solo": [
            "I still think about {place}, and about {you}.",
            "{place} never looked the same again.",
            "Every year, {prop} comes out again.",
            "And that was the day I learned to {act}.",
            "Some nights I still hear {weather} over {place}.",
        ],
    },
}
