"""How fast each preview voice speaks, measured here, and the setting that brings it to
about 145 words a minute (a calm film pace; the issue's limit is 170).

Measured on four English lines (48 words; three lines each in Spanish, French and German),
words over the span from the first to the last sound of each line (pauses inside a line
count, silence around it does not):

    voice                 default           setting                  at rate 1.0
    piper joe             264 wpm           length_scale 2.15        145 wpm
    flite slt (female)    237 wpm           duration_stretch 1.64    145 wpm
    flite rms             211 wpm           duration_stretch 1.45    145 wpm
    flite awb             245 wpm           duration_stretch 1.685   145 wpm
    flite kal, kal16      236 wpm           duration_stretch 1.785   145 wpm
    espeak-ng en-us       244 wpm (-s 175)  -s 104                   146 wpm
    espeak-ng es          217 wpm (-s 175)  -s 113                   145 wpm
    espeak-ng fr          271 wpm (-s 175)  -s 93                    145 wpm
    espeak-ng de          210 wpm (-s 175)  -s 120                   144 wpm

One line can run about 11% over its voice's average (a sentence of short words), so a
line's `rate` multiplies the pace only up to `MAX_WPM` on average: at most about 169 on
any line.
"""

from __future__ import annotations

MAX_WPM = 152.0

PIPER_LENGTH_SCALE = 2.15
PIPER_WPM = 145.0
FLITE_STRETCH: dict[str, float] = {
    "slt": 1.64,
    "rms": 1.45,
    "awb": 1.685,
    "kal": 1.785,
    "kal16": 1.785,
}
FLITE_WPM = 145.0
ESPEAK_SPEED: dict[str, int] = {"en": 104, "es": 113, "fr": 93, "de": 120}
ESPEAK_DEFAULT_SPEED = 105  # languages not measured: near the measured ones' middle
ESPEAK_WPM = 145.0


def capped_rate(rate: float, wpm_at_1: float) -> float:
    """`rate`, lowered so that a voice speaking `wpm_at_1` at rate 1 stays under MAX_WPM."""
    return min(rate, MAX_WPM / wpm_at_1)
