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
(one FFT of a 5.5 s block per noise, read as if tiled) and rendered ten seconds at a
time, so a 30 s film's ambience takes about 50 ms and a long one needs little memory.
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
CHUNK = 10 * RATE  # rendered a chunk at a time: a long film needs no film-sized temporaries
NORM_S = 20.0  # a layer's loudness is set from its first seconds


class _Noise:
    """Noise with magnitude spectrum shape(f) (f in Hz), RMS 1: one FFT of a `LOOP`-long
    block, read as if tiled (the slow swells laid over it hide the repeat)."""

    def __init__(self, rng: np.random.Generator, n: int, shape) -> None:
        size = min(n, LOOP)
        spectrum = np.fft.rfft(rng.standard_normal(size))
        f = np.fft.rfftfreq(size, 1 / RATE)
        block = np.fft.irfft(spectrum * shape(f), size).astype(np.float32)
        self.block = block / (float(np.sqrt(np.mean(block**2))) or 1.0)

    def at(self, a: int, b: int) -> np.ndarray:
        return self.block[np.arange(a, b) % len(self.block)]


class _Events:
    """A sound dropped at random places (Poisson, `per_s` a second), read a range at a time."""

    def __init__(self, rng, n: int, per_s: float, sound: np.ndarray, gain: float) -> None:
        count = int(rng.poisson(per_s * n / RATE))
        self.starts = np.sort(rng.integers(0, n, count))
        self.gains = rng.uniform(0.3, 1.0, count) * gain
        self.sound = sound

    def at(self, a: int, b: int) -> np.ndarray:
        out = np.zeros(b - a, dtype=np.float32)
        length = len(self.sound)
        first = int(np.searchsorted(self.starts, a - length, side="right"))
        last = int(np.searchsorted(self.starts, b, side="left"))
        for start, g in zip(self.starts[first:last], self.gains[first:last], strict=True):
            lo, hi = max(a, int(start)), min(b, int(start) + length)
            if hi > lo:
                out[lo - a : hi - a] += g * self.sound[lo - int(start) : hi - int(start)]
        return out


def _band(lo: float, hi: float, tilt: float = 0.0):
    def shape(f: np.ndarray) -> np.ndarray:
        g = 1 / (1 + (lo / np.maximum(f, 1.0)) ** 4) / (1 + (f / hi) ** 4)
        return g / np.maximum(f, 20.0) ** tilt

    return shape


def _swell(t: np.ndarray, periods: tuple[float, ...], phase: float) -> np.ndarray:
    """0..1, a sum of slow sines (periods of seconds): worked out every 64th sample and
    interpolated between."""
    coarse = t[::64] if len(t) > 1 else t
    coarse = np.append(coarse, t[-1]) if len(t) else coarse
    s = np.zeros(len(coarse))
    for k, p in enumerate(periods):
        s += np.sin(2 * np.pi * coarse / p + phase * (k + 1))
    return np.interp(t, coarse, s / len(periods) * 0.5 + 0.5).astype(np.float32)


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


class _Layer:
    """One kind over the film, per channel: its noises, events and swell phases, rendered
    a sample range at a time, at RMS about 1 (before `LEVEL_DBFS`)."""

    def __init__(self, kind: str, rng: np.random.Generator, n: int) -> None:
        self.kind = kind
        self.channels: list[dict] = []
        for ch in range(2):
            parts: dict = {"phase": float(rng.uniform(0, 2 * np.pi)) + ch * 0.9}
            if kind == "sea":
                parts["body"] = _Noise(rng, n, _band(60, 700, 0.5))
                parts["hiss"] = _Noise(rng, n, _band(2000, 7000))
            elif kind in ("rain", "storm"):
                parts["rain"] = _Noise(rng, n, _band(600, 9000, 0.3))
                tick = np.exp(-np.arange(120) / 18.0) * rng.standard_normal(120)
                parts["ticks"] = _Events(rng, n, 25, tick.astype(np.float32), 0.8)
                parts["rumble"] = _Noise(rng, n, _band(25, 160, 0.5))
            elif kind == "wind":
                parts["low"] = _Noise(rng, n, _band(180, 900, 0.3))
                parts["high"] = _Noise(rng, n, _band(500, 2200))
            elif kind == "city":
                parts["rumble"] = _Noise(rng, n, _band(30, 250, 0.5))
                parts["passing"] = _Noise(rng, n, _band(250, 2000, 0.5))
            else:  # forest_day / forest_night
                night = kind == "forest_night"
                parts["leaves"] = _Noise(rng, n, _band(1500, 8000))
                parts["calls"] = [
                    _Events(rng, n, 0.2 if night else 0.12, _chirp(rng, night), 1.5)
                    for _ in range(4)
                ]
            self.channels.append(parts)
        self.scale = 1.0
        probe = self.at(0, min(n, round(NORM_S * RATE)))
        self.scale = 1.0 / (float(np.sqrt(np.mean(probe.astype(np.float64) ** 2))) or 1.0)

    def at(self, a: int, b: int) -> np.ndarray:
        t = np.arange(a, b, dtype=np.float64) / RATE
        out = np.empty((b - a, 2), dtype=np.float32)
        for ch, p in enumerate(self.channels):
            phase, kind = p["phase"], self.kind
            if kind == "sea":
                swell = _swell(t, (7.3, 11.1, 5.3), phase) ** 2
                x = (
                    p["body"].at(a, b) * (0.25 + 0.75 * swell)
                    + p["hiss"].at(a, b) * swell**3 * 0.25
                )
            elif kind in ("rain", "storm"):
                x = p["rain"].at(a, b) * (0.85 + 0.15 * _swell(t, (4.1, 6.7), phase))
                x += p["ticks"].at(a, b)
                if kind == "storm":
                    gust = _swell(t, (9.1, 13.7), phase) ** 3
                    x = 0.8 * x + p["rumble"].at(a, b) * (0.3 + 1.0 * gust)
            elif kind == "wind":
                x = p["low"].at(a, b) * _swell(t, (6.1, 9.7), phase) ** 2
                x += 0.5 * p["high"].at(a, b) * _swell(t, (8.3, 5.9), phase + 1.3) ** 3
            elif kind == "city":
                passing = p["passing"].at(a, b) * _swell(t, (12.7, 7.9, 19.3), phase) ** 4
                x = p["rumble"].at(a, b) + 0.9 * passing
            else:
                x = 0.6 * p["leaves"].at(a, b) * (0.3 + 0.7 * _swell(t, (5.7, 8.9), phase))
                for calls in p["calls"]:
                    x += calls.at(a, b)
            out[:, ch] = x
        out *= np.float32(self.scale)
        return out


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
    level = np.float32(10 ** (LEVEL_DBFS / 20))
    for i, kind in enumerate(kinds):
        layer = _Layer(kind, np.random.default_rng([seed, i]), n)
        on = np.zeros(max(steps, len(kernel)))  # at least the kernel's length: "same" aligns
        for start_s, end_s, k in spans:
            if k == kind:
                on[round(start_s * coarse) : round(end_s * coarse)] = 1.0
        smooth = np.convolve(on, kernel, mode="same")[:steps]
        for a in range(0, n, CHUNK):
            b = min(n, a + CHUNK)
            gain = np.interp(np.arange(a, b) / RATE * coarse, np.arange(steps), smooth)
            if not gain.any():
                continue
            out[a:b] += layer.at(a, b) * (gain.astype(np.float32) * level)[:, None]
    edge = min(round(1.0 * RATE), n // 4)
    if edge:
        ramp = np.linspace(0, 1, edge, dtype=np.float32)[:, None]
        out[:edge] *= ramp
        out[n - edge :] *= ramp[::-1]
    return out
