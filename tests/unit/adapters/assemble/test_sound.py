"""The film's sound graph: a score when the plan names no music file (a file wins), ducked
under speech; ambience from the shots' settings; inputs numbered in the order
`sound_inputs` adds them; and a tiny real film that has sound where nobody speaks."""

from __future__ import annotations

import re

import pytest

from sparkle_motion.adapters.assemble.ffmpeg import AssembleOptions, assemble_clips
from sparkle_motion.adapters.assemble.sound import (
    AMBIENCE_FILE,
    SCORE_FILE,
    sound_graph,
    sound_inputs,
)
from sparkle_motion.schemas import AssembleMusic, AssembleScore
from tests.support.media import context, decode_audio, rms, small_plan, step, still_clip, tone


def _assemble(plan: str = "short.json"):
    return step(context(small_plan(plan)), "assemble.film")


def test_a_plan_without_a_music_file_gets_a_score_from_its_mood():
    short = _assemble()  # music: playful, no source; a wet city street
    assert short.music is None and short.score is not None
    assert short.score.mood == "playful" and short.score.volume_db == -20
    assert [s.ambience for s in short.shots] == ["city", "city"]
    whale = _assemble("lighthouse_whale.json")
    assert whale.score is not None and whale.score.mood == "tender"
    assert whale.score.prompt == "solo cello and soft strings, sea ambience"
    # the lamp room is inside; the open and foggy sea and the harbour are not
    assert [s.ambience for s in whale.shots][:3] == [None, "sea", "sea"]


def test_the_score_is_ducked_under_speech_and_ambience_is_mixed_in():
    short = _assemble()
    graph = ";".join(sound_graph(short, 7.5, first_input=2, duck_db=-12.0))
    lines = len(short.dialogue)
    score_in, ambience_in = 2 + lines, 3 + lines  # after the clips and the lines
    assert f"[{score_in}:a]" in graph and "volume=-20dB[music]" in graph
    assert "[music][sc]sidechaincompress=" in graph and "asplit=2[speech][sc0]" in graph
    assert f"[{ambience_in}:a]" in graph and "[ambience]" in graph
    mix = re.search(r"(\[[a-z]+\])+amix=inputs=(\d+)", graph.rsplit(";", 1)[1])
    assert mix is not None and mix.group(0).startswith("[base][ducked][ambience][speech]")


def test_a_music_file_wins_over_the_score_and_comes_first():
    short = _assemble().model_copy(update={"music": AssembleMusic(source="m.wav")})
    graph = ";".join(sound_graph(short, 7.5, first_input=2, duck_db=-12.0))
    lines = len(short.dialogue)
    assert f"[{2 + lines}:a]" in graph and f"[{3 + lines}:a]" in graph  # music, ambience
    assert f"[{4 + lines}:a]" not in graph


def test_sound_inputs_writes_what_the_graph_reads(tmp_path):
    short = _assemble()
    args = sound_inputs(short, tmp_path, 7.5)
    assert args == ["-i", str(tmp_path / SCORE_FILE), "-i", str(tmp_path / AMBIENCE_FILE)]
    first = (tmp_path / SCORE_FILE).read_bytes()
    sound_inputs(short, tmp_path, 7.5)
    assert (tmp_path / SCORE_FILE).read_bytes() == first  # same step, same bytes
    quiet = short.model_copy(
        update={
            "score": None,
            "shots": [s.model_copy(update={"ambience": None}) for s in short.shots],
        }
    )
    assert sound_inputs(quiet, tmp_path / "none", 7.5) == []


@pytest.fixture(scope="module")
def film(tmp_path_factory):
    folder = tmp_path_factory.mktemp("film")
    ctx = context(small_plan("short.json"))
    assemble = step(ctx, "assemble.film")
    kf = next(s for s in ctx.plan.steps if s.type == "image")
    clips = [
        still_clip(kf, folder / f"{s.shot_id}.mp4", round(s.duration_s * 8), 8.0, seed=i)
        for i, s in enumerate(assemble.shots)
    ]
    audio = [tone(folder / f"{d.line_id}.wav", 1.0) for d in assemble.dialogue]
    out = folder / "film.mp4"
    assemble_clips(
        assemble, clips, audio, out, AssembleOptions(encode_preset="fast"), workdir=folder
    )
    return assemble, decode_audio(out)


def test_a_tiny_film_has_sound_where_nobody_speaks(film):
    assemble, (samples, rate) = film
    total = sum(s.duration_s for s in assemble.shots)
    spoken = [(d.start_s, d.start_s + 1.0) for d in assemble.dialogue]
    gaps = [
        (a, b)
        for a, b in zip(
            [0.5] + [e for _, e in spoken], [s for s, _ in spoken] + [total - 1.5], strict=True
        )
        if b - a > 0.6
    ]
    assert gaps
    for a, b in gaps:  # music (and the street) between the lines: well above -50 dBFS
        assert rms(samples, rate, a + 0.3, b) > 10 ** (-45 / 20)
    line = assemble.dialogue[0]
    assert rms(samples, rate, line.start_s + 0.2, line.start_s + 0.8) > 4 * rms(
        samples, rate, gaps[-1][0] + 0.3, gaps[-1][1]
    )  # speech stands well over the music
    assert rms(samples, rate, total - 0.05, total) < rms(samples, rate, 2.0, 3.0) / 5  # faded


def test_a_score_step_field_is_optional_and_checked():
    with pytest.raises(ValueError, match="volume_db"):
        AssembleScore(mood="joyful", volume_db=6)
