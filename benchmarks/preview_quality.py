"""Does the preview keep the user's story? Over the idea corpus (tests/data/ideas/), how
well the offline planner's plans keep each idea's facts, and what the preview films
sound and look like.

    .venv/bin/python benchmarks/preview_quality.py [--films N] [--json PATH]

Part A, plans (every idea of the dev and held-out sets, about 0.02 s each): each idea
goes through `script_agent.generate_plan` with the offline model -- the ADK agent and
plan intake that `sparkle-motion plan` and `run "IDEA"` use, at the same default seed --
and `tests/support/idea_facts.check_plan` checks the plan against the idea's facts
(names, count, time, setting, action, language; the rules are in that module). Printed:
the keep-rate of each fact kind for dev and held-out, the share of ideas with every fact
kept, the distinct-line ratio (distinct lines / lines, all plans), the largest share of
plans one line appears in, plans that repeat a line, and speakers per plan.

Part B, films (default: the ten ideas of issue 18, `named_in_issue`; `--films N` takes
the first N of those then the other dev ideas, `--films 0` skips): each film is made by
`sparkle-motion run "IDEA" -o film.mp4` in a fresh process and a throwaway state home,
then measured:

- words a minute of each line: the line's words / its WAV's length (the tts step
  records); Chinese and Japanese lines, which have no spaces to count words by, are left
  out of it.
- silence: the share of 50 ms windows of the film's sound (decoded to 16 kHz mono PCM)
  whose RMS is under -50 dBFS.
- music: the score heard where no line is playing. A line plays from its subtitle cue's
  start (the .srt beside the film) for the longer of the cue and its WAV (the assemble
  step's `lines`, paired with the cues in order when they are as many; otherwise the cues
  alone), widened by 0.1 s. The score the film should carry is rendered again from its
  assemble step (media/score.py, the plan compiled under the preview profile) and each
  0.5 s block outside every line is correlated with it (best of +-20 ms): "yes" when >= 50%
  of those blocks correlate at r >= 0.5. Sound level alone cannot tell a score from the
  ambience (about -36 dBFS); the correlation can. A film whose plan names a music file
  (no score) falls back to the level: >= 50% of those windows above -45 dBFS.
- double exposure: the share of frames inside shots (0.5 s kept clear of each shot's
  start and end) that show two layouts at once. The film is decoded at 6 fps, 160x90
  grey; each shot's first keyframe A and last keyframe B (the next shot's first) are
  read at that size. The preview camera only zooms (x1.00-1.18) or pans/tilts a 1.12x
  frame, so A and B are warped by 25 such moves; for each, a frame f (mean removed) is
  fitted by least squares to A alone, B alone and a*A + b*B. A frame is a double exposure
  when, for the best move, the mix leaves at most half the residual of the better single
  image, the single fit leaves >= 3% of f's variance unexplained, and each image carries
  >= 15% of the mix's weight. Shots whose A and B are nearly the same picture
  (correlation > 0.95) cannot show it and count as clean. Frames of a title card or an
  end card are outside every shot and not looked at.
- film-making time: the `run` command's wall time, and its ratio to the film's length.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.idea_facts import CORPORA, FACT_KINDS, check_plan, load, plan_stats  # noqa: E402

WPM_GOAL = 170.0
SILENT_DBFS = -50.0
MUSIC_DBFS = -45.0
WINDOW_S = 0.05
SAMPLE_RATE = 16_000
FRAME_W, FRAME_H, FRAME_FPS = 160, 90, 6
SHOT_MARGIN_S = 0.5
CLI = (sys.executable, "-m", "sparkle_motion.cli")
RUN_FLAGS = ("-q", "--review", "none", "--no-reuse")
UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


# -- Part A: plans ----------------------------------------------------------------------


def plan_corpus(seed: int | None) -> dict[str, list[dict[str, Any]]]:
    """Plan every idea of both corpora in this process (a throwaway state home)."""
    from sparkle_motion import adk_factory
    from sparkle_motion.script_agent import generate_plan

    results: dict[str, list[dict[str, Any]]] = {}
    for corpus in CORPORA:
        rows = []
        for entry in load(corpus):
            try:
                made = generate_plan(
                    entry["idea"], model=adk_factory.OFFLINE_MODEL, seed=seed, publish=False
                )
            except Exception as exc:  # a planner failure keeps no fact
                rows.append({"entry": entry, "error": f"{type(exc).__name__}: {exc}"[:300]})
                continue
            plan = made.plan.model_dump(mode="json")
            rows.append(
                {
                    "entry": entry,
                    "plan": plan,
                    "kept": check_plan(plan, entry["facts"]),
                    "stats": plan_stats(plan),
                }
            )
        results[corpus] = rows
    return results


def _kept(row: dict[str, Any]) -> dict[str, bool]:
    if "error" in row:
        return dict.fromkeys(row["entry"]["facts"], False)
    kept: dict[str, bool] = row["kept"]
    return kept


def plan_figures(results: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for corpus, rows in results.items():
        kinds: dict[str, list[bool]] = {}
        for row in rows:
            for kind, ok in _kept(row).items():
                kinds.setdefault(kind, []).append(ok)
        all_kept = [all(_kept(row).values()) for row in rows]
        figures[corpus] = {
            "ideas": len(rows),
            "errors": sum(1 for row in rows if "error" in row),
            "kinds": {k: {"kept": sum(v), "n": len(v)} for k, v in kinds.items()},
            "all_kept": sum(all_kept),
            "rate": sum(all_kept) / len(rows) if rows else 0.0,
            "missed": [
                {"id": row["entry"]["id"], "missed": [k for k, ok in _kept(row).items() if not ok]}
                for row, ok in zip(rows, all_kept, strict=True)
                if not ok
            ],
        }
    planned = [row for rows in results.values() for row in rows if "stats" in row]
    lines = [text for row in planned for text in row["stats"]["line_texts"]]
    in_plans = Counter(text for row in planned for text in set(row["stats"]["line_texts"]))
    top_line, top_plans = in_plans.most_common(1)[0] if in_plans else ("", 0)
    multi = [row for row in planned if row["entry"]["facts"].get("count", 0) >= 2]
    figures["dialogue"] = {
        "plans": len(planned),
        "lines": len(lines),
        "distinct_lines": len(set(lines)),
        "distinct_ratio": len(set(lines)) / len(lines) if lines else 0.0,
        "top_line": top_line,
        "top_line_plans": top_plans,
        "top_line_share": top_plans / len(planned) if planned else 0.0,
        "plans_repeating_a_line": sum(
            1 for row in planned if row["stats"]["distinct_lines"] < row["stats"]["lines"]
        ),
        "speakers_mean": (
            sum(row["stats"]["speakers"] for row in planned) / len(planned) if planned else 0.0
        ),
        "multi_character_ideas": len(multi),
        "multi_with_two_speakers": sum(1 for row in multi if row["stats"]["speakers"] >= 2),
    }
    return figures


def print_plans(figures: dict[str, Any]) -> None:
    print("Part A: plans of the idea corpus (offline planner, default seed)")
    print(f"{'fact kept':<22} {'dev':>14} {'held-out':>14} {'held-out 2':>14}")
    print("-" * 67)
    for kind in FACT_KINDS:
        cells = []
        for corpus in CORPORA:
            k = figures[corpus]["kinds"].get(kind)
            cells.append(f"{k['kept'] / k['n']:>6.0%} ({k['n']:>2})" if k else f"{'-':>11}")
        print(f"{kind:<22}" + "".join(f" {c:>14}" for c in cells))
    cells = [f"{figures[c]['rate']:>6.0%} ({figures[c]['ideas']:>2})" for c in CORPORA]
    print(f"{'every fact kept':<22}" + "".join(f" {c:>14}" for c in cells))
    errors = [str(figures[c]["errors"]) for c in CORPORA]
    print(f"{'planner errors':<22}" + "".join(f" {e:>14}" for e in errors))
    d = figures["dialogue"]
    print()
    print(f"dialogue over {d['plans']} plans:")
    print(f"  lines, distinct          {d['lines']}, {d['distinct_lines']}")
    print(f"  distinct-line ratio      {d['distinct_ratio']:.2f}")
    print(
        f"  most used line           in {d['top_line_share']:.0%} of plans "
        f"({d['top_line_plans']}): {d['top_line']!r}"
    )
    print(f"  plans repeating a line   {d['plans_repeating_a_line']}")
    print(f"  speakers per plan        {d['speakers_mean']:.2f}")
    share = (
        d["multi_with_two_speakers"] / d["multi_character_ideas"]
        if d["multi_character_ideas"]
        else 0
    )
    print(
        f"  ideas of >= 2 characters with >= 2 speakers  {share:.0%} "
        f"({d['multi_with_two_speakers']} of {d['multi_character_ideas']})"
    )
    for corpus in CORPORA:
        missed = figures[corpus]["missed"]
        if missed:
            shown = ", ".join(f"{m['id']} ({'/'.join(m['missed'])})" for m in missed)
            print(f"\n{corpus} ideas missing a fact: {shown}")


# -- Part B: films ----------------------------------------------------------------------


def film_env(root: Path) -> dict[str, str]:
    return {
        **os.environ,
        "SPARKLE_DOTENV": "",
        "SPARKLE_HOME": str(root),
        "ARTIFACTS_FS_ROOT": str(root / "art"),
        "SPARKLE_DB_PATH": str(root / "s.db"),
        "SPARKLE_RUNS_DIR": str(root / "runs"),
    }


def make_film(root: Path, idea: str, run_id: str = "film") -> float:
    """`sparkle-motion run IDEA -o film.mp4` in `root` as its state home; its wall time."""
    started = time.perf_counter()
    done = subprocess.run(
        [*CLI, "run", idea, "-o", "film.mp4", *RUN_FLAGS, "--run-id", run_id],
        cwd=root,
        env=film_env(root),
        capture_output=True,
        text=True,
        timeout=900,
    )
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"run {idea!r} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return took


def step_records(root: Path, run_id: str) -> list[dict[str, Any]]:
    conn = sqlite3.connect((root / "s.db").as_uri() + "?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT record FROM step_records WHERE run_id = ?", (run_id,)
        ).fetchall()
    finally:
        conn.close()
    return [json.loads(text) for (text,) in rows]


def run_plan(root: Path, run_id: str) -> dict[str, Any]:
    plan: dict[str, Any] = json.loads((root / "runs" / run_id / "plan.json").read_text())
    return plan


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def decode(args: list[str]) -> bytes:
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", *args, "-"],
        capture_output=True,
        check=True,
    )
    return done.stdout


def audio_of(film: Path) -> np.ndarray:
    """The film's sound as float samples in [-1, 1], 16 kHz mono (empty: no sound)."""
    try:
        raw = decode(["-i", str(film), "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le"])
    except subprocess.CalledProcessError:
        return np.zeros(0)
    return np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0


def window_dbfs(samples: np.ndarray) -> np.ndarray:
    size = round(WINDOW_S * SAMPLE_RATE)
    n = len(samples) // size
    if n == 0:
        return np.zeros(0)
    rms = np.sqrt(np.mean(samples[: n * size].reshape(n, size) ** 2, axis=1))
    return np.asarray(20 * np.log10(np.maximum(rms, 1e-10)))


def srt_cues(path: Path) -> list[tuple[float, float]]:
    if not path.exists():
        return []
    stamp = r"(\d+):(\d+):(\d+)[,.](\d+)"
    cues = []
    for found in re.finditer(rf"{stamp}\s*-->\s*{stamp}", path.read_text(encoding="utf-8")):
        g = [int(x) for x in found.groups()]
        cues.append(
            (
                g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000,
                g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000,
            )
        )
    return cues


def speech_spans(
    cues: list[tuple[float, float]], records: list[dict[str, Any]]
) -> list[tuple[float, float]]:
    """Where lines play: each cue, lengthened to its WAV's duration when the assemble step
    lists as many lines as there are cues (a WAV may run past its cue)."""
    lines = [
        float(line.get("duration_s") or 0)
        for r in records
        if r.get("stage") == "assemble"
        for a in r.get("artifacts") or []
        for line in (a.get("metadata") or {}).get("lines") or []
    ]
    ordered = sorted(cues)
    if len(lines) != len(ordered):
        return ordered
    return [(a, max(b, a + d)) for (a, b), d in zip(ordered, lines, strict=True)]


def expected_score(plan: dict[str, Any], seconds: float) -> np.ndarray | None:
    """The score the run mixed in, rendered again as the run rendered it, mono at
    SAMPLE_RATE; None when the plan names a music file instead."""
    from sparkle_motion.media.score import RATE, render_score
    from sparkle_motion.plans.finishing import score_for
    from sparkle_motion.schemas import MoviePlan

    score = score_for(MoviePlan.model_validate(plan))
    if score is None:
        return None
    mono = render_score(score.mood, score.prompt, score.seed, seconds).astype(np.float64)
    mono = mono.mean(axis=1)
    at = np.arange(round(len(mono) * SAMPLE_RATE / RATE)) * (RATE / SAMPLE_RATE)
    return np.interp(at, np.arange(len(mono)), mono)


def heard(film: np.ndarray, score: np.ndarray, a: int, b: int) -> float:
    """The best correlation of film[a:b] with the score within +-20 ms."""
    reach = round(0.02 * SAMPLE_RATE)
    x = film[a:b] - film[a:b].mean()
    best = 0.0
    for lag in range(-reach, reach + 1, 2):
        if a + lag < 0 or b + lag > len(score):
            continue
        y = score[a + lag : b + lag] - score[a + lag : b + lag].mean()
        denom = float(np.sqrt(np.dot(x, x) * np.dot(y, y)))
        if denom > 0:
            best = max(best, float(np.dot(x, y)) / denom)
    return best


def sound_figures(
    film: Path, cues: list[tuple[float, float]], score: np.ndarray | None = None
) -> dict[str, Any]:
    samples = audio_of(film)
    db = window_dbfs(samples)
    if len(db) == 0:
        return {"silence_share": 1.0, "music_share": 0.0, "music": False, "cues": len(cues)}
    mids = (np.arange(len(db)) + 0.5) * WINDOW_S
    speaking = np.zeros(len(db), dtype=bool)
    for a, b in cues:
        speaking |= (mids >= a - 0.1) & (mids <= b + 0.1)
    free = db[~speaking]
    if score is None:  # a music file: its level is all there is to go by
        share = float(np.mean(free > MUSIC_DBFS)) if len(free) else 0.0
    else:
        block = round(0.5 / WINDOW_S)  # windows per 0.5 s block
        scores = []
        for first in range(0, len(db) - block + 1, block):
            if speaking[first : first + block].any():
                continue
            a = round(first * WINDOW_S * SAMPLE_RATE)
            scores.append(heard(samples, score, a, a + round(0.5 * SAMPLE_RATE)))
        share = float(np.mean(np.array(scores) >= 0.5)) if scores else 0.0
    return {
        "silence_share": float(np.mean(db < SILENT_DBFS)),
        "music_share": share,
        "music": bool(len(free)) and share >= 0.5,
        "cues": len(cues),
    }


def line_paces(plan: dict[str, Any], records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Words a minute of each spoken line (its text over its WAV's length)."""
    texts = {}
    for shot in plan["shots"]:
        for n, line in enumerate(shot.get("dialogue") or [], start=1):
            texts[line.get("id") or f"{shot['id']}-l{n}"] = line["text"]
    paces = []
    for record in records:
        for artifact in record.get("artifacts") or []:
            meta = artifact.get("metadata") or {}
            if artifact.get("artifact_type") != "dialogue_wav" or meta.get("line_id") not in texts:
                continue
            text = texts[meta["line_id"]]
            seconds = float(meta.get("duration_s") or 0)
            if UNSPACED.search(text) or seconds <= 0:
                continue
            words = len(re.findall(r"\w+(?:['’]\w+)*", text))
            paces.append({"line_id": meta["line_id"], "words": words, "wpm": words * 60 / seconds})
    return paces


def gray_image(path: Path) -> np.ndarray:
    raw = decode(
        [
            "-i",
            str(path),
            "-vf",
            f"scale={FRAME_W}:{FRAME_H}:force_original_aspect_ratio=increase,"
            f"crop={FRAME_W}:{FRAME_H},format=gray",
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
        ]
    )
    return np.frombuffer(raw, dtype=np.uint8).reshape(FRAME_H, FRAME_W).astype(np.float64)


def film_frames(film: Path) -> np.ndarray:
    raw = decode(
        [
            "-i",
            str(film),
            "-vf",
            f"fps={FRAME_FPS},scale={FRAME_W}:{FRAME_H},format=gray",
            "-f",
            "rawvideo",
        ]
    )
    frames = np.frombuffer(raw, dtype=np.uint8).reshape(-1, FRAME_H, FRAME_W)
    return frames.astype(np.float64)


def _camera_moves() -> list[tuple[float, float, float]]:
    """(scale, x shift, y shift in source pixels) of the preview camera's moves."""
    moves = [(float(s), 0.0, 0.0) for s in np.linspace(1.0, 1.18, 7)]
    pan, tilt = FRAME_W * 0.06 / 1.12, FRAME_H * 0.06 / 1.12
    moves += [(1.12, float(dx), 0.0) for dx in np.linspace(-pan, pan, 9)]
    moves += [(1.12, 0.0, float(dy)) for dy in np.linspace(-tilt, tilt, 9)]
    return moves


def warp(image: np.ndarray, scale: float, dx: float, dy: float) -> np.ndarray:
    """The view of `image` zoomed by `scale` about its centre, shifted by (dx, dy)
    (bilinear)."""
    h, w = image.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
    u = np.clip((xs - (w - 1) / 2) / scale + (w - 1) / 2 + dx, 0, w - 1)
    v = np.clip((ys - (h - 1) / 2) / scale + (h - 1) / 2 + dy, 0, h - 1)
    x0, y0 = np.floor(u).astype(int), np.floor(v).astype(int)
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    fx, fy = u - x0, v - y0
    top = image[y0, x0] * (1 - fx) + image[y0, x1] * fx
    bottom = image[y1, x0] * (1 - fx) + image[y1, x1] * fx
    out: np.ndarray = top * (1 - fy) + bottom * fy
    return out


def _centred(x: np.ndarray) -> np.ndarray:
    flat = x.reshape(x.shape[0], -1) if x.ndim == 3 else x.reshape(1, -1)
    out: np.ndarray = flat - flat.mean(axis=1, keepdims=True)
    return out


def double_exposed(frames: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """For each frame, whether it is a mix of `start` and `end` (module doc)."""
    f = _centred(frames)  # (n, p)
    ff = np.einsum("np,np->n", f, f) + 1e-9
    best_mix = np.full(len(f), np.inf)
    best_single = np.full(len(f), np.inf)
    weights_ok = np.zeros(len(f), dtype=bool)
    for move in _camera_moves():
        a = _centred(warp(start, *move))[0]
        b = _centred(warp(end, *move))[0]
        aa, bb, ab = a @ a + 1e-9, b @ b + 1e-9, a @ b
        fa, fb = f @ a, f @ b
        single = np.minimum(1 - fa**2 / (aa * ff), 1 - fb**2 / (bb * ff))
        det = aa * bb - ab**2 + 1e-9
        alpha, beta = (fa * bb - fb * ab) / det, (fb * aa - fa * ab) / det
        mix = 1 - (alpha * fa + beta * fb) / ff
        better = mix < best_mix
        best_mix = np.where(better, mix, best_mix)
        total = np.abs(alpha) + np.abs(beta) + 1e-12
        ok = (alpha > 0) & (beta > 0) & (np.minimum(alpha, beta) / total >= 0.15)
        weights_ok = np.where(better, ok, weights_ok)
        best_single = np.minimum(best_single, single)
    flagged: np.ndarray = weights_ok & (best_single >= 0.03) & (best_mix <= 0.5 * best_single)
    return flagged


def keyframe_paths(plan: dict[str, Any], records: list[dict[str, Any]]) -> list[Path | None]:
    by_step = {
        r["step_id"]: Path(a["local_path"])
        for r in records
        if r.get("stage") == "base_images"
        for a in r.get("artifacts") or []
        if a.get("local_path")
    }
    paths = []
    for i, image in enumerate(plan["base_images"]):
        kf = image.get("id") or f"kf-{i:03d}"
        paths.append(by_step.get(f"image.{kf}"))
    return paths


def lead_in(frames: np.ndarray, first: np.ndarray, extra_s: float) -> float:
    """Seconds before the first shot (a title card), found where the film best matches
    the first keyframe; 0 when the film is no longer than its shots."""
    if extra_s < 0.1:
        return 0.0
    target = _centred(first)[0]
    best, lead = -2.0, 0.0
    for offset in np.arange(0.0, extra_s + 1e-6, 1 / FRAME_FPS):
        k = round(float(offset + 0.3) * FRAME_FPS)
        if k >= len(frames):
            break
        f = _centred(frames[k])[0]
        corr = float(f @ target / (np.linalg.norm(f) * np.linalg.norm(target) + 1e-9))
        if corr > best:
            best, lead = corr, float(offset)
    return lead


def exposure_figures(
    film: Path, plan: dict[str, Any], records: list[dict[str, Any]]
) -> dict[str, Any]:
    frames = film_frames(film)
    paths = keyframe_paths(plan, records)
    if any(p is None for p in paths):
        return {"double_exposure_share": None, "frames_checked": 0}
    keyframes = [gray_image(p) for p in paths if p is not None]
    shots_s = sum(float(s["duration_s"]) for s in plan["shots"])
    lead = lead_in(frames, keyframes[0], len(frames) / FRAME_FPS - shots_s)
    checked = flagged = 0
    t = lead
    for i, shot in enumerate(plan["shots"]):
        a, b = t + SHOT_MARGIN_S, t + float(shot["duration_s"]) - SHOT_MARGIN_S
        t += float(shot["duration_s"])
        picks = [k for k in range(len(frames)) if a <= k / FRAME_FPS <= b]
        if not picks:
            continue
        checked += len(picks)
        start, end = keyframes[i], keyframes[i + 1]
        sa, sb = _centred(start)[0], _centred(end)[0]
        if sa @ sb / (np.linalg.norm(sa) * np.linalg.norm(sb) + 1e-9) > 0.95:
            continue
        flagged += int(double_exposed(frames[picks], start, end).sum())
    return {
        "double_exposure_share": flagged / checked if checked else None,
        "frames_checked": checked,
        "lead_in_s": lead,
    }


@dataclass
class Film:
    id: str
    idea: str
    made_s: float
    duration_s: float
    lines: int
    speakers: int
    paces: list[dict[str, Any]] = field(default_factory=list)
    sound: dict[str, Any] = field(default_factory=dict)
    picture: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.made_s / self.duration_s if self.duration_s else 0.0


def film_duration(film: Path) -> float:
    from sparkle_motion.media.probe import probe

    return float(probe(film).duration_s or 0.0)


def measure_film(entry: dict[str, Any]) -> Film:
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as tmp:
        root = Path(tmp)
        made = make_film(root, entry["idea"])
        film = root / "film.mp4"
        plan = run_plan(root, "film")
        records = step_records(root, "film")
        stats = plan_stats(plan)
        return Film(
            id=entry["id"],
            idea=entry["idea"],
            made_s=made,
            duration_s=film_duration(film),
            lines=stats["lines"],
            speakers=stats["speakers"],
            paces=line_paces(plan, records),
            sound=sound_figures(
                film,
                speech_spans(srt_cues(root / "film.srt"), records),
                expected_score(plan, film_duration(film)),
            ),
            picture=exposure_figures(film, plan, records),
        )


def pick_films(n: int) -> list[dict[str, Any]]:
    dev = load("dev")
    named = [e for e in dev if e.get("named_in_issue")]
    return (named + [e for e in dev if not e.get("named_in_issue")])[:n]


def print_films(films: list[Film]) -> dict[str, Any]:
    print()
    print(f"Part B: {len(films)} preview films (sparkle-motion run IDEA -o film.mp4)")
    head = (
        f"{'idea':<24} {'film s':>6} {'made s':>6} {'ratio':>5} {'lines':>5} {'spk':>3} "
        f"{'wpm mean':>8} {'wpm max':>7} {'silence':>7} {'music':>5} {'dbl exp':>7}"
    )
    print(head)
    print("-" * len(head))
    for f in films:
        wpms = [p["wpm"] for p in f.paces]
        mean = f"{sum(wpms) / len(wpms):>8.0f}" if wpms else f"{'-':>8}"
        top = f"{max(wpms):>7.0f}" if wpms else f"{'-':>7}"
        dx = f.picture.get("double_exposure_share")
        print(
            f"{f.id[:24]:<24} {f.duration_s:>6.1f} {f.made_s:>6.1f} {f.ratio:>5.2f} {f.lines:>5} "
            f"{f.speakers:>3} {mean} {top} {f.sound['silence_share']:>7.0%} "
            f"{'yes' if f.sound['music'] else 'no':>5} "
            f"{(f'{dx:.0%}' if dx is not None else '-'):>7}"
        )
    all_wpm = [p["wpm"] for f in films for p in f.paces]
    shares = [
        f.picture["double_exposure_share"]
        for f in films
        if f.picture.get("double_exposure_share") is not None
    ]
    means = {
        "films": len(films),
        "film_s_mean": float(np.mean([f.duration_s for f in films])),
        "made_s_mean": float(np.mean([f.made_s for f in films])),
        "ratio_total": sum(f.made_s for f in films) / sum(f.duration_s for f in films),
        "wpm_mean": float(np.mean(all_wpm)) if all_wpm else None,
        "wpm_max": max(all_wpm) if all_wpm else None,
        "lines_over_goal": sum(1 for w in all_wpm if w > WPM_GOAL),
        "lines_paced": len(all_wpm),
        "silence_mean": float(np.mean([f.sound["silence_share"] for f in films])),
        "music_films": sum(1 for f in films if f.sound["music"]),
        "double_exposure_mean": float(np.mean(shares)) if shares else None,
        "two_speaker_films": sum(1 for f in films if f.speakers >= 2),
    }
    print("-" * len(head))
    wpm = (
        f"{means['wpm_mean']:.0f} mean, {means['wpm_max']:.0f} max, {means['lines_over_goal']} "
        f"of {means['lines_paced']} lines over {WPM_GOAL:g}"
        if all_wpm
        else "-"
    )
    dx_mean = means["double_exposure_mean"]
    print(f"means over {len(films)} films:")
    print(f"  film length / made in    {means['film_s_mean']:.1f} s / {means['made_s_mean']:.1f} s")
    print(f"  made / film duration     {means['ratio_total']:.2f} (all films together)")
    print(f"  words a minute           {wpm}")
    print(f"  silence share            {means['silence_mean']:.0%}")
    print(f"  films with music         {means['music_films']} of {len(films)}")
    print(f"  films with >= 2 speakers {means['two_speaker_films']} of {len(films)}")
    print(f"  double-exposure frames   {f'{dx_mean:.0%}' if dx_mean is not None else '-'}")
    return means


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--films", type=int, default=10, help="films to make (0: none)")
    parser.add_argument("--seed", type=int, default=None, help="planner seed (default: as plan)")
    parser.add_argument("--json", type=Path, default=None, help="also write every number here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-plans-") as home:
        os.environ.update({"SPARKLE_HOME": home, "SPARKLE_DOTENV": ""})
        import sparkle_motion

        print(f"sparkle_motion from {Path(sparkle_motion.__file__).parent}, {os.cpu_count()} cores")
        started = time.perf_counter()
        results = plan_corpus(args.seed)
        took = time.perf_counter() - started
    figures = plan_figures(results)
    print_plans(figures)
    n_ideas = sum(len(rows) for rows in results.values())
    print(f"\n({n_ideas} ideas planned in {took:.1f} s)")
    films = []
    for entry in pick_films(max(0, args.films)):
        films.append(measure_film(entry))
    means = print_films(films) if films else {}
    if args.json is not None:
        report = {
            "plans": figures,
            "plan_rows": [
                {
                    "corpus": corpus,
                    "id": row["entry"]["id"],
                    "kept": _kept(row),
                    "error": row.get("error"),
                    "title": row.get("plan", {}).get("title"),
                    "lines": row.get("stats", {}).get("line_texts"),
                }
                for corpus, rows in results.items()
                for row in rows
            ],
            "films": [asdict(f) | {"ratio": f.ratio} for f in films],
            "film_means": means,
        }
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
