"""An in-memory stand-in for google.cloud.storage's Client/Bucket/Blob: just what ADK's
GcsArtifactService calls (as ADK's own tests fake it). No network."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

from google.cloud import exceptions


class FakeBlob:
    def __init__(self, bucket: FakeBucket, name: str) -> None:
        self.bucket, self.name = bucket, name
        self.metadata: dict[str, str] | None = None
        self.content_type: str | None = None
        self.content = b""
        self.time_created = datetime.now(UTC)

    def upload_from_string(self, data, content_type=None, if_generation_match=None):
        if if_generation_match == 0 and self.name in self.bucket.blobs:
            raise exceptions.PreconditionFailed(f"{self.name} exists")
        self.content = data.encode() if isinstance(data, str) else bytes(data)
        self.content_type = content_type
        self.time_created = datetime.now(UTC)
        self.bucket.blobs[self.name] = self

    def download_as_bytes(self) -> bytes:
        return self.content

    def delete(self) -> None:
        if self.name not in self.bucket.blobs:
            raise exceptions.NotFound(self.name)
        del self.bucket.blobs[self.name]


class FakeBucket:
    def __init__(self, name: str) -> None:
        self.name = name
        self.blobs: dict[str, FakeBlob] = {}

    def blob(self, name: str) -> FakeBlob:
        return self.blobs.get(name) or FakeBlob(self, name)

    def get_blob(self, name: str) -> FakeBlob | None:
        return self.blobs.get(name)


class FakeClient:
    def __init__(self, *args, **kwargs) -> None:
        self.buckets: dict[str, FakeBucket] = {}

    def bucket(self, name: str) -> FakeBucket:
        return self.buckets.setdefault(name, FakeBucket(name))

    def list_blobs(self, bucket, prefix: str = "", **kwargs):
        bucket = bucket if isinstance(bucket, FakeBucket) else self.bucket(bucket)
        return [b for n, b in sorted(bucket.blobs.items()) if n.startswith(prefix)]


def fake_gcs_service(bucket_name: str = "sparkle-test"):
    from google.adk.artifacts import GcsArtifactService

    with mock.patch("google.cloud.storage.Client", FakeClient):
        return GcsArtifactService(bucket_name)
