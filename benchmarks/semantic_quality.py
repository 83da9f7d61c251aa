"""How well semantic prompt reuse tells a reworded keyframe prompt from one that says
another picture, at each threshold (`SPARKLE_DEDUPE_THRESHOLD`).

The labelled set tests/data/dedupe/semantic_pairs.json: paraphrase pairs (the same
picture said another way: reuse is right) and pairs that differ in subject, character,
setting or time (reuse is wrong). Each pair goes through `find_semantic_match` with the
real all-MiniLM-L6-v2 (the `dedupe` extra), with and without its guard (`same_terms`:
the same times and names), and prints recall (paraphrases reused) and false positives
(differing pairs reused) per threshold, by kind.

    .venv/bin/python benchmarks/semantic_quality.py      # about 10 s

Goal at the default 0.92: no false positive, recall >= 70% (the test
tests/unit/dedupe/test_semantic.py::test_the_labelled_set_at_the_default_threshold).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sparkle_motion.dedupe import semantic
from sparkle_motion.dedupe.embeddings import MiniLM
from sparkle_motion.dedupe.semantic import Candidate, find_semantic_match, prompt_sha256

PAIRS = Path(__file__).parents[1] / "tests" / "data" / "dedupe" / "semantic_pairs.json"
THRESHOLDS = (0.85, 0.88, 0.90, 0.92, 0.94, 0.96)
DEFAULT = 0.92


def main() -> int:
    pairs = json.loads(PAIRS.read_text())
    same, different = pairs["paraphrase"], pairs["different"]
    texts = list(dict.fromkeys(t for p in same + different for t in p[:2]))
    started = time.perf_counter()
    vectors = dict(zip(texts, MiniLM().embed(texts), strict=True))
    took = time.perf_counter() - started
    print(
        f"{len(same)} paraphrase pairs, {len(different)} differing pairs; "
        f"{len(texts)} prompts embedded in one call: {took:.1f} s (model load included)"
    )

    def reused(a: str, b: str, threshold: float) -> bool:
        earlier = Candidate(1, b, prompt_sha256(b), vectors[b], "r0", "s", 0, ["u"])
        return find_semantic_match(a, vectors[a], [earlier], threshold) is not None

    kinds = sorted({p[2] for p in different})
    print(f"| guard | threshold | recall | false positives | {' | '.join(kinds)} |")
    print(f"| --- | --- | --- | --- |{' --- |' * len(kinds)}")
    failed = False
    for guard in (True, False):
        if not guard:
            semantic.same_terms = lambda a, b: True  # type: ignore[assignment]
        for t in THRESHOLDS:
            recall = sum(reused(a, b, t) for a, b in same) / len(same)
            wrong = [p for p in different if reused(p[0], p[1], t)]
            by_kind = " | ".join(str(sum(p[2] == k for p in wrong)) for k in kinds)
            mark = "**" if t == DEFAULT and guard else ""
            print(
                f"| {'yes' if guard else 'no'} | {mark}{t:.2f}{mark} | {recall:.1%} | "
                f"{len(wrong)} of {len(different)} | {by_kind} |"
            )
            if guard and t == DEFAULT:
                failed = bool(wrong) or recall < 0.7
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
