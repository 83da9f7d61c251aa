"""How fast each preview voice speaks, measured here, and the setting that brings it to a
calm film pace: about 130-138 words a minute over a whole line, no line over 170.

Measured on 14 English lines (narration-like sentences and a planner's short dialogue
lines: "Now, Leo! Now!", "Careful, Marta. You know how this ends.") and 4 lines each in
Spanish, French and German: words over the line's WAV, after its pauses are evened out
(pauses.py: 60 ms before and after, at most 0.3 s inside):

    voice                 engine default    setting                  mean / min / max
    piper joe             189 wpm           length_scale 1.78        129 / 78 / 168
    flite slt (female)    165 wpm           duration_stretch 1.38    134 / 107 / 162
    flite rms             157 wpm           duration_stretch 1.22    133 / 110 / 163
    flite awb             172 wpm           duration_stretch 1.41    133 / 104 / 165
    flite kal16 (and kal) 162 wpm           duration_stretch 1.49    130 / 99 / 164
    espeak-ng en-us+m3    176 wpm (-s 175)  -s 122                   134 / 82 / 160
    espeak-ng es+f3       184 wpm (-s 175)  -s 120                   137 / 98 / 161
    espeak-ng fr+m3       218 wpm (-s 175)  -s 98                    134 / 100 / 154
    espeak-ng de+f3       179 wpm (-s 175)  -s 127                   138 / 106 / 163

A single plain sentence runs faster than the mean (its words are short and it has no
pause): about 160. A line of short words can pass 168: it is spoken again, slower
(`MAX_LINE_WPM`, preview.py), which is what keeps every max above under 170. A line's
`rate` multiplies the pace up to `MAX_WPM` on average.
"""

from __future__ import annotations

MAX_WPM = 150.0  # a voice's average at rate 1 x the rate, at most (see above)
MAX_LINE_WPM = 168.0  # a line spoken faster than this is spoken again, slower

PIPER_LENGTH_SCALE = 1.78
PIPER_WPM = 138.0
FLITE_STRETCH: dict[str, float] = {
    "slt": 1.38,
    "rms": 1.22,
    "awb": 1.41,
    "kal": 1.49,
    "kal16": 1.49,
}
FLITE_WPM = 138.0
ESPEAK_SPEED: dict[str, int] = {"en": 122, "es": 120, "fr": 98, "de": 127}
ESPEAK_DEFAULT_SPEED = 118  # languages not measured: near the measured ones' middle
ESPEAK_WPM = 138.0


def capped_rate(rate: float, wpm_at_1: float) -> float:
    """`rate`, lowered so that a voice averaging `wpm_at_1` at rate 1 stays under MAX_WPM."""
    return min(rate, MAX_WPM / wpm_at_1)
