"""What each stage's tab holds: the run's outputs by role (GET /artifacts' `assets`, built
by runs/assets.py from the step records) as items a tab shows, one per file: a keyframe's
thumbnail, a dialogue line's player, a shot's clip, the film, a link for anything else.
Pure, like state.py: the panel turns items into widgets.

    items = tab_items(client.artifacts(run_id), "base_images")
    items[0].kind, items[0].title, items[0].url     # "image", "kf-000", a signed URL
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# tab -> the roles of AssetRefs it shows, in order (schemas/artifacts.py)
ROLES: dict[str, tuple[str, ...]] = {
    "plan_intake": ("plan",),
    "dialogue_audio": ("line_artifacts",),
    "base_images": ("base_images",),
    "video": ("shot_videos",),
    "lipsync": ("lipsync_videos",),
    "assemble": ("custom", "assembled", "subtitles"),
    "finalize": ("final",),
}


@dataclass(frozen=True)
class Item:
    """One file of a tab: `kind` image, audio, video or link (by its MIME type), a title
    (the keyframe, line, shot or step it belongs to), its signed `url` and checksum."""

    kind: str
    title: str
    url: str
    checksum: str
    mime_type: str
    size_bytes: int
    name: str


def kind_of(mime_type: str) -> str:
    top = mime_type.split("/", 1)[0]
    return top if top in ("image", "audio", "video") else "link"


def item(title: str, ref: Mapping[str, Any]) -> Item:
    return Item(
        kind=kind_of(ref.get("mime_type", "")),
        title=title,
        url=ref["download_url"],
        checksum=ref.get("checksum_sha256", ""),
        mime_type=ref.get("mime_type", ""),
        size_bytes=int(ref.get("size_bytes") or 0),
        name=ref.get("name", title),
    )


def tab_items(artifacts: Mapping[str, Any] | None, tab: str) -> list[Item]:
    """The items of `tab` from an /artifacts answer (None: nothing yet)."""
    assets = (artifacts or {}).get("assets") or {}
    found: list[Item] = []
    for role in ROLES[tab]:
        value = assets.get(role)
        if not value:
            continue
        if "download_url" in value:  # one ref: the film, its subtitles, the manifest
            found.append(item(role, value))
            continue
        for key in sorted(value):
            refs = value[key]
            if isinstance(refs, list):  # a custom step's outputs
                found.extend(item(f"{key} [{i}]", r) for i, r in enumerate(refs))
            else:
                found.append(item(key, refs))
    return found


def keyframe_thumbnails(
    artifacts: Mapping[str, Any] | None, keyframe_ids: tuple[str, ...]
) -> dict[str, Item]:
    """keyframe id -> its image, for the ids a keyframes review names."""
    images = {i.title: i for i in tab_items(artifacts, "base_images")}
    return {k: images[k] for k in keyframe_ids if k in images}
