"""Props around the cast: a table the players sit at, a boat a lone sailor boards, a horse
or a bike a rider rides."""

from __future__ import annotations

from sparkle_motion.adapters.images.storyboard.canvas import character_colour

from .frames import H, W, box, char, near, pixels, step

PAIR = [char("ana", "Ana", "a woman"), char("ben", "Ben", "a man")]
ONE = [char("ben", "Ben", "a man")]


def _with(prop: str, chars=ONE, setting="a meadow"):
    return pixels(step(f"{prop} here", setting=setting, characters=chars, speaker=chars[0].id))


def test_chess_puts_a_board_between_the_two_players_who_sit_at_it():
    img = _with("a chess game", chars=PAIR, setting="a cafe")
    white, black = near(img, (240, 235, 220), 2), near(img, (40, 36, 34), 2)
    for squares in (white, black):
        _, bottom, left, right = box(squares)
        assert left > W * 0.3 and right < W * 0.75 and bottom < H * 0.75
    standing = pixels(step("here", setting="a cafe", characters=PAIR, speaker="ana"))
    for who in ("ana", "ben"):
        sits = box(near(img, character_colour(who), 2))
        stands = box(near(standing, character_colour(who), 2))
        assert sits[0] > stands[0] + H * 0.03  # the head is lower: they sit


def test_a_boat_rides_the_water_and_carries_a_lone_sailor():
    img = _with("a boat", setting="the open sea")
    hull = near(img, (150, 60, 40), 3)
    assert hull.any() and box(hull)[0] > H * 0.55
    aboard = pixels(step("a boat", setting="the sea", characters=ONE, speaker="ben"))
    _, bottom, left, right = box(near(aboard, (150, 60, 40), 3))
    ben = box(near(aboard, character_colour("ben"), 2))
    assert left <= (ben[2] + ben[3]) / 2 <= right  # over the hull
    assert ben[1] < bottom  # standing in it, not on a shore below


def test_a_rider_sits_on_the_horse_or_the_bike_they_ride():
    knight = [char("hugo", "Hugo", "a knight"), char("star", "Star", "a horse")]
    rides = pixels(step("Hugo rides his horse", characters=knight, speaker="hugo"))
    beside = pixels(step("Hugo and his horse", characters=knight, speaker="hugo"))
    hugo = character_colour("hugo")
    horse = box(near(rides, (130, 80, 45), 2))
    on, off = box(near(rides, hugo, 2)), box(near(beside, hugo, 2))
    assert on[1] < horse[1] and on[0] < off[0]  # above the horse's feet, higher than standing
    assert horse[2] <= (on[2] + on[3]) / 2 <= horse[3]  # over the horse
    ben = [char("ben", "Ben", "a boy")]
    cycling = pixels(step("Ben rides a bike", characters=ben, speaker="ben"))
    frame = box(near(cycling, (200, 40, 50), 2))
    body = box(near(cycling, character_colour("ben"), 2))
    assert frame[2] <= (body[2] + body[3]) / 2 <= frame[3]
