"""A third-party-style custom handler, named by module path in tests."""

from __future__ import annotations

from sparkle_motion.adapters.base import Output


def checksum_note(job):
    """Writes the names of its inputs: enough to prove it ran with the step's files."""
    names = ",".join(sorted(p.name for p in job.inputs.values()))
    return [Output(name="note.txt", data=names.encode(), mime_type="text/plain")]
