"""Chatterbox's voice id: its own, a reference clip's, or the weights' built-in voice
(the model itself is tested in tests/integration/test_chatterbox_tool.py)."""

from __future__ import annotations


def test_a_voice_id_of_another_provider_is_not_a_chatterbox_voice():
    from sparkle_motion.adapters.tts.chatterbox import voice_id
    from sparkle_motion.schemas import VoiceSpec

    assert voice_id(VoiceSpec(provider="flite", voice_id="slt"), None) == "chatterbox:conds"
    assert voice_id(VoiceSpec(voice_id="narrator"), None) == "narrator"
    assert voice_id(VoiceSpec(provider="chatterbox", voice_id="narrator"), None) == "narrator"
