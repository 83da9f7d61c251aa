"""A spoken line measured against its shot: one that runs past the shot's end is noted in
the step's record (it plays on over the next shot); one that fits is not."""

from __future__ import annotations

from sparkle_motion.adapters.tts import overrun_notes
from sparkle_motion.adapters.tts.preview import PreviewTTS
from sparkle_motion.media.probe import wav_duration as wav_seconds
from tests.support.media import context, job, step, tone


def test_a_line_past_its_shots_end_is_noted():
    ctx = context()
    line = step(ctx, "tts.s5-harbour-l2")
    slot = next(x for x in ctx.dialogue_schedule if x.line_id == line.line_id)
    shot = next(s for s in ctx.plan.shots if s.id == slot.shot_id)
    room = shot.duration_s - slot.shot_offset_s
    assert overrun_notes(ctx, line, room - 0.5) == []
    (note,) = overrun_notes(ctx, line, room + 1.0)
    assert note.startswith(f"tts_stage.overrun: line {line.line_id}")
    assert f"shot {shot.id}" in note and "plays 1.00 s over the next shot" in note


def test_a_spoken_line_carries_its_length(tmp_path):
    ctx = context()
    (out,) = PreviewTTS().run(job(ctx, "tts.s1-lamp-l1", {}, tmp_path / "w"))
    assert abs(out.metadata["duration_s"] - wav_seconds(out.data)) < 0.01
    assert out.metadata["policy_annotations"] == []
    assert abs(wav_seconds(tone(tmp_path / "t.wav", 1.5)) - 1.5) < 0.01
