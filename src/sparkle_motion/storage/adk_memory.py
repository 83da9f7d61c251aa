"""Our memory log, searchable by ADK agents: a `BaseMemoryService` over ADK's
`SqliteMemoryService` that ingests new `memory_events` rows before every search.

The memory log stays the source of truth; ADK's memory database (ADK_MEMORY_SQLITE,
default `adk_memory.db` beside SPARKLE_DB_PATH) is a search index over it. It has to be a
file of its own: ADK's service also names its table `memory_events`. Re-ingesting is
idempotent (each event keeps the id `sparkle-<id>`), so a fresh process simply catches up.

Imports google.adk: load this module only where ADK is wanted.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from google.adk.events import Event
from google.adk.memory import BaseMemoryService
from google.adk.memory.base_memory_service import SearchMemoryResponse
from google.genai import types

from .fs_store import DEFAULT_APP, DEFAULT_USER
from .memory_log import MemoryEvent, MemoryLog

if TYPE_CHECKING:
    from google.adk.sessions import Session

GLOBAL_SESSION = "sparkle-global"  # events written without a run


def as_adk_event(event: MemoryEvent) -> Event:
    run = event.run_id or "-"
    text = f"{event.event_type} (run {run}): {json.dumps(event.payload, sort_keys=True, ensure_ascii=False)}"
    return Event(
        id=f"sparkle-{event.id}",
        invocation_id=f"sparkle-memory-{event.id}",
        author="sparkle-motion",
        timestamp=float(event.timestamp),
        content=types.Content(role="model", parts=[types.Part(text=text)]),
    )


class SparkleMemoryService(BaseMemoryService):
    def __init__(
        self,
        memory_log: MemoryLog,
        adk_db_path: Path | str,
        *,
        app_name: str = DEFAULT_APP,
        user_id: str = DEFAULT_USER,
    ) -> None:
        from google.adk.memory import SqliteMemoryService

        self.log = memory_log
        self.inner = SqliteMemoryService(adk_db_path)
        self.app_name = app_name
        self.user_id = user_id
        self._synced_id = 0

    async def sync(self) -> int:
        """Ingest memory events not yet in ADK's index; returns how many."""
        events = self.log.list(after_id=self._synced_id)
        for run_id, group in groupby(events, key=lambda e: e.run_id):
            await self.inner.add_events_to_memory(
                app_name=self.app_name,
                user_id=self.user_id,
                events=[as_adk_event(e) for e in group],
                session_id=run_id or GLOBAL_SESSION,
            )
        if events:
            self._synced_id = events[-1].id
        return len(events)

    async def add_session_to_memory(self, session: Session) -> None:
        await self.inner.add_session_to_memory(session)

    async def add_events_to_memory(
        self,
        *,
        app_name: str,
        user_id: str,
        events: Sequence[Event],
        session_id: str | None = None,
        custom_metadata: Mapping[str, object] | None = None,
    ) -> None:
        await self.inner.add_events_to_memory(
            app_name=app_name,
            user_id=user_id,
            events=events,
            session_id=session_id,
            custom_metadata=custom_metadata,
        )

    async def search_memory(
        self, *, app_name: str, user_id: str, query: str
    ) -> SearchMemoryResponse:
        await self.sync()
        return await self.inner.search_memory(app_name=app_name, user_id=user_id, query=query)

    async def close(self) -> None:
        await self.inner.close()
