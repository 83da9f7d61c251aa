"""The perceptual dedupe through the engine, with the preview's real adapters at 320x176
(procedural keyframes, ffmpeg clips) on examples/plans/short.json: what a step record
says, when a keyframe becomes an earlier one, and that nothing on this path fails a step."""

from __future__ import annotations

import dataclasses
import io
import sys

import pytest
from PIL import Image, ImageDraw

from sparkle_motion.adapters.images.procedural import ProceduralKeyframes
from sparkle_motion.config import reset_settings_cache, use_settings
from sparkle_motion.schemas import StepStatus
from tests.conftest import make_settings
from tests.support.dedupe_rig import Rig

KEYFRAMES = ("image.kf-000", "image.kf-001", "image.kf-002")
CLIPS = ("video.launch", "video.drift")


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=9)  # other bytes than the adapter's
    return buffer.getvalue()


class Changed(ProceduralKeyframes):
    """The procedural keyframes, version 2 (so their steps render again), each image
    passed through `change` and encoded anew; `name` may differ too."""

    def __init__(self, change=lambda image: image, name="procedural_keyframes") -> None:
        self.change, self.name, self.version = change, name, "2"

    def run(self, job):
        return [
            dataclasses.replace(
                out, data=png(self.change(Image.open(io.BytesIO(out.data)).convert("RGB")))
            )
            for out in super().run(job)
        ]


@pytest.fixture
def rig(tmp_path):
    use_settings(make_settings())
    made = Rig(tmp_path)
    yield made
    made.close()
    reset_settings_cache()


def notes(result, step_id):
    return result.records[step_id].policy_annotations


def test_a_first_run_indexes_its_keyframes_and_clips_and_notes_nothing(rig):
    result = rig.run("run1")
    assert result.status.value == "succeeded"
    for step_id in KEYFRAMES + CLIPS:  # a clip is not near the keyframes it was made from
        assert notes(result, step_id) == [] and "phash_near" not in result.records[step_id].metrics
    kinds = [r[0] for r in rig.db.query("SELECT kind FROM recent_index ORDER BY id")]
    assert kinds.count("keyframe") == 3 and {"clip_first", "clip_last"} <= set(kinds)


def test_an_equal_keyframe_becomes_the_earlier_one_and_the_clips_made_from_it_are_reused(rig):
    """Rendered again (a new adapter version) to other bytes but the same picture: each
    keyframe becomes run1's, so the clips' keys are run1's and nothing renders them."""
    first = rig.run("run1")
    second = rig.run("run2", images=Changed())
    for step_id in KEYFRAMES:
        record = second.records[step_id]
        earlier = first.records[step_id].artifacts[0].uri
        assert record.status is StepStatus.SUCCEEDED and record.artifacts[0].uri == earlier
        assert record.policy_annotations == [
            f"dedupe.reused: {earlier} distance 0 (rendered "
            f"{record.policy_annotations[0].split('(rendered ')[1]}"
        ]
        assert record.metrics["phash_reuse"] == 1 and record.metrics["phash_distance"] == 0
    assert second.cached == list(CLIPS) and second.executed == list(KEYFRAMES)
    assert [e["step_id"] for e in rig.events("run2", "dedupe_reused")] == list(KEYFRAMES)
    hits = rig.db.query_one(
        "SELECT hit_count FROM recent_index WHERE canonical_uri = ?", (earlier,)
    )
    assert hits[0] == 2


def test_a_clip_rendered_again_is_noted_by_its_end_frames_never_replaced(rig):
    first = rig.run("run1")
    second = rig.run("run2", from_stage="video")
    for step_id in CLIPS:
        earlier = first.records[step_id].artifacts[0].uri
        record = second.records[step_id]
        assert record.artifacts[0].uri != earlier and "phash_reuse" not in record.metrics
        assert f"dedupe.near: {earlier} distance 0 (last frame)" in record.policy_annotations


def label(image):
    """A small white mark where the pHash does not see it (the first such spot on a grid
    over the picture: whether a mark flips a hash bit depends on the picture)."""
    from sparkle_motion.dedupe.phash import phash

    before = phash(image)
    w, h = image.size
    spots = [(x, y) for y in range(10, h - 16, 15) for x in range(10, w - 16, 15)]
    spots.sort(key=lambda xy: abs(xy[0] - w / 2) + abs(xy[1] - h / 2))  # the middle first
    for x, y in spots:
        marked = image.copy()
        ImageDraw.Draw(marked).rectangle((x, y, x + 6, y + 6), fill=(255, 255, 255))
        if phash(marked) == before:
            return marked
    raise AssertionError("every mark tried changes the pHash")


def crop(image):  # a few pixels cut from the top left, scaled back
    return image.crop((6, 3, 320, 176)).resize((320, 176))


@pytest.mark.parametrize(
    ("images", "why"),
    [
        (Changed(name="other_keyframes"), "another adapter (procedural_keyframes, None)"),
        (Changed(label), "pixels differ"),
    ],
    ids=["another-adapter", "a-label-changed"],
)
def test_an_equal_hash_is_noted_not_reused_across_adapters_or_pixels(rig, images, why):
    first = rig.run("run1")
    second = rig.run("run2", images=images)
    record = second.records["image.kf-000"]
    earlier = first.records["image.kf-000"].artifacts[0].uri
    assert record.artifacts[0].uri != earlier and "phash_reuse" not in record.metrics
    assert record.policy_annotations == [f"dedupe.near: {earlier} distance 0 (kept: {why})"]
    assert record.metrics["phash_near"] == 1


def test_a_near_variant_is_noted_with_its_distance(rig):
    """Each is near an earlier image (its own keyframe, or the end of the clip made from
    it when that is nearer), named with the distance; none is replaced."""
    first = rig.run("run1")
    second = rig.run("run2", images=Changed(crop))
    earlier = {a.uri for r in first.records.values() for a in r.artifacts}
    for step_id in KEYFRAMES:
        record = second.records[step_id]
        (note,) = record.policy_annotations
        uri, distance = note.removeprefix("dedupe.near: ").split(" distance ")
        assert uri in earlier and record.metrics["phash_distance"] == int(distance) > 0
        assert "phash_reuse" not in record.metrics
    note = second.records["image.kf-000"].policy_annotations[0]
    assert note.startswith(f"dedupe.near: {first.records['image.kf-000'].artifacts[0].uri} ")
    assert rig.events("run2", "dedupe_near")


def test_off_per_plan_and_per_run(rig):
    def off(ctx):  # a plan whose steps say `opts: {dedupe: false}` for keyframe 0
        steps = [
            s.model_copy(update={"opts": s.opts.model_copy(update={"dedupe": False})})
            if s.id == "image.kf-000"
            else s
            for s in ctx.plan.steps
        ]
        return ctx.model_copy(update={"plan": ctx.plan.model_copy(update={"steps": steps})})

    rig.run("run1", edit=off)
    steps = {r[0] for r in rig.db.query("SELECT step_id FROM recent_index")}
    # the keyframe and the clip made from it are not hashed
    assert "image.kf-000" not in steps and "video.launch" not in steps
    assert {"image.kf-001", "video.drift"} <= steps
    use_settings(make_settings(dedupe=False))
    before = len(rig.index)
    second = rig.run("run2", images=Changed())
    assert len(rig.index) == before and all(not notes(second, s) for s in KEYFRAMES)


def test_fail_open_without_imagehash_and_on_an_unreadable_keyframe(rig, monkeypatch):
    monkeypatch.setitem(sys.modules, "imagehash", None)  # import imagehash raises
    result = rig.run("run1")
    assert result.status.value == "succeeded" and len(rig.index) == 0
    failed = rig.events("run1", "dedupe_failed")
    assert len(failed) == 5 and "MissingDependencyError" in failed[0]["error"]
    assert "sparkle-motion[dedupe]" in failed[0]["error"]
    monkeypatch.undo()

    class Garbage(ProceduralKeyframes):
        version = "3"

        def run(self, job):
            return [dataclasses.replace(o, data=b"not a png") for o in super().run(job)]

    result = rig.run("run2", images=Garbage())
    assert all(result.records[s].status is StepStatus.SUCCEEDED for s in KEYFRAMES)
    errors = [e["error"] for e in rig.events("run2", "dedupe_failed")]
    assert len(errors) >= 3 and "UnidentifiedImageError" in errors[0]


def reject(rig, run_id, keyframe, approved=None):
    rig.memory.write(
        run_id,
        "review_applied",
        {
            "gate": "keyframes",
            "decision": "reject",
            "keyframes": [keyframe],
            "approved": approved or {},
        },
    )


def test_a_retake_and_a_rejected_keyframe_are_never_substituted(rig):
    first = rig.run("run1")
    reject(rig, "run1", 1)  # run1's keyframe 1 was rejected there
    reject(rig, "run2", 2)  # run2 retakes its keyframe 2
    second = rig.run("run2", images=Changed())
    assert second.records["image.kf-000"].metrics["phash_reuse"] == 1
    kept = {s: second.records[s].policy_annotations[0].split("(kept: ")[-1] for s in KEYFRAMES[1:]}
    assert kept == {
        "image.kf-001": "the earlier one was rejected at a review)",
        "image.kf-002": "a retake of a rejected keyframe)",
    }
    # approved in run1 as the image it is (after its retake): reusable
    sha = first.records["image.kf-001"].artifacts[0].checksum_sha256
    rig.memory.write("run1", "review_applied", {"gate": "keyframes", "decision": "approve",
                                                "approved": {"1": sha}})  # fmt: skip
    third = rig.run("run3", images=Changed(), from_stage="base_images")
    assert third.records["image.kf-001"].metrics["phash_reuse"] == 1


def test_a_gone_canonical_makes_way_for_the_new_image(rig):
    first = rig.run("run1")
    earlier = first.records["image.kf-000"].artifacts[0]
    rig.store.delete(earlier.uri)
    second = rig.run("run2", images=Changed())
    record = second.records["image.kf-000"]
    # nothing to reuse: at most a note that it is near a frame of a clip made from it
    assert not any(n.startswith("dedupe.reused") for n in record.policy_annotations)
    assert "phash_reuse" not in record.metrics and record.artifacts[0].uri != earlier.uri
    (row,) = rig.db.query(
        "SELECT canonical_uri, run_id FROM recent_index WHERE step_id = 'image.kf-000'"
    )
    assert tuple(row) == (record.artifacts[0].uri, "run2")
