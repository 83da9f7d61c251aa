"""The typed batch call: one call for all texts, counted and sized, refused by an embedder
that says it cannot embed."""

from __future__ import annotations

import pytest

from sparkle_motion.adapters.base import Capable
from sparkle_motion.dedupe.embeddings import MiniLM, embed_batch


class Fake:
    model_id, dim = "fake", 3

    def __init__(self, answer=None):
        self.calls, self.answer = 0, answer

    def embed(self, texts):
        self.calls += 1
        return self.answer if self.answer is not None else [[1.0, 0.0, 0.0] for _ in texts]


class Speaker(Fake, Capable):
    name = "speaker"
    capabilities = frozenset({"speech"})


def test_one_call_for_all_texts_typed():
    fake = Fake()
    found = embed_batch(fake, ["a", "b", "c"])
    assert fake.calls == 1 and found.model_id == "fake" and found.dim == 3
    assert len(found.vectors) == 3


def test_a_wrong_count_or_size_is_a_bad_vector():
    with pytest.raises(ValueError, match="bad vector: 1 embeddings for 2 texts"):
        embed_batch(Fake([[1.0, 0.0, 0.0]]), ["a", "b"])
    with pytest.raises(ValueError, match="bad vector"):
        embed_batch(Fake([[1.0, 0.0]]), ["a"])


def test_an_embedder_without_the_capability_is_refused():
    with pytest.raises(NotImplementedError, match="does not support embedding"):
        embed_batch(Speaker(), ["a"])
    assert MiniLM().supports("embedding") and not MiniLM().supports("image")
