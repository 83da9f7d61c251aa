"""A stand-in for the `chatterbox` package (chatterbox-tts lives in .venv-chatterbox, which
CI does not build: about 6 GB of CUDA wheels). It honours the interface the adapter uses,
`ChatterboxTTS.from_local(ckpt_dir, device)` (reading nothing but checking the files the
real one reads), `.sr`, `.conds`, `.generate(text, audio_prompt_path=, exaggeration=,
cfg_weight=)` -> a (1, n) float tensor drawn from torch's generator, and the multilingual
class with `language_id`; and it says it is one (`STAND_IN`, and its module's name in the
output's `engine`). `install()` puts it in sys.modules; `uninstall()` takes it out."""

from __future__ import annotations

import sys
import types
from pathlib import Path

STAND_IN = True
SR = 24000


class ChatterboxTTS:
    """Stand-in for chatterbox.tts.ChatterboxTTS (not the model)."""

    FILES = ("ve.safetensors", "t3_cfg.safetensors", "s3gen.safetensors", "tokenizer.json")
    STAND_IN = True

    def __init__(self, device: str, conds: object | None) -> None:
        self.sr, self.device, self.conds = SR, device, conds
        self.calls: list[dict] = []

    @classmethod
    def from_local(cls, ckpt_dir, device):
        folder = Path(ckpt_dir)
        for name in cls.FILES:
            (folder / name).stat()  # FileNotFoundError, as torch/safetensors would raise
        return cls(device, "built-in" if (folder / "conds.pt").exists() else None)

    def generate(self, text, audio_prompt_path=None, exaggeration=0.5, cfg_weight=0.5, **more):
        import torch

        if audio_prompt_path is None:
            assert self.conds is not None, "Please `prepare_conditionals` first"
        else:  # as the real one: the clip's voice replaces the loaded conditionals
            self.conds = ("clone", str(audio_prompt_path))
        self.calls.append(
            {"text": text, "audio_prompt_path": audio_prompt_path, "exaggeration": exaggeration,
             "cfg_weight": cfg_weight, "conds": self.conds, **more}
        )  # fmt: skip
        seconds = 0.2 + 0.06 * len(text)
        return 0.1 * torch.randn(1, int(seconds * self.sr))


class ChatterboxMultilingualTTS(ChatterboxTTS):
    """Stand-in for chatterbox.mtl_tts.ChatterboxMultilingualTTS (not the model)."""

    FILES = (
        "ve.pt",
        "t3_mtl23ls_v2.safetensors",
        "s3gen.pt",
        "grapheme_mtl_merged_expanded_v1.json",
    )

    def generate(self, text, language_id, audio_prompt_path=None, **options):
        return super().generate(text, audio_prompt_path, language_id=language_id, **options)


def install() -> None:
    package = types.ModuleType("chatterbox")
    package.STAND_IN = True  # type: ignore[attr-defined]
    tts = types.ModuleType("chatterbox.tts")
    tts.ChatterboxTTS = ChatterboxTTS  # type: ignore[attr-defined]
    mtl = types.ModuleType("chatterbox.mtl_tts")
    mtl.ChatterboxMultilingualTTS = ChatterboxMultilingualTTS  # type: ignore[attr-defined]
    package.tts, package.mtl_tts = tts, mtl  # type: ignore[attr-defined]
    sys.modules.update({"chatterbox": package, "chatterbox.tts": tts, "chatterbox.mtl_tts": mtl})


def uninstall() -> None:
    for name in ("chatterbox", "chatterbox.tts", "chatterbox.mtl_tts"):
        sys.modules.pop(name, None)


def weights(folder: Path, classes=(ChatterboxTTS,)) -> Path:
    """A folder with the files the class reads (placeholder bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    for cls in classes:
        for name in cls.FILES:
            (folder / name).write_bytes(b"stand-in weights")
    return folder
