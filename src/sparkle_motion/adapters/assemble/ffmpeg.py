"""assemble_ffmpeg: every shot's clip, every dialogue line, music and subtitles -> one MP4,
in one ffmpeg filter graph (the seed's `assemble_clips`).

The picture: clips in plan order, each fitted to the film's size and held to its shot's
length; a shot's `transition_in` is a cut (nothing between the two shots' frames), a
crossfade or a fade through black, `opts.transition_s` long (0.5 s unless the plan says).
The outgoing shot is held (last frame cloned) through a transition, so every shot starts
at its place on the plan's timeline and the film is exactly as long as the plan. The first
shot's `fade` (or `crossfade`: from nothing) fades the film in from black, as
`opts.fade_in_s` does; `opts.fade_out_s` fades it out. The title and end cards (cards.py)
and the burned subtitles are drawn before the fades, so they fade with the picture.

The sound: every line's WAV at its `start_s` on the timeline, over silence of the film's
length; music (when the plan names a file) looped, at its volume, ducked under speech
with a sidechain compressor. Subtitles (subtitles.py): one cue per line, kept as a sidecar
`.srt` artifact and, when asked, burned in with libass from an escaped `.ass`.

Encode: the seed's canonical flags (`-preset veryslow -crf 18`, AAC 192k, faststart) for
`full`, `ultrafast` for `preview`; bit-exact with a fixed thread count, so a resumed run's film
has the same sha256 as an uninterrupted one. The command and ffmpeg's log go into the
artifact's metadata; with `debug=True` the work folder (graph, .srt, partial output) is
copied to a quarantine folder instead of vanishing.
"""

from __future__ import annotations

import re
import shlex
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ...errors import StageError
from ...media.ffmpeg import FINAL_THREADS, FINAL_X264, deterministic, ffmpeg_cmd
from ...media.fonts import FontFace, missing_font
from ...media.probe import wav_duration
from ...schemas import AssembleStep, RenderProfile, Step
from ...subprocesses import CancelToken, CommandResult, run_command
from ..base import Estimate, Output, Provider, StepJob
from .cards import card_script, card_spans
from .sound import SAMPLE_RATE, sound_graph, sound_inputs
from .subtitles import BURN_FILE, FONTS_DIR, SUBTITLE_FILE, build_ass, build_srt, cues, link_fonts


@dataclass(frozen=True)
class AssembleOptions:
    encode_preset: str = "fast"  # "canonical" | "fast"
    crf: int | None = None
    audio_bitrate_k: int = 192
    timeout_s: float = 1800.0
    retries: int = 0
    debug: bool = False
    quarantine_dir: Path | None = None
    log_dir: Path | None = None  # where a failing ffmpeg's full command and stderr go


@dataclass(frozen=True)
class AssembleResult:
    film: Path
    subtitles: Path | None
    command: CommandResult
    duration_s: float
    fonts: list[str] = field(default_factory=list)  # font families the subtitles use
    cues: int = 0  # subtitle cues (crowded lines share one)
    missing_fonts: list[str] = field(default_factory=list)  # packages that would draw more


def _fit(width: int, height: int, fps: float) -> str:
    return (
        f"fps={fps:g},scale={width}:{height}:force_original_aspect_ratio=decrease,"
        f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p"
    )


def build_filter_graph(
    step: AssembleStep, *, burn_subtitles: bool, fonts_dir: str | None
) -> tuple[str, int]:
    """The filter graph (labels [vout] and [aout]) and the film's length in frames. Inputs
    are the clips in shot order, then the line WAVs in `dialogue` order, then music. With
    `burn_subtitles`, the work folder's `.ass` (subtitles and cards) is burned in when the
    step has lines or cards."""
    fps, width, height = step.fps, step.width, step.height
    opts = step.opts
    parts: list[str] = []
    total = 0.0
    # Each shot is exactly N_i frames. A transition into shot i (M_i frames) is rendered on
    # its own: shot i-1's last frame held for M_i frames dissolving into shot i's first M_i
    # frames; then every piece is concatenated once. (Chaining xfade over the growing film
    # copies every earlier frame again at each transition: quadratic, 4x slower here.)
    # shot boundaries rounded on the cumulative timeline, so rounding never drifts
    ends = [
        round(sum(s.duration_s for s in step.shots[: i + 1]) * fps) for i in range(len(step.shots))
    ]
    n_frames = [max(1, end - (ends[i - 1] if i else 0)) for i, end in enumerate(ends)]
    m_frames = [0] * len(step.shots)
    kinds = [""] * len(step.shots)
    for i, shot in enumerate(step.shots[1:], start=1):
        t = min(opts.transition_s, step.shots[i - 1].duration_s, shot.duration_s)
        if shot.transition_in != "cut" and t > 0:
            m_frames[i] = min(max(1, round(t * fps)), n_frames[i], n_frames[i - 1])
            kinds[i] = "fade" if shot.transition_in == "crossfade" else "fadeblack"
    norm = "setpts=PTS-STARTPTS,settb=AVTB"
    segments: list[str] = []
    for i, shot in enumerate(step.shots):
        n, head = n_frames[i], m_frames[i]
        tail = m_frames[i + 1] if i + 1 < len(step.shots) else 0
        outs = [f"b{i}"] + ([f"hd{i}"] if head else []) + ([f"tl{i}"] if tail else [])
        parts.append(
            f"[{i}:v]{_fit(width, height, fps)},tpad=stop_mode=clone:stop_duration={shot.duration_s:.4f},"
            f"trim=end_frame={n},{norm}"
            + (f",split={len(outs)}" if len(outs) > 1 else "")
            + "".join(f"[{o}]" for o in outs)
        )
        if head:
            parts.append(f"[hd{i}]trim=end_frame={head},{norm}[hh{i}]")
            parts.append(
                f"[tail{i - 1}][hh{i}]xfade=transition={kinds[i]}:duration={head / fps:.4f}:offset=0[x{i}]"
            )
            segments.append(f"[x{i}]")
        if tail:
            parts.append(
                f"[tl{i}]trim=start_frame={n - 1},{norm},tpad=stop_mode=clone:stop_duration={tail / fps:.4f},"
                f"trim=end_frame={tail},{norm}[tail{i}]"
            )
        if n - head > 0:
            parts.append(f"[b{i}]trim=start_frame={head},{norm}[s{i}]")
            segments.append(f"[s{i}]")
        else:
            parts.append(f"[b{i}]nullsink")
    acc = "film"
    # timestamps renumbered after concat: a one-frame piece would otherwise get no duration
    parts.append(
        f"{''.join(segments)}concat=n={len(segments)}:v=1:a=0,settb=AVTB,"
        f"setpts=N/({fps:g}*TB)[{acc}]"
    )
    total = sum(n_frames) / fps
    finish = []
    if burn_subtitles and (step.dialogue or card_spans(step)):
        # the ass file's name and fonts folder are ours, relative to the work folder: no
        # plan text reaches the filter graph (it would need escaping for it)
        if fonts_dir is not None and not re.fullmatch(r"[A-Za-z0-9_.-]+", fonts_dir):
            raise ValueError(f"fonts_dir must be a plain folder name, got {fonts_dir!r}")
        fonts = f":fontsdir={fonts_dir}" if fonts_dir else ""
        finish.append(f"ass=filename={BURN_FILE}{fonts}")
    fade_in = opts.fade_in_s
    if step.shots[0].transition_in != "cut":  # the first shot fades in from black
        fade_in = max(fade_in, opts.transition_s)
    if fade_in > 0:
        finish.append(f"fade=t=in:st=0:d={min(fade_in, total):.4f}")
    if opts.fade_out_s > 0:
        d = min(opts.fade_out_s, total)
        finish.append(f"fade=t=out:st={total - d:.4f}:d={d:.4f}")
    finish.append("format=yuv420p")
    parts.append(f"[{acc}]{','.join(finish)}[vout]")
    parts += sound_graph(step, total, first_input=len(step.shots), duck_db=opts.duck_db)
    return ";".join(parts), round(total * fps)


def assemble_clips(
    step: AssembleStep,
    clips: list[Path],
    audio: list[Path],
    out_path: Path,
    opts: AssembleOptions,
    *,
    music: Path | None = None,
    workdir: Path | None = None,
    cancel: CancelToken | None = None,
) -> AssembleResult:
    """Build the film at `out_path` (and `film.srt` beside it when subtitles are on)."""
    if len(clips) != len(step.shots):
        raise ValueError(f"{len(step.shots)} shots need {len(step.shots)} clips, got {len(clips)}")
    if len(audio) != len(step.dialogue):
        raise ValueError(f"{len(step.dialogue)} lines need as many WAVs, got {len(audio)}")
    if (step.music is None) != (music is None):
        raise ValueError("music must be given exactly when the step names a music source")
    workdir = workdir or out_path.parent
    srt = None
    durations = [wav_duration(a) for a in audio] if step.dialogue else []
    timed = cues(step, durations)
    if step.opts.subtitles or step.opts.burn_subtitles:
        srt = workdir / SUBTITLE_FILE
        srt.write_text(build_srt(step, durations), encoding="utf-8")
    fonts_dir: str | None = None
    faces: list[FontFace] = []
    missing: list[str] = []
    burn_lines = step.opts.burn_subtitles and bool(step.dialogue)
    cards = card_script(step)  # drawn whether or not the subtitles are burned in
    burn = burn_lines or bool(cards[1])
    if burn:
        script, faces = build_ass(step, durations, dialogue=burn_lines, cards=cards)
        (workdir / BURN_FILE).write_text(script, encoding="utf-8")
        linked = link_fonts(faces, workdir / FONTS_DIR)
        fonts_dir = FONTS_DIR if linked else None
    if burn_lines:
        missing = sorted({m for cue in timed if (m := missing_font(cue.text))})
    graph, frames = build_filter_graph(step, burn_subtitles=burn, fonts_dir=fonts_dir)
    total = frames / step.fps
    video = list(FINAL_X264[opts.encode_preset])
    if opts.crf is not None:
        video[video.index("-crf") + 1] = str(opts.crf)
    inputs: list[str] = []
    for p in [*clips, *audio]:
        inputs += ["-i", str(p)]
    if music is not None:
        inputs += ["-stream_loop", "-1", "-i", str(music)]
    inputs += sound_inputs(step, workdir, total)  # after music: what sound_graph adds
    cmd = ffmpeg_cmd(
        *inputs, "-filter_complex", graph, "-map", "[vout]", "-map", "[aout]",
        *video, "-r", f"{step.fps:g}", "-frames:v", str(frames),
        "-c:a", "aac", "-b:a", f"{opts.audio_bitrate_k}k", "-ar", str(SAMPLE_RATE),
        *deterministic(FINAL_THREADS), "-movflags", "+faststart", "-t", f"{total:.4f}", "-f", "mp4", str(out_path),
    )  # fmt: skip
    (workdir / "ffmpeg_command.txt").write_text(shlex.join(cmd) + "\n", encoding="utf-8")
    try:
        result = run_command(
            cmd,
            cwd=workdir,
            timeout_s=opts.timeout_s,
            retries=opts.retries,
            step_id=step.id,
            cancel=cancel,
            log_dir=opts.log_dir,
        )
    except StageError as exc:
        where = _quarantine(workdir, step.id, opts)
        if where:
            exc.context["quarantine"] = str(where)
        raise
    _quarantine(workdir, step.id, opts)
    return AssembleResult(
        film=out_path,
        subtitles=srt if step.opts.subtitles else None,
        command=result,
        duration_s=total,
        fonts=sorted({f.family for f in faces}),
        missing_fonts=missing,
        cues=len(timed),
    )


def _quarantine(workdir: Path, step_id: str, opts: AssembleOptions) -> Path | None:
    """With `debug`, keep a copy of the work folder (temp outputs, graph, .srt). A copy that
    cannot be made (a full disk) never hides the step's own result or error."""
    if not opts.debug or opts.quarantine_dir is None:
        return None
    dest = opts.quarantine_dir / f"{step_id}-{time.strftime('%Y%m%dT%H%M%S')}-{time.monotonic_ns()}"
    try:
        shutil.copytree(workdir, dest, symlinks=True)  # font links stay links
    except OSError:
        shutil.rmtree(dest, ignore_errors=True)
        return None
    return dest


def options_for(step: AssembleStep, profile: RenderProfile) -> AssembleOptions:
    from ...config import get_settings

    settings = get_settings()
    preset = step.opts.encode_preset or profile.encode_preset
    if preset not in FINAL_X264:
        preset = "fast"
    seconds = sum(shot.duration_s for shot in step.shots)
    per_second = 4.0 if preset == "canonical" else 0.5  # encode time per film second, 720p
    scale = step.width * step.height / 921600
    return AssembleOptions(
        # generous: a deterministic encode that ran this long will not finish on a retry
        timeout_s=max(600.0, 4 * seconds * per_second * max(1.0, scale)),
        retries=0,
        encode_preset=preset,
        crf=step.opts.crf,
        audio_bitrate_k=step.opts.audio_bitrate_k,
        debug=settings.debug,
        quarantine_dir=Path(settings.runs_dir) / "quarantine",
    )


def spoken(job: StepJob) -> dict[str, list[dict[str, Any]]]:
    """What the film's lines and shots are made of, from the upstream outputs' metadata:
    each line (`lines`: who spoke it, in what voice, watermarked or not) and each lip-sync
    shot (`lipsync`: done, or why not). The finalize manifest carries both."""
    step = job.step
    assert isinstance(step, AssembleStep)

    def ref_of(input_ref: str) -> Any:
        refs = job.upstream.get(input_ref.removeprefix("@")) or []
        return refs[0] if refs else None

    lines = []
    for line in step.dialogue:
        ref = ref_of(line.audio)
        if ref is None:
            continue
        meta = ref.metadata
        chosen = meta.get("tts_stage") or {}
        lines.append(
            {
                "line_id": line.line_id,
                "character": line.character,
                # what spoke (espeak-ng when piper was missing), else the stage's choice
                "provider": meta.get("provider") or chosen.get("provider"),
                "voice_id": meta.get("voice_id"),
                "uri": ref.uri,
                "duration_s": meta.get("duration_s"),
                "watermarked": bool(meta.get("watermarked", False)),
            }
        )
    lipsync = []
    for shot in step.shots:
        ref = ref_of(shot.clip)
        if ref is None:
            continue
        if ref.artifact_type != "lipsync_mp4":  # no lip-sync step: nobody speaks on screen
            lipsync.append(
                {
                    "shot_id": shot.shot_id,
                    "lipsynced": False,
                    "reason": "no speaker on screen (no lines, or only off-screen ones)",
                    "face": None,
                    "uri": ref.uri,
                }
            )
            continue
        lipsync.append(
            {
                "shot_id": shot.shot_id,
                "lipsynced": bool(ref.metadata.get("lipsynced", False)),
                "reason": ref.metadata.get("reason"),
                "face": ref.metadata.get("face"),
                "uri": ref.uri,
            }
        )
    return {"lines": lines, "lipsync": lipsync}


class AssembleFfmpeg(Provider):
    name = "ffmpeg"
    # 2: subtitles burned from an escaped .ass, a font per line; 3: title and end cards,
    # cues of at least 1.2 s naming their speakers, the first shot's fade; 4: the score's
    # arrangement, ambience levels, a bounded sidechain pad
    version = "4"
    model_id = None
    capabilities = frozenset({"assembly"})

    def run(self, job: StepJob) -> list[Output]:
        step = job.step
        assert isinstance(step, AssembleStep)
        opts = options_for(step, job.context.render_profile)
        if opts.quarantine_dir is not None:  # beside it: <runs_dir>/logs/<run_id>/
            opts = replace(opts, log_dir=opts.quarantine_dir.parent / "logs" / job.context.run_id)
        work = job.workdir
        out = work / "film.mp4"
        result = assemble_clips(
            step,
            [job.inputs[s.clip] for s in step.shots],
            [job.inputs[d.audio] for d in step.dialogue],
            out,
            opts,
            music=job.inputs[step.music.source] if step.music else None,
            workdir=work,
            cancel=job.cancel,
        )
        meta = {
            "duration_s": result.duration_s,
            "encode_preset": opts.encode_preset,
            "ffmpeg": result.command.log(),
            "filter_graph_chars": len(
                result.command.command[result.command.command.index("-filter_complex") + 1]
            ),
        }
        meta.update(spoken(job))
        if result.fonts:
            meta["subtitle_fonts"] = result.fonts
        if result.missing_fonts:  # drawn as empty boxes: `make setup` installs these
            meta["missing_fonts"] = result.missing_fonts
        outputs = [
            Output(
                name="film.mp4",
                data=out,
                mime_type="video/mp4",
                artifact_type="assembled_mp4",
                metadata=meta,
            )
        ]
        if result.subtitles is not None:
            outputs.append(
                Output(
                    name=SUBTITLE_FILE,
                    data=result.subtitles,
                    mime_type="application/x-subrip",
                    artifact_type="subtitles_srt",
                    metadata={"cues": result.cues},
                )
            )
        return outputs

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        seconds = sum(s.duration_s for s in getattr(step, "shots", []))
        rate = 0.45 if (profile.encode_preset or "fast") == "fast" else 4.0
        return Estimate(
            time_s=1.0 + seconds * rate * profile.width * profile.height / 921600,
            peak_memory_mb=400.0,
        )
