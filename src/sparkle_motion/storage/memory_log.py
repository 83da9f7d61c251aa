"""The memory log: append-only structured events per run (seed table `memory_events`).

A write either commits durably or raises MemoryWriteError (caused by the database's typed
error; transient when the database was only busy); nothing is swallowed. ADK
agents see these events through ADK's memory service (adk_helpers).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import MemoryWriteError, StorageError, is_transient
from .db import Database


@dataclass(frozen=True)
class MemoryEvent:
    id: int
    run_id: str | None
    timestamp: int
    event_type: str
    payload: dict[str, Any]


class MemoryLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    def write(
        self,
        run_id: str | None,
        event_type: str,
        payload: Mapping[str, Any],
        *,
        ts: datetime | None = None,
    ) -> int:
        """Append one event; returns its id once committed."""
        if not isinstance(event_type, str) or not event_type.strip():
            raise MemoryWriteError(
                "event_type must be a non-empty string", context={"run_id": run_id}
            )
        if not isinstance(payload, Mapping):
            raise MemoryWriteError(
                f"payload must be a mapping, got {type(payload).__name__}",
                context={"run_id": run_id, "event_type": event_type},
            )
        try:
            text = json.dumps(dict(payload), sort_keys=True, allow_nan=False, ensure_ascii=False)
        except (TypeError, ValueError) as exc:
            raise MemoryWriteError(
                f"payload is not JSON-serializable: {exc}",
                context={"run_id": run_id, "event_type": event_type},
            ) from exc
        stamp = int(ts.timestamp()) if ts is not None else int(time.time())
        try:
            with self.db.atomic() as conn:
                cur = conn.execute(
                    "INSERT INTO memory_events (run_id, timestamp, event_type, payload) VALUES (?, ?, ?, ?)",
                    (run_id, stamp, event_type, text),
                )
                if cur.lastrowid is None:  # sqlite3 sets it after every INSERT
                    raise sqlite3.Error("the insert reported no row id")
                return cur.lastrowid
        except (sqlite3.Error, StorageError) as exc:
            error = MemoryWriteError(
                f"cannot append memory event: {exc}",
                context={"run_id": run_id, "event_type": event_type, "db": str(self.db.path)},
            )
            if is_transient(exc):  # the database was busy: a retry may succeed
                error.transient = True  # type: ignore[attr-defined]
            raise error from exc

    def list(
        self,
        run_id: str | None = None,
        event_type: str | None = None,
        *,
        after_id: int = 0,
        limit: int | None = None,
    ) -> list[MemoryEvent]:
        """Events in append order, optionally filtered by run and type."""
        sql = "SELECT id, run_id, timestamp, event_type, payload FROM memory_events WHERE id > ?"
        params: list[Any] = [after_id]
        if run_id is not None:
            sql += " AND run_id = ?"
            params.append(run_id)
        if event_type is not None:
            sql += " AND event_type = ?"
            params.append(event_type)
        sql += " ORDER BY id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [
            MemoryEvent(
                r["id"], r["run_id"], r["timestamp"], r["event_type"], json.loads(r["payload"])
            )
            for r in self.db.query(sql, params)
        ]
