"""Perceptual dedupe, after a step rendered: the engine's one call (`after_render`).

What is hashed: each keyframe an image step rendered (artifact type `keyframe`) and the
first and last frames of each clip a video step rendered (`shot_mp4`), with pHash
(phash.py). Each hash is looked up in the RecentIndex of every earlier run and of this
one (across plans) before it is added to it:

- the nearest earlier image within `SPARKLE_PHASH_MAX_DISTANCE` bits is recorded in the
  step record: a policy annotation `dedupe.near: <uri> distance <d>` (`(first frame)` /
  `(last frame)` for a clip; why it was not reused at distance 0), `metrics.phash_near`
  (outputs near an earlier image) and `metrics.phash_distance` (the smallest distance);
- a keyframe is replaced by the earlier one (`dedupe.reused: <canonical uri> distance 0
  (rendered <uri>)`, `metrics.phash_reuse`: how many were) only when all of these hold:
  the hashes are equal; the earlier one is a keyframe of the same adapter and model id
  (the `backend` and `model_id` stamped at publish), of the same size, still stored; the
  pixels agree tile by tile (`same_pixels`: an equal hash alone cannot tell a name label
  or a tint apart); a reviewer rejected neither this keyframe in this run (a retake) nor
  the earlier one. A clip is never replaced: two equal end frames do not make the
  frames between them equal. The images a clip was made from (its keyframes) are not
  reported as near it: a clip starts on its keyframe by design.

Off for a step whose plan says `dedupe: false` (an image step's opts; a clip made from
such a keyframe too), for a run started with `--no-reuse` (kept by its resumes) and for
every run with `SPARKLE_DEDUPE=0`: the run's settings, which the engine passes (the one
place they are read: config.py). Fail-open: any error on
this path (imagehash missing, an unreadable image, a database error) leaves the step's
outputs as rendered and writes a `dedupe_failed` event; it never fails the step.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..errors import StorageError
from ..runs.retakes import APPLIED, KEYFRAMES_GATE
from ..schemas import ArtifactRef, ImageStep, RunContext, Step, VideoStep
from ..schemas.common import STEP_REF_PREFIX
from ..schemas.steps import step_input_refs
from ..storage.base import ArtifactStore, holds
from ..storage.db import Database
from ..storage.memory_log import MemoryLog
from ..storage.recent_index import Entry, Near, RecentIndex
from . import phash as ph

KEYFRAME, CLIP_FIRST, CLIP_LAST = "keyframe", "clip_first", "clip_last"
HASHED_TYPES = {"image": "keyframe", "video": "shot_mp4"}  # step type -> its outputs hashed
FRAME_NOTE = {CLIP_FIRST: " (first frame)", CLIP_LAST: " (last frame)"}


@dataclass
class Found:
    """What the step record gets: its annotations, its metrics."""

    notes: list[str] = field(default_factory=list)
    near: int = 0
    reused: int = 0
    distance: int | None = None

    def metrics(self) -> dict[str, float]:
        found: dict[str, float] = {}
        if self.near:
            found["phash_near"] = float(self.near)
        if self.distance is not None:
            found["phash_distance"] = float(self.distance)
        if self.reused:
            found["phash_reuse"] = float(self.reused)
        return found


def enabled(ctx: RunContext, step: Step, settings: Settings) -> bool:
    """The step is hashed: dedupe is on for the run and for its keyframes in the plan."""
    if not settings.dedupe or step.type not in HASHED_TYPES:
        return False
    if isinstance(step, ImageStep):
        return step.opts.dedupe
    if isinstance(step, VideoStep):
        by_id = {s.id: s for s in ctx.plan.steps}
        made_from = [
            by_id.get(ref[len(STEP_REF_PREFIX) :])
            for _, ref in step_input_refs(step)
            if ref.startswith(STEP_REF_PREFIX)
        ]
        return all(s.opts.dedupe for s in made_from if isinstance(s, ImageStep))
    return False


def after_render(
    ctx: RunContext,
    step: Step,
    rendered: list[ArtifactRef],
    measured: dict[str, Any],
    *,
    db: Database,
    store: ArtifactStore,
    memory: MemoryLog | None = None,
    upstream: Iterable[ArtifactRef] = (),
    settings: Settings,
) -> tuple[list[ArtifactRef], dict[str, Any]]:
    """The step's outputs (a keyframe replaced by its canonical duplicate where the rules
    allow) and its record's fields (`measured`, with the dedupe's annotations and metrics
    added). `upstream`: the outputs the step was made from."""
    try:
        if not enabled(ctx, step, settings):
            return rendered, measured
        dedupe = _Dedupe(ctx, step, db, store, settings, [a.uri for a in upstream])
        kept = [dedupe.output(ref) for ref in rendered]
    except Exception as exc:  # fail-open: the step stands as rendered
        error = f"{type(exc).__name__}: {exc}"
        _say(memory, ctx.run_id, "dedupe_failed", {"step_id": step.id, "error": error})
        return rendered, measured
    found = dedupe.found
    if found.near or found.reused:
        kind = "dedupe_reused" if found.reused else "dedupe_near"
        _say(memory, ctx.run_id, kind, {"step_id": step.id, "notes": found.notes})
    fields = dict(measured)
    if found.notes:
        fields["policy_annotations"] = [*measured.get("policy_annotations", []), *found.notes]
    metrics = found.metrics()
    if metrics:
        fields["metrics"] = {**measured.get("metrics", {}), **metrics}
    return kept, fields


def _say(memory: MemoryLog | None, run_id: str, kind: str, payload: dict[str, Any]) -> None:
    """A run event; one that cannot be written is let go (the step stands)."""
    if memory is not None:
        with contextlib.suppress(Exception):
            memory.write(run_id, kind, payload)


class _Dedupe:
    def __init__(
        self,
        ctx: RunContext,
        step: Step,
        db: Database,
        store: ArtifactStore,
        settings: Settings,
        upstream: list[str],
    ) -> None:
        self.ctx, self.step, self.store = ctx, step, store
        self.index = RecentIndex(db)
        self.events = MemoryLog(db)
        self.max_distance = settings.phash_max_distance
        self.upstream = set(upstream)
        self.found = Found()

    def output(self, ref: ArtifactRef) -> ArtifactRef:
        if ref.artifact_type != HASHED_TYPES[self.step.type]:
            return ref
        path = self.store.local_path(ref.uri, verify=False)
        if self.step.type == "video":
            first, last = ph.clip_end_frames(path)
            self._image(ref, first, CLIP_FIRST)
            self._image(ref, last, CLIP_LAST)
            return ref
        image = ph.open_image(path)
        return self._image(ref, image, KEYFRAME) or ref

    def _entry(self, ref: ArtifactRef, value: str, kind: str, size: tuple[int, int]) -> Entry:
        return Entry(
            phash=value,
            uri=ref.uri,
            kind=kind,
            adapter=_text(ref.metadata.get("backend")),
            model_id=_text(ref.metadata.get("model_id")),
            run_id=self.ctx.run_id,
            step_id=self.step.id,
            keyframe=self.step.keyframe if isinstance(self.step, ImageStep) else None,
            width=size[0],
            height=size[1],
        )

    def _image(self, ref: ArtifactRef, image: Any, kind: str) -> ArtifactRef | None:
        """Look the image up, record what it is near, index it; the canonical keyframe's
        ref when this one is replaced by it."""
        entry = self._entry(ref, ph.phash(image), kind, image.size)
        near = []
        for n in self.index.near(entry.phash, self.max_distance):
            if n.entry.uri == ref.uri or n.entry.uri in self.upstream:
                continue
            if not holds(self.store, n.entry.uri):  # pruned or deleted: ours takes its place
                if n.distance == 0:
                    self.index.replace(entry)
                continue
            near.append(n)
        self.index.add(entry)  # a known hash keeps its canonical row; its hit is counted
        if not near:
            return None
        nearest = near[0]
        found = self.found
        found.near += 1
        found.distance = (
            nearest.distance if found.distance is None else min(found.distance, nearest.distance)
        )
        note = f"dedupe.near: {nearest.entry.uri} distance {nearest.distance}"
        note += FRAME_NOTE.get(kind, "")
        if nearest.distance > 0 or kind != KEYFRAME:  # a clip is never replaced
            found.notes.append(note)
            return None
        canonical, why = self._substitute(entry, nearest, image)
        if canonical is None:
            found.notes.append(f"{note} (kept: {why})")
            return None
        found.reused += 1
        found.notes.append(f"dedupe.reused: {canonical.uri} distance 0 (rendered {ref.uri})")
        return canonical

    def _substitute(
        self, entry: Entry, nearest: Near, image: Any
    ) -> tuple[ArtifactRef | None, str]:
        """The canonical keyframe to use instead, or None and why not."""
        earlier = nearest.entry
        if earlier.kind != KEYFRAME:
            return None, "the earlier one is a clip's frame"
        if (earlier.adapter, earlier.model_id) != (entry.adapter, entry.model_id):
            return None, f"another adapter ({earlier.adapter}, {earlier.model_id})"
        if (earlier.width, earlier.height) != (entry.width, entry.height):
            return None, f"another size ({earlier.width}x{earlier.height})"
        if entry.keyframe is not None and entry.keyframe in self._rejected(self.ctx.run_id):
            return None, "a retake of a rejected keyframe"
        canonical = self.store.ref(earlier.uri)
        if canonical.metadata.get("reuse_scope") == "run" and earlier.run_id != self.ctx.run_id:
            return None, "the earlier one is its run's alone"
        if (
            earlier.run_id is not None
            and earlier.keyframe is not None
            and self._rejected_image(earlier.run_id, earlier.keyframe, canonical.checksum_sha256)
        ):
            return None, "the earlier one was rejected at a review"
        try:
            pixels = ph.open_image(self.store.local_path(earlier.uri))  # checksum-verified
        except StorageError as exc:
            return None, f"the earlier one cannot be read ({type(exc).__name__})"
        if not ph.same_pixels(image, pixels):
            return None, "pixels differ"
        return canonical, ""

    def _reviews(self, run_id: str) -> list[dict[str, Any]]:
        return [
            e.payload
            for e in self.events.list(run_id, APPLIED)
            if e.payload.get("gate") == KEYFRAMES_GATE
        ]

    def _rejected(self, run_id: str) -> set[int]:
        """The keyframes a reviewer rejected in the run (rendered again since: retakes)."""
        return {
            k
            for p in self._reviews(run_id)
            if p.get("decision") == "reject"
            for k in p.get("keyframes") or []
            if isinstance(k, int)
        }

    def _rejected_image(self, run_id: str, keyframe: int, checksum: str) -> bool:
        """The image may be one a reviewer rejected: its keyframe was rejected in its run
        and this image (its checksum) was never approved there. (A rejection records the
        keyframe, not the image: when in doubt, it counts as rejected.)"""
        reviews = self._reviews(run_id)
        if keyframe not in self._rejected(run_id):
            return False
        return not any((p.get("approved") or {}).get(str(keyframe)) == checksum for p in reviews)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None
