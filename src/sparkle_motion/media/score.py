"""A film's score, synthesized offline from a music mood: chords in a key and tempo the mood
picks (major and brighter for joyful or wondrous, minor and slower for melancholy or
tense), played by three parts over the whole film:

    pad      the chord, sustained: two slightly detuned voices of a soft harmonic tone,
             panned apart, each chord fading into the next
    bass     the chord's root an octave or two down, soft attack
    lead     plucked notes: an arpeggio of the chord (joyful, wondrous, epic), a slow
             melody walking over chord tones (tender, melancholy, mysterious) or a low
             pulse under a few high notes (tense); from the second pass through the
             progression a part joins (a tune over the arpeggio, a soft arpeggio under
             the melody) and the arpeggio's figure changes each pass

then a few delayed copies of pad and lead for a reverb-like tail, a fade in and a longer
fade out, and one loudness for every mood (RMS `TARGET_DBFS`). The last bars land on the
home chord. A pure function of (mood, prompt, seed, seconds): the same step makes the same
bytes. Instruments named in the prompt colour the lead (piano, harp, bells, guitar:
brighter plucks; cello, strings: softer, slower attack). numpy only, wavetables instead of
per-partial sines: a 30 s film's score takes about 0.1 s here.
"""

from __future__ import annotations

import io
import re
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

RATE = 24000  # Hz; ffmpeg resamples to the film's rate
TARGET_DBFS = -14.0  # the score's RMS before the step's volume_db
TABLE = 4096

Chord = tuple[int, str]  # (semitones above the key, quality)
Part = Literal["arpeggio", "melody", "pulse"]

QUALITIES: dict[str, tuple[int, ...]] = {
    "M": (0, 4, 7),
    "m": (0, 3, 7),
    "maj7": (0, 4, 7, 11),
    "m7": (0, 3, 7, 10),
    "add9": (0, 4, 7, 14),
    "sus2": (0, 2, 7),
    "sus4": (0, 5, 7),
}


@dataclass(frozen=True)
class Feel:
    """What a mood sounds like: mode, tempo, chord progressions to pick from, lead part."""

    name: str
    mode: Literal["major", "minor"]
    bpm: float
    progressions: tuple[tuple[Chord, ...], ...]
    lead: Part
    brightness: float  # 0..1: how many partials the plucks and pad carry
    bars_per_chord: int = 1


FEELS: dict[str, Feel] = {
    "joyful": Feel(
        "joyful",
        "major",
        108,
        (
            ((0, "M"), (7, "M"), (9, "m"), (5, "M")),
            ((0, "M"), (9, "m"), (5, "M"), (7, "M")),
            ((5, "M"), (0, "M"), (7, "M"), (9, "m")),
        ),
        "arpeggio",
        0.8,
    ),
    "wondrous": Feel(
        "wondrous",
        "major",
        84,
        (
            ((0, "maj7"), (2, "M"), (9, "m7"), (5, "maj7")),
            ((0, "add9"), (5, "maj7"), (2, "M"), (0, "add9")),
            ((5, "maj7"), (7, "sus4"), (0, "add9"), (2, "M")),
        ),
        "arpeggio",
        0.7,
    ),
    "tender": Feel(
        "tender",
        "major",
        72,
        (
            ((0, "add9"), (5, "maj7"), (9, "m7"), (7, "sus4")),
            ((0, "M"), (4, "m"), (5, "maj7"), (7, "M")),
            ((5, "maj7"), (0, "M"), (9, "m7"), (7, "sus2")),
        ),
        "melody",
        0.55,
    ),
    "melancholy": Feel(
        "melancholy",
        "minor",
        62,
        (
            ((0, "m"), (8, "M"), (3, "M"), (10, "M")),
            ((0, "m7"), (5, "m"), (8, "maj7"), (7, "sus4")),
            ((0, "m"), (10, "M"), (8, "M"), (7, "M")),
        ),
        "melody",
        0.35,
    ),
    "mysterious": Feel(
        "mysterious",
        "minor",
        70,
        (
            ((0, "m7"), (5, "M"), (0, "m7"), (3, "maj7")),
            ((0, "sus2"), (8, "maj7"), (0, "m"), (1, "M")),
        ),
        "melody",
        0.45,
    ),
    "tense": Feel(
        "tense",
        "minor",
        76,
        (
            ((0, "m"), (1, "M"), (0, "m"), (8, "M")),
            ((0, "m"), (8, "M"), (5, "m"), (7, "M")),
        ),
        "pulse",
        0.3,
    ),
    "epic": Feel(
        "epic",
        "minor",
        96,
        (
            ((0, "m"), (8, "M"), (3, "M"), (10, "M")),
            ((0, "m"), (10, "M"), (8, "M"), (10, "sus4")),
        ),
        "arpeggio",
        0.6,
    ),
}


def _each(words: str) -> list[str]:
    return words.split()


# mood words -> feel (the first word of a mood that names one wins; unknown: tender)
MOOD_WORDS: dict[str, str] = {
    **dict.fromkeys(
        _each(
            "joyful joy happy cheerful playful fun funny bright upbeat triumphant excited "
            "exciting celebratory festive lively silly comic comedic energetic sunny"
        ),
        "joyful",
    ),
    **dict.fromkeys(
        _each(
            "wondrous wonder magical magic dreamy whimsical hopeful awe awed enchanted "
            "fantastical marvellous marvelous curious uplifting"
        ),
        "wondrous",
    ),
    **dict.fromkeys(
        _each(
            "tender warm gentle calm peaceful serene relieved cozy cosy romantic loving "
            "nostalgic quiet soft sweet content relaxed reflective"
        ),
        "tender",
    ),
    **dict.fromkeys(
        _each(
            "melancholy melancholic sad lonely grief grieving wistful somber sombre sorrowful "
            "bittersweet mournful gloomy tragic blue heartbroken"
        ),
        "melancholy",
    ),
    **dict.fromkeys(
        _each("mysterious mystery strange eerie uncanny haunting haunted secret foggy misty"),
        "mysterious",
    ),
    **dict.fromkeys(
        _each(
            "tense suspense suspenseful anxious ominous dark scary fearful afraid danger "
            "dangerous threatening menacing frantic urgent nervous creepy horror"
        ),
        "tense",
    ),
    **dict.fromkeys(
        _each(
            "epic heroic adventurous adventure bold determined brave dramatic grand stormy fierce"
        ),
        "epic",
    ),
}
PATTERNS = ((0, 1, 2, 3, 2, 1, 0, 1), (0, 2, 1, 3, 0, 2, 1, 2), (0, 1, 2, 1, 3, 2, 1, 2))
BRIGHT_LEADS = ("piano", "harp", "bell", "bells", "glockenspiel", "celesta", "guitar", "music box")
SOFT_LEADS = ("cello", "strings", "string", "violin", "viola", "choir", "organ", "pad")


def feel_for(mood: str) -> Feel:
    """The feel a mood's words name (the first one that names one), else `tender`."""
    for word in re.findall(r"[a-z]+", mood.lower()):
        if word in MOOD_WORDS:
            return FEELS[MOOD_WORDS[word]]
    return FEELS["tender"]


@dataclass(frozen=True)
class ScoreStyle:
    feel: Feel
    key: int  # MIDI note of the home chord's root, 55..66
    progression: tuple[Chord, ...]
    pattern: tuple[int, ...]  # arpeggio order of chord tones
    lead_softness: float  # 0 bright pluck .. 1 bowed, slow attack

    def describe(self) -> str:
        names = _each("C C# D Eb E F F# G Ab A Bb B")
        chords = " ".join(
            f"{names[(self.key + r) % 12]}{'' if q == 'M' else q}" for r, q in self.progression
        )
        return (
            f"{self.feel.name}: {names[self.key % 12]} {self.feel.mode}, {self.feel.bpm:g} bpm, "
            f"{chords}, pad + bass + {self.feel.lead}"
        )


def score_style(mood: str, prompt: str | None, seed: int) -> ScoreStyle:
    rng = np.random.default_rng(seed)
    feel = feel_for(mood)
    text = (prompt or "").lower()
    softness = 0.35
    if any(w in text for w in SOFT_LEADS):
        softness = 0.8
    if any(w in text for w in BRIGHT_LEADS):
        softness = 0.1
    return ScoreStyle(
        feel=feel,
        key=55 + int(rng.integers(0, 12)),
        progression=feel.progressions[int(rng.integers(0, len(feel.progressions)))],
        pattern=PATTERNS[int(rng.integers(0, len(PATTERNS)))],
        lead_softness=softness,
    )


def _hz(midi: float) -> float:
    return float(440.0 * 2 ** ((midi - 69) / 12))


def _table(partials: int, tilt: float) -> np.ndarray:
    """One cycle of a harmonic tone: partial n at amplitude n**-tilt."""
    phase = np.arange(TABLE) / TABLE * 2 * np.pi
    out = np.zeros(TABLE)
    for n in range(1, partials + 1):
        out += np.sin(n * phase) / n**tilt
    return (out / np.abs(out).max()).astype(np.float32)


def _osc(table: np.ndarray, hz: float, n: int, phase0: float = 0.0) -> np.ndarray:
    """n samples of `table` played at `hz` (fixed-point phase: integer ops only)."""
    step = round(hz / RATE * TABLE * 65536)
    idx = np.arange(n, dtype=np.int64) * step + round(phase0 % 1.0 * TABLE * 65536)
    return table[(idx >> 16) & (TABLE - 1)]


def _voicing(key: int, chord: Chord, centre: int) -> list[int]:
    """The chord's tones, each moved by octaves into [centre - 6, centre + 6): close voicing,
    so each chord sits near the last (smooth voice leading)."""
    root, quality = chord
    notes = []
    for interval in QUALITIES[quality]:
        note = key + root + interval
        note += 12 * round((centre - note) / 12)
        notes.append(note)
    return sorted(set(notes))


def _chords(style: ScoreStyle, seconds: float) -> list[tuple[float, float, Chord]]:
    """(start, end, chord) over the film; the last chord is the home chord, held to the end."""
    bar = 4 * 60.0 / style.feel.bpm * style.feel.bars_per_chord
    count = max(1, int(seconds // bar))
    out: list[tuple[float, float, Chord]] = []
    for i in range(count):
        chord = style.progression[i % len(style.progression)]
        out.append((i * bar, (i + 1) * bar, chord))
    home: Chord = (0, style.progression[0][1])
    if count > 1:
        out[-1] = (out[-1][0], seconds, home)
    else:
        out = [(0.0, seconds, home)]
    return out


def _envelope(n: int, attack: int, release: int) -> np.ndarray:
    env = np.ones(n, dtype=np.float32)
    a, r = min(attack, n), min(release, n)
    if a:
        env[:a] = np.linspace(0, 1, a, dtype=np.float32) ** 2
    if r:
        env[n - r :] *= np.linspace(1, 0, r, dtype=np.float32) ** 2
    return env


def _add(dest: np.ndarray, start: int, sound: np.ndarray) -> None:
    end = min(len(dest), start + len(sound))
    if end > start:
        dest[start:end] += sound[: end - start]


def _rms(x: np.ndarray) -> float:
    """RMS in float64, a block at a time (no film-sized temporary)."""
    flat, block = x.reshape(-1), 1 << 20
    total = sum(
        float(np.dot(c, c))
        for c in (flat[i : i + block].astype(np.float64) for i in range(0, len(flat), block))
    )
    return float(np.sqrt(total / max(1, len(flat))))


def render_score(mood: str, prompt: str | None, seed: int, seconds: float) -> np.ndarray:
    """Stereo float32 samples (n, 2) at `RATE`, `seconds` long, RMS at `TARGET_DBFS`."""
    if not seconds > 0:
        raise ValueError(f"seconds: must be > 0, got {seconds}")
    style = score_style(mood, prompt, seed)
    feel = style.feel
    rng = np.random.default_rng(seed + 1)
    total = round(seconds * RATE)
    out = np.zeros((total, 2), dtype=np.float32)
    left, right = out[:, 0], out[:, 1]  # views: every part is added in place
    wet = np.zeros(total, dtype=np.float32)  # what the reverb tail is made of
    beat = 60.0 / feel.bpm
    pad_table = _table(4 + round(4 * feel.brightness), 1.4)
    bass_table = _table(2, 2.0)
    bright = _table(6 + round(4 * feel.brightness * (1 - style.lead_softness)), 1.1)
    dull = _table(2, 2.0)
    fade = round(min(1.2, beat * 2) * RATE)
    chords = _chords(style, seconds)
    for start_s, end_s, chord in chords:
        start, end = round(start_s * RATE), round(end_s * RATE)
        n = min(total, end + fade) - start
        env = _envelope(n, fade, fade)
        for k, note in enumerate(_voicing(style.key, chord, centre=style.key + 5)):
            hz = _hz(note)
            a = _osc(pad_table, hz * 1.0023, n, 0.1 * k) * env
            b = _osc(pad_table, hz / 1.0023, n, 0.37 * k) * env
            _add(left, start, 0.16 * (0.7 * a + 0.3 * b))
            _add(right, start, 0.16 * (0.3 * a + 0.7 * b))
            _add(wet, start, 0.08 * (a + b))
        root = style.key + chord[0]
        root -= 12 * ((root - 40) // 12)  # into 40..51
        bass = _osc(bass_table, _hz(root), n) * _envelope(n, round(0.08 * RATE), fade) * 0.14
        _add(left, start, bass)
        _add(right, start, bass)
    # the lead: plucked notes (bright partials decay fast, the body slowly)
    pluck_n = round(min(2.0, 4 * beat) * RATE)
    t = np.arange(pluck_n, dtype=np.float32) / RATE
    attack = round((0.004 + 0.12 * style.lead_softness) * RATE)
    rise = np.ones(pluck_n, dtype=np.float32)
    rise[:attack] = np.linspace(0, 1, attack, dtype=np.float32)
    body_env = rise * np.exp(-t * (2.2 - 1.2 * style.lead_softness))
    click_env = rise * np.exp(-t * 6.0)

    def pluck(note: int, at_s: float, gain: float, pan: float) -> None:
        start = round(at_s * RATE)
        if start >= total:
            return
        hz = _hz(note)
        tone = _osc(dull, hz, pluck_n) * body_env + _osc(bright, hz, pluck_n) * click_env
        tone *= 1.5 * gain
        _add(left, start, tone * (1 - pan))
        _add(right, start, tone * pan)
        _add(wet, start, tone * 0.9)

    # the arrangement grows: the second pass through the progression adds a part (a tune
    # over the arpeggio; a soft arpeggio under the melody), and each pass varies the figure
    melody_note = style.key + 12
    tune_note = style.key + 19
    passes = len(style.progression)
    for index, (start_s, end_s, chord) in enumerate(chords):
        later = index >= passes
        pattern = PATTERNS[(PATTERNS.index(style.pattern) + index // passes) % len(PATTERNS)]
        tones = _voicing(style.key, chord, centre=style.key + 14)
        low = _voicing(style.key, chord, centre=style.key - 5)
        if feel.lead == "arpeggio" or (later and feel.lead == "melody"):
            step = beat / 2 if feel.lead == "arpeggio" else beat
            level = 1.0 if feel.lead == "arpeggio" else 0.45
            for i, at in enumerate(np.arange(start_s, end_s - 1e-6, step)):
                k = pattern[i % len(pattern)]
                note = tones[k % len(tones)] + (12 if k >= len(tones) else 0)
                pluck(note, float(at), level * (0.11 if i % 2 else 0.14), 0.35 + 0.3 * (i % 2))
        if feel.lead == "arpeggio" and later:
            # a tune: a long note on each half bar, walking near the last over chord tones
            high = [x + 12 for x in tones] + [x + 24 for x in tones]
            for at in np.arange(start_s, end_s - 1e-6, 2 * beat):
                near = sorted(high, key=lambda x: abs(x - tune_note))
                tune_note = near[int(rng.integers(0, 2))]
                pluck(tune_note, float(at), 0.13, 0.5)
        if feel.lead == "melody":
            # a walk over chord tones: a note each half bar, now and then a rest or a
            # passing quarter, each step to a near chord tone
            for at in np.arange(start_s, end_s - 1e-6, 2 * beat):
                if rng.random() < 0.15:
                    continue
                near = sorted(tones + [x + 12 for x in tones], key=lambda x: abs(x - melody_note))
                melody_note = near[int(rng.integers(0, 2))]
                pluck(melody_note, float(at), 0.16, 0.5)
                if rng.random() < 0.3:
                    passing = near[2] if len(near) > 2 else melody_note
                    pluck(passing, float(at + beat), 0.1, 0.55)
        if feel.lead == "pulse":  # the low root on every eighth, a high chord tone now and then
            for i, at in enumerate(np.arange(start_s, end_s - 1e-6, beat / 2)):
                pluck(low[0], float(at), 0.09 if i % 2 else 0.13, 0.5)
            for at in np.arange(start_s, end_s - 1e-6, 2 * beat):
                if rng.random() < (0.7 if later else 0.4):
                    pluck(tones[int(rng.integers(0, len(tones)))] + 12, float(at), 0.08, 0.7)
    # reverb-like tail: delayed, softened copies of pad and lead, different left and right
    soft = np.convolve(wet, np.ones(6, dtype=np.float32) / 6, mode="same")
    for k, (dl, dr) in enumerate(((0.043, 0.051), (0.089, 0.103), (0.151, 0.139), (0.233, 0.257))):
        gain = np.float32(0.45 * 0.7**k)
        il, ir = round(dl * RATE), round(dr * RATE)
        left[il:] += gain * soft[:-il]
        right[ir:] += gain * soft[:-ir]
    del soft
    rms = _rms(out) or 1.0
    out *= np.float32(10 ** (TARGET_DBFS / 20) / rms)
    fade_in = round(min(1.5, seconds / 4) * RATE)
    fade_out = round(min(3.0, seconds / 4) * RATE)
    if fade_in:
        out[:fade_in] *= np.linspace(0, 1, fade_in, dtype=np.float32)[:, None]
    if fade_out:
        out[total - fade_out :] *= np.linspace(1, 0, fade_out, dtype=np.float32)[:, None] ** 1.5
    return np.clip(out, -0.98, 0.98, out=out)


def _pcm_blocks(samples: np.ndarray):
    frames = samples if samples.ndim == 2 else samples[:, None]
    for i in range(0, len(frames), 1 << 18):  # a block at a time: no film-sized copies
        yield np.round(frames[i : i + (1 << 18)] * 32767).astype("<i2").tobytes()


def _write(out, samples: np.ndarray, rate: int) -> None:
    with wave.open(out, "wb") as w:
        w.setnchannels(samples.shape[1] if samples.ndim == 2 else 1)
        w.setsampwidth(2)
        w.setframerate(rate)
        for block in _pcm_blocks(samples):
            w.writeframes(block)


def wav_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    """16-bit WAV of float samples (n,) or (n, channels) in -1..1."""
    buffer = io.BytesIO()
    _write(buffer, samples, rate)
    return buffer.getvalue()


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """`wav_bytes` written to `path` a block at a time."""
    with open(path, "wb") as out:
        _write(out, samples, rate)
    return path


def write_score(path: Path, mood: str, prompt: str | None, seed: int, seconds: float) -> Path:
    """The score as a WAV at `path`."""
    return write_wav(path, render_score(mood, prompt, seed, seconds))
