"""`wav2lip`: the speaker's mouth moved to the shot's dialogue, with Wav2Lip's model and
inference code from the `lipsync` package (MIT). That package pins av<15 and librosa<0.11,
so it lives in the lipsync_wav2lip tool's own environment (`.venv-lipsync`, `make
setup-lipsync`); in any other environment this adapter says so (MissingDependencyError).

Weights: `LIPSYNC_WAV2LIP_MODEL`, a Wav2Lip checkpoint (a state dict: the package's
`wav2lip.pth` or `wav2lip_gan.pth`), or a folder holding them; `opts.checkpoint` picks one
by file name inside that folder (never another path). Face detector: `LIPSYNC_FACE_DET_PATH`,
S3FD weights (`s3fd.pth`; face_alignment's detector, loaded from that file, never
downloaded).

Which face: the step's `opts.box` (pixels of the clip: top, bottom, left, right; from the
shot's `face_box`) when given; else S3FD on every frame (frames without a face borrow the
nearest frame's box); else, with neither a box nor detector weights, or when no frame holds
a face, the shot is passed through with its dialogue muxed (as `audio_mux` does) and
recorded `lipsynced: false` with the reason: a shot without a visible face never fails
the film.

Options, the plan's names to Wav2Lip's: `box` -> `box` ([y1, y2, x1, x2]); `pads` ->
`pads` (top, bottom, left, right, added around the box, given or detected); `nosmooth` ->
`nosmooth` (detected boxes are averaged over the next 5 frames unless it is set, as
Wav2Lip does); `fps` -> `fps` (a still face only: a clip keeps its own); `gpu_index` -> the
device (`cuda:<i>`). `resize_factor` and `crop` are recorded but change nothing: the
package declares them and never reads them. The result has the clip's frame count and
rate (Wav2Lip writes a frame per audio chunk: the speech it hears is padded with 0.25 s of
silence, and the last frame is held should it still come up short) and the shot's dialogue
(48 kHz AAC) at its offsets.

The model is loaded once for the stage (`gpu_utils.model_context`) and handed to each
call; Wav2Lip's temporary files go in the step's scratch folder, and the ffmpeg it shells
out to is ours (FFMPEG_PATH or imageio-ffmpeg's), on PATH for it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ...config import get_settings
from ...errors import MissingDependencyError, MissingWeightsError, PermanentStageError
from ...media.ffmpeg import INTERMEDIATE_X264, ffmpeg_cmd, ffmpeg_exe
from ...media.probe import probe
from ...schemas import LipsyncStep, RenderProfile, Step
from ...subprocesses import run_command
from ..base import Estimate, Output, Provider, StepJob
from ..gpu_utils import ModelAdapter, inference, metrics_of, model_context
from .audio_mux import AudioMux, dialogue_filter, line_offsets, mux_dialogue

INSTALL = "make setup-lipsync (the lipsync_wav2lip tool's own environment)"
CHECKPOINTS = ("wav2lip_gan.pth", "wav2lip.pth")
SPEECH_PAD_S = 0.25  # silence after the shot's speech: Wav2Lip's last chunks need audio
_PATH_LOCK = threading.Lock()


def _lipsync() -> Any:
    try:
        import lipsync
    except ImportError as exc:
        raise MissingDependencyError(
            f"wav2lip needs the lipsync package, which lives in .venv-lipsync: {INSTALL}; "
            "`sparkle-motion serve` then runs it in the lipsync_wav2lip tool",
            context={"install": INSTALL},
        ) from exc
    return lipsync


def checkpoint_path(opts_checkpoint: str | None) -> Path:
    """The checkpoint file: LIPSYNC_WAV2LIP_MODEL (a file, or a folder holding
    wav2lip_gan.pth / wav2lip.pth), `opts.checkpoint` naming a file in that folder."""
    given = get_settings().lipsync_wav2lip_model
    env = "LIPSYNC_WAV2LIP_MODEL"
    if given is None:
        raise MissingWeightsError(
            f"{env} is not set: the Wav2Lip checkpoint is a local file (never downloaded)",
            context={"env": env},
        )
    path = Path(given)
    folder = path if path.is_dir() else path.parent
    if opts_checkpoint:
        if Path(opts_checkpoint).name != opts_checkpoint:
            raise PermanentStageError(
                f"opts.checkpoint: a file name in {env}'s folder, got {opts_checkpoint!r}",
                context={"field": "opts.checkpoint"},
            )
        path = folder / opts_checkpoint
    elif path.is_dir():
        path = next((path / n for n in CHECKPOINTS if (path / n).is_file()), path / CHECKPOINTS[1])
    if not path.is_file():
        raise MissingWeightsError(
            f"{env}={given}: no checkpoint {path.name} (a Wav2Lip state dict: "
            f"{' or '.join(CHECKPOINTS)})",
            context={"env": env, "missing": [path.name]},
        )
    return path


def _ffmpeg_on_path() -> None:
    """Wav2Lip runs `ffmpeg` from PATH: make it ours, once per process."""
    with _PATH_LOCK:
        ours = Path(ffmpeg_exe())
        found = shutil.which("ffmpeg")
        if found is not None and Path(found).resolve() == ours.resolve():
            return
        folder = Path(tempfile.mkdtemp(prefix="sparkle-ffmpeg-"))
        (folder / "ffmpeg").symlink_to(ours)
        os.environ["PATH"] = f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"


def detect_boxes(frames: list[Any], weights: Path, device: str) -> list[tuple[int, ...] | None]:
    """S3FD's most confident face per frame as (top, bottom, left, right), or None."""
    from face_alignment.detection.sfd.sfd_detector import SFDDetector

    detector = SFDDetector(device, path_to_detector=str(weights))
    found: list[tuple[int, ...] | None] = []
    for frame in frames:
        # frames are BGR (as read); face_alignment's S3FD wants RGB (it flips to BGR itself)
        faces = detector.detect_from_image(frame[..., ::-1].copy())
        if len(faces) == 0:
            found.append(None)
            continue
        x1, y1, x2, y2, _score = max(faces, key=lambda f: f[-1])
        found.append((max(0, int(y1)), int(y2), max(0, int(x1)), int(x2)))
    return found


def fill_gaps(boxes: list[tuple[int, ...] | None]) -> list[tuple[int, ...]] | None:
    """Each frame's box, a frame without one taking the nearest frame's; None when no frame
    has one."""
    known = [i for i, b in enumerate(boxes) if b is not None]
    if not known:
        return None
    return [boxes[min(known, key=lambda k: (abs(k - i), k))] for i in range(len(boxes))]  # type: ignore[misc]


def smoothed(boxes: list[tuple[int, ...]], window: int = 5) -> list[tuple[int, ...]]:
    """Each box the mean of itself and the next `window - 1` (Wav2Lip's smoothing)."""
    out = []
    for i in range(len(boxes)):
        part = boxes[i : i + window]
        out.append(tuple(round(sum(b[k] for b in part) / len(part)) for k in range(4)))
    return out


class Wav2Lip(ModelAdapter, Provider):
    name = "wav2lip"
    capabilities = frozenset({"lipsync"})
    tier = "full"  # model weights, a GPU: falls back to a preview backend only if asked
    version = "1"

    @property
    def model_id(self) -> str | None:
        """The checkpoint and the face detector (a shot passed through for want of one is
        lip-synced once one is set: another key)."""
        try:
            path = checkpoint_path(None)
        except (MissingWeightsError, PermanentStageError):
            return None
        found = f"{path.name}@{path.stat().st_size}"
        detector = get_settings().lipsync_face_det_path
        if detector is not None and Path(detector).is_file():
            found += f"+{Path(detector).name}@{Path(detector).stat().st_size}"
        return found

    def check_weights(self, profile: RenderProfile | None = None) -> None:
        """The checkpoint (and the face detector, when one is named) are there: what a run
        can know before its tool starts."""
        checkpoint_path(None)
        detector = get_settings().lipsync_face_det_path
        if detector is not None and not Path(detector).is_file():
            raise MissingWeightsError(
                f"LIPSYNC_FACE_DET_PATH={detector}: no such file (S3FD weights, s3fd.pth)",
                context={"env": "LIPSYNC_FACE_DET_PATH"},
            )

    def preflight(self, profile: RenderProfile) -> None:
        self.check_weights(profile)
        _lipsync()

    def _model(self, checkpoint: Path, device: str) -> Any:
        def load(weights: str, **_options: Any) -> Any:
            import torch
            from lipsync.models import Wav2Lip as Network

            model = Network()
            state = torch.load(weights, map_location="cpu", weights_only=True)
            model.load_state_dict(state)
            return model.eval()

        def enter(stack: contextlib.ExitStack) -> dict[str, Any]:
            model = stack.enter_context(
                model_context("wav2lip", checkpoint, loader=load, device=device, on_event=self._say)
            )
            return {"model": model}

        return self.held.ensure((checkpoint, device), enter)["model"]

    def _faces(
        self, job: StepJob, clip: Path, count: int, device: str
    ) -> tuple[list[Any] | None, str]:
        """Each frame's face box and how it was found, or None and why not."""
        step = job.step
        assert isinstance(step, LipsyncStep)
        if step.opts.box is not None:
            return [tuple(step.opts.box)] * max(1, count), "given (opts.box)"
        weights = get_settings().lipsync_face_det_path
        if weights is None:
            return None, (
                "no face box (the shot's face_box, or opts.box) and no face detector weights "
                "(LIPSYNC_FACE_DET_PATH)"
            )
        if not Path(weights).is_file():
            raise MissingWeightsError(
                f"LIPSYNC_FACE_DET_PATH={weights}: no such file (S3FD weights, s3fd.pth)",
                context={"env": "LIPSYNC_FACE_DET_PATH"},
            )
        _lipsync()  # the detector comes with it
        from lipsync.helpers import read_frames

        frames, _fps = read_frames(str(clip))
        boxes = fill_gaps(detect_boxes(frames, Path(weights), device))
        if boxes is None:
            return None, "no face found in any frame of the shot (S3FD)"
        return (boxes if step.opts.nosmooth else smoothed(boxes)), "detected"

    def run(self, job: StepJob) -> list[Output]:
        step = job.step
        assert isinstance(step, LipsyncStep)
        settings = get_settings()
        opts = step.opts
        clip = job.inputs[step.face_video]
        info = probe(clip)
        device = "cpu"
        if (job.context.render_profile.device or "cpu").startswith("cuda"):
            import torch

            if torch.cuda.is_available():
                device = f"cuda:{opts.gpu_index or 0}"
        checkpoint = checkpoint_path(opts.checkpoint)
        boxes, how = self._faces(job, clip, info.frames or 0, device)
        if boxes is None:
            return self._pass_through(job, how)
        lipsync = _lipsync()
        with self._lock:
            self._begin(job)
            try:
                model = self._model(checkpoint, device)
                started = time.perf_counter()
                raw = self._sync(job, lipsync, model, clip, info.duration_s, boxes, device)
                took = time.perf_counter() - started
            finally:
                self._end()
            events = [[name, fields] for name, fields in self.events]
            metrics = metrics_of(self.events)
        out = job.workdir / "lipsync.mp4"
        rate = info.frame_rate or job.context.render_profile.fps
        frames = info.frames or max(1, round(info.duration_s * rate))
        # Wav2Lip writes a frame per audio chunk: the speech is padded so there are enough,
        # and the last frame held should it still come up short; then exactly the clip's
        video = [
            "-vf", f"tpad=stop_mode=clone:stop={frames}", "-frames:v", str(frames),
            "-r", f"{rate:g}", *INTERMEDIATE_X264,
        ]  # fmt: skip
        result = mux_dialogue(job, raw, out, info.duration_s, video)
        return [
            Output(
                name=f"{step.shot_id or step.id}.mp4",
                data=out,
                mime_type="video/mp4",
                artifact_type="lipsync_mp4",
                metadata={
                    "lipsynced": True,
                    "face": how,
                    "checkpoint": checkpoint.name,
                    "detector": (
                        Path(settings.lipsync_face_det_path).name
                        if how == "detected" and settings.lipsync_face_det_path
                        else None
                    ),
                    "options": {
                        "pads": list(opts.pads),
                        "resize_factor": opts.resize_factor,
                        "nosmooth": opts.nosmooth,
                        "crop": list(opts.crop),
                        "box": list(opts.box) if opts.box else None,
                        "fps": rate,
                    },
                    "device": device,
                    "line_offsets_s": line_offsets(job),
                    "inference_s": round(took, 3),
                    "events": events,
                    "metrics": metrics,
                    "ffmpeg": result.log(),
                },
            )
        ]

    def _sync(
        self,
        job: StepJob,
        lipsync: Any,
        model: Any,
        clip: Path,
        duration_s: float,
        boxes: list[Any],
        device: str,
    ) -> Path:
        """Wav2Lip over the clip and the shot's dialogue (16 kHz mono); its raw MP4."""
        step = job.step
        assert isinstance(step, LipsyncStep)
        opts = step.opts
        work = job.workdir
        _ffmpeg_on_path()
        speech = work / "speech.wav"  # the shot's dialogue at its offsets, as Wav2Lip reads it
        inputs, mix = dialogue_filter(job, 0, duration_s + SPEECH_PAD_S)
        run_command(
            ffmpeg_cmd(*inputs, "-filter_complex", mix, "-map", "[a]", "-ac", "1",
                       "-ar", "16000", "-c:a", "pcm_s16le", str(speech)),
            cwd=work, timeout_s=60, step_id=step.id, cancel=job.cancel,
        )  # fmt: skip

        class Held(lipsync.LipSync):
            """The package's inference with our model, our boxes and our scratch folder."""

            def _load_model_for_inference(self) -> Any:
                return model

            def create_temp_file(self, ext: str) -> str:
                handle, name = tempfile.mkstemp(suffix=f".{ext}", dir=work)
                os.close(handle)
                return name

            def _get_face_detections(self, frames: list[Any]) -> list[Any]:
                top, bottom, left, right = opts.pads
                h, w = frames[0].shape[:2]
                found = []
                for i, frame in enumerate(frames):  # a frame past the boxes takes the last
                    y1, y2, x1, x2 = boxes[min(i, len(boxes) - 1)]
                    y1, y2 = max(0, y1 - top), min(h, y2 + bottom)
                    x1, x2 = max(0, x1 - left), min(w, x2 + right)
                    if y2 - y1 < 2 or x2 - x1 < 2:
                        raise PermanentStageError(
                            f"{step.id}: the face box with opts.pads leaves no face in the "
                            f"{w}x{h} frame (rows {y1}..{y2}, columns {x1}..{x2})",
                            step_id=step.id,
                            context={"field": "opts.box"},
                        )
                    found.append([frame[y1:y2, x1:x2], (y1, y2, x1, x2)])
                return found

        raw = work / "wav2lip.mp4"
        with inference("wav2lip", device, self._say):
            Held(
                checkpoint_path="",
                device=device,  # cuda:<gpu_index>: where the model is
                pads=list(opts.pads),
                resize_factor=opts.resize_factor,
                nosmooth=opts.nosmooth,
                fps=opts.fps or 25.0,
                save_cache=False,
                ffmpeg_loglevel="error",
            ).sync(str(clip), str(speech), str(raw))
        return raw

    def _pass_through(self, job: StepJob, reason: str) -> list[Output]:
        (muxed,) = AudioMux().run(job)
        meta = {**muxed.metadata, "lipsynced": False, "reason": reason}
        return [Output(muxed.name, muxed.data, muxed.mime_type, muxed.artifact_type, meta)]

    def estimate(self, step: Step, profile: RenderProfile) -> Estimate:
        # Wav2Lip on 2 CPU cores: about 2.7 s per second of 256x256 video at 25 fps (measured:
        # ../shared/notes/wave2-facts.md), scaled by pixels; on a GPU about a tenth
        seconds = 4.0
        scale = profile.width * profile.height / (256 * 256)
        return Estimate(time_s=2.7 * seconds * scale, peak_memory_mb=2500.0, peak_vram_mb=2000.0)
