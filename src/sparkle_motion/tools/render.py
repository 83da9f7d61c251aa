"""One step rendered by a tool: artifact URIs in, artifact refs out.

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

from ..adapters.base import StepJob
from ..config import Settings
from ..errors import ArtifactNotFoundError, ArtifactUriError, RunRequestError, StageError
from ..http.scrub import host_prefixes, scrub
from ..runs.scratch import process_folder
from ..schemas import ArtifactRef
from ..schemas.common import STEP_REF_PREFIX
from ..schemas.steps import step_input_refs
from ..storage import open_artifact_store
from .backends import Backends
from .models import StepInvokeRequest, StepInvokeResponse


def check_request(backends: Backends, body: StepInvokeRequest) -> None:
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
        runs_dir = Path(settings.runs_dir)
        runs_dir.mkdir(parents=True, exist_ok=True)
        scratch = Path(
            tempfile.mkdtemp(prefix=f"{step.id}-", dir=process_folder(runs_dir.resolve()))
        )
        try:
            job = StepJob(
                step=step, inputs=local, context=body.context, workdir=scratch, upstream=upstream
            )
            with backends.running(backend, adapter):
                produced = adapter.run(job)
            if not produced:
                raise StageError(
                    f"{step.id}: adapter {adapter.name} produced no output",
                    stage=stage.name,
                    step_id=step.id,
                )
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
