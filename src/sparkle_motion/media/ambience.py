"""Ambience under a film's shots where the setting suggests it: sea, rain, storm, wind, city,
forest (birds by day, crickets by night). Quiet (RMS about `LEVEL_DBFS`) and made of shaped
noise, the way a sound designer fakes them cheaply:

    sea     low-passed noise swelling and falling on slow, irregular waves, a little hiss
            at each crest
    rain    broadband noise above 600 Hz and sparse droplet ticks; storm adds a low rumble
            and gusts
    wind    a mid band swelling and falling, the two channels out of step
    city    a low traffic rumble and slow passing swells
    forest  a faint leaf rustle and a few bird chirps (day) or cricket trills (night)

A shot's kind comes from its words (ambience_words.py); `render_ambience` lays each shot's
kind on the film's timeline with short crossfades. Noise is shaped in the frequency domain
(one FFT of a 5.5 s block per noise, tiled), so a 30 s film's ambience takes about
50 ms.
Deterministic: seeded from the step.
"""

from __future__ import annotations

from typing import get_args

import numpy as np

from ..schemas.steps import AmbienceKind
from .score import RATE

KINDS: tuple[str, ...] = get_args(AmbienceKind)
LEVEL_DBFS = -36.0
XFADE_S = 0.6


LOOP = 2**17  # 5.5 s: shaped noise is made this long and tiled (it is periodic: no seam)


def _shaped(rng: np.random.Generator, n: int, shape) -> np.ndarray:
    """Noise of length n with magnitude spectrum shape(f) (f in Hz), RMS 1: one FFT of a
    `LOOP`-long block, tiled (the slow swells laid over it hide the repeat)."""
    size = min(n, LOOP)
    spectrum = np.fft.rfft(rng.standard_normal(size))
    f = np.fft.rfftfreq(size, 1 / RATE)
    block = np.fft.irfft(spectrum * shape(f), size).astype(np.float32)
    block /= float(np.sqrt(np.mean(block**2))) or 1.0
    return np.tile(block, -(-n // size))[:n]


def _band(lo: float, hi: float, tilt: float = 0.0):
    def shape(f: np.ndarray) -> np.ndarray:
        g = 1 / (1 + (lo / np.maximum(f, 1.0)) ** 4) / (1 + (f / hi) ** 4)
        return g / np.maximum(f, 20.0) ** tilt

    return shape


def _swell(t: np.ndarray, periods: tuple[float, ...], phase: float) -> np.ndarray:
    s = np.zeros(len(t), dtype=np.float32)
    for k, p in enumerate(periods):
        s += np.sin(2 * np.pi * t / p + phase * (k + 1)).astype(np.float32)
    return s / len(periods) * 0.5 + 0.5


def _events(rng, n: int, per_s: float, sound: np.ndarray, gain: float) -> np.ndarray:
    out = np.zeros(n + len(sound), dtype=np.float32)
    count = rng.poisson(per_s * n / RATE)
    for at, g in zip(rng.integers(0, n, count), rng.uniform(0.3, 1.0, count), strict=True):
        out[at : at + len(sound)] += g * gain * sound
    return out[:n]


def _chirp(rng, night: bool) -> np.ndarray:
    if night:  # a cricket trill: a 4.4 kHz tone pulsed 30 times a second for 0.6 s
        t = np.arange(round(0.6 * RATE)) / RATE
        return (np.sin(2 * np.pi * 4400 * t) * (np.sin(2 * np.pi * 30 * t) > 0.3)).astype(
            np.float32
        ) * np.hanning(len(t)).astype(np.float32)
    notes = []
    for _ in range(int(rng.integers(2, 5))):  # a short phrase of falling or rising chirps
        d = float(rng.uniform(0.06, 0.14))
        t = np.arange(round(d * RATE)) / RATE
        f0, f1 = sorted(rng.uniform(2500, 5200, 2))[:: 1 if rng.random() < 0.5 else -1]
        freq = f0 + (f1 - f0) * t / d
        tone = np.sin(2 * np.pi * np.cumsum(freq) / RATE) * np.hanning(len(t))
        notes += [tone, np.zeros(round(float(rng.uniform(0.04, 0.1)) * RATE))]
    return np.concatenate(notes).astype(np.float32)


def _layer(kind: str, rng: np.random.Generator, n: int) -> np.ndarray:
    """One kind over the whole film: (n, 2) float32 at RMS 1 (before `LEVEL_DBFS`)."""
    t = np.arange(n, dtype=np.float32) / RATE
    channels = []
    for ch in range(2):
        phase = float(rng.uniform(0, 2 * np.pi)) + ch * 0.9
        if kind == "sea":
            swell = _swell(t, (7.3, 11.1, 5.3), phase) ** 2
            body = _shaped(rng, n, _band(60, 700, 0.5)) * (0.25 + 0.75 * swell)
            hiss = _shaped(rng, n, _band(2000, 7000)) * swell**3 * 0.25
            x = body + hiss
        elif kind in ("rain", "storm"):
            x = _shaped(rng, n, _band(600, 9000, 0.3)) * (
                0.85 + 0.15 * _swell(t, (4.1, 6.7), phase)
            )
            tick = np.exp(-np.arange(120) / 18.0).astype(np.float32) * rng.standard_normal(
                120
            ).astype(np.float32)
            x = x + _events(rng, n, 25, tick, 0.8)
            if kind == "storm":
                gust = _swell(t, (9.1, 13.7), phase) ** 3
                x = 0.8 * x + _shaped(rng, n, _band(25, 160, 0.5)) * (0.3 + 1.0 * gust)
        elif kind == "wind":
            a = _shaped(rng, n, _band(180, 900, 0.3)) * _swell(t, (6.1, 9.7), phase) ** 2
            b = _shaped(rng, n, _band(500, 2200)) * _swell(t, (8.3, 5.9), phase + 1.3) ** 3
            x = a + 0.5 * b
        elif kind == "city":
            rumble = _shaped(rng, n, _band(30, 250, 0.5))
            passing = (
                _shaped(rng, n, _band(250, 2000, 0.5)) * _swell(t, (12.7, 7.9, 19.3), phase) ** 4
            )
            x = rumble + 0.9 * passing
        else:  # forest_day / forest_night
            night = kind == "forest_night"
            leaves = _shaped(rng, n, _band(1500, 8000)) * (0.3 + 0.7 * _swell(t, (5.7, 8.9), phase))
            calls = np.zeros(n, dtype=np.float32)
            for _ in range(4):
                calls += _events(rng, n, 0.12 if not night else 0.2, _chirp(rng, night), 3.0)
            x = 0.6 * leaves + calls
        channels.append(x.astype(np.float32))
    out = np.stack(channels, axis=1)
    return out / (float(np.sqrt(np.mean(out**2))) or 1.0)


def render_ambience(
    spans: list[tuple[float, float, str | None]], seed: int, seconds: float
) -> np.ndarray | None:
    """(n, 2) float32 at `RATE`, `seconds` long: each (start, end, kind) span's ambience,
    crossfaded at the joins, faded at the film's ends; None when no span has one."""
    kinds = sorted({k for _, _, k in spans if k})
    if not kinds:
        return None
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(f"ambience: unknown kind {unknown[0]!r}; known: {', '.join(KINDS)}")
    n = round(seconds * RATE)
    out = np.zeros((n, 2), dtype=np.float32)
    coarse = 100  # the on/off gain is smoothed at 100 Hz, then stretched to the film's rate
    steps = max(1, round(seconds * coarse))
    kernel = np.hanning(max(3, round(XFADE_S * coarse)))
    kernel /= kernel.sum()
    for i, kind in enumerate(kinds):
        layer = _layer(kind, np.random.default_rng([seed, i]), n)
        on = np.zeros(steps)
        for start_s, end_s, k in spans:
            if k == kind:
                on[round(start_s * coarse) : round(end_s * coarse)] = 1.0
        smooth = np.convolve(on, kernel, mode="same")
        gain = np.interp(np.arange(n) / RATE * coarse, np.arange(steps), smooth).astype(np.float32)
        out += layer * gain[:, None]
    out *= np.float32(10 ** (LEVEL_DBFS / 20))
    edge = min(round(1.0 * RATE), n // 4)
    if edge:
        ramp = np.linspace(0, 1, edge, dtype=np.float32)[:, None]
        out[:edge] *= ramp
        out[n - edge :] *= ramp[::-1]
    return out
