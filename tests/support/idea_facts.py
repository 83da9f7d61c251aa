"""The idea corpus (tests/data/ideas/) and the check that a plan keeps an idea's facts.

Each corpus line is one JSON object::

    {"id": "chess-cafe", "idea": "...", "kind": "two-characters", "language": "en",
     "named_in_issue": true,            # optional: one of the ten ideas of issue 18
     "facts": {"names": [...], "count": 2, "time": [...], "setting": [...],
               "action": [...], "language": "en"}}

Every fact is optional; an idea states only the ones it has. `check_plan` looks only at
what the film shows and says -- characters (name, appearance), shots (description,
setting, time_of_day, mood, characters, motion_prompt, dialogue) and keyframe prompts --
never at the plan's `title`, `description`, `metadata` or `created_by`, where a copy of
the idea could sit. The rules, one per fact kind:

- names: each name is, as whole words and case-insensitively (accents kept), in some
  character's `name`, and that character is in a shot's `characters` or speaks a line.
- count: the number of characters that are in a shot or speak equals `count`.
- time: every shot's `time_of_day` is one of the accepted values.
- setting: a stem is in the `setting` or `description` of at least half of the shots, and
  a stem (the same or another alternative) is in at least one keyframe prompt.
- action: a stem is in a shot's `description`, `motion_prompt` or a dialogue line, and a
  stem is in at least one keyframe prompt.
- language: the plan's `language` (absent: "en") equals it.

A stem matches at the start of a word ("argu" matches "argues", not "jargon"), after
case folding and NFC normalization; a stem in a script written without spaces (Chinese,
Japanese) matches anywhere.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

IDEAS_DIR = Path(__file__).resolve().parents[1] / "data" / "ideas"
CORPORA = ("dev", "heldout", "heldout2")
FACT_KINDS = ("names", "count", "time", "setting", "action", "language")
TIMES = ("dawn", "day", "dusk", "night")
LANGUAGES = ("en", "es", "fr", "de", "ja", "zh")
MAX_IDEA_CHARS = 300


class IdeaCorpusError(ValueError):
    """A corpus line breaks a rule; the message names the line, the field and the rule."""


def load(name: str) -> list[dict[str, Any]]:
    """The ideas of corpus `name` (see CORPORA), each checked against the format."""
    if name not in CORPORA:
        raise IdeaCorpusError(f"corpus: must be one of {', '.join(CORPORA)}, got {name!r}")
    path = IDEAS_DIR / f"{name}.jsonl"
    ideas = []
    seen: set[str] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        where = f"{path.name}:{number}"
        try:
            entry = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise IdeaCorpusError(f"{where}: not JSON ({exc.msg})") from exc
        _validate(entry, where)
        if entry["id"] in seen:
            raise IdeaCorpusError(f"{where}: id: {entry['id']!r} is used twice")
        seen.add(entry["id"])
        ideas.append(entry)
    return ideas


def _validate(entry: object, where: str) -> None:
    if not isinstance(entry, dict):
        raise IdeaCorpusError(f"{where}: must be a JSON object")
    for key in ("id", "idea", "kind", "language"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise IdeaCorpusError(f"{where}: {key}: must be a non-empty string")
    if len(entry["idea"]) > MAX_IDEA_CHARS:
        raise IdeaCorpusError(f"{where}: idea: at most {MAX_IDEA_CHARS} characters")
    facts = entry.get("facts")
    if not isinstance(facts, dict):
        raise IdeaCorpusError(f"{where}: facts: must be an object")
    unknown = set(facts) - set(FACT_KINDS)
    if unknown:
        raise IdeaCorpusError(f"{where}: facts: unknown kind(s) {sorted(unknown)}")
    for kind in ("names", "time", "setting", "action"):
        if kind in facts and not _is_word_list(facts[kind]):
            raise IdeaCorpusError(f"{where}: facts.{kind}: must be a non-empty list of strings")
    for kind in ("setting", "action"):
        if kind in facts and any(s != s.lower() for s in facts[kind]):
            raise IdeaCorpusError(f"{where}: facts.{kind}: stems must be lowercase")
    if "time" in facts and not set(facts["time"]) <= set(TIMES):
        raise IdeaCorpusError(f"{where}: facts.time: values must be among {', '.join(TIMES)}")
    count = facts.get("count")
    if "count" in facts and (not isinstance(count, int) or isinstance(count, bool) or count < 1):
        raise IdeaCorpusError(f"{where}: facts.count: must be an integer >= 1")
    if facts.get("language", entry["language"]) != entry["language"]:
        raise IdeaCorpusError(f"{where}: facts.language: must equal the idea's language")
    if entry["language"] not in LANGUAGES:
        raise IdeaCorpusError(f"{where}: language: must be one of {', '.join(LANGUAGES)}")


def _is_word_list(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, str) and v.strip() for v in value)
    )


# -- matching ------------------------------------------------------------------------


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


@lru_cache(maxsize=4096)
def _stem_pattern(stem: str) -> re.Pattern[str]:
    folded = re.escape(_fold(stem))
    if _UNSPACED.search(stem):
        return re.compile(folded)
    return re.compile(rf"(?<!\w){folded}")


def has_stem(text: str | None, stems: Iterable[str]) -> bool:
    """Whether any stem starts a word of `text` (anywhere, for Chinese/Japanese stems)."""
    if not text:
        return False
    folded = _fold(text)
    return any(_stem_pattern(stem).search(folded) for stem in stems)


def _has_name(character_name: str, name: str) -> bool:
    pattern = rf"(?<!\w){re.escape(_fold(name))}(?!\w)"
    return re.search(pattern, _fold(character_name)) is not None


# -- the plan's parts ----------------------------------------------------------------


def _shots(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return list(plan.get("shots") or [])


def _lines(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for shot in _shots(plan):
        yield from shot.get("dialogue") or []


def _prompts(plan: dict[str, Any]) -> list[str]:
    return [image.get("prompt") or "" for image in plan.get("base_images") or []]


def on_screen_ids(plan: dict[str, Any]) -> set[str]:
    """Ids of the declared characters that are in a shot or speak a line."""
    present = {cid for shot in _shots(plan) for cid in shot.get("characters") or []}
    present |= {line.get("character") for line in _lines(plan)}
    return {c["id"] for c in plan.get("characters") or [] if c.get("id") in present}


# -- the checks ----------------------------------------------------------------------


def _names_kept(plan: dict[str, Any], names: list[str]) -> bool:
    present = on_screen_ids(plan)
    shown = [c.get("name") or "" for c in plan.get("characters") or [] if c.get("id") in present]
    return all(any(_has_name(shown_name, name) for shown_name in shown) for name in names)


def _time_kept(plan: dict[str, Any], accepted: list[str]) -> bool:
    shots = _shots(plan)
    return bool(shots) and all(shot.get("time_of_day") in accepted for shot in shots)


def _setting_kept(plan: dict[str, Any], stems: list[str]) -> bool:
    shots = _shots(plan)
    hits = sum(
        1
        for shot in shots
        if has_stem(shot.get("setting"), stems) or has_stem(shot.get("description"), stems)
    )
    in_prompts = any(has_stem(prompt, stems) for prompt in _prompts(plan))
    return bool(shots) and 2 * hits >= len(shots) and in_prompts


def _action_kept(plan: dict[str, Any], stems: list[str]) -> bool:
    shown_or_said = [
        text
        for shot in _shots(plan)
        for text in (shot.get("description"), shot.get("motion_prompt"))
    ] + [line.get("text") for line in _lines(plan)]
    in_shots = any(has_stem(text, stems) for text in shown_or_said)
    return in_shots and any(has_stem(prompt, stems) for prompt in _prompts(plan))


def check_plan(plan: dict[str, Any], facts: dict[str, Any]) -> dict[str, bool]:
    """One bool per fact kind in `facts`: whether the plan keeps it (rules: module doc)."""
    unknown = set(facts) - set(FACT_KINDS)
    if unknown:
        raise IdeaCorpusError(f"facts: unknown kind(s) {sorted(unknown)}")
    result: dict[str, bool] = {}
    if "names" in facts:
        result["names"] = _names_kept(plan, facts["names"])
    if "count" in facts:
        result["count"] = len(on_screen_ids(plan)) == facts["count"]
    if "time" in facts:
        result["time"] = _time_kept(plan, facts["time"])
    if "setting" in facts:
        result["setting"] = _setting_kept(plan, facts["setting"])
    if "action" in facts:
        result["action"] = _action_kept(plan, facts["action"])
    if "language" in facts:
        result["language"] = (plan.get("language") or "en") == facts["language"]
    return result


def _normal_line(text: str) -> str:
    return " ".join(_fold(text).split()).strip(" .!?,;:…\"'")


def plan_stats(plan: dict[str, Any]) -> dict[str, Any]:
    """Dialogue figures of one plan: lines, distinct lines, speakers, the normalized lines."""
    texts = [_normal_line(line.get("text") or "") for line in _lines(plan)]
    return {
        "lines": len(texts),
        "distinct_lines": len(set(texts)),
        "speakers": len({line.get("character") for line in _lines(plan)}),
        "characters_on_screen": len(on_screen_ids(plan)),
        "line_texts": texts,
    }
