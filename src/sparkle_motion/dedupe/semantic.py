"""Semantic prompt reuse, before an image step renders: a keyframe whose prompt says what
an earlier run's keyframe said reuses that keyframe instead of rendering it.

What is compared: `build_embedding_text(step)`, the prompt the model sees (the step's, with
the appearance of each character shown: `adapters/images/policy.enriched_prompt`, and its
`prompt_2`), normalized (`normalize_prompt`). Its all-MiniLM-L6-v2 embedding
(embeddings.py) is computed only when a lookup has a candidate to compare it with, then in
one batch: every image step of the plan and every candidate not yet embedded, stored in
`semantic_index` beside the artifacts its step made (`remember`, after the step rendered,
adds the row; a run that never meets a candidate never loads the model).

The lookup (`before_render`, the engine's call before it renders an image step):

1. this run's recorded decision for the step (same step key) is replayed: a resumed run
   equals an uninterrupted one (also when reuse is off now: its key is complete anyway);
2. a completed step key goes first: the exact reuse needs no lookup;
3. a retake (a keyframe a reviewer rejected in this run) is rendered, never reused;
4. candidates: entries of other runs with the same adapter (and version), model id,
   size, seed, count and other options (sampler, steps, guidance, negative prompts, the
   scene, the render profile's setup: `opts_sha256`), whose artifacts are all still stored and were not rejected at a review in
   their run (`_rejected_image`, as the perceptual dedupe decides it);
5. the exact hash of the normalized prompt first (score 1.0, no model needed); then the
   candidate of highest cosine similarity at or above `SPARKLE_DEDUPE_THRESHOLD` (default
   0.92) among those naming the same times and names (`same_terms`: the embedding tells
   "at dawn" from "at dusk" and "Mara" from "Theo" too weakly; measured in docs/DEDUPE.md).

A reuse makes the step's outputs the earlier artifacts; its record says
`dedupe.semantic: reused <uri> score <s>` (policy annotation, one a URI) and
`metrics.semantic_reuse` (how many artifacts) and `metrics.semantic_score`, with a
`dedupe_semantic_reused` event. Off with the perceptual dedupe (`SPARKLE_DEDUPE=0`, an
image step's `opts.dedupe: false`, `--no-reuse`, kept by a resume of that run), read from
the run's settings the engine passes. Fail-open: any error on this path (the
model missing, a bad vector, a database error) renders the step and writes a
`dedupe_failed` event (`path: semantic`).
"""

from __future__ import annotations

import array
import contextlib
import dataclasses
import hashlib
import json
import math
import re
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..adapters.images.policy import enriched_prompt
from ..config import Settings
from ..runs.records import StepRecords
from ..runs.retakes import APPLIED, KEYFRAMES_GATE
from ..schemas import ImageStep, RunContext, Step, StepExecutionRecord, StepStatus
from ..storage.base import ArtifactStore, holds
from ..storage.db import Database
from ..storage.memory_log import MemoryLog
from .embeddings import DIM, Embedder, MiniLM, embed_batch

DEFAULT_THRESHOLD = 0.92
NOTE = "dedupe.semantic: reused"

# words that set when a picture is: two prompts that differ in them are different
# pictures, however close their embeddings (all-MiniLM-L6-v2 puts "at dawn" and "at dusk"
# of one sentence at 0.94)
TIME_WORDS = frozenset(
    (
        *("dawn", "daybreak", "sunrise", "morning", "noon", "midday", "afternoon", "dusk"),
        *("sunset", "twilight", "evening", "night", "nighttime", "midnight", "overnight"),
        *("day", "daytime", "daylight", "moonlight", "moonlit", "sunlit"),
        *("spring", "summer", "autumn", "winter", "christmas", "halloween", "easter"),
        *("yesterday", "today", "tomorrow", "past", "future"),
        *("ancient", "medieval", "modern", "futuristic"),
    )
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d{2,4}s?")


def normalize_prompt(text: str) -> str:
    """Case, spacing and trailing punctuation do not change a picture."""
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(text.split()).strip(" .,!?;:")


def prompt_sha256(text: str) -> str:
    return hashlib.sha256(normalize_prompt(text).encode()).hexdigest()


def build_embedding_text(step: ImageStep) -> str:
    """What is embedded (not normalized: `guard_terms` reads its capitals)."""
    text = enriched_prompt(step)
    if step.opts.prompt_2:
        text += f" | {step.opts.prompt_2.strip()}"
    return text


def guard_terms(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The times the text names (`TIME_WORDS`, years and decades) and its capitalised
    words (names, and whatever starts a sentence), lower-cased."""
    times: set[str] = set()
    capitals: set[str] = set()
    for word in _WORD.findall(text):
        low = word.lower()
        if low in TIME_WORDS or low[:1].isdigit():
            times.add(low)
        if word[:1].isupper():
            capitals.add(low)
    return frozenset(times), frozenset(capitals)


def same_terms(a: str, b: str) -> bool:
    """The two texts name the same times, and each capitalised word of one is a word of
    the other ("Mara ..." and "Theo ..." are two pictures; "Under the oak, a girl" and
    "A girl under the oak" one)."""
    times_a, capitals_a = guard_terms(a)
    times_b, capitals_b = guard_terms(b)
    words_a = {w.lower() for w in _WORD.findall(a)}
    words_b = {w.lower() for w in _WORD.findall(b)}
    return times_a == times_b and capitals_a <= words_b and capitals_b <= words_a


def cosine_similarity(a: Sequence[float], b: Sequence[float]) -> float:
    """The cosine of two vectors; ValueError for vectors of other lengths, not finite or
    zero (a bad vector must never look similar)."""
    if len(a) != len(b) or not a:
        raise ValueError(f"bad vector: lengths {len(a)} and {len(b)}")
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    if not (math.isfinite(dot) and math.isfinite(na) and math.isfinite(nb)) or not na or not nb:
        raise ValueError("bad vector: not finite or zero")
    return dot / (na * nb)


def check_vector(vector: Sequence[float], dim: int = DIM) -> list[float]:
    values = [float(x) for x in vector]
    if len(values) != dim or not all(math.isfinite(x) for x in values) or not any(values):
        raise ValueError(f"bad vector: {len(values)} values (want {dim}, finite, not all zero)")
    return values


def vector_bytes(vector: Sequence[float]) -> bytes:
    return array.array("f", check_vector(vector)).tobytes()


def vector_from_bytes(blob: bytes) -> list[float]:
    values = array.array("f")
    values.frombytes(blob)
    return check_vector(values.tolist())


@dataclass(frozen=True)
class Candidate:
    """An earlier image step's entry (`embedding` None: not embedded yet)."""

    id: int
    prompt: str
    prompt_sha256: str
    embedding: list[float] | None
    run_id: str
    step_id: str
    keyframe: int | None
    uris: list[str]


@dataclass(frozen=True)
class Match:
    candidate: Candidate
    score: float
    exact: bool


def find_semantic_match(
    text: str,
    vector: Sequence[float] | None,
    candidates: Iterable[Candidate],
    threshold: float = DEFAULT_THRESHOLD,
) -> Match | None:
    """The exact normalized prompt first; else the most similar candidate at or above
    `threshold` that names the same times and names (`same_terms`). `vector`: the text's
    embedding (None: exact matches only)."""
    candidates = list(candidates)
    digest = prompt_sha256(text)
    for c in candidates:
        if c.prompt_sha256 == digest:
            return Match(c, 1.0, True)
    if vector is None:
        return None
    best: Match | None = None
    for c in candidates:
        if c.embedding is None or not same_terms(text, c.prompt):
            continue
        score = cosine_similarity(vector, c.embedding)
        if score >= threshold and (best is None or score > best.score):
            best = Match(c, score, False)
    return best


def populate_embeddings(
    texts: Iterable[str], embedder: Embedder, known: dict[str, list[float]]
) -> dict[str, list[float]]:
    """`known` with the embedding of every text it lacks, all computed in one call."""
    missing = list(dict.fromkeys(t for t in texts if t not in known))
    if missing:
        found = embed_batch(embedder, missing)  # one call, counted
        for text, vector in zip(missing, found.vectors, strict=True):
            known[text] = check_vector(vector, embedder.dim)
    return known


def size_of(step: ImageStep) -> str:
    w, h = step.opts.width, step.opts.height
    return "default" if w is None and h is None else f"{w}x{h}"


def opts_sha256(step: ImageStep, profile: str = "") -> str:
    """What else decides the picture: the rendering options but the prompt's (sampler,
    steps, guidance, negative prompts, ...), the scene but its caption (its characters set
    the seed offset; the preview draws from it) and the render profile's setup (`profile`: the
    engine's fingerprint of it, as in the step key)."""
    opts = step.opts.model_dump(mode="json", exclude={"seed", "width", "height", "dedupe",
                                                       "priority", "prompt_2"})  # fmt: skip
    # the scene's caption is the keyframe's prompt again (the plan compiler copies it): it
    # is compared as the prompt is, not by its hash
    scene = step.scene.model_dump(mode="json", exclude={"caption"}) if step.scene else None
    text = json.dumps({"opts": opts, "scene": scene, "profile": profile}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


class SemanticIndex:
    """The `semantic_index` table (migration 0006)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, step: ImageStep, text: str, vector: Sequence[float] | None, **made: Any) -> None:
        """`made`: adapter, adapter_version, model_id, profile, embedding_model, run_id,
        uris."""
        with self.db.atomic() as conn:
            conn.execute(
                "INSERT INTO semantic_index (prompt, prompt_sha256, embedding, embedding_model, "
                "adapter, adapter_version, model_id, size, seed, count, opts_sha256, run_id, "
                "step_id, keyframe, uris, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    text,
                    prompt_sha256(text),
                    None if vector is None else vector_bytes(vector),
                    None if vector is None else made["embedding_model"],
                    made.get("adapter"),
                    made.get("adapter_version"),
                    made.get("model_id"),
                    size_of(step),
                    step.opts.seed,
                    step.count,
                    opts_sha256(step, made.get("profile", "")),
                    made["run_id"],
                    step.id,
                    step.keyframe,
                    json.dumps(made["uris"]),
                    time.time(),
                ),
            )

    def candidates(
        self,
        step: ImageStep,
        *,
        adapter: str | None,
        adapter_version: str | None,
        model_id: str | None,
        profile: str,
        embedding_model: str,
        other_than_run: str,
    ) -> list[Candidate]:
        """Entries of other runs that match the step's adapter (and version), model, size,
        seed, count and other options (newest first). One whose vector does not decode (or is another model's) counts
        as not embedded."""
        rows = self.db.query(
            "SELECT id, prompt, prompt_sha256, embedding, embedding_model, run_id, step_id, "
            "keyframe, uris FROM semantic_index WHERE adapter IS ? AND adapter_version IS ? "
            "AND model_id IS ? AND size = ? AND seed IS ? AND count = ? AND opts_sha256 = ? "
            "AND run_id != ? ORDER BY id DESC",
            (
                adapter,
                adapter_version,
                model_id,
                size_of(step),
                step.opts.seed,
                step.count,
                opts_sha256(step, profile),
                other_than_run,
            ),
        )
        found = []
        for r in rows:
            vector = None
            if r[4] == embedding_model and r[3] is not None:
                with contextlib.suppress(ValueError):
                    vector = vector_from_bytes(r[3])
            found.append(Candidate(r[0], r[1], r[2], vector, r[5], r[6], r[7], json.loads(r[8])))
        return found

    def set_embedding(self, entry_id: int, vector: Sequence[float], embedding_model: str) -> None:
        with self.db.atomic() as conn:
            conn.execute(
                "UPDATE semantic_index SET embedding = ?, embedding_model = ? WHERE id = ?",
                (vector_bytes(vector), embedding_model, entry_id),
            )


# each run's embeddings by model (text -> vector), the last few runs' only
_RUNS: OrderedDict[tuple[str, str], dict[str, list[float]]] = OrderedDict()
_RUNS_KEPT = 4
_LOCK = threading.Lock()


def _known(run_id: str, model_id: str) -> dict[str, list[float]]:
    """The embeddings this process computed for the run with the model (under _LOCK)."""
    known = _RUNS.setdefault((run_id, model_id), {})
    _RUNS.move_to_end((run_id, model_id))
    while len(_RUNS) > _RUNS_KEPT:
        _RUNS.popitem(last=False)
    return known


def embeddings_for(
    ctx: RunContext, texts: Sequence[str], embedder: Embedder
) -> dict[str, list[float]]:
    """The texts' embeddings; what is not known yet is embedded in one call together with
    every image step of the run's plan (so a stage makes one call)."""
    with _LOCK:
        known = _known(ctx.run_id, embedder.model_id)
        if any(t not in known for t in texts):
            plan = [build_embedding_text(s) for s in ctx.plan.steps if isinstance(s, ImageStep)]
            populate_embeddings([*texts, *plan], embedder, known)
        return {t: known[t] for t in texts}


def enabled(step: Step, settings: Settings) -> bool:
    return isinstance(step, ImageStep) and settings.dedupe and step.opts.dedupe


def before_render(
    ctx: RunContext,
    step: Step,
    key: str,
    *,
    adapter: str | None,
    adapter_version: str | None,
    model_id: str | None,
    profile: str,
    db: Database,
    store: ArtifactStore,
    records: StepRecords,
    memory: MemoryLog | None = None,
    settings: Settings,
    embedder: Embedder | None = None,
) -> dict[str, Any] | None:
    """The step record's fields (artifacts, annotations, metrics) when the step reuses an
    earlier run's keyframe; None when it renders."""
    try:
        if not isinstance(step, ImageStep):
            return None
        replayed = _replay(ctx, step, key, records, store)  # even with reuse off now
        if replayed is not None:
            return replayed
        if not enabled(step, settings):
            return None
        if records.completed(key) is not None:
            return None  # the exact step key is reused (or rendered) as it always was
        events = MemoryLog(db)
        if step.keyframe is not None and step.keyframe in _rejected(events, ctx.run_id):
            return None  # a retake: render it again
        embedder = embedder or MiniLM()
        found = SemanticIndex(db).candidates(
            step,
            adapter=adapter,
            adapter_version=adapter_version,
            model_id=model_id,
            profile=profile,
            embedding_model=embedder.model_id,
            other_than_run=ctx.run_id,
        )
        found = [c for c in found if _usable(c, store, events)]
        if not found:
            return None
        text = build_embedding_text(step)
        match = find_semantic_match(text, None, found)
        if match is None:
            found = _embedded(ctx, text, found, embedder, SemanticIndex(db))
            vector = embeddings_for(ctx, [text], embedder)[text]
            match = find_semantic_match(text, vector, found, settings.dedupe_threshold)
        if match is None:
            return None
        refs = [store.ref(uri) for uri in match.candidate.uris]
    except Exception as exc:  # fail-open: render it
        _failed(memory, ctx.run_id, step.id, exc)
        return None
    notes = [f"{NOTE} {ref.uri} score {match.score:.2f}" for ref in refs]
    _say(
        memory,
        ctx.run_id,
        "dedupe_semantic_reused",
        {
            "step_id": step.id,
            "reused_from": [r.uri for r in refs],
            "run": match.candidate.run_id,
            "score": round(match.score, 4),
            "exact": match.exact,
        },
    )
    return {
        "artifacts": refs,
        "policy_annotations": notes,
        "metrics": {"semantic_reuse": float(len(refs)), "semantic_score": round(match.score, 4)},
    }


def remember(
    ctx: RunContext,
    step: Step,
    record: StepExecutionRecord,
    *,
    profile: str,
    db: Database,
    memory: MemoryLog | None = None,
    settings: Settings,
    embedder: Embedder | None = None,
) -> None:
    """Index what an image step rendered (nothing for a reuse, a failure, a step with
    dedupe off). Fail-open: an error is an event."""
    try:
        if (
            not isinstance(step, ImageStep)
            or not enabled(step, settings)
            or record.status is not StepStatus.SUCCEEDED
            or not record.artifacts
            or record.metrics.get("semantic_reuse")
            or record.metrics.get("phash_reuse")
        ):
            return
        model_id = (embedder or MiniLM()).model_id
        text = build_embedding_text(step)
        with _LOCK:  # embedded already when a lookup of this run needed it, else later
            vector = _known(ctx.run_id, model_id).get(text)
        SemanticIndex(db).add(
            step,
            text,
            vector,
            embedding_model=model_id,
            adapter=record.adapter,
            adapter_version=record.adapter_version,
            model_id=record.model_id,
            profile=profile,
            run_id=ctx.run_id,
            uris=[a.uri for a in record.artifacts],
        )
    except Exception as exc:
        _failed(memory, ctx.run_id, step.id, exc)


def _embedded(
    ctx: RunContext,
    text: str,
    found: list[Candidate],
    embedder: Embedder,
    index: SemanticIndex,
) -> list[Candidate]:
    """The candidates, each with its embedding: those not embedded yet are, in the same
    call as the step's own text, and their vectors stored."""
    lacking = [c for c in found if c.embedding is None]
    vectors = embeddings_for(ctx, [text, *(c.prompt for c in lacking)], embedder)
    done = []
    for c in found:
        if c.embedding is None:
            c = dataclasses.replace(c, embedding=vectors[c.prompt])
            index.set_embedding(c.id, vectors[c.prompt], embedder.model_id)
        done.append(c)
    return done


def _replay(
    ctx: RunContext, step: ImageStep, key: str, records: StepRecords, store: ArtifactStore
) -> dict[str, Any] | None:
    """This run's earlier decision for the step (an interrupted run resumed), when its
    artifacts are still stored."""
    earlier = records.get(ctx.run_id, step.id)
    if (
        earlier is None
        or earlier.step_key != key
        or earlier.status is not StepStatus.SUCCEEDED
        or not earlier.metrics.get("semantic_reuse")
    ):
        return None
    refs = [store.ref(a.uri) for a in earlier.artifacts]
    if not all(holds(store, r.uri) for r in refs):
        return None
    return {
        "artifacts": refs,
        "policy_annotations": [n for n in earlier.policy_annotations if n.startswith(NOTE)],
        "metrics": {
            k: v for k, v in earlier.metrics.items() if k in ("semantic_reuse", "semantic_score")
        },
    }


def _usable(c: Candidate, store: ArtifactStore, events: MemoryLog) -> bool:
    """All its artifacts are stored, and none is an image a reviewer rejected."""
    if not c.uris or not all(holds(store, uri) for uri in c.uris):
        return False
    if c.keyframe is None:
        return True
    return not any(
        _rejected_image(events, c.run_id, c.keyframe, store.ref(uri).checksum_sha256)
        for uri in c.uris
    )


def _reviews(events: MemoryLog, run_id: str) -> list[dict[str, Any]]:
    return [
        e.payload for e in events.list(run_id, APPLIED) if e.payload.get("gate") == KEYFRAMES_GATE
    ]


def _rejected(events: MemoryLog, run_id: str) -> set[int]:
    return {
        k
        for p in _reviews(events, run_id)
        if p.get("decision") == "reject"
        for k in p.get("keyframes") or []
        if isinstance(k, int)
    }


def _rejected_image(events: MemoryLog, run_id: str, keyframe: int, checksum: str) -> bool:
    """Its keyframe was rejected in its run and this image was never approved there (a
    rejection names the keyframe, not the image: in doubt, it counts as rejected)."""
    if keyframe not in _rejected(events, run_id):
        return False
    return not any(
        (p.get("approved") or {}).get(str(keyframe)) == checksum for p in _reviews(events, run_id)
    )


def _failed(memory: MemoryLog | None, run_id: str, step_id: str, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"
    _say(memory, run_id, "dedupe_failed", {"step_id": step_id, "path": "semantic", "error": error})


def _say(memory: MemoryLog | None, run_id: str, kind: str, payload: dict[str, Any]) -> None:
    if memory is not None:
        with contextlib.suppress(Exception):
            memory.write(run_id, kind, payload)
