"""Events' public surface: recording.py (appending to a report's event log, proving the log
was not rewritten, reading it page by page)."""

from __future__ import annotations

from app.events.recording import (
    events_after,
    events_written_together,
    head_hash,
    record_event,
    verify_chain,
)

__all__ = [
    "events_after",
    "events_written_together",
    "head_hash",
    "record_event",
    "verify_chain",
]
