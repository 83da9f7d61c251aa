"""Tiny random-weight pipelines anyone can build offline, as diffusers' own tests build
theirs: the real `from_pretrained(local_dir)` and inference code paths of the `full`
profile's adapters, in seconds on a CPU, with no download.

    make_tiny(root, size="test") -> {"sdxl": root/sdxl, "sdxl_refiner": root/sdxl_refiner,
                                     "wan": root/wan}

`test` is as small as the pipelines allow (the tests build it once per session); `bench`
has wider layers so one image takes about a second (the overhead benchmark). Tokenizers
are made in memory (a byte-level vocabulary, no merges); every model is put in `.eval()`
so dropout cannot make the same seed give other pixels. Images from these weights are
noise: they prove the plumbing, not the art.

Imports torch, diffusers and transformers: only the `models make-tiny` command, the tests
and the benchmark load this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from .gpu_utils import quiet_libraries

Size = Literal["test", "bench"]
WIDTHS: dict[str, tuple[int, int]] = {"test": (8, 16), "bench": (64, 128)}


def _byte_vocab() -> dict[str, int]:
    """CLIP's byte-to-unicode alphabet, each character alone and word-final, plus the
    start and end tokens: every text tokenizes without merges."""
    ranges = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    ranges += list(range(ord("®"), ord("ÿ") + 1))
    chars = [chr(b) for b in ranges]
    n = 0
    for b in range(256):
        if b not in ranges:
            chars.append(chr(256 + n))
            n += 1
    vocab: dict[str, int] = {}
    for c in chars:
        vocab[c] = len(vocab)
    for c in chars:
        vocab[c + "</w>"] = len(vocab)
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    return vocab


def _tokenizer() -> Any:
    from transformers import CLIPTokenizer

    return CLIPTokenizer(vocab=_byte_vocab(), merges=[], model_max_length=77)


def _text_encoders(vocab_size: int) -> tuple[Any, Any]:
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    def config() -> Any:
        return CLIPTextConfig(
            bos_token_id=vocab_size - 2,
            eos_token_id=vocab_size - 1,
            pad_token_id=vocab_size - 1,
            hidden_size=32,
            intermediate_size=37,
            layer_norm_eps=1e-05,
            num_attention_heads=4,
            num_hidden_layers=2,
            vocab_size=vocab_size,
            hidden_act="gelu",
            projection_dim=32,
        )

    return CLIPTextModel(config()).eval(), CLIPTextModelWithProjection(config()).eval()


def _unet(size: Size, cross_attention_dim: int, time_input_dim: int) -> Any:
    from diffusers import UNet2DConditionModel

    a, b = WIDTHS[size]
    return UNet2DConditionModel(
        block_out_channels=(a, b),
        layers_per_block=1,
        sample_size=32,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        attention_head_dim=(2, 4),
        use_linear_projection=True,
        addition_embed_type="text_time",
        addition_time_embed_dim=8,
        transformer_layers_per_block=(1, 1),
        projection_class_embeddings_input_dim=time_input_dim,
        cross_attention_dim=cross_attention_dim,
        norm_num_groups=1,
    ).eval()


def _vae(size: Size) -> Any:
    from diffusers import AutoencoderKL

    a, b = WIDTHS[size]
    return AutoencoderKL(
        block_out_channels=[a * 2, b * 2],
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
        up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"],
        latent_channels=4,
        norm_num_groups=a * 2,
        sample_size=128,
    ).eval()


def _scheduler() -> Any:
    from diffusers import EulerDiscreteScheduler

    return EulerDiscreteScheduler(
        beta_start=0.00085,
        beta_end=0.012,
        steps_offset=1,
        beta_schedule="scaled_linear",
        timestep_spacing="leading",
    )


def make_sdxl(target: Path, size: Size = "test", seed: int = 0) -> Path:
    """A tiny StableDiffusionXLPipeline saved to `target` (`from_pretrained`-ready)."""
    import torch
    from diffusers import StableDiffusionXLPipeline

    torch.manual_seed(seed)
    tokenizer = _tokenizer()
    text_encoder, text_encoder_2 = _text_encoders(len(tokenizer))
    pipe = StableDiffusionXLPipeline(
        vae=_vae(size),
        text_encoder=text_encoder,
        text_encoder_2=text_encoder_2,
        tokenizer=tokenizer,
        tokenizer_2=_tokenizer(),
        unet=_unet(size, cross_attention_dim=64, time_input_dim=6 * 8 + 32),
        scheduler=_scheduler(),
    )
    pipe.save_pretrained(target)
    return target


def make_sdxl_refiner(target: Path, size: Size = "test", seed: int = 1) -> Path:
    """A tiny StableDiffusionXLImg2ImgPipeline with SDXL's refiner layout: the second text
    encoder only and the aesthetic score in the time embedding."""
    import torch
    from diffusers import StableDiffusionXLImg2ImgPipeline

    torch.manual_seed(seed)
    tokenizer = _tokenizer()
    _, text_encoder_2 = _text_encoders(len(tokenizer))
    pipe = StableDiffusionXLImg2ImgPipeline(
        vae=_vae(size),
        text_encoder=None,
        text_encoder_2=text_encoder_2,
        tokenizer=None,
        tokenizer_2=tokenizer,
        unet=_unet(size, cross_attention_dim=32, time_input_dim=5 * 8 + 32),
        scheduler=_scheduler(),
        requires_aesthetics_score=True,
    )
    pipe.save_pretrained(target)
    return target


def _t5_tokenizer() -> Any:
    """A T5 tokenizer from an in-memory vocabulary (no sentencepiece file): the byte-level
    pieces, so every text tokenizes."""
    from transformers import T5Tokenizer

    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)]
    pieces += [(c, -float(i)) for i, c in enumerate(_byte_vocab()) if "<" not in c][:200]
    return T5Tokenizer(vocab=pieces, extra_ids=0)


def make_wan(target: Path, size: Size = "test", seed: int = 2) -> Path:
    """A tiny WanImageToVideoPipeline with Wan 2.1 FLF2V's layout (its transformer takes
    the first and the last frame's image tokens) saved to `target`."""
    import torch
    from diffusers import (
        AutoencoderKLWan,
        FlowMatchEulerDiscreteScheduler,
        WanImageToVideoPipeline,
        WanTransformer3DModel,
    )
    from transformers import (
        CLIPImageProcessor,
        CLIPVisionConfig,
        CLIPVisionModelWithProjection,
        UMT5Config,
        UMT5EncoderModel,
    )

    torch.manual_seed(seed)
    tokenizer = _t5_tokenizer()
    heads_dim = 12 if size == "test" else 32
    text_encoder = UMT5EncoderModel(
        UMT5Config(
            vocab_size=len(tokenizer),
            d_model=32,
            d_kv=8,
            d_ff=37,
            num_layers=2,
            num_heads=4,
            relative_attention_num_buckets=8,
            pad_token_id=0,
            eos_token_id=1,
            decoder_start_token_id=0,
        )
    ).eval()
    image_encoder = CLIPVisionModelWithProjection(
        CLIPVisionConfig(
            hidden_size=4,
            projection_dim=4,
            num_hidden_layers=2,
            num_attention_heads=2,
            image_size=32,
            intermediate_size=16,
            patch_size=1,
        )
    ).eval()
    pipe = WanImageToVideoPipeline(
        tokenizer=tokenizer,
        text_encoder=text_encoder,
        vae=AutoencoderKLWan(
            base_dim=3,
            z_dim=16,
            dim_mult=[1, 1, 1, 1],
            num_res_blocks=1,
            temperal_downsample=[False, True, True],
        ).eval(),
        scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0),
        image_processor=CLIPImageProcessor(crop_size=32, size=32),
        image_encoder=image_encoder,
        transformer=WanTransformer3DModel(
            patch_size=(1, 2, 2),
            num_attention_heads=2,
            attention_head_dim=heads_dim,
            in_channels=36,
            out_channels=16,
            text_dim=32,
            freq_dim=256,
            ffn_dim=32,
            num_layers=2,
            cross_attn_norm=True,
            qk_norm="rms_norm_across_heads",
            rope_max_seq_len=32,
            image_dim=4,
            # first-and-last-frame (FLF2V): both frames' CLIP tokens, 32x32 patches + 1 each
            pos_embed_seq_len=2 * (32 * 32 + 1),
        ).eval(),
    )
    pipe.save_pretrained(target)
    return target


def quiet() -> None:
    """No progress bars and no library warnings (torchvision is not needed here)."""
    quiet_libraries()


def make_tiny(root: Path, size: Size = "test") -> dict[str, Path]:
    """Every tiny pipeline under `root`; returns name -> folder."""
    quiet()
    root.mkdir(parents=True, exist_ok=True)
    return {
        "sdxl": make_sdxl(root / "sdxl", size),
        "sdxl_refiner": make_sdxl_refiner(root / "sdxl_refiner", size),
        "wan": make_wan(root / "wan", size),
    }
