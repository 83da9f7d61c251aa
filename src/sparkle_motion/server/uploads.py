"""Files sent to the production API (`POST /artifacts`) and the plan inputs that name them.

An upload is published through the artifact store like any step output (written to a
temporary file, fsynced, renamed into place, indexed: wholly present or absent) under
the user's scope `user~<user_id>`, stage `upload`:

    artifact+fs://user~local/upload-<16 hex>     (local: the `user_id` setting)

Why that scope and not a run id such as `uploads`: an upload belongs to no run (one file
may feed many), and the store's URI rules keep `user~<user_id>` for exactly that, the
scope of ADK's user-scoped artifacts; `~` is in no run id, so no run can ever be named
like the upload area and list, reuse or overwrite its files, and `GET /artifacts?run_id=`
never shows them. Uploads need the filesystem store (`ARTIFACTS_BACKEND=filesystem`): the
ADK-backed one keeps artifacts per session only.

A plan sent to `POST /invoke` names no file of the server; its inputs are step outputs
(`@step`) or stored artifacts (an upload's URI), each checked to exist before the run is
started (422 naming `plan.steps[k].<field>`); the engine reads them through the store.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..config import Settings
from ..errors import (
    ArtifactNotFoundError,
    ArtifactUriError,
    MissingDependencyError,
    RunRequestError,
    UnsafePathError,
)
from ..plans.policy import ARTIFACT_SCHEMES
from ..schemas import ArtifactRef
from ..schemas.common import STEP_REF_PREFIX
from ..storage.paths import RULE, is_segment
from ..storage.publish_request import MANIFEST

if TYPE_CHECKING:
    from ..storage.base import ArtifactStore

UPLOAD_STAGE = "upload"
FIELD = "file"  # the multipart field the file is sent in
CHUNK = 1 << 20


def upload_scope(settings: Settings) -> str:
    from ..storage.fs_store import user_scope

    return user_scope(settings.user_id)


def check_upload_name(name: str | None) -> str:
    """The file's own name, as it will be stored: one path segment (letters, digits, '_',
    '.', '-', starting with a letter or digit), so no '..', '/', '\\', NUL, hidden or empty
    name ever reaches the store; RunRequestError naming the field otherwise."""
    if not name:
        raise RunRequestError("the file has no name (send a filename)", field=FIELD)
    if not is_segment(name) or name == MANIFEST:
        shown = name if len(name) <= 200 else name[:200] + "..."
        raise RunRequestError(
            f"file name {shown!r}: {RULE}, and not {MANIFEST!r} (a name, never a path)",
            field=FIELD,
        )
    return name


def _filesystem_store(settings: Settings) -> ArtifactStore:
    from ..storage import open_artifact_store

    if settings.artifacts_backend != "filesystem":
        raise MissingDependencyError(
            "uploads are kept by the filesystem artifact store; this server's "
            f"ARTIFACTS_BACKEND is {settings.artifacts_backend!r}"
        )
    return open_artifact_store(settings, scan=False)


def store_upload(settings: Settings, name: str | None, data: BinaryIO) -> ArtifactRef:
    """Publish an uploaded file (its size capped by the app's body limit) in the upload
    area; RunRequestError naming the field for a bad name or an empty file."""
    name = check_upload_name(name)
    with tempfile.TemporaryDirectory(prefix="sparkle-upload-") as tmp:
        part = Path(tmp) / name
        with part.open("wb") as out:
            shutil.copyfileobj(data, out, CHUNK)
        if part.stat().st_size == 0:
            raise RunRequestError(f"{name!r} is empty", field=FIELD)
        store = _filesystem_store(settings)
        try:
            return store.publish(
                run_id=upload_scope(settings),
                stage=UPLOAD_STAGE,
                name=name,
                data=part,
                artifact_type="upload",
                metadata={"uploaded": True},
            )
        finally:
            store.close()


def find_artifact(settings: Settings, scope: str, artifact_id: str) -> ArtifactRef:
    """The latest version of `artifact_id` in `scope` (a run, or the upload area);
    ArtifactNotFoundError when there is none."""
    from ..storage import open_artifact_store
    from ..storage.uris import format_fs_uri

    uploads = scope == upload_scope(settings)
    store = _filesystem_store(settings) if uploads else open_artifact_store(settings, scan=False)
    try:
        if store.backend == "filesystem":
            with contextlib.suppress(ArtifactNotFoundError):
                return store.ref(format_fs_uri(scope, artifact_id))
        else:  # an ADK URI names the stage and file too: look the id up in the run
            found = [r for r in store.list(scope) if r.artifact_id == artifact_id]
            if found:
                return found[-1]
    finally:
        store.close()
    where = "the uploads" if uploads else f"run {scope}"
    raise ArtifactNotFoundError(f"no artifact {artifact_id!r} in {where}")


def check_plan_inputs(plan: Any, settings: Settings) -> None:
    """Every input of a plan sent over HTTP is a step reference or an artifact the store
    holds (an upload): never a file of this machine. RunRequestError naming the field."""
    from ..plans import validate_plan
    from ..schemas.steps import step_input_refs
    from ..storage import open_artifact_store

    checked = validate_plan(plan, settings=settings).plan
    named = [
        (f"plan.steps[{k}].{where}", ref)
        for k, step in enumerate(checked.steps)
        for where, ref in step_input_refs(step)
        if not ref.startswith(STEP_REF_PREFIX)
    ]
    for field, ref in named:
        if not ref.startswith(ARTIFACT_SCHEMES):
            raise RunRequestError(
                f"{ref!r}: a plan sent over HTTP cannot name files of the server; upload "
                "the file (POST /artifacts) and name the uri it answers with",
                field=field,
            )
    if not named:
        return
    store = open_artifact_store(settings, scan=False)
    try:
        for field, ref in named:
            try:
                store.ref(ref)
            except (ArtifactNotFoundError, ArtifactUriError, UnsafePathError) as exc:
                raise RunRequestError(
                    f"{ref!r}: no such artifact here ({exc.message}); upload the file with "
                    "POST /artifacts and name the uri it answers with",
                    field=field,
                ) from None
    finally:
        store.close()
