"""Events' public surface: recording.py (appending to a report's event log, proving the log
was not rewritten)."""

from __future__ import annotations

from app.events.recording import (
    head_hash,
    record_event,
    verify_chain,
)

__all__ = [
    "head_hash",
    "record_event",
    "verify_chain",
]
