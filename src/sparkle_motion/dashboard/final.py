"""The film of a run, in a notebook: the `video_final` row (its manifest, with a signed
`download_url`) as an inline player and a download.

    film = show_final_video(client, run_id)     # in a cell: the player, then the download
    film.url, film.checksum, film.path          # what it showed; path: a saved copy, if any

Outside Colab the browser reaches the API itself: the player and a link use the signed
URL (an hour's validity, that file only). In Colab the API runs on the Colab machine,
which the browser does not reach: the film is fetched (checked against the manifest's
sha256), saved beside the notebook, embedded in the output and handed to
`google.colab.files.download()`. IPython and google.colab are imported inside only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ArtifactNotFoundError
from .client import ApiClient


def in_colab() -> bool:
    """Running in a Google Colab kernel (its module is loaded there at start)."""
    return "google.colab" in sys.modules or bool(os.environ.get("COLAB_RELEASE_TAG"))


@dataclass(frozen=True)
class FinalVideo:
    run_id: str
    url: str  # absolute, signed
    checksum: str
    manifest: Mapping[str, Any]
    path: Path | None = None  # the copy saved here (Colab, or save=True)


def film_of(client: ApiClient, run_id: str) -> dict[str, Any]:
    """The run's `video_final` manifest with its `download_url`; ArtifactNotFoundError
    naming the run's status when it has none (a film the API announced and cannot
    show is an error, never an empty cell)."""
    status = client.status(run_id)
    film = status.get("film") or client.artifacts(run_id).get("video_final")
    if not film:
        raise ArtifactNotFoundError(
            f"run {run_id} has no film (it is {status['status']}; the film exists once "
            "finalize succeeded)",
            context={"run_id": run_id, "status": status["status"]},
        )
    return dict(film)


def save_film(client: Any, film: Mapping[str, Any], dest: Path) -> Path:
    """The film's bytes, checked against the manifest's sha256, written to `dest`."""
    data = client.fetch(film["download_url"], sha256=film["checksum_sha256"])
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.part")
    tmp.write_bytes(data)
    tmp.replace(dest)
    return dest


def show_final_video(
    client: ApiClient,
    run_id: str,
    *,
    folder: Path | str = ".",
    save: bool | None = None,
    width: int = 640,
) -> FinalVideo:
    """Display the run's film in the current cell: a player and a download (see the
    module's docstring). `save` keeps a checked copy in `folder` (default: in Colab)."""
    from IPython.display import HTML, Video, display

    film = film_of(client, run_id)
    url = client.url(film["download_url"])
    colab = in_colab()
    path = None
    if colab if save is None else save:
        path = save_film(client, film, Path(folder) / f"{run_id}-film.mp4")
    if colab and path is not None:
        display(Video(str(path), embed=True, mimetype=film["mime_type"], width=width))
        colab_download(path)
    else:
        display(Video(url, width=width))
        display(HTML(download_link(url, film, run_id)))
    return FinalVideo(run_id, url, film["checksum_sha256"], film, path)


def colab_download(path: Path) -> None:
    """Hand a file of the Colab machine to the browser (google.colab.files.download)."""
    import importlib

    importlib.import_module("google.colab.files").download(str(path))


def download_link(url: str, film: Mapping[str, Any], run_id: str) -> str:
    from html import escape

    size = (film.get("size_bytes") or 0) / 1e6
    facts = f"{film.get('duration_s', 0):.1f} s, {film.get('resolution_px', '?')}, {size:.1f} MB"
    return (
        f'<a href="{escape(url)}" download="{escape(run_id)}-film.mp4">download the film</a> '
        f"({escape(facts)}, sha256 <code>{escape(film['checksum_sha256'][:16])}…</code>)"
    )
