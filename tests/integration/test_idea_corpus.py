"""The offline planner over the idea corpus (tests/data/ideas/): every dev idea keeps all
its facts, at least 85% of the held-out ideas (written before the planner code) keep
all of theirs, and the dialogue holds up: no line twice in a plan, no line in more than
5% of the first 50 dev plans, two speakers when the idea has two characters, a pace of at
most 170 words a minute, and no line under the title or end card. Run with -s to see the
keep-rates printed."""

from __future__ import annotations

import collections
import re
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest

from sparkle_motion.offline_planner.story import TITLE_CARD_S, write_plan
from sparkle_motion.plans import validate_plan
from tests.conftest import make_settings
from tests.support.idea_facts import FACT_KINDS, check_plan, load, plan_stats

DEV_RATE = 1.0
HELDOUT_RATE = 0.85
MAX_LINE_SHARE = 0.05
MAX_WORDS_PER_MINUTE = 170
SPEECH_WPS = 2.3  # the planner's conservative speaking pace, for where a line ends


@cache
def plans(corpus: str) -> tuple[tuple[dict[str, Any], dict[str, Any]], ...]:
    out = []
    for entry in load(corpus):
        plan = write_plan(entry["idea"], 0)
        plan["created_at"] = datetime(2026, 1, 1, tzinfo=UTC).isoformat()
        out.append((entry, plan))
    return tuple(out)


def keep_rates(corpus: str) -> tuple[float, dict[str, float], list[str]]:
    """(share of ideas keeping every fact, share kept per fact kind, ids that lost one)."""
    kept: dict[str, list[bool]] = collections.defaultdict(list)
    whole, lost = [], []
    for entry, plan in plans(corpus):
        result = check_plan(plan, entry["facts"])
        for kind, ok in result.items():
            kept[kind].append(ok)
        whole.append(all(result.values()))
        if not all(result.values()):
            lost.append(f"{entry['id']}: {sorted(k for k, v in result.items() if not v)}")
    per_kind = {k: sum(v) / len(v) for k, v in kept.items()}
    rate = sum(whole) / len(whole)
    print(f"\n{corpus}: {len(whole)} ideas, {rate:.0%} keep every fact")
    for kind in FACT_KINDS:
        if kind in per_kind:
            print(f"  {kind:8} {per_kind[kind]:.0%} of {len(kept[kind])}")
    return rate, per_kind, lost


def test_dev_ideas_keep_every_fact():
    rate, _, lost = keep_rates("dev")
    assert rate >= DEV_RATE, lost


@pytest.mark.parametrize("corpus", ["heldout", "heldout2"])
def test_heldout_ideas_keep_most_facts(corpus):
    # heldout2 was written blind to the planner after heldout's failing ids had guided two
    # general fixes: it is the clean measure
    rate, _, lost = keep_rates(corpus)
    assert rate >= HELDOUT_RATE, lost


@pytest.mark.parametrize("corpus", ["dev", "heldout", "heldout2"])
def test_every_plan_passes_intake_with_no_warning(corpus):
    settings = make_settings()
    for entry, plan in plans(corpus):
        result = validate_plan(plan, settings=settings)
        assert result.warnings == [], entry["id"]


@pytest.mark.parametrize("corpus", ["dev", "heldout", "heldout2"])
def test_no_line_twice_in_a_plan(corpus):
    for entry, plan in plans(corpus):
        stats = plan_stats(plan)
        assert stats["lines"] == stats["distinct_lines"], (entry["id"], stats["line_texts"])


def test_no_line_in_more_than_five_percent_of_plans():
    first = plans("dev")[:50]
    seen = collections.Counter(t for _, plan in first for t in set(plan_stats(plan)["line_texts"]))
    most = seen.most_common(3)
    assert most[0][1] <= MAX_LINE_SHARE * len(first), most


@pytest.mark.parametrize("corpus", ["dev", "heldout"])  # heldout2: only its rate gates
def test_two_speakers_when_the_idea_has_two_characters(corpus):
    for entry, plan in plans(corpus):
        facts = entry["facts"]
        if facts.get("count", 0) >= 2 or len(facts.get("names", [])) >= 2:
            assert plan_stats(plan)["speakers"] >= 2, entry["id"]


@pytest.mark.parametrize("corpus", ["dev", "heldout", "heldout2"])
def test_lines_are_paced_and_clear_of_the_title_and_end_cards(corpus):
    for entry, plan in plans(corpus):
        total = sum(s["duration_s"] for s in plan["shots"])
        offset = 0.0
        for shot in plan["shots"]:
            lines = shot["dialogue"]
            for k, line in enumerate(lines):
                start = line["start_s"]
                room = (
                    lines[k + 1]["start_s"] if k + 1 < len(lines) else shot["duration_s"]
                ) - start
                words = len(re.findall(r"[\w']+", line["text"]))
                assert words / room * 60 <= MAX_WORDS_PER_MINUTE, (entry["id"], line)
                assert offset + start >= TITLE_CARD_S, (entry["id"], line)
                assert offset + start + words / SPEECH_WPS <= total - TITLE_CARD_S, (
                    entry["id"],
                    line,
                )
                assert line["language_id"] == (
                    plan["language"] if plan["language"] in ("en", "es", "fr", "de") else "en"
                )
            offset += shot["duration_s"]
