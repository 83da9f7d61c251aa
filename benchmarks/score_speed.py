"""How long the preview's generated score takes (media/score.py), per mood and film
length, in this process. Prints a table.

    .venv/bin/python benchmarks/score_speed.py

Goal: a 30 s film's score in well under 1 s (it is made inside the assemble step).
"""

from __future__ import annotations

import time

from sparkle_motion.media.score import render_score

MOODS = ("joyful", "wondrous", "tender", "melancholy", "mysterious", "tense", "epic")


def main() -> None:
    render_score("epic", None, 1, 2.0)  # warm numpy
    print(f"{'mood':<12} {'30 s film':>10} {'120 s film':>11} {'600 s film':>11}")
    print("-" * 47)
    for mood in MOODS:
        cells = []
        for seconds in (30.0, 120.0, 600.0):
            started = time.perf_counter()
            render_score(mood, None, 1, seconds)
            cells.append(f"{time.perf_counter() - started:>9.3f}s")
        print(f"{mood:<12} {cells[0]:>10} {cells[1]:>11} {cells[2]:>11}")


if __name__ == "__main__":
    main()
