"""One step rendered by a tool, two ways:

- `render_step` (POST /invoke): artifact URIs in, artifact refs out, through the artifact
  store the tool shares with its caller (one state home on one machine);
- `render_archive` (POST /render, the catalog's HTTP transport): the input files come in
  one tar archive and the outputs go back in another (catalog/wire.py); the caller
  publishes them, so a tool on another machine needs no shared disk.

The caller (the stage node, through the tool catalog) owns policy: step keys, reuse,
retries, fallback, records. The tool resolves each input URI through the artifact store
it shares with the caller (both processes read one state home on one machine: a tool on
another host needs the catalog's transport, which uploads inputs and fetches outputs),
runs the adapter in a scratch folder under the runs dir, and publishes the outputs under
the run as the in-process engine does (same stage, names, metadata and, given the step
key, the same artifact ids).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import IO, Any

from ..adapters.base import Adapter, Output, StepJob
from ..catalog.tool_specs import BackendSpec
from ..catalog.wire import REQUEST, RESPONSE, WireError, read_archive, write_archive
from ..config import Settings
from ..errors import ArtifactNotFoundError, ArtifactUriError, RunRequestError, StageError
from ..http.scrub import host_prefixes, scrub
from ..runs.scratch import process_folder
from ..schemas import ArtifactRef
from ..schemas.common import STEP_REF_PREFIX
from ..schemas.steps import step_input_refs
from ..storage import open_artifact_store
from ..storage.fs_store import sha256_file
from .backends import Backends
from .models import RenderRequest, StepInvokeRequest, StepInvokeResponse


def check_request(backends: Backends, body: StepInvokeRequest | RenderRequest) -> None:
    """The step is this tool's kind, of this run, and every input it reads has a URI."""
    step, stage = body.step, backends.stage
    if step.type != stage.step_type:
        raise RunRequestError(
            f"step.type: {backends.spec.id} renders {stage.step_type} steps, not {step.type}",
            field="step.type",
        )
    if body.context.run_id != body.run_id:
        raise RunRequestError(
            f"context.run_id {body.context.run_id!r} is not run_id {body.run_id!r}",
            field="context.run_id",
        )
    wanted = {ref: where for where, ref in step_input_refs(step)}
    for ref, where in wanted.items():
        if ref not in body.inputs:
            raise RunRequestError(
                f"step.{where} reads {ref!r}: send its artifact URI as inputs[{ref!r}]",
                field=f"inputs.{ref}",
            )
    for ref in body.inputs:
        if ref not in wanted:
            raise RunRequestError(f"inputs: step {step.id} reads no {ref!r}", field=f"inputs.{ref}")


def render_step(
    backends: Backends, body: StepInvokeRequest, settings: Settings
) -> StepInvokeResponse:
    backend, adapter = backends.adapter(body.backend)  # 422 unknown, 503 not ready
    check_request(backends, body)
    step, stage = body.step, backends.stage
    store = open_artifact_store(settings, scan=False)
    try:
        local: dict[str, Path] = {}
        upstream: dict[str, list[ArtifactRef]] = {}
        for ref, uri in body.inputs.items():
            try:
                stored = store.ref(uri)
                local[ref] = store.local_path(uri)  # checksum-verified
            except (ArtifactNotFoundError, ArtifactUriError) as exc:
                raise RunRequestError(
                    f"inputs[{ref!r}]: {exc.message}", field=f"inputs.{ref}"
                ) from None
            if ref.startswith(STEP_REF_PREFIX):
                upstream[ref[len(STEP_REF_PREFIX) :]] = [stored]
        scratch = scratch_folder(settings, step.id)
        try:
            produced = run_adapter(backends, backend, adapter, body, local, upstream, scratch)
            key = {"step_key": body.step_key} if body.step_key else {}
            refs = [
                store.publish(
                    run_id=body.run_id,
                    stage=stage.name,
                    name=out.name,
                    data=out.data,
                    mime_type=out.mime_type,
                    artifact_type=out.artifact_type,
                    metadata={**out.metadata, "step_id": step.id, **key},
                    artifact_id=f"{step.id}-{body.step_key[:12]}-{i}" if body.step_key else None,
                )
                for i, out in enumerate(produced)
            ]
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        hidden = host_prefixes(settings, scratch)
    finally:
        store.close()
    return StepInvokeResponse(
        tool=backends.spec.id,
        backend=backend.name,
        step_id=step.id,
        outputs=[
            r.model_copy(update={"local_path": None, "metadata": scrub(r.metadata, hidden)})
            for r in refs
        ],
    )


def scratch_folder(settings: Settings, step_id: str) -> Path:
    """A fresh folder for one step under this process's scratch area of the runs dir."""
    runs_dir = Path(settings.runs_dir)
    runs_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{step_id}-", dir=process_folder(runs_dir.resolve())))


def run_adapter(
    backends: Backends,
    backend: BackendSpec,
    adapter: Adapter,
    body: StepInvokeRequest | RenderRequest,
    local: dict[str, Path],
    upstream: dict[str, list[ArtifactRef]],
    scratch: Path,
) -> list[Output]:
    step = body.step
    job = StepJob(step=step, inputs=local, context=body.context, workdir=scratch, upstream=upstream)
    with backends.running(backend, adapter):
        produced = adapter.run(job)
    if not produced:
        raise StageError(
            f"{step.id}: adapter {adapter.name} produced no output",
            stage=backends.stage.name,
            step_id=step.id,
        )
    return produced


def render_archive(
    backends: Backends, source: IO[bytes], settings: Settings, scratch: Path
) -> Path:
    """POST /render: read the request archive from `source` into `scratch`, render, and
    return the response archive (in `scratch`; the route removes the folder once sent)."""
    try:
        document, files = read_archive(
            source, REQUEST, scratch / "in", max_bytes=settings.tool_max_body_bytes
        )
    except WireError as exc:
        raise RunRequestError(f"body: {exc}", field="body") from None
    body = RenderRequest.model_validate(document)  # ValidationError: the route's 422
    backend, adapter = backends.adapter(body.backend)  # 422 unknown, 503 not ready
    check_request(backends, body)
    local: dict[str, Path] = {}
    for ref, member in body.inputs.items():
        if member not in files:
            raise RunRequestError(
                f"inputs[{ref!r}]: the archive has no member {member!r}", field=f"inputs.{ref}"
            )
        local[ref] = files[member]
    work = scratch / "work"
    work.mkdir()
    produced = run_adapter(backends, backend, adapter, body, local, body.upstream, work)
    hidden = host_prefixes(settings, scratch)
    outputs: list[dict[str, Any]] = []
    members: dict[str, Path] = {}
    for i, out in enumerate(produced):
        path = out.data if isinstance(out.data, Path) else work / f"output-{i}"
        if not isinstance(out.data, Path):
            path.write_bytes(out.data)
        member = f"outputs/{i}"
        members[member] = path
        outputs.append(
            {
                "name": out.name,
                "member": member,
                "sha256": sha256_file(path)[0],
                "mime_type": out.mime_type,
                "artifact_type": out.artifact_type,
                "metadata": scrub(out.metadata, hidden),
            }
        )
    answer = scratch / "response.tar"
    with answer.open("wb") as fh:
        write_archive(
            fh,
            RESPONSE,
            {
                "tool": backends.spec.id,
                "backend": backend.name,
                "version": adapter.version,
                "model_id": adapter.model_id,
                "step_id": body.step.id,
                "outputs": outputs,
            },
            members,
        )
    return answer
